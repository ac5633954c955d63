// SPDX-License-Identifier: GPL-3.0-or-later
// Session and connection-level jobs against a scripted server: exact exchanges, STARTTLS and
// certificate rules, hostile and failing servers (QUALITY.md "Hostile server").
#include "core/logging.h"
#include "imap/capabilityjob.h"
#include "imap/compressjob.h"
#include "imap/enablejob.h"
#include "imap/idjob.h"
#include "imap/idlejob.h"
#include "imap/loginjob.h"
#include "imap/namespacejob.h"
#include "imap/session.h"
#include "imap/wirelog.h"
#include "support/scriptedserver.h"

#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

using namespace Heron;
using namespace Heron::Imap;
using Heron::Test::ScriptedServer;

namespace {

QStringList g_logMessages;
QtMessageHandler g_previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_logMessages.append(message);
    if (g_previousHandler && type != QtDebugMsg)
        g_previousHandler(type, context, message);
}

Error errorOf(const QSignalSpy &spy, int index = 0)
{
    return spy.at(index).at(0).value<Error>();
}

}  // namespace

class TestSessionScripted : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void greetingCapabilitiesAreUsed();
    void capabilityIsAskedWhenGreetingHasNone();
    void greetingByeClosesWithServerBye();
    void preauthOnImplicitTlsIsAuthenticated();
    void logoutClosesCleanly();

    void startTlsUpgradesAndDiscardsPreTlsState();
    void startTlsAsksCapabilityWhenGreetingHasNone();
    void startTlsInjection_data();
    void startTlsInjection();
    void startTlsRefused_data();
    void startTlsRefused();
    void startTlsMissingCapabilityAborts();
    void preauthOnStartTlsIsRefused();

    void selfSignedWithoutPinIsRejected();
    void pinForHostPortAndKeyIsAccepted();
    void pinForOtherPortIsRejected();
    void extraCaCertificateIsTrusted();

    void cleartextRefusedWithoutLoopbackSetting();
    void cleartextAllowedOnLoopbackWithSetting();

    void loginUsesSaslIr();
    void loginUsesPlainWithContinuation();
    void loginFallsBackToLogin();
    void loginDisabledWithoutPlainFails();
    void wrongPasswordGivesServerText();
    void referralIsNotFollowed();

    void byeWhileCommandPendingFailsJob();
    void connectionCutMidLiteral();
    void silentServerTimesOut();
    void silentGreetingTimesOut();
    void changedPinIsReported();
    void refusedLiteralLetsQueueContinue();
    void secondPlainChallengeIsCancelled();
    void unknownTagAborts();
    void unsolicitedDataIsEmitted();

    void pipelinedCommandsShareARoundTrip();
    void synchronizingLiteralWaitsForContinuation();
    void literalPlusSendsAtOnce();

    void idleDeliversPushAndStops();
    void idleRenewsBeforeServerTimeout();
    void commandsWaitWhileIdling();

    void compressionBothWays();
    void enableAndIdArePipelined();

    void wireLogRedactsCredentials_data();
    void wireLogRedactsCredentials();
    void wireLogElidesLongLiterals();

private:
    static SessionSettings settingsFor(const ScriptedServer &server, Security security = Security::None);
    static bool open(Session &session);
    static QList<QByteArray> loginLines(const ScriptedServer &server);
};

SessionSettings TestSessionScripted::settingsFor(const ScriptedServer &server, Security security)
{
    SessionSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = server.port();
    settings.security = security;
    settings.allowCleartextOnLoopback = true;
    settings.connectTimeoutMs = 5000;
    settings.commandTimeoutMs = 5000;
    if (security != Security::None)
        settings.extraCaCertificates = {ScriptedServer::certificate()};
    return settings;
}

bool TestSessionScripted::open(Session &session)
{
    QSignalSpy opened(&session, &Session::opened);
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    if (!QTest::qWaitFor([&] { return opened.count() > 0 || closed.count() > 0; }, 5000))
        return false;
    if (closed.count() > 0)
        qWarning() << "closed:" << errorOf(closed).message;
    return opened.count() == 1 && closed.isEmpty();
}

QList<QByteArray> TestSessionScripted::loginLines(const ScriptedServer &server)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : server.receivedLines()) {
        if (line.contains("LOGIN") || line.contains("AUTHENTICATE"))
            lines.append(line);
    }
    return lines;
}

// ---------------------------------------------------------------------------------------------
// Greeting and capabilities

