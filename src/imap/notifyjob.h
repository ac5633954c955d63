// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// NOTIFY SET (RFC 5465 §3.1): asks the server to report message arrivals, expunges and flag
// changes in the named mailboxes, and mailbox creations, deletions and renames in the personal
// namespace, as unsolicited STATUS and LIST responses (§5). NOTIFY NONE switches them off again.
// The notifications themselves are not claimed: they reach Session::unsolicited().
class NotifyJob : public Job {
    Q_OBJECT
public:
    explicit NotifyJob(Session *session);
    // Wire names of the mailboxes to watch for message events; empty sends NOTIFY NONE.
    void setMailboxes(const QList<QByteArray> &mailboxes) { m_mailboxes = mailboxes; }
    // Also send the current STATUS of every watched mailbox once (the STATUS option).
    void setInitialStatus(bool status) { m_status = status; }

protected:
    void doStart() override;

private:
    QList<QByteArray> m_mailboxes;
    bool m_status = false;
};

}  // namespace Heron::Imap
