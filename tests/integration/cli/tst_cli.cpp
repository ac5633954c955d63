// SPDX-License-Identifier: GPL-3.0-or-later
// The headless command line, run as a user runs it: the built heron binary in a QProcess, with no
// display, against a private Dovecot. First what needs no server (usage errors and exit codes,
// help, the plain-words error without a keychain, validation, the store-only commands), then a
// whole session (account add, sync, folders, select, list, show, search, flag, fetch-part, move,
// delete, account remove), a change queued while the server is away, and `sync` staying on push
// until SIGTERM.
//
// The binary is $HERON_BINARY, else src/app/heron of the same build tree (build the `heron`
// target before running this test). HERON_CLI_TEST_ECHO=1 shows every command and its output.

#include "support/dovecotfixture.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using Heron::Test::DovecotFixture;

namespace {

constexpr int kCommandTimeoutMs = 120000;

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    bool finished = false;

    QString describe() const
    {
        return QStringLiteral("exit %1\n--- stdout\n%2--- stderr\n%3").arg(exitCode).arg(out, err);
    }
};

// A message with CRLF line ends, as a server holds it.
QByteArray crlf(QByteArray text)
{
    text.replace("\r\n", "\n");
    text.replace("\n", "\r\n");
    return text;
}

QByteArray plainMessage(const QByteArray &from, const QByteArray &subject, const QByteArray &body,
                        const QByteArray &messageId)
{
    return crlf("From: " + from +
                "\n"
                "To: Alice <alice@heron.test>\n"
                "Subject: " +
                subject +
                "\n"
                "Date: Tue, 02 Jan 2024 10:00:00 +0000\n"
                "Message-ID: <" +
                messageId +
                ">\n"
                "MIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: 8bit\n"
                "\n" +
                body + "\n");
}

// Every byte value, twice: a binary attachment whose decoding can be checked exactly.
QByteArray attachmentBytes()
{
    QByteArray bytes;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 256; ++i)
            bytes.append(char(i));
    }
    return bytes;
}

QByteArray messageWithAttachment()
{
    const QByteArray base64 = attachmentBytes().toBase64();
    QByteArray wrapped;
    for (qsizetype i = 0; i < base64.size(); i += 76)
        wrapped += base64.mid(i, 76) + "\n";
    return crlf("From: Billing <billing@shop.example>\n"
                "To: Alice <alice@heron.test>\n"
                "Subject: Invoice with data\n"
                "Date: Wed, 03 Jan 2024 10:00:00 +0000\n"
                "Message-ID: <invoice@heron.test>\n"
                "MIME-Version: 1.0\n"
                "Content-Type: multipart/mixed; boundary=\"b1\"\n"
                "\n"
                "--b1\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "\n"
                "Your invoice is attached.\n"
                "--b1\n"
                "Content-Type: application/octet-stream; name=\"data.bin\"\n"
                "Content-Disposition: attachment; filename=\"data.bin\"\n"
                "Content-Transfer-Encoding: base64\n"
                "\n" +
                wrapped + "--b1--\n");
}

// The ids `list` prints, in order.
QList<qint64> listedIds(const QString &out)
{
    QList<qint64> ids;
    static const QRegularExpression kLine(QStringLiteral("^\\s*(\\d+)\\s"), QRegularExpression::MultilineOption);
    for (auto it = kLine.globalMatch(out); it.hasNext();)
        ids.append(it.next().captured(1).toLongLong());
    return ids;
}

// The id of the line of `list` or `search` output that contains text; 0 when none does.
qint64 idOfLineWith(const QString &out, const QString &text)
{
    for (const QString &line : out.split(QLatin1Char('\n'))) {
        if (line.contains(text))
            return line.trimmed().section(QLatin1Char(' '), 0, 0).toLongLong();
    }
    return 0;
}

}  // namespace

class CliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // Without a server
    void usageErrorsExitWithTwo_data();
    void usageErrorsExitWithTwo();
    void helpListsTheCommandsWithoutADisplay();
    void missingKeychainIsExplainedAndLeavesNoAccount();
    void accountAddChecksItsInput();
    void windowIsValidatedAndStored();
    void storeOnlyCommandsWorkBeforeTheFirstSync();

    // With the server
    void wholeSession();
    void htmlAndHostileTextAreMadeSafe();
    void changeIsQueuedWhileTheServerIsAway();
    void syncStaysOnPushUntilTerminated();

private:
    Run heron(const QStringList &arguments, const QByteArray &input = {}) const;
    QStringList profileArgs() const
    {
        return {QStringLiteral("--profile"), m_profile, QStringLiteral("--insecure-password-store")};
    }
    bool addAccount(DovecotFixture &fixture, const QString &user, const QStringList &extra = {});

    QString m_binary;
    QProcessEnvironment m_environment;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_profile;
    std::unique_ptr<DovecotFixture> m_fixture;
};

