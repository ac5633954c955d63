// SPDX-License-Identifier: GPL-3.0-or-later
// Session and job robustness against a scripted server: objects deleted from inside their own
// signals, untagged data while commands wait in the queue, state carried from one connection to
// the next, FETCH responses of different messages, and certificate pins for keys Qt cannot read.
#include "imap/capabilityjob.h"
#include "imap/compressjob.h"
#include "imap/compressor.h"
#include "imap/deletejob.h"
#include "imap/fetchjob.h"
#include "imap/idlejob.h"
#include "imap/loginjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "support/scriptedserver.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace Heron;
using namespace Heron::Imap;
using Heron::Test::ScriptedServer;

namespace {

Error errorOf(const QSignalSpy &spy, int index = 0)
{
    return spy.at(index).at(0).value<Error>();
}

SessionSettings settingsFor(const ScriptedServer &server)
{
    SessionSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = server.port();
    settings.security = Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.connectTimeoutMs = 5000;
    settings.commandTimeoutMs = 5000;
    return settings;
}

bool openSession(Session &session)
{
    QSignalSpy opened(&session, &Session::opened);
    QSignalSpy closed(&session, &Session::closed);
    session.open();
    if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !closed.isEmpty(); }, 5000))
        return false;
    return opened.size() == 1 && closed.isEmpty();
}

// "\xHH" escapes for every byte, for an S-raw script line.
QString escaped(const QByteArray &bytes)
{
    QString out;
    for (char c : bytes)
        out += QStringLiteral("\\x%1").arg(uint(uchar(c)), 2, 16, QLatin1Char('0'));
    return out;
}

// Two self-signed Ed25519 certificates with different keys. Qt reads no Ed25519 public key
// (QSslCertificate::publicKey() is null for them).
const char kEd25519First[] = R"(-----BEGIN CERTIFICATE-----
MIIBPjCB8aADAgECAhRxiMqNN2HzaFWIPydVN1J2oeeAhDAFBgMrZXAwFDESMBAG
A1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMTAwMzMzNVoYDzIxMjYxMDI4MDAzMzM1
WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwKjAFBgMrZXADIQBhDmAI9dkjDwlQzBzy
oCjYIQ0eiwNvrcXJ0h5fhWPOj6NTMFEwHQYDVR0OBBYEFNDTHiwNljtA2iIW5sSu
jY5V0cSNMB8GA1UdIwQYMBaAFNDTHiwNljtA2iIW5sSujY5V0cSNMA8GA1UdEwEB
/wQFMAMBAf8wBQYDK2VwA0EAQG5TfUHVvrkvG4ZZmvXbngnSBjhLN+kHofEZZFVZ
MNUoMxSVtXow17CkeHheX0UgeynPcx/RITJkJ7eZRqEkCg==
-----END CERTIFICATE-----
)";
const char kEd25519Second[] = R"(-----BEGIN CERTIFICATE-----
MIIBPjCB8aADAgECAhRLOQiP4xAht2vjR45q+EOGSfa7DDAFBgMrZXAwFDESMBAG
A1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMTAwMzMzNVoYDzIxMjYxMDI4MDAzMzM1
WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwKjAFBgMrZXADIQDBPEzLescLSBM7ywKq
tltmaTLgOG8sxdcSU0ebWTF/xqNTMFEwHQYDVR0OBBYEFEcmjue345VZJfw3WfZa
J+xvvbCGMB8GA1UdIwQYMBaAFEcmjue345VZJfw3WfZaJ+xvvbCGMA8GA1UdEwEB
/wQFMAMBAf8wBQYDK2VwA0EA5ZRUdlo+YbmbCHADkUoGGqTgmqoAuKYzPrJpw3vp
fqLbgRyopELMyRYrvHlnM+aoZ6bGQyKj4q9pn0WnX9fdDA==
-----END CERTIFICATE-----
)";

}  // namespace

class TestSessionRobustness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jobDeletedInItsOwnSignal_data();
    void jobDeletedInItsOwnSignal();
    void sessionDeletedWhenAJobFails();
    void sessionDeletedWhenClosed();
    void sessionDeletedOnGreetingAlert();
    void sessionDeletedOnStateChange_data();
    void sessionDeletedOnStateChange();
    void queuedJobDoesNotClaimUntaggedData();
    void logoutWhileIdlingEndsIdle();
    void reopenAfterAbortRightAfterCompress();
    void fetchKeepsMessagesWithDifferentUidsApart();
    void unreadableKeysNeverShareAPin();
};

