// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>

namespace Heron::Imap {

// SUBSCRIBE or UNSUBSCRIBE a mailbox (RFC 3501 §6.3.6-7).
class SubscribeJob : public Job {
    Q_OBJECT

public:
    explicit SubscribeJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_mailbox = mailbox; }
    void setSubscribe(bool subscribe) { m_subscribe = subscribe; }  // default true

protected:
    void doStart() override;

private:
    QByteArray m_mailbox;
    bool m_subscribe = true;
};

}  // namespace Heron::Imap