void TestSessionScripted::greetingCapabilitiesAreUsed()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 IDLE LITERAL+] ready
        C: A0001 LOGOUT
        S: * BYE bye
        S: A0001 OK done
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    QCOMPARE(session.state(), Session::State::NotAuthenticated);
    QVERIFY(session.hasCapability("idle"));
    QVERIFY(session.hasCapability("LITERAL+"));
    QSignalSpy closed(&session, &Session::closed);
    session.logout();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::None);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::capabilityIsAskedWhenGreetingHasNone()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK ready
        C: A0001 CAPABILITY
        S: * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
        S: A0001 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    QVERIFY(session.hasCapability("AUTH=PLAIN"));
    QVERIFY(session.hasCapability("SASL-IR"));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::greetingByeClosesWithServerBye()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * BYE Too many connections
        X: close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QSignalSpy closed(&session, &Session::closed);
    QSignalSpy opened(&session, &Session::opened);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::ServerBye);
    QVERIFY(errorOf(closed).message.contains(QStringLiteral("Too many connections")));
    QCOMPARE(opened.count(), 0);
    QCOMPARE(session.state(), Session::State::Disconnected);
}

void TestSessionScripted::preauthOnImplicitTlsIsAuthenticated()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] welcome back
    )");
    QVERIFY(server.start(ScriptedServer::Tls::Implicit));
    Session session;
    SessionSettings settings = settingsFor(server, Security::ImplicitTls);
    settings.pins = {CertificatePin{settings.host, settings.port, publicKeySha256(ScriptedServer::certificate())}};
    session.setSettings(settings);
    QVERIFY(open(session));
    QCOMPARE(session.state(), Session::State::Authenticated);
    QVERIFY(session.isEncrypted());
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::logoutClosesCleanly()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        C: A0002 LOGOUT
        S: * CAPABILITY IMAP4rev1
        S: A0001 OK done
        S: * BYE logging out
        S: A0002 OK bye
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *job = new CapabilityJob(&session);
    QSignalSpy finished(job, &Job::finished);
    QSignalSpy closed(&session, &Session::closed);
    job->start();
    session.logout();
    QVERIFY(closed.wait(5000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(errorOf(closed).code, Error::Code::None);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// ---------------------------------------------------------------------------------------------
// STARTTLS

void TestSessionScripted::startTlsUpgradesAndDiscardsPreTlsState()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED X-PRETLS] ready
        C: A0001 STARTTLS
        S: * OK [ALERT] Pre-TLS alert that must not be shown
        S: * CAPABILITY IMAP4rev1 X-INJECTED
        S: A0001 OK Begin TLS negotiation now
        X: starttls
        C: A0002 CAPABILITY
        S: * OK [ALERT] Post-TLS alert
        S: * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
        S: A0002 OK done
        C: A0003 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
        S: A0003 OK [CAPABILITY IMAP4rev1 IDLE] Logged in
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server, Security::StartTls));
    QSignalSpy alerts(&session, &Session::alertReceived);
    QVERIFY(open(session));
    QVERIFY(session.isEncrypted());
    QVERIFY(server.tlsEstablished());
    QVERIFY(!session.hasCapability("LOGINDISABLED"));
    QVERIFY(!session.hasCapability("X-PRETLS"));
    QVERIFY(!session.hasCapability("X-INJECTED"));
    QVERIFY(session.hasCapability("AUTH=PLAIN"));
    QCOMPARE(alerts.count(), 1);
    QCOMPARE(alerts.at(0).at(0).toString(), QStringLiteral("Post-TLS alert"));

    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(session.state(), Session::State::Authenticated);
    QVERIFY(session.hasCapability("IDLE"));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::startTlsAsksCapabilityWhenGreetingHasNone()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [ALERT] Greeting alert before TLS
        C: A0001 CAPABILITY
        S: * OK [ALERT] Another alert before TLS
        S: * CAPABILITY IMAP4rev1 STARTTLS
        S: A0001 OK [ALERT] done
        C: A0002 STARTTLS
        S: A0002 OK go
        X: starttls
        C: A0003 CAPABILITY
        S: * CAPABILITY IMAP4rev1 AUTH=PLAIN
        S: A0003 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server, Security::StartTls));
    QSignalSpy alerts(&session, &Session::alertReceived);
    QVERIFY(open(session));
    QVERIFY(session.isEncrypted());
    QVERIFY(!session.hasCapability("STARTTLS"));
    QCOMPARE(alerts.count(), 0);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::startTlsInjection_data()
{
    QTest::addColumn<QString>("reply");
    QTest::newRow("full line after OK") << QStringLiteral(
        R"(S-raw: A0001 OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n)");
    QTest::newRow("half a line after OK") << QStringLiteral(R"(S-raw: A0001 OK Begin TLS\r\n* CAPAB)");
    QTest::newRow("one byte after OK") << QStringLiteral(R"(S-raw: A0001 OK Begin TLS\r\nA)");
    QTest::newRow("tagged OK for a future command") << QStringLiteral(
        R"(S-raw: A0001 OK Begin TLS\r\nA0002 OK LOGIN completed\r\n)");
}

