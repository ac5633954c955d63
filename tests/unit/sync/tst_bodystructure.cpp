// SPDX-License-Identifier: GPL-3.0-or-later
// BODYSTRUCTURE as the sync layer reads it: real server bytes through the parser → the parts listed
// with their IMAP sections, attachments, delivery reports; the JSON form kept in the store read back
// exactly; the depth and part limits at the limit and just past it; malformed JSON refused.
#include "imap/parser.h"
#include "sync/bodystructure.h"

#include <QTest>

using namespace Heron;
using namespace Heron::Sync;

namespace {

Imap::BodyPart parseBodyStructure(const QByteArray &structure)
{
    const QByteArray wire = "* 1 FETCH (UID 1 BODYSTRUCTURE " + structure + ")\r\n";
    const auto response = Imap::Parser::parseOne(wire);
    if (!response.ok()) {
        qWarning() << "parse failed:" << response.error().message;
        return {};
    }
    const auto *fetch = std::get_if<Imap::FetchResponse>(&response.value());
    if (!fetch || !fetch->bodyStructure) {
        qWarning() << "no BODYSTRUCTURE in" << wire.left(200);
        return {};
    }
    return *fetch->bodyStructure;
}

bool parses(const QByteArray &structure)
{
    return Imap::Parser::parseOne("* 1 FETCH (BODYSTRUCTURE " + structure + ")\r\n").ok();
}

// One line per part, easy to read in a failure message:
// section|type|charset|encoding|disposition|file name|content id|size|A (attachment) or -
QString describe(const Store::MessagePart &part)
{
    return QStringList{part.section,
                       part.mimeType,
                       part.charset,
                       part.encoding,
                       part.disposition,
                       part.fileName,
                       part.contentId,
                       QString::number(part.size),
                       part.isAttachment ? QStringLiteral("A") : QStringLiteral("-")}
            .join(QLatin1Char('|'));
}

QStringList describe(const QList<Store::MessagePart> &parts)
{
    QStringList lines;
    for (const Store::MessagePart &part : parts)
        lines.append(describe(part));
    return lines;
}

// What the JSON form keeps: everything but the MD5 and the envelope fields other than subject,
// from, message-id and date.
Imap::BodyPart kept(Imap::BodyPart part)
{
    part.md5 = QByteArray();
    if (part.envelope) {
        auto envelope = std::make_shared<Imap::Envelope>();
        envelope->subject = part.envelope->subject;
        envelope->from = part.envelope->from;
        envelope->messageId = part.envelope->messageId;
        envelope->date = part.envelope->date;
        part.envelope = envelope;
    }
    for (Imap::BodyPart &child : part.children)
        child = kept(std::move(child));
    return part;
}

Imap::BodyPart leaf(const QByteArray &type, const QByteArray &subtype, uint64_t size = 10)
{
    Imap::BodyPart part;
    part.type = type;
    part.subtype = subtype;
    part.encoding = "7bit";
    part.size = size;
    return part;
}

Imap::BodyPart multipart(const QByteArray &subtype, std::vector<Imap::BodyPart> children)
{
    Imap::BodyPart part;
    part.type = "multipart";
    part.subtype = subtype;
    part.children = std::move(children);
    return part;
}

// A chain `levels` multiparts deep; each multipart holds a text leaf then the next multipart.
Imap::BodyPart deepChain(int levels)
{
    Imap::BodyPart bottom = leaf("text", "plain");
    for (int i = 0; i < levels; ++i)
        bottom = multipart("mixed", {leaf("text", "plain"), std::move(bottom)});
    return bottom;
}

QByteArray wideMultipart(int leaves)
{
    QByteArray structure = "(";
    for (int i = 0; i < leaves; ++i)
        structure += "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)";
    structure += " \"MIXED\")";
    return structure;
}

// The same chain as deepChain, as server bytes.
QByteArray deepChainWire(int levels)
{
    QByteArray structure = "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1)";
    for (int i = 0; i < levels; ++i)
        structure = "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1)" + structure + " \"MIXED\")";
    return structure;
}

QByteArray nestedJson(int depth)
{
    QByteArray node = R"({"t":"text","s":"plain"})";
    for (int i = 1; i < depth; ++i)
        node = R"({"t":"multipart","s":"mixed","c":[)" + node + "]}";
    return R"({"v":1,"r":)" + node + "}";
}

const QByteArray kEnvelopeOriginal =
        R"(("Tue, 1 Jul 2003 10:52:37 +0200" "Lunch" (("Alice" NIL "alice" "example.org")) (("Alice" NIL )"
        R"("alice" "example.org")) (("Alice" NIL "alice" "example.org")) (("Bob" NIL "bob" "nowhere.example")) )"
        R"(NIL NIL NIL "<orig-42@example.org>"))";

const QByteArray kPlainText = R"(("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 1234 20 NIL NIL NIL NIL))";

