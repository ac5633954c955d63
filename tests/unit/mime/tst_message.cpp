// SPDX-License-Identifier: GPL-3.0-or-later
// Whole messages: headers, the part tree with IMAP section numbers, bodies, and the hard limits
// of QUALITY.md (MIME depth 32, 10,000 parts, 4 MiB header block) at the limit and just past it.
#include "mime/message.h"

#include <QFile>
#include <QTest>

#include <thread>
#include <vector>

using namespace Heron;
using namespace Heron::Mime;

namespace {

QByteArray readData(const QString &name)
{
    const QByteArray root = qgetenv("HERON_TEST_DATA");
    QFile file(QString::fromLocal8Bit(root) + QStringLiteral("/mime/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s (is HERON_TEST_DATA set?)", qPrintable(file.fileName()));
    return file.readAll();
}

QString structure(const ParsedMessage &message)
{
    QStringList rows;
    for (const MimePart &part : message.parts)
        rows << (part.section.isEmpty() ? QStringLiteral("-") : part.section) + QLatin1Char(' ') +
                        QString::fromLatin1(part.mediaType);
    return rows.join(QLatin1Char('|'));
}

int maxDepth(const ParsedMessage &message)
{
    int depth = 0;
    for (const MimePart &part : message.parts)
        depth = qMax(depth, part.depth);
    return depth;
}

// `depth` nested multiparts (or message/rfc822 parts) with one leaf at the bottom.
QByteArray nestedMessage(int depth, bool viaMessages)
{
    QByteArray head = "From: mallory@example.org\r\nSubject: nest\r\nMIME-Version: 1.0\r\n";
    QByteArray open;
    QByteArray close;
    // The top-level body is depth 1; each wrapper adds one level.
    for (int level = 1; level < depth; ++level) {
        if (viaMessages) {
            open += "Content-Type: message/rfc822\r\n\r\nSubject: level " + QByteArray::number(level) + "\r\n";
        } else {
            const QByteArray b = "b" + QByteArray::number(level);
            open += "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n";
            close.prepend("\r\n--" + b + "--\r\n");
        }
    }
    return head + open + "Content-Type: text/plain\r\n\r\nbottom" + close;
}

QByteArray wideMessage(int leaves)
{
    QByteArray data = "From: mallory@example.org\r\nMIME-Version: 1.0\r\n"
                      "Content-Type: multipart/mixed; boundary=\"w\"\r\n\r\n";
    data.reserve(leaves * 40 + 200);
    for (int i = 0; i < leaves; ++i)
        data += "--w\r\nContent-Type: text/plain\r\n\r\nx\r\n";
    data += "--w--\r\n";
    return data;
}

// A header block of exactly `bytes` bytes, counted up to and including the CRLF before the blank line.
QByteArray messageWithHeaderBlock(qsizetype bytes)
{
    QByteArray head = "From: alice@example.org\r\nSubject: big\r\n";
    const QByteArray lineStart = "X-Filler: ";
    while (head.size() < bytes) {
        const qsizetype room = bytes - head.size();
        const qsizetype fill = qMin<qsizetype>(room - lineStart.size() - 2, 900);
        if (fill <= 0) {
            // Too little room for another field: lengthen the previous line instead.
            head.insert(head.size() - 2, QByteArray(room, 'y'));
            break;
        }
        head += lineStart + QByteArray(fill, 'x') + "\r\n";
    }
    Q_ASSERT(head.size() == bytes);
    return head + "\r\nbody\r\n";
}

}  // namespace

class TestMessage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void structure_data();
    void structure();
    void plainHeadersAndBody();
    void alternativeBodies();
    void attachments();
    void fileNameOfAdjacentPaddedBWords();
    void embeddedMessages();
    void rawEightBitWithoutCharset();
    void lfOnlyLineEndings();
    void missingBoundaryKeepsTheText();
    void brokenInputDoesNotFail_data();
    void brokenInputDoesNotFail();
    void depthLimit_data();
    void depthLimit();
    void partLimit_data();
    void partLimit();
    void headerBlockLimit_data();
    void headerBlockLimit();
    void partHeaderLimit();
    void parsesOnSeveralThreadsAtOnce();
};

