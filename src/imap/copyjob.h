// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QList>

#include <optional>
#include <utility>

namespace Heron::Imap {

// The [COPYUID uidvalidity source-uids destination-uids] code of UIDPLUS (RFC 4315 §3).
struct CopyUid {
    uint32_t uidValidity = 0;  // of the destination mailbox
    UidSet sourceUids;
    UidSet destinationUids;

    // (source UID, destination UID) pairs. RFC 4315 §3 pairs the two sets in order; servers
    // assign destination UIDs in ascending source order, so ascending lists pair up. Empty when
    // the counts disagree.
    QList<std::pair<uint32_t, uint32_t>> pairs() const;
    static std::optional<CopyUid> fromCode(const ResponseCode &code);
};

// UID COPY (RFC 3501 §6.4.7, RFC 4315 §3) of a UID set to another mailbox; the COPYUID code of the
// tagged OK, when the server has UIDPLUS, tells where the copies landed. A NO with [TRYCREATE]
// means the destination does not exist (result().code).
class CopyJob : public Job {
    Q_OBJECT

public:
    explicit CopyJob(Session *session);

    void setUids(const UidSet &uids) { m_uids = uids; }
    void setDestination(const QByteArray &mailbox) { m_destination = mailbox; }

    const std::optional<CopyUid> &copyUid() const { return m_copyUid; }

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;

private:
    UidSet m_uids;
    QByteArray m_destination;
    std::optional<CopyUid> m_copyUid;
};

}  // namespace Heron::Imap
