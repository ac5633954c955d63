// SPDX-License-Identifier: GPL-3.0-or-later
// FETCH responses → the store's message metadata: real server bytes through the parser, then every
// field the sync layer fills (envelope decoded, addresses with groups, ids, References and List-Id
// from the header fields, Date header forms, parts, attachments, delivery reports) and the limits.
#include "imap/parser.h"
#include "sync/bodystructure.h"
#include "sync/messageconverter.h"

#include <QTest>

using namespace Heron;
using namespace Heron::Sync;

namespace {

Imap::FetchResponse fetchFromWire(const QByteArray &wire)
{
    const auto response = Imap::Parser::parseOne(wire);
    if (!response.ok()) {
        qWarning() << "parse failed:" << response.error().message << wire.left(300);
        return {};
    }
    const auto *fetch = std::get_if<Imap::FetchResponse>(&response.value());
    if (!fetch) {
        qWarning() << "not a FETCH:" << wire.left(300);
        return {};
    }
    return *fetch;
}

// The header fields section as Dovecot answers the BODY.PEEK of metadataFetchItems.
QByteArray headerFieldsWire(const QByteArray &block, const QByteArray &section = "HEADER.FIELDS (REFERENCES LIST-ID)")
{
    return "* 1 FETCH (UID 7 BODY[" + section + "] {" + QByteArray::number(block.size()) + "}\r\n" + block + ")\r\n";
}

QByteArray envelopeWire(const QByteArray &to)
{
    return "* 1 FETCH (UID 7 ENVELOPE (NIL NIL NIL NIL NIL " + to + " NIL NIL NIL NIL))\r\n";
}

QStringList describe(const QList<Store::Address> &addresses)
{
    QStringList lines;
    for (const Store::Address &address : addresses)
        lines.append(address.name + QLatin1Char('|') + address.email);
    return lines;
}

QStringList idList(int first, int last)
{
    QStringList ids;
    for (int i = first; i <= last; ++i)
        ids.append(QStringLiteral("r%1@example.org").arg(i));
    return ids;
}

QDateTime utc(const char *iso)
{
    QDateTime value = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    Q_ASSERT(value.isValid());
    return value.toUTC();
}

const QByteArray kMixedAttachments =
        R"((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)("APPLICATION" "PDF" NIL )"
        R"(NIL NIL "BASE64" 4000 NIL ("ATTACHMENT" ("FILENAME*" "utf-8''%E2%82%AC%20rates.pdf")) NIL NIL))"
        R"(("APPLICATION" "MSWORD" ("NAME" "=?ISO-8859-1?Q?R=E9sum=E9.doc?=") NIL NIL "BASE64" 5000 NIL NIL )"
        R"(NIL NIL) "MIXED" ("BOUNDARY" "x") NIL NIL NIL))";

const QByteArray kAlternative =
        R"((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "QUOTED-PRINTABLE" 100 5 NIL NIL NIL NIL)("TEXT" )"
        R"("HTML" ("CHARSET" "us-ascii") NIL NIL "QUOTED-PRINTABLE" 300 10 NIL NIL NIL NIL) "ALTERNATIVE" )"
        R"(("BOUNDARY" "b1") NIL NIL NIL))";

const QByteArray kDeliveryReport =
        R"((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 500 10 NIL NIL NIL NIL)("MESSAGE" )"
        R"("DELIVERY-STATUS" NIL NIL NIL "7BIT" 400 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" )"
        R"(1200 ("Tue, 1 Jul 2003 10:52:37 +0200" "Lunch" (("Alice" NIL "alice" "example.org")) NIL NIL )"
        R"((("Bob" NIL "bob" "nowhere.example")) NIL NIL NIL "<orig-42@example.org>") ("TEXT" "PLAIN" )"
        R"(("CHARSET" "utf-8") NIL NIL "7BIT" 30 1 NIL NIL NIL NIL) 25 NIL NIL NIL NIL) "REPORT" )"
        R"(("REPORT-TYPE" "delivery-status" "BOUNDARY" "r") NIL NIL NIL))";

}  // namespace

class TestMessageConverter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fetchItems();
    void fullResponse();
    void headerFieldsResponse();
    void senderAndReplyToSameAsFromAreNotKept();
    void senderAndReplyToHeadersSameAsFromAreNotKept();
    void carriesMetadata();
    void emptyResponseLeavesDefaults();
    void gmailNilEnvelope();
    void flags();
    void addresses_data();
    void addresses();
    void messageIds_data();
    void messageIds();
    void references_data();
    void references();
    void listId_data();
    void listId();
    void dates_data();
    void dates();
    void attachmentsAndReports_data();
    void attachmentsAndReports();
    void partLimits();
    void hostileBodyStructure();
};

