// SPDX-License-Identifier: GPL-3.0-or-later
#include "message.h"

#include "codec.h"
#include "gmimesupport.h"

namespace Heron::Mime {

using namespace Detail;

namespace {

QByteArray rawHeader(GMimeHeaderList *list, const char *name)
{
    if (!list)
        return QByteArray();
    GMimeHeader *header = g_mime_header_list_get_header(list, name);
    if (!header)
        return QByteArray();
    return fromGChar(g_mime_header_get_raw_value(header));
}

QByteArray unfolded(QByteArrayView raw)
{
    QByteArray out;
    out.reserve(raw.size());
    for (const char c : raw) {
        if (c != '\r' && c != '\n')
            out.append(c);
    }
    return out.trimmed();
}

qsizetype headerBlockBytes(GMimeObject *object)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(object);
    if (!list)
        return 0;
    qsizetype total = 0;
    const int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; ++i) {
        GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
        const char *name = g_mime_header_get_name(header);
        const char *value = g_mime_header_get_raw_value(header);
        total += qsizetype(name ? strlen(name) : 0) + 1 + qsizetype(value ? strlen(value) : 0);
    }
    return total;
}

QList<QByteArray> messageIds(QByteArrayView raw)
{
    QList<QByteArray> ids;
    const QByteArray text = unfolded(raw);
    if (text.isEmpty())
        return ids;
    GMimeReferences *refs = g_mime_references_parse(sharedParserOptions(), text.constData());
    if (!refs)
        return ids;
    const int count = g_mime_references_length(refs);
    ids.reserve(count);
    for (int i = 0; i < count; ++i)
        ids.append(fromGChar(g_mime_references_get_message_id(refs, i)));
    g_mime_references_free(refs);
    return ids;
}

QByteArray messageId(QByteArrayView raw)
{
    const QByteArray text = unfolded(raw);
    if (text.isEmpty())
        return QByteArray();
    const GCharPtr id(g_mime_utils_decode_message_id(text.constData()));
    return id ? QByteArray(id.get()) : QByteArray();
}

QDateTime dateOf(GMimeMessage *message)
{
    GDateTime *date = g_mime_message_get_date(message);
    if (!date)
        return QDateTime();
    const qint64 secs = g_date_time_to_unix(date);
    const int offset = int(g_date_time_get_utc_offset(date) / G_TIME_SPAN_SECOND);
    return QDateTime::fromSecsSinceEpoch(secs, Qt::OffsetFromUTC, offset);
}

std::shared_ptr<MessageHeaders> headersOf(GMimeMessage *message)
{
    auto headers = std::make_shared<MessageHeaders>();
    GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(message));
    headers->subject = decodeHeader(rawHeader(list, "Subject"));
    bool truncated = false;
    auto addresses = [&](const char *name) {
        bool dropped = false;
        QList<Mailbox> result = parseAddressListTruncated(rawHeader(list, name), &dropped);
        truncated = truncated || dropped;
        return result;
    };
    headers->from = addresses("From");
    headers->sender = addresses("Sender");
    headers->replyTo = addresses("Reply-To");
    headers->to = addresses("To");
    headers->cc = addresses("Cc");
    headers->bcc = addresses("Bcc");
    headers->addressesTruncated = truncated;
    headers->date = dateOf(message);
    headers->messageId = messageId(rawHeader(list, "Message-ID"));
    headers->inReplyTo = messageIds(rawHeader(list, "In-Reply-To"));
    headers->references = messageIds(rawHeader(list, "References"));

    // RFC 2919 §3: List-Id: [phrase] "<" list-label "." list-id-namespace ">"
    const QByteArray listId = unfolded(rawHeader(list, "List-Id"));
    const qsizetype open = listId.lastIndexOf('<');
    const qsizetype close = open >= 0 ? listId.indexOf('>', open) : -1;
    if (open >= 0 && close > open) {
        headers->listId = listId.mid(open + 1, close - open - 1).trimmed();
        headers->listName = decodeHeader(QByteArrayView(listId).first(open));
    } else {
        headers->listId = listId;
    }
    return headers;
}

QByteArray lower(const char *s)
{
    return fromGChar(s).toLower();
}