void TestSessionRobustness::jobDeletedInItsOwnSignal_data()
{
    QTest::addColumn<QString>("reply");
    QTest::addColumn<bool>("succeeds");
    QTest::newRow("finished") << QStringLiteral("S: A0001 OK done") << true;
    QTest::newRow("failed") << QStringLiteral("S: A0001 NO not today") << false;
}

// A job whose owner deletes it in the slot of finished() or failed() is not touched afterwards.
void TestSessionRobustness::jobDeletedInItsOwnSignal()
{
    QFETCH(QString, reply);
    QFETCH(bool, succeeds);
    ScriptedServer server;
    server.setScript(QStringList{QStringLiteral("S: * OK [CAPABILITY IMAP4rev1] ready"),
                                 QStringLiteral("C: A0001 CAPABILITY"), reply});
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(openSession(session));
    auto *job = new CapabilityJob(&session);
    job->setAutoDelete(false);
    QPointer<Job> watch(job);
    int signals_ = 0;
    connect(job, &Job::finished, this, [&] {
        ++signals_;
        delete job;
    });
    connect(job, &Job::failed, this, [&] {
        signals_ += 10;
        delete job;
    });
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(!watch, 5000);
    QCOMPARE(signals_, succeeds ? 1 : 10);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// Deleting the session from a job's failed() (the connection dropped) deletes the job too; neither
// is used afterwards.
void TestSessionRobustness::sessionDeletedWhenAJobFails()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        X: close
    )");
    QVERIFY(server.start());
    QPointer<Session> session = new Session;
    session->setSettings(settingsFor(server));
    QVERIFY(openSession(*session));
    auto *job = new CapabilityJob(session);
    int failures = 0;
    connect(job, &Job::failed, this, [&] {
        ++failures;
        delete session.data();
    });
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(!session, 5000);
    QCOMPARE(failures, 1);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// The usual reaction to closed(): delete the session, from inside the socket's own signal.
void TestSessionRobustness::sessionDeletedWhenClosed()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A0001 CAPABILITY
        S: * BYE going down
        X: close
    )");
    QVERIFY(server.start());
    QPointer<Session> session = new Session;
    session->setSettings(settingsFor(server));
    QVERIFY(openSession(*session));
    QList<Error> errors;
    connect(session, &Session::closed, this, [&](const Error &error) {
        errors.append(error);
        delete session.data();
    });
    auto *job = new CapabilityJob(session);
    job->start();
    QTRY_VERIFY_WITH_TIMEOUT(!session, 5000);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().code, Error::Code::ServerBye);
    // Let the socket's deferred deletion run.
    QTest::qWait(50);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void TestSessionRobustness::sessionDeletedOnStateChange_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("job");
    QTest::newRow("login") << QStringLiteral(R"(
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready
        C~: A0001 AUTHENTICATE PLAIN \S+
        S: A0001 OK [CAPABILITY IMAP4rev1 IDLE] logged in
        X: wait-close
    )") << QStringLiteral("login");
    QTest::newRow("select") << QStringLiteral(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] ready
        C: A0001 SELECT INBOX
        S: * 3 EXISTS
        S: A0001 OK [READ-WRITE] selected
        X: wait-close
    )") << QStringLiteral("select");
    QTest::newRow("delete the selected mailbox") << QStringLiteral(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] ready
        C: A0001 SELECT INBOX
        S: A0001 OK [READ-WRITE] selected
        C: A0002 DELETE INBOX
        S: A0002 OK deleted
        X: wait-close
    )") << QStringLiteral("delete");
}