const QByteArray kAlternative =
        R"((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "QUOTED-PRINTABLE" 100 5 NIL NIL NIL NIL)("TEXT" )"
        R"("HTML" ("CHARSET" "us-ascii") NIL NIL "QUOTED-PRINTABLE" 300 10 NIL NIL NIL NIL) "ALTERNATIVE" )"
        R"(("BOUNDARY" "b1") NIL NIL NIL))";

const QByteArray kMixedAttachments =
        R"((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)("APPLICATION" "PDF" NIL )"
        R"(NIL NIL "BASE64" 4000 NIL ("ATTACHMENT" ("FILENAME*" "utf-8''%E2%82%AC%20rates.pdf")) NIL NIL))"
        R"(("APPLICATION" "MSWORD" ("NAME" "=?ISO-8859-1?Q?R=E9sum=E9.doc?=") NIL NIL "BASE64" 5000 NIL NIL )"
        R"(NIL NIL)("TEXT" "CSV" ("CHARSET" "utf-8" "NAME*0*" "utf-8''%C3%A9t%C3%A9" "NAME*1" "-2024.csv") NIL )"
        R"(NIL "8BIT" 77 3 NIL ("INLINE" NIL) NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL))";

const QByteArray kRelated =
        R"(((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 50 2 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" )"
        R"("utf-8") NIL NIL "7BIT" 80 3 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "a") NIL NIL NIL)("IMAGE" )"
        R"("PNG" NIL "<logo@heron.example>" NIL "BASE64" 2048 NIL NIL NIL NIL) "RELATED" ("BOUNDARY" "r" )"
        R"("TYPE" "multipart/alternative") NIL NIL NIL))";

const QByteArray kNestedMessage =
        R"((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 20 2 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL )"
        R"(NIL NIL "7BIT" 900 ("Mon, 7 Feb 1994 21:52:25 -0800" "=?utf-8?q?Inner_subj=C3=A9ct?=" (("Fred" NIL )"
        R"("fred" "example.org")) (("Fred" NIL "fred" "example.org")) (("Fred" NIL "fred" "example.org")) NIL )"
        R"(NIL NIL NIL "<inner@example.org>") (("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 100 3 NIL )"
        R"(NIL NIL NIL)("IMAGE" "PNG" ("NAME" "x.png") NIL NIL "BASE64" 500 NIL NIL NIL NIL) "MIXED" )"
        R"(("BOUNDARY" "in") NIL NIL NIL) 30 NIL NIL NIL NIL)("MESSAGE" "RFC822" ("NAME" "forwarded.eml") NIL )"
        R"(NIL "7BIT" 300 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 30 1 )"
        R"(NIL NIL NIL NIL) 8 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "out") NIL NIL NIL))";

const QByteArray kDeliveryReport =
        R"((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL "Notification" "7BIT" 500 10 NIL NIL NIL NIL)("MESSAGE" )"
        R"("DELIVERY-STATUS" NIL NIL "Delivery report" "7BIT" 400 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL )"
        R"("Undelivered Message" "7BIT" 1200 )" +
        kEnvelopeOriginal +
        R"( ("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 30 1 NIL NIL NIL NIL) 25 NIL NIL NIL NIL) )"
        R"("REPORT" ("REPORT-TYPE" "delivery-status" "BOUNDARY" "r") NIL NIL NIL))";

