// SPDX-License-Identifier: GPL-3.0-or-later
// Address lists (RFC 5322 §3.4) and IMAP ENVELOPE addresses to Mailbox values.
#include "mime/mailbox.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Heron;
using namespace Heron::Mime;

using Mailboxes = QList<Mailbox>;

namespace QTest {
template <>
char *toString(const Mailbox &m)
{
    return qstrdup(QStringLiteral("[%1|%2]").arg(m.name, m.email).toUtf8().constData());
}
}  // namespace QTest

class TestMailbox : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parseAddressList_data();
    void parseAddressList();
    void addressLimit_data();
    void addressLimit();
    void addressListIsNotReadPastTheView();
    void simpleReaderDeclines_data();
    void simpleReaderDeclines();
    void simpleReaderAgreesWithGMime();
    void fromImapAddress_data();
    void fromImapAddress();
    void displayString();
};

void TestMailbox::parseAddressList_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<Mailboxes>("expected");

    QTest::newRow("bare address") << QByteArray("alice@example.org") << Mailboxes{{QString(), "alice@example.org"}};
    QTest::newRow("angle address") << QByteArray("<alice@example.org>") << Mailboxes{{QString(), "alice@example.org"}};
    QTest::newRow("name and address") << QByteArray("Alice Liddell <alice@example.org>")
                                      << Mailboxes{{"Alice Liddell", "alice@example.org"}};
    QTest::newRow("quoted name with comma")
            << QByteArray("\"Liddell, Alice\" <alice@example.org>, bob@example.org")
            << Mailboxes{{"Liddell, Alice", "alice@example.org"}, {QString(), "bob@example.org"}};
    QTest::newRow("quoted name with escaped quote") << QByteArray("\"Alice \\\"The Girl\\\" L.\" <alice@example.org>")
                                                    << Mailboxes{{"Alice \"The Girl\" L.", "alice@example.org"}};
    QTest::newRow("comment as name (old style)")
            << QByteArray("alice@example.org (Alice Liddell)") << Mailboxes{{"Alice Liddell", "alice@example.org"}};
    QTest::newRow("comment inside angle address dropped")
            << QByteArray("Alice <alice(work)@example.org>") << Mailboxes{{"Alice", "alice@example.org"}};
    QTest::newRow("RFC 2047 name") << QByteArray("=?UTF-8?Q?Andr=C3=A9_M=C3=BCller?= <andre@example.de>")
                                   << Mailboxes{{QStringLiteral("André Müller"), "andre@example.de"}};
    // A group sends the list to GMime, whose own reading of adjacent padded B words lost the second.
    QTest::newRow("padded B words in a row, read by GMime")
            << QByteArray("team: =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?= <e@example.org>;")
            << Mailboxes{{QStringLiteral("éé"), "e@example.org"}};
    QTest::newRow("RFC 2047 inside quotes") << QByteArray("\"=?ISO-8859-1?Q?Andr=E9?=\" <andre@example.fr>")
                                            << Mailboxes{{QStringLiteral("André"), "andre@example.fr"}};
    QTest::newRow("raw utf-8 name") << QByteArray("J\xc3\xbcrgen <j@example.de>")
                                    << Mailboxes{{QStringLiteral("Jürgen"), "j@example.de"}};
    QTest::newRow("group flattened") << QByteArray(
                                                "Friends: alice@example.org, Bob <bob@example.org>;, carol@example.org")
                                     << Mailboxes{{QString(), "alice@example.org"},
                                                  {"Bob", "bob@example.org"},
                                                  {QString(), "carol@example.org"}};
    QTest::newRow("empty group") << QByteArray("undisclosed-recipients:;") << Mailboxes{};
    QTest::newRow("IDN domain kept as written")
            << QByteArray("=?UTF-8?Q?J=C3=B6rg?= <joerg@b\xc3\xbc"
                          "cher.example>")
            << Mailboxes{{QStringLiteral("Jörg"), QStringLiteral("joerg@bücher.example")}};
    QTest::newRow("punycode domain shown in Unicode")
            << QByteArray("joerg@xn--bcher-kva.example") << Mailboxes{{QString(), QStringLiteral("joerg@bücher.example")}};
    QTest::newRow("missing @") << QByteArray("Postmaster <postmaster>") << Mailboxes{{"Postmaster", "postmaster"}};
    QTest::newRow("folded list") << QByteArray("alice@example.org,\r\n bob@example.org")
                                 << Mailboxes{{QString(), "alice@example.org"}, {QString(), "bob@example.org"}};
    QTest::newRow("empty") << QByteArray("") << Mailboxes{};
    QTest::newRow("garbage does not crash") << QByteArray("<<<@@@>>>,,;;::\"") << Mailboxes{};
}

void TestMailbox::parseAddressList()
{
    QFETCH(QByteArray, raw);
    QFETCH(Mailboxes, expected);
    const Result<Mailboxes> result = Heron::Mime::parseAddressList(raw);
    QVERIFY(result.ok());
    if (QByteArrayView(QTest::currentDataTag()) == "garbage does not crash")
        return;  // only that it returns
    QCOMPARE(*result, expected);
}