void TestMessage::structure_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");

    QTest::newRow("single part") << QStringLiteral("plain-latin1-qp.eml") << QStringLiteral("1 text/plain");
    QTest::newRow("alternative") << QStringLiteral("alternative.eml")
                                 << QStringLiteral("- multipart/alternative|1 text/plain|2 text/html");
    QTest::newRow("nested multipart")
            << QStringLiteral("nested-multipart.eml")
            << QStringLiteral("- multipart/mixed|1 multipart/alternative|1.1 text/plain|1.2 text/html|2 image/png|"
                              "3 application/pdf|4 application/octet-stream");
    QTest::newRow("message/rfc822 inside")
            << QStringLiteral("message-rfc822-inside.eml")
            << QStringLiteral("- multipart/mixed|1 text/plain|2 message/rfc822|2 multipart/mixed|2.1 text/plain|"
                              "2.2 application/octet-stream|3 message/rfc822|3.1 text/plain");
    QTest::newRow("unterminated multipart") << QStringLiteral("multipart-unterminated.eml")
                                            << QStringLiteral("- multipart/mixed|1 text/plain|2 text/plain");
    QTest::newRow("headers only") << QStringLiteral("headers-only.eml") << QStringLiteral("1 text/plain");
    QTest::newRow("multipart without boundary shown as text")
            << QStringLiteral("multipart-missing-boundary.eml") << QStringLiteral("- multipart/mixed|1 text/plain");
    QTest::newRow("postfix bounce")
            << QStringLiteral("bounce-postfix.eml")
            << QStringLiteral(
                       "- multipart/report|1 text/plain|2 message/delivery-status|3 message/rfc822|3.1 text/plain");
    QTest::newRow("exim bounce")
            << QStringLiteral("bounce-exim.eml")
            << QStringLiteral("- multipart/report|1 text/plain|2 message/delivery-status|3 text/rfc822-headers");
}

void TestMessage::structure()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const Result<ParsedMessage> message = parseMessage(readData(file));
    QVERIFY2(message.ok(), qPrintable(message.ok() ? QString() : message.error().message));
    QCOMPARE(::structure(*message), expected);
    for (int i = 0; i < message->parts.size(); ++i) {
        const MimePart &part = message->parts[i];
        QVERIFY(part.contentOffset >= 0);
        QVERIFY(part.contentOffset + part.contentSize <= message->raw.size());
        if (i > 0)
            QVERIFY(message->parts[part.parent].children.contains(i));
    }
}

void TestMessage::plainHeadersAndBody()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("plain-latin1-qp.eml")));
    QVERIFY(message.ok());
    const MessageHeaders &h = message->headers;
    QCOMPARE(h.subject, QStringLiteral("Café crème and more"));
    QCOMPARE(h.from, (QList<Mailbox>{{QStringLiteral("André Pirard"), QStringLiteral("andre@example.org")}}));
    QCOMPARE(h.to.size(), 2);
    QCOMPARE(h.to[0].name, QStringLiteral("Liddell, Alice"));
    QCOMPARE(h.cc.size(), 2);
    QCOMPARE(h.cc[1].email, QStringLiteral("dave@example.org"));
    QCOMPARE(h.date, QDateTime::fromString(QStringLiteral("2024-03-05T14:07:09+01:00"), Qt::ISODate));
    QCOMPARE(h.date.offsetFromUtc(), 3600);
    QCOMPARE(h.messageId, QByteArray("plain.1@example.org"));
    QCOMPARE(h.inReplyTo, QList<QByteArray>{"parent@example.org"});
    QCOMPARE(h.references, (QList<QByteArray>{"root@example.org", "parent@example.org"}));
    QCOMPARE(h.listId, QByteArray("users.heron.example.org"));
    QCOMPARE(h.listName, QStringLiteral("Heron users"));
    QVERIFY(!h.addressesTruncated);

    const int body = message->findBody("text/plain");
    QCOMPARE(body, 0);
    QCOMPARE(message->parts[0].charset, QByteArray("iso-8859-1"));
    QCOMPARE(message->parts[0].transferEncoding, QByteArray("quoted-printable"));
    const Result<QString> text = message->text(body);
    QVERIFY(text.ok());
    QCOMPARE(*text, QStringLiteral("Un café crème, s'il vous plaît. Une ligne très longue.\r\n"));
}

