// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QDateTime>

namespace Heron::Imap {

// APPEND mailbox [(flags)] ["internal date"] literal (RFC 3501 §6.3.11). The message goes out as a
// literal; as a binary literal8 "~{n}" (RFC 3516 §4.3) only when asked for and the server has
// BINARY. With UIDPLUS the tagged OK carries [APPENDUID uidvalidity uid] (RFC 4315 §3), which lets
// an interrupted append be found again instead of appended twice.
class AppendJob : public Job {
    Q_OBJECT

public:
    explicit AppendJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_mailbox = mailbox; }
    void setFlags(const Strings &flags) { m_flags = flags; }
    void setInternalDate(const QDateTime &date) { m_internalDate = date; }
    void setMessage(const QByteArray &message) { m_message = message; }
    void setBinary(bool binary) { m_binary = binary; }

    // "17-Jul-1996 02:44:25 -0700" (RFC 3501 §9 "date-time"), in English whatever the locale.
    static QByteArray formatInternalDate(const QDateTime &date);

    bool hasAppendUid() const { return m_uidValidity != 0; }
    uint32_t uidValidity() const { return m_uidValidity; }
    uint32_t uid() const { return m_uids.min(); }
    const UidSet &uids() const { return m_uids; }

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;

private:
    QByteArray m_mailbox;
    Strings m_flags;
    QDateTime m_internalDate;
    QByteArray m_message;
    bool m_binary = false;

    uint32_t m_uidValidity = 0;
    UidSet m_uids;
};

}  // namespace Heron::Imap
