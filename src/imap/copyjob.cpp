// SPDX-License-Identifier: GPL-3.0-or-later
#include "copyjob.h"

#include "imap/session.h"

namespace Heron::Imap {

QList<std::pair<uint32_t, uint32_t>> CopyUid::pairs() const
{
    QList<std::pair<uint32_t, uint32_t>> result;
    if (sourceUids.count() != destinationUids.count() || sourceUids.max() == UidSet::kStar
        || destinationUids.max() == UidSet::kStar)
        return result;
    const QList<uint32_t> sources = sourceUids.toList();
    const QList<uint32_t> destinations = destinationUids.toList();
    result.reserve(sources.size());
    for (qsizetype i = 0; i < sources.size(); ++i)
        result.append({sources.at(i), destinations.at(i)});
    return result;
}

std::optional<CopyUid> CopyUid::fromCode(const ResponseCode &code)
{
    if (code.kind != ResponseCode::Kind::CopyUid)
        return std::nullopt;
    return CopyUid{uint32_t(code.number), code.sourceSet, code.set};
}

CopyJob::CopyJob(Session *session) : Job(session) {}

void CopyJob::doStart()
{
    if (m_uids.isEmpty() || m_destination.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("COPY needs messages and a destination mailbox.")));
        return;
    }
    Command command(QByteArrayLiteral("UID COPY"));
    command.set(m_uids).string(m_destination);
    sendCommand(command);
}

void CopyJob::handleTagged(const StatusResponse &response)
{
    if (response.status == StatusResponse::Status::Ok)
        m_copyUid = CopyUid::fromCode(response.code);
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