void TestSessionScripted::startTlsInjection()
{
    QFETCH(QString, reply);
    ScriptedServer server;
    server.setScript(QStringList{QStringLiteral("S: * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready"),
                                 QStringLiteral("C: A0001 STARTTLS"), reply, QStringLiteral("X: wait-close")});
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server, Security::StartTls));
    QSignalSpy closed(&session, &Session::closed);
    QSignalSpy opened(&session, &Session::opened);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Security);
    QVERIFY(errorOf(closed).message.contains(QStringLiteral("STARTTLS")));
    QCOMPARE(opened.count(), 0);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QVERIFY(!server.tlsEstablished());
    QCOMPARE(loginLines(server), QList<QByteArray>());
    QCOMPARE(server.receivedLines().size(), 1);
}

void TestSessionScripted::startTlsRefused_data()
{
    QTest::addColumn<QString>("reply");
    QTest::newRow("NO") << QStringLiteral("S: A0001 NO TLS is not available right now");
    QTest::newRow("BAD") << QStringLiteral("S: A0001 BAD Unknown command");
}

void TestSessionScripted::startTlsRefused()
{
    QFETCH(QString, reply);
    ScriptedServer server;
    server.setScript(QStringList{QStringLiteral("S: * OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready"),
                                 QStringLiteral("C: A0001 STARTTLS"), reply, QStringLiteral("X: wait-close")});
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server, Security::StartTls));
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Security);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    // Nothing after the refused STARTTLS: no plaintext retry, no login.
    QCOMPARE(server.receivedLines(), QList<QByteArray>{"A0001 STARTTLS"});
}

void TestSessionScripted::startTlsMissingCapabilityAborts()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server, Security::StartTls));
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Security);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
}

void TestSessionScripted::preauthOnStartTlsIsRefused()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] already logged in
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server, Security::StartTls));
    QSignalSpy closed(&session, &Session::closed);
    QSignalSpy opened(&session, &Session::opened);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Security);
    QVERIFY(errorOf(closed).message.contains(QStringLiteral("PREAUTH")));
    QCOMPARE(opened.count(), 0);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
}

// ---------------------------------------------------------------------------------------------
// Certificates

void TestSessionScripted::selfSignedWithoutPinIsRejected()
{
    ScriptedServer server;
    server.setScript(QString());
    QVERIFY(server.start(ScriptedServer::Tls::Implicit));
    Session session;
    SessionSettings settings = settingsFor(server, Security::ImplicitTls);
    settings.extraCaCertificates.clear();
    session.setSettings(settings);
    QSignalSpy rejected(&session, &Session::certificateRejected);
    QSignalSpy closed(&session, &Session::closed);
    QSignalSpy opened(&session, &Session::opened);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Tls);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.at(0).at(0).toString(), settings.host);
    QCOMPARE(rejected.at(0).at(1).value<quint16>(), settings.port);
    const auto chain = rejected.at(0).at(2).value<QList<QSslCertificate>>();
    QVERIFY(!chain.isEmpty());
    QCOMPARE(publicKeySha256(chain.first()), publicKeySha256(ScriptedServer::certificate()));
    QCOMPARE(opened.count(), 0);
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
}

