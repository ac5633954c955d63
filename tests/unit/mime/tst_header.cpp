// SPDX-License-Identifier: GPL-3.0-or-later
// Header text decoding (RFC 2047), MIME parameters (RFC 2231) and safe attachment names.
#include "mime/header.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Heron::Mime;

Q_DECLARE_METATYPE(Heron::Mime::Parameters)

class TestHeader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodeHeader_data();
    void decodeHeader();
    void decodeHeaderDoesNotReadPastTheView();
    void simpleDecoderDeclines_data();
    void simpleDecoderDeclines();
    void simpleDecoderAgreesWithGMime();
    void parameterValue_data();
    void parameterValue();
    void fileNameFromHeaders_data();
    void fileNameFromHeaders();
    void safeFileName_data();
    void safeFileName();
    void safeFileNameIsCapped();
};

void TestHeader::decodeHeader_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain ascii") << QByteArray("Hello world") << QStringLiteral("Hello world");
    QTest::newRow("folded") << QByteArray("Hello\r\n world") << QStringLiteral("Hello world");
    QTest::newRow("folded with tab") << QByteArray("Hello\r\n\tworld") << QStringLiteral("Hello\tworld");
    QTest::newRow("leading space trimmed") << QByteArray("  Hi there \r\n") << QStringLiteral("Hi there");
    QTest::newRow("Q latin1") << QByteArray("=?ISO-8859-1?Q?Andr=E9?= Pirard") << QStringLiteral("André Pirard");
    QTest::newRow("Q underscore is space") << QByteArray("=?ISO-8859-1?Q?a_b?=") << QStringLiteral("a b");
    QTest::newRow("Q lower case letter") << QByteArray("=?utf-8?q?caf=C3=A9?=") << QStringLiteral("café");
    QTest::newRow("B utf-8") << QByteArray("=?UTF-8?B?w6lsw6h2ZQ==?=") << QStringLiteral("élève");
    QTest::newRow("B lower case letter") << QByteArray("=?utf-8?b?w6lsw6h2ZQ==?=") << QStringLiteral("élève");
    QTest::newRow("adjacent words drop the space between (RFC 2047 §6.2)")
            << QByteArray("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=") << QStringLiteral("ab");
    QTest::newRow("adjacent words across a fold")
            << QByteArray("=?ISO-8859-1?Q?a?=\r\n   =?ISO-8859-1?Q?b?=") << QStringLiteral("ab");
    QTest::newRow("word then text keeps the space") << QByteArray("=?ISO-8859-1?Q?a?= b") << QStringLiteral("a b");
    QTest::newRow("text then word keeps the space")
            << QByteArray("Re: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=") << QStringLiteral("Re: Grüße");
    QTest::newRow("multi-byte character split across words")
            << QByteArray("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=") << QStringLiteral("été");
    QTest::newRow("B without padding") << QByteArray("=?UTF-8?B?w6lsw6h2ZQ?=") << QStringLiteral("élève");
    QTest::newRow("B with broken padding") << QByteArray("=?UTF-8?B?w6lsw6h2ZQ=?=") << QStringLiteral("élève");
    QTest::newRow("encoded word inside a word") << QByteArray("foo=?UTF-8?Q?b=C3=A4r?=") << QStringLiteral("foobär");
    QTest::newRow("encoded word with a space inside (broken)")
            << QByteArray("=?UTF-8?Q?hello world?=") << QStringLiteral("hello world");
    QTest::newRow("unknown charset holding utf-8")
            << QByteArray("=?x-no-such-charset?Q?caf=C3=A9?=") << QStringLiteral("café");
    QTest::newRow("RFC 2231 language tag") << QByteArray("=?UTF-8*en?Q?hi?=") << QStringLiteral("hi");
    QTest::newRow("koi8-r word") << QByteArray("=?koi8-r?B?8NLJ18XU?=") << QStringLiteral("Привет");
    QTest::newRow("shift_jis word") << QByteArray("=?shift_jis?B?k/qWe4zq?=") << QStringLiteral("日本語");
    QTest::newRow("raw utf-8") << QByteArray("Gr\xc3\xbc\xc3\x9f"
                                             "e")
                               << QStringLiteral("Grüße");
    QTest::newRow("raw latin1 falls back to windows-1252") << QByteArray("Gr\xfc\xdf"
                                                                         "e \x80")
                                                           << QStringLiteral("Grüße €");
    QTest::newRow("not an encoded word") << QByteArray("a =? b ?= c") << QStringLiteral("a =? b ?= c");
    QTest::newRow("encoded line break and NUL become spaces")
            << QByteArray("=?UTF-8?Q?a=0D=0ABcc:_x=00y?=") << QStringLiteral("a  Bcc: x?y");
    QTest::newRow("empty") << QByteArray() << QString();
    // GMime alone read the base64 of adjacent B words as one text, which padding ended.
    QTest::newRow("padded B words in a row") << QByteArray("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=")
                                             << QStringLiteral("éé");
    QTest::newRow("padded B words in a row, other charset")
            << QByteArray("=?ISO-8859-1?B?6Q==?= =?ISO-8859-1?B?6Q==?=") << QStringLiteral("éé");
    QTest::newRow("character split between B words")
            << QByteArray("=?UTF-8?B?SsM=?= =?UTF-8?B?tnJn?=") << QStringLiteral("Jörg");
}

