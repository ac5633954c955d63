// SPDX-License-Identifier: GPL-3.0-or-later
#include "movejob.h"

#include "imap/session.h"

namespace Heron::Imap {

MoveJob::MoveJob(Session *session) : Job(session) {}

void MoveJob::doStart()
{
    if (!session()->hasCapability("MOVE")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support MOVE.")));
        return;
    }
    if (m_uids.isEmpty() || m_destination.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("MOVE needs messages and a destination mailbox.")));
        return;
    }
    Command command(QByteArrayLiteral("UID MOVE"));
    command.set(m_uids).string(m_destination);
    sendCommand(command);
}

bool MoveJob::handleUntagged(const Response &response)
{
    if (const auto *status = std::get_if<StatusResponse>(&response)) {
        if (status->status != StatusResponse::Status::Ok || status->code.kind != ResponseCode::Kind::CopyUid
            || m_copyUid)
            return false;
        m_copyUid = CopyUid::fromCode(status->code);
        return true;
    }
    return m_removals.collect(response);
}

void MoveJob::handleTagged(const StatusResponse &response)
{
    if (response.status == StatusResponse::Status::Ok && !m_copyUid)
        m_copyUid = CopyUid::fromCode(response.code);
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