void CliTest::initTestCase()
{
    const QString fromEnvironment = qEnvironmentVariable("HERON_BINARY");
    const QStringList candidates = fromEnvironment.isEmpty()
                                           ? QStringList{QCoreApplication::applicationDirPath() +
                                                                 QStringLiteral("/../src/app/heron"),
                                                         QCoreApplication::applicationDirPath() +
                                                                 QStringLiteral("/../../src/app/heron")}
                                           : QStringList{fromEnvironment};
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isExecutable()) {
            m_binary = QFileInfo(candidate).canonicalFilePath();
            break;
        }
    }
    QVERIFY2(!m_binary.isEmpty(), qPrintable(QStringLiteral("No heron binary at %1: build the heron target, or set "
                                                            "HERON_BINARY.")
                                                     .arg(candidates.join(QStringLiteral(", ")))));

    // No display, no session bus: the command line must need neither.
    m_environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS"})
        m_environment.remove(QString::fromLatin1(name));
    m_environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
}

void CliTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_profile = m_dir->filePath(QStringLiteral("profile"));
    // Nothing of a desktop session: no runtime dir with a bus socket, so no keychain either.
    QDir().mkpath(m_dir->filePath(QStringLiteral("runtime")));
    m_environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir->filePath(QStringLiteral("runtime")));
}

void CliTest::cleanup()
{
    m_fixture.reset();
    m_dir.reset();
}

Run CliTest::heron(const QStringList &arguments, const QByteArray &input) const
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.start(m_binary, arguments);
    Run run;
    if (!process.waitForStarted(kCommandTimeoutMs)) {
        run.err = process.errorString();
        return run;
    }
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    run.finished = process.waitForFinished(kCommandTimeoutMs);
    if (!run.finished) {
        process.kill();
        process.waitForFinished();
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    // HERON_CLI_TEST_ECHO=1 shows every command and what it printed.
    if (qEnvironmentVariableIsSet("HERON_CLI_TEST_ECHO"))
        qDebug().noquote() << QStringLiteral("$ heron ") + arguments.join(QLatin1Char(' ')) << '\n' << run.describe();
    return run;
}

bool CliTest::addAccount(DovecotFixture &fixture, const QString &user, const QStringList &extra)
{
    m_environment.insert(QStringLiteral("HERON_TEST_PASSWORD"), fixture.password(user));
    const Run run = heron(profileArgs() +
                          QStringList{QStringLiteral("account"), QStringLiteral("add"), QStringLiteral("--email"),
                                      user + QStringLiteral("@heron.test"), QStringLiteral("--name"),
                                      user + QStringLiteral(" Test"), QStringLiteral("--host"), fixture.host(),
                                      QStringLiteral("--port"), QString::number(fixture.imapPort()),
                                      QStringLiteral("--security"), QStringLiteral("none"), QStringLiteral("--user"),
                                      user, QStringLiteral("--password-env"), QStringLiteral("HERON_TEST_PASSWORD")} +
                          extra);
    m_environment.remove(QStringLiteral("HERON_TEST_PASSWORD"));
    if (run.exitCode != 0)
        qWarning().noquote() << run.describe();
    return run.exitCode == 0;
}

// --- Without a server -------------------------------------------------------------------------------

void CliTest::usageErrorsExitWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");  // part of stderr

    // PROFILE stands for this test's profile directory, which none of these commands may create.
    const QString profile = QStringLiteral("--profile=PROFILE");
    QTest::newRow("unknown command") << QStringList{profile, QStringLiteral("frobnicate")}
                                     << QStringLiteral("unknown command \"frobnicate\"");
    QTest::newRow("missing --profile") << QStringList{QStringLiteral("list"), QStringLiteral("INBOX")}
                                       << QStringLiteral("list needs --profile DIR");
    QTest::newRow("account without a verb")
            << QStringList{profile, QStringLiteral("account")} << QStringLiteral("account takes add, list or remove");
    QTest::newRow("unknown option") << QStringList{profile, QStringLiteral("sync"), QStringLiteral("--fast")}
                                    << QStringLiteral("Unknown option 'fast'");
    QTest::newRow("bad flag change") << QStringList{profile, QStringLiteral("flag"), QStringLiteral("1"),
                                                    QStringLiteral("+urgent")}
                                     << QStringLiteral("\"+urgent\" is not a flag change");
    QTest::newRow("flag set and cleared") << QStringList{profile, QStringLiteral("flag"), QStringLiteral("1"),
                                                         QStringLiteral("+seen"), QStringLiteral("-seen")}
                                          << QStringLiteral("both set and cleared");
    QTest::newRow("select without on or off")
            << QStringList{profile, QStringLiteral("select"), QStringLiteral("INBOX"), QStringLiteral("maybe")}
            << QStringLiteral("on or off");
    QTest::newRow("window with two choices") << QStringList{profile, QStringLiteral("window"), QStringLiteral("--off"),
                                                            QStringLiteral("--days"), QStringLiteral("3")}
                                             << QStringLiteral("one of --days N, --since YYYY-MM-DD or --off");
    QTest::newRow("window zero days") << QStringList{profile, QStringLiteral("window"), QStringLiteral("--days"),
                                                     QStringLiteral("0")}
                                      << QStringLiteral("from 1 to 36500");
    QTest::newRow("window past the limit")
            << QStringList{profile, QStringLiteral("window"), QStringLiteral("--days"), QStringLiteral("36501")}
            << QStringLiteral("from 1 to 36500");
    QTest::newRow("bad part number") << QStringList{profile,
                                                    QStringLiteral("fetch-part"),
                                                    QStringLiteral("1"),
                                                    QStringLiteral("../x"),
                                                    QStringLiteral("--out"),
                                                    QStringLiteral("f")}
                                     << QStringLiteral("is not a part number");
    QTest::newRow("bad search date") << QStringList{profile, QStringLiteral("search"),
                                                    QStringLiteral("before:2024-02-30")}
                                     << QStringLiteral("\"2024-02-30\" is not one");
    QTest::newRow("cleartext to a remote host") << QStringList{profile,
                                                               QStringLiteral("account"),
                                                               QStringLiteral("add"),
                                                               QStringLiteral("--email"),
                                                               QStringLiteral("a@example.org"),
                                                               QStringLiteral("--host"),
                                                               QStringLiteral("imap.example.org"),
                                                               QStringLiteral("--security"),
                                                               QStringLiteral("none"),
                                                               QStringLiteral("--password-stdin")}
                                                << QStringLiteral("only allowed to a server on this computer");
    QTest::newRow("no password source") << QStringList{profile,
                                                       QStringLiteral("account"),
                                                       QStringLiteral("add"),
                                                       QStringLiteral("--email"),
                                                       QStringLiteral("a@example.org"),
                                                       QStringLiteral("--host"),
                                                       QStringLiteral("imap.example.org")}
                                        << QStringLiteral("--password-env VARIABLE or --password-stdin");
}

