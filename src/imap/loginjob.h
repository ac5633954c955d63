// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QString>

namespace Heron::Imap {

// Authenticates with a user name and password: AUTHENTICATE PLAIN (RFC 4616) with the initial
// response in the command when SASL-IR is offered (RFC 4959), AUTHENTICATE PLAIN with a
// continuation otherwise, LOGIN (RFC 3501 §6.2.3) when PLAIN is not offered and LOGIN is not
// disabled. Nothing is sent unless Session::mayUseCredentials(). Afterwards the capabilities are
// refreshed (from [CAPABILITY] in the OK, or with CAPABILITY) and the session is Authenticated.
class LoginJob : public Job {
    Q_OBJECT

public:
    enum class Method { Automatic, Login, AuthenticatePlain };

    explicit LoginJob(Session *session);

    void setUserName(const QString &userName) { m_userName = userName; }
    QString userName() const { return m_userName; }
    void setPassword(const QString &password) { m_password = password; }
    // Automatic picks the best method the server offers; the others are for tests and quirks.
    void setMethod(Method method) { m_method = method; }
    // The method actually used, once started.
    Method usedMethod() const { return m_usedMethod; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;
    void handleContinuation(const ContinuationRequest &request) override;

private:
    QByteArray plainResponse() const;

    QString m_userName;
    QString m_password;
    Method m_method = Method::Automatic;
    Method m_usedMethod = Method::Automatic;
    QByteArray m_authTag;
    QByteArray m_capabilityTag;
    bool m_responseSent = false;
    bool m_capabilitiesSeen = false;
};

}  // namespace Heron::Imap
