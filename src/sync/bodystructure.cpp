// SPDX-License-Identifier: GPL-3.0-or-later
#include "bodystructure.h"

#include "mime/codec.h"
#include "mime/header.h"
#include "mime/mailbox.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>
#include <charconv>
#include <limits>

namespace Heron::Sync {

namespace {

// ---- the JSON form ----
//
// {"v":1,"r":node}; node = {"t":type,"s":subtype,"p":params,"i":id,"d":description,"e":encoding,
// "z":size,"n":lines,"dt":disposition,"dp":disposition params,"g":languages,"l":location,
// "en":{"s":subject,"f":[[name,adl,mailbox,host],...],"m":message-id,"d":date},"c":[node,...]}.
// A key is left out when its value is NIL (or 0, or empty for lists); params are [[name,value],...]
// with JSON null for a NIL value. A string that is not UTF-8 is written as {"b":base64}.
constexpr int kFormatVersion = 1;

// Runs without a character to escape, most strings whole, go in one append.
void appendJsonString(QByteArray &out, QByteArrayView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.append('"');
    const char *run = text.data();
    const char *const end = run + text.size();
    for (const char *p = run; p != end; ++p) {
        const auto byte = static_cast<unsigned char>(*p);
        if (byte >= 0x20 && byte != '"' && byte != '\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        if (byte == '"' || byte == '\\') {
            const char escaped[2] = {'\\', char(byte)};
            out.append(escaped, 2);
        } else {
            const char escaped[6] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
            out.append(escaped, 6);
        }
    }
    out.append(run, end - run);
    out.append('"');
}

// Raw bytes, exactly: UTF-8 as a JSON string, anything else base64 in an object. NIL is JSON null.
void appendBytes(QByteArray &out, const QByteArray &bytes)
{
    if (bytes.isNull()) {
        out.append("null");
    } else if (Mime::isValidUtf8(bytes)) {
        appendJsonString(out, bytes);
    } else {
        out.append("{\"b\":\"");
        out.append(bytes.toBase64());
        out.append("\"}");
    }
}

void appendKey(QByteArray &out, const char *key)
{
    // ,"key": in one append; the keys are one or two letters.
    char buffer[8] = {',', '"'};
    qsizetype size = 2;
    while (*key && size < 5)
        buffer[size++] = *key++;
    Q_ASSERT(!*key);
    buffer[size++] = '"';
    buffer[size++] = ':';
    out.append(buffer, size);
}

void appendOptionalBytes(QByteArray &out, const char *key, const QByteArray &bytes)
{
    if (bytes.isNull())
        return;
    appendKey(out, key);
    appendBytes(out, bytes);
}

void appendNumber(QByteArray &out, const char *key, uint64_t value)
{
    appendKey(out, key);
    // JSON readers keep integers exact up to 2^63 - 1; larger (hostile) values travel as strings.
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, value);
    const bool quoted = value > uint64_t(std::numeric_limits<qint64>::max());
    if (quoted)
        out.append('"');
    out.append(digits, written.ptr - digits);
    if (quoted)
        out.append('"');
}

void appendParameters(QByteArray &out, const char *key, const Imap::Parameters &parameters)
{
    if (parameters.isEmpty())
        return;
    appendKey(out, key);
    out.append('[');
    bool first = true;
    for (const auto &[name, value] : parameters) {
        if (!first)
            out.append(',');
        first = false;
        out.append('[');
        appendBytes(out, name);
        out.append(',');
        appendBytes(out, value);
        out.append(']');
    }
    out.append(']');
}

void appendEnvelope(QByteArray &out, const Imap::Envelope &envelope)
{
    appendKey(out, "en");
    out.append("{\"f\":[");
    bool first = true;
    for (const Imap::Address &address : envelope.from) {
        if (!first)
            out.append(',');
        first = false;
        out.append('[');
        appendBytes(out, address.name);
        out.append(',');
        appendBytes(out, address.adl);
        out.append(',');
        appendBytes(out, address.mailbox);
        out.append(',');
        appendBytes(out, address.host);
        out.append(']');
    }
    out.append(']');
    appendOptionalBytes(out, "s", envelope.subject);
    appendOptionalBytes(out, "m", envelope.messageId);
    appendOptionalBytes(out, "d", envelope.date);
    out.append('}');
}

class Serializer {
public:
    QByteArray &out;
    int nodes = 0;

