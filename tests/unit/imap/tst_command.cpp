// SPDX-License-Identifier: GPL-3.0-or-later
// Command serialization: atom / quoted / literal choice, literal forms, lists, redaction.
#include "imap/command.h"

#include <QTest>

#include <functional>

using namespace Heron;
using namespace Heron::Imap;

using CommandBuilder = std::function<Command()>;
Q_DECLARE_METATYPE(CommandBuilder)
Q_DECLARE_METATYPE(Heron::Imap::LiteralSupport)

class TestCommand : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void serialize_data();
    void serialize();
    void describe_data();
    void describe();
    void validity_data();
    void validity();
};

void TestCommand::serialize_data()
{
    QTest::addColumn<CommandBuilder>("build");
    QTest::addColumn<LiteralSupport>("literals");
    QTest::addColumn<QList<QByteArray>>("chunks");

    const auto sync = LiteralSupport::Synchronizing;
    const auto plus = LiteralSupport::LiteralPlus;
    const auto minus = LiteralSupport::LiteralMinus;

    QTest::newRow("bare command") << CommandBuilder([] { return Command("NOOP"); }) << sync
                                  << QList<QByteArray>{"A1 NOOP\r\n"};
    QTest::newRow("atom string") << CommandBuilder([] { return Command("SELECT").string("INBOX"); }) << sync
                                 << QList<QByteArray>{"A1 SELECT INBOX\r\n"};
    QTest::newRow("string with space is quoted")
        << CommandBuilder([] { return Command("SELECT").string("My Folder"); }) << sync
        << QList<QByteArray>{"A1 SELECT \"My Folder\"\r\n"};
    QTest::newRow("empty string is quoted") << CommandBuilder([] { return Command("LIST").string("").string("*"); })
                                            << sync << QList<QByteArray>{"A1 LIST \"\" \"*\"\r\n"};
    QTest::newRow("wildcards are quoted") << CommandBuilder([] { return Command("LIST").string("a%b"); }) << sync
                                          << QList<QByteArray>{"A1 LIST \"a%b\"\r\n"};
    QTest::newRow("quote and backslash escaped")
        << CommandBuilder([] { return Command("LOGIN").string("a\"b").string("c\\d"); }) << sync
        << QList<QByteArray>{"A1 LOGIN \"a\\\"b\" \"c\\\\d\"\r\n"};
    QTest::newRow("brackets and parens quoted")
        << CommandBuilder([] { return Command("SELECT").string("a]b").string("(x)").string("{3}"); }) << sync
        << QList<QByteArray>{"A1 SELECT \"a]b\" \"(x)\" \"{3}\"\r\n"};
    QTest::newRow("NIL as a string is quoted") << CommandBuilder([] { return Command("SELECT").string("nil"); })
                                               << sync << QList<QByteArray>{"A1 SELECT \"nil\"\r\n"};
    QTest::newRow("8-bit string: synchronizing literal")
        << CommandBuilder([] { return Command("SELECT").string("Gr\xc3\xbc\xc3\x9f" "e"); }) << sync
        << QList<QByteArray>{"A1 SELECT {7}\r\n", "Gr\xc3\xbc\xc3\x9f" "e\r\n"};
    QTest::newRow("8-bit string with LITERAL+")
        << CommandBuilder([] { return Command("SELECT").string("\xc3\xa9"); }) << plus
        << QList<QByteArray>{"A1 SELECT {2+}\r\n\xc3\xa9\r\n"};
    QTest::newRow("CRLF in a string: literal")
        << CommandBuilder([] { return Command("LOGIN").string("a").string("x\r\ny"); }) << sync
        << QList<QByteArray>{"A1 LOGIN a {4}\r\n", "x\r\ny\r\n"};
    QTest::newRow("control character: literal") << CommandBuilder([] { return Command("X").string("a\tb"); })
                                                << plus << QList<QByteArray>{"A1 X {3+}\r\na\tb\r\n"};
    QTest::newRow("quoted never an atom") << CommandBuilder([] { return Command("ID").quoted("name"); }) << sync
                                          << QList<QByteArray>{"A1 ID \"name\"\r\n"};
    QTest::newRow("two synchronizing literals")
        << CommandBuilder([] { return Command("LOGIN").literal("ab").literal("cd"); }) << sync
        << QList<QByteArray>{"A1 LOGIN {2}\r\n", "ab {2}\r\n", "cd\r\n"};
    QTest::newRow("LITERAL- small is non-synchronizing")
        << CommandBuilder([] { return Command("APPEND").string("INBOX").literal(QByteArray(4096, 'x')); }) << minus
        << QList<QByteArray>{"A1 APPEND INBOX {4096+}\r\n" + QByteArray(4096, 'x') + "\r\n"};
    QTest::newRow("LITERAL- large is synchronizing")
        << CommandBuilder([] { return Command("APPEND").string("INBOX").literal(QByteArray(4097, 'x')); }) << minus
        << QList<QByteArray>{"A1 APPEND INBOX {4097}\r\n", QByteArray(4097, 'x') + "\r\n"};
    QTest::newRow("LITERAL+ large is non-synchronizing")
        << CommandBuilder([] { return Command("APPEND").string("INBOX").literal(QByteArray(5000, 'y')); }) << plus
        << QList<QByteArray>{"A1 APPEND INBOX {5000+}\r\n" + QByteArray(5000, 'y') + "\r\n"};
    QTest::newRow("binary literal8")
        << CommandBuilder([] { return Command("APPEND").string("INBOX").literal(QByteArray("a\0b", 3), true); })
        << sync << QList<QByteArray>{"A1 APPEND INBOX ~{3}\r\n", QByteArray("a\0b\r\n", 5)};
    QTest::newRow("binary literal8 with LITERAL+")
        << CommandBuilder([] { return Command("APPEND").string("INBOX").literal(QByteArray("a\0b", 3), true); })
        << plus << QList<QByteArray>{QByteArray("A1 APPEND INBOX ~{3+}\r\na\0b\r\n", 28)};
    QTest::newRow("empty literal") << CommandBuilder([] { return Command("X").literal(QByteArray()); }) << sync
                                   << QList<QByteArray>{"A1 X {0}\r\n", "\r\n"};
    QTest::newRow("list") << CommandBuilder([] {
        return Command("UID FETCH").set(UidSet::fromRange(1, 5)).openList().atom("UID").atom("FLAGS").closeList();
    }) << sync << QList<QByteArray>{"A1 UID FETCH 1:5 (UID FLAGS)\r\n"};
    QTest::newRow("nested lists") << CommandBuilder([] {
        return Command("SELECT").string("INBOX").openList().atom("QRESYNC").openList().number(67890007).number(
            90060115194045000ULL).closeList().closeList();
    }) << sync << QList<QByteArray>{"A1 SELECT INBOX (QRESYNC (67890007 90060115194045000))\r\n"};
    QTest::newRow("empty list") << CommandBuilder([] { return Command("STORE").atom("1").openList().closeList(); })
                                << sync << QList<QByteArray>{"A1 STORE 1 ()\r\n"};
    QTest::newRow("list starting with a string") << CommandBuilder([] {
        return Command("ID").openList().quoted("name").quoted("Heron").closeList();
    }) << sync << QList<QByteArray>{"A1 ID (\"name\" \"Heron\")\r\n"};
    QTest::newRow("literal first in a list")
        << CommandBuilder([] { return Command("X").openList().literal("ab").closeList(); }) << plus
        << QList<QByteArray>{"A1 X ({2+}\r\nab)\r\n"};
    QTest::newRow("uid set with star") << CommandBuilder([] {
        return Command("UID FETCH").set(UidSet::fromRange(7, UidSet::kStar)).atom("(FLAGS)");
    }) << sync << QList<QByteArray>{"A1 UID FETCH 7:* (FLAGS)\r\n"};
    QTest::newRow("atom sent as is") << CommandBuilder([] { return Command("FETCH").atom("1").atom("BODY.PEEK[1]"); })
                                     << sync << QList<QByteArray>{"A1 FETCH 1 BODY.PEEK[1]\r\n"};
    QTest::newRow("NUL without binary still a literal")
        << CommandBuilder([] { return Command("X").string(QByteArrayView("a\0b", 3)); }) << plus
        << QList<QByteArray>{QByteArray("A1 X {3+}\r\na\0b\r\n", 16)};
}

