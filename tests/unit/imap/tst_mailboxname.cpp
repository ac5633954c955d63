// SPDX-License-Identifier: GPL-3.0-or-later
// Modified UTF-7 (RFC 3501 §5.1.3) and UTF8=ACCEPT (RFC 6855) mailbox names.
#include "imap/mailboxname.h"

#include <QTest>

using namespace Heron;
using namespace Heron::Imap;

class TestMailboxName : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodeValid_data();
    void decodeValid();
    void encode_data();
    void encode();
    void roundTrip_data();
    void roundTrip();
    void decodeInvalid_data();
    void decodeInvalid();
    void utf8Valid_data();
    void utf8Valid();
    void utf8Invalid_data();
    void utf8Invalid();
    void negotiatedForm();
};

static QString fromUcs4(std::initializer_list<char32_t> codePoints)
{
    QString s;
    for (char32_t cp : codePoints)
        s.append(QString::fromUcs4(&cp, 1));
    return s;
}

void TestMailboxName::decodeValid_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain ascii") << QByteArray("INBOX") << QStringLiteral("INBOX");
    QTest::newRow("empty") << QByteArray("") << QString();
    QTest::newRow("hierarchy with spaces") << QByteArray("Archive/2024 Q1") << QStringLiteral("Archive/2024 Q1");
    QTest::newRow("ampersand alone &-") << QByteArray("&-") << QStringLiteral("&");
    QTest::newRow("ampersands twice &-&-") << QByteArray("&-&-") << QStringLiteral("&&");
    QTest::newRow("ampersand in words") << QByteArray("Tom &- Jerry") << QStringLiteral("Tom & Jerry");
    QTest::newRow("rfc3501 example taipei")
            << QByteArray("~peter/mail/&U,BTFw-/&ZeVnLIqe-") << QStringLiteral("~peter/mail/台北/日本語");
    QTest::newRow("german umlaut") << QByteArray("Entw&APw-rfe") << QStringLiteral("Entwürfe");
    QTest::newRow("russian sent") << QByteArray("&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-") << QStringLiteral("Отправленные");
    QTest::newRow("rfc2152 smiley") << QByteArray("Hi Mom -&Jjo--!") << QStringLiteral("Hi Mom -☺-!");
    QTest::newRow("shift then ampersand") << QByteArray("&Jjo-&-") << QStringLiteral("☺&");
    QTest::newRow("astral emoji surrogate pair") << QByteArray("&2D3eAA-") << fromUcs4({0x1F600});
    QTest::newRow("two astral chars one shift") << QByteArray("&2D3eANg93gE-") << fromUcs4({0x1F600, 0x1F601});
    QTest::newRow("encoded control char allowed") << QByteArray("a&AAk-b") << QStringLiteral("a\tb");
    QTest::newRow("encoded DEL allowed") << QByteArray("&AH8-") << QString(QChar(0x7f));
    QTest::newRow("leftover 4 zero bits") << QByteArray("&AOQA9g-") << QStringLiteral("äö");
    QTest::newRow("no leftover bits 3 units") << QByteArray("&AOQA9gD8-") << QStringLiteral("äöü");
}

void TestMailboxName::decodeValid()
{
    QFETCH(QByteArray, wire);
    QFETCH(QString, expected);
    const auto decoded = decodeMailboxName(wire);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
    QCOMPARE(*decoded, expected);
}

void TestMailboxName::encode_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("plain ascii") << QStringLiteral("INBOX") << QByteArray("INBOX");
    QTest::newRow("ampersand") << QStringLiteral("A&B") << QByteArray("A&-B");
    QTest::newRow("rfc3501 example") << QStringLiteral("~peter/mail/台北/日本語")
                                     << QByteArray("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    QTest::newRow("uses comma not slash") << QStringLiteral("台") << QByteArray("&U,A-");
    QTest::newRow("astral emoji") << fromUcs4({0x1F600}) << QByteArray("&2D3eAA-");
    QTest::newRow("emoji then ampersand") << (fromUcs4({0x1F600}) + QStringLiteral("&")) << QByteArray("&2D3eAA-&-");
    QTest::newRow("tab is encoded") << QStringLiteral("a\tb") << QByteArray("a&AAk-b");
    QTest::newRow("lone high surrogate becomes U+FFFD") << QString(QChar(0xd83d)) << QByteArray("&,,0-");
    QTest::newRow("lone low surrogate becomes U+FFFD")
            << (QString(QChar(0xde00)) + QStringLiteral("x")) << QByteArray("&,,0-x");
}