void TestMessageConverter::fetchItems()
{
    const Imap::Strings base{"UID",
                             "FLAGS",
                             "INTERNALDATE",
                             "RFC822.SIZE",
                             "BODYSTRUCTURE",
                             "BODY.PEEK[HEADER.FIELDS (DATE SUBJECT FROM SENDER REPLY-TO TO CC BCC MESSAGE-ID "
                             "IN-REPLY-TO REFERENCES LIST-ID)]"};
    QCOMPARE(metadataFetchItems(false), base);
    QCOMPARE(metadataFetchItems(true), base + Imap::Strings{"MODSEQ"});
}

// The example message of RFC 3501 §7.4.2 with flags, a body structure and the header fields of
// References and List-Id, as a metadata FETCH with ENVELOPE.
static QByteArray envelopeExample()
{
    const QByteArray headers = "References: <root@example.org>\r\n <parent@example.org>\r\n"
                               "List-Id: IMAP list <imap.example.org>\r\n\r\n";
    return R"(* 3 FETCH (UID 4242 MODSEQ (917162500) FLAGS (\Seen \Recent $Forwarded \flagged) )"
           R"(INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 )"
           R"x(ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "=?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=" )x"
           R"((("Terry Gray" NIL "gray" "cac.washington.edu")) (("Sender" NIL "sender" "example.org")) )"
           R"((("Reply" NIL "reply" "example.org")) ((NIL NIL "imap" "cac.washington.edu")) )"
           R"(((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) )"
           R"((("Hidden" NIL "bcc" "example.org")) "<parent@example.org> <other@example.org>" )"
           R"("<B27397-0100000@cac.washington.edu>") BODYSTRUCTURE )" +
           kMixedAttachments + " BODY[HEADER.FIELDS (REFERENCES LIST-ID)] {" + QByteArray::number(headers.size()) +
           "}\r\n" + headers + ")\r\n";
}

// A whole metadata FETCH as a server sends it, every field checked.
void TestMessageConverter::fullResponse()
{
    const QByteArray wire = envelopeExample();
    const Imap::FetchResponse fetch = fetchFromWire(wire);
    QVERIFY(fetch.uid);
    const Store::MessageMetadata message = metadataFromFetch(fetch);

    QCOMPARE(message.id, qint64(0));
    QCOMPARE(message.uid, 4242u);
    QCOMPARE(message.modSeq, quint64(917162500));
    QCOMPARE(message.flags.bits, quint32(Store::MessageFlags::Seen | Store::MessageFlags::Flagged));
    QCOMPARE(message.flags.keywords, QStringList{"$Forwarded"});
    QCOMPARE(message.internalDate, utc("1996-07-17T09:44:25Z"));
    QCOMPARE(message.internalDate.timeSpec(), Qt::UTC);
    QCOMPARE(message.size, qint64(4286));
    QCOMPARE(message.subject, QStringLiteral("Gr\u00fc\u00dfe aus K\u00f6ln"));
    QCOMPARE(message.date, utc("1996-07-17T09:23:25Z"));
    QCOMPARE(describe(message.from), QStringList{"Terry Gray|gray@cac.washington.edu"});
    QCOMPARE(describe(message.sender), QStringList{"Sender|sender@example.org"});
    QCOMPARE(describe(message.replyTo), QStringList{"Reply|reply@example.org"});
    QCOMPARE(describe(message.to), QStringList{"|imap@cac.washington.edu"});
    QCOMPARE(describe(message.cc), (QStringList{"|minutes@CNRI.Reston.VA.US", "John Klensin|KLENSIN@MIT.EDU"}));
    QCOMPARE(describe(message.bcc), QStringList{"Hidden|bcc@example.org"});
    QCOMPARE(message.messageId, QStringLiteral("B27397-0100000@cac.washington.edu"));
    QCOMPARE(message.inReplyTo, QStringLiteral("parent@example.org"));
    QCOMPARE(message.references, (QStringList{"root@example.org", "parent@example.org"}));
    QCOMPARE(message.listId, QStringLiteral("imap.example.org"));
    QCOMPARE(message.parts.size(), 3);
    QCOMPARE(message.parts.at(1).fileName, QStringLiteral("\u20ac rates.pdf"));
    QCOMPARE(message.parts.at(2).fileName, QStringLiteral("R\u00e9sum\u00e9.doc"));
    QVERIFY(message.hasAttachments);
    QVERIFY(!message.isDeliveryReport);

    const auto structure = deserializeBodyStructure(message.bodyStructure);
    QVERIFY(structure);
    QCOMPARE(*structure, *fetch.bodyStructure);
    QCOMPARE(listParts(*structure), message.parts);
}

