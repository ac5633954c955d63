// SPDX-License-Identifier: GPL-3.0-or-later
#include "expungejob.h"

#include "imap/session.h"

namespace Heron::Imap {

ExpungeJob::ExpungeJob(Session *session) : Job(session) {}

void ExpungeJob::doStart()
{
    if (m_all) {
        sendCommand(Command(QByteArrayLiteral("EXPUNGE")));
        return;
    }
    if (m_uids.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("UID EXPUNGE needs a UID set.")));
        return;
    }
    if (!session()->hasCapability("UIDPLUS")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support UID EXPUNGE (UIDPLUS).")));
        return;
    }
    Command command(QByteArrayLiteral("UID EXPUNGE"));
    command.set(m_uids);
    sendCommand(command);
}

bool ExpungeJob::handleUntagged(const Response &response)
{
    return m_removals.collect(response);
}

}  // namespace Heron::Imap
