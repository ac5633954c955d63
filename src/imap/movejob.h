// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/copyjob.h"
#include "imap/removals.h"

namespace Heron::Imap {

// UID MOVE (RFC 6851 §3.2). The COPYUID arrives in an untagged OK before the expunges or, from
// some servers, in the tagged OK (RFC 6851 §4.3); both are read. The EXPUNGE or VANISHED
// responses the move causes are collected. Without MOVE the job fails with Unsupported: the
// COPY / STORE \Deleted / UID EXPUNGE fallback is the sync layer's decision.
class MoveJob : public Job {
    Q_OBJECT

public:
    explicit MoveJob(Session *session);

    void setUids(const UidSet &uids) { m_uids = uids; }
    void setDestination(const QByteArray &mailbox) { m_destination = mailbox; }

    const std::optional<CopyUid> &copyUid() const { return m_copyUid; }
    // Sequence numbers of "* n EXPUNGE", in the order received (each one shifts later ones).
    const QList<uint32_t> &expungedSequences() const { return m_removals.expungedSequences; }
    // UIDs of "* VANISHED" (QRESYNC enabled, RFC 7162 §3.2.10).
    const UidSet &vanishedUids() const { return m_removals.vanishedUids; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    UidSet m_uids;
    QByteArray m_destination;
    std::optional<CopyUid> m_copyUid;
    Removals m_removals;
};

}  // namespace Heron::Imap