void TestCommand::serialize()
{
    QFETCH(CommandBuilder, build);
    QFETCH(LiteralSupport, literals);
    QFETCH(QList<QByteArray>, chunks);
    QCOMPARE(build().serialize("A1", literals), chunks);
}

void TestCommand::describe_data()
{
    QTest::addColumn<CommandBuilder>("build");
    QTest::addColumn<QByteArray>("description");

    QTest::newRow("plain") << CommandBuilder([] { return Command("SELECT").string("INBOX"); })
                           << QByteArray("A1 SELECT INBOX");
    QTest::newRow("login redacted") << CommandBuilder([] {
        return Command("LOGIN").string("alice").string("s3cret-canary").setSensitive();
    }) << QByteArray("A1 LOGIN <redacted>");
    QTest::newRow("authenticate redacted") << CommandBuilder([] {
        return Command("AUTHENTICATE").atom("PLAIN").atom("AGFsaWNlAHNlY3JldA==").setSensitive();
    }) << QByteArray("A1 AUTHENTICATE <redacted>");
    QTest::newRow("literal elided") << CommandBuilder([] {
        return Command("APPEND").string("INBOX").literal("Subject: hi\r\n\r\nbody");
    }) << QByteArray("A1 APPEND INBOX {19}");
    QTest::newRow("binary literal elided") << CommandBuilder([] {
        return Command("APPEND").string("INBOX").literal(QByteArray("a\0b", 3), true);
    }) << QByteArray("A1 APPEND INBOX ~{3}");
    QTest::newRow("8-bit string elided") << CommandBuilder([] { return Command("SELECT").string("\xc3\xa9"); })
                                         << QByteArray("A1 SELECT {2}");
    QTest::newRow("lists") << CommandBuilder([] {
        return Command("UID FETCH").set(UidSet::fromRange(1, 3)).openList().atom("FLAGS").closeList();
    }) << QByteArray("A1 UID FETCH 1:3 (FLAGS)");
}