void CliTest::usageErrorsExitWithTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    arguments.replaceInStrings(QStringLiteral("PROFILE"), m_profile);
    const Run run = heron(arguments);
    QVERIFY2(run.exitCode == 2, qPrintable(run.describe()));
    QVERIFY2(run.err.contains(message), qPrintable(run.describe()));
    QVERIFY2(run.out.isEmpty(), qPrintable(run.describe()));
    // Nothing was created for a command that was refused.
    QVERIFY(!QFileInfo::exists(m_profile));
}

void CliTest::helpListsTheCommandsWithoutADisplay()
{
    const Run help = heron({QStringLiteral("--help")});
    QVERIFY2(help.exitCode == 0, qPrintable(help.describe()));
    for (const char *command :
         {"account add", "account list", "account remove", "folders", "select", "window", "sync", "list", "show",
          "search", "flag", "move", "delete", "fetch-part", "--insecure-password-store"})
        QVERIFY2(help.out.contains(QLatin1String(command)), command);

    const Run commandHelp = heron({QStringLiteral("sync"), QStringLiteral("--help")});
    QVERIFY2(commandHelp.exitCode == 0, qPrintable(commandHelp.describe()));
    QVERIFY(commandHelp.out.contains(QLatin1String("--once")));
    QVERIFY(commandHelp.out.contains(QLatin1String("--profile")));
}

void CliTest::missingKeychainIsExplainedAndLeavesNoAccount()
{
    m_environment.insert(QStringLiteral("HERON_TEST_PASSWORD"), QStringLiteral("secret"));
    const Run add = heron({QStringLiteral("--profile"), m_profile, QStringLiteral("account"), QStringLiteral("add"),
                           QStringLiteral("--email"), QStringLiteral("alice@heron.test"), QStringLiteral("--host"),
                           QStringLiteral("127.0.0.1"), QStringLiteral("--security"), QStringLiteral("none"),
                           QStringLiteral("--password-env"), QStringLiteral("HERON_TEST_PASSWORD")});
    m_environment.remove(QStringLiteral("HERON_TEST_PASSWORD"));
    QVERIFY2(add.exitCode == 1, qPrintable(add.describe()));
    QVERIFY2(add.err.contains(QLatin1String("alice@heron.test was not added")), qPrintable(add.describe()));
    QVERIFY2(add.err.contains(QLatin1String("--insecure-password-store")), qPrintable(add.describe()));
    QVERIFY2(!add.err.contains(QLatin1String("secret")), qPrintable(add.describe()));

    const Run list = heron({QStringLiteral("--profile"), m_profile, QStringLiteral("account"), QStringLiteral("list")});
    QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
    QVERIFY2(list.out.isEmpty(), qPrintable(list.describe()));
    QVERIFY2(list.err.contains(QLatin1String("no accounts")), qPrintable(list.describe()));
}