// The same message as the header fields the engine asks for instead of ENVELOPE gives the same
// metadata. Folded lines, a second Subject (the first counts), a group and a comment.
void TestMessageConverter::headerFieldsResponse()
{
    const QByteArray headers = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
                               "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n"
                               "From: Terry Gray <gray@cac.washington.edu>\r\n"
                               "Sender: Sender <sender@example.org>\r\n"
                               "Reply-To: Reply <reply@example.org>\r\n"
                               "To: imap@cac.washington.edu\r\n"
                               "Cc: minutes@CNRI.Reston.VA.US,\r\n"
                               " \"John Klensin\" <KLENSIN@MIT.EDU>\r\n"
                               "Bcc: Secret: Hidden <bcc@example.org>;\r\n"
                               "Message-ID: <B27397-0100000@cac.washington.edu>\r\n"
                               "In-Reply-To: <parent@example.org> (Terry's message)\r\n"
                               "References: <root@example.org>\r\n <parent@example.org>\r\n"
                               "List-Id: IMAP list <imap.example.org>\r\n"
                               "Subject: a second subject\r\n\r\n";
    const QByteArray wire = R"(* 3 FETCH (UID 4242 MODSEQ (917162500) FLAGS (\Seen \Recent $Forwarded \flagged) )"
                            R"(INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 BODYSTRUCTURE )" +
                            kMixedAttachments +
                            " BODY[HEADER.FIELDS (DATE SUBJECT FROM SENDER REPLY-TO TO CC BCC MESSAGE-ID "
                            "IN-REPLY-TO REFERENCES LIST-ID)] {" +
                            QByteArray::number(headers.size()) + "}\r\n" + headers + ")\r\n";
    const Imap::FetchResponse fetch = fetchFromWire(wire);
    QVERIFY(Heron::Sync::carriesMetadata(fetch));
    QCOMPARE(metadataFromFetch(fetch), metadataFromFetch(fetchFromWire(envelopeExample())));
}

// Sender and Reply-To repeat From when the headers are absent (RFC 3501 §7.4.2): then they are
// not kept, and a differing one is.
void TestMessageConverter::senderAndReplyToSameAsFromAreNotKept()
{
    const QByteArray from = R"((("Terry Gray" NIL "gray" "cac.washington.edu")))";
    const auto envelope = [&](const QByteArray &sender, const QByteArray &replyTo) {
        return fetchFromWire(R"(* 1 FETCH (UID 7 ENVELOPE (NIL "s" )" + from + " " + sender + " " + replyTo +
                             R"( NIL NIL NIL NIL NIL)))" + "\r\n");
    };
    Store::MessageMetadata message = metadataFromFetch(envelope(from, from));
    QCOMPARE(describe(message.from), QStringList{"Terry Gray|gray@cac.washington.edu"});
    QVERIFY(message.sender.isEmpty());
    QVERIFY(message.replyTo.isEmpty());

    message = metadataFromFetch(envelope(from, R"((("Lists" NIL "list" "example.org")))"));
    QVERIFY(message.sender.isEmpty());
    QCOMPARE(describe(message.replyTo), QStringList{"Lists|list@example.org"});

    // Same address, another display name: a different Sender header, kept.
    message = metadataFromFetch(envelope(R"((("Terry" NIL "gray" "cac.washington.edu")))", from));
    QCOMPARE(describe(message.sender), QStringList{"Terry|gray@cac.washington.edu"});
    QVERIFY(message.replyTo.isEmpty());
}

// As with ENVELOPE: Sender and Reply-To are kept only when they are not From again.
void TestMessageConverter::senderAndReplyToHeadersSameAsFromAreNotKept()
{
    const auto fetch = [](const QByteArray &headers) {
        return fetchFromWire("* 1 FETCH (UID 7 BODY[HEADER.FIELDS (FROM SENDER REPLY-TO)] {" +
                             QByteArray::number(headers.size()) + "}\r\n" + headers + ")\r\n");
    };
    Store::MessageMetadata message = metadataFromFetch(
            fetch("From: Terry <gray@example.org>\r\nSender: Terry <gray@example.org>\r\n"
                  "Reply-To: Terry <gray@example.org>\r\n\r\n"));
    QCOMPARE(describe(message.from), QStringList{"Terry|gray@example.org"});
    QVERIFY(message.sender.isEmpty());
    QVERIFY(message.replyTo.isEmpty());

    message = metadataFromFetch(fetch("From: Terry <gray@example.org>\r\nReply-To: list@example.org\r\n\r\n"));
    QVERIFY(message.sender.isEmpty());
    QCOMPARE(describe(message.replyTo), QStringList{"|list@example.org"});
}

// A FETCH with flags only (another client's change pushed mid-batch) is not the metadata.
void TestMessageConverter::carriesMetadata()
{
    const QByteArray structure = R"( BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0 NIL NIL NIL NIL))";
    QVERIFY(!Heron::Sync::carriesMetadata(fetchFromWire("* 1 FETCH (UID 7 FLAGS (\\Seen))\r\n")));
    QVERIFY(!Heron::Sync::carriesMetadata(fetchFromWire("* 1 FETCH (UID 7" + structure + ")\r\n")));
    QVERIFY(Heron::Sync::carriesMetadata(
            fetchFromWire("* 1 FETCH (UID 7" + structure + " BODY[HEADER.FIELDS (SUBJECT)] {2}\r\n\r\n)\r\n")));
    QVERIFY(Heron::Sync::carriesMetadata(fetchFromWire("* 1 FETCH (UID 7" + structure +
                                                       " ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n")));
}

