// SPDX-License-Identifier: GPL-3.0-or-later
#include "connection.h"

#include "imap/compressjob.h"
#include "imap/enablejob.h"
#include "imap/loginjob.h"
#include "imap/session.h"
#include "sync/synclogging.h"

#include <QHostAddress>

namespace Heron::Sync {

namespace {

bool isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

}  // namespace

Connection::Connection(const Accounts::AccountSettings &settings, const QString &password, const QString &purpose,
                       QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_password(password)
    , m_purpose(purpose)
{
}

Connection::~Connection()
{
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        delete m_session;
    }
}

void Connection::open()
{
    m_session = new Imap::Session(this);
    m_session->setSettings(m_settings.sessionSettings());
    connect(m_session, &Imap::Session::opened, this, [this] {
        if (m_session->state() == Imap::Session::State::Authenticated)
            return authenticated();
        auto *login = new Imap::LoginJob(m_session);
        login->setUserName(m_settings.userName);
        login->setPassword(m_password);
        connect(login, &Imap::Job::finished, this, &Connection::authenticated);
        connect(login, &Imap::Job::failed, this, &Connection::failWith);
        login->start();
    });
    connect(m_session, &Imap::Session::closed, this, [this](const Error &error) {
        const bool wasReady = m_ready;
        m_ready = false;
        if (m_closing || error.code == Error::Code::None) {
            Q_EMIT closed();
            return;
        }
        qCInfo(lcSync) << m_settings.label() << m_purpose << "connection lost:" << error.message
                       << (wasReady ? "" : "(while opening)");
        Q_EMIT lost(error);
    });
    m_session->open();
}

void Connection::authenticated()
{
    if (m_session->hasCapability("COMPRESS=DEFLATE") && !isLoopbackHost(m_settings.imapHost)) {
        auto *compress = new Imap::CompressJob(m_session);
        // A refused COMPRESS leaves the connection usable uncompressed.
        connect(compress, &Imap::Job::finished, this, &Connection::enabled);
        connect(compress, &Imap::Job::failed, this, [this](const Error &error) {
            if (error.code == Error::Code::ServerNo || error.code == Error::Code::ServerBad)
                enabled();
        });
        compress->start();
        return;
    }
    enabled();
}

void Connection::enabled()
{
    const Accounts::SyncStrategy wanted = m_settings.sync.strategy;
    const bool mayQResync = wanted == Accounts::SyncStrategy::Automatic || wanted == Accounts::SyncStrategy::QResync;
    const bool mayCondStore = mayQResync || wanted == Accounts::SyncStrategy::CondStore;
    QByteArray toEnable;
    if (mayQResync && m_session->hasCapability("QRESYNC") && m_session->hasCapability("ENABLE"))
        toEnable = QByteArrayLiteral("QRESYNC");
    else if (mayCondStore && m_session->hasCapability("CONDSTORE") && m_session->hasCapability("ENABLE"))
        toEnable = QByteArrayLiteral("CONDSTORE");
    const auto done = [this, mayCondStore] {
        const Imap::Strings &enabled = m_session->enabledCapabilities();
        if (enabled.contains("QRESYNC"))
            m_strategy = Accounts::SyncStrategy::QResync;
        else if (mayCondStore && (enabled.contains("CONDSTORE") || m_session->hasCapability("CONDSTORE")))
            m_strategy = Accounts::SyncStrategy::CondStore;
        else
            m_strategy = Accounts::SyncStrategy::Plain;
        m_ready = true;
        Q_EMIT ready();
    };
    if (toEnable.isEmpty())
        return done();
    auto *enable = new Imap::EnableJob(m_session);
    enable->setCapabilities({toEnable});
    connect(enable, &Imap::Job::finished, this, done);
    connect(enable, &Imap::Job::failed, this, [this, done](const Error &error) {
        if (error.code == Error::Code::ServerNo || error.code == Error::Code::ServerBad)
            return done();
        failWith(error);
    });
    enable->start();
}

void Connection::failWith(const Error &error)
{
    if (!m_session)
        return;
    m_session->abort(error);
}

void Connection::close()
{
    m_closing = true;
    if (!m_session || m_session->state() == Imap::Session::State::Disconnected) {
        Q_EMIT closed();
        return;
    }
    m_session->logout();
}

void Connection::abort()
{
    m_closing = true;
    if (m_session && m_session->state() != Imap::Session::State::Disconnected)
        m_session->abort(makeError(Error::Code::Cancelled, tr("The connection was closed.")));
}

QString describeConnectionError(const Accounts::AccountSettings &settings, const Error &error)
{
    const QString server = QStringLiteral("%1:%2").arg(settings.imapHost).arg(settings.imapPort);
    QString detail = error.message.trimmed();
    while (detail.endsWith(QLatin1Char('.')))
        detail.chop(1);
    switch (error.code) {
    case Error::Code::Authentication:
        return Connection::tr("The server %1 rejected the user name or password of %2 (%3). Check them in the "
                              "account settings.")
                .arg(server, settings.label(), detail);
    case Error::Code::Tls:
        return Connection::tr("The secure connection to %1 for %2 failed: %3.").arg(server, settings.label(), detail);
    case Error::Code::Network:
    case Error::Code::Timeout:
        return Connection::tr("Cannot reach %1 for %2: %3.").arg(server, settings.label(), detail);
    default:
        return Connection::tr("The connection to %1 for %2 failed: %3.").arg(server, settings.label(), detail);
    }
}

}  // namespace Heron::Sync