void TestHeader::decodeHeader()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, expected);
    QCOMPARE(Heron::Mime::decodeHeader(raw), expected);
}

void TestHeader::decodeHeaderDoesNotReadPastTheView()
{
    // A view into a parser buffer: the bytes after it belong to something else.
    const QByteArray buffer("=?UTF-8?Q?ab?==?UTF-8?Q?cd?=");
    QCOMPARE(Heron::Mime::decodeHeader(QByteArrayView(buffer).first(14)), QStringLiteral("ab"));
    const QByteArray plain("HelloXYZ");
    QCOMPARE(Heron::Mime::decodeHeader(QByteArrayView(plain).first(5)), QStringLiteral("Hello"));
}

void TestHeader::simpleDecoderDeclines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("other charset") << QByteArray("=?ISO-8859-1?Q?Andr=E9?=");
    QTest::newRow("language") << QByteArray("=?utf-8*en?q?hello?=");
    QTest::newRow("unknown encoding") << QByteArray("=?utf-8?x?hello?=");
    QTest::newRow("word inside a word") << QByteArray("Re:=?utf-8?q?caf=C3=A9?=");
    QTest::newRow("space inside a word") << QByteArray("=?utf-8?q?caf =C3=A9?=");
    QTest::newRow("not closed") << QByteArray("=?utf-8?q?caf=C3=A9");
    QTest::newRow("bad Q escape") << QByteArray("=?utf-8?q?caf=C?=");
    QTest::newRow("bad base64") << QByteArray("=?utf-8?b?w6l*?=");
    QTest::newRow("base64 one char over") << QByteArray("=?utf-8?b?w6lsw?=");
    QTest::newRow("empty text") << QByteArray("=?utf-8?b?" "?=");
    QTest::newRow("not UTF-8") << QByteArray("=?utf-8?q?caf=E9?=");
    QTest::newRow("split character, plain between") << QByteArray("=?utf-8?q?caf=C3?= x =?utf-8?q?=A9?=");
    QTest::newRow("8-bit plain word") << QByteArray("caf\xc3\xa9 =?utf-8?q?x?=");
    QTest::newRow("8-bit US-ASCII word") << QByteArray("=?us-ascii?q?caf=C3=A9?=");
    QTest::newRow("charsets differ") << QByteArray("=?utf-8?q?a?= =?UTF-8?q?b?=");
    QTest::newRow("encoded NUL") << QByteArray("=?utf-8?q?x=00y?=");
}