const QByteArray kHeadersOnlyReport =
        R"((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 500 10 NIL NIL NIL NIL)("MESSAGE" )"
        R"("DELIVERY-STATUS" NIL NIL NIL "7BIT" 400 NIL ("ATTACHMENT" NIL) NIL NIL)("TEXT" "RFC822-HEADERS" )"
        R"(("CHARSET" "us-ascii") NIL NIL "7BIT" 700 12 NIL NIL NIL NIL) "REPORT" ("REPORT-TYPE" )"
        R"("DELIVERY-STATUS" "BOUNDARY" "r") NIL NIL NIL))";

const QByteArray kWrappedReport =
        R"(((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 5 1 NIL NIL NIL NIL)("MESSAGE" "DELIVERY-STATUS" NIL NIL NIL )"
        R"("7BIT" 40 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 120 )" +
        kEnvelopeOriginal +
        R"( ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 3 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL) "REPORT" ("report-type" )"
        R"("Delivery-Status") NIL NIL NIL)("TEXT" "PLAIN" NIL NIL NIL "7BIT" 9 1 NIL NIL NIL NIL) "MIXED" NIL )"
        R"(NIL NIL NIL))";

const QByteArray kReadReceipt =
        R"((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 5 1 NIL NIL NIL NIL)("MESSAGE" "DISPOSITION-NOTIFICATION" NIL )"
        R"(NIL NIL "7BIT" 40 NIL NIL NIL NIL) "REPORT" ("REPORT-TYPE" "disposition-notification") NIL NIL NIL))";

const QByteArray kStatusOutsideReport =
        R"((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 5 1 NIL NIL NIL NIL)("MESSAGE" "DELIVERY-STATUS" NIL NIL NIL )"
        R"("7BIT" 40 NIL NIL NIL NIL) "MIXED" NIL NIL NIL NIL))";

const QByteArray kSingleMessageBody =
        R"(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 300 ("Mon, 7 Feb 1994 21:52:25 -0800" "Only" NIL NIL NIL NIL )"
        R"(NIL NIL NIL "<only@example.org>") ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 30 1 NIL NIL NIL NIL) 8 NIL )"
        R"(NIL NIL NIL))";

const QByteArray kHostile =
        R"((("" "" NIL NIL NIL NIL 0 NIL NIL NIL NIL)("APPLICATION" "OCTET-STREAM" ("NAME" NIL) NIL NIL NIL )"
        R"(NIL NIL NIL NIL NIL)("TEXT" "PLAIN" NIL NIL NIL "7BIT" -1 -1 NIL NIL NIL NIL)("TEXT" "HTML" NIL NIL )"
        R"(NIL "7BIT" 5) "MIXED"))";

}  // namespace

class TestBodyStructure : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsParts_data();
    void listsParts();
    void embeddedMessageParts_data();
    void embeddedMessageParts();
    void partLimitAtTheLimit();
    void partLimitPastTheLimit();
    void depthLimitAtTheLimit();
    void depthLimitPastTheLimit();
    void roundTripKeepsBytesAndNil();
    void roundTripKeepsHugeNumbers();
    void rejectsMalformedJson_data();
    void rejectsMalformedJson();
    void messageIdFromRaw_data();
    void messageIdFromRaw();
};

