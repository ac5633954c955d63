// SPDX-License-Identifier: GPL-3.0-or-later
// Content-Transfer-Encoding (RFC 2045 §6) and charset decoding, with the broken input real mail has.
#include "mime/codec.h"

#include <QTest>

using namespace Heron;
using namespace Heron::Mime;

class TestCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void transferEncoding_data();
    void transferEncoding();
    void unknownTransferEncoding();
    void transferEncodingDoesNotReadPastTheView();
    void decodeText_data();
    void decodeText();
    void isValidUtf8_data();
    void isValidUtf8();
};

void TestCodec::transferEncoding_data()
{
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("7bit is identity") << QByteArray("7bit") << QByteArray("abc\r\n") << QByteArray("abc\r\n");
    QTest::newRow("8bit is identity") << QByteArray("8BIT") << QByteArray("\xe9t\xe9") << QByteArray("\xe9t\xe9");
    QTest::newRow("binary is identity") << QByteArray("binary") << QByteArray("\0\1\2", 3) << QByteArray("\0\1\2", 3);
    QTest::newRow("missing is identity") << QByteArray() << QByteArray("x") << QByteArray("x");
    QTest::newRow("base64") << QByteArray("base64") << QByteArray("SGVsbG8sIHdvcmxkIQ==")
                            << QByteArray("Hello, world!");
    QTest::newRow("base64 with line breaks")
            << QByteArray("Base64") << QByteArray("SGVsbG8s\r\nIHdvcmxk\r\nIQ==\r\n") << QByteArray("Hello, world!");
    QTest::newRow("base64 without padding")
            << QByteArray("base64") << QByteArray("SGVsbG8sIHdvcmxkIQ") << QByteArray("Hello, world!");
    QTest::newRow("base64 with one of two padding characters")
            << QByteArray("base64") << QByteArray("QUJDRA=") << QByteArray("ABCD");
    QTest::newRow("base64 with junk characters")
            << QByteArray("base64") << QByteArray("SGV*sbG8s!IHdv\tcmxkIQ==") << QByteArray("Hello, world!");
    QTest::newRow("base64 quoted name") << QByteArray("\"base64\"") << QByteArray("SGk=") << QByteArray("Hi");
    QTest::newRow("quoted-printable") << QByteArray("quoted-printable") << QByteArray("caf=C3=A9 =3D ok")
                                      << QByteArray("caf\xc3\xa9 = ok");
    QTest::newRow("quoted-printable soft line break")
            << QByteArray("quoted-printable") << QByteArray("a long=\r\n line=\nend") << QByteArray("a long lineend");
    QTest::newRow("quoted-printable lower-case hex")
            << QByteArray("quoted-printable") << QByteArray("caf=c3=a9") << QByteArray("caf\xc3\xa9");
    QTest::newRow("quoted-printable lone equals kept")
            << QByteArray("quoted-printable") << QByteArray("1 = 2") << QByteArray("1 = 2");
    QTest::newRow("quoted-printable bad hex kept")
            << QByteArray("quoted-printable") << QByteArray("=ZZok") << QByteArray("=ZZok");
    QTest::newRow("x-uuencode") << QByteArray("x-uuencode") << QByteArray("begin 644 hello.txt\n&2&5L;&\\*\n`\nend\n")
                                << QByteArray("Hello\n");
    QTest::newRow("x-uuencode without begin line")
            << QByteArray("x-uue") << QByteArray("&2&5L;&\\*\n`\n") << QByteArray("Hello\n");
}

void TestCodec::transferEncoding()
{
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expected);
    const Result<QByteArray> result = decodeTransferEncoding(data, encoding);
    QVERIFY(result.ok());
    QCOMPARE(*result, expected);
}

void TestCodec::unknownTransferEncoding()
{
    const Result<QByteArray> result = decodeTransferEncoding("abc", "x-rot13");
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, Error::Code::Unsupported);
}

void TestCodec::transferEncodingDoesNotReadPastTheView()
{
    const QByteArray buffer("SGk=SGVsbG8=");
    const Result<QByteArray> result = decodeTransferEncoding(QByteArrayView(buffer).first(4), "base64");
    QVERIFY(result.ok());
    QCOMPARE(*result, QByteArray("Hi"));
}

