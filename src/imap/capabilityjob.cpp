// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/capabilityjob.h"

#include "imap/session.h"

namespace Heron::Imap {

CapabilityJob::CapabilityJob(Session *session)
    : Job(session)
{
}

void CapabilityJob::doStart()
{
    sendCommand(Command(QByteArrayLiteral("CAPABILITY")));
}

bool CapabilityJob::handleUntagged(const Response &response)
{
    if (const auto *capability = std::get_if<CapabilityResponse>(&response)) {
        m_capabilities = capability->capabilities;
        return true;
    }
    return false;
}

void CapabilityJob::handleTagged(const StatusResponse &response)
{
    if (response.status != StatusResponse::Status::Ok) {
        failFromResponse(response, tr("to list its capabilities"));
        return;
    }
    if (m_capabilities.isEmpty() && response.code.kind == ResponseCode::Kind::Capability)
        m_capabilities = response.code.strings;
    session()->setCapabilities(m_capabilities);
    m_capabilities = session()->capabilities();
    finish();
}

}  // namespace Heron::Imap