void TestBodyStructure::listsParts_data()
{
    QTest::addColumn<QByteArray>("structure");
    QTest::addColumn<QStringList>("parts");
    QTest::addColumn<bool>("deliveryReport");
    QTest::addColumn<QString>("originalMessageId");

    QTest::newRow("plain text is section 1")
            << kPlainText << QStringList{"1|text/plain|utf-8|7bit||||1234|-"} << false << QString();
    QTest::newRow("multipart/alternative") << kAlternative
                                           << QStringList{"1|text/plain|us-ascii|quoted-printable||||100|-",
                                                          "2|text/html|us-ascii|quoted-printable||||300|-"}
                                           << false << QString();
    QTest::newRow("multipart/mixed: RFC 2231, RFC 2047 and continued names")
            << kMixedAttachments
            << QStringList{"1|text/plain|utf-8|7bit||||10|-",
                           "2|application/pdf||base64|attachment|\u20ac rates.pdf||4000|A",
                           "3|application/msword||base64||R\u00e9sum\u00e9.doc||5000|A",
                           "4|text/csv|utf-8|8bit|inline|\u00e9t\u00e9-2024.csv||77|-"}
            << false << QString();
    QTest::newRow("related image with a content id is inline")
            << kRelated
            << QStringList{"1.1|text/plain|utf-8|7bit||||50|-", "1.2|text/html|utf-8|7bit||||80|-",
                           "2|image/png||base64|||logo@heron.example|2048|-"}
            << false << QString();
    QTest::newRow("nested message/rfc822 listed once, not entered")
            << kNestedMessage
            << QStringList{"1|text/plain|utf-8|7bit||||20|-", "2|message/rfc822||7bit||Inner subj\u00e9ct.eml||900|A",
                           "3|message/rfc822||7bit||forwarded.eml||300|A"}
            << false << QString();
    QTest::newRow("message/rfc822 as the whole body")
            << kSingleMessageBody << QStringList{"1|message/rfc822||7bit||Only.eml||300|A"} << false << QString();
    QTest::newRow("delivery report with the original message")
            << kDeliveryReport
            << QStringList{"1|text/plain|us-ascii|7bit||||500|-", "2|message/delivery-status||7bit||||400|-",
                           "3|message/rfc822||7bit||Lunch.eml||1200|A"}
            << true << QStringLiteral("orig-42@example.org");
    QTest::newRow("delivery report with headers only")
            << kHeadersOnlyReport
            << QStringList{"1|text/plain|us-ascii|7bit||||500|-", "2|message/delivery-status||7bit|attachment|||400|-",
                           "3|text/rfc822-headers|us-ascii|7bit||||700|-"}
            << true << QString();
    QTest::newRow("delivery report wrapped in multipart/mixed")
            << kWrappedReport
            << QStringList{"1.1|text/plain||7bit||||5|-", "1.2|message/delivery-status||7bit||||40|-",
                           "1.3|message/rfc822||7bit||Lunch.eml||120|A", "2|text/plain||7bit||||9|-"}
            << true << QStringLiteral("orig-42@example.org");
    QTest::newRow("read receipt is a report but not a delivery report")
            << kReadReceipt
            << QStringList{"1|text/plain||7bit||||5|-", "2|message/disposition-notification||7bit||||40|-"} << false
            << QString();
    QTest::newRow("delivery-status outside a report is an attachment")
            << kStatusOutsideReport
            << QStringList{"1|text/plain||7bit||||5|-", "2|message/delivery-status||7bit||||40|A"} << false
            << QString();
    QTest::newRow("hostile: empty type, NIL name and encoding, -1 sizes, no extension data")
            << kHostile
            << QStringList{"1|application/octet-stream||||||0|A", "2|application/octet-stream||||||0|A",
                           "3|text/plain||7bit||||0|-", "4|text/html||7bit||||5|-"}
            << false << QString();
}

void TestBodyStructure::listsParts()
{
    QFETCH(QByteArray, structure);
    QFETCH(QStringList, parts);
    QFETCH(bool, deliveryReport);
    QFETCH(QString, originalMessageId);

    QVERIFY(parses(structure));
    const Imap::BodyPart root = parseBodyStructure(structure);
    QCOMPARE(describe(listParts(root)), parts);
    QCOMPARE(isDeliveryReport(root), deliveryReport);
    QCOMPARE(embeddedOriginalMessageId(root), originalMessageId);

    // The JSON form reads back to the same tree (less what it does not keep), byte for byte again.
    const QByteArray json = serializeBodyStructure(root);
    const std::optional<Imap::BodyPart> back = deserializeBodyStructure(json);
    QVERIFY(back);
    QCOMPARE(*back, kept(root));
    QCOMPARE(serializeBodyStructure(*back), json);
    QCOMPARE(describe(listParts(*back)), parts);
    QCOMPARE(isDeliveryReport(*back), deliveryReport);
    QCOMPARE(embeddedOriginalMessageId(*back), originalMessageId);
}

