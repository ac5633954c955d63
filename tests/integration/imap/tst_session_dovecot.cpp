// SPDX-License-Identifier: GPL-3.0-or-later
// The session and connection-level jobs against a real, private Dovecot: implicit TLS and
// STARTTLS logins, certificate verification and pins, the server's text for a wrong password,
// COMPRESS=DEFLATE and IDLE push.
#include "imap/capabilityjob.h"
#include "imap/compressjob.h"
#include "imap/idlejob.h"
#include "imap/loginjob.h"
#include "imap/namespacejob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "support/dovecotfixture.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Heron;
using namespace Heron::Imap;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kTimeoutMs = 15000;

Error errorOf(const QSignalSpy &spy)
{
    return spy.at(0).at(0).value<Error>();
}

}  // namespace

class TestSessionDovecot : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void implicitTlsLogin();
    void startTlsLogin();
    void wrongPasswordGivesServerText();
    void compressionCarriesCommands();
    void idleSeesDeliveredMessage();
    void untrustedCertificateIsRejected_data();
    void untrustedCertificateIsRejected();

private:
    SessionSettings settings(Security security) const;
    bool open(Session &session);
    bool login(Session &session, const QString &user, const QString &password);

    DovecotFixture m_fixture;
};

void TestSessionDovecot::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    options.users = {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol"), QStringLiteral("dave")};
    options.compressDeflate = true;
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));
}

SessionSettings TestSessionDovecot::settings(Security security) const
{
    SessionSettings s;
    s.host = m_fixture.host();
    s.security = security;
    s.port = security == Security::ImplicitTls ? m_fixture.imapsPort() : m_fixture.imapPort();
    s.extraCaCertificates = {m_fixture.caCertificate()};
    s.connectTimeoutMs = kTimeoutMs;
    s.commandTimeoutMs = kTimeoutMs;
    return s;
}

bool TestSessionDovecot::open(Session &session)
{
    QSignalSpy opened(&session, &Session::opened);
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !closed.isEmpty(); }, kTimeoutMs))
        return false;
    if (!closed.isEmpty())
        qWarning() << "closed:" << errorOf(closed).message;
    return !opened.isEmpty() && closed.isEmpty();
}

bool TestSessionDovecot::login(Session &session, const QString &user, const QString &password)
{
    auto *job = new LoginJob(&session);
    job->setUserName(user);
    job->setPassword(password);
    QSignalSpy finished(job, &Job::finished);
    QSignalSpy failed(job, &Job::failed);
    job->start();
    if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kTimeoutMs))
        return false;
    if (!failed.isEmpty())
        qWarning() << "login failed:" << errorOf(failed).message;
    return !finished.isEmpty();
}

void TestSessionDovecot::implicitTlsLogin()
{
    Session session;
    session.setSettings(settings(Security::ImplicitTls));
    QVERIFY(open(session));
    QVERIFY(session.isEncrypted());
    QVERIFY(session.mayUseCredentials());
    QVERIFY(login(session, QStringLiteral("alice"), m_fixture.password(QStringLiteral("alice"))));
    QCOMPARE(session.state(), Session::State::Authenticated);
    // Capabilities after login are Dovecot's full list.
    QVERIFY(session.hasCapability("IDLE"));
    QVERIFY(session.hasCapability("CONDSTORE"));

    QSignalSpy closed(&session, &Session::closed);
    session.logout();
    QVERIFY(closed.wait(kTimeoutMs));
    QCOMPARE(errorOf(closed).code, Error::Code::None);
}

void TestSessionDovecot::startTlsLogin()
{
    Session session;
    session.setSettings(settings(Security::StartTls));
    QVERIFY(open(session));
    QVERIFY(session.isEncrypted());
    QVERIFY(!session.hasCapability("STARTTLS"));  // re-read after TLS: Dovecot no longer offers it
    QVERIFY(login(session, QStringLiteral("bob"), m_fixture.password(QStringLiteral("bob"))));
    QCOMPARE(session.state(), Session::State::Authenticated);
}

void TestSessionDovecot::wrongPasswordGivesServerText()
{
    Session session;
    session.setSettings(settings(Security::ImplicitTls));
    QVERIFY(open(session));
    auto *job = new LoginJob(&session);
    job->setUserName(QStringLiteral("alice"));
    job->setPassword(QStringLiteral("not-the-password"));
    QSignalSpy failed(job, &Job::failed);
    job->start();
    QVERIFY(failed.wait(kTimeoutMs));
    const Error error = errorOf(failed);
    QCOMPARE(error.code, Error::Code::Authentication);
    QVERIFY2(error.message.startsWith(QStringLiteral("The server rejected the user name or password for alice: ")),
             qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("Authentication failed")), qPrintable(error.message));
    QCOMPARE(session.state(), Session::State::NotAuthenticated);
}

