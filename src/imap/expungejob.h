// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"
#include "imap/removals.h"

#include <QList>

namespace Heron::Imap {

// UID EXPUNGE of a set (RFC 4315 §2.1), which removes only the named \Deleted messages. A bare
// EXPUNGE (RFC 3501 §6.4.3), which removes every \Deleted message including other clients', is
// sent only when the caller asks for it with setExpungeAll(true). Without UIDPLUS a UID EXPUNGE
// fails with Unsupported. The EXPUNGE or VANISHED responses are collected.
class ExpungeJob : public Job {
    Q_OBJECT

public:
    explicit ExpungeJob(Session *session);

    void setUids(const UidSet &uids) { m_uids = uids; }
    void setExpungeAll(bool all) { m_all = all; }

    // Sequence numbers of "* n EXPUNGE" in the order received.
    const QList<uint32_t> &expungedSequences() const { return m_removals.expungedSequences; }
    // UIDs of "* VANISHED" (QRESYNC enabled, RFC 7162 §3.2.10).
    const UidSet &vanishedUids() const { return m_removals.vanishedUids; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;

private:
    UidSet m_uids;
    bool m_all = false;
    Removals m_removals;
};

}  // namespace Heron::Imap