void TestHeader::simpleDecoderDeclines()
{
    QFETCH(QByteArray, text);
    QVERIFY(!Detail::decodeEncodedWordsSimply(text).has_value());
}

// Header values built at random from real pieces: wherever the simple decoder gives a text, GMime
// gives the same; and it takes most of them.
void TestHeader::simpleDecoderAgreesWithGMime()
{
    const QList<QString> texts = {QStringLiteral("café"), QStringLiteral("Jörg Müller"), QStringLiteral("Łukasz"),
                                  QStringLiteral("日本語のテキスト"), QStringLiteral("a_b=c?d"), QStringLiteral("plain"),
                                  QStringLiteral("emoji 😀 here"), QStringLiteral(" spaced "), QStringLiteral("x")};
    const QList<QByteArray> plain = {"Re:", "Fwd:", "hello", "[list]", "a=b", "100%", "(note)", "\"quoted\"", "-"};
    const QList<QByteArray> spaces = {" ", "  ", "\t", " \t "};
    const QList<QByteArray> charsets = {"UTF-8", "utf-8", "Utf-8"};

    QRandomGenerator random(20261122);
    const auto pick = [&random](const auto &from) { return from.at(random.bounded(int(from.size()))); };
    // One text as encoded words of one charset, B or Q, split at random bytes (so now and then
    // inside a character) with white space between the words.
    const auto encode = [&](const QString &text, const QByteArray &charset) {
        const QByteArray bytes = text.toUtf8();
        const bool b = random.bounded(2) == 0;
        QByteArray out;
        qsizetype at = 0;
        while (at < bytes.size()) {
            const qsizetype take = std::min<qsizetype>(bytes.size() - at, 1 + random.bounded(12));
            const QByteArray chunk = bytes.mid(at, take);
            at += take;
            QByteArray payload;
            if (b) {
                payload = chunk.toBase64();
                if (random.bounded(4) == 0) {
                    while (payload.endsWith('='))
                        payload.chop(1);
                }
            } else {
                for (const char c : chunk) {
                    const auto u = static_cast<unsigned char>(c);
                    if (c == ' ')
                        payload += random.bounded(2) ? "_" : "=20";
                    else if (u >= 0x80 || c == '=' || c == '?' || c == '_' || u < 0x20)
                        payload += '=' + QByteArray::number(u, 16).toUpper().rightJustified(2, '0');
                    else
                        payload += c;
                }
            }
            if (!out.isEmpty())
                out += pick(spaces);
            out += "=?" + charset + '?' + (b ? (random.bounded(2) ? "B" : "b") : (random.bounded(2) ? "Q" : "q")) +
                   '?' + payload + "?=";
        }
        return out;
    };

    int accepted = 0;
    constexpr int kValues = 4000;
    for (int n = 0; n < kValues; ++n) {
        QByteArray raw;
        const int pieces = 1 + random.bounded(4);
        const QByteArray charset = pick(charsets);
        for (int i = 0; i < pieces; ++i) {
            if (i > 0)
                raw += pick(spaces);
            switch (random.bounded(5)) {
            case 0:
                raw += pick(plain);
                break;
            case 1:
                raw += "=?us-ascii?q?" + QByteArray(pick(plain)).replace('=', "=3D").replace('?', "=3F") + "?=";
                break;
            default:
                raw += encode(pick(texts), charset);
                break;
            }
        }
        const std::optional<QString> simple = Detail::decodeEncodedWordsSimply(raw);
        if (!simple)
            continue;
        ++accepted;
        const std::optional<QString> gmime = Detail::decodeEncodedWordsWithGMime(raw);
        if (simple != gmime)
            QFAIL(qPrintable(QStringLiteral("%1: \"%2\" from the simple decoder, \"%3\" from GMime")
                                     .arg(QString::fromLatin1(raw), *simple, gmime.value_or(QStringLiteral("(none)")))));
    }
    QVERIFY2(accepted > kValues / 2, qPrintable(QString::number(accepted)));
}

