// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/enablejob.h"

#include "imap/session.h"

namespace Heron::Imap {

EnableJob::EnableJob(Session *session)
    : Job(session)
{
}

void EnableJob::doStart()
{
    if (m_requested.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("Nothing to enable was given.")));
        return;
    }
    if (!session()->hasCapability("ENABLE")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support ENABLE.")));
        return;
    }
    Command command(QByteArrayLiteral("ENABLE"));
    for (const QByteArray &capability : std::as_const(m_requested))
        command.atom(capability);
    sendCommand(command);
}

bool EnableJob::handleUntagged(const Response &response)
{
    if (const auto *enabled = std::get_if<EnabledResponse>(&response)) {
        for (const QByteArray &capability : enabled->capabilities) {
            if (!m_enabled.contains(capability))
                m_enabled.append(capability);
        }
        return true;
    }
    return false;
}

void EnableJob::handleTagged(const StatusResponse &response)
{
    if (response.status != StatusResponse::Status::Ok) {
        failFromResponse(response, tr("to enable %1").arg(QString::fromLatin1(m_requested.join(' '))));
        return;
    }
    session()->addEnabled(m_enabled);
    finish();
}

}  // namespace Heron::Imap
