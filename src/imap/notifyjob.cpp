// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/notifyjob.h"

#include "imap/session.h"

namespace Heron::Imap {

NotifyJob::NotifyJob(Session *session)
    : Job(session)
{
}

void NotifyJob::doStart()
{
    if (!session()->hasCapability("NOTIFY")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support NOTIFY.")));
        return;
    }
    Command command(QByteArrayLiteral("NOTIFY"));
    if (m_mailboxes.isEmpty()) {
        command.atom("NONE");
        sendCommand(command);
        return;
    }
    command.atom("SET");
    if (m_status)
        command.atom("STATUS");
    // RFC 5465 §6: event-group = "(" filter-mailboxes SP events ")"; FlagChange needs
    // MessageNew and MessageExpunge in the same group (§5.2).
    command.openList().atom("mailboxes").openList();
    for (const QByteArray &mailbox : std::as_const(m_mailboxes))
        command.string(mailbox);
    command.closeList().atom("(MessageNew MessageExpunge FlagChange)").closeList();
    command.openList().atom("personal").atom("(MailboxName SubscriptionChange)").closeList();
    sendCommand(command);
}

}  // namespace Heron::Imap
