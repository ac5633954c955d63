// SPDX-License-Identifier: GPL-3.0-or-later
// The private Dovecot fixture itself: fast start, both ports, TLS with the test CA, users,
// delivery (one and ten thousand), every "other device" action, IDLE notifications and a
// teardown that leaves no process and no directory, even when the test process is killed.
#include "support/dovecotfixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <iostream>

using Heron::UidSet;
using Heron::Test::DovecotFixture;

namespace {

// A blocking IMAP client with just enough to prove what the server does.
class RawImap {
public:
    explicit RawImap(QTcpSocket *socket) : m_socket(socket) {}

    bool connectPlain(quint16 port)
    {
        m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
        return m_socket->waitForConnected(5000);
    }

    QByteArray readLine(int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!m_socket->canReadLine()) {
            const int left = timeoutMs - int(timer.elapsed());
            if (left <= 0 || !m_socket->waitForReadyRead(left))
                return {};
        }
        return m_socket->readLine().trimmed();
    }

    // Sends a tagged command; returns every line up to and including the tagged one.
    QList<QByteArray> command(const QByteArray &text)
    {
        const QByteArray tag = "t" + QByteArray::number(++m_tag);
        m_socket->write(tag + ' ' + text + "\r\n");
        QList<QByteArray> lines;
        while (true) {
            const QByteArray line = readLine();
            if (line.isEmpty())
                return lines;
            lines << line;
            if (line.startsWith(tag + ' '))
                return lines;
        }
    }

    static bool taggedOk(const QList<QByteArray> &lines)
    {
        return !lines.isEmpty() && lines.last().split(' ').value(1) == "OK";
    }

    // Reads until a line containing needle arrives or the timeout passes.
    bool waitForLine(const QByteArray &needle, int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            const QByteArray line = readLine(timeoutMs - int(timer.elapsed()));
            if (line.contains(needle))
                return true;
        }
        return false;
    }

private:
    QTcpSocket *m_socket;
    int m_tag = 0;
};

bool exists(const QString &path)
{
    return !path.isEmpty() && QFileInfo::exists(path);
}

}  // namespace

class TestDovecotFixture : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void startsQuicklyAndGreetsOnBothPorts();
    void tlsVerifiesWithTheTestCa_data();
    void tlsVerifiesWithTheTestCa();
    void tlsWithoutTheCaIsUntrusted();
    void otherServerCertificates_data();
    void otherServerCertificates();
    void loginWorksForTwoUsers();
    void optionsShapeCapabilities();
    void fixedPortInUseFailsClearly();
    void deliversOneMessage();
    void deliversTenThousandMessages();
    void otherDeviceActionsShowInDoveadm();
    void idleSessionSeesOtherDeviceChanges();
    void generatorIsDeterministicAndVaried();
    void teardownLeavesNothing();
    void killedTestProcessLeavesNoDaemon();
};

void TestDovecotFixture::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
}