// A state change (logged in, selected, deselected) may make the application drop the session from
// its stateChanged slot; the job that caused it must not touch itself or the session afterwards.
void TestSessionRobustness::sessionDeletedOnStateChange()
{
    QFETCH(QString, script);
    QFETCH(QString, job);
    ScriptedServer server;
    server.setScript(script);
    QVERIFY(server.start());
    QPointer<Session> session = new Session;
    session->setSettings(settingsFor(server));
    QVERIFY(openSession(*session));

    if (job == QLatin1String("delete")) {
        auto *select = new SelectJob(session);
        select->setMailbox("INBOX");
        QSignalSpy selected(select, &Job::finished);
        select->start();
        QVERIFY(selected.wait(5000));
    }
    const Session::State deleteOn = job == QLatin1String("login") ? Session::State::Authenticated
        : job == QLatin1String("select")                         ? Session::State::Selected
                                                                  : Session::State::Authenticated;
    connect(session, &Session::stateChanged, this, [&](Session::State state) {
        if (state == deleteOn)
            delete session.data();
    });
    if (job == QLatin1String("login")) {
        auto *login = new LoginJob(session);
        login->setUserName(QStringLiteral("alice"));
        login->setPassword(QStringLiteral("secret"));
        login->start();
    } else if (job == QLatin1String("select")) {
        auto *select = new SelectJob(session);
        select->setMailbox("INBOX");
        select->start();
    } else {
        auto *remove = new DeleteJob(session);
        remove->setMailbox("INBOX");
        remove->start();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!session, 5000);
    QTest::qWait(50);  // let the socket's deferred deletion run
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// An [ALERT] in the greeting may make the application drop the session at once.
void TestSessionRobustness::sessionDeletedOnGreetingAlert()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * OK [ALERT] This server closes tonight
        X: wait-close
    )");
    QVERIFY(server.start());
    QPointer<Session> session = new Session;
    session->setSettings(settingsFor(server));
    QStringList alerts;
    connect(session, &Session::alertReceived, this, [&](const QString &text) {
        alerts.append(text);
        delete session.data();
    });
    session->open();
    QTRY_VERIFY_WITH_TIMEOUT(!session, 5000);
    QCOMPARE(alerts, QStringList{QStringLiteral("This server closes tonight")});
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
    QCOMPARE(server.receivedLines(), QList<QByteArray>());
}

// A command held back behind IDLE has not reached the server: data pushed meanwhile is not its
// answer and goes to Session::unsolicited.
void TestSessionRobustness::queuedJobDoesNotClaimUntaggedData()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready
        C: A0001 IDLE
        S: + idling
        S: * 5 EXISTS
        C: DONE
        S: A0001 OK IDLE terminated
        C: A0002 SELECT Archive
        S: * 7 EXISTS
        S: * FLAGS (\Seen)
        S: A0002 OK [READ-WRITE] done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(openSession(session));
    QSignalSpy unsolicited(&session, &Session::unsolicited);
    auto *idle = new IdleJob(&session);
    auto *select = new SelectJob(&session);
    select->setAutoDelete(false);
    select->setMailbox("Archive");
    QSignalSpy selected(select, &Job::finished);
    idle->start();
    select->start();
    QTRY_COMPARE_WITH_TIMEOUT(unsolicited.count(), 1, 3000);
    QCOMPARE(std::get<NumberResponse>(unsolicited.at(0).at(0).value<Response>()),
             (NumberResponse{NumberResponse::Kind::Exists, 5}));
    idle->stop();
    QVERIFY(selected.wait(5000));
    QCOMPARE(select->exists(), 7u);
    QCOMPARE(session.selectedMailbox(), QByteArray("Archive"));
    delete select;
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// LOGOUT cannot go out while IDLE runs: logging out ends IDLE first instead of waiting for the
// next renewal.
void TestSessionRobustness::logoutWhileIdlingEndsIdle()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready
        C: A0001 IDLE
        S: + idling
        C: DONE
        S: A0001 OK IDLE terminated
        C: A0002 LOGOUT
        S: * BYE bye
        S: A0002 OK done
        X: wait-close
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(openSession(session));
    auto *idle = new IdleJob(&session);
    QSignalSpy idling(idle, &IdleJob::idling);
    QSignalSpy idleFinished(idle, &Job::finished);
    idle->start();
    QVERIFY(idling.wait(5000));
    QSignalSpy closed(&session, &Session::closed);
    session.logout();
    QVERIFY(closed.wait(3000));
    QCOMPARE(errorOf(closed).code, Error::Code::None);
    QCOMPARE(idleFinished.count(), 1);
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// COMPRESS accepted with compressed data in the same read, and the session closed from
// CompressJob::finished(): opening the session again starts from a clean stream.
void TestSessionRobustness::reopenAfterAbortRightAfterCompress()
{
    Compressor deflater;
    const Result<QByteArray> deflated = deflater.compress("* OK [ALERT] compressed\r\n");
    QVERIFY(deflated.ok());
    ScriptedServer first;
    first.setScript(QStringList{
        QStringLiteral("S: * OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] ready"),
        QStringLiteral("C: A0001 COMPRESS DEFLATE"),
        QStringLiteral("S-raw: A0001 OK DEFLATE active\\r\\n") + escaped(deflated.value()),
    });
    QVERIFY(first.start());
    Session session;
    session.setSettings(settingsFor(first));
    QVERIFY(openSession(session));
    auto *compress = new CompressJob(&session);
    QSignalSpy compressed(compress, &Job::finished);
    connect(compress, &Job::finished, &session,
            [&session] { session.abort(makeError(Error::Code::Cancelled, QStringLiteral("going away"))); });
    QSignalSpy closed(&session, &Session::closed);
    compress->start();
    QVERIFY(closed.wait(5000));
    QCOMPARE(compressed.count(), 1);
    QVERIFY(first.waitForScriptEnd());

    ScriptedServer second;
    second.setScript(R"(
        S: * OK [CAPABILITY IMAP4rev1] plain again
        C: A0001 CAPABILITY
        S: * CAPABILITY IMAP4rev1 X-SECOND
        S: A0001 OK done
    )");
    QVERIFY(second.start());
    session.setSettings(settingsFor(second));
    QVERIFY(openSession(session));
    auto *capability = new CapabilityJob(&session);
    QSignalSpy finished(capability, &Job::finished);
    capability->start();
    QVERIFY(finished.wait(5000));
    QVERIFY(session.hasCapability("X-SECOND"));
    QVERIFY(second.waitForScriptEnd());
    QCOMPARE(second.errors(), QStringList());
}