void TestSessionScripted::pinForHostPortAndKeyIsAccepted()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
        C: A0001 AUTHENTICATE PLAIN
        S: + go
        C: AGFsaWNlAHNlY3JldA==
        S: A0001 OK [CAPABILITY IMAP4rev1] done
    )");
    QVERIFY(server.start(ScriptedServer::Tls::Implicit));
    Session session;
    SessionSettings settings = settingsFor(server, Security::ImplicitTls);
    settings.extraCaCertificates.clear();
    // The host differs in case only: hosts compare case-insensitively.
    settings.host = QStringLiteral("LOCALHOST");
    settings.pins = {CertificatePin{QStringLiteral("localhost"), settings.port,
                                    publicKeySha256(ScriptedServer::certificate())}};
    session.setSettings(settings);
    QSignalSpy rejected(&session, &Session::certificateRejected);
    QVERIFY(open(session));
    QCOMPARE(rejected.count(), 0);
    QVERIFY(session.isEncrypted());
    QCOMPARE(publicKeySha256(session.peerCertificate()), publicKeySha256(ScriptedServer::certificate()));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::pinForOtherPortIsRejected()
{
    ScriptedServer server;
    server.setScript(QString());
    QVERIFY(server.start(ScriptedServer::Tls::Implicit));
    Session session;
    SessionSettings settings = settingsFor(server, Security::ImplicitTls);
    settings.extraCaCertificates.clear();
    const QByteArray key = publicKeySha256(ScriptedServer::certificate());
    settings.pins = {CertificatePin{settings.host, quint16(settings.port + 1), key},
                     CertificatePin{QStringLiteral("other.example"), settings.port, key},
                     CertificatePin{settings.host, settings.port, QByteArray(32, 'x')}};
    session.setSettings(settings);
    QSignalSpy rejected(&session, &Session::certificateRejected);
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Tls);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
}

void TestSessionScripted::extraCaCertificateIsTrusted()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
    )");
    QVERIFY(server.start(ScriptedServer::Tls::Implicit));
    Session session;
    SessionSettings settings = settingsFor(server, Security::ImplicitTls);
    settings.host = QStringLiteral("localhost");
    session.setSettings(settings);
    QSignalSpy rejected(&session, &Session::certificateRejected);
    QVERIFY(open(session));
    QCOMPARE(rejected.count(), 0);
    QVERIFY(session.isEncrypted());
    QVERIFY(session.mayUseCredentials());
}

// ---------------------------------------------------------------------------------------------
// Clear text

void TestSessionScripted::cleartextRefusedWithoutLoopbackSetting()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 LOGOUT
        S: A0001 OK bye
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    SessionSettings settings = settingsFor(server);
    settings.allowCleartextOnLoopback = false;
    session.setSettings(settings);
    QVERIFY(open(session));
    QVERIFY(!session.mayUseCredentials());
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy failed(login, &Job::failed);
    login->start();
    QCOMPARE(failed.count(), 1);
    QCOMPARE(errorOf(failed).code, Error::Code::Security);
    QSignalSpy closed(&session, &Session::closed);
    session.logout();
    QVERIFY(closed.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QCOMPARE(loginLines(server), QList<QByteArray>());
}

void TestSessionScripted::cleartextAllowedOnLoopbackWithSetting()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 LOGIN alice secret
        S: A0001 OK [CAPABILITY IMAP4rev1 IDLE] done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    QVERIFY(session.mayUseCredentials());
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(session.state(), Session::State::Authenticated);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// ---------------------------------------------------------------------------------------------
// Login

