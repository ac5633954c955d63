// SPDX-License-Identifier: GPL-3.0-or-later
#include "deletejob.h"

#include "imap/session.h"
#include "imap/statusjob.h"

namespace Heron::Imap {

DeleteJob::DeleteJob(Session *session) : Job(session) {}

void DeleteJob::doStart()
{
    if (m_mailbox.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("DELETE needs a mailbox name.")));
        return;
    }
    Command command(QByteArrayLiteral("DELETE"));
    command.string(m_mailbox);
    sendCommand(command);
}

void DeleteJob::handleTagged(const StatusResponse &response)
{
    Session *s = session();
    // A stateChanged slot may delete the session, and with it this job.
    const QPointer<DeleteJob> alive(this);
    if (response.status == StatusResponse::Status::Ok && s && s->state() == Session::State::Selected
        && isSameMailbox(s->selectedMailbox(), m_mailbox)) {
        s->setSelectedMailbox({});
        s->setState(Session::State::Authenticated);
    }
    if (!alive)
        return;
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