void TestBodyStructure::embeddedMessageParts_data()
{
    QTest::addColumn<QByteArray>("structure");
    QTest::addColumn<int>("child");
    QTest::addColumn<QString>("section");
    QTest::addColumn<QStringList>("parts");

    QTest::newRow("multipart inside message/rfc822 at 2")
            << kNestedMessage << 1 << QStringLiteral("2")
            << QStringList{"2.1|text/plain|utf-8|7bit||||100|-", "2.2|image/png||base64||x.png||500|A"};
    QTest::newRow("single part inside message/rfc822 at 3")
            << kNestedMessage << 2 << QStringLiteral("3") << QStringList{"3.1|text/plain||7bit||||30|-"};
    QTest::newRow("not a message") << kNestedMessage << 0 << QStringLiteral("1") << QStringList();
}

void TestBodyStructure::embeddedMessageParts()
{
    QFETCH(QByteArray, structure);
    QFETCH(int, child);
    QFETCH(QString, section);
    QFETCH(QStringList, parts);

    const Imap::BodyPart root = parseBodyStructure(structure);
    QVERIFY(size_t(child) < root.children.size());
    QCOMPARE(describe(listEmbeddedParts(root.children.at(size_t(child)), section)), parts);
}

// 10,000 nodes: a multipart and 9,999 leaves, as the parser still accepts them.
void TestBodyStructure::partLimitAtTheLimit()
{
    const QByteArray structure = wideMultipart(kMaxBodyParts - 1);
    const Imap::BodyPart root = parseBodyStructure(structure);
    QCOMPARE(root.children.size(), size_t(kMaxBodyParts - 1));
    const QList<Store::MessagePart> parts = listParts(root);
    QCOMPARE(parts.size(), kMaxBodyParts - 1);
    QCOMPARE(parts.last().section, QStringLiteral("9999"));

    const QByteArray json = serializeBodyStructure(root);
    const auto back = deserializeBodyStructure(json);
    QVERIFY(back);
    QCOMPARE(*back, root);
}

// One node more: the parser refuses it; a tree built past the limit loses its last part, and JSON
// holding 10,001 nodes is refused.
void TestBodyStructure::partLimitPastTheLimit()
{
    QVERIFY(!parses(wideMultipart(kMaxBodyParts)));

    Imap::BodyPart root = multipart("mixed", {});
    for (int i = 0; i < kMaxBodyParts; ++i)
        root.children.push_back(leaf("text", "plain"));
    const QList<Store::MessagePart> parts = listParts(root);
    QCOMPARE(parts.size(), kMaxBodyParts - 1);
    QCOMPARE(parts.last().section, QStringLiteral("9999"));

    const QByteArray json = serializeBodyStructure(root);
    const auto back = deserializeBodyStructure(json);
    QVERIFY(back);
    QCOMPARE(back->children.size(), size_t(kMaxBodyParts - 1));
    QCOMPARE(serializeBodyStructure(*back), json);
    QCOMPARE(listParts(*back), parts);

    QByteArray tooMany = json;
    const qsizetype end = tooMany.lastIndexOf("]}}");
    QVERIFY(end > 0);
    tooMany.insert(end, R"(,{"t":"text","s":"plain"})");
    QVERIFY(!deserializeBodyStructure(tooMany));
}

// The deepest leaf the parser accepts sits at depth 32: it is listed, with 31 section levels.
void TestBodyStructure::depthLimitAtTheLimit()
{
    const QByteArray structure = deepChainWire(kMaxBodyDepth - 1);
    const Imap::BodyPart root = parseBodyStructure(structure);
    QVERIFY(root.isMultipart());
    const QList<Store::MessagePart> parts = listParts(root);
    QCOMPARE(parts.size(), kMaxBodyDepth);
    QCOMPARE(parts.last().section.count(QLatin1Char('.')), kMaxBodyDepth - 2);
    QCOMPARE(parts.last().section, QStringList(kMaxBodyDepth - 1, QStringLiteral("2")).join(QLatin1Char('.')));

    const auto back = deserializeBodyStructure(serializeBodyStructure(root));
    QVERIFY(back);
    QCOMPARE(*back, root);
    QVERIFY(deserializeBodyStructure(nestedJson(kMaxBodyDepth)));
}