void CliTest::accountAddChecksItsInput()
{
    // An unset variable: nothing is created.
    const Run unset = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("add"),
                                                        QStringLiteral("--email"), QStringLiteral("a@heron.test"),
                                                        QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                                                        QStringLiteral("--security"), QStringLiteral("none"),
                                                        QStringLiteral("--password-env"),
                                                        QStringLiteral("HERON_TEST_UNSET_VARIABLE")});
    QVERIFY2(unset.exitCode == 1, qPrintable(unset.describe()));
    QVERIFY2(unset.err.contains(QLatin1String("HERON_TEST_UNSET_VARIABLE is not set")), qPrintable(unset.describe()));
    QVERIFY(!QFileInfo::exists(m_profile));

    // Not an email address: the settings' own validation answers.
    const Run bad = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("add"),
                                                      QStringLiteral("--email"), QStringLiteral("not-an-address"),
                                                      QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                                                      QStringLiteral("--security"), QStringLiteral("none"),
                                                      QStringLiteral("--password-stdin")},
                          "secret\n");
    QVERIFY2(bad.exitCode == 1, qPrintable(bad.describe()));
    QVERIFY2(bad.err.contains(QLatin1String("is not an email address")), qPrintable(bad.describe()));

    // The password from stdin; defaults: port 143 without TLS, user = email.
    const Run good = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("add"),
                                                       QStringLiteral("--email"), QStringLiteral("a@heron.test"),
                                                       QStringLiteral("--host"), QStringLiteral("localhost"),
                                                       QStringLiteral("--security"), QStringLiteral("none"),
                                                       QStringLiteral("--password-stdin")},
                           "secret\n");
    QVERIFY2(good.exitCode == 0, qPrintable(good.describe()));
    QVERIFY2(good.out.contains(QLatin1String("user a@heron.test on localhost:143")), qPrintable(good.describe()));
    // A second account with the same address is refused.
    const Run again = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("add"),
                                                        QStringLiteral("--email"), QStringLiteral("A@heron.test"),
                                                        QStringLiteral("--host"), QStringLiteral("localhost"),
                                                        QStringLiteral("--security"), QStringLiteral("none"),
                                                        QStringLiteral("--password-stdin")},
                            "secret\n");
    QVERIFY2(again.exitCode == 1, qPrintable(again.describe()));
    QVERIFY2(again.err.contains(QLatin1String("already exists")), qPrintable(again.describe()));

    const Run list = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("list")});
    QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
    QCOMPARE(list.out.trimmed(),
             QStringLiteral("a@heron.test  -  localhost:143  none  profile-file  0 folders  0 messages"));
    // The password never reaches the store.
    QFile store(QDir(m_profile).filePath(QStringLiteral("store.sqlite")));
    QVERIFY(store.open(QIODevice::ReadOnly));
    QVERIFY(!store.readAll().contains("secret"));
}

void CliTest::windowIsValidatedAndStored()
{
    QVERIFY(heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("add"),
                                              QStringLiteral("--email"), QStringLiteral("a@heron.test"),
                                              QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                                              QStringLiteral("--security"), QStringLiteral("none"),
                                              QStringLiteral("--password-stdin")},
                  "secret\n")
                    .exitCode == 0);
    const Run zero = heron(profileArgs() +
                           QStringList{QStringLiteral("window"), QStringLiteral("--days"), QStringLiteral("0")});
    QVERIFY2(zero.exitCode == 2, qPrintable(zero.describe()));
    QVERIFY2(zero.err.contains(QLatin1String("from 1 to 36500")), qPrintable(zero.describe()));

    const Run future = heron(profileArgs() + QStringList{QStringLiteral("window"), QStringLiteral("--since"),
                                                         QDate::currentDate().addDays(10).toString(Qt::ISODate)});
    QVERIFY2(future.exitCode == 1, qPrintable(future.describe()));
    QVERIFY2(future.err.contains(QLatin1String("in the future")), qPrintable(future.describe()));

    const Run days = heron(profileArgs() +
                           QStringList{QStringLiteral("window"), QStringLiteral("--days"), QStringLiteral("36500")});
    QVERIFY2(days.exitCode == 0, qPrintable(days.describe()));
    const Run folders = heron(profileArgs() + QStringList{QStringLiteral("folders")});
    QVERIFY2(folders.out.contains(QLatin1String("keeping the last 36500 days")), qPrintable(folders.describe()));

    const Run since = heron(profileArgs() + QStringList{QStringLiteral("window"), QStringLiteral("--since"),
                                                        QStringLiteral("2024-01-01"), QStringLiteral("--account"),
                                                        QStringLiteral("a@heron.test")});
    QVERIFY2(since.exitCode == 0, qPrintable(since.describe()));
    QVERIFY2(heron(profileArgs() + QStringList{QStringLiteral("folders")})
                     .out.contains(QLatin1String("keeping mail since 2024-01-01")),
             "window --since not stored");

    QVERIFY(heron(profileArgs() + QStringList{QStringLiteral("window"), QStringLiteral("--off")}).exitCode == 0);
    QVERIFY(heron(profileArgs() + QStringList{QStringLiteral("folders")})
                    .out.contains(QLatin1String("keeping all mail")));
}

