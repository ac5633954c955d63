// SPDX-License-Identifier: GPL-3.0-or-later
#include "subscribejob.h"

#include "imap/session.h"

namespace Heron::Imap {

SubscribeJob::SubscribeJob(Session *session) : Job(session) {}

void SubscribeJob::doStart()
{
    if (m_mailbox.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("SUBSCRIBE needs a mailbox name.")));
        return;
    }
    Command command(m_subscribe ? QByteArrayLiteral("SUBSCRIBE") : QByteArrayLiteral("UNSUBSCRIBE"));
    command.string(m_mailbox);
    sendCommand(command);
}

}  // namespace Heron::Imap