// RFC 3501 §7.4.1 allows EXPUNGE during UID FETCH: two responses with one sequence number but
// different UIDs are two messages, not one split response.
void TestSessionRobustness::fetchKeepsMessagesWithDifferentUidsApart()
{
    ScriptedServer server;
    server.setScript(R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] ready
        C: A0001 UID FETCH 5:6 (FLAGS)
        S: * 3 FETCH (UID 5 FLAGS (\Seen))
        S: * 3 EXPUNGE
        S: * 3 FETCH (UID 6 FLAGS (\Flagged))
        S: A0001 OK done
    )");
    QVERIFY(server.start());
    Session session;
    session.setSettings(settingsFor(server));
    QVERIFY(openSession(session));
    auto *fetch = new FetchJob(&session);
    fetch->setUids(UidSet::fromRange(5, 6));
    fetch->setItems({"FLAGS"});
    QList<FetchResponse> fetched;
    connect(fetch, &FetchJob::messageFetched, this, [&](const FetchResponse &response) { fetched.append(response); });
    QSignalSpy finished(fetch, &Job::finished);
    fetch->start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(fetched.size(), 2);
    QCOMPARE(fetched.at(0).uid, std::optional<uint32_t>(5));
    QCOMPARE(*fetched.at(0).flags, Strings{"\\Seen"});
    QCOMPARE(fetched.at(1).uid, std::optional<uint32_t>(6));
    QCOMPARE(*fetched.at(1).flags, Strings{"\\Flagged"});
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

// A pin is the hash of the leaf's public key. When Qt cannot read the key, there is nothing to pin:
// the hash must not be that of an empty key, which every such certificate would share.
void TestSessionRobustness::unreadableKeysNeverShareAPin()
{
    const QSslCertificate first(QByteArray(kEd25519First), QSsl::Pem);
    const QSslCertificate second(QByteArray(kEd25519Second), QSsl::Pem);
    QVERIFY(!first.isNull());
    QVERIFY(!second.isNull());
    QVERIFY(first != second);
    const QByteArray firstKey = publicKeySha256(first);
    const QByteArray secondKey = publicKeySha256(second);
    QVERIFY(firstKey.isEmpty() || firstKey != secondKey);
    // The key Qt reads is still pinned as before.
    QCOMPARE(publicKeySha256(ScriptedServer::certificate()).size(), 32);
}

QTEST_GUILESS_MAIN(TestSessionRobustness)
#include "tst_session_robustness.moc"