void TestCommand::describe()
{
    QFETCH(CommandBuilder, build);
    QFETCH(QByteArray, description);
    QCOMPARE(build().describe("A1"), description);
}

void TestCommand::validity_data()
{
    QTest::addColumn<CommandBuilder>("build");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain atoms") << CommandBuilder([] { return Command("UID STORE").atom("1:3").atom("+FLAGS"); })
                                 << true;
    QTest::newRow("CRLF in a string becomes a literal")
        << CommandBuilder([] { return Command("SELECT").string("a\r\nb"); }) << true;
    QTest::newRow("CRLF in an atom") << CommandBuilder([] { return Command("STORE").atom("$x\r\nA9 LOGOUT"); })
                                     << false;
    QTest::newRow("LF in an atom") << CommandBuilder([] { return Command("STORE").atom("a\nb"); }) << false;
    QTest::newRow("NUL in an atom") << CommandBuilder([] { return Command("STORE").atom(QByteArray("a\0b", 3)); })
                                    << false;
    QTest::newRow("CR in the name") << CommandBuilder([] { return Command("NOOP\r"); }) << false;
}

void TestCommand::validity()
{
    QFETCH(CommandBuilder, build);
    QFETCH(bool, valid);
    QCOMPARE(build().isValid(), valid);
}

QTEST_GUILESS_MAIN(TestCommand)
#include "tst_command.moc"