void TestMessage::alternativeBodies()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("alternative.eml")));
    QVERIFY(message.ok());
    QCOMPARE(message->headers.subject, QStringLiteral("Grüße"));
    QCOMPARE(message->headers.date.toUTC(), QDateTime(QDate(2024, 3, 6), QTime(14, 0), Qt::UTC));
    const int plain = message->findBody("text/plain");
    const int html = message->findBody("text/html");
    QCOMPARE(message->parts[plain].section, QStringLiteral("1"));
    QCOMPARE(message->parts[html].section, QStringLiteral("2"));
    QCOMPARE(*message->text(plain), QStringLiteral("Grüße aus Köln"));
    QCOMPARE(*message->text(html), QStringLiteral("<p>Grüße <b>aus</b> Köln</p>\n"));
    QCOMPARE(message->findSection(QStringLiteral("2")), html);
    QCOMPARE(message->findSection(QStringLiteral("9")), -1);
}

void TestMessage::attachments()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("nested-multipart.eml")));
    QVERIFY(message.ok());
    const ParsedMessage &m = *message;

    const MimePart &png = m.parts[m.findSection(QStringLiteral("2"))];
    QVERIFY(png.isAttachment());
    QCOMPARE(png.fileName, QStringLiteral("Übersicht ärger.png"));
    QCOMPARE(png.contentId, QByteArray("img1@example.org"));
    QCOMPARE(png.transferEncoding, QByteArray("base64"));
    const Result<QByteArray> pngBytes = m.decodedContent(m.findSection(QStringLiteral("2")));
    QVERIFY(pngBytes.ok());
    QCOMPARE(pngBytes->size(), 72);
    QVERIFY(pngBytes->startsWith("\x89PNG\r\n\x1a\n"));

    const int pdf = m.findSection(QStringLiteral("3"));
    QCOMPARE(m.parts[pdf].fileName, QStringLiteral("résumé.pdf"));
    QCOMPARE(*m.decodedContent(pdf), QByteArray("%PDF-1.4\n"));

    const MimePart &evil = m.parts[m.findSection(QStringLiteral("4"))];
    QCOMPARE(evil.fileName, QStringLiteral("../../../etc/passwd"));
    QCOMPARE(safeFileName(evil.fileName), QStringLiteral("passwd"));

    QCOMPARE(m.parts[m.findBody("text/html")].section, QStringLiteral("1.2"));
    QCOMPARE(*m.text(m.findBody("text/plain")), QStringLiteral("Plain body."));
    QVERIFY(!m.parts[m.findBody("text/plain")].isAttachment());
}

// GMime alone joins the base64 of adjacent B words before decoding it, and the padding of the
// first ended the name: "é.bin" for "éé.bin". The headers are parsed again with Q words.
void TestMessage::fileNameOfAdjacentPaddedBWords()
{
    const QByteArray raw = "From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                           "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                           "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
                           "--b\r\nContent-Type: application/octet-stream;\r\n"
                           " name=\"=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=.bin\"\r\n"
                           "Content-Disposition: attachment; filename=\"=?UTF-8?B?w6k=?=\r\n"
                           " =?UTF-8?B?w6k=?=.bin\"\r\n\r\nxx\r\n"
                           "--b\r\nContent-Type: application/octet-stream; name=\"=?UTF-8?B?w6k=?=.dat\"\r\n"
                           "\r\nyy\r\n--b--\r\n";
    const Result<ParsedMessage> message = parseMessage(raw);
    QVERIFY(message.ok());
    const MimePart &both = message->parts[message->findSection(QStringLiteral("2"))];
    QCOMPARE(both.fileName, QStringLiteral("éé.bin"));
    QCOMPARE(both.disposition, QByteArray("attachment"));
    QCOMPARE(both.mediaType, QByteArray("application/octet-stream"));
    QVERIFY(both.parameters.contains({QByteArray("name"), QByteArray("éé.bin")}));
    // Only a Content-Type, with a name: read from there, and the part is still an attachment.
    const MimePart &typeOnly = message->parts[message->findSection(QStringLiteral("3"))];
    QCOMPARE(typeOnly.fileName, QStringLiteral("é.dat"));
}