static QByteArray manyAddresses(int count, bool inGroups)
{
    QByteArray raw;
    for (int i = 0; i < count; ++i) {
        if (inGroups && i % 100 == 0)
            raw += (i ? ";, " : "") + QByteArray("g") + QByteArray::number(i) + ": ";
        else if (i)
            raw += ", ";
        raw += "u" + QByteArray::number(i) + "@example.org";
    }
    if (inGroups)
        raw += ";";
    return raw;
}

void TestMailbox::addressLimit_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("inGroups");
    QTest::addColumn<bool>("ok");

    QTest::newRow("10000 accepted") << 10000 << false << true;
    QTest::newRow("10001 rejected") << 10001 << false << false;
    QTest::newRow("10000 in groups accepted") << 10000 << true << true;
    QTest::newRow("10001 in groups rejected") << 10001 << true << false;
}

void TestMailbox::addressLimit()
{
    QFETCH(int, count);
    QFETCH(bool, inGroups);
    QFETCH(bool, ok);

    const QByteArray raw = manyAddresses(count, inGroups);
    const Result<Mailboxes> result = Heron::Mime::parseAddressList(raw);
    QCOMPARE(result.ok(), ok);
    if (ok) {
        QCOMPARE(result->size(), count);
        QCOMPARE(result->last().email, QStringLiteral("u%1@example.org").arg(count - 1));
    } else {
        QCOMPARE(result.error().code, Error::Code::LimitExceeded);
    }

    bool truncated = true;
    const Mailboxes some = parseAddressListTruncated(raw, &truncated);
    QCOMPARE(truncated, !ok);
    QCOMPARE(some.size(), qMin(count, int(kMaxAddresses)));
}

void TestMailbox::addressListIsNotReadPastTheView()
{
    const QByteArray buffer("a@example.org, b@example.org");
    const Result<Mailboxes> result = Heron::Mime::parseAddressList(QByteArrayView(buffer).first(13));
    QVERIFY(result.ok());
    QCOMPARE(*result, (Mailboxes{{QString(), "a@example.org"}}));
}

// What the reader without GMime leaves to GMime: everything but plain ASCII lists.
void TestMailbox::simpleReaderDeclines_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::newRow("group") << QByteArray("Friends: alice@example.org;");
    QTest::newRow("comment") << QByteArray("alice@example.org (Alice)");
    QTest::newRow("escaped quote") << QByteArray("\"A \\\"B\\\" C\" <a@example.org>");
    QTest::newRow("encoded word in quotes") << QByteArray("\"=?UTF-8?Q?Andr=C3=A9?=\" <a@example.org>");
    QTest::newRow("raw 8-bit name") << QByteArray("J\xc3\xbcrgen <j@example.de>");
    QTest::newRow("punycode") << QByteArray("joerg@XN--bcher-kva.example");
    QTest::newRow("no domain") << QByteArray("Postmaster <postmaster>");
    QTest::newRow("two @") << QByteArray("a@b@example.org");
    QTest::newRow("domain literal") << QByteArray("a@[192.0.2.1]");
    QTest::newRow("quoted local part") << QByteArray("\"a b\"@example.org");
    QTest::newRow("unclosed quote") << QByteArray("\"Alice <a@example.org>");
    QTest::newRow("lone quote as name") << QByteArray("\" <a@example.org>");
    QTest::newRow("nothing in the angle brackets") << QByteArray("Alice <>");
    QTest::newRow("text after the angle address") << QByteArray("Alice <a@example.org> x");
    QTest::newRow("two angle addresses") << QByteArray("A <a@example.org> <b@example.org>");
    QTest::newRow("tab") << QByteArray("Alice\t<a@example.org>");
    QTest::newRow("two spaces in a name") << QByteArray("Alice  Liddell <a@example.org>");
    QTest::newRow("@ in an unquoted name") << QByteArray("a@example.org <a@example.org>");
}

void TestMailbox::simpleReaderDeclines()
{
    QFETCH(QByteArray, raw);
    bool truncated = false;
    QVERIFY(!Detail::parseSimpleAddressList(raw, kMaxAddresses, &truncated).has_value());
    // The whole reader still gives what GMime gives.
    bool gmimeTruncated = false;
    QCOMPARE(parseAddressListTruncated(raw, &truncated),
             Detail::parseAddressListWithGMime(raw, kMaxAddresses, &gmimeTruncated));
}