// GMime joins the base64 text of adjacent B words before decoding it, so a parameter such as
// filename="=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=.pdf" lost all but its first word
// (Detail::bWordsAsQWordsForGMime). A header with encoded words is parsed again here, its B words
// rewritten as Q words of the same bytes; nullptr when the header has none, or does not parse.
template <typename T>
GObjectPtr<T> reparsedWithQWords(GMimeHeaderList *list, const char *name,
                                 T *(*parse)(GMimeParserOptions *, const char *))
{
    const QByteArray raw = unfolded(rawHeader(list, name));
    if (!raw.contains("=?"))
        return GObjectPtr<T>();
    return GObjectPtr<T>(parse(sharedParserOptions(), bWordsAsQWordsForGMime(raw).constData()));
}

void describe(GMimeObject *object, MimePart *part)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(object);
    const auto reparsedType = reparsedWithQWords<GMimeContentType>(list, "Content-Type", g_mime_content_type_parse);
    const auto reparsedDisposition =
            reparsedWithQWords<GMimeContentDisposition>(list, "Content-Disposition", g_mime_content_disposition_parse);
    GMimeContentType *type = reparsedType ? reparsedType.get() : g_mime_object_get_content_type(object);
    if (type) {
        part->mediaType = lower(g_mime_content_type_get_media_type(type)) + '/' +
                          lower(g_mime_content_type_get_media_subtype(type));
        GMimeParamList *params = g_mime_content_type_get_parameters(type);
        const int count = params ? g_mime_param_list_length(params) : 0;
        for (int i = 0; i < count; ++i) {
            GMimeParam *param = g_mime_param_list_get_parameter_at(params, i);
            part->parameters.append({lower(g_mime_param_get_name(param)), fromGChar(g_mime_param_get_value(param))});
        }
        part->charset = lower(g_mime_content_type_get_parameter(type, "charset")).trimmed();
    } else {
        part->mediaType = QByteArrayLiteral("text/plain");  // RFC 2045 §5.2
    }
    GMimeContentDisposition *disposition =
            reparsedDisposition ? reparsedDisposition.get() : g_mime_object_get_content_disposition(object);
    if (disposition) {
        part->disposition = lower(g_mime_content_disposition_get_disposition(disposition)).trimmed();
        part->fileName = QString::fromUtf8(g_mime_content_disposition_get_parameter(disposition, "filename"));
    }
    if (part->fileName.isEmpty() && type)
        part->fileName = QString::fromUtf8(g_mime_content_type_get_parameter(type, "name"));
    part->contentId = fromGChar(g_mime_object_get_content_id(object));
    part->transferEncoding = unfolded(rawHeader(list, "Content-Transfer-Encoding")).toLower();
    part->description = decodeHeader(rawHeader(list, "Content-Description"));
}

struct Pending {
    GMimeObject *object;
    int parent;
    QString section;
    int depth;
};

QString childSection(const QString &base, int index)
{
    return base.isEmpty() ? QString::number(index) : base + QLatin1Char('.') + QString::number(index);
}

// The body of a message at section `section`: a multipart keeps the section, a leaf gets ".1".
QString bodySection(GMimeObject *body, const QString &section)
{
    return GMIME_IS_MULTIPART(body) ? section : childSection(section, 1);
}

// The top-level header block (up to the blank line, RFC 5322 §2.1) must fit in `limit` bytes. Checked
// before GMime sees the data so a giant header costs one scan, not a parse. Returns the offset of
// the body, or -1 with *error set.
qsizetype topBodyOffset(QByteArrayView data, qsizetype limit, Error *error)
{
    qsizetype pos = 0;
    while (pos < data.size()) {
        const qsizetype eol = data.indexOf('\n', pos);
        const qsizetype lineEnd = eol < 0 ? data.size() : eol;
        const bool blank = lineEnd == pos || (lineEnd == pos + 1 && data[pos] == '\r');
        if (blank)
            return eol < 0 ? data.size() : eol + 1;
        pos = eol < 0 ? data.size() : eol + 1;
        if (pos > limit) {
            *error = makeError(Error::Code::LimitExceeded,
                               QStringLiteral("The message header is larger than %1 bytes").arg(limit));
            return -1;
        }
    }
    return data.size();
}

}  // namespace

bool MimePart::isAttachment() const
{
    if (disposition == "attachment")
        return true;
    if (disposition == "inline")
        return false;
    return !fileName.isEmpty() && !mediaType.startsWith("text/");
}