void TestMessage::embeddedMessages()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("message-rfc822-inside.eml")));
    QVERIFY(message.ok());
    const ParsedMessage &m = *message;

    const int first = m.findSection(QStringLiteral("2"));
    QVERIFY(m.parts[first].isMessage());
    QVERIFY(m.parts[first].embedded);
    QCOMPARE(m.parts[first].embedded->messageId, QByteArray("inner.multi@example.org"));
    QCOMPARE(m.parts[first].embedded->subject, QStringLiteral("Inner é"));
    QCOMPARE(m.parts[first].embedded->from.value(0).email, QStringLiteral("eve@example.org"));
    QVERIFY(m.encodedContent(first).startsWith("Message-ID: <inner.multi@example.org>"));

    QCOMPARE(*m.text(m.findSection(QStringLiteral("2.1"))), QStringLiteral("Inner text."));
    QCOMPARE(*m.decodedContent(m.findSection(QStringLiteral("2.2"))), QByteArray("\0\1\2\3", 4));
    QCOMPARE(m.parts[m.findSection(QStringLiteral("2.2"))].fileName, QStringLiteral("data.bin"));

    const int second = m.findSection(QStringLiteral("3"));
    QCOMPARE(m.parts[second].embedded->messageId, QByteArray("inner.single@example.org"));
    QCOMPARE(*m.text(m.findSection(QStringLiteral("3.1"))), QStringLiteral("Just text."));

    // The body of this message is its own text, not that of a forwarded one.
    QCOMPARE(*m.text(m.findBody("text/plain")), QStringLiteral("See attached."));
    QCOMPARE(m.findBody("text/html"), m.findBody("text/plain"));
}

void TestMessage::rawEightBitWithoutCharset()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("no-charset-8bit.eml")));
    QVERIFY(message.ok());
    QCOMPARE(message->headers.subject, QStringLiteral("Grüße"));
    QCOMPARE(message->headers.from.value(0).name, QStringLiteral("Jürgen"));
    QVERIFY(!message->headers.date.isValid());
    QCOMPARE(*message->text(0), QStringLiteral("Schöne Grüße\r\n"));
}

void TestMessage::lfOnlyLineEndings()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("lf-only-line-endings.eml")));
    QVERIFY(message.ok());
    QCOMPARE(::structure(*message), QStringLiteral("- multipart/mixed|1 text/plain"));
    QCOMPARE(*message->text(1), QStringLiteral("Привет"));
}

void TestMessage::missingBoundaryKeepsTheText()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("multipart-missing-boundary.eml")));
    QVERIFY(message.ok());
    const int body = message->findBody("text/plain");
    QVERIFY(body >= 0);
    QVERIFY(message->text(body)->contains(QLatin1String("Text.")));
}

void TestMessage::brokenInputDoesNotFail_data()
{
    QTest::addColumn<QByteArray>("data");

    QTest::newRow("missing boundary") << readData(QStringLiteral("multipart-missing-boundary.eml"));
    QTest::newRow("empty input") << QByteArray();
    QTest::newRow("no header") << QByteArray("\r\n\r\njust a body");
    QTest::newRow("binary junk") << QByteArray("\0\1\2\xff\xfe:\r\n\r\n\0", 11);
    QTest::newRow("boundary never used") << QByteArray(
            "Content-Type: multipart/mixed; boundary=zz\r\n\r\nno parts at all\r\n");
    QTest::newRow("bad base64 body") << QByteArray("Content-Transfer-Encoding: base64\r\n\r\n!!!!****====\r\n");
}

void TestMessage::brokenInputDoesNotFail()
{
    QFETCH(QByteArray, data);
    const Result<ParsedMessage> message = parseMessage(data);
    QVERIFY(message.ok());
    QVERIFY(!message->parts.isEmpty());
    for (int i = 0; i < message->parts.size(); ++i) {
        QVERIFY(message->parts[i].contentOffset + message->parts[i].contentSize <= message->raw.size());
        (void)message->decodedContent(i);
    }
}

void TestMessage::depthLimit_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("ok");

    QTest::newRow("file: multipart depth 32 accepted") << readData(QStringLiteral("mime-bomb-depth-32.eml")) << true;
    QTest::newRow("file: multipart depth 33 rejected") << readData(QStringLiteral("mime-bomb-depth-33.eml")) << false;
    QTest::newRow("multipart depth 32 accepted") << nestedMessage(32, false) << true;
    QTest::newRow("multipart depth 33 rejected") << nestedMessage(33, false) << false;
    QTest::newRow("message/rfc822 depth 32 accepted") << nestedMessage(32, true) << true;
    QTest::newRow("message/rfc822 depth 33 rejected") << nestedMessage(33, true) << false;
    QTest::newRow("multipart depth 5000 rejected") << nestedMessage(5000, false) << false;
    QTest::newRow("message/rfc822 depth 5000 rejected") << nestedMessage(5000, true) << false;
}

