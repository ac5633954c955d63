// SPDX-License-Identifier: GPL-3.0-or-later
#include "messageconverter.h"

#include "bodystructure.h"
#include "mime/codec.h"
#include "mime/header.h"
#include "mime/mailbox.h"

#include <QDate>
#include <QSet>
#include <QTime>

#include <limits>
#include <utility>

namespace Heron::Sync {

namespace {

// ---- dates ----

constexpr qsizetype kMaxDateBytes = 1024;

bool isAsciiDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAsciiAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool allDigits(QByteArrayView token)
{
    if (token.isEmpty())
        return false;
    for (const char c : token) {
        if (!isAsciiDigit(c))
            return false;
    }
    return true;
}

bool allAlpha(QByteArrayView token)
{
    if (token.isEmpty())
        return false;
    for (const char c : token) {
        if (!isAsciiAlpha(c))
            return false;
    }
    return true;
}

int smallNumber(QByteArrayView digits)
{
    int value = 0;
    for (const char c : digits)
        value = value * 10 + (c - '0');
    return value;
}

// "jul" or "july" (any case) → 7; a three-letter prefix of the name, or the whole name.
int monthNumber(const QByteArray &lower)
{
    static const char *const kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
    if (lower.size() < 3)
        return 0;
    for (int i = 0; i < 12; ++i) {
        const QByteArrayView name(kMonths[i]);
        if (lower.size() <= name.size() && name.startsWith(lower))
            return i + 1;
    }
    return 0;
}

bool isDayName(const QByteArray &lower)
{
    static const char *const kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    if (lower.size() < 3)
        return false;
    for (const char *day : kDays) {
        const QByteArrayView name(day);
        if (lower.size() <= name.size() && name.startsWith(lower))
            return true;
    }
    return false;
}

// RFC 5322 §4.3 obs-zone names; seconds east of UTC.
std::optional<int> zoneNameOffset(const QByteArray &lower)
{
    struct Zone {
        const char *name;
        int hours;
    };
    static const Zone kZones[] = {{"ut", 0},   {"utc", 0},  {"gmt", 0},  {"z", 0},    {"est", -5}, {"edt", -4},
                                  {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
    for (const Zone &zone : kZones) {
        if (lower == zone.name)
            return zone.hours * 3600;
    }
    return std::nullopt;
}

// "+0200", "-0530", "+02", "+02:00" → seconds east of UTC. Offsets that no clock has (minutes past 59,
// hours past 23) are unknown zones, which RFC 5322 §4.3 reads as -0000: UTC.
std::optional<int> numericZoneOffset(QByteArrayView token)
{
    if (token.size() < 2 || (token[0] != '+' && token[0] != '-'))
        return std::nullopt;
    const int sign = token[0] == '-' ? -1 : 1;
    QByteArray digits = token.sliced(1).toByteArray();
    if (digits.size() == 5 && digits[2] == ':')
        digits.remove(2, 1);
    if (!allDigits(digits) || digits.size() > 4 || digits.size() == 3)
        return std::nullopt;
    const int hours = digits.size() <= 2 ? smallNumber(digits) : smallNumber(QByteArrayView(digits).first(2));
    const int minutes = digits.size() == 4 ? smallNumber(QByteArrayView(digits).sliced(2)) : 0;
    if (hours > 23 || minutes > 59)
        return 0;
    return sign * (hours * 3600 + minutes * 60);
}

// Comments (nested, RFC 5322 §3.2.2) and commas out, then split on white space; "01-Jul-2003"
// (IMAP's date form, seen in Date headers too) split into its three fields.
QList<QByteArray> dateTokens(QByteArrayView raw)
{
    QByteArray text;
    text.reserve(raw.size());
    int comment = 0;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (comment > 0) {
            if (c == '\\')
                ++i;
            else if (c == '(')
                ++comment;
            else if (c == ')')
                --comment;
            continue;
        }
        if (c == '(') {
            ++comment;
            text.append(' ');
        } else if (c == ',' || c == '\t' || c == '\r' || c == '\n') {
            text.append(' ');
        } else {
            text.append(c);
        }
    }
    QList<QByteArray> tokens;
    for (const QByteArray &word : text.split(' ')) {
        if (word.isEmpty())
            continue;
        const QList<QByteArray> pieces = word.split('-');
        if (pieces.size() == 3 && allDigits(pieces[0]) && allAlpha(pieces[1]) && allDigits(pieces[2])) {
            tokens.append(pieces);
            continue;
        }
        // "2003-07-01", as some scripts write it: handed on in day-month-year order.
        if (pieces.size() == 3 && pieces[0].size() == 4 && allDigits(pieces[0]) && allDigits(pieces[1]) &&
            pieces[1].size() <= 2 && allDigits(pieces[2]) && pieces[2].size() <= 2) {
            static const char *const kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
            const int number = smallNumber(pieces[1]);
            if (number < 1 || number > 12)
                return {};
            tokens.append({pieces[2], QByteArray(kMonthNames[number - 1]), pieces[0]});
            continue;
        }
        // "10:52:37+0200": a zone glued to the time.
        const qsizetype colon = word.indexOf(':');
        const qsizetype sign = colon > 0 ? std::max(word.indexOf('+', colon), word.indexOf('-', colon)) : -1;
        if (sign > colon) {
            tokens.append(word.left(sign));
            tokens.append(word.mid(sign));
            continue;
        }
        tokens.append(word);
    }
    return tokens;
}

// "10:52", "10:52:37", "9:05:07"; a leap second reads as :59.
bool parseTime(const QByteArray &token, QTime &out)
{
    const QList<QByteArray> fields = token.split(':');
    if (fields.size() < 2 || fields.size() > 3)
        return false;
    for (const QByteArray &field : fields) {
        if (!allDigits(field) || field.size() > 2)
            return false;
    }
    const int hour = smallNumber(fields[0]);
    const int minute = smallNumber(fields[1]);
    int second = fields.size() == 3 ? smallNumber(fields[2]) : 0;
    if (second == 60)
        second = 59;
    out = QTime(hour, minute, second);
    return out.isValid();
}

// ---- identifiers ----

// Every <id> of a References-like value, without brackets and white space (RFC 5322 §3.6.4).
QStringList messageIdsFromRaw(QByteArrayView raw)
{
    QStringList ids;
    qsizetype open = -1;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == '<') {
            open = i;
        } else if (raw[i] == '>' && open >= 0) {
            const QString id = messageIdFromRaw(raw.sliced(open, i - open + 1));
            if (!id.isEmpty())
                ids.append(id);
            open = -1;
        }
    }
    return ids;
}

QStringList referencesFromRaw(QByteArrayView raw)
{
    const QStringList all = messageIdsFromRaw(raw);
    QStringList unique;
    unique.reserve(all.size());
    // A few ids per message as a rule: comparing with those kept beats hashing them; a long chain
    // gets a set.
    constexpr qsizetype kLinearLimit = 32;
    QSet<QString> seen;
    if (all.size() > kLinearLimit)
        seen.reserve(all.size());
    for (const QString &id : all) {
        if (all.size() > kLinearLimit) {
            if (seen.contains(id))
                continue;
            seen.insert(id);
        } else if (unique.contains(id)) {
            continue;
        }
        unique.append(id);
    }
    if (unique.size() > kMaxReferences)
        unique.remove(0, unique.size() - kMaxReferences);
    return unique;
}

// RFC 2919 §3: List-Id: [phrase] "<" list-label "." list-id-namespace ">"; without brackets, the
// value as it stands.
QString listIdFromRaw(QByteArrayView raw)
{
    const qsizetype open = raw.lastIndexOf('<');
    if (open >= 0) {
        const qsizetype close = raw.indexOf('>', open);
        if (close > open) {
            const QByteArray id = raw.sliced(open + 1, close - open - 1).toByteArray().trimmed();
            if (!id.isEmpty())
                return Mime::decodeHeader(id);
        }
    }
    const QByteArray value = raw.toByteArray().trimmed();
    if (value.isEmpty())
        return {};
    return Mime::decodeHeader(value);
}

// ---- header fields ----

// Calls visit(name, value) for each field of a header block (RFC 5322 §2.2): the name as written,
// without surrounding white space; the value unfolded (§2.2.3: CRLF followed by white space is
// removed), valid only during the call. Bare LF line ends are accepted; lines without a colon
// are skipped; the blank line ends it. A value on one line is a view into the block: most are.
template <typename Visit>
void forEachHeaderField(QByteArrayView block, Visit &&visit)
{
    block = block.first(std::min(block.size(), kMaxHeaderFieldBytes));
    QByteArrayView name;
    QByteArrayView value;    // the field's first line, while no folded line followed
    QByteArray unfolded;     // the field's value once a folded line followed
    bool folded = false;
    bool inField = false;  // the previous line started a field that a folded line may extend
    const auto flush = [&] {
        if (inField)
            visit(name, folded ? QByteArrayView(unfolded) : value);
        inField = false;
    };
    qsizetype start = 0;
    while (start < block.size()) {
        qsizetype end = block.indexOf('\n', start);
        const qsizetype next = end < 0 ? block.size() : end + 1;
        if (end < 0)
            end = block.size();
        QByteArrayView line = block.sliced(start, end - start);
        if (line.endsWith('\r'))
            line.chop(1);
        start = next;
        if (line.isEmpty())
            break;
        if (line[0] == ' ' || line[0] == '\t') {
            if (inField) {
                if (!folded) {
                    unfolded = value.toByteArray();
                    folded = true;
                }
                unfolded.append(line);
            }
            continue;
        }
        flush();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        name = line.first(colon).trimmed();
        value = line.sliced(colon + 1);
        folded = false;
        inField = true;
    }
    flush();
}

// The header fields section of the metadata FETCH; the server names it as asked, minus ".PEEK".
const Imap::SectionData *headerFieldsSection(const Imap::FetchResponse &response)
{
    for (const Imap::SectionData &section : response.sections) {
        if (section.data.isNull())
            continue;
        if (section.section.trimmed().toUpper().startsWith("HEADER.FIELDS"))
            return &section;
    }
    return nullptr;
}

// ---- addresses ----

QList<Store::Address> addressesFromImap(const Imap::Addresses &addresses)
{
    QList<Store::Address> result;
    result.reserve(addresses.size());
    for (const Imap::Address &address : addresses) {
        // Group start and end markers (RFC 3501 §7.4.2, NIL host) give nullopt: members are kept flat.
        if (auto mailbox = Mime::fromImapAddress(address.name, address.adl, address.mailbox, address.host))
            result.append({std::move(mailbox->name), std::move(mailbox->email)});
    }
    return result;
}

}  // namespace