QByteArrayView ParsedMessage::encodedContent(int partIndex) const
{
    if (partIndex < 0 || partIndex >= parts.size())
        return QByteArrayView();
    const MimePart &part = parts[partIndex];
    if (part.contentOffset < 0 || part.contentOffset + part.contentSize > raw.size())
        return QByteArrayView();
    return QByteArrayView(raw).sliced(part.contentOffset, part.contentSize);
}

Result<QByteArray> ParsedMessage::decodedContent(int partIndex) const
{
    if (partIndex < 0 || partIndex >= parts.size())
        return makeError(Error::Code::InvalidInput, QStringLiteral("No such part"));
    return decodeTransferEncoding(encodedContent(partIndex), parts[partIndex].transferEncoding);
}

Result<QString> ParsedMessage::text(int partIndex) const
{
    Result<QByteArray> bytes = decodedContent(partIndex);
    if (!bytes)
        return bytes.error();
    return decodeText(*bytes, parts[partIndex].charset);
}

int ParsedMessage::findSection(const QString &section) const
{
    for (int i = 0; i < parts.size(); ++i) {
        if (parts[i].section == section && !parts[i].isMultipart())
            return i;
    }
    for (int i = 0; i < parts.size(); ++i) {
        if (parts[i].section == section)
            return i;
    }
    return -1;
}

int ParsedMessage::findBody(QByteArrayView mediaType) const
{
    int fallback = -1;
    for (int i = 0; i < parts.size(); ++i) {
        const MimePart &part = parts[i];
        if (!part.mediaType.startsWith("text/") || part.isAttachment())
            continue;
        // Text inside an embedded message belongs to that message, not to this one.
        bool insideMessage = false;
        for (int p = part.parent; p >= 0; p = parts[p].parent) {
            if (parts[p].isMessage()) {
                insideMessage = true;
                break;
            }
        }
        if (insideMessage)
            continue;
        if (part.mediaType == mediaType)
            return i;
        if (fallback < 0 && (part.mediaType == "text/plain" || part.mediaType == "text/html"))
            fallback = i;
    }
    return fallback;
}