void TestSessionScripted::loginUsesSaslIr()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready
        C: A0001 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==
        S: A0001 OK [CAPABILITY IMAP4rev1 IDLE CONDSTORE] Logged in
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(session.hasCapability("CONDSTORE"));
    QVERIFY(!session.hasCapability("SASL-IR"));
    QCOMPARE(session.state(), Session::State::Authenticated);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::loginUsesPlainWithContinuation()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
        C: A0001 AUTHENTICATE PLAIN
        X: no-pending-input
        S: + 
        C: AGFsaWNlAHNlY3JldA==
        S: A0001 OK Logged in
        C: A0002 CAPABILITY
        S: * CAPABILITY IMAP4rev1 MOVE
        S: A0002 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(session.hasCapability("MOVE"));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::loginFallsBackToLogin()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready
        C: A0001 LOGIN alice@example.org "pass word"
        S: A0001 OK Logged in
        C: A0002 CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: A0002 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice@example.org"));
    login->setPassword(QStringLiteral("pass word"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(login->usedMethod(), LoginJob::Method::Login);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::loginDisabledWithoutPlainFails()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy failed(login, &Job::failed);
    login->start();
    QCOMPARE(failed.count(), 1);
    QCOMPARE(errorOf(failed).code, Error::Code::Unsupported);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
}

void TestSessionScripted::wrongPasswordGivesServerText()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready
        C: A0001 AUTHENTICATE PLAIN AGFsaWNlAHdyb25n
        S: A0001 NO [AUTHENTICATIONFAILED] Authentication failed.
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("wrong"));
    QSignalSpy failed(login, &Job::failed);
    login->start();
    QVERIFY(failed.wait(5000));
    const Error error = errorOf(failed);
    QCOMPARE(error.code, Error::Code::Authentication);
    QCOMPARE(error.message, QStringLiteral("The server rejected the user name or password for alice: "
                                           "Authentication failed."));
    QCOMPARE(session.state(), Session::State::NotAuthenticated);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::referralIsNotFollowed()
{
    ScriptedServer server;
    ScriptedServer other;
    QVERIFY(other.start());
    other.setScript(QStringLiteral("S: * OK [CAPABILITY IMAP4rev1] the other server"));
    server.setScript(QStringList{
        QStringLiteral("S: * OK [CAPABILITY IMAP4rev1] ready"),
        QStringLiteral("C: A0001 LOGIN alice secret"),
        QStringLiteral("S: A0001 NO [REFERRAL imap://alice@127.0.0.1:%1/] Try the other server").arg(other.port()),
        QStringLiteral("C: A0002 LOGOUT"),
        QStringLiteral("S: A0002 OK bye"),
        QStringLiteral("X: wait-close"),
    });
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy failed(login, &Job::failed);
    login->start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(errorOf(failed).code, Error::Code::Authentication);
    QVERIFY(errorOf(failed).message.contains(QStringLiteral("not followed")));
    QSignalSpy closed(&session, &Session::closed);
    session.logout();
    QVERIFY(closed.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QCOMPARE(server.connectionCount(), 1);
    QCOMPARE(other.connectionCount(), 0);
}

// ---------------------------------------------------------------------------------------------
// Failing servers

void TestSessionScripted::byeWhileCommandPendingFailsJob()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        S: * BYE Server shutting down for maintenance
        X: close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *job = new CapabilityJob(&session);
    QSignalSpy failed(job, &Job::failed);
    QSignalSpy closed(&session, &Session::closed);
    job->start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(errorOf(failed).code, Error::Code::ServerBye);
    QVERIFY(errorOf(failed).message.contains(QStringLiteral("Server shutting down for maintenance")));
    QCOMPARE(closed.count(), 1);
    QCOMPARE(errorOf(closed).code, Error::Code::ServerBye);
}

void TestSessionScripted::connectionCutMidLiteral()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        S-raw: * 1 FETCH (UID 7 BODY[] {100}\r\nSubject: half
        X: close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *job = new CapabilityJob(&session);
    QSignalSpy failed(job, &Job::failed);
    QSignalSpy closed(&session, &Session::closed);
    job->start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(errorOf(failed).code, Error::Code::Network);
    QCOMPARE(closed.count(), 1);
    QCOMPARE(errorOf(closed).code, Error::Code::Network);
    QCOMPARE(session.state(), Session::State::Disconnected);
}

void TestSessionScripted::silentServerTimesOut()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        X: silent
    )");
    QVERIFY(server.start());
    Session session;
    SessionSettings settings = settingsFor(server);
    settings.commandTimeoutMs = 200;
    session.setSettings(settings);
    QVERIFY(open(session));
    auto *job = new CapabilityJob(&session);
    QSignalSpy failed(job, &Job::failed);
    QSignalSpy closed(&session, &Session::closed);
    job->start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(errorOf(failed).code, Error::Code::Timeout);
    QCOMPARE(errorOf(failed).message, QStringLiteral("The server did not answer for 0.2 seconds."));
    QCOMPARE(closed.count(), 1);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::silentGreetingTimesOut()
{
    ScriptedServer server;
    server.setScript(QStringLiteral("X: silent"));
    QVERIFY(server.start());
    Session session;
    SessionSettings settings = settingsFor(server);
    settings.connectTimeoutMs = 200;
    session.setSettings(settings);
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(errorOf(closed).code, Error::Code::Timeout);
    QCOMPARE(session.state(), Session::State::Disconnected);
}

void TestSessionScripted::changedPinIsReported()
{
    ScriptedServer server;
    server.setScript(QString());
    QVERIFY(server.start(ScriptedServer::Tls::Implicit));
    Session session;
    SessionSettings settings = settingsFor(server, Security::ImplicitTls);
    settings.extraCaCertificates.clear();
    settings.pins = {CertificatePin{settings.host, settings.port, QByteArray(32, '\x01')}};
    session.setSettings(settings);
    QSignalSpy rejected(&session, &Session::certificateRejected);
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    QVERIFY(closed.wait(5000));
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(errorOf(closed).code, Error::Code::Tls);
    QVERIFY2(errorOf(closed).message.contains(QStringLiteral("changed")), qPrintable(errorOf(closed).message));
}