void TestMailboxName::encode()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, expected);
    QCOMPARE(encodeMailboxName(name), expected);
}

void TestMailboxName::roundTrip_data()
{
    QTest::addColumn<QString>("name");

    QTest::newRow("ascii") << QStringLiteral("Lists/qt-interest");
    QTest::newRow("ampersands") << QStringLiteral("&&a&");
    QTest::newRow("cjk") << QStringLiteral("台北/日本語");
    QTest::newRow("mixed scripts") << QStringLiteral("Ελληνικά & русский / עברית");
    QTest::newRow("astral mixed") << (QStringLiteral("x") + fromUcs4({0x1F4E7, 0x10348}) + QStringLiteral("y"));
    QTest::newRow("non ascii at every length") << QStringLiteral("é/éé/ééé/éééé/ééééé");
    QTest::newRow("path traversal stays literal") << QStringLiteral("../../etc/passwd");
    QTest::newRow("shell characters") << QStringLiteral("$(rm -rf ~);`x`|&");
}

void TestMailboxName::roundTrip()
{
    QFETCH(QString, name);
    const QByteArray wire = encodeMailboxName(name);
    for (char c : wire)
        QVERIFY2(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f, wire.constData());
    const auto decoded = decodeMailboxName(wire);
    QVERIFY2(decoded.ok(), wire.constData());
    QCOMPARE(*decoded, name);
    // The encoding is canonical: decoding then encoding gives the same bytes.
    QCOMPARE(encodeMailboxName(*decoded), wire);
}

void TestMailboxName::decodeInvalid_data()
{
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("ampersand at end") << QByteArray("Tom &");
    QTest::newRow("shift not terminated") << QByteArray("&U,BTFw");
    QTest::newRow("shift ended by space") << QByteArray("&U,BTFw /x");
    QTest::newRow("slash instead of comma") << QByteArray("&U/BTFw-");
    QTest::newRow("padding") << QByteArray("&AOQ=-");
    QTest::newRow("padding full") << QByteArray("&AOQA9g==-");
    QTest::newRow("non-zero leftover bits") << QByteArray("&AOR-");
    QTest::newRow("incomplete utf16 unit") << QByteArray("&AOQA-");
    QTest::newRow("one base64 char only") << QByteArray("&A-");
    QTest::newRow("printable ascii shifted") << QByteArray("&AGEAYgBj-");
    QTest::newRow("single printable ascii shifted") << QByteArray("&AGE-");
    QTest::newRow("shifted ascii among non-ascii") << QByteArray("&AOQAYQ-");
    QTest::newRow("shifted ampersand") << QByteArray("&ACY-");
    QTest::newRow("adjacent shifts") << QByteArray("&AOQ-&APY-");
    QTest::newRow("adjacent shifts encoding NUL") << QByteArray("&AAA-&AAA-");
    QTest::newRow("encoded NUL") << QByteArray("a&AAA-b");
    QTest::newRow("raw NUL") << QByteArray("a\0b", 3);
    QTest::newRow("raw tab") << QByteArray("a\tb");
    QTest::newRow("raw CR LF") << QByteArray("a\r\nb");
    QTest::newRow("raw DEL") << QByteArray("a\x7f");
    QTest::newRow("8-bit latin1") << QByteArray("Entw\xfc rfe");
    QTest::newRow("8-bit utf8") << QByteArray("Entwürfe");
    QTest::newRow("8-bit inside shift") << QByteArray("&AO\xe4-");
    QTest::newRow("lone high surrogate") << QByteArray("&2D0-");
    QTest::newRow("high surrogate then bmp") << QByteArray("&2D0A5A-");
    QTest::newRow("lone low surrogate") << QByteArray("&3gA-");
    QTest::newRow("high surrogate split across shifts") << QByteArray("&2D0-x&3gA-");
    QTest::newRow("two high surrogates") << QByteArray("&2D3YPQ-");
}

