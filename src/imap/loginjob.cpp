// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/loginjob.h"

#include "imap/session.h"

namespace Heron::Imap {

LoginJob::LoginJob(Session *session)
    : Job(session)
{
}

QByteArray LoginJob::plainResponse() const
{
    // RFC 4616 §2: [authzid] NUL authcid NUL passwd, UTF-8.
    QByteArray message;
    message += '\0';
    message += m_userName.toUtf8();
    message += '\0';
    message += m_password.toUtf8();
    return message.toBase64();
}

void LoginJob::doStart()
{
    Session *s = session();
    if (s->state() == Session::State::Authenticated || s->state() == Session::State::Selected) {
        finish();  // PREAUTH
        return;
    }
    if (!s->mayUseCredentials()) {
        fail(makeError(Error::Code::Security,
                       tr("The password for %1 was not sent because the connection is not encrypted.").arg(m_userName)));
        return;
    }
    const bool plain = s->hasCapability("AUTH=PLAIN");
    const bool loginDisabled = s->hasCapability("LOGINDISABLED");
    Method method = m_method;
    if (method == Method::Automatic)
        method = plain ? Method::AuthenticatePlain : Method::Login;
    if (method == Method::Login && loginDisabled) {
        fail(makeError(Error::Code::Unsupported,
                       tr("The server offers no way to log in with a password that Heron supports.")));
        return;
    }
    m_usedMethod = method;
    if (method == Method::AuthenticatePlain) {
        Command command(QByteArrayLiteral("AUTHENTICATE"));
        command.atom("PLAIN");
        if (s->hasCapability("SASL-IR")) {
            command.atom(plainResponse());  // RFC 4959 §3
            m_responseSent = true;
        }
        command.setSensitive();
        m_authTag = sendCommand(command);
        return;
    }
    Command command(QByteArrayLiteral("LOGIN"));
    command.string(m_userName.toUtf8()).string(m_password.toUtf8()).setSensitive();
    m_authTag = sendCommand(command);
}

void LoginJob::handleContinuation(const ContinuationRequest &)
{
    if (m_usedMethod != Method::AuthenticatePlain)
        return;
    if (!m_responseSent) {
        m_responseSent = true;
        sendLine(plainResponse(), true);
        return;
    }
    // PLAIN is one message; a second challenge means the exchange went wrong: cancel it (RFC 3501 §6.2.2).
    sendLine(QByteArrayLiteral("*"));
}

bool LoginJob::handleUntagged(const Response &response)
{
    if (std::holds_alternative<CapabilityResponse>(response)) {
        m_capabilitiesSeen = true;  // the session already stored them
        return true;
    }
    return false;
}

void LoginJob::handleTagged(const StatusResponse &response)
{
    Session *s = session();
    if (response.tag == m_authTag) {
        if (response.status != StatusResponse::Status::Ok) {
            QString text = QString::fromUtf8(response.text).trimmed();
            if (response.code.kind == ResponseCode::Kind::Referral)
                text += tr(" (the server referred to %1, which is not followed)").arg(QString::fromUtf8(response.code.text));
            fail(makeError(Error::Code::Authentication,
                           tr("The server rejected the user name or password for %1: %2").arg(m_userName, text)));
            return;
        }
        // A stateChanged slot may delete the session, and with it this job.
        const QPointer<LoginJob> alive(this);
        s->setState(Session::State::Authenticated);
        if (!alive)
            return;
        // RFC 3501 §6.2.2: capabilities may change after authentication.
        if (response.code.kind == ResponseCode::Kind::Capability) {
            s->setCapabilities(response.code.strings);
            finish();
            return;
        }
        if (m_capabilitiesSeen) {
            finish();
            return;
        }
        m_capabilityTag = sendCommand(Command(QByteArrayLiteral("CAPABILITY")));
        return;
    }
    if (response.tag == m_capabilityTag) {
        if (response.status != StatusResponse::Status::Ok) {
            failFromResponse(response, tr("to list its capabilities"));
            return;
        }
        finish();
    }
}

}  // namespace Heron::Imap