void TestSessionScripted::refusedLiteralLetsQueueContinue()
{
    ScriptedServer server;
    server.setScript(QStringLiteral(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 LOGIN alice {6}
        S: A0001 NO [TOOBIG] No literals today
        C: A0002 CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: A0002 OK done
    )"));
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("pässw"));
    QSignalSpy failed(login, &Job::failed);
    auto *capability = new CapabilityJob(&session);
    QSignalSpy finished(capability, &Job::finished);
    login->start();
    capability->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(errorOf(failed).code, Error::Code::Authentication);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::secondPlainChallengeIsCancelled()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
        C: A0001 AUTHENTICATE PLAIN
        S: + 
        C: AGFsaWNlAHNlY3JldA==
        S: + more please
        C: *
        S: A0001 BAD Authentication cancelled
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("secret"));
    QSignalSpy failed(login, &Job::failed);
    login->start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(errorOf(failed).code, Error::Code::Authentication);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QCOMPARE(server.receivedLines().last(), QByteArray("*"));
}

void TestSessionScripted::unknownTagAborts()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        S: A0999 OK who asked
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *job = new CapabilityJob(&session);
    QSignalSpy failed(job, &Job::failed);
    job->start();
    QVERIFY(failed.wait(5000));
    QCOMPARE(errorOf(failed).code, Error::Code::Protocol);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::unsolicitedDataIsEmitted()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        S: * 4 EXISTS
        S: * CAPABILITY IMAP4rev1 UIDPLUS
        S: A0001 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    QSignalSpy unsolicited(&session, &Session::unsolicited);
    auto *job = new CapabilityJob(&session);
    job->setAutoDelete(false);
    QSignalSpy finished(job, &Job::finished);
    job->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(unsolicited.count(), 1);
    const auto response = unsolicited.at(0).at(0).value<Response>();
    QCOMPARE(std::get<NumberResponse>(response), (NumberResponse{NumberResponse::Kind::Exists, 4}));
    QCOMPARE(job->capabilities(), (Strings{"IMAP4REV1", "UIDPLUS"}));
    QVERIFY(session.hasCapability("UIDPLUS"));
    delete job;
}

// ---------------------------------------------------------------------------------------------
// Pipelining and literals