Result<ParsedMessage> parseMessage(QByteArrayView rfc822, const Limits &limits)
{
    Error headerError;
    const qsizetype bodyOffset = topBodyOffset(rfc822, limits.maxHeaderBytes, &headerError);
    if (bodyOffset < 0)
        return headerError;

    ensureInitialized();
    ParsedMessage result;
    result.raw = rfc822.toByteArray();

    GObjectPtr<GMimeStream> stream(
            g_mime_stream_mem_new_with_buffer(result.raw.constData(), size_t(result.raw.size())));
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    const ParserOptionsPtr options = makeParserOptions();
    GObjectPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options.get()));
    if (!message) {
        // Nothing GMime recognises as a header (empty or binary data): show it as a headerless
        // text body rather than nothing, as other mail clients do.
        qCInfo(lcMime) << "No message header found; treating" << result.raw.size() << "bytes as text";
        MimePart part;
        part.mediaType = QByteArrayLiteral("text/plain");
        part.section = QStringLiteral("1");
        part.contentSize = result.raw.size();
        result.parts.append(part);
        return result;
    }

    result.headers = *headersOf(message.get());

    GMimeObject *root = g_mime_message_get_mime_part(message.get());
    if (!root) {
        // A message with headers only: an empty text/plain body (RFC 2045 §5.2).
        MimePart part;
        part.mediaType = QByteArrayLiteral("text/plain");
        part.section = QStringLiteral("1");
        part.contentOffset = result.raw.size();
        result.parts.append(part);
        return result;
    }

    auto tooMany = [&] {
        return makeError(Error::Code::LimitExceeded,
                         QStringLiteral("The message has more than %1 MIME parts").arg(limits.maxParts));
    };

    QList<Pending> pending{{root, -1, bodySection(root, QString()), 1}};
    while (!pending.isEmpty()) {
        const Pending item = pending.takeLast();
        if (item.depth > limits.maxDepth)
            return makeError(Error::Code::LimitExceeded,
                             QStringLiteral("The message nests MIME parts deeper than %1 levels").arg(limits.maxDepth));
        if (result.parts.size() >= limits.maxParts)
            return tooMany();
        if (headerBlockBytes(item.object) > limits.maxHeaderBytes)
            return makeError(Error::Code::LimitExceeded,
                             QStringLiteral("A MIME part header is larger than %1 bytes").arg(limits.maxHeaderBytes));

        const int index = int(result.parts.size());
        MimePart part;
        describe(item.object, &part);
        part.section = item.section;
        part.depth = item.depth;
        part.parent = item.parent;
        part.contentOffset = -1;

        if (GMIME_IS_MULTIPART(item.object)) {
            GMimeMultipart *multipart = GMIME_MULTIPART(item.object);
            const int count = g_mime_multipart_get_count(multipart);
            if (count > limits.maxParts)
                return tooMany();
            // Pushed last to first so they come off the stack in order.
            for (int i = count - 1; i >= 0; --i) {
                GMimeObject *child = g_mime_multipart_get_part(multipart, i);
                pending.append({child, index, childSection(item.section, i + 1), item.depth + 1});
            }
        } else if (GMIME_IS_MESSAGE_PART(item.object)) {
            GMimeMessage *embedded = g_mime_message_part_get_message(GMIME_MESSAGE_PART(item.object));
            if (embedded) {
                if (headerBlockBytes(GMIME_OBJECT(embedded)) > limits.maxHeaderBytes)
                    return makeError(Error::Code::LimitExceeded,
                                     QStringLiteral("An attached message header is larger than %1 bytes")
                                             .arg(limits.maxHeaderBytes));
                part.embedded = headersOf(embedded);
                GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(embedded));
                if (list && g_mime_header_list_get_count(list) > 0)
                    part.contentOffset = qsizetype(g_mime_header_get_offset(g_mime_header_list_get_header_at(list, 0)));
                GMimeObject *body = g_mime_message_get_mime_part(embedded);
                if (body)
                    pending.append({body, index, bodySection(body, item.section), item.depth + 1});
            }
        } else if (GMIME_IS_PART(item.object)) {
            GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(item.object));
            GMimeStream *data = content ? g_mime_data_wrapper_get_stream(content) : nullptr;
            if (data) {
                // The parser keeps each leaf as a window on our memory stream (persistent stream),
                // so its bounds are offsets into result.raw.
                const gint64 start = data->bound_start;
                const gint64 end = data->bound_end >= 0 ? data->bound_end : start + g_mime_stream_length(data);
                if (start >= 0 && end >= start && end <= gint64(result.raw.size())) {
                    part.contentOffset = qsizetype(start);
                    part.contentSize = qsizetype(end - start);
                } else {
                    qCWarning(lcMime) << "MIME part" << item.section << "has content outside the message";
                }
            } else {
                part.contentOffset = 0;
            }
        }
        if (item.parent >= 0)
            result.parts[item.parent].children.append(index);
        result.parts.append(std::move(part));
    }

    // A top-level multipart without a usable boundary (RFC 2046 §5.1.1 requires one) leaves GMime
    // with no children; show its body as text instead of nothing.
    if (result.parts.size() == 1 && result.parts[0].isMultipart()) {
        MimePart text;
        text.mediaType = QByteArrayLiteral("text/plain");
        text.section = QStringLiteral("1");
        text.depth = 2;
        text.parent = 0;
        text.contentOffset = bodyOffset;
        text.contentSize = result.raw.size() - bodyOffset;
        result.parts[0].children.append(1);
        result.parts.append(text);
    }

    // Containers span their descendants; children come after parents in the list.
    for (qsizetype i = result.parts.size() - 1; i > 0; --i) {
        const MimePart &child = result.parts[i];
        if (child.contentOffset < 0)
            continue;
        MimePart &parent = result.parts[child.parent];
        if (parent.contentOffset < 0) {
            parent.contentOffset = child.contentOffset;
            parent.contentSize = child.contentSize;
            continue;
        }
        const qsizetype start = qMin(parent.contentOffset, child.contentOffset);
        const qsizetype end = qMax(parent.contentOffset + parent.contentSize, child.contentOffset + child.contentSize);
        parent.contentOffset = start;
        parent.contentSize = end - start;
    }
    for (MimePart &part : result.parts) {
        if (part.contentOffset < 0) {
            part.contentOffset = 0;
            part.contentSize = 0;
        }
    }
    return result;
}

}  // namespace Heron::Mime