void TestMessageConverter::emptyResponseLeavesDefaults()
{
    QCOMPARE(metadataFromFetch(Imap::FetchResponse()), Store::MessageMetadata());
    const Store::MessageMetadata message = metadataFromFetch(fetchFromWire("* 9 FETCH (UID 9)\r\n"));
    QCOMPARE(message.uid, 9u);
    QVERIFY(!message.date.isValid());
    QVERIFY(!message.internalDate.isValid());
    QVERIFY(message.bodyStructure.isNull());
    QVERIFY(message.parts.isEmpty());
}

// Gmail answers NIL for every envelope field of some messages (drafts, chats).
void TestMessageConverter::gmailNilEnvelope()
{
    const Imap::FetchResponse fetch = fetchFromWire(
            R"(* 1 FETCH (X-GM-MSGID 1278455344230334865 UID 5 FLAGS () ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL )"
            R"(NIL NIL) )"
            R"(BODYSTRUCTURE ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) )"
            R"(BODY[HEADER.FIELDS (REFERENCES LIST-ID)] {2})"
            "\r\n\r\n)\r\n");
    QVERIFY(fetch.envelope);
    const Store::MessageMetadata message = metadataFromFetch(fetch);
    QCOMPARE(message.uid, 5u);
    QCOMPARE(message.flags, Store::MessageFlags());
    QVERIFY(message.subject.isEmpty());
    QVERIFY(!message.date.isValid());
    QVERIFY(message.from.isEmpty() && message.sender.isEmpty() && message.replyTo.isEmpty());
    QVERIFY(message.to.isEmpty() && message.cc.isEmpty() && message.bcc.isEmpty());
    QVERIFY(message.messageId.isEmpty());
    QVERIFY(message.inReplyTo.isEmpty());
    QVERIFY(message.references.isEmpty());
    QVERIFY(message.listId.isEmpty());
    QCOMPARE(message.parts.size(), 1);
    QCOMPARE(message.parts.first().section, QStringLiteral("1"));
    QVERIFY(!message.hasAttachments);
}

void TestMessageConverter::flags()
{
    const Imap::FetchResponse fetch = fetchFromWire(
            "* 1 FETCH (UID 1 FLAGS (\\Answered \\Recent Zeta \\DRAFT $Junk \\Deleted \\Seen))\r\n");
    const Store::MessageFlags flags = flagsFromFetch(fetch);
    QCOMPARE(flags.bits, quint32(Store::MessageFlags::Answered | Store::MessageFlags::Draft |
                                 Store::MessageFlags::Deleted | Store::MessageFlags::Seen));
    QCOMPARE(flags.keywords, (QStringList{"$Junk", "Zeta"}));
    QCOMPARE(metadataFromFetch(fetch).flags, flags);
    QCOMPARE(flagsFromFetch(Imap::FetchResponse()), Store::MessageFlags());
}

void TestMessageConverter::addresses_data()
{
    QTest::addColumn<QByteArray>("to");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("one") << QByteArray(R"((("Bob" NIL "bob" "example.org")))") << QStringList{"Bob|bob@example.org"};
    QTest::newRow("RFC 2047 name") << QByteArray(R"((("=?utf-8?q?J=C3=B6rg?=" NIL "joerg" "example.de")))")
                                   << QStringList{"J\u00f6rg|joerg@example.de"};
    QTest::newRow("no name") << QByteArray(R"(((NIL NIL "x" "y.example")))") << QStringList{"|x@y.example"};
    QTest::newRow("group flattened")
            << QByteArray(R"(((NIL NIL "team" NIL)("A" NIL "a" "x.org")("B" NIL "b" "x.org")(NIL NIL NIL NIL)))")
            << QStringList{"A|a@x.org", "B|b@x.org"};
    QTest::newRow("empty group") << QByteArray(R"(((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)))")
                                 << QStringList();
    QTest::newRow("two groups around an address")
            << QByteArray(R"(((NIL NIL "g1" NIL)("A" NIL "a" "x.org")(NIL NIL NIL NIL)("C" NIL "c" "z.org"))"
                          R"((NIL NIL "g2" NIL)("B" NIL "b" "y.org")(NIL NIL NIL NIL)))")
            << QStringList{"A|a@x.org", "C|c@z.org", "B|b@y.org"};
    QTest::newRow("group never closed") << QByteArray(R"(((NIL NIL "g" NIL)("A" NIL "a" "x.org")))")
                                        << QStringList{"A|a@x.org"};
    QTest::newRow("NIL list") << QByteArray("NIL") << QStringList();
}