void CliTest::storeOnlyCommandsWorkBeforeTheFirstSync()
{
    // Before an account: commands that need one say how to add one.
    const Run noProfile = heron(profileArgs() + QStringList{QStringLiteral("folders")});
    QVERIFY2(noProfile.exitCode == 1, qPrintable(noProfile.describe()));
    QVERIFY2(noProfile.err.contains(QLatin1String("account add")), qPrintable(noProfile.describe()));
    QVERIFY(!QFileInfo::exists(m_profile));

    QVERIFY(heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("add"),
                                              QStringLiteral("--email"), QStringLiteral("a@heron.test"),
                                              QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                                              QStringLiteral("--security"), QStringLiteral("none"),
                                              QStringLiteral("--password-stdin")},
                  "secret\n")
                    .exitCode == 0);
    const Run folders = heron(profileArgs() + QStringList{QStringLiteral("folders")});
    QVERIFY2(folders.exitCode == 0, qPrintable(folders.describe()));
    QVERIFY2(folders.out.contains(QLatin1String("no folders yet")), qPrintable(folders.describe()));

    // Before the first sync a selection is kept for when the server lists the folder.
    const Run select = heron(profileArgs() +
                             QStringList{QStringLiteral("select"), QStringLiteral("Archive"), QStringLiteral("on")});
    QVERIFY2(select.exitCode == 0, qPrintable(select.describe()));
    QVERIFY2(select.out.contains(QLatin1String("selected for sync once the server lists it")),
             qPrintable(select.describe()));

    const Run list = heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")});
    QVERIFY2(list.exitCode == 1, qPrintable(list.describe()));
    QVERIFY2(list.err.contains(QLatin1String("no folders yet")), qPrintable(list.describe()));

    const Run search = heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("anything")});
    QVERIFY2(search.exitCode == 0, qPrintable(search.describe()));
    QVERIFY2(search.err.contains(QLatin1String("No messages match")), qPrintable(search.describe()));

    const Run show = heron(profileArgs() + QStringList{QStringLiteral("show"), QStringLiteral("12345")});
    QVERIFY2(show.exitCode == 1, qPrintable(show.describe()));
    QVERIFY2(show.err.contains(QLatin1String("no message 12345")), qPrintable(show.describe()));

    const Run notAnId = heron(profileArgs() + QStringList{QStringLiteral("show"), QStringLiteral("abc")});
    QVERIFY2(notAnId.exitCode == 1, qPrintable(notAnId.describe()));
    QVERIFY2(notAnId.err.contains(QLatin1String("is not a message id")), qPrintable(notAnId.describe()));

    const Run unknownAccount = heron(profileArgs() + QStringList{QStringLiteral("folders"), QStringLiteral("--account"),
                                                                 QStringLiteral("nobody@heron.test")});
    QVERIFY2(unknownAccount.exitCode == 1, qPrintable(unknownAccount.describe()));
    QVERIFY2(unknownAccount.err.contains(QLatin1String("a@heron.test")), qPrintable(unknownAccount.describe()));
}

// --- With the server --------------------------------------------------------------------------------

