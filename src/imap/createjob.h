// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>

namespace Heron::Imap {

// CREATE a mailbox (RFC 3501 §6.3.3), optionally with a special use (USE (\Sent), RFC 6154 §3)
// when the server has CREATE-SPECIAL-USE. A NO with [ALREADYEXISTS] (RFC 5530) is in result().
class CreateJob : public Job {
    Q_OBJECT

public:
    explicit CreateJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_mailbox = mailbox; }
    // Sent only when CREATE-SPECIAL-USE is advertised; otherwise the job fails with Unsupported.
    void setSpecialUse(const Strings &uses) { m_specialUse = uses; }
    bool alreadyExisted() const;

protected:
    void doStart() override;

private:
    QByteArray m_mailbox;
    Strings m_specialUse;
};


}  // namespace Heron::Imap