void TestDovecotFixture::startsQuicklyAndGreetsOnBothPorts()
{
    DovecotFixture dovecot;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    const qint64 elapsed = timer.elapsed();
    qInfo("Dovecot ready in %lld ms (fixture reports %lld ms)", elapsed, dovecot.startupMilliseconds());
    QVERIFY2(elapsed < 2000, qPrintable(QStringLiteral("start took %1 ms").arg(elapsed)));

    QVERIFY(dovecot.imapPort() != 0);
    QVERIFY(dovecot.imapsPort() != 0);
    QVERIFY(dovecot.imapPort() != dovecot.imapsPort());
    QCOMPARE(dovecot.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(dovecot.users(), (QStringList{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")}));
    QVERIFY(exists(dovecot.configPath()));
    QVERIFY(dovecot.isRunning());

    QTcpSocket plain;
    RawImap imap(&plain);
    QVERIFY(imap.connectPlain(dovecot.imapPort()));
    const QByteArray greeting = imap.readLine();
    QVERIFY2(greeting.startsWith("* OK"), greeting.constData());
    QVERIFY(greeting.contains("STARTTLS"));

    QSslSocket tls;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.addCaCertificate(dovecot.caCertificate());
    tls.setSslConfiguration(config);
    tls.connectToHostEncrypted(QStringLiteral("localhost"), dovecot.imapsPort());
    QVERIFY2(tls.waitForEncrypted(5000), qPrintable(tls.errorString()));
    RawImap secure(&tls);
    QVERIFY(secure.readLine().startsWith("* OK"));
    QVERIFY(dovecot.logContents().contains(QLatin1String("starting up")));
}

void TestDovecotFixture::tlsVerifiesWithTheTestCa_data()
{
    QTest::addColumn<QString>("peerName");
    QTest::newRow("localhost") << QStringLiteral("localhost");
    QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1");
}

void TestDovecotFixture::tlsVerifiesWithTheTestCa()
{
    QFETCH(QString, peerName);
    DovecotFixture dovecot;
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    QVERIFY(!dovecot.caCertificate().isNull());
    QVERIFY(exists(dovecot.caCertificatePath()));
    QVERIFY(exists(dovecot.serverCertificatePath()));

    QSslSocket socket;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.addCaCertificate(dovecot.caCertificate());
    socket.setSslConfiguration(config);
    QList<QSslError> errors;
    connect(&socket, &QSslSocket::sslErrors, this, [&errors](const QList<QSslError> &list) { errors = list; });
    socket.connectToHost(QStringLiteral("127.0.0.1"), dovecot.imapsPort());
    QVERIFY(socket.waitForConnected(5000));
    socket.setPeerVerifyName(peerName);
    socket.startClientEncryption();
    QVERIFY2(socket.waitForEncrypted(5000), qPrintable(socket.errorString()));
    QVERIFY(errors.isEmpty());
    QCOMPARE(socket.peerCertificate(), dovecot.serverCertificate());
    QVERIFY(socket.peerCertificateChain().size() >= 1);
    QVERIFY(socket.sessionProtocol() >= QSsl::TlsV1_2);
    RawImap imap(&socket);
    QVERIFY(imap.readLine().startsWith("* OK"));
}

void TestDovecotFixture::tlsWithoutTheCaIsUntrusted()
{
    DovecotFixture dovecot;
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    QSslSocket socket;
    QList<QSslError::SslError> errors;
    connect(&socket, &QSslSocket::sslErrors, this, [&errors](const QList<QSslError> &list) {
        for (const QSslError &e : list)
            errors << e.error();
    });
    socket.connectToHostEncrypted(QStringLiteral("localhost"), dovecot.imapsPort());
    QVERIFY(!socket.waitForEncrypted(5000));
    QVERIFY2(errors.contains(QSslError::UnableToGetLocalIssuerCertificate) ||
                     errors.contains(QSslError::SelfSignedCertificateInChain),
             qPrintable(socket.errorString()));
}

void TestDovecotFixture::otherServerCertificates_data()
{
    QTest::addColumn<DovecotFixture::ServerCertificate>("kind");
    QTest::addColumn<QSslError::SslError>("expected");
    QTest::newRow("wrong host") << DovecotFixture::ServerCertificate::WrongHost << QSslError::HostNameMismatch;
    QTest::newRow("expired") << DovecotFixture::ServerCertificate::Expired << QSslError::CertificateExpired;
    QTest::newRow("self-signed") << DovecotFixture::ServerCertificate::SelfSigned << QSslError::SelfSignedCertificate;
}

void TestDovecotFixture::otherServerCertificates()
{
    QFETCH(DovecotFixture::ServerCertificate, kind);
    QFETCH(QSslError::SslError, expected);
    DovecotFixture dovecot;
    DovecotFixture::Options options;
    options.serverCertificate = kind;
    QVERIFY2(dovecot.start(options), qPrintable(dovecot.errorString()));

    QSslSocket socket;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.addCaCertificate(dovecot.caCertificate());
    socket.setSslConfiguration(config);
    QList<QSslError::SslError> errors;
    connect(&socket, &QSslSocket::sslErrors, this, [&errors](const QList<QSslError> &list) {
        for (const QSslError &e : list)
            errors << e.error();
    });
    socket.connectToHostEncrypted(QStringLiteral("localhost"), dovecot.imapsPort());
    QVERIFY(!socket.waitForEncrypted(5000));
    QVERIFY2(errors.contains(expected), qPrintable(socket.errorString()));
}

void TestDovecotFixture::loginWorksForTwoUsers()
{
    DovecotFixture dovecot;
    DovecotFixture::Options options;
    options.passwords.insert(QStringLiteral("bob"), QStringLiteral("b0b's \"other\" secret"));
    QVERIFY2(dovecot.start(options), qPrintable(dovecot.errorString()));
    QCOMPARE(dovecot.password(QStringLiteral("alice")), QStringLiteral("secret"));
    QCOMPARE(dovecot.password(QStringLiteral("bob")), QStringLiteral("b0b's \"other\" secret"));

    for (const QString &user : {QStringLiteral("alice"), QStringLiteral("bob")}) {
        QTcpSocket socket;
        RawImap imap(&socket);
        QVERIFY(imap.connectPlain(dovecot.imapPort()));
        QVERIFY(imap.readLine().startsWith("* OK"));
        QByteArray password = dovecot.password(user).toUtf8();
        password.replace("\\", "\\\\").replace("\"", "\\\"");
        const QList<QByteArray> lines = imap.command("LOGIN " + user.toUtf8() + " \"" + password + '"');
        QVERIFY2(RawImap::taggedOk(lines), lines.join('\n').constData());
        const QByteArray all = lines.join('\n');
        for (const char *capability : {"CONDSTORE", "QRESYNC", "COMPRESS=DEFLATE", "NOTIFY", "MOVE", "UIDPLUS"})
            QVERIFY2(all.contains(capability), capability);
        QVERIFY(RawImap::taggedOk(imap.command("SELECT INBOX")));
    }

    QTcpSocket socket;
    RawImap imap(&socket);
    QVERIFY(imap.connectPlain(dovecot.imapPort()));
    QVERIFY(imap.readLine().startsWith("* OK"));
    QVERIFY(!RawImap::taggedOk(imap.command("LOGIN carol wrong")));
}

void TestDovecotFixture::optionsShapeCapabilities()
{
    DovecotFixture dovecot;
    DovecotFixture::Options options;
    options.compressDeflate = false;
    options.users = {QStringLiteral("dave")};
    options.imapCapability = QStringLiteral("IMAP4rev1 LITERAL+ IDLE UIDPLUS");
    QVERIFY2(dovecot.start(options), qPrintable(dovecot.errorString()));
    QTcpSocket socket;
    RawImap imap(&socket);
    QVERIFY(imap.connectPlain(dovecot.imapPort()));
    QVERIFY(imap.readLine().startsWith("* OK"));
    const QList<QByteArray> lines = imap.command("LOGIN dave secret");
    QVERIFY2(RawImap::taggedOk(lines), lines.join('\n').constData());
    const QList<QByteArray> capability = imap.command("CAPABILITY");
    const QByteArray all = capability.join('\n');
    QVERIFY2(!all.contains("COMPRESS=DEFLATE"), all.constData());
    QVERIFY2(!all.contains("CONDSTORE") && !all.contains("QRESYNC"), all.constData());
    QVERIFY2(all.contains("UIDPLUS"), all.constData());
}

void TestDovecotFixture::fixedPortInUseFailsClearly()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    DovecotFixture dovecot;
    DovecotFixture::Options options;
    options.imapPort = squatter.serverPort();
    QVERIFY(!dovecot.start(options));
    QVERIFY2(dovecot.errorString().contains(QLatin1String("Address already in use")),
             qPrintable(dovecot.errorString()));
    QVERIFY(!dovecot.isRunning());
    QVERIFY(dovecot.baseDir().isEmpty());

    squatter.close();
    QVERIFY2(dovecot.start(options), qPrintable(dovecot.errorString()));
    QCOMPARE(dovecot.imapPort(), options.imapPort);
}

void TestDovecotFixture::deliversOneMessage()
{
    DovecotFixture dovecot;
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    const QString alice = QStringLiteral("alice");
    QCOMPARE(dovecot.messageCount(alice).value(), 0u);

    const Heron::Result<quint32> first = dovecot.deliver(alice, DovecotFixture::generateMessage(0, 7));
    QVERIFY2(first, qPrintable(dovecot.errorString()));
    QCOMPARE(first.value(), 1u);
    const Heron::Result<quint32> second = dovecot.deliver(alice, DovecotFixture::generateMessage(1, 7),
                                                          QStringLiteral("INBOX"),
                                                          {QStringLiteral("\\Seen"), QStringLiteral("$Work")});
    QVERIFY2(second, qPrintable(dovecot.errorString()));
    QCOMPARE(second.value(), 2u);
    QCOMPARE(dovecot.messageCount(alice).value(), 2u);
    QCOMPARE(dovecot.status(alice)->unseen, 1u);
    const QStringList flags = dovecot.flags(alice, QStringLiteral("INBOX"), 2).value();
    QVERIFY2(flags.contains(QStringLiteral("\\Seen")) && flags.contains(QStringLiteral("$Work")),
             qPrintable(flags.join(QLatin1Char(' '))));
    QVERIFY(dovecot.messageCount(QStringLiteral("bob")).value() == 0);

    // A folder name outside ASCII goes out in modified UTF-7.
    const QString folder = QStringLiteral("Récépissés & Co");
    QVERIFY(dovecot.createFolder(alice, folder));
    QVERIFY2(dovecot.deliver(alice, DovecotFixture::generateMessage(2, 7), folder), qPrintable(dovecot.errorString()));
    QCOMPARE(dovecot.messageCount(alice, folder).value(), 1u);

    QVERIFY(!dovecot.deliver(alice, DovecotFixture::generateMessage(3, 7), QStringLiteral("Missing")));
    QVERIFY(dovecot.errorString().contains(QLatin1String("TRYCREATE")));
}

void TestDovecotFixture::deliversTenThousandMessages()
{
    DovecotFixture dovecot;
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    const QString bob = QStringLiteral("bob");
    constexpr int kCount = 10000;

    QElapsedTimer timer;
    timer.start();
    QList<QByteArray> messages;
    messages.reserve(kCount);
    qint64 bytes = 0;
    for (int i = 0; i < kCount; ++i) {
        messages << DovecotFixture::generateMessage(i, 42);
        bytes += messages.last().size();
    }
    const qint64 generated = timer.restart();

    const Heron::Result<UidSet> uids = dovecot.deliverMany(bob, QStringLiteral("INBOX"), messages);
    QVERIFY2(uids, qPrintable(dovecot.errorString()));
    const qint64 delivered = timer.elapsed();
    qInfo("Generated %d messages (%lld KiB) in %lld ms; delivered in %lld ms (%.0f messages/s)", kCount, bytes / 1024,
          generated, delivered, kCount * 1000.0 / double(qMax<qint64>(delivered, 1)));
    // A few seconds on an idle machine; the bound only catches a fall back to one process per message.
    QVERIFY2(delivered < 30000, "bulk delivery took far too long");
    QCOMPARE(uids->count(), quint64(kCount));
    QCOMPARE(uids->min(), 1u);
    QCOMPARE(uids->max(), quint32(kCount));
    QCOMPARE(dovecot.messageCount(bob).value(), quint32(kCount));
    QCOMPARE(dovecot.uids(bob).value(), UidSet::fromRange(1, kCount));

    // UIDs follow list order; INTERNALDATE is the Date header.
    const Heron::Result<QByteArray> fetched = dovecot.doveadm(
            {QStringLiteral("-f"), QStringLiteral("flow"), QStringLiteral("fetch"), QStringLiteral("-u"), bob,
             QStringLiteral("hdr.message-id date.received"), QStringLiteral("mailbox"), QStringLiteral("INBOX"),
             QStringLiteral("uid"), QStringLiteral("1234")});
    QVERIFY(fetched);
    QVERIFY2(fetched->contains(DovecotFixture::messageIdFor(1233, 42)), fetched->constData());
    QVERIFY2(fetched->contains("date.received=2024-01-09"), fetched->constData());

    // Into another folder, with flags and a keyword, after some already exist.
    const Heron::Result<UidSet> archived = dovecot.deliverMany(
            bob, QStringLiteral("Archive/2024"), messages.mid(0, 50),
            {QStringLiteral("\\Seen"), QStringLiteral("\\Flagged"), QStringLiteral("$Archived")});
    QVERIFY2(archived, qPrintable(dovecot.errorString()));
    QCOMPARE(archived.value(), UidSet::fromRange(1, 50));
    const QStringList flags = dovecot.flags(bob, QStringLiteral("Archive/2024"), 50).value();
    for (const char *flag : {"\\Seen", "\\Flagged", "$Archived"})
        QVERIFY2(flags.contains(QLatin1String(flag)), qPrintable(flags.join(QLatin1Char(' '))));
    QCOMPARE(dovecot.status(bob, QStringLiteral("Archive/2024"))->unseen, 0u);
    const Heron::Result<UidSet> more = dovecot.deliverMany(bob, QStringLiteral("Archive/2024"), messages.mid(50, 5));
    QVERIFY(more);
    QCOMPARE(more.value(), UidSet::fromRange(51, 55));
}

void TestDovecotFixture::otherDeviceActionsShowInDoveadm()
{
    DovecotFixture dovecot;
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    const QString carol = QStringLiteral("carol");
    const QString inbox = QStringLiteral("INBOX");
    QList<QByteArray> messages;
    for (int i = 0; i < 10; ++i)
        messages << DovecotFixture::generateMessage(i, 5);
    QVERIFY2(dovecot.deliverMany(carol, inbox, messages), qPrintable(dovecot.errorString()));
    const quint64 modSeq = dovecot.status(carol)->highestModSeq;

    // Flags: add, remove, replace.
    QVERIFY(dovecot.setFlags(carol, inbox, UidSet::fromRange(1, 3),
                             {QStringLiteral("\\Seen"), QStringLiteral("$Todo")}));
    QCOMPARE(dovecot.status(carol)->unseen, 7u);
    QVERIFY(dovecot.flags(carol, inbox, 2)->contains(QStringLiteral("$Todo")));
    QVERIFY(dovecot.status(carol)->highestModSeq > modSeq);
    QVERIFY(dovecot.setFlags(carol, inbox, UidSet::fromValues(QList<int>{2}), {QStringLiteral("\\Seen")},
                             DovecotFixture::FlagMode::Remove));
    QCOMPARE(dovecot.status(carol)->unseen, 8u);
    QVERIFY(dovecot.setFlags(carol, inbox, UidSet::fromValues(QList<int>{3}), {QStringLiteral("\\Flagged")},
                             DovecotFixture::FlagMode::Replace));
    QCOMPARE(dovecot.flags(carol, inbox, 3).value(), QStringList{QStringLiteral("\\Flagged")});

    // Folders: create, copy into, move into, rename, subscribe, delete.
    QVERIFY(dovecot.createFolder(carol, QStringLiteral("Work")));
    QVERIFY(dovecot.folders(carol)->contains(QStringLiteral("Work")));
    QVERIFY(dovecot.folders(carol, true)->contains(QStringLiteral("Work")));
    QVERIFY(dovecot.copy(carol, inbox, UidSet::fromRange(1, 2), QStringLiteral("Work")));
    QCOMPARE(dovecot.messageCount(carol, QStringLiteral("Work")).value(), 2u);
    QCOMPARE(dovecot.messageCount(carol).value(), 10u);
    QVERIFY(dovecot.move(carol, inbox, UidSet::fromRange(4, 5), QStringLiteral("Work")));
    QCOMPARE(dovecot.messageCount(carol, QStringLiteral("Work")).value(), 4u);
    QCOMPARE(dovecot.messageCount(carol).value(), 8u);
    QVERIFY(!dovecot.uids(carol)->contains(4));

    QVERIFY(dovecot.expunge(carol, inbox, UidSet::fromValues(QList<int>{1, 10})));
    QCOMPARE(dovecot.uids(carol).value(), UidSet::parse("2:3,6:9").value());

    QVERIFY(dovecot.renameFolder(carol, QStringLiteral("Work"), QStringLiteral("Projects")));
    QStringList folders = dovecot.folders(carol).value();
    QVERIFY(!folders.contains(QStringLiteral("Work")));
    QVERIFY(folders.contains(QStringLiteral("Projects")));
    QCOMPARE(dovecot.messageCount(carol, QStringLiteral("Projects")).value(), 4u);
    QVERIFY(dovecot.folders(carol, true)->contains(QStringLiteral("Projects")));

    QVERIFY(dovecot.unsubscribe(carol, QStringLiteral("Projects")));
    QVERIFY(!dovecot.folders(carol, true)->contains(QStringLiteral("Projects")));
    QVERIFY(dovecot.subscribe(carol, QStringLiteral("Projects")));
    QVERIFY(dovecot.folders(carol, true)->contains(QStringLiteral("Projects")));

    QVERIFY(dovecot.deleteFolder(carol, QStringLiteral("Projects")));
    QVERIFY(!dovecot.folders(carol)->contains(QStringLiteral("Projects")));
    QVERIFY(!dovecot.folders(carol, true)->contains(QStringLiteral("Projects")));

    // UIDVALIDITY: to the next value, then to a chosen one.
    const quint32 validity = dovecot.status(carol)->uidValidity;
    QVERIFY(dovecot.resetUidValidity(carol, inbox));
    QCOMPARE(dovecot.status(carol)->uidValidity, validity + 1);
    QVERIFY(dovecot.resetUidValidity(carol, inbox, 77));
    QCOMPARE(dovecot.status(carol)->uidValidity, 77u);
    QCOMPARE(dovecot.messageCount(carol).value(), 6u);

    // Failures are reported, with doveadm's reason.
    QVERIFY(!dovecot.move(carol, inbox, UidSet::fromRange(2, 3), QStringLiteral("Nowhere")));
    QVERIFY(!dovecot.errorString().isEmpty());
    QCOMPARE(dovecot.messageCount(carol).value(), 6u);
    QVERIFY(!dovecot.renameFolder(carol, QStringLiteral("Nowhere"), QStringLiteral("Elsewhere")));
}

void TestDovecotFixture::idleSessionSeesOtherDeviceChanges()
{
    DovecotFixture dovecot;
    QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
    const QString alice = QStringLiteral("alice");
    const QString inbox = QStringLiteral("INBOX");
    QVERIFY(dovecot.deliverMany(alice, inbox,
                                {DovecotFixture::generateMessage(0, 9), DovecotFixture::generateMessage(1, 9)}));

    QTcpSocket socket;
    RawImap imap(&socket);
    QVERIFY(imap.connectPlain(dovecot.imapPort()));
    QVERIFY(imap.readLine().startsWith("* OK"));
    QVERIFY(RawImap::taggedOk(imap.command("LOGIN alice secret")));
    QVERIFY(RawImap::taggedOk(imap.command("SELECT INBOX")));
    socket.write("i1 IDLE\r\n");
    QVERIFY(imap.readLine().startsWith("+"));

    // Dovecot watches the maildir (inotify), so changes made elsewhere arrive at once.
    QVERIFY(dovecot.setFlags(alice, inbox, UidSet::fromValues(QList<int>{1}), {QStringLiteral("\\Flagged")}));
    QVERIFY2(imap.waitForLine("* 1 FETCH (FLAGS (", 5000), "flag change not pushed to the IDLE session");
    QVERIFY(dovecot.deliver(alice, DovecotFixture::generateMessage(2, 9)));
    QVERIFY2(imap.waitForLine("* 3 EXISTS", 5000), "new message not pushed to the IDLE session");
    QVERIFY(dovecot.expunge(alice, inbox, UidSet::fromValues(QList<int>{2})));
    QVERIFY2(imap.waitForLine("* 2 EXPUNGE", 5000), "expunge not pushed to the IDLE session");
    socket.write("DONE\r\n");
    QVERIFY(imap.waitForLine("i1 OK", 5000));
}

void TestDovecotFixture::generatorIsDeterministicAndVaried()
{
    QCOMPARE(DovecotFixture::generateMessage(17, 1), DovecotFixture::generateMessage(17, 1));
    QVERIFY(DovecotFixture::generateMessage(17, 1) != DovecotFixture::generateMessage(17, 2));
    QVERIFY(DovecotFixture::generateMessage(17, 1) != DovecotFixture::generateMessage(18, 1));

    int encodedSubjects = 0;
    int multipart = 0;
    int attachments = 0;
    int replies = 0;
    int cc = 0;
    qint64 total = 0;
    constexpr int kCount = 1000;
    for (int i = 0; i < kCount; ++i) {
        const QByteArray message = DovecotFixture::generateMessage(i, 3);
        total += message.size();
        QVERIFY(message.contains("\r\nMessage-ID: " + DovecotFixture::messageIdFor(i, 3) + "\r\n"));
        QVERIFY(message.startsWith("Return-Path: "));
        QVERIFY(message.contains("\r\n\r\n"));
        QVERIFY(!message.contains("\n\n"));
        QVERIFY(message.contains("\r\nDate: "));
        encodedSubjects += message.contains("Subject: =?UTF-8?B?") ? 1 : 0;
        multipart += message.contains("Content-Type: multipart/") ? 1 : 0;
        attachments += message.contains("Content-Disposition: attachment") ? 1 : 0;
        replies += message.contains("\r\nReferences: <heron.3.") ? 1 : 0;
        cc += message.contains("\r\nCc: ") ? 1 : 0;
    }
    const qint64 average = total / kCount;
    qInfo("generated messages: %lld bytes on average, %d encoded subjects, %d multipart, %d with attachment, "
          "%d replies, %d with Cc",
          average, encodedSubjects, multipart, attachments, replies, cc);
    QVERIFY(average >= 900 && average <= 2200);
    for (const int n : {encodedSubjects, multipart, attachments, replies, cc})
        QVERIFY(n > kCount / 20 && n < kCount / 2);
}

void TestDovecotFixture::teardownLeavesNothing()
{
    QString config;
    QString base;
    QString instance;
    qint64 group = 0;
    {
        DovecotFixture dovecot;
        QVERIFY2(dovecot.start(), qPrintable(dovecot.errorString()));
        config = dovecot.configPath();
        base = dovecot.baseDir();
        instance = dovecot.instanceName();
        group = dovecot.masterPid();
        QVERIFY(group > 0);
        // A logged-in client keeps an imap process alive across the teardown.
        QTcpSocket socket;
        RawImap imap(&socket);
        QVERIFY(imap.connectPlain(dovecot.imapPort()));
        QVERIFY(imap.readLine().startsWith("* OK"));
        QVERIFY(RawImap::taggedOk(imap.command("LOGIN alice secret")));
        QVERIFY(RawImap::taggedOk(imap.command("SELECT INBOX")));
        const QList<qint64> running = dovecot.processes();
        QVERIFY2(running.size() >= 4, qPrintable(QStringLiteral("%1 processes").arg(running.size())));
        QVERIFY(running.contains(group));
    }
    QCOMPARE(DovecotFixture::processesOf(config, instance, group), QList<qint64>());
    QVERIFY(!exists(base));

    // stop() is idempotent and start() can follow it.
    DovecotFixture dovecot;
    QVERIFY(dovecot.start());
    dovecot.stop();
    dovecot.stop();
    QVERIFY(!dovecot.isRunning());
    QVERIFY(dovecot.baseDir().isEmpty());
}

void TestDovecotFixture::killedTestProcessLeavesNoDaemon()
{
    // A child copy of this binary starts a fixture, reports it and waits to be killed -9, as a
    // crashing test would be. The master must follow it (PR_SET_PDEATHSIG).
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--fixture-child")});
    QVERIFY(child.waitForStarted(5000));
    QByteArray report;
    while (!report.contains('\n') && child.waitForReadyRead(10000))
        report += child.readAllStandardOutput();
    const QList<QByteArray> fields = report.trimmed().split(' ');
    QVERIFY2(fields.size() == 4 && fields.at(0) == "started", report.constData());
    const QString config = QString::fromUtf8(fields.at(1));
    const QString instance = QString::fromUtf8(fields.at(2));
    const qint64 group = fields.at(3).toLongLong();
    QVERIFY(!DovecotFixture::processesOf(config, instance, group).isEmpty());

    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(DovecotFixture::processesOf(config, instance, group).isEmpty(), 10000);
    // A killed process cannot remove its temp dir; this test does.
    QDir(QFileInfo(config).absolutePath()).removeRecursively();
}

static int runFixtureChild(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    DovecotFixture dovecot;
    if (!dovecot.start()) {
        std::cout << "failed " << qPrintable(dovecot.errorString()) << std::endl;
        return 1;
    }
    std::cout << "started " << qPrintable(dovecot.configPath()) << ' ' << qPrintable(dovecot.instanceName()) << ' '
              << dovecot.masterPid() << std::endl;
    return app.exec();
}

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], "--fixture-child") == 0)
        return runFixtureChild(argc, argv);
    QCoreApplication app(argc, argv);
    TestDovecotFixture test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_dovecotfixture.moc"