void CliTest::wholeSession()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    m_fixture = std::make_unique<DovecotFixture>();
    QVERIFY2(m_fixture->start(), qPrintable(m_fixture->errorString()));
    DovecotFixture &server = *m_fixture;
    const QString user = QStringLiteral("alice");
    auto greeting = server.deliver(user, plainMessage("=?UTF-8?Q?Anna_M=C3=BCller?= <anna@example.org>",
                                                      "Greetings from Cologne", "The secret word is zebracrossing.",
                                                      "greeting@heron.test"));
    QVERIFY2(greeting.ok(), qPrintable(server.errorString()));
    auto invoice = server.deliver(user, messageWithAttachment());
    QVERIFY2(invoice.ok(), qPrintable(server.errorString()));
    auto notes = server.deliver(
            user, plainMessage("Carol <carol@example.org>", "Meeting notes", "Agenda.", "notes@heron.test"));
    QVERIFY2(notes.ok(), qPrintable(server.errorString()));
    QVERIFY(server.createFolder(user, QStringLiteral("Archive")));

    QVERIFY(addAccount(server, user));
    const Run accounts = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("list")});
    QVERIFY2(accounts.out.startsWith(QStringLiteral("alice@heron.test  alice Test  127.0.0.1:%1  none  profile-file  "
                                                    "0 folders  0 messages")
                                             .arg(server.imapPort())),
             qPrintable(accounts.describe()));

    // One round: INBOX (and Sent) by default; the summary counts what arrived.
    const Run sync = heron(profileArgs() + QStringList{QStringLiteral("sync"), QStringLiteral("--once")});
    QVERIFY2(sync.exitCode == 0, qPrintable(sync.describe()));
    static const QRegularExpression kSummary(
            QStringLiteral(
                    "^alice@heron\\.test: folders (\\d+), new (\\d+), changed (\\d+), vanished (\\d+), in (\\d+) "
                    "bytes, out (\\d+) bytes, round trips (\\d+), (\\d+\\.\\d\\d) s$"),
            QRegularExpression::MultilineOption);
    const QRegularExpressionMatch summary = kSummary.match(sync.out);
    QVERIFY2(summary.hasMatch(), qPrintable(sync.describe()));
    QCOMPARE(summary.captured(2).toInt(), 3);
    QCOMPARE(summary.captured(4).toInt(), 0);
    QVERIFY(summary.captured(1).toInt() >= 1);
    QVERIFY(summary.captured(5).toLongLong() > 0);
    QVERIFY(summary.captured(6).toLongLong() > 0);
    QVERIFY(summary.captured(7).toLongLong() > 0);
    QVERIFY2(sync.out.contains(QLatin1String("alice@heron.test: INBOX (")), qPrintable(sync.describe()));

    const Run folders = heron(profileArgs() + QStringList{QStringLiteral("folders")});
    QVERIFY2(folders.exitCode == 0, qPrintable(folders.describe()));
    static const QRegularExpression kInbox(QStringLiteral("\\[x\\] INBOX\\s+3 messages\\s+3 unread\\s+synced "));
    QVERIFY2(kInbox.match(folders.out).hasMatch(), qPrintable(folders.describe()));
    QVERIFY2(folders.out.contains(QLatin1String("[ ] Archive")), qPrintable(folders.describe()));
    QVERIFY2(folders.out.contains(QLatin1String("\\Trash")), qPrintable(folders.describe()));

    const Run select = heron(profileArgs() +
                             QStringList{QStringLiteral("select"), QStringLiteral("Archive"), QStringLiteral("on")});
    QVERIFY2(select.exitCode == 0, qPrintable(select.describe()));
    QVERIFY2(heron(profileArgs() + QStringList{QStringLiteral("folders")}).out.contains(QLatin1String("[x] Archive")),
             "Archive not selected");

    // list: newest first, with markers.
    const Run list = heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("inbox")});
    QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
    const QList<qint64> ids = listedIds(list.out);
    QCOMPARE(ids.size(), 3);
    const qint64 greetingId = idOfLineWith(list.out, QStringLiteral("Greetings from Cologne"));
    const qint64 invoiceId = idOfLineWith(list.out, QStringLiteral("Invoice with data"));
    const qint64 notesId = idOfLineWith(list.out, QStringLiteral("Meeting notes"));
    QCOMPARE(ids, (QList<qint64>{notesId, invoiceId, greetingId}));
    QVERIFY2(list.out.contains(QLatin1String("N-A  Billing")), qPrintable(list.describe()));
    QVERIFY2(list.out.contains(QStringLiteral("Anna Müller")), qPrintable(list.describe()));
    const Run limited = heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX"),
                                                          QStringLiteral("--limit"), QStringLiteral("1")});
    QCOMPARE(listedIds(limited.out), QList<qint64>{notesId});

    // show fetches the text (and indexes it for search).
    const Run show = heron(profileArgs() + QStringList{QStringLiteral("show"), QString::number(greetingId)});
    QVERIFY2(show.exitCode == 0, qPrintable(show.describe()));
    QVERIFY2(show.out.contains(QStringLiteral("From: Anna Müller <anna@example.org>")), qPrintable(show.describe()));
    QVERIFY2(show.out.contains(QLatin1String("Subject: Greetings from Cologne")), qPrintable(show.describe()));
    QVERIFY2(show.out.contains(QLatin1String("Message-ID: <greeting@heron.test>")), qPrintable(show.describe()));
    QVERIFY2(show.out.contains(QLatin1String("The secret word is zebracrossing.")), qPrintable(show.describe()));
    const Run showInvoice = heron(profileArgs() + QStringList{QStringLiteral("show"), QString::number(invoiceId)});
    QVERIFY2(showInvoice.out.contains(QLatin1String("Attachment: part 2, data.bin, application/octet-stream")),
             qPrintable(showInvoice.describe()));
    QVERIFY2(showInvoice.out.contains(QLatin1String("Your invoice is attached.")), qPrintable(showInvoice.describe()));

    // search: body words once shown, diacritics, keys.
    const Run body = heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("zebracrossing")});
    QVERIFY2(body.exitCode == 0, qPrintable(body.describe()));
    QCOMPARE(listedIds(body.out), QList<qint64>{greetingId});
    QVERIFY2(body.out.contains(QLatin1String("INBOX")), qPrintable(body.describe()));
    const Run muller = heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("muller")});
    QCOMPARE(listedIds(muller.out), QList<qint64>{greetingId});
    const Run attachment = heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("has:attachment"),
                                                             QStringLiteral("from:billing")});
    QCOMPARE(listedIds(attachment.out), QList<qint64>{invoiceId});
    const Run hostile = heron(profileArgs() +
                              QStringList{QStringLiteral("search"), QStringLiteral("\"a\" OR b NEAR(")});
    QVERIFY2(hostile.exitCode == 0 && hostile.out.isEmpty(), qPrintable(hostile.describe()));

    // flag: here at once, then on the server.
    const Run flag = heron(profileArgs() + QStringList{QStringLiteral("flag"), QString::number(greetingId),
                                                       QStringLiteral("+flagged"), QStringLiteral("+seen")});
    QVERIFY2(flag.exitCode == 0, qPrintable(flag.describe()));
    QVERIFY2(flag.out.contains(QLatin1String("The server accepted the change.")), qPrintable(flag.describe()));
    auto flags = server.flags(user, QStringLiteral("INBOX"), *greeting);
    QVERIFY2(flags.ok(), qPrintable(server.errorString()));
    QVERIFY2(flags->contains(QStringLiteral("\\Flagged")) && flags->contains(QStringLiteral("\\Seen")),
             qPrintable(flags->join(QLatin1Char(' '))));
    const Run unseen = heron(profileArgs() +
                             QStringList{QStringLiteral("flag"), QString::number(greetingId), QStringLiteral("-seen")});
    QVERIFY2(unseen.exitCode == 0, qPrintable(unseen.describe()));
    QVERIFY(!server.flags(user, QStringLiteral("INBOX"), *greeting)->contains(QStringLiteral("\\Seen")));
    QVERIFY2(heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")})
                     .out.contains(QStringLiteral("NF-  Anna Müller")),
             "flags not shown in list");

    // fetch-part: the decoded attachment, byte for byte.
    const QString saved = m_dir->filePath(QStringLiteral("data.bin"));
    const Run part = heron(profileArgs() + QStringList{QStringLiteral("fetch-part"), QString::number(invoiceId),
                                                       QStringLiteral("2"), QStringLiteral("--out"), saved});
    QVERIFY2(part.exitCode == 0, qPrintable(part.describe()));
    QVERIFY2(part.out.contains(QStringLiteral("Wrote %1 bytes").arg(attachmentBytes().size())),
             qPrintable(part.describe()));
    QFile file(saved);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), attachmentBytes());

    // move and delete, confirmed by the server.
    const Run move = heron(profileArgs() +
                           QStringList{QStringLiteral("move"), QString::number(notesId), QStringLiteral("Archive")});
    QVERIFY2(move.exitCode == 0, qPrintable(move.describe()));
    QVERIFY2(move.out.contains(QLatin1String("The server accepted the change.")), qPrintable(move.describe()));
    QCOMPARE(*server.messageCount(user, QStringLiteral("Archive")), quint32(1));
    const Run remove = heron(profileArgs() + QStringList{QStringLiteral("delete"), QString::number(greetingId)});
    QVERIFY2(remove.exitCode == 0, qPrintable(remove.describe()));
    QVERIFY2(remove.out.contains(QLatin1String("moved to Trash")), qPrintable(remove.describe()));
    QVERIFY2(remove.out.contains(QLatin1String("The server accepted the change.")), qPrintable(remove.describe()));
    QCOMPARE(*server.messageCount(user, QStringLiteral("INBOX")), quint32(1));
    QCOMPARE(*server.messageCount(user, QStringLiteral("Trash")), quint32(1));
    QCOMPARE(listedIds(heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")}).out),
             QList<qint64>{invoiceId});

    // account remove: the local data goes, the server keeps everything.
    QDir cache(QDir(m_profile).filePath(QStringLiteral("cache")));
    QVERIFY2(!cache.entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(), "nothing was cached");
    const Run removeAccount = heron(profileArgs() + QStringList{QStringLiteral("account"), QStringLiteral("remove"),
                                                                QStringLiteral("alice Test")});
    QVERIFY2(removeAccount.exitCode == 0, qPrintable(removeAccount.describe()));
    QVERIFY2(removeAccount.out.contains(QLatin1String("Removed alice@heron.test")),
             qPrintable(removeAccount.describe()));
    QVERIFY2(cache.entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(),
             qPrintable(cache.entryList(QDir::Dirs | QDir::NoDotAndDotDot).join(QLatin1Char(' '))));
    const Run gone = heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")});
    QVERIFY2(gone.exitCode == 1, qPrintable(gone.describe()));
    QVERIFY2(heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("invoice")}).out.isEmpty(),
             "messages of the removed account are still found");
    QCOMPARE(*server.messageCount(user, QStringLiteral("INBOX")), quint32(1));
}

