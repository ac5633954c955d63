// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/fetchstream.h"

#include <cstdio>

namespace Heron::Bench {

namespace {

const char *const kFirstNames[] = {"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan",
                                   "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent",
                                   "Victor", "Walter", "Zoë", "François", "Jürgen", "Søren", "Ana María"};
const char *const kLastNames[] = {"Example", "Smith", "Johnson", "Müller", "Dubois", "Rossi", "Kowalski", "Tanaka",
                                  "Nguyen", "García", "O'Brien", "van der Berg", "Lindqvist", "Okafor", "Schmidt"};
const char *const kLocalParts[] = {"alice", "bob", "c.jones", "dave", "erin.k", "frank", "grace", "heidi", "ivan",
                                   "jsmith", "mallory", "niaj", "olivia", "peggy", "rupert", "s.lind", "trent",
                                   "victor", "walter", "zoe", "info", "noreply", "team", "support"};
const char *const kDomains[] = {"example.org", "example.net", "example.com", "mail.example.de", "lists.example.org",
                                "corp.example.co.uk", "uni.example.edu", "heron.example.org"};
const char *const kWords[] = {"meeting", "tomorrow", "report", "quarterly", "invoice", "release", "notes", "draft",
                              "parser", "throughput", "review", "patch", "build", "failure", "lunch", "holiday",
                              "schedule", "budget", "question", "about", "the", "new", "server", "migration",
                              "update", "minutes", "agenda", "contract", "photos", "weekend", "plans", "urgent"};
const char *const kListTags[] = {"[heron-devel]", "[announce]", "[dev]", "[PATCH v2]", "[users]"};
const char *const kZones[] = {"+0000", "+0200", "+0100", "-0700", "-0400", "+0530", "+0900"};
const char *const kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char *const kFlags[] = {"()", "(\\Seen)", "(\\Seen)", "(\\Seen)", "(\\Seen)", "(\\Seen \\Answered)",
                              "(\\Seen \\Flagged)", "($Forwarded \\Seen)", "(\\Seen $Junk NonJunk)", "(\\Flagged)"};
const char *const kAttachments[][3] = {
    {"application", "pdf", "report.pdf"},   {"image", "jpeg", "IMG_2041.jpg"},
    {"image", "png", "screenshot.png"},     {"application", "zip", "logs.zip"},
    {"text", "calendar", "invite.ics"},     {"application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                             "budget 2024.xlsx"},
};

struct CivilTime {
    int year, month, day, hour, minute, second, weekday;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
CivilTime civilTime(int64_t seconds)
{
    int64_t days = seconds / 86400;
    const int64_t rest = seconds % 86400;
    CivilTime t{};
    t.weekday = int(days % 7);
    days += 719468;
    const int64_t era = days / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    t.day = int(doy - (153 * mp + 2) / 5 + 1);
    t.month = int(mp < 10 ? mp + 3 : mp - 9);
    t.year = int(yoe + era * 400 + (t.month <= 2 ? 1 : 0));
    t.hour = int(rest / 3600);
    t.minute = int(rest / 60 % 60);
    t.second = int(rest % 60);
    return t;
}

void appendNumber(QByteArray &out, uint64_t value)
{
    char digits[24];
    const int length = std::snprintf(digits, sizeof digits, "%llu", static_cast<unsigned long long>(value));
    out.append(digits, length);
}

}  // namespace

uint64_t Random::next()
{
    m_state += 0x9E3779B97F4A7C15ull;
    uint64_t z = m_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A quoted string, escaping " and \ (RFC 3501 §4.3).
void FetchStreamGenerator::appendString(QByteArray &out, QByteArrayView text)
{
    out.append('"');
    for (char c : text) {
        if (c == '"' || c == '\\')
            out.append('\\');
        out.append(c);
    }
    out.append('"');
}

void FetchStreamGenerator::appendAddress(QByteArray &out)
{
    const char *first = m_random.pick(kFirstNames);
    const char *last = m_random.pick(kLastNames);
    const char *domain = m_random.pick(kDomains);
    const char *mailbox = m_random.pick(kLocalParts);
    out.append('(');
    if (m_random.chance(15)) {
        out.append("NIL");
    } else if (m_random.chance(10)) {
        // A personal name as RFC 2047 encoded-word, as many clients send non-ASCII names.
        out.append("\"=?UTF-8?Q?");
        out.append(first);
        out.append("_");
        out.append(last);
        out.append("?=\"");
    } else {
        appendString(out, QByteArray(first) + ' ' + last);
    }
    out.append(" NIL ");
    appendString(out, mailbox);
    out.append(' ');
    appendString(out, domain);
    out.append(')');
}

void FetchStreamGenerator::appendAddressList(QByteArray &out, int count)
{
    if (count == 0) {
        out.append("NIL");
        return;
    }
    out.append('(');
    for (int i = 0; i < count; ++i)
        appendAddress(out);
    out.append(')');
}

void FetchStreamGenerator::appendEnvelope(QByteArray &out, int64_t time, const char *zone)
{
    const CivilTime t = civilTime(time);
    char date[64];
    const int dateLength = std::snprintf(date, sizeof date, "%s, %d %s %04d %02d:%02d:%02d %s", kWeekdays[t.weekday],
                                         t.day, kMonths[t.month - 1], t.year, t.hour, t.minute, t.second, zone);

    QByteArray subject;
    if (m_random.chance(30))
        subject += "Re: ";
    if (m_random.chance(20)) {
        subject += m_random.pick(kListTags);
        subject += ' ';
    }
    const int words = 1 + int(m_random.below(5));
    for (int i = 0; i < words; ++i) {
        if (i > 0)
            subject += ' ';
        subject += m_random.pick(kWords);
    }
    if (m_random.chance(2))
        subject += " \"quoted\" \\ path";

    out.append("ENVELOPE (");
    appendString(out, QByteArrayView(date, dateLength));
    out.append(' ');
    if (m_random.chance(3)) {
        // Some servers send 8-bit or long subjects as literals (RFC 3501 §4.3).
        subject += " – über café";
        out.append('{');
        appendNumber(out, uint64_t(subject.size()));
        out.append("}\r\n");
        out.append(subject);
    } else if (m_random.chance(8)) {
        out.append("\"=?UTF-8?B?");
        out.append(subject.toBase64());
        out.append("?=\"");
    } else {
        appendString(out, subject);
    }
    out.append(' ');

    // from, sender and reply-to: servers repeat from when the header is absent (RFC 3501 §7.4.2).
    QByteArray from;
    appendAddressList(from, 1);
    out.append(from);
    out.append(' ');
    out.append(from);
    out.append(' ');
    if (m_random.chance(10))
        appendAddressList(out, 1);
    else
        out.append(from);
    out.append(' ');
    appendAddressList(out, 1 + int(m_random.below(m_random.chance(5) ? 6 : 2)));
    out.append(' ');
    appendAddressList(out, m_random.chance(70) ? 0 : 1 + int(m_random.below(2)));
    out.append(" NIL ");
    if (m_random.chance(35)) {
        out.append("\"<");
        appendNumber(out, m_random.next() % 100000000000ull);
        out.append(".thread@");
        out.append(m_random.pick(kDomains));
        out.append(">\"");
    } else {
        out.append("NIL");
    }
    out.append(" \"<");
    appendNumber(out, uint64_t(time));
    out.append('.');
    appendNumber(out, m_random.next() % 10000ull);
    out.append('@');
    out.append(m_random.pick(kDomains));
    out.append(">\")");
}

void FetchStreamGenerator::appendTextPart(QByteArray &out, const char *subtype, bool extension)
{
    const uint32_t size = 200 + m_random.below(9000);
    out.append("(\"text\" \"");
    out.append(subtype);
    out.append("\" (\"charset\" \"");
    out.append(m_random.chance(70) ? "utf-8" : "us-ascii");
    out.append('"');
    if (m_random.chance(20))
        out.append(" \"format\" \"flowed\"");
    out.append(") NIL NIL \"");
    out.append(m_random.chance(50) ? "quoted-printable" : "7bit");
    out.append("\" ");
    appendNumber(out, size);
    out.append(' ');
    appendNumber(out, size / 60 + 1);
    if (extension)
        out.append(" NIL NIL NIL NIL");
    out.append(')');
}

void FetchStreamGenerator::appendAttachment(QByteArray &out)
{
    const auto &kind = m_random.pick(kAttachments);
    out.append("(\"");
    out.append(kind[0]);
    out.append("\" \"");
    out.append(kind[1]);
    out.append("\" (\"name\" ");
    appendString(out, kind[2]);
    out.append(") NIL NIL \"base64\" ");
    appendNumber(out, 1000 + m_random.below(900000));
    if (kind[0][0] == 't')
        out.append(" 12");
    out.append(" NIL (\"attachment\" (\"filename\" ");
    appendString(out, kind[2]);
    out.append(")) NIL NIL)");
}

void FetchStreamGenerator::appendBodyStructure(QByteArray &out)
{
    out.append("BODYSTRUCTURE ");
    const uint32_t shape = m_random.below(100);
    if (shape < 66) {
        appendTextPart(out, "plain", true);
        return;
    }
    const bool mixed = shape >= 90;
    out.append('(');
    if (mixed && m_random.chance(50)) {
        out.append('(');
        appendTextPart(out, "plain", true);
        appendTextPart(out, "html", true);
        out.append(" \"alternative\" (\"boundary\" \"alt-");
        appendNumber(out, m_random.next() % 1000000);
        out.append("\") NIL NIL NIL)");
    } else if (mixed) {
        appendTextPart(out, "plain", true);
    } else {
        appendTextPart(out, "plain", true);
        appendTextPart(out, "html", true);
    }
    if (mixed) {
        const int attachments = 1 + int(m_random.below(2));
        for (int i = 0; i < attachments; ++i)
            appendAttachment(out);
    }
    out.append(mixed ? " \"mixed\"" : " \"alternative\"");
    out.append(" (\"boundary\" \"=_");
    appendNumber(out, m_random.next() % 100000000);
    out.append("\") NIL NIL NIL)");
}

void FetchStreamGenerator::appendResponse(QByteArray &out, uint32_t sequence, uint32_t uid)
{
    // Dates grow with the sequence, about one message every 20 minutes from 2021 on.
    const int64_t time = 1609459200 + int64_t(sequence) * 1200 + int64_t(m_random.below(1200));
    const char *zone = m_random.pick(kZones);
    const CivilTime t = civilTime(time);

    out.append("* ");
    appendNumber(out, sequence);
    out.append(" FETCH (UID ");
    appendNumber(out, uid);
    out.append(" FLAGS ");
    out.append(m_random.pick(kFlags));
    char internalDate[48];
    const int internalDateLength =
        std::snprintf(internalDate, sizeof internalDate, " INTERNALDATE \"%02d-%s-%04d %02d:%02d:%02d %s\"", t.day,
                      kMonths[t.month - 1], t.year, t.hour, t.minute, t.second, zone);
    out.append(internalDate, internalDateLength);
    out.append(" RFC822.SIZE ");
    appendNumber(out, 800 + m_random.below(m_random.chance(10) ? 2000000 : 40000));
    out.append(' ');
    appendEnvelope(out, time, zone);
    out.append(' ');
    appendBodyStructure(out);
    out.append(")\r\n");
}

QByteArray FetchStreamGenerator::stream(int count, uint64_t seed)
{
    FetchStreamGenerator generator(seed);
    QByteArray out;
    out.reserve(qsizetype(count) * 600);
    uint32_t uid = 0;
    for (int i = 1; i <= count; ++i) {
        uid += 1 + (generator.m_random.chance(5) ? generator.m_random.below(20) : 0);  // expunged gaps
        generator.appendResponse(out, uint32_t(i), uid);
    }
    return out;
}

}  // namespace Heron::Bench
