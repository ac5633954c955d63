// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/namespacejob.h"

#include "imap/session.h"

namespace Heron::Imap {

NamespaceJob::NamespaceJob(Session *session)
    : Job(session)
{
}

void NamespaceJob::doStart()
{
    if (!session()->hasCapability("NAMESPACE")) {
        m_namespaces.personal.append(NamespaceEntry{});
        finish();
        return;
    }
    sendCommand(Command(QByteArrayLiteral("NAMESPACE")));
}

bool NamespaceJob::handleUntagged(const Response &response)
{
    if (const auto *namespaces = std::get_if<NamespaceResponse>(&response)) {
        m_namespaces = *namespaces;
        return true;
    }
    return false;
}

void NamespaceJob::handleTagged(const StatusResponse &response)
{
    if (response.status != StatusResponse::Status::Ok) {
        failFromResponse(response, tr("to list its namespaces"));
        return;
    }
    finish();
}

}  // namespace Heron::Imap