// Random lists built from the pieces real headers are made of: wherever the reader without GMime
// gives a list, it is GMime's list. Most of them must be its to read, or the fast path is lost.
void TestMailbox::simpleReaderAgreesWithGMime()
{
    const QByteArray encodedName = "=?UTF-8?B?" + QStringLiteral("Jörg Müller").toUtf8().toBase64() + "?=";
    const QList<QByteArray> names = {
            "",
            "Alice",
            "Alice Liddell",
            "John Q. Public",
            "\"Liddell, Alice\"",
            "\"Alice\"",
            "\" Alice \"",
            "\"\"",
            "O'Brien",
            "Smith-Jones",
            encodedName,
            encodedName + " " + encodedName,
            "=?UTF-8?Q?Andr=C3=A9?= Smith",
            "=?ISO-8859-1?Q?Ren=E9?=",
            "!#$%&'*+-/=?^_`{|}~",
            "\"a.b, c\"",
    };
    const QList<QByteArray> addresses = {"alice@example.org", "A.B+tag@Sub.Example.COM", "x@y",
                                         "first.last@example.co.uk"};
    // Pieces that send the list to GMime, now and then.
    const QList<QByteArray> oddNames = {"Dr.  Who", "a@b", "\"x"};
    const QList<QByteArray> oddAddresses = {"noat", "a@b@c", "\"q\"@example.org", "user@[192.0.2.1]"};
    const QList<QByteArray> separators = {", ", ",", " , ", ",,", ",  , ", ",\t"};

    QRandomGenerator random(20261122);
    const auto pick = [&random](const QList<QByteArray> &from) { return from.at(random.bounded(int(from.size()))); };
    int accepted = 0;
    constexpr int kLists = 4000;
    for (int n = 0; n < kLists; ++n) {
        QByteArray raw = random.bounded(8) == 0 ? QByteArray(" ") : QByteArray();
        const int count = 1 + random.bounded(4);
        for (int i = 0; i < count; ++i) {
            if (i > 0)
                raw += pick(separators);
            const QByteArray name = pick(random.bounded(10) == 0 ? oddNames : names);
            const QByteArray address = pick(random.bounded(10) == 0 ? oddAddresses : addresses);
            switch (random.bounded(4)) {
            case 0:
                raw += address;
                break;
            case 1:
                raw += '<' + address + '>';
                break;
            case 2:
                raw += name + " <" + address + '>';
                break;
            default:
                raw += name + '<' + address + "> ";
                break;
            }
        }
        bool truncated = false;
        const std::optional<Mailboxes> simple = Detail::parseSimpleAddressList(raw, kMaxAddresses, &truncated);
        if (!simple)
            continue;
        ++accepted;
        bool gmimeTruncated = false;
        const Mailboxes gmime = Detail::parseAddressListWithGMime(raw, kMaxAddresses, &gmimeTruncated);
        const auto describe = [](const Mailboxes &list) {
            QStringList parts;
            for (const Mailbox &m : list)
                parts.append(QStringLiteral("[%1|%2]").arg(m.name, m.email));
            return parts.join(QLatin1Char(' '));
        };
        if (*simple != gmime)
            QFAIL(qPrintable(QStringLiteral("%1: %2 from the simple reader, %3 from GMime")
                                     .arg(QString::fromLatin1(raw), describe(*simple), describe(gmime))));
    }
    QVERIFY2(accepted > kLists / 2, qPrintable(QString::number(accepted)));
}

void TestMailbox::fromImapAddress_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("mailbox");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<bool>("isMailbox");
    QTest::addColumn<QString>("expectedName");
    QTest::addColumn<QString>("expectedEmail");

    QTest::newRow("plain") << QByteArray("Alice") << QByteArray("alice") << QByteArray("example.org") << true
                           << QStringLiteral("Alice") << QStringLiteral("alice@example.org");
    QTest::newRow("NIL name") << QByteArray() << QByteArray("alice") << QByteArray("example.org") << true << QString()
                              << QStringLiteral("alice@example.org");
    QTest::newRow("encoded name") << QByteArray("=?UTF-8?B?w6lsw6h2ZQ==?=") << QByteArray("e")
                                  << QByteArray("example.org") << true << QStringLiteral("élève")
                                  << QStringLiteral("e@example.org");
    QTest::newRow("raw utf-8 host") << QByteArray() << QByteArray("j")
                                    << QByteArray("b\xc3\xbc"
                                                  "cher.example")
                                    << true << QString() << QStringLiteral("j@bücher.example");
    QTest::newRow("empty host") << QByteArray() << QByteArray("postmaster") << QByteArray("") << true << QString()
                                << QStringLiteral("postmaster");
    QTest::newRow("group start") << QByteArray() << QByteArray("Friends") << QByteArray() << false << QString()
                                 << QString();
    QTest::newRow("group end") << QByteArray() << QByteArray() << QByteArray() << false << QString() << QString();
}

void TestMailbox::fromImapAddress()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, mailbox);
    QFETCH(QByteArray, host);
    QFETCH(bool, isMailbox);
    QFETCH(QString, expectedName);
    QFETCH(QString, expectedEmail);

    const std::optional<Mailbox> result = Heron::Mime::fromImapAddress(name, QByteArray(), mailbox, host);
    QCOMPARE(result.has_value(), isMailbox);
    if (result) {
        QCOMPARE(result->name, expectedName);
        QCOMPARE(result->email, expectedEmail);
    }
}

void TestMailbox::displayString()
{
    QCOMPARE((Mailbox{QStringLiteral("A"), QStringLiteral("a@x")}).displayString(), QStringLiteral("A <a@x>"));
    QCOMPARE((Mailbox{QString(), QStringLiteral("a@x")}).displayString(), QStringLiteral("a@x"));
}

QTEST_GUILESS_MAIN(TestMailbox)
#include "tst_mailbox.moc"