void TestHeader::parameterValue_data()
{
    QTest::addColumn<Parameters>("parameters");
    QTest::addColumn<QByteArray>("attribute");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << Parameters{{"name", "report.pdf"}} << QByteArray("name") << QStringLiteral("report.pdf");
    QTest::newRow("attribute is case-insensitive")
            << Parameters{{"FileName", "a.txt"}} << QByteArray("filename") << QStringLiteral("a.txt");
    QTest::newRow("absent is null") << Parameters{{"name", "x"}} << QByteArray("filename") << QString();
    QTest::newRow("RFC 2231 extended value") << Parameters{{"filename*", "UTF-8''%E2%82%AC%20rates.txt"}}
                                             << QByteArray("filename") << QStringLiteral("€ rates.txt");
    QTest::newRow("RFC 2231 extended value with language") << Parameters{{"filename*", "iso-8859-1'fr'caf%E9.txt"}}
                                                           << QByteArray("filename") << QStringLiteral("café.txt");
    QTest::newRow("RFC 2231 continuation with charset")
            << Parameters{{"filename*0*", "UTF-8''%C3%9Cbersicht%20"},
                          {"filename*1*", "%C3%A4"},
                          {"filename*2", "rger.pdf"}}
            << QByteArray("filename") << QStringLiteral("Übersicht ärger.pdf");
    QTest::newRow("RFC 2231 continuation out of order") << Parameters{{"filename*1", "two"}, {"filename*0", "one-"}}
                                                        << QByteArray("filename") << QStringLiteral("one-two");
    QTest::newRow("RFC 2231 multi-byte character split over sections")
            << Parameters{{"title*0*", "utf-8''%C3"}, {"title*1*", "%A9t%C3%A9"}} << QByteArray("title")
            << QStringLiteral("été");
    QTest::newRow("RFC 2047 inside quotes (non-standard, common)")
            << Parameters{{"name", "=?UTF-8?B?w6lsw6h2ZS5wZGY=?="}} << QByteArray("name")
            << QStringLiteral("élève.pdf");
    QTest::newRow("raw 8-bit latin1 value")
            << Parameters{{"name", "caf\xe9.txt"}} << QByteArray("name") << QStringLiteral("café.txt");
    QTest::newRow("bad percent escape kept")
            << Parameters{{"filename*", "utf-8''100%zz.txt"}} << QByteArray("filename") << QStringLiteral("100%zz.txt");
}

void TestHeader::parameterValue()
{
    QFETCH(Parameters, parameters);
    QFETCH(QByteArray, attribute);
    QFETCH(QString, expected);
    const QString value = Heron::Mime::parameterValue(parameters, attribute);
    QCOMPARE(value, expected);
    QCOMPARE(value.isNull(), expected.isNull());
}

void TestHeader::fileNameFromHeaders_data()
{
    QTest::addColumn<QByteArray>("disposition");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("expected");

    QTest::newRow("quoted filename") << QByteArray("attachment; filename=\"a b.pdf\"") << QByteArray()
                                     << QStringLiteral("a b.pdf");
    QTest::newRow("token filename") << QByteArray("attachment; filename=a.pdf") << QByteArray()
                                    << QStringLiteral("a.pdf");
    QTest::newRow("RFC 2231 continuation with charset")
            << QByteArray("attachment;\r\n filename*0*=UTF-8''%C3%9Cbersicht%20;\r\n filename*1*=%C3%A4rger.pdf")
            << QByteArray() << QStringLiteral("Übersicht ärger.pdf");
    QTest::newRow("RFC 2231 with language") << QByteArray("attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt")
                                            << QByteArray() << QStringLiteral("Grüße.txt");
    QTest::newRow("RFC 2047 in quotes") << QByteArray("attachment; filename=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.doc?=\"")
                                        << QByteArray() << QStringLiteral("résumé.doc");
    QTest::newRow("name from content type when no disposition")
            << QByteArray() << QByteArray("application/pdf; name=\"=?ISO-8859-1?Q?caf=E9.pdf?=\"")
            << QStringLiteral("café.pdf");
    QTest::newRow("disposition wins over content type")
            << QByteArray("attachment; filename=one.txt") << QByteArray("text/plain; name=two.txt")
            << QStringLiteral("one.txt");
    QTest::newRow("neither") << QByteArray("inline") << QByteArray("text/plain") << QString();
}

