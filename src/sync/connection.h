// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/accountsettings.h"
#include "core/result.h"

#include <QObject>
#include <QPointer>

namespace Heron::Imap {
class Session;
}

namespace Heron::Sync {

// One authenticated IMAP connection of an account, ready for the sync engine: connect (TLS as
// configured), log in, COMPRESS=DEFLATE to remote hosts (RFC 4978; not on loopback, where it
// only costs CPU), then ENABLE QRESYNC or CONDSTORE as the strategy allows (RFC 7162 §3.2.3).
// Emits ready() once, or lost(error) when opening fails or the connection later drops.
class Connection : public QObject {
    Q_OBJECT
public:
    Connection(const Accounts::AccountSettings &settings, const QString &password, const QString &purpose,
               QObject *parent = nullptr);
    ~Connection() override;

    void open();
    // LOGOUT; closed() follows. abort() drops the connection at once.
    void close();
    void abort();

    Imap::Session *session() const { return m_session; }
    bool isReady() const { return m_ready; }
    // The strategy this connection supports after ENABLE: the account's choice, lowered to what
    // the server offers (QResync → CondStore → Plain).
    Accounts::SyncStrategy strategy() const { return m_strategy; }
    QString purpose() const { return m_purpose; }

Q_SIGNALS:
    void ready();
    void lost(const Heron::Error &error);
    void closed();

private:
    void authenticated();
    void enabled();
    void failWith(const Error &error);

    Accounts::AccountSettings m_settings;
    QString m_password;
    QString m_purpose;
    QPointer<Imap::Session> m_session;
    Accounts::SyncStrategy m_strategy = Accounts::SyncStrategy::Plain;
    bool m_ready = false;
    bool m_closing = false;
};

// A sentence for the user about a connection error ("The server rejected the password ...").
QString describeConnectionError(const Accounts::AccountSettings &settings, const Error &error);

}  // namespace Heron::Sync