void TestMailboxName::decodeInvalid()
{
    QFETCH(QByteArray, wire);
    const auto decoded = decodeMailboxName(wire);
    QVERIFY2(!decoded.ok(), qPrintable(decoded.ok() ? *decoded : QString()));
    QCOMPARE(decoded.error().code, Error::Code::Protocol);
    QVERIFY(!decoded.error().message.isEmpty());
}

void TestMailboxName::utf8Valid_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ascii") << QByteArray("INBOX") << QStringLiteral("INBOX");
    QTest::newRow("ampersand is literal") << QByteArray("A&B") << QStringLiteral("A&B");
    QTest::newRow("utf7 look-alike stays as is") << QByteArray("&U,BTFw-") << QStringLiteral("&U,BTFw-");
    QTest::newRow("two-byte") << QByteArray("Entwürfe") << QStringLiteral("Entwürfe");
    QTest::newRow("three-byte") << QByteArray("台北/日本語") << QStringLiteral("台北/日本語");
    QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << fromUcs4({0x1F600});
    QTest::newRow("highest code point") << QByteArray("\xf4\x8f\xbf\xbf") << fromUcs4({0x10FFFF});
}

void TestMailboxName::utf8Valid()
{
    QFETCH(QByteArray, wire);
    QFETCH(QString, expected);
    const auto decoded = decodeMailboxNameUtf8(wire);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message));
    QCOMPARE(*decoded, expected);
    QCOMPARE(encodeMailboxNameUtf8(expected), wire);
}

void TestMailboxName::utf8Invalid_data()
{
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("NUL") << QByteArray("a\0b", 3);
    QTest::newRow("CR LF") << QByteArray("a\r\nb");
    QTest::newRow("DEL") << QByteArray("a\x7f");
    QTest::newRow("latin1 byte") << QByteArray("Entw\xfcrfe");
    QTest::newRow("lone continuation") << QByteArray("\x80");
    QTest::newRow("truncated two-byte") << QByteArray("a\xc3");
    QTest::newRow("truncated four-byte") << QByteArray("\xf0\x9f\x98");
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf");
    QTest::newRow("overlong NUL") << QByteArray("\xc0\x80");
    QTest::newRow("overlong three-byte") << QByteArray("\xe0\x80\xaf");
    QTest::newRow("encoded surrogate") << QByteArray("\xed\xa0\x80");
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80");
    QTest::newRow("five-byte form") << QByteArray("\xf8\x88\x80\x80\x80");
    QTest::newRow("bad continuation") << QByteArray("\xe6\x97\x41");
}

void TestMailboxName::utf8Invalid()
{
    QFETCH(QByteArray, wire);
    const auto decoded = decodeMailboxNameUtf8(wire);
    QVERIFY(!decoded.ok());
    QCOMPARE(decoded.error().code, Error::Code::Protocol);
}

void TestMailboxName::negotiatedForm()
{
    const QByteArray wire("&ZeVnLIqe-");
    QCOMPARE(*decodeMailboxName(wire, false), QStringLiteral("日本語"));
    QCOMPARE(*decodeMailboxName(wire, true), QStringLiteral("&ZeVnLIqe-"));
    QVERIFY(!decodeMailboxName(QByteArray("日本語"), false).ok());
    QCOMPARE(*decodeMailboxName(QByteArray("日本語"), true), QStringLiteral("日本語"));
}

QTEST_GUILESS_MAIN(TestMailboxName)
#include "tst_mailboxname.moc"