void TestSessionDovecot::compressionCarriesCommands()
{
    Session session;
    session.setSettings(settings(Security::ImplicitTls));
    QVERIFY(open(session));
    QVERIFY(login(session, QStringLiteral("carol"), m_fixture.password(QStringLiteral("carol"))));
    if (!session.hasCapability("COMPRESS=DEFLATE"))
        QSKIP("this Dovecot does not offer COMPRESS=DEFLATE");
    auto *compress = new CompressJob(&session);
    QSignalSpy compressed(compress, &Job::finished);
    compress->start();
    QVERIFY(compressed.wait(kTimeoutMs));

    auto *namespaces = new NamespaceJob(&session);
    namespaces->setAutoDelete(false);
    QSignalSpy finished(namespaces, &Job::finished);
    namespaces->start();
    QVERIFY(finished.wait(kTimeoutMs));
    QVERIFY(!namespaces->namespaces().personal.isEmpty());
    delete namespaces;

    QSignalSpy closed(&session, &Session::closed);
    session.logout();
    QVERIFY(closed.wait(kTimeoutMs));
    QCOMPARE(errorOf(closed).code, Error::Code::None);
}

void TestSessionDovecot::idleSeesDeliveredMessage()
{
    Session session;
    session.setSettings(settings(Security::ImplicitTls));
    QVERIFY(open(session));
    QVERIFY(login(session, QStringLiteral("dave"), m_fixture.password(QStringLiteral("dave"))));
    auto *select = new SelectJob(&session);
    select->setMailbox("INBOX");
    QSignalSpy selected(select, &Job::finished);
    select->start();
    QVERIFY(selected.wait(kTimeoutMs));

    auto *idle = new IdleJob(&session);
    QSignalSpy idling(idle, &IdleJob::idling);
    QSignalSpy idleFinished(idle, &Job::finished);
    QSignalSpy unsolicited(&session, &Session::unsolicited);
    idle->start();
    QVERIFY(idling.wait(kTimeoutMs));

    const QByteArray message = "From: a@example.org\r\nTo: dave@example.org\r\nSubject: ping\r\n"
                               "Message-ID: <idle-test@example.org>\r\n\r\nHello.\r\n";
    const Result<quint32> uid = m_fixture.deliver(QStringLiteral("dave"), message);
    QVERIFY2(uid.ok(), uid.ok() ? "" : qPrintable(uid.error().message));
    QElapsedTimer timer;
    timer.start();
    auto sawExists = [&] {
        for (const QList<QVariant> &arguments : std::as_const(unsolicited)) {
            const auto response = arguments.at(0).value<Response>();
            if (const auto *number = std::get_if<NumberResponse>(&response);
                number && number->kind == NumberResponse::Kind::Exists && number->number >= 1)
                return true;
        }
        return false;
    };
    QVERIFY(QTest::qWaitFor(sawExists, 2000));
    QVERIFY(timer.elapsed() <= 2000);

    idle->stop();
    QVERIFY(idleFinished.wait(kTimeoutMs));
}

void TestSessionDovecot::untrustedCertificateIsRejected_data()
{
    QTest::addColumn<DovecotFixture::ServerCertificate>("certificate");
    QTest::addColumn<bool>("trustTestCa");
    QTest::newRow("wrong host") << DovecotFixture::ServerCertificate::WrongHost << true;
    QTest::newRow("expired") << DovecotFixture::ServerCertificate::Expired << true;
    QTest::newRow("self-signed") << DovecotFixture::ServerCertificate::SelfSigned << true;
    QTest::newRow("unknown CA") << DovecotFixture::ServerCertificate::SignedByTestCa << false;
}

// QUALITY.md: expired, wrong host, self-signed, unknown CA → the connection closes before any
// command (so no credentials) is sent; an exception pinned to (host, port, leaf key) lets it in.
void TestSessionDovecot::untrustedCertificateIsRejected()
{
    QFETCH(DovecotFixture::ServerCertificate, certificate);
    QFETCH(bool, trustTestCa);

    DovecotFixture fixture;
    DovecotFixture::Options options;
    options.users = {QStringLiteral("erin")};
    options.serverCertificate = certificate;
    options.compressDeflate = false;
    QVERIFY2(fixture.start(options), qPrintable(fixture.errorString()));

    SessionSettings s = settings(Security::ImplicitTls);
    s.port = fixture.imapsPort();
    s.extraCaCertificates.clear();
    if (trustTestCa)
        s.extraCaCertificates = {fixture.caCertificate()};

    {
        Session session;
        session.setSettings(s);
        QSignalSpy rejected(&session, &Session::certificateRejected);
        QSignalSpy opened(&session, &Session::opened);
        QSignalSpy closed(&session, &Session::closed);
        session.open();
        QVERIFY(closed.wait(kTimeoutMs));
        QCOMPARE(errorOf(closed).code, Error::Code::Tls);
        QCOMPARE(rejected.count(), 1);
        QCOMPARE(opened.count(), 0);
        QCOMPARE(session.stats().commands, quint64(0));
    }

    // The user's exception for exactly this host, port and key lets the same server in.
    s.pins = {CertificatePin{s.host, s.port, publicKeySha256(fixture.serverCertificate())}};
    Session session;
    session.setSettings(s);
    QVERIFY(open(session));
    QVERIFY(login(session, QStringLiteral("erin"), fixture.password(QStringLiteral("erin"))));
}

QTEST_GUILESS_MAIN(TestSessionDovecot)
#include "tst_session_dovecot.moc"