void TestMessageConverter::addresses()
{
    QFETCH(QByteArray, to);
    QFETCH(QStringList, expected);
    const Imap::FetchResponse fetch = fetchFromWire(envelopeWire(to));
    QVERIFY(fetch.envelope);
    QCOMPARE(describe(metadataFromFetch(fetch).to), expected);
}

void TestMessageConverter::messageIds_data()
{
    QTest::addColumn<QByteArray>("inReplyTo");
    QTest::addColumn<QByteArray>("messageId");
    QTest::addColumn<QString>("expectedInReplyTo");
    QTest::addColumn<QString>("expectedMessageId");

    QTest::newRow("plain") << QByteArray("\"<p@x>\"") << QByteArray("\"<m@x>\"") << QStringLiteral("p@x")
                           << QStringLiteral("m@x");
    QTest::newRow("white space") << QByteArray("\"  <p@x> \"") << QByteArray("\" <m@x>  \"") << QStringLiteral("p@x")
                                 << QStringLiteral("m@x");
    QTest::newRow("several in In-Reply-To: the first")
            << QByteArray("\"<p1@x> <p2@x>\"") << QByteArray("NIL") << QStringLiteral("p1@x") << QString();
    QTest::newRow("old prose form") << QByteArray("\"Your message of Tue, 1 Jul 2003 <p@x>\"")
                                    << QByteArray("\"<m@x> (added by relay)\"") << QStringLiteral("p@x")
                                    << QStringLiteral("m@x");
    QTest::newRow("no brackets") << QByteArray("\"p@x\"") << QByteArray("\"m@x\"") << QStringLiteral("p@x")
                                 << QStringLiteral("m@x");
    QTest::newRow("empty") << QByteArray("\"\"") << QByteArray("\"<>\"") << QString() << QString();
    QTest::newRow("NIL") << QByteArray("NIL") << QByteArray("NIL") << QString() << QString();
}

void TestMessageConverter::messageIds()
{
    QFETCH(QByteArray, inReplyTo);
    QFETCH(QByteArray, messageId);
    QFETCH(QString, expectedInReplyTo);
    QFETCH(QString, expectedMessageId);
    const Imap::FetchResponse fetch = fetchFromWire("* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL " +
                                                    inReplyTo + " " + messageId + "))\r\n");
    QVERIFY(fetch.envelope);
    const Store::MessageMetadata message = metadataFromFetch(fetch);
    QCOMPARE(message.inReplyTo, expectedInReplyTo);
    QCOMPARE(message.messageId, expectedMessageId);
}

void TestMessageConverter::references_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("one line") << headerFieldsWire("References: <a@x> <b@x>\r\nList-Id: <l.x>\r\n\r\n")
                              << QStringList{"a@x", "b@x"};
    QTest::newRow("folded") << headerFieldsWire("References: <a@x>\r\n\t<b@x>\r\n <c@x>\r\n\r\n")
                            << QStringList{"a@x", "b@x", "c@x"};
    QTest::newRow("an id folded inside") << headerFieldsWire("References: <a\r\n @x> <b@x>\r\n\r\n")
                                         << QStringList{"a@x", "b@x"};
    QTest::newRow("duplicates once, first place")
            << headerFieldsWire("References: <a@x> <b@x> <a@x> <c@x> <b@x>\r\n\r\n")
            << QStringList{"a@x", "b@x", "c@x"};
    QTest::newRow("junk between ids") << headerFieldsWire("References: junk <a@x> (comment) <> <b@x> more\r\n\r\n")
                                      << QStringList{"a@x", "b@x"};
    QTest::newRow("name in any case") << headerFieldsWire("REFERENCES: <a@x>\r\n\r\n") << QStringList{"a@x"};
    QTest::newRow("bare LF") << headerFieldsWire("References: <a@x>\n <b@x>\n\n") << QStringList{"a@x", "b@x"};
    QTest::newRow("two fields") << headerFieldsWire("References: <a@x>\r\nReferences: <b@x>\r\n\r\n")
                                << QStringList{"a@x", "b@x"};
    QTest::newRow("nothing after the blank line")
            << headerFieldsWire("References: <a@x>\r\n\r\nReferences: <b@x>\r\n") << QStringList{"a@x"};
    QTest::newRow("a folded line with no field before it")
            << headerFieldsWire(" <z@x>\r\nReferences: <a@x>\r\n\r\n") << QStringList{"a@x"};
    QTest::newRow("fields in the other order")
            << headerFieldsWire("References: <a@x>\r\n\r\n", "HEADER.FIELDS (LIST-ID REFERENCES)")
            << QStringList{"a@x"};
    QTest::newRow("section name in lower case")
            << headerFieldsWire("References: <a@x>\r\n\r\n", "header.fields (references list-id)")
            << QStringList{"a@x"};
    QTest::newRow("only the empty section") << headerFieldsWire("\r\n") << QStringList();
    QTest::newRow("NIL section") << QByteArray("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (REFERENCES LIST-ID)] NIL)\r\n")
                                 << QStringList();
    QTest::newRow("another section is not read") << headerFieldsWire("References: <a@x>\r\n\r\n", "1") << QStringList();
    QTest::newRow("no section") << QByteArray("* 1 FETCH (UID 1)\r\n") << QStringList();

    // 150 ids, one per folded line: the last 100 are kept.
    QByteArray many = "References:";
    for (int i = 0; i < 150; ++i)
        many += " <r" + QByteArray::number(i) + "@example.org>\r\n";
    QTest::newRow("150 ids keep the last 100") << headerFieldsWire(many + "\r\n") << idList(50, 149);
    QTest::newRow("100 ids kept whole") << headerFieldsWire(many.left(many.indexOf("<r100@")) + "\r\n")
                                        << idList(0, 99);
    QTest::newRow("101 ids lose the first")
            << headerFieldsWire(many.left(many.indexOf("<r101@")) + "\r\n") << idList(1, 100);

    // Past 64 KiB nothing is read: the ids kept are the last complete ones before the cut.
    QByteArray huge = "References:";
    int complete = -1;
    for (int i = 0; huge.size() < 70000; ++i) {
        huge += " <r" + QByteArray::number(i) + "@example.org>";
        if (huge.size() <= kMaxHeaderFieldBytes)
            complete = i;
    }
    QTest::newRow("past 64 KiB ignored") << headerFieldsWire(huge + "\r\n\r\n") << idList(complete - 99, complete);
}