void TestBodyStructure::depthLimitPastTheLimit()
{
    QVERIFY(!parses(deepChainWire(kMaxBodyDepth)));

    // Built by hand 40 levels deep: parts below depth 32 are left out, nothing fails.
    const Imap::BodyPart root = deepChain(40);
    const QList<Store::MessagePart> parts = listParts(root);
    QCOMPARE(parts.size(), kMaxBodyDepth - 1);
    for (const Store::MessagePart &part : parts)
        QVERIFY(part.section.count(QLatin1Char('.')) < kMaxBodyDepth - 1);

    const QByteArray json = serializeBodyStructure(root);
    const auto back = deserializeBodyStructure(json);
    QVERIFY(back);
    QCOMPARE(listParts(*back), parts);
    QCOMPARE(serializeBodyStructure(*back), json);
    QVERIFY(!deserializeBodyStructure(nestedJson(kMaxBodyDepth + 1)));
}

void TestBodyStructure::roundTripKeepsBytesAndNil()
{
    Imap::BodyPart part = leaf("application", "octet-stream");
    part.parameters = {{"name", QByteArray("caf\xe9.txt")},  // windows-1252, not UTF-8
                       {"x-empty", QByteArray("")},
                       {"x-nil", QByteArray()},
                       {"x-quotes", QByteArray("a \"b\" \\ c\r\n\t\x01")},
                       {"x-utf8", QByteArray("\xe2\x82\xac")}};
    part.id = QByteArray("");
    part.description = QByteArray("d\x00"
                                  "e",
                                  3);
    part.encoding = QByteArray();
    part.lines = 0;
    part.disposition.type = "attachment";
    part.disposition.parameters = {{"filename", QByteArray(70000, 'x')}};
    part.language = {"en", "de"};
    part.location = "http://example.org/x";
    part.md5 = "ignored";

    const QByteArray json = serializeBodyStructure(part);
    const auto back = deserializeBodyStructure(json);
    QVERIFY(back);
    QCOMPARE(*back, kept(part));
    QVERIFY(back->parameters.at(1).second.isEmpty() && !back->parameters.at(1).second.isNull());
    QVERIFY(back->parameters.at(2).second.isNull());
    QVERIFY(back->id.isEmpty() && !back->id.isNull());
    QVERIFY(back->encoding.isNull());
    QCOMPARE(back->lines, std::optional<uint64_t>(0));
    QVERIFY(back->md5.isNull());
    QCOMPARE(serializeBodyStructure(*back), json);
}

void TestBodyStructure::roundTripKeepsHugeNumbers()
{
    Imap::BodyPart part = leaf("text", "plain", std::numeric_limits<uint64_t>::max());
    part.lines = uint64_t(std::numeric_limits<qint64>::max());
    const auto back = deserializeBodyStructure(serializeBodyStructure(part));
    QVERIFY(back);
    QCOMPARE(back->size, std::numeric_limits<uint64_t>::max());
    QCOMPARE(back->lines, part.lines);
    QCOMPARE(listParts(part).value(0).size, std::numeric_limits<qint64>::max());
}