Imap::Strings metadataFetchItems(bool withModSeq)
{
    Imap::Strings items{"UID",
                        "FLAGS",
                        "INTERNALDATE",
                        "RFC822.SIZE",
                        "BODYSTRUCTURE",
                        "BODY.PEEK[HEADER.FIELDS (DATE SUBJECT FROM SENDER REPLY-TO TO CC BCC MESSAGE-ID "
                        "IN-REPLY-TO REFERENCES LIST-ID)]"};
    if (withModSeq)
        items.append("MODSEQ");
    return items;
}

bool carriesMetadata(const Imap::FetchResponse &response)
{
    return response.bodyStructure && (response.envelope || headerFieldsSection(response));
}

Store::MessageFlags flagsFromFetch(const Imap::FetchResponse &response)
{
    if (!response.flags)
        return {};
    QStringList flags;
    flags.reserve(response.flags->size());
    for (const QByteArray &flag : *response.flags)
        flags.append(Mime::decodeUnlabelledText(flag));
    return Store::MessageFlags::fromStrings(flags);
}

Store::MessageMetadata metadataFromFetch(const Imap::FetchResponse &response)
{
    Store::MessageMetadata message;
    message.uid = response.uid.value_or(0);
    message.modSeq = response.modSeq.value_or(0);
    message.flags = flagsFromFetch(response);
    if (response.internalDate)
        message.internalDate = QDateTime::fromSecsSinceEpoch(*response.internalDate, Qt::UTC);
    if (response.rfc822Size)
        message.size = qint64(std::min<uint64_t>(*response.rfc822Size, uint64_t(std::numeric_limits<qint64>::max())));

    if (response.envelope) {
        const Imap::Envelope &envelope = *response.envelope;
        if (!envelope.subject.isNull())
            message.subject = Mime::decodeHeader(envelope.subject);
        message.date = parseDateHeader(envelope.date);
        message.from = addressesFromImap(envelope.from);
        if (envelope.sender != envelope.from)
            message.sender = addressesFromImap(envelope.sender);
        if (envelope.replyTo != envelope.from)
            message.replyTo = addressesFromImap(envelope.replyTo);
        message.to = addressesFromImap(envelope.to);
        message.cc = addressesFromImap(envelope.cc);
        message.bcc = addressesFromImap(envelope.bcc);
        message.messageId = messageIdFromRaw(envelope.messageId);
        message.inReplyTo = messageIdFromRaw(envelope.inReplyTo);
    }

    if (const Imap::SectionData *section = headerFieldsSection(response)) {
        QByteArray references;
        QByteArray from, sender, replyTo;
        bool haveFrom = false, haveSender = false, haveReplyTo = false, haveSubject = false, haveDate = false;
        bool haveTo = false, haveCc = false, haveBcc = false, haveMessageId = false, haveInReplyTo = false;
        bool haveListId = false;
        const auto addresses = [](QByteArrayView raw) {
            bool truncated = false;
            QList<Store::Address> result;
            const QList<Mime::Mailbox> mailboxes = Mime::parseAddressListTruncated(raw, &truncated);
            result.reserve(mailboxes.size());
            for (const Mime::Mailbox &mailbox : mailboxes)
                result.append({mailbox.name, mailbox.email});
            return result;
        };
        // The first of each field counts, as in an envelope; References are all taken.
        const auto first = [](bool &seen) { return !std::exchange(seen, true); };
        const bool envelopeFields = !response.envelope;
        forEachHeaderField(section->data, [&](QByteArrayView name, QByteArrayView value) {
            const auto is = [&name](const char *field) { return name.compare(field, Qt::CaseInsensitive) == 0; };
            if (is("references")) {
                references.append(value);
                references.append(' ');
            } else if (is("list-id")) {
                if (!haveListId) {
                    message.listId = listIdFromRaw(value);
                    haveListId = !message.listId.isEmpty();
                }
            } else if (!envelopeFields) {
                return;
            } else if (is("subject")) {
                if (first(haveSubject))
                    message.subject = Mime::decodeHeader(value);
            } else if (is("date")) {
                if (first(haveDate))
                    message.date = parseDateHeader(value.trimmed());
            } else if (is("from")) {
                if (first(haveFrom))
                    from = value.trimmed().toByteArray();
            } else if (is("sender")) {
                if (first(haveSender))
                    sender = value.trimmed().toByteArray();
            } else if (is("reply-to")) {
                if (first(haveReplyTo))
                    replyTo = value.trimmed().toByteArray();
            } else if (is("to")) {
                if (first(haveTo))
                    message.to = addresses(value);
            } else if (is("cc")) {
                if (first(haveCc))
                    message.cc = addresses(value);
            } else if (is("bcc")) {
                if (first(haveBcc))
                    message.bcc = addresses(value);
            } else if (is("message-id")) {
                if (first(haveMessageId))
                    message.messageId = messageIdFromRaw(value.trimmed());
            } else if (is("in-reply-to")) {
                if (first(haveInReplyTo))
                    message.inReplyTo = messageIdFromRaw(value.trimmed());
            }
        });
        if (envelopeFields) {
            // ENVELOPE semantics (RFC 3501 §7.4.2): Sender and Reply-To are From when absent, and
            // the store keeps them only when they differ.
            message.from = addresses(from);
            if (haveSender && sender != from)
                message.sender = addresses(sender);
            if (haveReplyTo && replyTo != from)
                message.replyTo = addresses(replyTo);
        }
        message.references = referencesFromRaw(references);
    }

    if (response.bodyStructure) {
        const Imap::BodyPart &root = *response.bodyStructure;
        message.parts = listParts(root);
        for (const Store::MessagePart &part : std::as_const(message.parts)) {
            if (part.isAttachment) {
                message.hasAttachments = true;
                break;
            }
        }
        message.isDeliveryReport = isDeliveryReport(root);
        message.bodyStructure = serializeBodyStructure(root);
    }
    return message;
}

