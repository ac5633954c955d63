// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>

namespace Heron::Imap {

// RENAME a mailbox (RFC 3501 §6.3.5). Its children move with it; renaming INBOX moves its messages
// to the new mailbox and leaves INBOX empty.
class RenameJob : public Job {
    Q_OBJECT

public:
    explicit RenameJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_from = mailbox; }
    void setNewName(const QByteArray &name) { m_to = name; }

protected:
    void doStart() override;

private:
    QByteArray m_from;
    QByteArray m_to;
};

}  // namespace Heron::Imap