void TestMessage::depthLimit()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, ok);
    const Result<ParsedMessage> message = parseMessage(data);
    QCOMPARE(message.ok(), ok);
    if (ok) {
        QCOMPARE(maxDepth(*message), 32);
        const QString leaf = message->text(int(message->parts.size()) - 1).value();
        QVERIFY2(leaf.contains(QLatin1String("bottom")) || leaf.contains(QLatin1String("Leaf at depth 32")),
                 qPrintable(leaf));
    } else {
        QCOMPARE(message.error().code, Error::Code::LimitExceeded);
        QVERIFY(message.error().message.contains(QLatin1String("32")));
    }
}

void TestMessage::partLimit_data()
{
    QTest::addColumn<int>("leaves");
    QTest::addColumn<bool>("ok");

    // The multipart itself counts as a part.
    QTest::newRow("10000 parts accepted") << 9999 << true;
    QTest::newRow("10001 parts rejected") << 10000 << false;
    QTest::newRow("50000 parts rejected") << 50000 << false;
}

void TestMessage::partLimit()
{
    QFETCH(int, leaves);
    QFETCH(bool, ok);
    const Result<ParsedMessage> message = parseMessage(wideMessage(leaves));
    QCOMPARE(message.ok(), ok);
    if (ok) {
        QCOMPARE(message->parts.size(), 10000);
        QCOMPARE(message->parts.last().section, QStringLiteral("9999"));
    } else {
        QCOMPARE(message.error().code, Error::Code::LimitExceeded);
    }
}

void TestMessage::headerBlockLimit_data()
{
    QTest::addColumn<qsizetype>("bytes");
    QTest::addColumn<bool>("ok");

    constexpr qsizetype kLimit = 4 * 1024 * 1024;
    QTest::newRow("4 MiB accepted") << kLimit << true;
    QTest::newRow("4 MiB + 1 rejected") << kLimit + 1 << false;
}

void TestMessage::headerBlockLimit()
{
    QFETCH(qsizetype, bytes);
    QFETCH(bool, ok);
    const QByteArray data = messageWithHeaderBlock(bytes);
    const Result<ParsedMessage> message = parseMessage(data);
    QCOMPARE(message.ok(), ok);
    if (ok) {
        QCOMPARE(message->headers.subject, QStringLiteral("big"));
        QCOMPARE(*message->text(0), QStringLiteral("body\r\n"));
    } else {
        QCOMPARE(message.error().code, Error::Code::LimitExceeded);
    }

    // Without a blank line at all, the scan stops at the limit too.
    QByteArray endless = data.left(data.indexOf("\r\n\r\n") + 2);
    const Result<ParsedMessage> noBody = parseMessage(endless);
    QCOMPARE(noBody.ok(), ok);
}

void TestMessage::partHeaderLimit()
{
    Limits limits;
    limits.maxHeaderBytes = 2000;
    const QByteArray part = "Content-Type: text/plain\r\nX-Filler: " + QByteArray(3000, 'x') + "\r\n\r\nbody\r\n";
    const QByteArray data = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n--p\r\n" + part +
                            "--p--\r\n";
    const Result<ParsedMessage> message = parseMessage(data, limits);
    QVERIFY(!message.ok());
    QCOMPARE(message.error().code, Error::Code::LimitExceeded);

    limits.maxHeaderBytes = 4000;
    QVERIFY(parseMessage(data, limits).ok());
}

void TestMessage::parsesOnSeveralThreadsAtOnce()
{
    // Each account parses on its own thread; the first parse may race GMime's initialisation.
    const QByteArray data = readData(QStringLiteral("nested-multipart.eml"));
    constexpr int kThreads = 4;
    QList<QString> structures(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&data, &structures, t] {
            for (int i = 0; i < 50; ++i) {
                const Result<ParsedMessage> message = parseMessage(data);
                structures[t] = message.ok() ? ::structure(*message) : message.error().message;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (const QString &s : structures)
        QCOMPARE(s, structures.first());
    QVERIFY(structures.first().startsWith(QLatin1String("- multipart/mixed")));
}

QTEST_GUILESS_MAIN(TestMessage)
#include "tst_message.moc"