namespace {

// The form nearly every mailer writes, "[Ddd, ]D[D] Mon YYYY HH:MM:SS +HHMM" with single spaces
// (RFC 5322 §3.3 without its obsolete parts), read without building tokens. nullopt for anything
// else, which the tolerant reader below then takes; for what both accept they agree.
std::optional<QDateTime> parseCommonDate(QByteArrayView s)
{
    qsizetype i = 0;
    const auto number = [&](int width, int &value) {
        if (i + width > s.size())
            return false;
        value = 0;
        for (int k = 0; k < width; ++k) {
            const char c = s[i + k];
            if (!isAsciiDigit(c))
                return false;
            value = value * 10 + (c - '0');
        }
        i += width;
        return true;
    };
    const auto expect = [&](char c) {
        if (i >= s.size() || s[i] != c)
            return false;
        ++i;
        return true;
    };
    const auto lowerAt = [&](qsizetype at) { return char(s[at] | 0x20); };

    if (s.size() >= 5 && s[3] == ',' && s[4] == ' ') {
        static constexpr const char kDays[] = "monmontuewedthufrisatsun";
        const bool isDay = isAsciiAlpha(s[0]) && isAsciiAlpha(s[1]) && isAsciiAlpha(s[2]) &&
                           [&] {
                               for (int d = 3; d < 24; d += 3) {
                                   if (lowerAt(0) == kDays[d] && lowerAt(1) == kDays[d + 1] &&
                                       lowerAt(2) == kDays[d + 2])
                                       return true;
                               }
                               return false;
                           }();
        if (!isDay)
            return std::nullopt;
        i = 5;
    }
    int day = 0;
    if (!(number(2, day) || number(1, day)) || !expect(' '))
        return std::nullopt;
    if (i + 4 > s.size() || !isAsciiAlpha(s[i]) || !isAsciiAlpha(s[i + 1]) || !isAsciiAlpha(s[i + 2]) ||
        s[i + 3] != ' ')
        return std::nullopt;
    static constexpr const char kMonths[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    int month = 0;
    for (int m = 0; m < 12 && month == 0; ++m) {
        if (lowerAt(i) == kMonths[3 * m] && lowerAt(i + 1) == kMonths[3 * m + 1] && lowerAt(i + 2) == kMonths[3 * m + 2])
            month = m + 1;
    }
    if (month == 0)
        return std::nullopt;
    i += 4;
    int year = 0, hour = 0, minute = 0, second = 0, zoneHours = 0, zoneMinutes = 0;
    if (!number(4, year) || !expect(' ') || !number(2, hour) || !expect(':') || !number(2, minute) || !expect(':') ||
        !number(2, second) || !expect(' ') || i >= s.size() || (s[i] != '+' && s[i] != '-'))
        return std::nullopt;
    const int sign = s[i++] == '-' ? -1 : 1;
    if (!number(2, zoneHours) || !number(2, zoneMinutes) || i != s.size())
        return std::nullopt;
    const QDate date(year, month, day);
    if (second == 60)
        second = 59;  // a leap second, as the tolerant reader takes it
    if (!date.isValid() || hour > 23 || minute > 59 || second > 59)
        return std::nullopt;
    // Out-of-range zones count as -0000, as in numericZoneOffset.
    const int offset = zoneHours > 23 || zoneMinutes > 59 ? 0 : sign * (zoneHours * 3600 + zoneMinutes * 60);
    constexpr qint64 kUnixEpochJulianDay = 2440588;
    const qint64 seconds = (date.toJulianDay() - kUnixEpochJulianDay) * 86400 + hour * 3600 + minute * 60 + second -
                           offset;
    return QDateTime::fromMSecsSinceEpoch(seconds * 1000, Qt::UTC);
}

}  // namespace

QDateTime parseDateHeader(QByteArrayView raw)
{
    if (auto common = parseCommonDate(raw))
        return *common;
    raw = raw.first(std::min(raw.size(), kMaxDateBytes));
    int day = -1;
    int month = -1;
    int year = -1;
    QTime time(0, 0);
    bool haveTime = false;
    std::optional<int> offset;

    const QList<QByteArray> tokens = dateTokens(raw);
    for (const QByteArray &token : tokens) {
        const QByteArray lower = token.toLower();
        if (token.contains(':') && !haveTime && token[0] != '+' && token[0] != '-') {
            if (!parseTime(token, time))
                return {};
            haveTime = true;
        } else if (token[0] == '+' || token[0] == '-') {
            const std::optional<int> zone = numericZoneOffset(token);
            if (!zone)
                return {};
            if (!offset)
                offset = zone;
        } else if (allDigits(token)) {
            if (day < 0 && year < 0 && token.size() <= 2) {
                day = smallNumber(token);
            } else if (year < 0 && token.size() <= 4) {
                const int value = smallNumber(token);
                // RFC 5322 §4.3: two-digit years 00-49 are 2000-2049, 50-99 are 1950-1999; three-digit
                // years add 1900.
                if (token.size() <= 2)
                    year = value < 50 ? 2000 + value : 1900 + value;
                else if (token.size() == 3)
                    year = 1900 + value;
                else
                    year = value;
            } else if (day < 0 && token.size() <= 2) {
                day = smallNumber(token);  // "2003 Jul 1"
            } else {
                return {};
            }
        } else if (allAlpha(token)) {
            if (const int number = monthNumber(lower); number > 0 && month < 0) {
                month = number;
            } else if (isDayName(lower)) {
                continue;
            } else if (haveTime && (lower == "am" || lower == "pm")) {
                int hour = time.hour() % 12;
                if (lower == "pm")
                    hour += 12;
                time = QTime(hour, time.minute(), time.second());
            } else if (haveTime) {
                // A zone name; RFC 5322 §4.3 reads unknown ones (military letters, "CEST") as -0000.
                if (!offset)
                    offset = zoneNameOffset(lower).value_or(0);
            } else {
                return {};
            }
        } else {
            return {};
        }
    }
    if (day < 0 || month < 0 || year < 0)
        return {};
    const QDate date(year, month, day);
    if (!date.isValid())
        return {};
    return QDateTime(date, time, Qt::UTC).addSecs(-offset.value_or(0));
}

}  // namespace Heron::Sync
