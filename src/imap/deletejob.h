// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>

namespace Heron::Imap {

// DELETE a mailbox (RFC 3501 §6.3.4). Deleting the selected mailbox is allowed by RFC 9051
// §6.3.4; the session then is no longer in Selected state.
class DeleteJob : public Job {
    Q_OBJECT

public:
    explicit DeleteJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_mailbox = mailbox; }

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;

private:
    QByteArray m_mailbox;
};

}  // namespace Heron::Imap