void TestMessageConverter::references()
{
    QFETCH(QByteArray, wire);
    QFETCH(QStringList, expected);
    QCOMPARE(metadataFromFetch(fetchFromWire(wire)).references, expected);
}

void TestMessageConverter::listId_data()
{
    QTest::addColumn<QByteArray>("block");
    QTest::addColumn<QString>("expected");

    QTest::newRow("phrase and id") << QByteArray("List-Id: Heron users <users.heron.example.org>\r\n\r\n")
                                   << QStringLiteral("users.heron.example.org");
    QTest::newRow("id alone") << QByteArray("List-Id: <list.example.com>\r\n\r\n")
                              << QStringLiteral("list.example.com");
    QTest::newRow("no brackets") << QByteArray("List-Id:   list.example.com  \r\n\r\n")
                                 << QStringLiteral("list.example.com");
    QTest::newRow("encoded phrase") << QByteArray("List-Id: =?utf-8?q?Gr=C3=BC=C3=9Fe?= <gruesse.example.org>\r\n\r\n")
                                    << QStringLiteral("gruesse.example.org");
    QTest::newRow("encoded, no brackets")
            << QByteArray("List-Id: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\n") << QStringLiteral("Gr\u00fc\u00dfe");
    QTest::newRow("brackets in a quoted phrase")
            << QByteArray("List-Id: \"Odd <name>\" <real.example.org>\r\n\r\n") << QStringLiteral("real.example.org");
    QTest::newRow("folded")
            << QByteArray("References: <a@x>\r\nList-Id: Heron users\r\n <users.heron.example.org>\r\n\r\n")
            << QStringLiteral("users.heron.example.org");
    QTest::newRow("spaces inside the brackets")
            << QByteArray("LIST-ID: < spaced.example.org >\r\n\r\n") << QStringLiteral("spaced.example.org");
    QTest::newRow("first of two") << QByteArray("List-Id: <one.example>\r\nList-Id: <two.example>\r\n\r\n")
                                  << QStringLiteral("one.example");
    QTest::newRow("empty") << QByteArray("List-Id:\r\n\r\n") << QString();
    QTest::newRow("absent") << QByteArray("References: <a@x>\r\n\r\n") << QString();
}

void TestMessageConverter::listId()
{
    QFETCH(QByteArray, block);
    QFETCH(QString, expected);
    QCOMPARE(metadataFromFetch(fetchFromWire(headerFieldsWire(block))).listId, expected);
}

