// SPDX-License-Identifier: GPL-3.0-or-later
// Account settings: strategy names, the sliding window's first instant, every validation rule at
// its limit and just past it, the session settings handed to IMAP, and the versioned JSON (exact
// round trip, unknown keys ignored, each malformed field named in the error).
#include "accounts/accountsettings.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Heron;
using namespace Heron::Accounts;

namespace {

QString testData(const QString &relative)
{
    return qEnvironmentVariable("HERON_TEST_DATA") + QLatin1Char('/') + relative;
}

AccountSettings validSettings()
{
    AccountSettings settings;
    settings.key = QStringLiteral("0b8e1c1e-7a1d-4e43-9a53-4f7d1d2b9e10");
    settings.email = QStringLiteral("alice@example.org");
    settings.displayName = QStringLiteral("Alice");
    settings.imapHost = QStringLiteral("imap.example.org");
    settings.userName = QStringLiteral("alice");
    return settings;
}

// The latest calendar date that is "today" for somebody: the rule for "not in the future".
QDate latestToday()
{
    return std::max(QDate::currentDate(), QDateTime::currentDateTimeUtc().date());
}

QJsonObject toObject(const AccountSettings &settings)
{
    return QJsonDocument::fromJson(settings.toJson()).object();
}

// Sets (or removes, for an undefined value) the member at a dotted path such as "imap.port".
void setPath(QJsonObject &object, QStringList path, const QJsonValue &value)
{
    const QString head = path.takeFirst();
    if (path.isEmpty()) {
        if (value.isUndefined())
            object.remove(head);
        else
            object.insert(head, value);
        return;
    }
    QJsonObject child = object.value(head).toObject();
    setPath(child, path, value);
    object.insert(head, child);
}

struct ValidationCase {
    const char *name;
    std::function<void(AccountSettings &)> change;
    bool valid;
    const char *messageFragment;  // for the invalid ones
};

QString s_caFile;
QString s_notPemFile;

const QList<ValidationCase> &validationCases()
{
    static const QList<ValidationCase> cases = {
            {"email shortest", [](AccountSettings &s) { s.email = QStringLiteral("a@b"); }, true, ""},
            {"email empty", [](AccountSettings &s) { s.email.clear(); }, false, "Enter the email address"},
            {"email without @", [](AccountSettings &s) { s.email = QStringLiteral("alice"); }, false, "one @"},
            {"email nothing before @", [](AccountSettings &s) { s.email = QStringLiteral("@b"); }, false, "one @"},
            {"email nothing after @", [](AccountSettings &s) { s.email = QStringLiteral("a@"); }, false, "one @"},
            {"email two @", [](AccountSettings &s) { s.email = QStringLiteral("a@b@c"); }, false, "one @"},
            {"email with space", [](AccountSettings &s) { s.email = QStringLiteral("a b@c"); }, false, "no spaces"},
            {"host one letter", [](AccountSettings &s) { s.imapHost = QStringLiteral("h"); }, true, ""},
            {"host empty", [](AccountSettings &s) { s.imapHost.clear(); }, false, "name of the IMAP server"},
            {"host with space", [](AccountSettings &s) { s.imapHost = QStringLiteral("imap example.org"); }, false,
             "spaces"},
            {"host with tab", [](AccountSettings &s) { s.imapHost = QStringLiteral("imap\texample.org"); }, false,
             "spaces"},
            {"host with control", [](AccountSettings &s) { s.imapHost = QStringLiteral("imap\x01.org"); }, false,
             "invisible"},
            {"port 1", [](AccountSettings &s) { s.imapPort = 1; }, true, ""},
            {"port 65535", [](AccountSettings &s) { s.imapPort = 65535; }, true, ""},
            {"port 0", [](AccountSettings &s) { s.imapPort = 0; }, false, "between 1 and 65535"},
            {"user name empty", [](AccountSettings &s) { s.userName.clear(); }, false, "user name"},
            {"starttls to remote host", [](AccountSettings &s) { s.imapSecurity = Imap::Security::StartTls; }, true,
             ""},
            {"cleartext to 127.0.0.1",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("127.0.0.1");
             },
             true, ""},
            {"cleartext to 127.255.255.254",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("127.255.255.254");
             },
             true, ""},
            {"cleartext to ::1",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("::1");
             },
             true, ""},
            {"cleartext to LocalHost",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("LocalHost");
             },
             true, ""},
            {"cleartext to 128.0.0.1",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("128.0.0.1");
             },
             false, "Unencrypted connections are only allowed to this computer"},
            {"cleartext to ::2",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("::2");
             },
             false, "Unencrypted connections are only allowed to this computer"},
            {"cleartext to localhost.example.org",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
                 s.imapHost = QStringLiteral("localhost.example.org");
             },
             false, "Unencrypted connections are only allowed to this computer"},
            {"cleartext to remote host",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.allowCleartextOnLoopback = true;
             },
             false, "Unencrypted connections are only allowed to this computer"},
            {"cleartext to loopback not allowed",
             [](AccountSettings &s) {
                 s.imapSecurity = Imap::Security::None;
                 s.imapHost = QStringLiteral("127.0.0.1");
             },
             false, "Unencrypted connections are only allowed to this computer"},
            {"batch size 100", [](AccountSettings &s) { s.sync.batchSize = 100; }, true, ""},
            {"batch size 10000", [](AccountSettings &s) { s.sync.batchSize = 10000; }, true, ""},
            {"batch size 99", [](AccountSettings &s) { s.sync.batchSize = 99; }, false,
             "batch size must be between 100"},
            {"batch size 10001", [](AccountSettings &s) { s.sync.batchSize = 10001; }, false, "(it is 10001)"},
            {"connections 1", [](AccountSettings &s) { s.sync.maxConnections = 1; }, true, ""},
            {"connections 10", [](AccountSettings &s) { s.sync.maxConnections = 10; }, true, ""},
            {"connections 0", [](AccountSettings &s) { s.sync.maxConnections = 0; }, false,
             "connections must be between"},
            {"connections 11", [](AccountSettings &s) { s.sync.maxConnections = 11; }, false, "between 1 and 10"},
            {"poll 5 s", [](AccountSettings &s) { s.sync.pollIntervalSeconds = 5; }, true, ""},
            {"poll 86400 s", [](AccountSettings &s) { s.sync.pollIntervalSeconds = 86400; }, true, ""},
            {"poll 4 s", [](AccountSettings &s) { s.sync.pollIntervalSeconds = 4; }, false, "polling interval"},
            {"poll 86401 s", [](AccountSettings &s) { s.sync.pollIntervalSeconds = 86401; }, false, "polling interval"},
            {"full round 1 h", [](AccountSettings &s) { s.sync.fullRoundIntervalHours = 1; }, true, ""},
            {"full round 720 h", [](AccountSettings &s) { s.sync.fullRoundIntervalHours = 720; }, true, ""},
            {"full round 0 h", [](AccountSettings &s) { s.sync.fullRoundIntervalHours = 0; }, false, "full syncs"},
            {"full round 721 h", [](AccountSettings &s) { s.sync.fullRoundIntervalHours = 721; }, false, "full syncs"},
            {"window 1 day",
             [](AccountSettings &s) {
                 s.window.kind = SyncWindow::Kind::LastDays;
                 s.window.days = 1;
             },
             true, ""},
            {"window max days",
             [](AccountSettings &s) {
                 s.window.kind = SyncWindow::Kind::LastDays;
                 s.window.days = SyncWindow::kMaxDays;
             },
             true, ""},
            {"window 0 days",
             [](AccountSettings &s) {
                 s.window.kind = SyncWindow::Kind::LastDays;
                 s.window.days = 0;
             },
             false, "number of days"},
            {"window max days + 1",
             [](AccountSettings &s) {
                 s.window.kind = SyncWindow::Kind::LastDays;
                 s.window.days = SyncWindow::kMaxDays + 1;
             },
             false, "between 1 and 36500"},
            {"window off ignores days", [](AccountSettings &s) { s.window.days = 0; }, true, ""},
            {"window since today",
             [](AccountSettings &s) {
                 s.window.kind = SyncWindow::Kind::Since;
                 s.window.sinceDate = latestToday();
             },
             true, ""},
            {"window since tomorrow",
             [](AccountSettings &s) {
                 s.window.kind = SyncWindow::Kind::Since;
                 s.window.sinceDate = latestToday().addDays(1);
             },
             false, "in the future"},
            {"window since no date", [](AccountSettings &s) { s.window.kind = SyncWindow::Kind::Since; }, false,
             "YYYY-MM-DD"},
            {"CA file with a certificate", [](AccountSettings &s) { s.caCertificatesFile = s_caFile; }, true, ""},
            {"CA file missing",
             [](AccountSettings &s) { s.caCertificatesFile = s_caFile + QStringLiteral(".missing"); }, false,
             "does not exist"},
            {"CA file without PEM", [](AccountSettings &s) { s.caCertificatesFile = s_notPemFile; }, false,
             "no PEM certificate"},
            {"pin complete",
             [](AccountSettings &s) {
                 s.pins = {{QStringLiteral("imap.example.org"), 993, QByteArray(32, '\x5a')}};
             },
             true, ""},
            {"pin digest short",
             [](AccountSettings &s) {
                 s.pins = {{QStringLiteral("imap.example.org"), 993, QByteArray(31, '\x5a')}};
             },
             false, "certificate exception"},
    };
    return cases;
}

}  // namespace

class TestAccountSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        s_caFile = testData(QStringLiteral("tls/cert.pem"));
        QVERIFY2(QFile::exists(s_caFile), "HERON_TEST_DATA must point at tests/data");
        s_notPemFile = m_dir.filePath(QStringLiteral("not-a-certificate.pem"));
        QFile file(s_notPemFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("just some text\n");
    }

    void strategyNames()
    {
        for (SyncStrategy strategy :
             {SyncStrategy::Automatic, SyncStrategy::QResync, SyncStrategy::CondStore, SyncStrategy::Plain})
            QCOMPARE(strategyFromName(strategyName(strategy)), strategy);
        QCOMPARE(strategyName(SyncStrategy::QResync), QStringLiteral("qresync"));
        QCOMPARE(strategyFromName(QStringLiteral("CondStore")), SyncStrategy::CondStore);
        QCOMPARE(strategyFromName(QStringLiteral("fast")), std::nullopt);
        QCOMPARE(strategyFromName(QString()), std::nullopt);
    }

    void windowStart_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("days");
        QTest::addColumn<QDate>("since");
        QTest::addColumn<QDateTime>("now");
        QTest::addColumn<QDateTime>("expected");

        const auto utc = [](int y, int m, int d, int h = 0, int min = 0) {
            return QDateTime(QDate(y, m, d), QTime(h, min), Qt::UTC);
        };
        const int off = int(SyncWindow::Kind::Off);
        const int lastDays = int(SyncWindow::Kind::LastDays);
        const int since = int(SyncWindow::Kind::Since);
        QTest::newRow("off") << off << 30 << QDate() << utc(2024, 3, 10, 12) << QDateTime();
        QTest::newRow("1 day is today") << lastDays << 1 << QDate() << utc(2024, 3, 10, 23, 59) << utc(2024, 3, 10);
        QTest::newRow("2 days add yesterday") << lastDays << 2 << QDate() << utc(2024, 3, 10, 0, 0) << utc(2024, 3, 9);
        QTest::newRow("30 days across a month")
                << lastDays << 30 << QDate() << utc(2024, 3, 10, 12) << utc(2024, 2, 10);
        // 01:30 at UTC+02:00 on the 11th is 23:30 UTC on the 10th: days are counted in UTC.
        QTest::newRow("local time ahead of UTC")
                << lastDays << 1 << QDate() << QDateTime(QDate(2024, 3, 11), QTime(1, 30), Qt::OffsetFromUTC, 7200)
                << utc(2024, 3, 10);
        QTest::newRow("max days") << lastDays << SyncWindow::kMaxDays << QDate() << utc(2024, 3, 10, 12)
                                  << utc(2024, 3, 10).addDays(-(SyncWindow::kMaxDays - 1));
        QTest::newRow("since") << since << 0 << QDate(2023, 12, 31) << utc(2024, 3, 10, 12) << utc(2023, 12, 31);
        QTest::newRow("since without date") << since << 0 << QDate() << utc(2024, 3, 10, 12) << QDateTime();
    }

    void windowStart()
    {
        QFETCH(int, kind);
        QFETCH(int, days);
        QFETCH(QDate, since);
        QFETCH(QDateTime, now);
        QFETCH(QDateTime, expected);
        SyncWindow window;
        window.kind = SyncWindow::Kind(kind);
        window.days = days;
        window.sinceDate = since;
        const QDateTime start = window.start(now);
        QCOMPARE(start.isValid(), expected.isValid());
        if (expected.isValid()) {
            QCOMPARE(start, expected);
            QCOMPARE(start.timeSpec(), Qt::UTC);
        }
    }

    void validation_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < validationCases().size(); ++i)
            QTest::newRow(validationCases().at(i).name) << i;
    }

    void validation()
    {
        QFETCH(int, index);
        const ValidationCase &testCase = validationCases().at(index);
        QVERIFY(validSettings().validate().ok());
        AccountSettings settings = validSettings();
        testCase.change(settings);
        const Result<bool> result = settings.validate();
        QCOMPARE(result.ok(), testCase.valid);
        if (!testCase.valid) {
            QVERIFY2(result.error().message.contains(QString::fromUtf8(testCase.messageFragment)),
                     qPrintable(result.error().message));
            QVERIFY(result.error().code == Error::Code::InvalidInput || result.error().code == Error::Code::Security);
        }
    }

    void cleartextRefusalIsASecurityError()
    {
        AccountSettings settings = validSettings();
        settings.imapSecurity = Imap::Security::None;
        const Result<bool> result = settings.validate();
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Code::Security);
    }

    void sessionSettings()
    {
        AccountSettings settings = validSettings();
        settings.imapHost = QStringLiteral("127.0.0.1");
        settings.imapPort = 10143;
        settings.imapSecurity = Imap::Security::None;
        settings.allowCleartextOnLoopback = true;
        settings.pins = {{QStringLiteral("127.0.0.1"), 10993, QByteArray(32, '\x01')}};
        settings.caCertificatesFile = s_caFile;
        const Imap::SessionSettings session = settings.sessionSettings();
        QCOMPARE(session.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(session.port, quint16(10143));
        QCOMPARE(session.security, Imap::Security::None);
        QVERIFY(session.allowCleartextOnLoopback);
        QCOMPARE(session.pins, settings.pins);
        QCOMPARE(session.extraCaCertificates.size(), 1);
        QCOMPARE(session.extraCaCertificates.first().subjectInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("localhost")});

        settings.caCertificatesFile.clear();
        QVERIFY(settings.sessionSettings().extraCaCertificates.isEmpty());
        // A file that went missing gives no extra trust, never an error or a crash.
        settings.caCertificatesFile = s_caFile + QStringLiteral(".missing");
        QVERIFY(settings.sessionSettings().extraCaCertificates.isEmpty());
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("defaults") << 0;
        QTest::newRow("everything set") << 1;
        QTest::newRow("window off keeps its days and date") << 2;
        QTest::newRow("since window") << 3;
    }

    void jsonRoundTrip()
    {
        QFETCH(int, variant);
        AccountSettings settings;
        if (variant >= 1) {
            settings = validSettings();
            settings.displayName = QStringLiteral("Zoë \"Z\" O'Brien \\ 🐦");
            settings.imapPort = 65535;
            settings.imapSecurity = Imap::Security::StartTls;
            settings.allowCleartextOnLoopback = true;
            settings.caCertificatesFile = QStringLiteral("/etc/ssl/ca bundle.pem");
            settings.pins = {{QStringLiteral("imap.example.org"), 993, QByteArray(32, '\xff')},
                             {QStringLiteral("::1"), 1, QByteArray::fromHex(QByteArray(64, 'a'))}};
            settings.passwordStorage = PasswordStorage::ProfileFile;
            settings.window.kind = SyncWindow::Kind::LastDays;
            settings.window.days = SyncWindow::kMaxDays;
            settings.sync = {SyncStrategy::Plain, 10000, 10, 86400, 720, false};
            settings.initiallySelected = {QStringLiteral("INBOX"), QStringLiteral("Archive/2024"),
                                          QStringLiteral("Entw&APw-rfe")};
        }
        if (variant == 2) {
            settings.window = {SyncWindow::Kind::Off, 7, QDate(2020, 2, 29)};
            settings.imapSecurity = Imap::Security::None;
        }
        if (variant == 3)
            settings.window = {SyncWindow::Kind::Since, 0, QDate(1999, 12, 31)};

        const QByteArray json = settings.toJson();
        const Result<AccountSettings> back = AccountSettings::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
        QVERIFY(*back == settings);
        QCOMPARE(back->toJson(), json);
        QCOMPARE(QJsonDocument::fromJson(json).object().value(QStringLiteral("version")).toInt(), 1);
    }

    void jsonNamesAreStable()
    {
        AccountSettings settings = validSettings();
        settings.pins = {{QStringLiteral("imap.example.org"), 993, QByteArray(32, '\x00')}};
        const QJsonObject object = toObject(settings);
        QCOMPARE(object.value(QStringLiteral("email")).toString(), settings.email);
        const QJsonObject imap = object.value(QStringLiteral("imap")).toObject();
        QCOMPARE(imap.value(QStringLiteral("security")).toString(), QStringLiteral("tls"));
        const QJsonObject pin = imap.value(QStringLiteral("pins")).toArray().first().toObject();
        QCOMPARE(pin.value(QStringLiteral("host")).toString(), QStringLiteral("imap.example.org"));
        QCOMPARE(pin.value(QStringLiteral("port")).toInt(), 993);
        QCOMPARE(pin.value(QStringLiteral("sha256")).toString(),
                 QString::fromLatin1(QByteArray(32, '\x00').toBase64()));
        QCOMPARE(object.value(QStringLiteral("passwordStorage")).toString(), QStringLiteral("keychain"));
        QCOMPARE(object.value(QStringLiteral("sync")).toObject().value(QStringLiteral("strategy")).toString(),
                 QStringLiteral("automatic"));
    }

    void jsonIgnoresUnknownKeys()
    {
        const AccountSettings settings = validSettings();
        QJsonObject object = toObject(settings);
        object.insert(QStringLiteral("smtp"), QJsonObject{{QStringLiteral("host"), QStringLiteral("x")}});
        setPath(object, {QStringLiteral("imap"), QStringLiteral("compress")}, true);
        setPath(object, {QStringLiteral("sync"), QStringLiteral("future")}, QJsonArray{1, 2});
        const Result<AccountSettings> back = AccountSettings::fromJson(QJsonDocument(object).toJson());
        QVERIFY(back.ok());
        QVERIFY(*back == settings);
    }

    void jsonMissingKeysTakeDefaults()
    {
        const Result<AccountSettings> minimal = AccountSettings::fromJson(R"({"version": 1})");
        QVERIFY(minimal.ok());
        QVERIFY(*minimal == AccountSettings());

        const Result<AccountSettings> partial = AccountSettings::fromJson(
                R"({"version": 1, "email": "a@b", "sync": {"batchSize": 500}})");
        QVERIFY(partial.ok());
        QCOMPARE(partial->email, QStringLiteral("a@b"));
        QCOMPARE(partial->sync.batchSize, 500);
        QCOMPARE(partial->sync.maxConnections, SyncOptions().maxConnections);
        QCOMPARE(partial->imapPort, quint16(993));
    }

    void jsonMalformedField_data()
    {
        QTest::addColumn<QString>("path");      // dotted; empty for a whole-document replacement
        QTest::addColumn<QByteArray>("value");  // JSON text; empty removes the key
        QTest::addColumn<QString>("field");     // what the error must name

        QTest::newRow("version missing") << "version" << QByteArray() << "\"version\"";
        QTest::newRow("version text") << "version" << QByteArray("\"1\"") << "\"version\"";
        QTest::newRow("version 0") << "version" << QByteArray("0") << "\"version\"";
        QTest::newRow("version fraction") << "version" << QByteArray("1.5") << "\"version\"";
        QTest::newRow("email number") << "email" << QByteArray("5") << "\"email\"";
        QTest::newRow("key null") << "key" << QByteArray("null") << "\"key\"";
        QTest::newRow("imap not object") << "imap" << QByteArray("\"imap.example.org\"") << "\"imap\"";
        QTest::newRow("port 0") << "imap.port" << QByteArray("0") << "\"imap.port\"";
        QTest::newRow("port 65536") << "imap.port" << QByteArray("65536") << "\"imap.port\"";
        QTest::newRow("port text") << "imap.port" << QByteArray("\"993\"") << "\"imap.port\"";
        QTest::newRow("port fraction") << "imap.port" << QByteArray("993.5") << "\"imap.port\"";
        QTest::newRow("port negative") << "imap.port" << QByteArray("-993") << "\"imap.port\"";
        QTest::newRow("security unknown") << "imap.security" << QByteArray("\"ssl\"") << "\"imap.security\"";
        QTest::newRow("cleartext flag text")
                << "imap.allowCleartextOnLoopback" << QByteArray("\"yes\"") << "\"imap.allowCleartextOnLoopback\"";
        QTest::newRow("user name list") << "imap.userName" << QByteArray("[\"a\"]") << "\"imap.userName\"";
        QTest::newRow("ca file bool") << "imap.caCertificatesFile" << QByteArray("false")
                                      << "\"imap.caCertificatesFile\"";
        QTest::newRow("pins not list") << "imap.pins" << QByteArray("{}") << "\"imap.pins\"";
        QTest::newRow("pin not object") << "imap.pins" << QByteArray("[5]") << "\"imap.pins[0]\"";
        QTest::newRow("pin without host")
                << "imap.pins"
                << QByteArray(R"([{"port": 993, "sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}])")
                << "\"imap.pins[0].host\"";
        QTest::newRow("pin port 0")
                << "imap.pins"
                << QByteArray(R"([{"host": "h", "port": 0, "sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}])")
                << "\"imap.pins[0].port\"";
        QTest::newRow("pin digest not base64")
                << "imap.pins" << QByteArray(R"([{"host": "h", "port": 993, "sha256": "!!"}])")
                << "\"imap.pins[0].sha256\"";
        QTest::newRow("pin digest 31 bytes")
                << "imap.pins"
                << QByteArray(
                           R"([{"host": "h", "port": 993, "sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}])")
                << "\"imap.pins[0].sha256\"";
        QTest::newRow("second pin broken")
                << "imap.pins"
                << QByteArray(
                           R"([{"host": "h", "port": 993, "sha256": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},)"
                           R"( {"host": "h", "port": 993, "sha256": 1}])")
                << "\"imap.pins[1].sha256\"";
        QTest::newRow("password storage unknown")
                << "passwordStorage" << QByteArray("\"file\"") << "\"passwordStorage\"";
        QTest::newRow("window kind unknown") << "window.kind" << QByteArray("\"weeks\"") << "\"window.kind\"";
        QTest::newRow("window days past max") << "window.days" << QByteArray("36501") << "\"window.days\"";
        QTest::newRow("window days negative") << "window.days" << QByteArray("-1") << "\"window.days\"";
        QTest::newRow("window since not a date")
                << "window.since" << QByteArray("\"2024-13-01\"") << "\"window.since\"";
        QTest::newRow("window since number") << "window.since" << QByteArray("20240101") << "\"window.since\"";
        QTest::newRow("strategy unknown") << "sync.strategy" << QByteArray("\"fast\"") << "\"sync.strategy\"";
        QTest::newRow("batch size 99") << "sync.batchSize" << QByteArray("99") << "\"sync.batchSize\"";
        QTest::newRow("batch size 10001") << "sync.batchSize" << QByteArray("10001") << "\"sync.batchSize\"";
        QTest::newRow("connections 11") << "sync.maxConnections" << QByteArray("11") << "\"sync.maxConnections\"";
        QTest::newRow("connections 0") << "sync.maxConnections" << QByteArray("0") << "\"sync.maxConnections\"";
        QTest::newRow("poll 4") << "sync.pollIntervalSeconds" << QByteArray("4") << "\"sync.pollIntervalSeconds\"";
        QTest::newRow("poll 86401") << "sync.pollIntervalSeconds" << QByteArray("86401")
                                    << "\"sync.pollIntervalSeconds\"";
        QTest::newRow("full round 721") << "sync.fullRoundIntervalHours" << QByteArray("721")
                                        << "\"sync.fullRoundIntervalHours\"";
        QTest::newRow("push number") << "sync.push" << QByteArray("1") << "\"sync.push\"";
        QTest::newRow("selection text") << "initiallySelected" << QByteArray("\"INBOX\"") << "\"initiallySelected\"";
        QTest::newRow("selection numbers") << "initiallySelected" << QByteArray("[1]") << "\"initiallySelected\"";
    }

    void jsonMalformedField()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, value);
        QFETCH(QString, field);
        QJsonObject object = toObject(validSettings());
        QJsonValue replacement = QJsonValue::Undefined;
        if (!value.isEmpty()) {
            const QJsonDocument wrapped = QJsonDocument::fromJson("[" + value + "]");
            QVERIFY(wrapped.isArray());
            replacement = wrapped.array().first();
        }
        setPath(object, path.split(QLatin1Char('.')), replacement);
        const Result<AccountSettings> result = AccountSettings::fromJson(QJsonDocument(object).toJson());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Code::InvalidInput);
        QVERIFY2(result.error().message.contains(field), qPrintable(result.error().message));
    }

    void jsonWindowKindNeedsItsValue()
    {
        QJsonObject object = toObject(validSettings());
        setPath(object, {QStringLiteral("window"), QStringLiteral("kind")}, QStringLiteral("days"));
        setPath(object, {QStringLiteral("window"), QStringLiteral("days")}, 0);
        Result<AccountSettings> result = AccountSettings::fromJson(QJsonDocument(object).toJson());
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.contains(QStringLiteral("\"window.days\"")));
        setPath(object, {QStringLiteral("window"), QStringLiteral("days")}, 1);
        QVERIFY(AccountSettings::fromJson(QJsonDocument(object).toJson()).ok());

        setPath(object, {QStringLiteral("window"), QStringLiteral("kind")}, QStringLiteral("since"));
        result = AccountSettings::fromJson(QJsonDocument(object).toJson());
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.contains(QStringLiteral("\"window.since\"")));
        setPath(object, {QStringLiteral("window"), QStringLiteral("since")}, QStringLiteral("2024-02-29"));
        result = AccountSettings::fromJson(QJsonDocument(object).toJson());
        QVERIFY(result.ok());
        QCOMPARE(result->window.sinceDate, QDate(2024, 2, 29));
    }

    void jsonNotAnObject_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("garbage") << QByteArray("email=alice@example.org");
        QTest::newRow("truncated") << validSettings().toJson().chopped(5);
        QTest::newRow("array") << QByteArray("[{\"version\": 1}]");
    }

    void jsonNotAnObject()
    {
        QFETCH(QByteArray, json);
        const Result<AccountSettings> result = AccountSettings::fromJson(json);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Code::InvalidInput);
        QVERIFY2(result.error().message.contains(QStringLiteral("damaged")), qPrintable(result.error().message));
    }

    void jsonFromNewerVersionRefused()
    {
        QJsonObject object = toObject(validSettings());
        object.insert(QStringLiteral("version"), 2);
        const Result<AccountSettings> result = AccountSettings::fromJson(QJsonDocument(object).toJson());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Code::Unsupported);
        QVERIFY(result.error().message.contains(QStringLiteral("newer version")));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestAccountSettings)
#include "tst_accountsettings.moc"
