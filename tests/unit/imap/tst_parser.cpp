// SPDX-License-Identifier: GPL-3.0-or-later
// The IMAP response parser: raw server bytes → typed responses, one table per response family.
// Every row is fed whole, byte by byte and in several chunkings, and must give the same result.
#include "imap/parser.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Heron;
using namespace Heron::Imap;

using Responses = QList<Response>;
using Status = StatusResponse::Status;
using Kind = ResponseCode::Kind;
Q_DECLARE_METATYPE(Responses)
Q_DECLARE_METATYPE(Heron::Imap::ParserLimits)

namespace {

constexpr int kNoError = -1;
constexpr int kProtocol = int(Error::Code::Protocol);
constexpr int kLimit = int(Error::Code::LimitExceeded);

// ---- building expected values ----

UidSet uids(const char *text)
{
    auto set = UidSet::parse(text);
    Q_ASSERT(set.ok());
    return set.value();
}

StatusResponse status(const QByteArray &tag, Status s, const QByteArray &text, ResponseCode code = {})
{
    StatusResponse r;
    r.tag = tag;
    r.status = s;
    r.code = std::move(code);
    r.text = text;
    return r;
}

ResponseCode code(Kind kind, const QByteArray &name)
{
    ResponseCode c;
    c.kind = kind;
    c.name = name;
    return c;
}

ResponseCode numberCode(Kind kind, const QByteArray &name, uint64_t number)
{
    ResponseCode c = code(kind, name);
    c.number = number;
    return c;
}

ResponseCode stringsCode(Kind kind, const QByteArray &name, const Strings &strings)
{
    ResponseCode c = code(kind, name);
    c.strings = strings;
    return c;
}

ResponseCode otherCode(const QByteArray &name, const QByteArray &text)
{
    ResponseCode c = code(Kind::Other, name);
    c.text = text;
    return c;
}

ListResponse list(const Strings &attributes, char delimiter, const QByteArray &mailbox)
{
    ListResponse r;
    r.attributes = attributes;
    r.delimiter = delimiter;
    r.mailbox = mailbox;
    return r;
}

NumberResponse number(NumberResponse::Kind kind, uint32_t n)
{
    NumberResponse r;
    r.kind = kind;
    r.number = n;
    return r;
}

FetchResponse fetch(uint32_t sequence)
{
    FetchResponse f;
    f.sequence = sequence;
    return f;
}

FetchResponse fetchUid(uint32_t sequence, uint32_t uid)
{
    FetchResponse f = fetch(sequence);
    f.uid = uid;
    return f;
}

SectionData section(const QByteArray &name, const QByteArray &data, std::optional<uint32_t> origin = std::nullopt,
                    bool binary = false)
{
    SectionData s;
    s.section = name;
    s.origin = origin;
    s.data = data;
    s.binary = binary;
    return s;
}

FetchResponse fetchSection(uint32_t sequence, SectionData s)
{
    FetchResponse f = fetch(sequence);
    f.sections.append(std::move(s));
    return f;
}

Address address(const QByteArray &name, const QByteArray &mailbox, const QByteArray &host)
{
    return Address{name, QByteArray(), mailbox, host};
}

FetchResponse fetchEnvelope(uint32_t sequence, Envelope e)
{
    FetchResponse f = fetch(sequence);
    f.envelope = std::move(e);
    return f;
}

BodyPart leaf(const QByteArray &type, const QByteArray &subtype, const Parameters &parameters,
              const QByteArray &encoding, uint64_t size, std::optional<uint64_t> lines = std::nullopt)
{
    BodyPart p;
    p.type = type;
    p.subtype = subtype;
    p.parameters = parameters;
    p.encoding = encoding;
    p.size = size;
    p.lines = lines;
    return p;
}

BodyPart textPlain(uint64_t size, uint64_t lines, const QByteArray &charset = "us-ascii",
                   const QByteArray &encoding = "7bit")
{
    return leaf("text", "plain", {{"charset", charset}}, encoding, size, lines);
}

BodyPart multipart(const QByteArray &subtype, std::vector<BodyPart> children, const Parameters &parameters = {})
{
    BodyPart p;
    p.type = "multipart";
    p.subtype = subtype;
    p.parameters = parameters;
    p.children = std::move(children);
    return p;
}

FetchResponse fetchBody(uint32_t sequence, BodyPart body)
{
    FetchResponse f = fetch(sequence);
    f.bodyStructure = std::move(body);
    return f;
}

// The envelope of RFC 3501 §8's example.
Envelope rfcExampleEnvelope()
{
    Envelope e;
    e.date = "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)";
    e.subject = "IMAP4rev1 WG mtg summary and minutes";
    e.from = {address("Terry Gray", "gray", "cac.washington.edu")};
    e.sender = e.from;
    e.replyTo = e.from;
    e.to = {address(QByteArray(), "imap", "cac.washington.edu")};
    e.cc = {address(QByteArray(), "minutes", "CNRI.Reston.VA.US"), address("John Klensin", "KLENSIN", "MIT.EDU")};
    e.messageId = "<B27397-0100000@cac.washington.edu>";
    return e;
}

const char kRfcExampleEnvelopeWire[] =
        "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) "
        "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
        "\"<B27397-0100000@cac.washington.edu>\")";

QByteArray withNul(const char *before, const char *after)
{
    return QByteArray(before) + '\0' + after;
}

QByteArray repeated(const QByteArray &piece, int count)
{
    QByteArray out;
    out.reserve(piece.size() * count);
    for (int i = 0; i < count; ++i)
        out.append(piece);
    return out;
}

// ---- running rows ----

struct Outcome {
    Responses responses;
    std::optional<Error> error;
    bool failedAfter = false;
    qsizetype buffered = 0;
};

// Feeds `wire` in chunks of the given sizes (cycled; 0 means everything at once) and drains
// takeResponse() after each chunk, as the session does.
Outcome parseChunked(QByteArrayView wire, const QList<qsizetype> &chunkSizes, const ParserLimits &limits = {})
{
    Outcome outcome;
    Parser parser(limits);
    qsizetype pos = 0;
    qsizetype index = 0;
    while (pos < wire.size() && !outcome.error) {
        qsizetype size = chunkSizes.at(index++ % chunkSizes.size());
        if (size <= 0)
            size = wire.size();
        size = std::min(size, wire.size() - pos);
        parser.append(wire.sliced(pos, size));
        pos += size;
        while (auto response = parser.takeResponse()) {
            if (!response->ok()) {
                outcome.error = response->error();
                break;
            }
            outcome.responses.append(std::move(*response).value());
        }
    }
    outcome.failedAfter = parser.failed();
    outcome.buffered = parser.bufferedBytes();
    if (outcome.error) {
        // A failed parser stays failed and never yields another response.
        parser.append("* 1 EXISTS\r\n");
        const auto after = parser.takeResponse();
        if (after && after->ok())
            outcome.failedAfter = false;
    }
    return outcome;
}

Outcome parseAll(QByteArrayView wire, qsizetype chunkSize, const ParserLimits &limits = {})
{
    return parseChunked(wire, {chunkSize}, limits);
}

QList<qsizetype> randomChunks(quint32 seed, qsizetype maxChunk)
{
    QRandomGenerator rng(seed);
    QList<qsizetype> sizes;
    for (int i = 0; i < 97; ++i)
        sizes.append(1 + qsizetype(rng.bounded(quint32(maxChunk))));
    return sizes;
}

QByteArray describeAll(const Responses &responses)
{
    QByteArray out;
    for (const Response &r : responses)
        out += "\n    " + describe(r);
    return out.isEmpty() ? QByteArray("\n    (none)") : out;
}

QByteArray describeOutcome(const Outcome &o)
{
    QByteArray out = describeAll(o.responses);
    if (o.error)
        out += "\n    error " + QByteArray::number(int(o.error->code)) + ": " + o.error->message.toUtf8();
    return out;
}

// Equal as values, and equal as rendered (which also tells NIL from "").
bool sameResponses(const Responses &a, const Responses &b)
{
    return a == b && describeAll(a) == describeAll(b);
}

bool sameOutcome(const Outcome &a, const Outcome &b)
{
    if (!sameResponses(a.responses, b.responses))
        return false;
    if (a.error.has_value() != b.error.has_value())
        return false;
    return !a.error || a.error->code == b.error->code;
}

}  // namespace

class TestParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statusResponses_data();
    void statusResponses() { runRow(); }
    void responseCodes_data();
    void responseCodes() { runRow(); }
    void capabilities_data();
    void capabilities() { runRow(); }
    void lists_data();
    void lists() { runRow(); }
    void mailboxStatus_data();
    void mailboxStatus() { runRow(); }
    void searches_data();
    void searches() { runRow(); }
    void mailboxUpdates_data();
    void mailboxUpdates() { runRow(); }
    void fetchItems_data();
    void fetchItems() { runRow(); }
    void envelopes_data();
    void envelopes() { runRow(); }
    void bodyStructures_data();
    void bodyStructures() { runRow(); }
    void serverInfo_data();
    void serverInfo() { runRow(); }
    void continuations_data();
    void continuations() { runRow(); }
    void serverQuirks_data();
    void serverQuirks() { runRow(); }
    void malformed_data();
    void malformed() { runRow(); }
    void limits_data();
    void limits();

    void fetchMerge_data();
    void fetchMerge();
    void incompleteResponseWaits_data();
    void incompleteResponseWaits();
    void slowlorisFailsBeforeLineEnd_data();
    void slowlorisFailsBeforeLineEnd();
    void bytesAfterResponseStayBuffered();
    void resetRecoversFromFailure();
    void parseOneRejectsTrailingData();

private:
    void addColumns();
    void runRow();
    void check(const QByteArray &wire, const Responses &expected, int error, const ParserLimits &limits, bool coarse);
};

void TestParser::addColumns()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<Responses>("expected");
    QTest::addColumn<int>("error");  // kNoError, or the Error::Code after the expected responses
}

void TestParser::runRow()
{
    QFETCH(QByteArray, wire);
    QFETCH(Responses, expected);
    QFETCH(int, error);
    check(wire, expected, error, ParserLimits{}, false);
}