void CliTest::htmlAndHostileTextAreMadeSafe()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    m_fixture = std::make_unique<DovecotFixture>();
    QVERIFY2(m_fixture->start(), qPrintable(m_fixture->errorString()));
    DovecotFixture &server = *m_fixture;
    const QString user = QStringLiteral("alice");
    const QByteArray html = crlf("From: News <news@example.org>\n"
                                 "To: Alice <alice@heron.test>\n"
                                 "Subject: Newsletter\n"
                                 "Date: Thu, 04 Jan 2024 10:00:00 +0000\n"
                                 "Message-ID: <news@heron.test>\n"
                                 "MIME-Version: 1.0\n"
                                 "Content-Type: text/html; charset=iso-8859-1\n"
                                 "Content-Transfer-Encoding: quoted-printable\n"
                                 "\n"
                                 "<html><head><title>Hidden title</title><style>p{color:red}</style>"
                                 "<script>alert(1)</script></head><body>\n"
                                 "<p>Caf=E9 &amp; cr&#232;me &lt;b&gt;</p><!-- a comment -->\n"
                                 "<p>Line one<br>Line two</p></body></html>\n");
    QVERIFY2(server.deliver(user, html).ok(), qPrintable(server.errorString()));
    // An escape sequence in the subject and the text would retitle the terminal or clear it.
    QVERIFY2(server.deliver(user, plainMessage("Mallory <mallory@example.org>", "=?UTF-8?Q?=1B]0;pwned=07Alert?=",
                                               "Before\x1b[2JAfter", "hostile@heron.test"))
                     .ok(),
             qPrintable(server.errorString()));
    QVERIFY(addAccount(server, user));
    const Run sync = heron(profileArgs() + QStringList{QStringLiteral("sync"), QStringLiteral("--once")});
    QVERIFY2(sync.exitCode == 0, qPrintable(sync.describe()));
    const Run list = heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")});
    QVERIFY2(list.exitCode == 0, qPrintable(list.describe()));
    QVERIFY2(!list.out.contains(QChar(0x1b)) && !list.out.contains(QChar(0x07)), qPrintable(list.describe()));
    QVERIFY2(list.out.contains(QLatin1String("Alert")), qPrintable(list.describe()));

    const Run newsletter = heron(
            profileArgs() +
            QStringList{QStringLiteral("show"), QString::number(idOfLineWith(list.out, QStringLiteral("Newsletter")))});
    QVERIFY2(newsletter.exitCode == 0, qPrintable(newsletter.describe()));
    QVERIFY2(newsletter.out.contains(QStringLiteral("Café & crème <b>\n\nLine one\nLine two")),
             qPrintable(newsletter.describe()));
    for (const char *hidden : {"alert", "color:red", "Hidden title", "a comment", "<p>", "&amp;"})
        QVERIFY2(!newsletter.out.contains(QLatin1String(hidden)), hidden);

    const Run hostile = heron(
            profileArgs() +
            QStringList{QStringLiteral("show"), QString::number(idOfLineWith(list.out, QStringLiteral("Alert")))});
    QVERIFY2(hostile.exitCode == 0, qPrintable(hostile.describe()));
    QVERIFY2(!hostile.out.contains(QChar(0x1b)) && !hostile.out.contains(QChar(0x07)), qPrintable(hostile.describe()));
    QVERIFY2(hostile.out.contains(QLatin1String("Before")) && hostile.out.contains(QLatin1String("[2JAfter")),
             qPrintable(hostile.describe()));

    // The HTML text was indexed as text, without its markup.
    const Run found = heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("creme")});
    QCOMPARE(listedIds(found.out).size(), 1);
    const Run script = heron(profileArgs() + QStringList{QStringLiteral("search"), QStringLiteral("alert")});
    QVERIFY2(!script.out.contains(QLatin1String("Newsletter")), qPrintable(script.describe()));
}