void TestCodec::decodeText_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("charset");
    QTest::addColumn<QString>("expected");

    QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9") << QByteArray("utf-8") << QStringLiteral("café");
    QTest::newRow("utf8 alias") << QByteArray("caf\xc3\xa9") << QByteArray("UTF8") << QStringLiteral("café");
    QTest::newRow("utf-8 with bad bytes")
            << QByteArray("ok \xff\xfe ok") << QByteArray("utf-8") << QStringLiteral("ok \uFFFD\uFFFD ok");
    QTest::newRow("utf-8 truncated sequence")
            << QByteArray("end \xe2\x82") << QByteArray("utf-8") << QStringLiteral("end \uFFFD\uFFFD");
    QTest::newRow("iso-8859-1") << QByteArray("caf\xe9") << QByteArray("iso-8859-1") << QStringLiteral("café");
    QTest::newRow("latin1 alias") << QByteArray("caf\xe9") << QByteArray("latin1") << QStringLiteral("café");
    QTest::newRow("iso-8859-1 holding windows-1252 quotes")
            << QByteArray("\x93hi\x94") << QByteArray("ISO-8859-1") << QStringLiteral("\u201Chi\u201D");
    QTest::newRow("windows-1252") << QByteArray("\x80 5") << QByteArray("windows-1252") << QStringLiteral("€ 5");
    QTest::newRow("cp1252 alias") << QByteArray("\x80 5") << QByteArray("cp1252") << QStringLiteral("€ 5");
    QTest::newRow("windows-1252 undefined byte")
            << QByteArray("a\x81z") << QByteArray("windows-1252") << QStringLiteral("a\u0081z");
    QTest::newRow("iso-8859-15") << QByteArray("\xa4") << QByteArray("iso-8859-15") << QStringLiteral("€");
    QTest::newRow("shift_jis") << QByteArray("\x93\xfa\x96\x7b\x8c\xea") << QByteArray("shift_jis")
                               << QStringLiteral("日本語");
    QTest::newRow("sjis alias") << QByteArray("\x93\xfa\x96\x7b\x8c\xea") << QByteArray("x-sjis")
                                << QStringLiteral("日本語");
    QTest::newRow("koi8-r") << QByteArray("\xf0\xd2\xc9\xd7\xc5\xd4") << QByteArray("koi8-r")
                            << QStringLiteral("Привет");
    QTest::newRow("quoted charset name") << QByteArray("\xf0\xd2\xc9\xd7\xc5\xd4") << QByteArray("\"KOI8-R\"")
                                         << QStringLiteral("Привет");
    QTest::newRow("iso-2022-jp") << QByteArray("\x1b$BF|K\\8l\x1b(B") << QByteArray("iso-2022-jp")
                                 << QStringLiteral("日本語");
    QTest::newRow("gb2312") << QByteArray("\xd6\xd0\xce\xc4") << QByteArray("gb2312") << QStringLiteral("中文");
    QTest::newRow("ks_c_5601-1987 (Outlook's name for cp949)")
            << QByteArray("\xc7\xd1\xb1\xb9") << QByteArray("ks_c_5601-1987") << QStringLiteral("한국");
    QTest::newRow("shift_jis with a broken byte")
            << QByteArray("\x93\xfa\xff\x96\x7b") << QByteArray("shift_jis") << QStringLiteral("日\uFFFD本");
    QTest::newRow("unknown charset, utf-8 bytes")
            << QByteArray("caf\xc3\xa9") << QByteArray("x-bogus") << QStringLiteral("café");
    QTest::newRow("unknown charset, latin1 bytes")
            << QByteArray("caf\xe9") << QByteArray("x-bogus") << QStringLiteral("café");
    QTest::newRow("us-ascii holding utf-8")
            << QByteArray("caf\xc3\xa9") << QByteArray("us-ascii") << QStringLiteral("café");
    QTest::newRow("no charset holding latin1") << QByteArray("caf\xe9") << QByteArray() << QStringLiteral("café");
    QTest::newRow("empty") << QByteArray() << QByteArray("koi8-r") << QString();
}

void TestCodec::decodeText()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, charset);
    QFETCH(QString, expected);
    const Result<QString> result = Heron::Mime::decodeText(bytes, charset);
    QVERIFY(result.ok());
    QCOMPARE(*result, expected);
}

void TestCodec::isValidUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");

    QTest::newRow("ascii") << QByteArray("abc") << true;
    QTest::newRow("two-byte") << QByteArray("\xc3\xa9") << true;
    QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
    QTest::newRow("overlong") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("truncated") << QByteArray("\xe2\x82") << false;
    QTest::newRow("latin1") << QByteArray("caf\xe9") << false;
}

void TestCodec::isValidUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(Heron::Mime::isValidUtf8(bytes), valid);
}

QTEST_GUILESS_MAIN(TestCodec)
#include "tst_codec.moc"