void TestSessionScripted::pipelinedCommandsShareARoundTrip()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 NAMESPACE] ready
        C: A0001 CAPABILITY
        C: A0002 NAMESPACE
        S: * CAPABILITY IMAP4rev1 NAMESPACE
        S: A0001 OK done
        S: * NAMESPACE (("" "/")) NIL NIL
        S: A0002 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *capability = new CapabilityJob(&session);
    auto *namespaces = new NamespaceJob(&session);
    namespaces->setAutoDelete(false);
    QSignalSpy first(capability, &Job::finished);
    QSignalSpy second(namespaces, &Job::finished);
    capability->start();
    namespaces->start();
    QVERIFY(second.wait(5000));
    QCOMPARE(first.count(), 1);
    QCOMPARE(namespaces->namespaces().personal.size(), 1);
    QCOMPARE(namespaces->namespaces().personal.first().delimiter, '/');
    QCOMPARE(session.stats().commands, quint64(2));
    QCOMPARE(session.stats().roundTrips, quint64(1));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::synchronizingLiteralWaitsForContinuation()
{
    ScriptedServer server;
    server.setScript(QStringLiteral(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 LOGIN alice {8}
        X: no-pending-input
        S: + Ready for literal data
        C: päss"wd
        S: A0001 OK [CAPABILITY IMAP4rev1] done
    )"));
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("päss\"wd"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::literalPlusSendsAtOnce()
{
    ScriptedServer server;
    server.setScript(QStringLiteral(R"(
        S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready
        C: A0001 LOGIN alice {8+}
        C: päss"wd
        S: A0001 OK [CAPABILITY IMAP4rev1] done
    )"));
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(QStringLiteral("päss\"wd"));
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// ---------------------------------------------------------------------------------------------
// IDLE

void TestSessionScripted::idleDeliversPushAndStops()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 IDLE] ready
        C: A0001 IDLE
        S: + idling
        S: * 3 EXISTS
        C: DONE
        S: A0001 OK IDLE terminated
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *idle = new IdleJob(&session);
    QSignalSpy idling(idle, &IdleJob::idling);
    QSignalSpy finished(idle, &Job::finished);
    QSignalSpy unsolicited(&session, &Session::unsolicited);
    idle->start();
    QVERIFY(unsolicited.wait(5000));
    QCOMPARE(idling.count(), 1);
    const auto response = unsolicited.at(0).at(0).value<Response>();
    QCOMPARE(std::get<NumberResponse>(response), (NumberResponse{NumberResponse::Kind::Exists, 3}));
    idle->stop();
    QVERIFY(finished.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::idleRenewsBeforeServerTimeout()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 IDLE] ready
        C: A0001 IDLE
        S: + idling
        C: DONE
        S: A0001 OK IDLE terminated
        C: A0002 IDLE
        S: + idling again
        C: DONE
        S: A0002 OK IDLE terminated
    )");
    QVERIFY(server.start());
    Session session;
    SessionSettings settings = settingsFor(server);
    // Idling longer than the command timeout must not time out.
    settings.commandTimeoutMs = 150;
    session.setSettings(settings);
    QVERIFY(open(session));
    auto *idle = new IdleJob(&session);
    idle->setRenewInterval(400);
    QSignalSpy idling(idle, &IdleJob::idling);
    QSignalSpy finished(idle, &Job::finished);
    QSignalSpy failed(idle, &Job::failed);
    idle->start();
    QTRY_COMPARE_WITH_TIMEOUT(idling.count(), 2, 5000);
    idle->stop();
    QVERIFY(finished.wait(5000));
    QCOMPARE(failed.count(), 0);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::commandsWaitWhileIdling()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 IDLE] ready
        C: A0001 IDLE
        S: + idling
        C: DONE
        S: A0001 OK IDLE terminated
        C: A0002 CAPABILITY
        S: * CAPABILITY IMAP4rev1 IDLE
        S: A0002 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *idle = new IdleJob(&session);
    QSignalSpy idling(idle, &IdleJob::idling);
    idle->start();
    QVERIFY(idling.wait(5000));
    auto *capability = new CapabilityJob(&session);
    QSignalSpy finished(capability, &Job::finished);
    capability->start();
    idle->stop();
    QVERIFY(finished.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// ---------------------------------------------------------------------------------------------
// COMPRESS

void TestSessionScripted::compressionBothWays()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] ready
        C: A0001 COMPRESS DEFLATE
        S: A0001 OK DEFLATE active
        X: deflate
        S: * OK [ALERT] Compressed hello
        C: A0002 CAPABILITY
        S: * CAPABILITY IMAP4rev1 COMPRESS=DEFLATE X-SQUEEZED
        S: A0002 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    QSignalSpy alerts(&session, &Session::alertReceived);
    auto *compress = new CompressJob(&session);
    QSignalSpy compressed(compress, &Job::finished);
    compress->start();
    QVERIFY(compressed.wait(5000));
    auto *capability = new CapabilityJob(&session);
    QSignalSpy finished(capability, &Job::finished);
    capability->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(session.hasCapability("X-SQUEEZED"));
    QCOMPARE(alerts.count(), 1);
    QCOMPARE(alerts.at(0).at(0).toString(), QStringLiteral("Compressed hello"));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionScripted::enableAndIdArePipelined()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1 ENABLE ID CONDSTORE QRESYNC] ready
        C: A0001 ENABLE QRESYNC CONDSTORE
        C: A0002 ID ("name" "Heron" "version" "0.1.0")
        S: * ENABLED QRESYNC
        S: A0001 OK enabled
        S: * ID ("name" "Dovecot" "vendor" NIL)
        S: A0002 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *enable = new EnableJob(&session);
    enable->setAutoDelete(false);
    enable->setCapabilities({"QRESYNC", "CONDSTORE"});
    auto *id = new IdJob(&session);
    id->setAutoDelete(false);
    QSignalSpy enabled(enable, &Job::finished);
    QSignalSpy identified(id, &Job::finished);
    enable->start();
    id->start();
    QVERIFY(identified.wait(5000));
    QCOMPARE(enabled.count(), 1);
    QCOMPARE(enable->enabled(), (Strings{"QRESYNC"}));
    QCOMPARE(session.enabledCapabilities(), (Strings{"QRESYNC"}));
    QCOMPARE(id->serverField("NAME"), QByteArray("Dovecot"));
    QVERIFY(id->serverField("vendor").isNull());
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// ---------------------------------------------------------------------------------------------
// Wire log

void TestSessionScripted::wireLogRedactsCredentials_data()
{
    QTest::addColumn<QString>("capabilities");
    QTest::addColumn<QString>("exchange");
    // base64("\0alice\0Canary-7f3a9c") = AGFsaWNlAENhbmFyeS03ZjNhOWM=
    QTest::newRow("LOGIN") << QStringLiteral("IMAP4rev1")
                           << QStringLiteral("C: A0001 LOGIN alice Canary-7f3a9c\nS: A0001 OK [CAPABILITY IMAP4rev1] ok");
    QTest::newRow("SASL-IR") << QStringLiteral("IMAP4rev1 AUTH=PLAIN SASL-IR")
                             << QStringLiteral("C: A0001 AUTHENTICATE PLAIN AGFsaWNlAENhbmFyeS03ZjNhOWM=\n"
                                               "S: A0001 OK [CAPABILITY IMAP4rev1] ok");
    QTest::newRow("PLAIN continuation") << QStringLiteral("IMAP4rev1 AUTH=PLAIN")
                                        << QStringLiteral("C: A0001 AUTHENTICATE PLAIN\nS: + \n"
                                                          "C: AGFsaWNlAENhbmFyeS03ZjNhOWM=\n"
                                                          "S: A0001 OK [CAPABILITY IMAP4rev1] ok");
}

void TestSessionScripted::wireLogRedactsCredentials()
{
    QFETCH(QString, capabilities);
    QFETCH(QString, exchange);
    const QString canary = QStringLiteral("Canary-7f3a9c");
    const QString canaryBase64 = QStringLiteral("AGFsaWNlAENhbmFyeS03ZjNhOWM=");

    ScriptedServer server;
    server.setScript(QStringLiteral("S: * OK [CAPABILITY %1] ready\n%2").arg(capabilities, exchange));
    QVERIFY(server.start());

    g_logMessages.clear();
    QLoggingCategory::setFilterRules(QStringLiteral("heron.imap.wire.debug=true\nheron.imap.debug=true"));
    g_previousHandler = qInstallMessageHandler(captureMessages);
    auto restore = qScopeGuard([] {
        qInstallMessageHandler(g_previousHandler);
        QLoggingCategory::setFilterRules(QString());
    });

    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    auto *login = new LoginJob(&session);
    login->setUserName(QStringLiteral("alice"));
    login->setPassword(canary);
    QSignalSpy finished(login, &Job::finished);
    login->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());

    QVERIFY(!g_logMessages.isEmpty());
    bool redacted = false;
    for (const QString &message : std::as_const(g_logMessages)) {
        QVERIFY2(!message.contains(canary), qPrintable(message));
        QVERIFY2(!message.contains(canaryBase64), qPrintable(message));
        redacted = redacted || message.contains(QStringLiteral("<redacted>"));
    }
    QVERIFY(redacted);
}