void CliTest::changeIsQueuedWhileTheServerIsAway()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    m_fixture = std::make_unique<DovecotFixture>();
    QVERIFY2(m_fixture->start(), qPrintable(m_fixture->errorString()));
    DovecotFixture &server = *m_fixture;
    const QString user = QStringLiteral("bob");
    QVERIFY(server.deliver(user, plainMessage("Anna <anna@example.org>", "Hello", "Hi.", "hello@heron.test")).ok());
    QVERIFY(addAccount(server, user));
    const Run sync = heron(profileArgs() + QStringList{QStringLiteral("sync"), QStringLiteral("--once")});
    QVERIFY2(sync.exitCode == 0, qPrintable(sync.describe()));
    const qint64 id = idOfLineWith(
            heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")}).out,
            QStringLiteral("Hello"));
    QVERIFY(id > 0);

    const Run offline = heron(profileArgs() + QStringList{QStringLiteral("flag"), QString::number(id),
                                                          QStringLiteral("+flagged"), QStringLiteral("--offline")});
    QVERIFY2(offline.exitCode == 0, qPrintable(offline.describe()));
    QVERIFY2(offline.out.contains(QLatin1String("Queued; will be sent at the next sync.")),
             qPrintable(offline.describe()));

    server.stop();
    const Run away = heron(profileArgs() +
                           QStringList{QStringLiteral("flag"), QString::number(id), QStringLiteral("+seen")});
    QVERIFY2(away.exitCode == 0, qPrintable(away.describe()));
    QVERIFY2(away.out.contains(QLatin1String("queued; will be sent at the next sync")), qPrintable(away.describe()));
    // Applied here at once.
    QVERIFY2(heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")})
                     .out.contains(QLatin1String("-F-  Anna")),
             "local flags not applied");

    // A sync with the server away fails with the reason, and exit code 1.
    const Run failed = heron(profileArgs() + QStringList{QStringLiteral("sync"), QStringLiteral("--once")});
    QVERIFY2(failed.exitCode == 1, qPrintable(failed.describe()));
    QVERIFY2(failed.err.contains(QLatin1String("bob@heron.test: ")), qPrintable(failed.describe()));
}

void CliTest::syncStaysOnPushUntilTerminated()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    m_fixture = std::make_unique<DovecotFixture>();
    QVERIFY2(m_fixture->start(), qPrintable(m_fixture->errorString()));
    DovecotFixture &server = *m_fixture;
    const QString user = QStringLiteral("carol");
    // Polling once an hour: a new message seen within seconds came by push.
    QVERIFY(addAccount(server, user, {QStringLiteral("--poll-seconds"), QStringLiteral("3600")}));

    QProcess process;
    process.setProcessEnvironment(m_environment);
    QString out;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                     [&] { out += QString::fromUtf8(process.readAllStandardOutput()); });
    process.start(m_binary, profileArgs() + QStringList{QStringLiteral("sync")});
    QVERIFY(process.waitForStarted());
    QTRY_VERIFY2_WITH_TIMEOUT(out.contains(QLatin1String("carol@heron.test: folders")), qPrintable(out), 60000);
    QVERIFY(out.contains(QLatin1String("Staying connected")));

    QVERIFY(server.deliver(user, plainMessage("Dan <dan@example.org>", "Pushed", "Now.", "push@heron.test")).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(
            out.contains(QRegularExpression(QStringLiteral("carol@heron\\.test: folders \\d+, new 1,"))),
            qPrintable(out), 20000);

    process.terminate();  // SIGTERM
    QVERIFY2(process.waitForFinished(30000), qPrintable(out));
    out += QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, qPrintable(out + QString::fromUtf8(process.readAllStandardError())));
    QVERIFY(out.contains(QLatin1String("Stopping")));

    // The store kept the pushed message.
    QVERIFY(heron(profileArgs() + QStringList{QStringLiteral("list"), QStringLiteral("INBOX")})
                    .out.contains(QLatin1String("Pushed")));
}

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