void TestParser::check(const QByteArray &wire, const Responses &expected, int error, const ParserLimits &limits,
                       bool coarse)
{
    const Outcome whole = parseAll(wire, 0, limits);
    const QByteArray actualText = describeOutcome(whole);
    QVERIFY2(sameResponses(whole.responses, expected),
             ("\n  expected:" + describeAll(expected) + "\n  actual:" + actualText).constData());
    if (error == kNoError) {
        QVERIFY2(!whole.error, ("unexpected error:" + actualText).constData());
        QVERIFY(!whole.failedAfter);
        QCOMPARE(whole.buffered, 0);
    } else {
        QVERIFY2(whole.error, ("expected an error, got:" + actualText).constData());
        QVERIFY2(int(whole.error->code) == error, ("wrong error code:" + actualText).constData());
        QVERIFY(!whole.error->message.isEmpty());
        QVERIFY2(whole.failedAfter, "the parser must stay failed after an error");
    }

    // The same bytes in other chunkings give the same result.
    QList<std::pair<QByteArray, QList<qsizetype>>> chunkings;
    if (coarse) {
        chunkings = {{"4096", {4096}}, {"65537", {65537}}, {"random large", randomChunks(0x5eed, 300000)}};
    } else {
        chunkings = {{"1", {1}},
                     {"2", {2}},
                     {"3", {3}},
                     {"7", {7}},
                     {"64", {64}},
                     {"random 1-16", randomChunks(0xc0ffee, 16)},
                     {"random 1-300", randomChunks(0x5eed, 300)}};
    }
    for (const auto &[name, sizes] : chunkings) {
        const Outcome chunked = parseChunked(wire, sizes, limits);
        QVERIFY2(sameOutcome(chunked, whole),
                 ("chunks of " + name + " differ:\n  whole:" + actualText + "\n  chunked:" + describeOutcome(chunked))
                         .constData());
    }

    // parseOne() agrees for single responses.
    if (error == kNoError && expected.size() == 1 && !coarse) {
        const auto one = Parser::parseOne(wire, limits);
        QVERIFY2(one.ok(), qPrintable(one.ok() ? QString() : one.error().message));
        QVERIFY2(sameResponses({*one}, expected), describe(*one).constData());
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 3501 §7.1: OK, NO, BAD, PREAUTH, BYE; tagged and untagged.
void TestParser::statusResponses_data()
{
    addColumns();
    QTest::newRow("untagged OK greeting") << QByteArray("* OK IMAP4rev1 Service Ready\r\n")
                                          << Responses{status("", Status::Ok, "IMAP4rev1 Service Ready")} << kNoError;
    QTest::newRow("tagged OK") << QByteArray("a001 OK LOGIN completed\r\n")
                               << Responses{status("a001", Status::Ok, "LOGIN completed")} << kNoError;
    QTest::newRow("tagged NO") << QByteArray("A222 NO COPY failed: disk is full\r\n")
                               << Responses{status("A222", Status::No, "COPY failed: disk is full")} << kNoError;
    QTest::newRow("tagged BAD") << QByteArray("A443 BAD Command unknown or arguments invalid\r\n")
                                << Responses{status("A443", Status::Bad, "Command unknown or arguments invalid")}
                                << kNoError;
    QTest::newRow("untagged NO warning") << QByteArray("* NO Disk is 98% full, please delete unnecessary data\r\n")
                                         << Responses{status("", Status::No,
                                                             "Disk is 98% full, please delete unnecessary data")}
                                         << kNoError;
    QTest::newRow("untagged BAD") << QByteArray("* BAD Command line too long\r\n")
                                  << Responses{status("", Status::Bad, "Command line too long")} << kNoError;
    QTest::newRow("PREAUTH") << QByteArray("* PREAUTH IMAP4rev1 server logged in as Smith\r\n")
                             << Responses{status("", Status::Preauth, "IMAP4rev1 server logged in as Smith")}
                             << kNoError;
    QTest::newRow("BYE") << QByteArray("* BYE Autologout; idle for too long\r\n")
                         << Responses{status("", Status::Bye, "Autologout; idle for too long")} << kNoError;
    QTest::newRow("tagged OK without text")
            << QByteArray("a1 OK\r\n") << Responses{status("a1", Status::Ok, "")} << kNoError;
    QTest::newRow("untagged OK without text")
            << QByteArray("* OK\r\n") << Responses{status("", Status::Ok, "")} << kNoError;
    QTest::newRow("BYE without text") << QByteArray("* BYE\r\n") << Responses{status("", Status::Bye, "")} << kNoError;
    QTest::newRow("status with trailing spaces only")
            << QByteArray("a2 NO   \r\n") << Responses{status("a2", Status::No, "")} << kNoError;
    QTest::newRow("text keeps inner spaces, drops trailing")
            << QByteArray("a3 OK  done,  really   \r\n") << Responses{status("a3", Status::Ok, "done,  really")}
            << kNoError;
    QTest::newRow("lower-case status word")
            << QByteArray("a4 ok fine\r\n") << Responses{status("a4", Status::Ok, "fine")} << kNoError;
    QTest::newRow("code and text") << QByteArray("a5 OK [READ-WRITE] SELECT completed\r\n")
                                   << Responses{status("a5", Status::Ok, "SELECT completed",
                                                       code(Kind::ReadWrite, "READ-WRITE"))}
                                   << kNoError;
    QTest::newRow("code without text") << QByteArray("a6 OK [READ-ONLY]\r\n")
                                       << Responses{status("a6", Status::Ok, "", code(Kind::ReadOnly, "READ-ONLY"))}
                                       << kNoError;
    QTest::newRow("brackets later in text are not a code")
            << QByteArray("* OK see [this] later\r\n") << Responses{status("", Status::Ok, "see [this] later")}
            << kNoError;
    QTest::newRow("braces in text are not a literal")
            << QByteArray("* OK you owe me {5}\r\n* 3 EXISTS\r\n")
            << Responses{status("", Status::Ok, "you owe me {5}"), number(NumberResponse::Kind::Exists, 3)} << kNoError;
    QTest::newRow("tagged NO with braces in text")
            << QByteArray("a7 NO [TRYCREATE] {42}\r\n")
            << Responses{status("a7", Status::No, "{42}", code(Kind::TryCreate, "TRYCREATE"))} << kNoError;
    QTest::newRow("BYE with code") << QByteArray("* BYE [ALERT] Server shutting down\r\n")
                                   << Responses{status("", Status::Bye, "Server shutting down",
                                                       code(Kind::Alert, "ALERT"))}
                                   << kNoError;
    QTest::newRow("PREAUTH with capability code")
            << QByteArray("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] Logged in as alice\r\n")
            << Responses{status("", Status::Preauth, "Logged in as alice",
                                stringsCode(Kind::Capability, "CAPABILITY", {"IMAP4REV1", "IDLE"}))}
            << kNoError;
    QTest::newRow("8-bit text kept as bytes")
            << QByteArray("* OK Willkommen, sch\xc3\xb6n\r\n")
            << Responses{status("", Status::Ok, "Willkommen, sch\xc3\xb6n")} << kNoError;
    QTest::newRow("several responses in one chunk")
            << QByteArray("* OK ready\r\na1 OK done\r\nb2 NO nope\r\n")
            << Responses{status("", Status::Ok, "ready"), status("a1", Status::Ok, "done"),
                         status("b2", Status::No, "nope")}
            << kNoError;
    QTest::newRow("tagged PREAUTH is invalid") << QByteArray("a1 PREAUTH hello\r\n") << Responses{} << kProtocol;
    QTest::newRow("tagged BYE is invalid") << QByteArray("a1 BYE hello\r\n") << Responses{} << kProtocol;
    QTest::newRow("tagged unknown word is invalid") << QByteArray("a1 MAYBE hello\r\n") << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// Response codes: RFC 3501 §7.1, RFC 4315 (UIDPLUS), RFC 7162 (CONDSTORE/QRESYNC), RFC 2221, RFC 4978.
void TestParser::responseCodes_data()
{
    addColumns();
    auto ok = [](ResponseCode c, const QByteArray &text = "x") { return Responses{status("", Status::Ok, text, c)}; };

    QTest::newRow("ALERT") << QByteArray("* OK [ALERT] System shutdown in 10 minutes\r\n")
                           << ok(code(Kind::Alert, "ALERT"), "System shutdown in 10 minutes") << kNoError;
    QTest::newRow("BADCHARSET with list")
            << QByteArray("a1 NO [BADCHARSET (UTF-8 \"US-ASCII\")] charset not supported\r\n")
            << Responses{status("a1", Status::No, "charset not supported",
                                stringsCode(Kind::BadCharset, "BADCHARSET", {"UTF-8", "US-ASCII"}))}
            << kNoError;
    QTest::newRow("BADCHARSET without list")
            << QByteArray("a1 NO [BADCHARSET] no\r\n")
            << Responses{status("a1", Status::No, "no", code(Kind::BadCharset, "BADCHARSET"))} << kNoError;
    QTest::newRow("CAPABILITY") << QByteArray("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED] x\r\n")
                                << ok(stringsCode(Kind::Capability, "CAPABILITY",
                                                  {"IMAP4REV1", "STARTTLS", "AUTH=PLAIN", "LOGINDISABLED"}))
                                << kNoError;
    QTest::newRow("PARSE") << QByteArray("* NO [PARSE] Invalid header in message 4\r\n")
                           << Responses{status("", Status::No, "Invalid header in message 4",
                                               code(Kind::Parse, "PARSE"))}
                           << kNoError;
    QTest::newRow("PERMANENTFLAGS with \\*")
            << QByteArray("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n")
            << ok(stringsCode(Kind::PermanentFlags, "PERMANENTFLAGS", {"\\Deleted", "\\Seen", "\\*"}), "Limited")
            << kNoError;
    QTest::newRow("PERMANENTFLAGS empty")
            << QByteArray("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n")
            << ok(code(Kind::PermanentFlags, "PERMANENTFLAGS"), "No permanent flags permitted") << kNoError;
    QTest::newRow("PERMANENTFLAGS with keywords")
            << QByteArray("* OK [PERMANENTFLAGS (\\Answered $Forwarded $Junk NonJunk \\*)] x\r\n")
            << ok(stringsCode(Kind::PermanentFlags, "PERMANENTFLAGS",
                              {"\\Answered", "$Forwarded", "$Junk", "NonJunk", "\\*"}))
            << kNoError;
    QTest::newRow("READ-ONLY") << QByteArray("A932 OK [READ-ONLY] EXAMINE completed\r\n")
                               << Responses{status("A932", Status::Ok, "EXAMINE completed",
                                                   code(Kind::ReadOnly, "READ-ONLY"))}
                               << kNoError;
    QTest::newRow("READ-WRITE") << QByteArray("A142 OK [READ-WRITE] SELECT completed\r\n")
                                << Responses{status("A142", Status::Ok, "SELECT completed",
                                                    code(Kind::ReadWrite, "READ-WRITE"))}
                                << kNoError;
    QTest::newRow("TRYCREATE") << QByteArray("A003 NO [TRYCREATE] No such mailbox\r\n")
                               << Responses{status("A003", Status::No, "No such mailbox",
                                                   code(Kind::TryCreate, "TRYCREATE"))}
                               << kNoError;
    QTest::newRow("UIDNEXT") << QByteArray("* OK [UIDNEXT 4392] Predicted next UID\r\n")
                             << ok(numberCode(Kind::UidNext, "UIDNEXT", 4392), "Predicted next UID") << kNoError;
    QTest::newRow("UIDVALIDITY 32-bit") << QByteArray("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n")
                                        << ok(numberCode(Kind::UidValidity, "UIDVALIDITY", 3857529045u), "UIDs valid")
                                        << kNoError;
    QTest::newRow("UNSEEN") << QByteArray("* OK [UNSEEN 12] Message 12 is first unseen\r\n")
                            << ok(numberCode(Kind::Unseen, "UNSEEN", 12), "Message 12 is first unseen") << kNoError;
    QTest::newRow("HIGHESTMODSEQ 64-bit")
            << QByteArray("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n")
            << ok(numberCode(Kind::HighestModSeq, "HIGHESTMODSEQ", 715194045007ull), "Highest") << kNoError;
    QTest::newRow("NOMODSEQ") << QByteArray(
                                         "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n")
                              << ok(code(Kind::NoModSeq, "NOMODSEQ"),
                                    "Sorry, this mailbox format doesn't support modsequences")
                              << kNoError;
    QTest::newRow("MODIFIED with set") << QByteArray("d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n")
                                       << Responses{status("d105", Status::Ok, "Conditional STORE failed",
                                                           [] {
                                                               ResponseCode c = code(Kind::Modified, "MODIFIED");
                                                               c.set = uids("7,9");
                                                               return c;
                                                           }())}
                                       << kNoError;
    QTest::newRow("APPENDUID single") << QByteArray("A003 OK [APPENDUID 38505 3955] APPEND completed\r\n")
                                      << Responses{status("A003", Status::Ok, "APPEND completed",
                                                          [] {
                                                              ResponseCode c = numberCode(Kind::AppendUid, "APPENDUID",
                                                                                          38505);
                                                              c.set = uids("3955");
                                                              return c;
                                                          }())}
                                      << kNoError;
    QTest::newRow("APPENDUID range (MULTIAPPEND)")
            << QByteArray("A004 OK [APPENDUID 38505 3955:3957] APPEND completed\r\n")
            << Responses{status("A004", Status::Ok, "APPEND completed",
                                [] {
                                    ResponseCode c = numberCode(Kind::AppendUid, "APPENDUID", 38505);
                                    c.set = uids("3955:3957");
                                    return c;
                                }())}
            << kNoError;
    QTest::newRow("COPYUID with sets") << QByteArray("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n")
                                       << Responses{status("A004", Status::Ok, "Done",
                                                           [] {
                                                               ResponseCode c = numberCode(Kind::CopyUid, "COPYUID",
                                                                                           38505);
                                                               c.sourceSet = uids("304,319:320");
                                                               c.set = uids("3956:3958");
                                                               return c;
                                                           }())}
                                       << kNoError;
    QTest::newRow("UIDNOTSTICKY") << QByteArray("* NO [UIDNOTSTICKY] Non-persistent UIDs\r\n")
                                  << Responses{status("", Status::No, "Non-persistent UIDs",
                                                      code(Kind::UidNotSticky, "UIDNOTSTICKY"))}
                                  << kNoError;
    QTest::newRow("CLOSED") << QByteArray("* OK [CLOSED] Previous mailbox closed\r\n")
                            << ok(code(Kind::Closed, "CLOSED"), "Previous mailbox closed") << kNoError;
    QTest::newRow("REFERRAL keeps the URL as text")
            << QByteArray("A001 NO [REFERRAL IMAP://user;AUTH=*@SERVER2/SHARED/FOO] Remote mailbox\r\n")
            << Responses{status("A001", Status::No, "Remote mailbox",
                                [] {
                                    ResponseCode c = code(Kind::Referral, "REFERRAL");
                                    c.text = "IMAP://user;AUTH=*@SERVER2/SHARED/FOO";
                                    return c;
                                }())}
            << kNoError;
    QTest::newRow("COMPRESSIONACTIVE") << QByteArray("a1 NO [COMPRESSIONACTIVE] DEFLATE active via TLS\r\n")
                                       << Responses{status("a1", Status::No, "DEFLATE active via TLS",
                                                           code(Kind::CompressionActive, "COMPRESSIONACTIVE"))}
                                       << kNoError;
    QTest::newRow("unknown code without arguments")
            << QByteArray("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
            << Responses{status("a1", Status::No, "Authentication failed.", otherCode("AUTHENTICATIONFAILED", ""))}
            << kNoError;
    QTest::newRow("unknown code with arguments")
            << QByteArray("* OK [METADATA LONGENTRIES 2000] too long\r\n")
            << ok(otherCode("METADATA", "LONGENTRIES 2000"), "too long") << kNoError;
    // RFC 3501 §9: the generic form's text is any TEXT-CHAR except "]"; a quote is no special.
    QTest::newRow("unknown code argument with a lone quote")
            << QByteArray("* OK [X-Y \"abc] text\r\n") << ok(otherCode("X-Y", "\"abc"), "text") << kNoError;
    QTest::newRow("code name upper-cased")
            << QByteArray("* OK [alert] lower\r\n") << ok(code(Kind::Alert, "ALERT"), "lower") << kNoError;
    QTest::newRow("UIDNEXT with negative number is a generic code")
            << QByteArray("* OK [UIDNEXT -1] odd\r\n") << ok(otherCode("UIDNEXT", "-1"), "odd") << kNoError;
    QTest::newRow("UIDVALIDITY overflowing 32 bits is a generic code")
            << QByteArray("* OK [UIDVALIDITY 4294967296] odd\r\n") << ok(otherCode("UIDVALIDITY", "4294967296"), "odd")
            << kNoError;
}

// ---------------------------------------------------------------------------------------------
// CAPABILITY (RFC 3501 §7.2.1) and ENABLED (RFC 5161 §3.2).
void TestParser::capabilities_data()
{
    addColumns();
    QTest::newRow("capability list") << QByteArray("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n")
                                     << Responses{CapabilityResponse{
                                                {"IMAP4REV1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"}}}
                                     << kNoError;
    QTest::newRow("capability upper-cased")
            << QByteArray("* CAPABILITY imap4rev1 condstore Literal+\r\n")
            << Responses{CapabilityResponse{{"IMAP4REV1", "CONDSTORE", "LITERAL+"}}} << kNoError;
    QTest::newRow("capability with trailing space") << QByteArray("* CAPABILITY IMAP4rev1 IDLE \r\n")
                                                    << Responses{CapabilityResponse{{"IMAP4REV1", "IDLE"}}} << kNoError;
    QTest::newRow("capability dovecot long")
            << QByteArray("* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
                          "THREAD=REFERENCES MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS "
                          "LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH "
                          "LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY LITERAL+ NOTIFY SPECIAL-USE\r\n")
            << Responses{CapabilityResponse{{"IMAP4REV1",
                                             "SASL-IR",
                                             "LOGIN-REFERRALS",
                                             "ID",
                                             "ENABLE",
                                             "IDLE",
                                             "SORT",
                                             "SORT=DISPLAY",
                                             "THREAD=REFERENCES",
                                             "MULTIAPPEND",
                                             "URL-PARTIAL",
                                             "CATENATE",
                                             "UNSELECT",
                                             "CHILDREN",
                                             "NAMESPACE",
                                             "UIDPLUS",
                                             "LIST-EXTENDED",
                                             "I18NLEVEL=1",
                                             "CONDSTORE",
                                             "QRESYNC",
                                             "ESEARCH",
                                             "ESORT",
                                             "SEARCHRES",
                                             "WITHIN",
                                             "CONTEXT=SEARCH",
                                             "LIST-STATUS",
                                             "BINARY",
                                             "MOVE",
                                             "SNIPPET=FUZZY",
                                             "PREVIEW=FUZZY",
                                             "LITERAL+",
                                             "NOTIFY",
                                             "SPECIAL-USE"}}}
            << kNoError;
    QTest::newRow("enabled two") << QByteArray("* ENABLED CONDSTORE QRESYNC\r\n")
                                 << Responses{EnabledResponse{{"CONDSTORE", "QRESYNC"}}} << kNoError;
    QTest::newRow("enabled none") << QByteArray("* ENABLED\r\n") << Responses{EnabledResponse{}} << kNoError;
    QTest::newRow("enabled utf8 lower-case")
            << QByteArray("* ENABLED utf8=accept\r\n") << Responses{EnabledResponse{{"UTF8=ACCEPT"}}} << kNoError;
}

// ---------------------------------------------------------------------------------------------
// LIST / LSUB (RFC 3501 §7.2.2-3), LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154),
// OLDNAME (RFC 5465 §5.4), LIST-STATUS (RFC 5819).
void TestParser::lists_data()
{
    addColumns();
    QTest::newRow("atom name") << QByteArray("* LIST (\\HasNoChildren) \".\" INBOX\r\n")
                               << Responses{list({"\\HasNoChildren"}, '.', "INBOX")} << kNoError;
    QTest::newRow("quoted name") << QByteArray("* LIST (\\HasNoChildren) \"/\" \"Sent Items\"\r\n")
                                 << Responses{list({"\\HasNoChildren"}, '/', "Sent Items")} << kNoError;
    QTest::newRow("literal name") << QByteArray("* LIST () \"/\" {12}\r\nWeird \"name\"\r\n")
                                  << Responses{list({}, '/', "Weird \"name\"")} << kNoError;
    QTest::newRow("quoted escapes") << QByteArray("* LIST () \"/\" \"a \\\"b\\\" \\\\c\"\r\n")
                                    << Responses{list({}, '/', "a \"b\" \\c")} << kNoError;
    QTest::newRow("NIL delimiter") << QByteArray("* LIST (\\Noselect) NIL \"\"\r\n")
                                   << Responses{list({"\\Noselect"}, 0, "")} << kNoError;
    QTest::newRow("backslash delimiter") << QByteArray("* LIST () \"\\\\\" \"a\\\\b\"\r\n")
                                         << Responses{list({}, '\\', "a\\b")} << kNoError;
    QTest::newRow("hierarchy delimiter query")
            << QByteArray("* LIST (\\Noselect) \"/\" \"\"\r\n") << Responses{list({"\\Noselect"}, '/', "")} << kNoError;
    QTest::newRow("modified UTF-7 name kept raw") << QByteArray("* LIST () \"/\" \"&U,BTFw-/&ZeVnLIqe-\"\r\n")
                                                  << Responses{list({}, '/', "&U,BTFw-/&ZeVnLIqe-")} << kNoError;
    QTest::newRow("special-use attributes")
            << QByteArray("* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n* LIST (\\Marked \\Junk) \"/\" Spam\r\n"
                          "* LIST (\\All \\Noselect) \"/\" \"[Gmail]/All Mail\"\r\n")
            << Responses{list({"\\HasNoChildren", "\\Sent"}, '/', "Sent"), list({"\\Marked", "\\Junk"}, '/', "Spam"),
                         list({"\\All", "\\Noselect"}, '/', "[Gmail]/All Mail")}
            << kNoError;
    QTest::newRow("extended attributes") << QByteArray("* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n")
                                         << Responses{list({"\\Subscribed", "\\NonExistent"}, '/', "Fruit/Peach")}
                                         << kNoError;
    QTest::newRow("CHILDINFO") << QByteArray("* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")
                               << Responses{[] {
                                      ListResponse r = list({}, '/', "Foo");
                                      r.childInfo = {"SUBSCRIBED"};
                                      return r;
                                  }()}
                               << kNoError;
    QTest::newRow("OLDNAME") << QByteArray("* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\r\n")
                             << Responses{[] {
                                    ListResponse r = list({}, '/', "NewMailbox");
                                    r.oldName = "OldMailbox";
                                    return r;
                                }()}
                             << kNoError;
    QTest::newRow("unknown extended data skipped")
            << QByteArray("* LIST () \"/\" \"Foo\" (\"X-THING\" (1 (2 \"three\")) \"CHILDINFO\" (\"SUBSCRIBED\"))\r\n")
            << Responses{[] {
                   ListResponse r = list({}, '/', "Foo");
                   r.childInfo = {"SUBSCRIBED"};
                   return r;
               }()}
            << kNoError;
    QTest::newRow("LSUB") << QByteArray("* LSUB () \".\" #news.comp.mail.misc\r\n") << Responses{[] {
        ListResponse r = list({}, '.', "#news.comp.mail.misc");
        r.lsub = true;
        return r;
    }()} << kNoError;
    QTest::newRow("LIST-STATUS pair")
            << QByteArray("* LIST () \".\" \"foo\"\r\n* STATUS \"foo\" (MESSAGES 30 UNSEEN 2)\r\n"
                          "* LIST (\\Noselect) \".\" \"bar\"\r\n")
            << Responses{list({}, '.', "foo"),
                         [] {
                             StatusDataResponse s;
                             s.mailbox = "foo";
                             s.messages = 30;
                             s.unseen = 2;
                             return s;
                         }(),
                         list({"\\Noselect"}, '.', "bar")}
            << kNoError;
    QTest::newRow("delimiter of two characters") << QByteArray("* LIST () \"//\" foo\r\n") << Responses{} << kProtocol;
    QTest::newRow("missing mailbox") << QByteArray("* LIST () \"/\"\r\n") << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// STATUS (RFC 3501 §7.2.4, RFC 7162 §3.1.10 HIGHESTMODSEQ, RFC 8438 SIZE).
void TestParser::mailboxStatus_data()
{
    addColumns();
    QTest::newRow("messages and uidnext")
            << QByteArray("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n") << Responses{[] {
                   StatusDataResponse s;
                   s.mailbox = "blurdybloop";
                   s.messages = 231;
                   s.uidNext = 44292;
                   return s;
               }()}
            << kNoError;
    QTest::newRow("all items") << QByteArray("* STATUS \"INBOX\" (MESSAGES 231 RECENT 1 UIDNEXT 44292 UIDVALIDITY "
                                             "3857529045 UNSEEN 3 HIGHESTMODSEQ 7011231777 SIZE 123456789012)\r\n")
                               << Responses{[] {
                                      StatusDataResponse s;
                                      s.mailbox = "INBOX";
                                      s.messages = 231;
                                      s.recent = 1;
                                      s.uidNext = 44292;
                                      s.uidValidity = 3857529045u;
                                      s.unseen = 3;
                                      s.highestModSeq = 7011231777ull;
                                      s.size = 123456789012ull;
                                      return s;
                                  }()}
                               << kNoError;
    QTest::newRow("zero values") << QByteArray("* STATUS Drafts (MESSAGES 0 UNSEEN 0)\r\n") << Responses{[] {
        StatusDataResponse s;
        s.mailbox = "Drafts";
        s.messages = 0;
        s.unseen = 0;
        return s;
    }()} << kNoError;
    QTest::newRow("empty list") << QByteArray("* STATUS Drafts ()\r\n") << Responses{[] {
        StatusDataResponse s;
        s.mailbox = "Drafts";
        return s;
    }()} << kNoError;
    QTest::newRow("literal mailbox") << QByteArray("* STATUS {5}\r\na b c (UIDNEXT 7)\r\n") << Responses{[] {
        StatusDataResponse s;
        s.mailbox = "a b c";
        s.uidNext = 7;
        return s;
    }()} << kNoError;
    QTest::newRow("lower-case items") << QByteArray("* STATUS x (messages 2 uidvalidity 9)\r\n") << Responses{[] {
        StatusDataResponse s;
        s.mailbox = "x";
        s.messages = 2;
        s.uidValidity = 9;
        return s;
    }()} << kNoError;
    QTest::newRow("MESSAGES overflowing 32 bits")
            << QByteArray("* STATUS x (MESSAGES 4294967296)\r\n") << Responses{} << kProtocol;
    QTest::newRow("unterminated list") << QByteArray("* STATUS x (MESSAGES 1\r\n") << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// SEARCH (RFC 3501 §7.2.5, RFC 7162 §3.1.5) and ESEARCH (RFC 4731 §3.1).
void TestParser::searches_data()
{
    addColumns();
    QTest::newRow("search empty") << QByteArray("* SEARCH\r\n") << Responses{SearchResponse{}} << kNoError;
    QTest::newRow("search empty trailing space")
            << QByteArray("* SEARCH \r\n") << Responses{SearchResponse{}} << kNoError;
    QTest::newRow("search three") << QByteArray("* SEARCH 2 3 6\r\n") << Responses{SearchResponse{{2, 3, 6}, {}}}
                                  << kNoError;
    QTest::newRow("search many") << QByteArray("* SEARCH " + repeated("4294967295 ", 500) + "\r\n")
                                 << Responses{SearchResponse{QList<uint32_t>(500, 4294967295u), {}}} << kNoError;
    QTest::newRow("search with MODSEQ") << QByteArray("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n")
                                        << Responses{SearchResponse{{2, 5, 6, 7, 11, 12, 18, 19, 20, 23}, 917162500ull}}
                                        << kNoError;
    QTest::newRow("search with zero") << QByteArray("* SEARCH 1 0 2\r\n") << Responses{} << kProtocol;
    QTest::newRow("search with word") << QByteArray("* SEARCH 1 two\r\n") << Responses{} << kProtocol;

    auto esearch = [](const QByteArray &tag, bool uid) {
        ESearchResponse r;
        r.tag = tag;
        r.uid = uid;
        return r;
    };
    QTest::newRow("esearch MIN COUNT") << QByteArray("* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n") << Responses{[&] {
        auto r = esearch("A282", false);
        r.min = 2;
        r.count = 3;
        return r;
    }()} << kNoError;
    QTest::newRow("esearch ALL set") << QByteArray("* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n") << Responses{[&] {
        auto r = esearch("A283", false);
        r.all = uids("2,10:11");
        return r;
    }()} << kNoError;
    QTest::newRow("esearch UID MIN MAX") << QByteArray("* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n")
                                         << Responses{[&] {
                                                auto r = esearch("A285", true);
                                                r.min = 7;
                                                r.max = 3800;
                                                return r;
                                            }()}
                                         << kNoError;
    QTest::newRow("esearch all items") << QByteArray("* ESEARCH (TAG \"a9\") UID MIN 1 MAX 20 COUNT 6 "
                                                     "ALL 1:3,5,19:20 MODSEQ 917162500\r\n")
                                       << Responses{[&] {
                                              auto r = esearch("a9", true);
                                              r.min = 1;
                                              r.max = 20;
                                              r.count = 6;
                                              r.all = uids("1:3,5,19:20");
                                              r.modSeq = 917162500ull;
                                              return r;
                                          }()}
                                       << kNoError;
    QTest::newRow("esearch COUNT 0 without tag") << QByteArray("* ESEARCH COUNT 0\r\n") << Responses{[&] {
        auto r = esearch("", false);
        r.count = 0;
        return r;
    }()} << kNoError;
    QTest::newRow("esearch empty") << QByteArray("* ESEARCH (TAG \"A284\")\r\n") << Responses{esearch("A284", false)}
                                   << kNoError;
    QTest::newRow("esearch unknown return data skipped")
            << QByteArray("* ESEARCH (TAG \"a1\") UID PARTIAL (1:10 100:102) COUNT 3\r\n") << Responses{[&] {
                   auto r = esearch("a1", true);
                   r.count = 3;
                   return r;
               }()}
            << kNoError;
    QTest::newRow("esearch bad ALL set") << QByteArray("* ESEARCH (TAG \"a1\") ALL 1,,3\r\n") << Responses{}
                                         << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// FLAGS, EXISTS, RECENT, EXPUNGE (RFC 3501 §7.2.6, §7.3, §7.4.1), VANISHED (RFC 7162 §3.2.10).
void TestParser::mailboxUpdates_data()
{
    addColumns();
    QTest::newRow("FLAGS system") << QByteArray("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n")
                                  << Responses{FlagsResponse{
                                             {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"}}}
                                  << kNoError;
    QTest::newRow("FLAGS with keywords") << QByteArray("* FLAGS (\\Seen $Forwarded $Junk NonJunk $label1)\r\n")
                                         << Responses{FlagsResponse{
                                                    {"\\Seen", "$Forwarded", "$Junk", "NonJunk", "$label1"}}}
                                         << kNoError;
    QTest::newRow("FLAGS empty") << QByteArray("* FLAGS ()\r\n") << Responses{FlagsResponse{}} << kNoError;
    QTest::newRow("EXISTS") << QByteArray("* 23 EXISTS\r\n") << Responses{number(NumberResponse::Kind::Exists, 23)}
                            << kNoError;
    QTest::newRow("EXISTS 0") << QByteArray("* 0 EXISTS\r\n") << Responses{number(NumberResponse::Kind::Exists, 0)}
                              << kNoError;
    QTest::newRow("EXISTS largest") << QByteArray("* 4294967295 EXISTS\r\n")
                                    << Responses{number(NumberResponse::Kind::Exists, 4294967295u)} << kNoError;
    QTest::newRow("RECENT") << QByteArray("* 5 RECENT\r\n") << Responses{number(NumberResponse::Kind::Recent, 5)}
                            << kNoError;
    QTest::newRow("EXPUNGE") << QByteArray("* 44 EXPUNGE\r\n") << Responses{number(NumberResponse::Kind::Expunge, 44)}
                             << kNoError;
    QTest::newRow("EXPUNGE run") << QByteArray("* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n* 5 EXPUNGE\r\n* 8 EXPUNGE\r\n")
                                 << Responses{number(NumberResponse::Kind::Expunge, 3),
                                              number(NumberResponse::Kind::Expunge, 3),
                                              number(NumberResponse::Kind::Expunge, 5),
                                              number(NumberResponse::Kind::Expunge, 8)}
                                 << kNoError;
    QTest::newRow("lower-case exists") << QByteArray("* 7 exists\r\n")
                                       << Responses{number(NumberResponse::Kind::Exists, 7)} << kNoError;
    QTest::newRow("VANISHED") << QByteArray("* VANISHED 405,407,410,425\r\n")
                              << Responses{VanishedResponse{false, uids("405,407,410,425")}} << kNoError;
    QTest::newRow("VANISHED single") << QByteArray("* VANISHED 1\r\n") << Responses{VanishedResponse{false, uids("1")}}
                                     << kNoError;
    QTest::newRow("VANISHED (EARLIER)") << QByteArray("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n")
                                        << Responses{VanishedResponse{true, uids("41,43:116,118,120:211,214:540")}}
                                        << kNoError;
    QTest::newRow("VANISHED (EARLIER) backwards range compacted")
            << QByteArray("* VANISHED (EARLIER) 310:300,405\r\n")
            << Responses{VanishedResponse{true, uids("300:310,405")}} << kNoError;
    QTest::newRow("VANISHED unknown modifier") << QByteArray("* VANISHED (LATER) 1\r\n") << Responses{} << kProtocol;
    QTest::newRow("VANISHED empty set") << QByteArray("* VANISHED\r\n") << Responses{} << kProtocol;
    QTest::newRow("VANISHED trailing comma") << QByteArray("* VANISHED 1,2,\r\n") << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// FETCH items (RFC 3501 §7.4.2, RFC 3516 BINARY, RFC 7162 MODSEQ, Gmail X-GM-*).
void TestParser::fetchItems_data()
{
    addColumns();
    QTest::newRow("UID") << QByteArray("* 12 FETCH (UID 4827313)\r\n") << Responses{fetchUid(12, 4827313)} << kNoError;
    QTest::newRow("FLAGS and UID") << QByteArray("* 12 FETCH (FLAGS (\\Seen) UID 4827313)\r\n") << Responses{[] {
        auto f = fetchUid(12, 4827313);
        f.flags = Strings{"\\Seen"};
        return f;
    }()} << kNoError;
    QTest::newRow("FLAGS with keywords and \\Recent")
            << QByteArray("* 1 FETCH (FLAGS (\\Seen \\Recent $Forwarded $MDNSent Junk work))\r\n") << Responses{[] {
                   auto f = fetch(1);
                   f.flags = Strings{"\\Seen", "\\Recent", "$Forwarded", "$MDNSent", "Junk", "work"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("FLAGS empty is present") << QByteArray("* 2 FETCH (FLAGS ())\r\n") << Responses{[] {
        auto f = fetch(2);
        f.flags = Strings{};
        return f;
    }()} << kNoError;
    QTest::newRow("INTERNALDATE negative offset")
            << QByteArray("* 3 FETCH (INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n") << Responses{[] {
                   auto f = fetch(3);
                   f.internalDate = 837596665;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("INTERNALDATE space-padded day")
            << QByteArray("* 3 FETCH (INTERNALDATE \" 1-Jan-2000 00:00:00 +0000\")\r\n") << Responses{[] {
                   auto f = fetch(3);
                   f.internalDate = 946684800;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("INTERNALDATE half-hour offset")
            << QByteArray("* 3 FETCH (INTERNALDATE \"15-Mar-2024 23:30:00 +0530\")\r\n") << Responses{[] {
                   auto f = fetch(3);
                   f.internalDate = 1710525600;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("INTERNALDATE leap day far west")
            << QByteArray("* 3 FETCH (INTERNALDATE \"29-Feb-2024 12:00:00 -1200\")\r\n") << Responses{[] {
                   auto f = fetch(3);
                   f.internalDate = 1709251200;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("INTERNALDATE before the epoch")
            << QByteArray("* 3 FETCH (INTERNALDATE \"31-Dec-1969 23:59:59 +0000\")\r\n") << Responses{[] {
                   auto f = fetch(3);
                   f.internalDate = -1;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("RFC822.SIZE") << QByteArray("* 4 FETCH (RFC822.SIZE 4286)\r\n") << Responses{[] {
        auto f = fetch(4);
        f.rfc822Size = 4286;
        return f;
    }()} << kNoError;
    QTest::newRow("MODSEQ 64-bit") << QByteArray("* 5 FETCH (UID 9 MODSEQ (12121231000))\r\n") << Responses{[] {
        auto f = fetchUid(5, 9);
        f.modSeq = 12121231000ull;
        return f;
    }()} << kNoError;
    QTest::newRow("flag change with MODSEQ (RFC 7162)")
            << QByteArray("* 50 FETCH (MODSEQ (12111230048) FLAGS (\\Deleted \\Seen) UID 200)\r\n") << Responses{[] {
                   auto f = fetchUid(50, 200);
                   f.modSeq = 12111230048ull;
                   f.flags = Strings{"\\Deleted", "\\Seen"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("BODY[] literal") << QByteArray("* 6 FETCH (UID 6 BODY[] {23}\r\nSubject: hi\r\n\r\nHello!\r\n)\r\n")
                                    << Responses{[] {
                                           auto f = fetchUid(6, 6);
                                           f.sections = {section("", "Subject: hi\r\n\r\nHello!\r\n")};
                                           return f;
                                       }()}
                                    << kNoError;
    QTest::newRow("BODY[] literal containing response-like lines")
            << QByteArray("* 6 FETCH (BODY[TEXT] {29}\r\n* 1 EXISTS\r\na1 OK done\r\n{3}\r\n)\r\n* 7 EXISTS\r\n")
            << Responses{fetchSection(6, section("TEXT", "* 1 EXISTS\r\na1 OK done\r\n{3}\r\n")),
                         number(NumberResponse::Kind::Exists, 7)}
            << kNoError;
    QTest::newRow("BODY[TEXT]<0> origin") << QByteArray("* 7 FETCH (BODY[TEXT]<0> {5}\r\nHello)\r\n")
                                          << Responses{fetchSection(7, section("TEXT", "Hello", 0))} << kNoError;
    QTest::newRow("BODY[1.2]<1024> quoted") << QByteArray("* 7 FETCH (BODY[1.2]<1024> \"partial\")\r\n")
                                            << Responses{fetchSection(7, section("1.2", "partial", 1024))} << kNoError;
    QTest::newRow("BODY[1] NIL") << QByteArray("* 8 FETCH (BODY[1] NIL)\r\n")
                                 << Responses{fetchSection(8, section("1", QByteArray()))} << kNoError;
    QTest::newRow("BODY[1] empty string is not NIL")
            << QByteArray("* 8 FETCH (BODY[1] \"\")\r\n") << Responses{fetchSection(8, section("1", ""))} << kNoError;
    QTest::newRow("BODY[1] empty literal") << QByteArray("* 8 FETCH (BODY[1] {0}\r\n)\r\n")
                                           << Responses{fetchSection(8, section("1", ""))} << kNoError;
    QTest::newRow("BODY[HEADER.FIELDS (FROM SUBJECT)]")
            << QByteArray("* 9 FETCH (UID 9 BODY[HEADER.FIELDS (FROM SUBJECT)] {26}\r\nFrom: a@b\r\nSubject: "
                          "Hi\r\n\r\n)\r\n")
            << Responses{[] {
                   auto f = fetchUid(9, 9);
                   f.sections = {section("HEADER.FIELDS (FROM SUBJECT)", "From: a@b\r\nSubject: Hi\r\n\r\n")};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("BODY[HEADER.FIELDS.NOT (X-A)] before UID")
            << QByteArray("* 9 FETCH (BODY[HEADER.FIELDS.NOT (X-A)] {2}\r\n\r\n UID 9)\r\n") << Responses{[] {
                   auto f = fetchUid(9, 9);
                   f.sections = {section("HEADER.FIELDS.NOT (X-A)", "\r\n")};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("two sections") << QByteArray("* 10 FETCH (BODY[1] {3}\r\nabc BODY[2] \"de\")\r\n") << Responses{[] {
        auto f = fetch(10);
        f.sections = {section("1", "abc"), section("2", "de")};
        return f;
    }()} << kNoError;
    QTest::newRow("BINARY[1] literal8 with NUL")
            << withNul("* 11 FETCH (BINARY[1] ~{5}\r\nab", "cd)\r\n")
            << Responses{fetchSection(11, section("1", QByteArray("ab\0cd", 5), std::nullopt, true))} << kNoError;
    QTest::newRow("BINARY[2]<0> plain literal")
            << QByteArray("* 11 FETCH (BINARY[2]<0> {3}\r\nxyz)\r\n")
            << Responses{fetchSection(11, section("2", "xyz", 0, true))} << kNoError;
    QTest::newRow("BINARY.SIZE") << QByteArray("* 12 FETCH (BINARY.SIZE[1] 2212 BINARY.SIZE[2.1] 0)\r\n")
                                 << Responses{[] {
                                        auto f = fetch(12);
                                        f.binarySizes = {{"1", 2212}, {"2.1", 0}};
                                        return f;
                                    }()}
                                 << kNoError;
    QTest::newRow("Gmail X-GM-MSGID X-GM-THRID X-GM-LABELS")
            << QByteArray("* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 "
                          "X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\") UID 4)\r\n")
            << Responses{[] {
                   auto f = fetchUid(1, 4);
                   f.gmailThreadId = 1278455344230334865ull;
                   f.gmailMessageId = 1278455344230334866ull;
                   f.gmailLabels = Strings{"\\Inbox", "\\Sent", "Important", "Muy Importante"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("Gmail X-GM-LABELS empty") << QByteArray("* 1 FETCH (X-GM-LABELS ())\r\n") << Responses{[] {
        auto f = fetch(1);
        f.gmailLabels = Strings{};
        return f;
    }()} << kNoError;
    QTest::newRow("RFC822.HEADER as a section") << QByteArray("* 2 FETCH (RFC822.HEADER {4}\r\nA: b)\r\n")
                                                << Responses{fetchSection(2, section("HEADER", "A: b"))} << kNoError;
    QTest::newRow("unknown items skipped")
            << QByteArray("* 3 FETCH (UID 5 PREVIEW \"hello\" EMAILID (M6d99ac3275bb4e) SAVEDATE NIL "
                          "X-THING (1 (2 {3}\r\nabc)) RFC822.SIZE 9)\r\n")
            << Responses{[] {
                   auto f = fetchUid(3, 5);
                   f.rfc822Size = 9;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("full summary fetch")
            << QByteArray("* 12 FETCH (UID 77 FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
                          "RFC822.SIZE 4286 MODSEQ (5) ENVELOPE ") +
                       kRfcExampleEnvelopeWire +
                       " BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"
            << Responses{[] {
                   auto f = fetchUid(12, 77);
                   f.flags = Strings{"\\Seen"};
                   f.internalDate = 837596665;
                   f.rfc822Size = 4286;
                   f.modSeq = 5;
                   f.envelope = rfcExampleEnvelope();
                   f.bodyStructure = textPlain(3028, 92, "US-ASCII");
                   return f;
               }()}
            << kNoError;
    QTest::newRow("UID 0 is invalid") << QByteArray("* 1 FETCH (UID 0)\r\n") << Responses{} << kProtocol;
    QTest::newRow("FETCH without list") << QByteArray("* 1 FETCH UID 5\r\n") << Responses{} << kProtocol;
    QTest::newRow("FETCH item without value") << QByteArray("* 1 FETCH (UID)\r\n") << Responses{} << kProtocol;
    QTest::newRow("MODSEQ without parentheses") << QByteArray("* 1 FETCH (MODSEQ 5)\r\n") << Responses{} << kProtocol;
    QTest::newRow("section not closed") << QByteArray("* 1 FETCH (BODY[1 \"x\")\r\n") << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// ENVELOPE (RFC 3501 §7.4.2, §9 "envelope"), addresses and RFC 822 groups.
void TestParser::envelopes_data()
{
    addColumns();
    QTest::newRow("rfc3501 example") << QByteArray("* 12 FETCH (ENVELOPE ") + kRfcExampleEnvelopeWire + ")\r\n"
                                     << Responses{fetchEnvelope(12, rfcExampleEnvelope())} << kNoError;
    QTest::newRow("all NIL") << QByteArray("* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n")
                             << Responses{fetchEnvelope(1, Envelope{})} << kNoError;
    QTest::newRow("empty strings are not NIL")
            << QByteArray("* 1 FETCH (ENVELOPE (\"\" \"\" NIL NIL NIL NIL NIL NIL \"\" \"\"))\r\n") << Responses{[] {
                   Envelope e;
                   e.date = "";
                   e.subject = "";
                   e.inReplyTo = "";
                   e.messageId = "";
                   return fetchEnvelope(1, e);
               }()}
            << kNoError;
    QTest::newRow("literal subject")
            << QByteArray("* 2 FETCH (ENVELOPE (NIL {17}\r\nMulti\r\nline \"subj NIL NIL NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.subject = "Multi\r\nline \"subj";
                   return fetchEnvelope(2, e);
               }()}
            << kNoError;
    QTest::newRow("quoted escapes in subject")
            << QByteArray(
                       "* 3 FETCH (ENVELOPE (NIL \"He said \\\"hi\\\" \\\\o/\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.subject = "He said \"hi\" \\o/";
                   return fetchEnvelope(3, e);
               }()}
            << kNoError;
    QTest::newRow("encoded-word subject kept raw")
            << QByteArray(
                       "* 3 FETCH (ENVELOPE (NIL \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.subject = "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=";
                   return fetchEnvelope(3, e);
               }()}
            << kNoError;
    QTest::newRow("empty group")
            << QByteArray("* 4 FETCH (ENVELOPE (NIL NIL NIL NIL NIL ((NIL NIL "
                          "\"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.to = {address(QByteArray(), "undisclosed-recipients", QByteArray()), Address{}};
                   return fetchEnvelope(4, e);
               }()}
            << kNoError;
    QTest::newRow("group with members")
            << QByteArray("* 4 FETCH (ENVELOPE (NIL NIL NIL NIL NIL ((NIL NIL \"team\" NIL)(\"Ann\" NIL \"ann\" "
                          "\"example.org\")(NIL NIL \"bob\" \"example.org\")(NIL NIL NIL NIL)(\"Cy\" NIL \"cy\" "
                          "\"example.net\")) NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.to = {address(QByteArray(), "team", QByteArray()), address("Ann", "ann", "example.org"),
                           address(QByteArray(), "bob", "example.org"), Address{}, address("Cy", "cy", "example.net")};
                   return fetchEnvelope(4, e);
               }()}
            << kNoError;
    QTest::newRow("source route adl")
            << QByteArray("* 5 FETCH (ENVELOPE (NIL NIL ((NIL \"@relay.example\" \"x\" \"y.example\")) NIL NIL NIL NIL "
                          "NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.from = {Address{QByteArray(), "@relay.example", "x", "y.example"}};
                   return fetchEnvelope(5, e);
               }()}
            << kNoError;
    QTest::newRow("in-reply-to and message-id")
            << QByteArray("* 6 FETCH (ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Re: x\" NIL NIL NIL NIL NIL NIL "
                          "\"<a@b>\" \"<c@d>\"))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.date = "Mon, 7 Feb 1994 21:52:25 -0800";
                   e.subject = "Re: x";
                   e.inReplyTo = "<a@b>";
                   e.messageId = "<c@d>";
                   return fetchEnvelope(6, e);
               }()}
            << kNoError;
    // The parser shares the From list with Sender and Reply-To when their bytes are identical;
    // these rows pin that only identical lists are shared.
    QTest::newRow("sender and reply-to repeat from")
            << QByteArray("* 8 FETCH (ENVELOPE (NIL NIL ((\"Al\" NIL \"al\" \"ex.org\")) ((\"Al\" NIL \"al\" "
                          "\"ex.org\")) ((\"Al\" NIL \"al\" \"ex.org\")) NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.from = e.sender = e.replyTo = {address("Al", "al", "ex.org")};
                   return fetchEnvelope(8, e);
               }()}
            << kNoError;
    QTest::newRow("sender starts like from but has a second address")
            << QByteArray("* 8 FETCH (ENVELOPE (NIL NIL ((\"Al\" NIL \"al\" \"ex.org\")) ((\"Al\" NIL \"al\" "
                          "\"ex.org\")(NIL NIL \"bo\" \"ex.org\")) NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.from = {address("Al", "al", "ex.org")};
                   e.sender = {address("Al", "al", "ex.org"), address(QByteArray(), "bo", "ex.org")};
                   return fetchEnvelope(8, e);
               }()}
            << kNoError;
    QTest::newRow("reply-to differs from from in one byte")
            << QByteArray("* 8 FETCH (ENVELOPE (NIL NIL ((\"Al\" NIL \"al\" \"ex.org\")) NIL ((\"Al\" NIL \"al\" "
                          "\"ex.net\")) NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.from = {address("Al", "al", "ex.org")};
                   e.replyTo = {address("Al", "al", "ex.net")};
                   return fetchEnvelope(8, e);
               }()}
            << kNoError;
    QTest::newRow("sender repeats from with a literal name")
            << QByteArray("* 8 FETCH (ENVELOPE (NIL NIL (({2}\r\nAl NIL \"al\" \"ex.org\")) (({2}\r\nAl NIL \"al\" "
                          "\"ex.org\")) NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.from = e.sender = {address("Al", "al", "ex.org")};
                   return fetchEnvelope(8, e);
               }()}
            << kNoError;
    QTest::newRow("envelope with nine fields")
            << QByteArray("* 7 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n") << Responses{} << kProtocol;
    QTest::newRow("address with three fields")
            << QByteArray("* 7 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"x\")) NIL NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// BODYSTRUCTURE and BODY (RFC 3501 §7.4.2, RFC 9051 §7.5.2), extension data present and absent.
void TestParser::bodyStructures_data()
{
    addColumns();
    QTest::newRow("BODY single text part (non-extensible)")
            << QByteArray(
                       "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n")
            << Responses{fetchBody(1, textPlain(3028, 92, "US-ASCII"))} << kNoError;
    QTest::newRow("text part with NIL extension data")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL "
                          "\"quoted-printable\" 1315 42 NIL NIL NIL NIL))\r\n")
            << Responses{fetchBody(1, textPlain(1315, 42, "utf-8", "quoted-printable"))} << kNoError;
    QTest::newRow("text part with md5 disposition language location")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"html\" (\"charset\" \"utf-8\" \"format\" \"flowed\") "
                          "\"<id@x>\" \"A page\" \"base64\" 900 12 \"Q2hlY2s=\" (\"inline\" NIL) \"en\" "
                          "\"http://example.org/page.html\"))\r\n")
            << Responses{[] {
                   BodyPart p = leaf("text", "html", {{"charset", "utf-8"}, {"format", "flowed"}}, "base64", 900, 12);
                   p.id = "<id@x>";
                   p.description = "A page";
                   p.md5 = "Q2hlY2s=";
                   p.disposition.type = "inline";
                   p.language = {"en"};
                   p.location = "http://example.org/page.html";
                   return fetchBody(1, p);
               }()}
            << kNoError;
    QTest::newRow("language as list") << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" "
                                                    "10 1 NIL NIL (\"en\" \"de-CH\") NIL))\r\n")
                                      << Responses{[] {
                                             BodyPart p = leaf("text", "plain", {}, "7bit", 10, 1);
                                             p.language = {"en", "de-CH"};
                                             return fetchBody(1, p);
                                         }()}
                                      << kNoError;
    QTest::newRow("extension data stops after md5")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1 \"abc\"))\r\n")
            << Responses{[] {
                   BodyPart p = leaf("text", "plain", {}, "7bit", 10, 1);
                   p.md5 = "abc";
                   return fetchBody(1, p);
               }()}
            << kNoError;
    QTest::newRow("future body extensions skipped")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 10 1 NIL NIL NIL "
                          "\"loc\" (\"x\" (1 2) {3}\r\nabc) 5 \"y\") UID 3)\r\n")
            << Responses{[] {
                   BodyPart p = leaf("text", "plain", {}, "7bit", 10, 1);
                   p.location = "loc";
                   auto f = fetchBody(1, p);
                   f.uid = 3;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("image part without lines")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"image\" \"jpeg\" "
                          "(\"name\" \"cat.jpg\") NIL NIL \"base64\" 123456))\r\n")
            << Responses{fetchBody(1, leaf("image", "jpeg", {{"name", "cat.jpg"}}, "base64", 123456))} << kNoError;
    QTest::newRow("rfc3501 multipart/mixed example")
            << QByteArray("* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" "
                          "1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
                          "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) "
                          "\"MIXED\"))\r\n")
            << Responses{[] {
                   BodyPart second = leaf("text", "plain", {{"charset", "US-ASCII"}, {"name", "cc.diff"}}, "base64",
                                          4554, 73);
                   second.id = "<960723163407.20117h@cac.washington.edu>";
                   second.description = "Compiler diff";
                   return fetchBody(2, multipart("mixed", {textPlain(1152, 23, "US-ASCII"), second}));
               }()}
            << kNoError;
    QTest::newRow("multipart/alternative with extension data")
            << QByteArray(
                       "* 3 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 10 1 "
                       "NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 200 4 "
                       "NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b1\") NIL NIL NIL))\r\n")
            << Responses{fetchBody(3, multipart("alternative",
                                                {textPlain(10, 1, "utf-8"), leaf("text", "html", {{"charset", "utf-8"}},
                                                                                 "quoted-printable", 200, 4)},
                                                {{"boundary", "b1"}}))}
            << kNoError;
    QTest::newRow("multipart/mixed with attachment and disposition parameters")
            << QByteArray(
                       "* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1 "
                       "NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"report.pdf\") NIL NIL \"base64\" 4096 NIL "
                       "(\"attachment\" (\"filename\" \"report.pdf\" \"size\" \"3000\")) NIL NIL) \"mixed\" "
                       "(\"boundary\" \"XYZ\") NIL NIL NIL))\r\n")
            << Responses{[] {
                   BodyPart pdf = leaf("application", "pdf", {{"name", "report.pdf"}}, "base64", 4096);
                   pdf.disposition.type = "attachment";
                   pdf.disposition.parameters = {{"filename", "report.pdf"}, {"size", "3000"}};
                   return fetchBody(4, multipart("mixed", {textPlain(5, 1), pdf}, {{"boundary", "XYZ"}}));
               }()}
            << kNoError;
    QTest::newRow("multipart without extension data")
            << QByteArray(
                       "* 5 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)(\"text\" \"plain\" NIL "
                       "NIL NIL \"7bit\" 2 1) \"mixed\"))\r\n")
            << Responses{fetchBody(5, multipart("mixed", {leaf("text", "plain", {}, "7bit", 1, 1),
                                                          leaf("text", "plain", {}, "7bit", 2, 1)}))}
            << kNoError;
    QTest::newRow("multipart with disposition language location")
            << QByteArray("* 5 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) \"mixed\" "
                          "(\"boundary\" \"q\") (\"inline\" (\"x\" \"y\")) (\"fr\" \"it\") \"where\" 7))\r\n")
            << Responses{[] {
                   BodyPart m = multipart("mixed", {leaf("text", "plain", {}, "7bit", 1, 1)}, {{"boundary", "q"}});
                   m.disposition.type = "inline";
                   m.disposition.parameters = {{"x", "y"}};
                   m.language = {"fr", "it"};
                   m.location = "where";
                   return fetchBody(5, m);
               }()}
            << kNoError;
    QTest::newRow("nested multipart related in alternative")
            << QByteArray(
                       "* 6 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)((\"text\" \"html\" NIL "
                       "NIL NIL \"7bit\" 2 1)(\"image\" \"png\" NIL \"<img1>\" NIL \"base64\" 300) \"related\") "
                       "\"alternative\"))\r\n")
            << Responses{[] {
                   BodyPart png = leaf("image", "png", {}, "base64", 300);
                   png.id = "<img1>";
                   return fetchBody(6,
                                    multipart("alternative",
                                              {leaf("text", "plain", {}, "7bit", 1, 1),
                                               multipart("related", {leaf("text", "html", {}, "7bit", 2, 1), png})}));
               }()}
            << kNoError;
    QTest::newRow("message/rfc822 with nested envelope and body")
            << QByteArray(
                       "* 7 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)(\"message\" \"rfc822\" "
                       "NIL NIL \"Forwarded\" \"7bit\" 500 ") +
                       kRfcExampleEnvelopeWire +
                       " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 100 5 NIL NIL NIL "
                       "NIL)(\"text\" "
                       "\"html\" NIL NIL NIL \"7bit\" 200 6 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"in\") NIL "
                       "NIL "
                       "NIL) 20 NIL (\"attachment\" NIL) NIL NIL) \"mixed\"))\r\n"
            << Responses{[] {
                   BodyPart message = leaf("message", "rfc822", {}, "7bit", 500, 20);
                   message.description = "Forwarded";
                   message.envelope = std::make_shared<Envelope>(rfcExampleEnvelope());
                   message.disposition.type = "attachment";
                   message.children.push_back(multipart("alternative",
                                                        {textPlain(100, 5), leaf("text", "html", {}, "7bit", 200, 6)},
                                                        {{"boundary", "in"}}));
                   return fetchBody(7, multipart("mixed", {leaf("text", "plain", {}, "7bit", 1, 1), message}));
               }()}
            << kNoError;
    QTest::newRow("type and parameter names lower-cased, values kept")
            << QByteArray("* 8 FETCH (BODYSTRUCTURE (\"TEXT\" \"Plain\" (\"CharSet\" \"UTF-8\") NIL NIL \"Base64\" 4 "
                          "1))\r\n")
            << Responses{fetchBody(8, leaf("text", "plain", {{"charset", "UTF-8"}}, "base64", 4, 1))} << kNoError;
    QTest::newRow("literal parameter value")
            << QByteArray("* 9 FETCH (BODYSTRUCTURE (\"application\" \"octet-stream\" (\"name\" {9}\r\nodd\"name\") "
                          "NIL NIL \"base64\" 4))\r\n")
            << Responses{fetchBody(9, leaf("application", "octet-stream", {{"name", "odd\"name\""}}, "base64", 4))}
            << kNoError;
    QTest::newRow("BODY and BODYSTRUCTURE with section fetch")
            << QByteArray("* 10 FETCH (UID 1 BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1) BODY[1] "
                          "\"abc\")\r\n")
            << Responses{[] {
                   auto f = fetchBody(10, leaf("text", "plain", {}, "7bit", 3, 1));
                   f.uid = 1;
                   f.sections = {section("1", "abc")};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("body missing closing paren")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)\r\n") << Responses{}
            << kProtocol;
    QTest::newRow("body with text size") << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL "
                                                       "\"7bit\" big 1))\r\n")
                                         << Responses{} << kProtocol;
}

// ---------------------------------------------------------------------------------------------
// NAMESPACE (RFC 2342), ID (RFC 2971), QUOTA and QUOTAROOT (RFC 9208), unknown responses.
void TestParser::serverInfo_data()
{
    addColumns();
    auto ns = [](QList<NamespaceEntry> personal, QList<NamespaceEntry> other, QList<NamespaceEntry> shared) {
        return NamespaceResponse{std::move(personal), std::move(other), std::move(shared)};
    };
    QTest::newRow("namespace personal only")
            << QByteArray("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n") << Responses{ns({{"", '/'}}, {}, {})} << kNoError;
    QTest::newRow("namespace all NIL") << QByteArray("* NAMESPACE NIL NIL NIL\r\n") << Responses{ns({}, {}, {})}
                                       << kNoError;
    QTest::newRow("namespace multiple entries")
            << QByteArray("* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")"
                          "(\"#public/\" \"/\"))\r\n")
            << Responses{ns({{"", '/'}, {"#mh/", '/'}}, {{"~", '/'}}, {{"#shared/", '/'}, {"#public/", '/'}})}
            << kNoError;
    QTest::newRow("namespace with extension")
            << QByteArray("* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n")
            << Responses{ns({{"", '/'}}, {}, {})} << kNoError;
    QTest::newRow("namespace NIL delimiter")
            << QByteArray("* NAMESPACE ((\"\" NIL)) NIL NIL\r\n") << Responses{ns({{"", 0}}, {}, {})} << kNoError;
    QTest::newRow("namespace Courier dots")
            << QByteArray("* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"#shared.\" \".\"))\r\n")
            << Responses{ns({{"INBOX.", '.'}}, {}, {{"#shared.", '.'}})} << kNoError;
    QTest::newRow("namespace missing group")
            << QByteArray("* NAMESPACE ((\"\" \"/\")) NIL\r\n") << Responses{} << kProtocol;
    QTest::newRow("ID NIL") << QByteArray("* ID NIL\r\n") << Responses{IdResponse{}} << kNoError;
    QTest::newRow("ID pairs with NIL value")
            << QByteArray("* ID (\"name\" \"Dovecot\" \"version\" NIL \"support-url\" \"https://dovecot.org\")\r\n")
            << Responses{IdResponse{
                       {{"name", "Dovecot"}, {"version", QByteArray()}, {"support-url", "https://dovecot.org"}}}}
            << kNoError;
    QTest::newRow("ID empty list") << QByteArray("* ID ()\r\n") << Responses{IdResponse{}} << kNoError;
    QTest::newRow("QUOTA one resource") << QByteArray("* QUOTA \"\" (STORAGE 10 512)\r\n")
                                        << Responses{QuotaResponse{"", {{"STORAGE", 10, 512}}}} << kNoError;
    QTest::newRow("QUOTA several resources")
            << QByteArray("* QUOTA \"#user/alice\" (STORAGE 10 512 message 3 1000 MAILBOX 4 8)\r\n")
            << Responses{QuotaResponse{"#user/alice", {{"STORAGE", 10, 512}, {"MESSAGE", 3, 1000}, {"MAILBOX", 4, 8}}}}
            << kNoError;
    QTest::newRow("QUOTA 64-bit storage")
            << QByteArray("* QUOTA root (STORAGE 5000000000 9000000000)\r\n")
            << Responses{QuotaResponse{"root", {{"STORAGE", 5000000000ull, 9000000000ull}}}} << kNoError;
    QTest::newRow("QUOTA empty") << QByteArray("* QUOTA \"\" ()\r\n") << Responses{QuotaResponse{"", {}}} << kNoError;
    QTest::newRow("QUOTAROOT one root") << QByteArray("* QUOTAROOT INBOX \"\"\r\n")
                                        << Responses{QuotaRootResponse{"INBOX", {""}}} << kNoError;
    QTest::newRow("QUOTAROOT no root") << QByteArray("* QUOTAROOT comp.mail.mime\r\n")
                                       << Responses{QuotaRootResponse{"comp.mail.mime", {}}} << kNoError;
    QTest::newRow("QUOTAROOT several roots")
            << QByteArray("* QUOTAROOT \"Shared Box\" \"#user/a\" {3}\r\nb c\r\n")
            << Responses{QuotaRootResponse{"Shared Box", {"#user/a", "b c"}}} << kNoError;
    QTest::newRow("QUOTA resource without limit")
            << QByteArray("* QUOTA \"\" (STORAGE 10)\r\n") << Responses{} << kProtocol;
    QTest::newRow("unknown response kept raw")
            << QByteArray("* METADATA \"INBOX\" (/private/comment \"My comment\")\r\n")
            << Responses{UnhandledResponse{"METADATA", "* METADATA \"INBOX\" (/private/comment \"My comment\")"}}
            << kNoError;
    QTest::newRow("unknown response with literal framed")
            << QByteArray("* XFOO bar {5}\r\nhe)\r\n (x)\r\n* 2 EXISTS\r\n")
            << Responses{UnhandledResponse{"XFOO", "* XFOO bar {5}\r\nhe)\r\n (x)"},
                         number(NumberResponse::Kind::Exists, 2)}
            << kNoError;
}

// ---------------------------------------------------------------------------------------------
// Continuation requests (RFC 3501 §7.5).
void TestParser::continuations_data()
{
    addColumns();
    QTest::newRow("idling") << QByteArray("+ idling\r\n") << Responses{ContinuationRequest{"idling"}} << kNoError;
    QTest::newRow("ready for literal") << QByteArray("+ Ready for additional command text\r\n")
                                       << Responses{ContinuationRequest{"Ready for additional command text"}}
                                       << kNoError;
    QTest::newRow("plus alone") << QByteArray("+\r\n") << Responses{ContinuationRequest{""}} << kNoError;
    QTest::newRow("plus space") << QByteArray("+ \r\n") << Responses{ContinuationRequest{""}} << kNoError;
    QTest::newRow("base64 challenge")
            << QByteArray("+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=\r\n")
            << Responses{ContinuationRequest{
                       "YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ="}}
            << kNoError;
    QTest::newRow("braces are text, not a literal")
            << QByteArray("+ {5}\r\n* 1 EXISTS\r\n")
            << Responses{ContinuationRequest{"{5}"}, number(NumberResponse::Kind::Exists, 1)} << kNoError;
    QTest::newRow("continuation between responses")
            << QByteArray("* 3 EXISTS\r\n+ go ahead\r\na1 OK done\r\n")
            << Responses{number(NumberResponse::Kind::Exists, 3), ContinuationRequest{"go ahead"},
                         status("a1", Status::Ok, "done")}
            << kNoError;
}

// ---------------------------------------------------------------------------------------------
// Documented deviations of real servers, each named after the server and what it does.
void TestParser::serverQuirks_data()
{
    addColumns();
    QTest::newRow("Exchange: NIL content-transfer-encoding where a string belongs")
            << QByteArray(
                       "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL NIL 100 5 NIL NIL "
                       "NIL NIL))\r\n")
            << Responses{fetchBody(1, leaf("text", "plain", {{"charset", "utf-8"}}, QByteArray(), 100, 5))} << kNoError;
    QTest::newRow("Exchange: body-fld-lines -1")
            << QByteArray(
                       "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 100 -1 "
                       "NIL NIL NIL NIL))\r\n")
            << Responses{fetchBody(1, leaf("text", "plain", {{"charset", "utf-8"}}, "7bit", 100))} << kNoError;
    QTest::newRow("Exchange: body-fld-lines NIL")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 100 NIL NIL NIL NIL "
                          "NIL))\r\n")
            << Responses{fetchBody(1, leaf("text", "plain", {}, "7bit", 100))} << kNoError;
    QTest::newRow("body-fld-octets -1 means unknown")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"image\" \"gif\" NIL NIL NIL \"base64\" -1))\r\n")
            << Responses{fetchBody(1, leaf("image", "gif", {}, "base64", 0))} << kNoError;
    QTest::newRow("message/rfc822 without envelope and body")
            << QByteArray("* 1 FETCH (BODYSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 4021 NIL NIL NIL "
                          "NIL))\r\n")
            << Responses{fetchBody(1, leaf("message", "rfc822", {}, "7bit", 4021))} << kNoError;
    QTest::newRow("Exchange: unreadable INTERNALDATE leaves the date unset")
            << QByteArray("* 2 FETCH (UID 8 INTERNALDATE \"01-Jan-1601 00:00:00\" RFC822.SIZE 10)\r\n")
            << Responses{[] {
                   auto f = fetchUid(2, 8);
                   f.rfc822Size = 10;
                   return f;
               }()}
            << kNoError;
    QTest::newRow("Exchange: INTERNALDATE NIL")
            << QByteArray("* 2 FETCH (INTERNALDATE NIL UID 8)\r\n") << Responses{fetchUid(2, 8)} << kNoError;
    QTest::newRow("Exchange: BYE Connection closed")
            << QByteArray("* BYE Connection closed.\r\n") << Responses{status("", Status::Bye, "Connection closed.")}
            << kNoError;
    QTest::newRow("Yahoo: number where a string belongs in parameters")
            << QByteArray("* 3 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" 0 \"name\" 1234) NIL NIL \"7bit\" "
                          "10 1))\r\n")
            << Responses{fetchBody(3, leaf("text", "plain", {{"charset", "0"}, {"name", "1234"}}, "7bit", 10, 1))}
            << kNoError;
    QTest::newRow("Yahoo: NIL subtype")
            << QByteArray("* 3 FETCH (BODYSTRUCTURE (\"text\" NIL NIL NIL NIL \"7bit\" 10 1))\r\n")
            << Responses{fetchBody(3, leaf("text", QByteArray(), {}, "7bit", 10, 1))} << kNoError;
    QTest::newRow("atom where a string belongs in the envelope")
            << QByteArray(
                       "* 3 FETCH (ENVELOPE (NIL Hello ((NIL NIL joe example.com)) NIL NIL NIL NIL NIL NIL NIL))\r\n")
            << Responses{[] {
                   Envelope e;
                   e.subject = "Hello";
                   e.from = {address(QByteArray(), "joe", "example.com")};
                   return fetchEnvelope(3, e);
               }()}
            << kNoError;
    QTest::newRow("text part without body-fld-lines")
            << QByteArray("* 4 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" "
                          "10))\r\n")
            << Responses{fetchBody(4, leaf("text", "plain", {{"charset", "us-ascii"}}, "7bit", 10))} << kNoError;
    QTest::newRow("bare disposition string instead of a list")
            << QByteArray("* 4 FETCH (BODYSTRUCTURE (\"application\" \"zip\" NIL NIL NIL \"base64\" 10 NIL "
                          "\"attachment\" NIL NIL))\r\n")
            << Responses{[] {
                   BodyPart p = leaf("application", "zip", {}, "base64", 10);
                   p.disposition.type = "attachment";
                   return fetchBody(4, p);
               }()}
            << kNoError;
    QTest::newRow("multipart without subtype")
            << QByteArray("* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL "
                          "NIL \"7bit\" 1 1)))\r\n")
            << Responses{fetchBody(4, multipart(QByteArray(), {leaf("text", "plain", {}, "7bit", 1, 1)}))} << kNoError;
    QTest::newRow("iCloud: trailing spaces after responses")
            << QByteArray("* 3 EXISTS \r\n* 1 FETCH (UID 5 FLAGS ()) \r\na1 OK done   \r\n")
            << Responses{number(NumberResponse::Kind::Exists, 3),
                         [] {
                             auto f = fetchUid(1, 5);
                             f.flags = Strings{};
                             return f;
                         }(),
                         status("a1", Status::Ok, "done")}
            << kNoError;
    QTest::newRow("Gmail: extra spaces between FETCH items")
            << QByteArray("* 1 FETCH ( X-GM-THRID 1  UID 5   FLAGS (\\Seen  \\Flagged ) )\r\n") << Responses{[] {
                   auto f = fetchUid(1, 5);
                   f.gmailThreadId = 1;
                   f.flags = Strings{"\\Seen", "\\Flagged"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("Gmail: quoted labels with escaped backslash")
            << QByteArray("* 1 FETCH (X-GM-LABELS (\"\\\\Important\" \"\\\\Starred\" Work))\r\n") << Responses{[] {
                   auto f = fetch(1);
                   f.gmailLabels = Strings{"\\Important", "\\Starred", "Work"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("Gmail: literal label")
            << QByteArray("* 1 FETCH (X-GM-LABELS ({7}\r\nA \"b\" c))\r\n") << Responses{[] {
                   auto f = fetch(1);
                   f.gmailLabels = Strings{"A \"b\" c"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("Gmail: two FETCH responses for one UID kept apart")
            << QByteArray("* 1 FETCH (UID 5 FLAGS (\\Seen))\r\n* 1 FETCH (UID 5 X-GM-LABELS (\\Inbox))\r\n")
            << Responses{[] {
                             auto f = fetchUid(1, 5);
                             f.flags = Strings{"\\Seen"};
                             return f;
                         }(),
                         [] {
                             auto f = fetchUid(1, 5);
                             f.gmailLabels = Strings{"\\Inbox"};
                             return f;
                         }()}
            << kNoError;
    QTest::newRow("status with no text (Courier)")
            << QByteArray("* OK [ALERT]\r\n") << Responses{status("", Status::Ok, "", code(Kind::Alert, "ALERT"))}
            << kNoError;
    QTest::newRow("Courier: quoted INBOX with dot delimiter")
            << QByteArray("* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\n")
            << Responses{list({"\\HasNoChildren"}, '.', "INBOX")} << kNoError;
    QTest::newRow("Cyrus: URLMECH code") << QByteArray("* OK [URLMECH INTERNAL] done\r\n")
                                         << Responses{status("", Status::Ok, "done", otherCode("URLMECH", "INTERNAL"))}
                                         << kNoError;
    QTest::newRow("code directly followed by text")
            << QByteArray("* OK [UIDVALIDITY 7]Ok\r\n")
            << Responses{status("", Status::Ok, "Ok", numberCode(Kind::UidValidity, "UIDVALIDITY", 7))} << kNoError;
    QTest::newRow("Dovecot: HIGHESTMODSEQ 1")
            << QByteArray("* OK [HIGHESTMODSEQ 1] Highest\r\n")
            << Responses{status("", Status::Ok, "Highest", numberCode(Kind::HighestModSeq, "HIGHESTMODSEQ", 1))}
            << kNoError;
    QTest::newRow("Dovecot: VANISHED (EARLIER) then FETCH on QRESYNC select")
            << QByteArray("* VANISHED (EARLIER) 1:5,9\r\n* 3 FETCH (UID 12 FLAGS (\\Seen) MODSEQ (42))\r\n"
                          "a1 OK [READ-WRITE] Select completed\r\n")
            << Responses{VanishedResponse{true, uids("1:5,9")},
                         [] {
                             auto f = fetchUid(3, 12);
                             f.flags = Strings{"\\Seen"};
                             f.modSeq = 42;
                             return f;
                         }(),
                         status("a1", Status::Ok, "Select completed", code(Kind::ReadWrite, "READ-WRITE"))}
            << kNoError;
    QTest::newRow("Dovecot: LIST-STATUS with special-use")
            << QByteArray("* LIST (\\HasNoChildren \\Trash) \"/\" Trash\r\n* STATUS Trash (MESSAGES 2 UIDNEXT 3 "
                          "UIDVALIDITY 1700000000 UNSEEN 0 HIGHESTMODSEQ 4)\r\n")
            << Responses{list({"\\HasNoChildren", "\\Trash"}, '/', "Trash"),
                         [] {
                             StatusDataResponse s;
                             s.mailbox = "Trash";
                             s.messages = 2;
                             s.uidNext = 3;
                             s.uidValidity = 1700000000u;
                             s.unseen = 0;
                             s.highestModSeq = 4;
                             return s;
                         }()}
            << kNoError;
    QTest::newRow("* 0 FETCH is passed up for the sync layer to ignore")
            << QByteArray("* 0 FETCH (FLAGS (\\Seen))\r\n") << Responses{[] {
                   auto f = fetch(0);
                   f.flags = Strings{"\\Seen"};
                   return f;
               }()}
            << kNoError;
    QTest::newRow("lower-case nil") << QByteArray("* 1 FETCH (BODY[1] nil)\r\n")
                                    << Responses{fetchSection(1, section("1", QByteArray()))} << kNoError;
    QTest::newRow("space before closing paren")
            << QByteArray("* 1 FETCH (UID 5 )\r\n") << Responses{fetchUid(1, 5)} << kNoError;
    QTest::newRow("lone LF line endings tolerated") << QByteArray("* 3 EXISTS\n* LIST () \"/\" {3}\nabc\na1 OK done\n")
                                                    << Responses{number(NumberResponse::Kind::Exists, 3),
                                                                 list({}, '/', "abc"), status("a1", Status::Ok, "done")}
                                                    << kNoError;
    QTest::newRow("UTF-8 in quoted subject (UTF8=ACCEPT)") << QByteArray("* 1 FETCH (ENVELOPE (NIL \"Gr\xc3\xbc\xc3\x9f"
                                                                         "e\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n")
                                                           << Responses{[] {
                                                                  Envelope e;
                                                                  e.subject = "Gr\xc3\xbc\xc3\x9f"
                                                                              "e";
                                                                  return fetchEnvelope(1, e);
                                                              }()}
                                                           << kNoError;
    QTest::newRow("XLIST read as LIST") << QByteArray("* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\"\r\n")
                                        << Responses{list({"\\HasNoChildren", "\\Inbox"}, '/', "Inbox")} << kNoError;
}

// ---------------------------------------------------------------------------------------------
// Hostile and malformed input: each a clean error, never a crash (run under ASan in CI).
void TestParser::malformed_data()
{
    addColumns();
    QTest::newRow("huge literal size") << QByteArray("* 1 FETCH (BODY[] {99999999999999999999}\r\nx)\r\n")
                                       << Responses{} << kLimit;
    QTest::newRow("huge literal size outside a section")
            << QByteArray("* LIST () \"/\" {18446744073709551616}\r\nx\r\n") << Responses{} << kLimit;
    QTest::newRow("negative message number") << QByteArray("* -1 EXISTS\r\n") << Responses{} << kProtocol;
    QTest::newRow("negative RFC822.SIZE") << QByteArray("* 1 FETCH (RFC822.SIZE -5)\r\n") << Responses{} << kProtocol;
    QTest::newRow("negative MODSEQ") << QByteArray("* 1 FETCH (MODSEQ (-1))\r\n") << Responses{} << kProtocol;
    QTest::newRow("EXISTS overflowing 32 bits") << QByteArray("* 4294967296 EXISTS\r\n") << Responses{} << kProtocol;
    QTest::newRow("UID overflowing 32 bits")
            << QByteArray("* 1 FETCH (UID 4294967296)\r\n") << Responses{} << kProtocol;
    QTest::newRow("RFC822.SIZE overflowing 64 bits")
            << QByteArray("* 1 FETCH (RFC822.SIZE 18446744073709551616)\r\n") << Responses{} << kProtocol;
    QTest::newRow("X-GM-MSGID overflowing 64 bits")
            << QByteArray("* 1 FETCH (X-GM-MSGID 99999999999999999999)\r\n") << Responses{} << kProtocol;
    QTest::newRow("EXPUNGE of 0") << QByteArray("* 0 EXPUNGE\r\n") << Responses{} << kProtocol;
    QTest::newRow("garbage after a valid response on the same line")
            << QByteArray("* 3 EXISTS garbage\r\n") << Responses{} << kProtocol;
    QTest::newRow("garbage line after a valid response")
            << QByteArray("* 3 EXISTS\r\n%%garbage%%\r\n* 4 EXISTS\r\n")
            << Responses{number(NumberResponse::Kind::Exists, 3)} << kProtocol;
    QTest::newRow("unknown numeric response") << QByteArray("* 3 FOO\r\n") << Responses{} << kProtocol;
    QTest::newRow("unterminated quoted string")
            << QByteArray("* LIST () \"/\" \"INBOX\r\n") << Responses{} << kProtocol;
    QTest::newRow("quoted string cut by CR")
            << QByteArray("* 1 FETCH (BODY[1] \"ab\rcd\")\r\n") << Responses{} << kProtocol;
    QTest::newRow("missing closing paren")
            << QByteArray("* 1 FETCH (UID 1 FLAGS (\\Seen)\r\n") << Responses{} << kProtocol;
    QTest::newRow("extra closing paren") << QByteArray("* FLAGS (\\Seen))\r\n") << Responses{} << kProtocol;
    QTest::newRow("literal with fewer bytes then CRLF garbage")
            << QByteArray("* LIST () \"/\" {5}\r\nab\r\n* 3 EXISTS\r\n") << Responses{} << kProtocol;
    QTest::newRow("literal size not followed by CRLF")
            << QByteArray("* LIST () \"/\" {5} abcde\r\n") << Responses{} << kProtocol;
    QTest::newRow("literal8 outside a section")
            << QByteArray("* LIST () \"/\" ~{3}\r\nabc\r\n") << Responses{} << kProtocol;
    QTest::newRow("NUL in status text") << withNul("* OK hello", "world\r\n") << Responses{} << kProtocol;
    QTest::newRow("NUL in quoted string") << withNul("* LIST () \"/\" \"a", "b\"\r\n") << Responses{} << kProtocol;
    QTest::newRow("NUL in atom") << withNul("* CAPABILITY IMAP4rev1", "X\r\n") << Responses{} << kProtocol;
    QTest::newRow("NUL in tag") << withNul("a", " OK x\r\n") << Responses{} << kProtocol;
    QTest::newRow("NUL instead of line end") << withNul("* 3 EXISTS", "\r\n") << Responses{} << kProtocol;
    QTest::newRow("lone CR inside a line") << QByteArray("* 3 EXISTS\r* 4 EXISTS\r\n") << Responses{} << kProtocol;
    QTest::newRow("empty line") << QByteArray("\r\n") << Responses{} << kProtocol;
    QTest::newRow("star alone") << QByteArray("*\r\n") << Responses{} << kProtocol;
    QTest::newRow("star space alone") << QByteArray("* \r\n") << Responses{} << kProtocol;
    QTest::newRow("tag alone") << QByteArray("a1\r\n") << Responses{} << kProtocol;
    QTest::newRow("binary junk") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n", 13) << Responses{}
                                 << kProtocol;
    QTest::newRow("TLS record after greeting") << QByteArray("* OK ready\r\n\x16\x03\x03\x00\x2a\r\n", 19)
                                               << Responses{status("", Status::Ok, "ready")} << kProtocol;
    QTest::newRow("HTTP response instead of IMAP")
            << QByteArray("HTTP/1.1 400 Bad Request\r\n") << Responses{} << kProtocol;
    QTest::newRow("response code cut by the line end") << QByteArray("* OK [UIDNEXT 5\r\n") << Responses{} << kProtocol;
    QTest::newRow("flag list not closed") << QByteArray("* FLAGS (\\Seen \\Draft\r\n") << Responses{} << kProtocol;
    QTest::newRow("bad flag") << QByteArray("* FLAGS (\\)\r\n") << Responses{} << kProtocol;
    QTest::newRow("star flag without backslash") << QByteArray("* FLAGS (\\Seen *)\r\n") << Responses{} << kProtocol;
    QTest::newRow("VANISHED with letters") << QByteArray("* VANISHED 1:abc\r\n") << Responses{} << kProtocol;
    QTest::newRow("COPYUID missing destination set is a generic code")
            << QByteArray("a1 OK [COPYUID 5 1:3] done\r\n")
            << Responses{status("a1", Status::Ok, "done", otherCode("COPYUID", "5 1:3"))} << kNoError;
}

// ---------------------------------------------------------------------------------------------
// Hard limits of QUALITY.md: at the limit parses, just past it is Error::Code::LimitExceeded.
void TestParser::limits_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<Responses>("expected");
    QTest::addColumn<int>("error");
    QTest::addColumn<ParserLimits>("limits");
    QTest::addColumn<bool>("coarse");  // large rows: fewer, coarser chunkings

    const ParserLimits defaults;
    const QByteArray leafWire("(\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)");
    const BodyPart leafPart = leaf("text", "plain", {}, "7bit", 1, 1);

    // Response line: the bytes before CRLF.
    {
        const qsizetype prefix = QByteArray("* OK ").size();
        const QByteArray atLimit = "* OK " + QByteArray(defaults.maxLineLength - prefix, 'x');
        QTest::newRow("line of 1 MiB") << atLimit + "\r\n"
                                       << Responses{status("", Status::Ok, atLimit.mid(prefix))} << kNoError << defaults
                                       << true;
        QTest::newRow("line of 1 MiB + 1") << atLimit + "y\r\n" << Responses{} << kLimit << defaults << true;
        QTest::newRow("line of 1 MiB with lone LF")
                << atLimit + "\n"
                << Responses{status("", Status::Ok, atLimit.mid(prefix))} << kNoError << defaults << true;
    }
    {
        ParserLimits small;
        small.maxLineLength = 40;
        const QByteArray atLimit = "* OK " + QByteArray(35, 'x');
        QTest::newRow("small: line at limit")
                << atLimit + "\r\n"
                << Responses{status("", Status::Ok, QByteArray(35, 'x'))} << kNoError << small << false;
        QTest::newRow("small: line past limit") << atLimit + "y\r\n" << Responses{} << kLimit << small << false;
        QTest::newRow("small: each line segment around a literal counts alone")
                << QByteArray("* LIST () \"/\" {60}\r\n" + QByteArray(60, 'm') + "\r\n")
                << Responses{list({}, '/', QByteArray(60, 'm'))} << kNoError <<
                [] {
                    ParserLimits l;
                    l.maxLineLength = 40;
                    return l;
                }()
                << false;
    }

    // Literals outside body sections: 64 KiB.
    QTest::newRow("literal of 64 KiB in LIST")
            << "* LIST () \"/\" {65536}\r\n" + QByteArray(65536, 'n') + "\r\n"
            << Responses{list({}, '/', QByteArray(65536, 'n'))} << kNoError << defaults << true;
    QTest::newRow("literal of 64 KiB + 1 in LIST")
            << QByteArray("* LIST () \"/\" {65537}\r\n") << Responses{} << kLimit << defaults << false;
    QTest::newRow("literal of 64 KiB in envelope subject")
            << "* 1 FETCH (ENVELOPE (NIL {65536}\r\n" + QByteArray(65536, 's') +
                       " NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
            << Responses{[] {
                   Envelope e;
                   e.subject = QByteArray(65536, 's');
                   return fetchEnvelope(1, e);
               }()}
            << kNoError << defaults << true;
    QTest::newRow("literal of 64 KiB + 1 in envelope subject")
            << QByteArray("* 1 FETCH (ENVELOPE (NIL {65537}\r\n") << Responses{} << kLimit << defaults << false;

    // Body section literals: 64 MiB.
    {
        const qsizetype size = defaults.maxSectionLiteral;
        QTest::newRow("BODY[] literal of 64 MiB")
                << "* 1 FETCH (BODY[] {" + QByteArray::number(size) + "}\r\n" + QByteArray(size, 'b') + ")\r\n"
                << Responses{fetchSection(1, section("", QByteArray(size, 'b')))} << kNoError << defaults << true;
        QTest::newRow("BODY[] literal of 64 MiB + 1") << "* 1 FETCH (BODY[] {" + QByteArray::number(size + 1) + "}\r\n"
                                                      << Responses{} << kLimit << defaults << false;
        QTest::newRow("BODY[1]<0> literal of 64 MiB + 1")
                << "* 1 FETCH (BODY[1]<0> {" + QByteArray::number(size + 1) + "}\r\n"
                << Responses{} << kLimit << defaults << false;
        QTest::newRow("BINARY[1] literal8 of 64 MiB + 1")
                << "* 1 FETCH (BINARY[1] ~{" + QByteArray::number(size + 1) + "}\r\n"
                << Responses{} << kLimit << defaults << false;
    }
    {
        ParserLimits small;
        small.maxLiteral = 8;
        small.maxSectionLiteral = 16;
        small.maxResponseSize = 60;
        QTest::newRow("small: section literal at limit")
                << QByteArray("* 1 FETCH (BODY[] {16}\r\n0123456789abcdef)\r\n")
                << Responses{fetchSection(1, section("", "0123456789abcdef"))} << kNoError << small << false;
        QTest::newRow("small: section literal past limit")
                << QByteArray("* 1 FETCH (BODY[] {17}\r\n0123456789abcdefg)\r\n") << Responses{} << kLimit << small
                << false;
        QTest::newRow("small: other literal at limit")
                << QByteArray("* LIST () \"/\" {8}\r\n01234567\r\n") << Responses{list({}, '/', "01234567")} << kNoError
                << small << false;
        QTest::newRow("small: other literal past limit")
                << QByteArray("* LIST () \"/\" {9}\r\n012345678\r\n") << Responses{} << kLimit << small << false;
        QTest::newRow("small: response size past limit")
                << QByteArray("* 1 FETCH (BODY[1] {16}\r\n0123456789abcdef BODY[2] {16}\r\n0123456789abcdef)\r\n")
                << Responses{} << kLimit << small << false;
    }

    // List nesting: 64 levels, the FETCH list itself included.
    QTest::newRow("list nesting 64") << "* 1 FETCH (X-NEST " + QByteArray(63, '(') + QByteArray(63, ')') + " UID 2)\r\n"
                                     << Responses{fetchUid(1, 2)} << kNoError << defaults << false;
    QTest::newRow("list nesting 65") << "* 1 FETCH (X-NEST " + QByteArray(64, '(') + QByteArray(64, ')') + " UID 2)\r\n"
                                     << Responses{} << kLimit << defaults << false;
    QTest::newRow("list nesting 100000 fails without exhausting the stack")
            << "* 1 FETCH (X-NEST " + QByteArray(100000, '(') + QByteArray(100000, ')') + ")\r\n"
            << Responses{} << kLimit << defaults << true;
    {
        ParserLimits small;
        small.maxNesting = 3;
        QTest::newRow("small: LIST extended data at nesting limit")
                << QByteArray("* LIST () \"/\" x (\"X-A\" ((1)))\r\n") << Responses{list({}, '/', "x")} << kNoError
                << small << false;
        QTest::newRow("small: LIST extended data past nesting limit")
                << QByteArray("* LIST () \"/\" x (\"X-A\" (((1))))\r\n") << Responses{} << kLimit << small << false;
    }

    // MIME depth: 32 body nodes on the deepest path.
    {
        auto nestedWire = [&](int depth) {
            QByteArray wire = leafWire;
            for (int i = 1; i < depth; ++i)
                wire = "(" + wire + " \"mixed\")";
            return "* 1 FETCH (BODYSTRUCTURE " + wire + ")\r\n";
        };
        auto nestedPart = [&](int depth) {
            BodyPart part = leafPart;
            for (int i = 1; i < depth; ++i)
                part = multipart("mixed", {part});
            return part;
        };
        QTest::newRow("MIME depth 32") << nestedWire(32) << Responses{fetchBody(1, nestedPart(32))} << kNoError
                                       << defaults << false;
        QTest::newRow("MIME depth 33") << nestedWire(33) << Responses{} << kLimit << defaults << false;
        ParserLimits small;
        small.maxMimeDepth = 2;
        const QByteArray message = "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 10 "
                                   "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ";
        QTest::newRow("small: message/rfc822 at MIME depth limit")
                << "* 1 FETCH (BODYSTRUCTURE " + message + leafWire + " 1))\r\n"
                << Responses{[&] {
                       BodyPart m = leaf("message", "rfc822", {}, "7bit", 10, 1);
                       m.envelope = std::make_shared<Envelope>();
                       m.children.push_back(leafPart);
                       return fetchBody(1, m);
                   }()}
                << kNoError << small << false;
        QTest::newRow("small: message/rfc822 past MIME depth limit")
                << "* 1 FETCH (BODYSTRUCTURE " + message + message + leafWire + " 1) 1))\r\n"
                << Responses{} << kLimit << small << false;
    }

    // Parts: 10,000 BODYSTRUCTURE nodes per message, the multipart containers included.
    {
        const int atLimit = defaults.maxParts - 1;
        std::vector<BodyPart> children(size_t(atLimit), leafPart);
        QTest::newRow("10,000 parts") << "* 1 FETCH (BODYSTRUCTURE (" + repeated(leafWire, atLimit) + " \"mixed\"))\r\n"
                                      << Responses{fetchBody(1, multipart("mixed", children))} << kNoError << defaults
                                      << true;
        QTest::newRow("10,001 parts") << "* 1 FETCH (BODYSTRUCTURE (" + repeated(leafWire, atLimit + 1) +
                                                 " \"mixed\"))\r\n"
                                      << Responses{} << kLimit << defaults << true;
        ParserLimits small;
        small.maxParts = 3;
        QTest::newRow("small: parts at limit")
                << "* 1 FETCH (BODYSTRUCTURE (" + leafWire + leafWire + " \"mixed\"))\r\n"
                << Responses{fetchBody(1, multipart("mixed", {leafPart, leafPart}))} << kNoError << small << false;
        QTest::newRow("small: parts past limit")
                << "* 1 FETCH (BODYSTRUCTURE (" + leafWire + "(" + leafWire + " \"mixed\") \"mixed\"))\r\n"
                << Responses{} << kLimit << small << false;
        QTest::newRow("small: part count is per message")
                << "* 1 FETCH (BODYSTRUCTURE (" + leafWire + leafWire + " \"mixed\"))\r\n* 2 FETCH (BODYSTRUCTURE (" +
                           leafWire + leafWire + " \"mixed\"))\r\n"
                << Responses{fetchBody(1, multipart("mixed", {leafPart, leafPart})),
                             fetchBody(2, multipart("mixed", {leafPart, leafPart}))}
                << kNoError << small << false;
    }

    // Addresses: 10,000 per envelope field.
    {
        const QByteArray addressWire("(NIL NIL \"u\" \"h\")");
        auto envelopeWire = [&](int count) {
            return "* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL (" + repeated(addressWire, count) +
                   ") NIL NIL NIL NIL))\r\n";
        };
        Envelope e;
        e.to = Addresses(defaults.maxAddresses, address(QByteArray(), "u", "h"));
        QTest::newRow("10,000 addresses") << envelopeWire(defaults.maxAddresses) << Responses{fetchEnvelope(1, e)}
                                          << kNoError << defaults << true;
        QTest::newRow("10,001 addresses")
                << envelopeWire(defaults.maxAddresses + 1) << Responses{} << kLimit << defaults << true;
    }

    // Items in one list (flags, search results, capabilities).
    {
        ParserLimits small;
        small.maxListItems = 3;
        QTest::newRow("small: search results at limit")
                << QByteArray("* SEARCH 1 2 3\r\n") << Responses{SearchResponse{{1, 2, 3}, {}}} << kNoError << small
                << false;
        QTest::newRow("small: search results past limit")
                << QByteArray("* SEARCH 1 2 3 4\r\n") << Responses{} << kLimit << small << false;
        QTest::newRow("small: flags past limit")
                << QByteArray("* FLAGS (\\Seen \\Draft a b)\r\n") << Responses{} << kLimit << small << false;
        QTest::newRow("small: capabilities past limit")
                << QByteArray("* CAPABILITY A B C D\r\n") << Responses{} << kLimit << small << false;
    }
}

void TestParser::limits()
{
    QFETCH(QByteArray, wire);
    QFETCH(Responses, expected);
    QFETCH(int, error);
    QFETCH(ParserLimits, limits);
    QFETCH(bool, coarse);
    check(wire, expected, error, limits, coarse);
}

// ---------------------------------------------------------------------------------------------
// Two FETCH responses for one message (Gmail and others split them): FetchResponse::merge.
void TestParser::fetchMerge_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<Responses>("expected");  // one FetchResponse: all responses merged in order

    QTest::newRow("Gmail: flags then labels")
            << QByteArray(
                       "* 1 FETCH (UID 5 FLAGS (\\Seen))\r\n* 1 FETCH (UID 5 X-GM-LABELS (\\Inbox) X-GM-MSGID 9)\r\n")
            << Responses{[] {
                   auto f = fetchUid(1, 5);
                   f.flags = Strings{"\\Seen"};
                   f.gmailLabels = Strings{"\\Inbox"};
                   f.gmailMessageId = 9;
                   return f;
               }()};
    QTest::newRow("later flags replace earlier flags")
            << QByteArray(
                       "* 2 FETCH (FLAGS (\\Seen) MODSEQ (4))\r\n* 2 FETCH (FLAGS (\\Seen \\Flagged) MODSEQ (5))\r\n")
            << Responses{[] {
                   auto f = fetch(2);
                   f.flags = Strings{"\\Seen", "\\Flagged"};
                   f.modSeq = 5;
                   return f;
               }()};
    QTest::newRow("sections accumulate")
            << QByteArray(
                       "* 3 FETCH (UID 7 BODY[HEADER] {4}\r\nA: b)\r\n* 3 FETCH (BODY[TEXT] \"txt\" RFC822.SIZE 9)\r\n")
            << Responses{[] {
                   auto f = fetchUid(3, 7);
                   f.sections = {section("HEADER", "A: b"), section("TEXT", "txt")};
                   f.rfc822Size = 9;
                   return f;
               }()};
    QTest::newRow("absent items keep earlier values")
            << QByteArray("* 4 FETCH (UID 8 FLAGS () ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
                          "* 4 FETCH (UID 8)\r\n")
            << Responses{[] {
                   auto f = fetchUid(4, 8);
                   f.flags = Strings{};
                   Envelope e;
                   e.subject = "s";
                   f.envelope = e;
                   return f;
               }()};
}

void TestParser::fetchMerge()
{
    QFETCH(QByteArray, wire);
    QFETCH(Responses, expected);
    for (qsizetype chunk : {qsizetype(0), qsizetype(1), qsizetype(5)}) {
        const Outcome outcome = parseAll(wire, chunk);
        QVERIFY2(!outcome.error, describeOutcome(outcome).constData());
        QVERIFY(outcome.responses.size() >= 2);
        FetchResponse merged = std::get<FetchResponse>(outcome.responses.first());
        for (qsizetype i = 1; i < outcome.responses.size(); ++i) {
            auto next = std::get<FetchResponse>(outcome.responses.at(i));
            QCOMPARE(next.sequence, merged.sequence);
            merged.merge(std::move(next));
        }
        QVERIFY2(sameResponses({merged}, expected),
                 ("\n  expected:" + describeAll(expected) + "\n  actual:" + describe(merged)).constData());
    }
}

// ---------------------------------------------------------------------------------------------
void TestParser::incompleteResponseWaits_data()
{
    QTest::addColumn<QByteArray>("wire");

    QTest::newRow("no line end yet") << QByteArray("* 3 EXIS");
    QTest::newRow("CR without LF") << QByteArray("* 3 EXISTS\r");
    QTest::newRow("literal announced, no bytes") << QByteArray("* LIST () \"/\" {5}\r\n");
    QTest::newRow("literal short by one") << QByteArray("* LIST () \"/\" {5}\r\nabcd");
    QTest::newRow("literal complete, line not ended") << QByteArray("* LIST () \"/\" {5}\r\nabcde");
    QTest::newRow("second literal pending") << QByteArray("* 1 FETCH (BODY[1] {1}\r\na BODY[2] {3}\r\nb");
}

void TestParser::incompleteResponseWaits()
{
    QFETCH(QByteArray, wire);
    for (qsizetype chunk : {qsizetype(0), qsizetype(1)}) {
        const Outcome outcome = parseAll(wire, chunk);
        QVERIFY2(outcome.responses.isEmpty() && !outcome.error, describeOutcome(outcome).constData());
        QVERIFY(!outcome.failedAfter);
        QCOMPARE(outcome.buffered, wire.size());
    }
}

// A server that sends a line forever without CRLF is stopped as soon as the line passes the
// limit, not when (if ever) the line ends.
void TestParser::slowlorisFailsBeforeLineEnd_data()
{
    QTest::addColumn<qsizetype>("maxLineLength");
    QTest::addColumn<qsizetype>("chunk");

    QTest::newRow("default 1 MiB, 4 KiB chunks") << ParserLimits{}.maxLineLength << qsizetype(4096);
    QTest::newRow("small limit, byte by byte") << qsizetype(100) << qsizetype(1);
    QTest::newRow("small limit, inside a literal-separated segment") << qsizetype(100) << qsizetype(-1);
}

void TestParser::slowlorisFailsBeforeLineEnd()
{
    QFETCH(qsizetype, maxLineLength);
    QFETCH(qsizetype, chunk);
    ParserLimits limits;
    limits.maxLineLength = maxLineLength;
    Parser parser(limits);

    qsizetype lineBytes = 0;
    if (chunk < 0) {
        // After a literal, the next line segment starts counting afresh.
        parser.append("* 1 FETCH (BODY[1] {3}\r\nabc");
        QVERIFY(!parser.takeResponse());
        chunk = 7;
    }
    parser.append("* OK ");
    lineBytes += 5;
    QByteArray filler(chunk, 'z');
    while (lineBytes + chunk <= maxLineLength) {
        parser.append(filler);
        lineBytes += chunk;
        QVERIFY(!parser.takeResponse());
        QVERIFY(!parser.failed());
    }
    const QByteArray rest(maxLineLength - lineBytes, 'z');
    parser.append(rest);
    QVERIFY(!parser.takeResponse());
    QVERIFY2(!parser.failed(), "a line exactly at the limit must still be accepted");
    parser.append("z");
    const auto response = parser.takeResponse();
    QVERIFY(response.has_value());
    QVERIFY(!response->ok());
    QCOMPARE(response->error().code, Error::Code::LimitExceeded);
    QVERIFY(parser.failed());
    QCOMPARE(parser.error().code, Error::Code::LimitExceeded);
    // Further bytes are ignored.
    parser.append("\r\n* 1 EXISTS\r\n");
    const auto after = parser.takeResponse();
    QVERIFY(!after || !after->ok());
}

// STARTTLS (RFC 8314 / QUALITY.md): what follows the tagged OK must be visible to the session.
void TestParser::bytesAfterResponseStayBuffered()
{
    Parser parser;
    parser.append("a1 OK Begin TLS negotiation now\r\n* OK inj");
    const auto first = parser.takeResponse();
    QVERIFY(first && first->ok());
    QCOMPARE(std::get<StatusResponse>(first->value()).tag, QByteArray("a1"));
    QCOMPARE(parser.bufferedBytes(), qsizetype(8));
    QVERIFY(!parser.takeResponse());
    QCOMPARE(parser.bufferedBytes(), qsizetype(8));

    Parser clean;
    clean.append("a1 OK Begin TLS negotiation now\r\n");
    QVERIFY(clean.takeResponse());
    QCOMPARE(clean.bufferedBytes(), qsizetype(0));
}

void TestParser::resetRecoversFromFailure()
{
    Parser parser;
    parser.append("* 0 EXPUNGE\r\n");
    const auto bad = parser.takeResponse();
    QVERIFY(bad && !bad->ok());
    QVERIFY(parser.failed());
    parser.reset();
    QVERIFY(!parser.failed());
    QCOMPARE(parser.bufferedBytes(), qsizetype(0));
    parser.append("* 2 EXISTS\r\n");
    const auto good = parser.takeResponse();
    QVERIFY(good && good->ok());
    QVERIFY(sameResponses({good->value()}, {number(NumberResponse::Kind::Exists, 2)}));
}

void TestParser::parseOneRejectsTrailingData()
{
    QVERIFY(Parser::parseOne("* 2 EXISTS\r\n").ok());
    QVERIFY(!Parser::parseOne("* 2 EXISTS\r\n* 3 EXISTS\r\n").ok());
    QVERIFY(!Parser::parseOne("* 2 EXISTS").ok());
    QVERIFY(!Parser::parseOne("").ok());
}

QTEST_GUILESS_MAIN(TestParser)
#include "tst_parser.moc"