void TestBodyStructure::rejectsMalformedJson_data()
{
    QTest::addColumn<QByteArray>("json");

    const QByteArray good = serializeBodyStructure(parseBodyStructure(kDeliveryReport));
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not JSON") << QByteArray("BODYSTRUCTURE (\"TEXT\" \"PLAIN\")");
    QTest::newRow("cut short") << good.chopped(1);
    QTest::newRow("array") << QByteArray(R"([{"t":"text"}])");
    QTest::newRow("another version") << QByteArray(R"({"v":2,"r":{"t":"text"}})");
    QTest::newRow("no version") << QByteArray(R"({"r":{"t":"text"}})");
    QTest::newRow("no root") << QByteArray(R"({"v":1})");
    QTest::newRow("root not an object") << QByteArray(R"({"v":1,"r":"text"})");
    QTest::newRow("no type") << QByteArray(R"({"v":1,"r":{"s":"plain"}})");
    QTest::newRow("type a number") << QByteArray(R"({"v":1,"r":{"t":5}})");
    QTest::newRow("bad base64") << QByteArray(R"({"v":1,"r":{"t":{"b":"@@@"}}})");
    QTest::newRow("base64 object with more keys") << QByteArray(R"({"v":1,"r":{"t":{"b":"AA==","x":1}}})");
    QTest::newRow("negative size") << QByteArray(R"({"v":1,"r":{"t":"text","z":-1}})");
    QTest::newRow("fractional size") << QByteArray(R"({"v":1,"r":{"t":"text","z":1.5}})");
    QTest::newRow("size not a number") << QByteArray(R"({"v":1,"r":{"t":"text","z":"ten"}})");
    QTest::newRow("lines an array") << QByteArray(R"({"v":1,"r":{"t":"text","n":[1]}})");
    QTest::newRow("parameter without value") << QByteArray(R"({"v":1,"r":{"t":"text","p":[["charset"]]}})");
    QTest::newRow("parameters an object") << QByteArray(R"({"v":1,"r":{"t":"text","p":{"charset":"x"}}})");
    QTest::newRow("subtype null") << QByteArray(R"({"v":1,"r":{"t":"text","s":null}})");
    QTest::newRow("children an object") << QByteArray(R"({"v":1,"r":{"t":"multipart","c":{}}})");
    QTest::newRow("child a string") << QByteArray(R"({"v":1,"r":{"t":"multipart","c":["x"]}})");
    QTest::newRow("languages a string") << QByteArray(R"({"v":1,"r":{"t":"text","g":"en"}})");
    QTest::newRow("envelope address of three")
            << QByteArray(R"({"v":1,"r":{"t":"message","en":{"f":[["a","b","c"]]}}})");
    QTest::newRow("envelope a list") << QByteArray(R"({"v":1,"r":{"t":"message","en":[]}})");
    QTest::newRow("too deep") << nestedJson(kMaxBodyDepth + 1);
}

void TestBodyStructure::rejectsMalformedJson()
{
    QFETCH(QByteArray, json);
    QVERIFY(!deserializeBodyStructure(json));
}

void TestBodyStructure::messageIdFromRaw_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("id");

    QTest::newRow("bracketed") << QByteArray("<a.b@example.org>") << QStringLiteral("a.b@example.org");
    QTest::newRow("white space around") << QByteArray("  \t<a@x>\r\n ") << QStringLiteral("a@x");
    QTest::newRow("folded inside") << QByteArray("<abc\r\n def@x>") << QStringLiteral("abcdef@x");
    QTest::newRow("first of several") << QByteArray("<a@x> <b@x>") << QStringLiteral("a@x");
    QTest::newRow("old In-Reply-To prose")
            << QByteArray("Your message of \"Tue, 1 Jul\" <a@x>") << QStringLiteral("a@x");
    QTest::newRow("bare") << QByteArray("a@x") << QStringLiteral("a@x");
    QTest::newRow("bare without @") << QByteArray("12345.abc") << QStringLiteral("12345.abc");
    QTest::newRow("prose with a bare id") << QByteArray("message a@x of Tuesday") << QStringLiteral("a@x");
    QTest::newRow("empty brackets then an id") << QByteArray("<> <b@x>") << QStringLiteral("b@x");
    QTest::newRow("nested opening") << QByteArray("<<a@x>") << QStringLiteral("a@x");
    QTest::newRow("unclosed") << QByteArray("<a@x") << QString();
    QTest::newRow("prose only") << QByteArray("no id here") << QString();
    QTest::newRow("NIL") << QByteArray() << QString();
}

void TestBodyStructure::messageIdFromRaw()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, id);
    QCOMPARE(Sync::messageIdFromRaw(raw), id);
}

QTEST_GUILESS_MAIN(TestBodyStructure)
#include "tst_bodystructure.moc"