    // Writes the node unless a limit leaves it out; false when it was left out.
    bool write(const Imap::BodyPart &part, int depth)
    {
        if (depth > kMaxBodyDepth || nodes >= kMaxBodyParts)
            return false;
        ++nodes;
        out.append("{\"t\":");
        appendBytes(out, part.type);
        appendOptionalBytes(out, "s", part.subtype);
        appendParameters(out, "p", part.parameters);
        appendOptionalBytes(out, "i", part.id);
        appendOptionalBytes(out, "d", part.description);
        appendOptionalBytes(out, "e", part.encoding);
        if (part.size != 0)
            appendNumber(out, "z", part.size);
        if (part.lines)
            appendNumber(out, "n", *part.lines);
        appendOptionalBytes(out, "dt", part.disposition.type);
        appendParameters(out, "dp", part.disposition.parameters);
        if (!part.language.isEmpty()) {
            appendKey(out, "g");
            out.append('[');
            for (qsizetype i = 0; i < part.language.size(); ++i) {
                if (i > 0)
                    out.append(',');
                appendBytes(out, part.language.at(i));
            }
            out.append(']');
        }
        appendOptionalBytes(out, "l", part.location);
        if (part.envelope)
            appendEnvelope(out, *part.envelope);
        // Children that a limit leaves out are not written at all, so that what is written reads back
        // to a tree that serializes to the same bytes.
        if (!part.children.empty() && depth < kMaxBodyDepth && nodes < kMaxBodyParts) {
            appendKey(out, "c");
            out.append('[');
            bool first = true;
            for (const Imap::BodyPart &child : part.children) {
                const qsizetype mark = out.size();
                if (!first)
                    out.append(',');
                if (!write(child, depth + 1)) {
                    out.truncate(mark);
                    break;  // the part budget is spent: the same for every later sibling
                }
                first = false;
            }
            out.append(']');
        }
        out.append('}');
        return true;
    }
};

// ---- reading it back ----

bool readBytes(const QJsonValue &value, QByteArray &out, bool nullAllowed)
{
    if (value.isNull()) {
        out = QByteArray();
        return nullAllowed;
    }
    if (value.isString()) {
        out = value.toString().toUtf8();
        if (out.isNull())
            out = QByteArray("");  // "" is not NIL
        return true;
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const QJsonValue encoded = object.value(QLatin1StringView("b"));
        if (object.size() != 1 || !encoded.isString())
            return false;
        auto decoded = QByteArray::fromBase64Encoding(encoded.toString().toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return false;
        out = std::move(decoded.decoded);
        if (out.isNull())
            out = QByteArray("");
        return true;
    }
    return false;
}

// An absent key leaves `out` NIL.
bool readOptionalBytes(const QJsonObject &object, const char *key, QByteArray &out)
{
    const auto it = object.constFind(QLatin1StringView(key));
    if (it == object.constEnd())
        return true;
    return readBytes(it.value(), out, false);
}

bool readNumber(const QJsonValue &value, uint64_t &out)
{
    if (value.isString()) {
        bool ok = false;
        out = value.toString().toULongLong(&ok);
        return ok;
    }
    if (!value.isDouble())
        return false;
    const qint64 number = value.toInteger(-1);
    if (number < 0)
        return false;
    out = uint64_t(number);
    return true;
}

bool readParameters(const QJsonObject &object, const char *key, Imap::Parameters &out)
{
    const auto it = object.constFind(QLatin1StringView(key));
    if (it == object.constEnd())
        return true;
    if (!it.value().isArray())
        return false;
    const QJsonArray array = it.value().toArray();
    out.reserve(array.size());
    for (const QJsonValue &entry : array) {
        if (!entry.isArray())
            return false;
        const QJsonArray pair = entry.toArray();
        if (pair.size() != 2)
            return false;
        auto &parameter = out.emplaceBack();
        if (!readBytes(pair.at(0), parameter.first, true) || !readBytes(pair.at(1), parameter.second, true))
            return false;
    }
    return true;
}

bool readEnvelope(const QJsonValue &value, Imap::Envelope &out)
{
    if (!value.isObject())
        return false;
    const QJsonObject object = value.toObject();
    if (!readOptionalBytes(object, "s", out.subject) || !readOptionalBytes(object, "m", out.messageId) ||
        !readOptionalBytes(object, "d", out.date))
        return false;
    const auto from = object.constFind(QLatin1StringView("f"));
    if (from == object.constEnd())
        return true;
    if (!from.value().isArray())
        return false;
    const QJsonArray addresses = from.value().toArray();
    if (addresses.size() > Mime::kMaxAddresses)
        return false;
    for (const QJsonValue &entry : addresses) {
        if (!entry.isArray())
            return false;
        const QJsonArray fields = entry.toArray();
        if (fields.size() != 4)
            return false;
        auto &address = out.from.emplaceBack();
        if (!readBytes(fields.at(0), address.name, true) || !readBytes(fields.at(1), address.adl, true) ||
            !readBytes(fields.at(2), address.mailbox, true) || !readBytes(fields.at(3), address.host, true))
            return false;
    }
    return true;
}

class Deserializer {
public:
    int nodes = 0;

    bool read(const QJsonValue &value, Imap::BodyPart &part, int depth)
    {
        if (depth > kMaxBodyDepth || ++nodes > kMaxBodyParts || !value.isObject())
            return false;
        const QJsonObject object = value.toObject();
        if (!readBytes(object.value(QLatin1StringView("t")), part.type, true) ||
            !readOptionalBytes(object, "s", part.subtype) || !readParameters(object, "p", part.parameters) ||
            !readOptionalBytes(object, "i", part.id) || !readOptionalBytes(object, "d", part.description) ||
            !readOptionalBytes(object, "e", part.encoding) || !readOptionalBytes(object, "dt", part.disposition.type) ||
            !readParameters(object, "dp", part.disposition.parameters) ||
            !readOptionalBytes(object, "l", part.location))
            return false;
        if (const auto it = object.constFind(QLatin1StringView("z")); it != object.constEnd()) {
            if (!readNumber(it.value(), part.size))
                return false;
        }
        if (const auto it = object.constFind(QLatin1StringView("n")); it != object.constEnd()) {
            uint64_t lines = 0;
            if (!readNumber(it.value(), lines))
                return false;
            part.lines = lines;
        }
        if (const auto it = object.constFind(QLatin1StringView("g")); it != object.constEnd()) {
            if (!it.value().isArray())
                return false;
            for (const QJsonValue &entry : it.value().toArray()) {
                if (!readBytes(entry, part.language.emplaceBack(), true))
                    return false;
            }
        }
        if (const auto it = object.constFind(QLatin1StringView("en")); it != object.constEnd()) {
            part.envelope = std::make_shared<Imap::Envelope>();
            if (!readEnvelope(it.value(), *part.envelope))
                return false;
        }
        if (const auto it = object.constFind(QLatin1StringView("c")); it != object.constEnd()) {
            if (!it.value().isArray())
                return false;
            const QJsonArray children = it.value().toArray();
            if (children.size() > kMaxBodyParts)
                return false;
            part.children.reserve(size_t(children.size()));
            for (const QJsonValue &child : children) {
                if (!read(child, part.children.emplace_back(), depth + 1))
                    return false;
            }
        }
        return true;
    }
};

// ---- listing parts ----

bool isEmbeddedMessage(const Imap::BodyPart &part)
{
    return part.type == "message" && (part.subtype == "rfc822" || part.subtype == "global");
}

// The machine-readable parts of a report (RFC 6522 §3, RFC 3464, RFC 6533, RFC 8098): shown by the
// viewer as part of the report, never offered as attachments.
bool isReportPart(const QString &mimeType)
{
    return mimeType == QLatin1StringView("message/delivery-status") ||
           mimeType == QLatin1StringView("message/global-delivery-status") ||
           mimeType == QLatin1StringView("text/rfc822-headers") ||
           mimeType == QLatin1StringView("message/global-headers") ||
           mimeType == QLatin1StringView("message/disposition-notification") ||
           mimeType == QLatin1StringView("message/global-disposition-notification");
}

QString lowerText(const QByteArray &bytes)
{
    return Mime::decodeUnlabelledText(bytes).trimmed().toLower();
}

QString mediaType(const Imap::BodyPart &part)
{
    QString type = lowerText(part.type);
    QString subtype = lowerText(part.subtype);
    // RFC 2045 §5.2 would say text/plain for a missing type, but a server that sent none gives no
    // reason to believe the part is text: offer it as data.
    if (type.isEmpty())
        return QStringLiteral("application/octet-stream");
    if (subtype.isEmpty())
        subtype = type == QLatin1StringView("text") ? QStringLiteral("plain") : QStringLiteral("octet-stream");
    return type + QLatin1Char('/') + subtype;
}

QString withoutAngleBrackets(const QByteArray &raw)
{
    QString id = Mime::decodeUnlabelledText(raw).trimmed();
    if (id.startsWith(QLatin1Char('<')))
        id.remove(0, 1);
    if (id.endsWith(QLatin1Char('>')))
        id.chop(1);
    return id.trimmed();
}

bool isReportMultipart(const Imap::BodyPart &part)
{
    if (!part.isMultipart() || part.subtype != "report")
        return false;
    const QString reportType = Mime::parameterValue(part.parameters, "report-type").trimmed();
    return reportType.compare(QLatin1StringView("delivery-status"), Qt::CaseInsensitive) == 0 ||
           reportType.compare(QLatin1StringView("global-delivery-status"), Qt::CaseInsensitive) == 0;
}

// Depth-first over one message's tree within the limits, embedded messages not entered.
template <typename Visit>
class TreeWalk {
public:
    explicit TreeWalk(Visit visit) : m_visit(std::move(visit)) {}

    // Visits `part` at `depth` then, unless visit returns false, its descendants. False once the
    // walk must stop (the part budget is spent or the visitor asked to stop everything).
    bool walk(const Imap::BodyPart &part, const QString &section, int depth, bool inReport)
    {
        if (depth > kMaxBodyDepth)
            return true;
        if (++m_nodes > kMaxBodyParts)
            return false;
        if (!m_visit(part, section, inReport))
            return false;
        if (!part.isMultipart())
            return true;
        const bool report = inReport || part.subtype == "report";
        int number = 0;
        for (const Imap::BodyPart &child : part.children) {
            ++number;
            const QString childSection = section.isEmpty() ? QString::number(number)
                                                           : section + QLatin1Char('.') + QString::number(number);
            if (!walk(child, childSection, depth + 1, report))
                return false;
        }
        return true;
    }

    // A message body (the top-level one, or the one inside a message/rfc822 part at `section`):
    // a multipart body takes the message's section, a single part is numbered 1 under it.
    bool walkBody(const Imap::BodyPart &body, const QString &section, int depth)
    {
        if (body.isMultipart())
            return walk(body, section, depth, false);
        return walk(body, section.isEmpty() ? QStringLiteral("1") : section + QStringLiteral(".1"), depth, false);
    }

private:
    Visit m_visit;
    int m_nodes = 0;
};

Store::MessagePart describePart(const Imap::BodyPart &part, const QString &section, bool inReport)
{
    Store::MessagePart result;
    result.section = section;
    result.mimeType = mediaType(part);
    result.charset = Mime::parameterValue(part.parameters, "charset").trimmed().toLower();
    result.encoding = lowerText(part.encoding);
    result.disposition = lowerText(part.disposition.type);
    result.fileName = Mime::parameterValue(part.disposition.parameters, "filename");
    if (result.fileName.isEmpty())
        result.fileName = Mime::parameterValue(part.parameters, "name");
    result.contentId = withoutAngleBrackets(part.id);
    result.size = qint64(std::min<uint64_t>(part.size, uint64_t(std::numeric_limits<qint64>::max())));

    const bool attachmentDisposition = result.disposition == QLatin1StringView("attachment");
    const bool inlineDisposition = result.disposition == QLatin1StringView("inline");
    if (isEmbeddedMessage(part)) {
        if (result.fileName.isEmpty() && part.envelope) {
            const QString subject = Mime::decodeHeader(part.envelope->subject).trimmed();
            if (!subject.isEmpty())
                result.fileName = subject + QStringLiteral(".eml");
        }
        result.isAttachment = true;
    } else if (inReport && isReportPart(result.mimeType)) {
        result.isAttachment = false;
    } else {
        const bool isText = result.mimeType.startsWith(QLatin1StringView("text/"));
        result.isAttachment = attachmentDisposition || (!result.fileName.isEmpty() && !inlineDisposition) ||
                              (!isText && result.disposition.isEmpty() && result.contentId.isEmpty());
    }
    return result;
}

QList<Store::MessagePart> collectParts(const Imap::BodyPart &body, const QString &section, int depth)
{
    QList<Store::MessagePart> parts;
    TreeWalk walk([&parts](const Imap::BodyPart &part, const QString &partSection, bool inReport) {
        if (!part.isMultipart())
            parts.append(describePart(part, partSection, inReport));
        return true;
    });
    walk.walkBody(body, section, depth);
    return parts;
}

// The multipart/report of a delivery report: the root, or the first multipart below it.
const Imap::BodyPart *findReport(const Imap::BodyPart &root)
{
    if (!root.isMultipart())
        return nullptr;
    if (isReportMultipart(root))
        return &root;
    const Imap::BodyPart *firstMultipart = nullptr;
    TreeWalk walk([&](const Imap::BodyPart &part, const QString &, bool) {
        if (&part != &root && part.isMultipart()) {
            firstMultipart = &part;
            return false;
        }
        return true;
    });
    walk.walkBody(root, QString(), 1);
    return firstMultipart && isReportMultipart(*firstMultipart) ? firstMultipart : nullptr;
}

}  // namespace

QByteArray serializeBodyStructure(const Imap::BodyPart &root)
{
    QByteArray out;
    out.reserve(256);
    out.append("{\"v\":");
    out.append(QByteArray::number(kFormatVersion));
    out.append(",\"r\":");
    Serializer serializer{out};
    serializer.write(root, 1);
    out.append('}');
    return out;
}

std::optional<Imap::BodyPart> deserializeBodyStructure(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject object = document.object();
    if (object.value(QLatin1StringView("v")).toInteger(-1) != kFormatVersion)
        return std::nullopt;
    Imap::BodyPart root;
    Deserializer deserializer;
    if (!deserializer.read(object.value(QLatin1StringView("r")), root, 1))
        return std::nullopt;
    return root;
}

QList<Store::MessagePart> listParts(const Imap::BodyPart &root)
{
    return collectParts(root, QString(), 1);
}

QList<Store::MessagePart> listEmbeddedParts(const Imap::BodyPart &messagePart, const QString &section)
{
    if (!isEmbeddedMessage(messagePart) || messagePart.children.empty() || section.isEmpty())
        return {};
    return collectParts(messagePart.children.front(), section, 2);
}

bool isDeliveryReport(const Imap::BodyPart &root)
{
    return findReport(root) != nullptr;
}

QString embeddedOriginalMessageId(const Imap::BodyPart &root)
{
    const Imap::BodyPart *report = findReport(root);
    if (!report)
        return {};
    QString messageId;
    TreeWalk walk([&messageId](const Imap::BodyPart &part, const QString &, bool) {
        if (isEmbeddedMessage(part) && part.envelope)
            messageId = messageIdFromRaw(part.envelope->messageId);
        return messageId.isEmpty();
    });
    walk.walk(*report, QString(), 1, true);
    return messageId;
}

QString messageIdFromRaw(QByteArrayView raw)
{
    // RFC 5322 §3.6.4: msg-id = [CFWS] "<" id-left "@" id-right ">" [CFWS]. White space inside the
    // brackets comes from broken folding and is dropped.
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    qsizetype open = -1;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == '<') {
            open = i;
        } else if (raw[i] == '>' && open >= 0) {
            const QByteArrayView inside = raw.sliced(open + 1, i - open - 1);
            if (std::none_of(inside.begin(), inside.end(), isSpace)) {
                if (!inside.isEmpty())
                    return Mime::decodeUnlabelledText(inside);
            } else {
                QByteArray id;
                id.reserve(inside.size());
                for (const char c : inside) {
                    if (!isSpace(c))
                        id.append(c);
                }
                if (!id.isEmpty())
                    return Mime::decodeUnlabelledText(id);
            }
            open = -1;
        }
    }
    const QByteArray trimmed = raw.toByteArray().trimmed();
    if (trimmed.isEmpty())
        return {};
    const QList<QByteArray> words = trimmed.simplified().split(' ');
    if (words.size() == 1 && !trimmed.contains('<') && !trimmed.contains('>'))
        return Mime::decodeUnlabelledText(trimmed);
    for (const QByteArray &word : words) {
        if (word.contains('@') && !word.contains('<') && !word.contains('>'))
            return Mime::decodeUnlabelledText(word);
    }
    return {};
}

}  // namespace Heron::Sync
