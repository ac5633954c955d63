// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/idjob.h"

#include "imap/session.h"

namespace Heron::Imap {

IdJob::IdJob(Session *session)
    : Job(session)
    , m_clientFields{{QByteArrayLiteral("name"), QByteArrayLiteral("Heron")},
                     {QByteArrayLiteral("version"), QByteArrayLiteral("0.1.0")}}
{
}

QByteArray IdJob::serverField(QByteArrayView name) const
{
    for (const auto &[key, value] : m_serverFields) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

void IdJob::doStart()
{
    if (!session()->hasCapability("ID")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support ID.")));
        return;
    }
    Command command(QByteArrayLiteral("ID"));
    if (m_clientFields.isEmpty()) {
        command.atom("NIL");
    } else {
        // RFC 2971 §3.3: field names and values are strings, never atoms.
        command.openList();
        for (const auto &[key, value] : std::as_const(m_clientFields))
            command.quoted(key).quoted(value);
        command.closeList();
    }
    sendCommand(command);
}

bool IdJob::handleUntagged(const Response &response)
{
    if (const auto *id = std::get_if<IdResponse>(&response)) {
        m_serverFields = id->fields;
        return true;
    }
    return false;
}

void IdJob::handleTagged(const StatusResponse &response)
{
    if (response.status != StatusResponse::Status::Ok) {
        failFromResponse(response, tr("to exchange identification (ID)"));
        return;
    }
    finish();
}

}  // namespace Heron::Imap