void TestHeader::fileNameFromHeaders()
{
    QFETCH(QByteArray, disposition);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, expected);
    QCOMPARE(Heron::Mime::fileNameFromHeaders(disposition, contentType), expected);
}

void TestHeader::safeFileName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ordinary") << QStringLiteral("report 2024.pdf") << QStringLiteral("report 2024.pdf");
    QTest::newRow("unicode kept") << QStringLiteral("Übersicht ärger.pdf") << QStringLiteral("Übersicht ärger.pdf");
    QTest::newRow("unix traversal") << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
    QTest::newRow("windows traversal") << QStringLiteral("..\\..\\Windows\\system32\\evil.dll")
                                       << QStringLiteral("evil.dll");
    QTest::newRow("absolute path") << QStringLiteral("/home/user/.bashrc") << QStringLiteral("bashrc");
    QTest::newRow("dot dot alone") << QStringLiteral("..") << QString();
    QTest::newRow("dot alone") << QStringLiteral(".") << QString();
    QTest::newRow("trailing slash") << QStringLiteral("dir/") << QString();
    QTest::newRow("leading dots") << QStringLiteral("...hidden.txt") << QStringLiteral("hidden.txt");
    QTest::newRow("control characters") << QStringLiteral("a\tb\nc\x01.txt") << QStringLiteral("abc.txt");
    QTest::newRow("NUL inside") << QString(QStringLiteral("evil.txt") + QChar(0) + QStringLiteral(".exe"))
                                << QStringLiteral("evil.txt.exe");
    QTest::newRow("right-to-left override")
            << QString(QStringLiteral("invoice") + QChar(0x202E) + QStringLiteral("fdp.exe"))
            << QStringLiteral("invoicefdp.exe");
    QTest::newRow("windows reserved characters")
            << QStringLiteral("a<b>c:d\"e|f?g*.txt") << QStringLiteral("a_b_c_d_e_f_g_.txt");
    QTest::newRow("windows device name") << QStringLiteral("CON.txt") << QStringLiteral("_CON.txt");
    QTest::newRow("trailing dots and spaces") << QStringLiteral("file.txt. . ") << QStringLiteral("file.txt");
    QTest::newRow("whitespace collapsed") << QStringLiteral("  a   b  .txt") << QStringLiteral("a b.txt");
    QTest::newRow("empty") << QString() << QString();
}

void TestHeader::safeFileName()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QCOMPARE(Heron::Mime::safeFileName(name), expected);
}

void TestHeader::safeFileNameIsCapped()
{
    const QString longName = QString(1000, QChar(0x00E9)) + QStringLiteral(".pdf");
    const QString safe = Heron::Mime::safeFileName(longName);
    QVERIFY(safe.toUtf8().size() <= kMaxFileNameBytes);
    QVERIFY(safe.endsWith(QStringLiteral(".pdf")));
    QVERIFY(safe.size() > 50);

    // Astral characters are never cut in half.
    const QString emoji = QString::fromUcs4(U"\U0001F600").repeated(300) + QStringLiteral(".txt");
    const QString safeEmoji = Heron::Mime::safeFileName(emoji);
    QVERIFY(safeEmoji.toUtf8().size() <= kMaxFileNameBytes);
    QVERIFY(!safeEmoji.contains(QChar(QChar::ReplacementCharacter)));
    QCOMPARE(QString::fromUtf8(safeEmoji.toUtf8()), safeEmoji);
}

QTEST_GUILESS_MAIN(TestHeader)
#include "tst_header.moc"