void TestSessionScripted::wireLogElidesLongLiterals()
{
    const QByteArray body(1000, 'x');
    ScriptedServer server;
    server.setScript(QStringList{
        QStringLiteral("S: * OK [CAPABILITY IMAP4rev1] ready"),
        QStringLiteral("C: A0001 CAPABILITY"),
        QStringLiteral("S-raw: * 1 FETCH (UID 9 BODY[] {1000}\\r\\n%1)\\r\\n").arg(QString::fromLatin1(body)),
        QStringLiteral("S: A0001 OK done"),
    });
    QVERIFY(server.start());

    g_logMessages.clear();
    QLoggingCategory::setFilterRules(QStringLiteral("heron.imap.wire.debug=true"));
    g_previousHandler = qInstallMessageHandler(captureMessages);
    auto restore = qScopeGuard([] {
        qInstallMessageHandler(g_previousHandler);
        QLoggingCategory::setFilterRules(QString());
    });

    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(open(session));
    QSignalSpy unsolicited(&session, &Session::unsolicited);
    auto *job = new CapabilityJob(&session);
    QSignalSpy finished(job, &Job::finished);
    job->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(unsolicited.count(), 1);
    const auto fetch = std::get<FetchResponse>(unsolicited.at(0).at(0).value<Response>());
    QCOMPARE(fetch.sections.size(), 1);
    QCOMPARE(fetch.sections.first().data, body);

    bool elided = false;
    bool sawFetch = false;
    for (const QString &message : std::as_const(g_logMessages)) {
        QVERIFY2(!message.contains(QString(WireLog::kMaxLiteralShown + 1, QLatin1Char('x'))), qPrintable(message));
        elided = elided || message.contains(QStringLiteral("literal of 1000 bytes"));
        sawFetch = sawFetch || message.contains(QStringLiteral("S: * 1 FETCH (UID 9 BODY[] {1000}"));
    }
    QVERIFY(elided);
    QVERIFY(sawFetch);
}

QTEST_GUILESS_MAIN(TestSessionScripted)
#include "tst_session_scripted.moc"