void TestMessageConverter::dates_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QDateTime>("expected");

    const QDateTime invalid;
    QTest::newRow("RFC 5322") << QByteArray("Tue, 1 Jul 2003 10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("no day name") << QByteArray("1 Jul 2003 10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("no seconds") << QByteArray("Tue, 1 Jul 2003 10:52 +0200") << utc("2003-07-01T08:52:00Z");
    QTest::newRow("two-digit year, 20xx") << QByteArray("Tue, 01 Jul 03 10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("two-digit year, 19xx") << QByteArray("Fri, 17 Jul 98 10:00:00 GMT") << utc("1998-07-17T10:00:00Z");
    QTest::newRow("three-digit year") << QByteArray("Tue, 1 Jul 103 10:52:37 +0000") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("obsolete zone EST") << QByteArray("Tue, 1 Jul 2003 10:52:37 EST") << utc("2003-07-01T15:52:37Z");
    QTest::newRow("obsolete zone PDT") << QByteArray("Tue, 1 Jul 2003 10:52:37 PDT") << utc("2003-07-01T17:52:37Z");
    QTest::newRow("unknown zone name is UTC")
            << QByteArray("Tue, 1 Jul 2003 10:52:37 CEST") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("zone comment") << QByteArray("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("-0000") << QByteArray("Tue, 1 Jul 2003 10:52:37 -0000") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("no zone") << QByteArray("Tue, 1 Jul 2003 10:52:37") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("zone with a colon") << QByteArray("Tue, 1 Jul 2003 10:52:37 +05:30") << utc("2003-07-01T05:22:37Z");
    QTest::newRow("asctime") << QByteArray("Tue Jul  1 10:52:37 2003") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("IMAP form") << QByteArray("01-Jul-2003 10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("ISO date") << QByteArray("2003-07-01 10:52:37") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("full month, lower case")
            << QByteArray("tuesday, 1 july 2003 10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("folded") << QByteArray("Tue,\r\n 1 Jul 2003\r\n\t10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("leap second") << QByteArray("Thu, 31 Dec 2009 23:59:60 +0000") << utc("2009-12-31T23:59:59Z");
    QTest::newRow("offset crosses the year")
            << QByteArray("Sat, 1 Jan 2000 00:30:00 +0100") << utc("1999-12-31T23:30:00Z");
    QTest::newRow("impossible offset is UTC")
            << QByteArray("Tue, 1 Jul 2003 10:52:37 +9999") << utc("2003-07-01T10:52:37Z");
    QTest::newRow("negative offset with minutes")
            << QByteArray("Wed, 02 Jul 2003 23:15:00 -0130") << utc("2003-07-03T00:45:00Z");
    QTest::newRow("29 February of a leap year")
            << QByteArray("Sun, 29 Feb 2004 12:00:00 +0000") << utc("2004-02-29T12:00:00Z");
    QTest::newRow("lower-case day and month")
            << QByteArray("tue, 01 jul 2003 10:52:37 +0200") << utc("2003-07-01T08:52:37Z");
    QTest::newRow("minute 60") << QByteArray("Tue, 1 Jul 2003 10:60:00 +0200") << invalid;
    QTest::newRow("not a day name") << QByteArray("Tux, 1 Jul 2003 10:52:37 +0200") << invalid;
    QTest::newRow("empty") << QByteArray() << invalid;
    QTest::newRow("junk") << QByteArray("not a date") << invalid;
    QTest::newRow("day 32") << QByteArray("Tue, 32 Jul 2003 10:52:37 +0200") << invalid;
    QTest::newRow("29 February of a common year") << QByteArray("Mon, 29 Feb 2021 10:00:00 +0000") << invalid;
    QTest::newRow("unknown month") << QByteArray("Tue, 1 Foo 2003 10:52:37 +0200") << invalid;
    QTest::newRow("hour 25") << QByteArray("Tue, 1 Jul 2003 25:52:37 +0200") << invalid;
    QTest::newRow("no year") << QByteArray("Tue, 1 Jul 10:52:37 +0200") << invalid;
    QTest::newRow("digits only") << QByteArray("12345678901234567890") << invalid;
    QTest::newRow("zone garbage") << QByteArray("Tue, 1 Jul 2003 10:52:37 +02x0") << invalid;
    QTest::newRow("long junk") << QByteArray(5000, '(') << invalid;
}

void TestMessageConverter::dates()
{
    QFETCH(QByteArray, raw);
    QFETCH(QDateTime, expected);

    const QDateTime parsed = parseDateHeader(raw);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(parsed, expected);
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
    }
    // A trailing space leaves the common form, so the tolerant reader takes it: both agree.
    const QDateTime tolerant = parseDateHeader(raw + ' ');
    QCOMPARE(tolerant.isValid(), parsed.isValid());
    if (parsed.isValid())
        QCOMPARE(tolerant, parsed);

    // The same through an ENVELOPE.
    Imap::FetchResponse fetch;
    fetch.envelope.emplace();
    fetch.envelope->date = raw;
    QCOMPARE(metadataFromFetch(fetch).date, parsed);
}

void TestMessageConverter::attachmentsAndReports_data()
{
    QTest::addColumn<QByteArray>("structure");
    QTest::addColumn<bool>("hasAttachments");
    QTest::addColumn<bool>("deliveryReport");
    QTest::addColumn<int>("parts");

    QTest::newRow("alternative") << kAlternative << false << false << 2;
    QTest::newRow("mixed with attachments") << kMixedAttachments << true << false << 3;
    QTest::newRow("delivery report") << kDeliveryReport << true << true << 3;
}

void TestMessageConverter::attachmentsAndReports()
{
    QFETCH(QByteArray, structure);
    QFETCH(bool, hasAttachments);
    QFETCH(bool, deliveryReport);
    QFETCH(int, parts);

    const Imap::FetchResponse fetch = fetchFromWire("* 1 FETCH (UID 3 BODYSTRUCTURE " + structure + ")\r\n");
    QVERIFY(fetch.bodyStructure);
    const Store::MessageMetadata message = metadataFromFetch(fetch);
    QCOMPARE(message.hasAttachments, hasAttachments);
    QCOMPARE(message.isDeliveryReport, deliveryReport);
    QCOMPARE(message.parts.size(), parts);
    const auto back = deserializeBodyStructure(message.bodyStructure);
    QVERIFY(back);
    QCOMPARE(listParts(*back), message.parts);
    if (deliveryReport)
        QCOMPARE(embeddedOriginalMessageId(*back), QStringLiteral("orig-42@example.org"));
}

// The 10,000-part limit through a whole FETCH: at the limit every part is listed; a structure
// built past it (the parser would refuse it) loses the excess, nothing fails.
void TestMessageConverter::partLimits()
{
    QByteArray structure = "(";
    for (int i = 0; i < kMaxBodyParts - 1; ++i)
        structure += "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 1)";
    structure += " \"MIXED\")";
    const Imap::FetchResponse atLimit = fetchFromWire("* 1 FETCH (UID 3 BODYSTRUCTURE " + structure + ")\r\n");
    QVERIFY(atLimit.bodyStructure);
    const Store::MessageMetadata message = metadataFromFetch(atLimit);
    QCOMPARE(message.parts.size(), kMaxBodyParts - 1);
    QVERIFY(message.hasAttachments);
    QVERIFY(deserializeBodyStructure(message.bodyStructure));

    Imap::FetchResponse pastLimit = atLimit;
    pastLimit.bodyStructure->children.push_back(pastLimit.bodyStructure->children.front());
    pastLimit.bodyStructure->children.push_back(pastLimit.bodyStructure->children.front());
    const Store::MessageMetadata truncated = metadataFromFetch(pastLimit);
    QCOMPARE(truncated.parts.size(), kMaxBodyParts - 1);
    const auto back = deserializeBodyStructure(truncated.bodyStructure);
    QVERIFY(back);
    QCOMPARE(back->children.size(), size_t(kMaxBodyParts - 1));

    // Deep nesting past 32 built by hand: cut at the limit.
    Imap::FetchResponse deep;
    deep.bodyStructure.emplace();
    Imap::BodyPart *node = &*deep.bodyStructure;
    for (int i = 0; i < 100; ++i) {
        node->type = "multipart";
        node->subtype = "mixed";
        node = &node->children.emplace_back();
    }
    node->type = "text";
    node->subtype = "plain";
    const Store::MessageMetadata deepMessage = metadataFromFetch(deep);
    QVERIFY(deepMessage.parts.isEmpty());
    QVERIFY(deserializeBodyStructure(deepMessage.bodyStructure));
}

// Whatever a broken server sends, nothing crashes and what can be read is kept.
void TestMessageConverter::hostileBodyStructure()
{
    Imap::FetchResponse fetch;
    fetch.uid = 1;
    fetch.bodyStructure.emplace();  // no type at all
    fetch.envelope.emplace();       // NIL everything
    fetch.sections.append({QByteArray("HEADER.FIELDS (REFERENCES LIST-ID)"), std::nullopt, QByteArray(), false});
    fetch.sections.append({QByteArray("HEADER.FIELDS"), std::nullopt, QByteArray(100000, '<'), false});
    Store::MessageMetadata message = metadataFromFetch(fetch);
    QCOMPARE(message.parts.size(), 1);
    QCOMPARE(message.parts.first().mimeType, QStringLiteral("application/octet-stream"));
    QVERIFY(message.references.isEmpty());

    Imap::BodyPart &root = *fetch.bodyStructure;
    root.type = "multipart";
    root.children.resize(3);
    root.children[0].type = "message";
    root.children[0].subtype = "rfc822";  // no envelope, no body
    root.children[1].type = "text";
    root.children[1].parameters = {{QByteArray(), QByteArray()}, {"charset", QByteArray(1 << 20, 'x')}};
    root.children[2].type = "multipart";  // no children
    message = metadataFromFetch(fetch);
    QCOMPARE(message.parts.size(), 2);
    QCOMPARE(message.parts.at(0).section, QStringLiteral("1"));
    QVERIFY(message.parts.at(0).isAttachment);
    QVERIFY(message.parts.at(0).fileName.isEmpty());
    QCOMPARE(message.parts.at(1).mimeType, QStringLiteral("text/plain"));
    QCOMPARE(message.parts.at(1).charset.size(), 1 << 20);
    const auto back = deserializeBodyStructure(message.bodyStructure);
    QVERIFY(back);
    QCOMPARE(*back, root);
}

QTEST_GUILESS_MAIN(TestMessageConverter)
#include "tst_messageconverter.moc"
