// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/closejob.h"

#include "imap/session.h"

#include <QDateTime>

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
    m_viaExamine = true;
    Command examine(QByteArrayLiteral("EXAMINE"));
    examine.string("heron-unselect-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch(), 36));
    sendCommand(examine);
}

void CloseJob::handleTagged(const StatusResponse &response)
{
    const bool refused = response.status == StatusResponse::Status::No;
    if (response.status != StatusResponse::Status::Ok && !(m_viaExamine && refused)) {
        failFromResponse(response, tr("to leave the mailbox"));
        return;
    }
    session()->setSelectedMailbox({});
    session()->setState(Session::State::Authenticated);
    finish();
}

}  // namespace Heron::Imap
