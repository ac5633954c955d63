// SPDX-License-Identifier: GPL-3.0-or-later
#include "createjob.h"

#include "imap/session.h"

namespace Heron::Imap {

CreateJob::CreateJob(Session *session) : Job(session) {}

bool CreateJob::alreadyExisted() const
{
    return result().status == StatusResponse::Status::No && result().code.kind == ResponseCode::Kind::Other
        && result().code.name == "ALREADYEXISTS";
}

void CreateJob::doStart()
{
    if (m_mailbox.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("CREATE needs a mailbox name.")));
        return;
    }
    Command command(QByteArrayLiteral("CREATE"));
    command.string(m_mailbox);
    if (!m_specialUse.isEmpty()) {
        if (!session()->hasCapability("CREATE-SPECIAL-USE")) {
            fail(makeError(Error::Code::Unsupported, tr("The server cannot mark new mailboxes for a special use.")));
            return;
        }
        command.openList().atom("USE").openList();
        for (const QByteArray &use : m_specialUse)
            command.atom(use);
        command.closeList().closeList();
    }
    sendCommand(command);
}

}  // namespace Heron::Imap
