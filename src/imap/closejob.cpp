// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/closejob.h"

#include "imap/session.h"

namespace Heron::Imap {

CloseJob::CloseJob(Session *session)
    : Job(session)
{
}

void CloseJob::doStart()
{
    if (session()->state() != Session::State::Selected) {
        finish();
        return;
    }
    if (session()->hasCapability("UNSELECT")) {
        sendCommand(Command(QByteArrayLiteral("UNSELECT")));
        return;
    }
    if (!m_readOnly) {
        fail(makeError(Error::Code::Unsupported,
                       tr("The server cannot leave a mailbox without expunging it (no UNSELECT).")));
        return;
    }
    sendCommand(Command(QByteArrayLiteral("CLOSE")));
}

void CloseJob::handleTagged(const StatusResponse &response)
{
    if (response.status != StatusResponse::Status::Ok) {
        failFromResponse(response, tr("to leave the mailbox"));
        return;
    }
    session()->setSelectedMailbox({});
    session()->setState(Session::State::Authenticated);
    finish();
}

}  // namespace Heron::Imap
