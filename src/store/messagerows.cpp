// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagerows.h"

#include "database.h"
#include "sqlsupport.h"

#include <sqlite3.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Heron::Store::MessageRows {

namespace {

const QString kMessageColumns = QStringLiteral(
        "folder_id, uid, modseq, flags, keywords, internal_date, date, size, subject, from_addrs, sender_addrs, "
        "reply_to_addrs, to_addrs, cc_addrs, bcc_addrs, msgid, in_reply_to, refs, list_id, body_structure, "
        "has_attachments, is_report");

void appendPartsJson(QByteArray &json, const QList<MessagePart> &parts);

// Binds the columns of kWrittenColumns, from parameter 1 on.
void bindMessage(Sql::Statement &statement, qint64 folderId, const MessageMetadata &message)
{
    MessageFlags flags = message.flags;
    flags.normalize();
    int column = 0;
    statement.bind(++column, folderId);
    statement.bind(++column, qint64(message.uid));
    statement.bind(++column, qint64(message.modSeq));
    statement.bind(++column, qint64(flags.bits));
    statement.bindText(++column, flags.keywords.join(QLatin1Char(' ')));
    statement.bindDateTime(++column, message.internalDate);
    statement.bindDateTime(++column, message.date);
    statement.bind(++column, message.size);
    statement.bindText(++column, message.subject);
    for (const QList<Address> *list :
         {&message.from, &message.sender, &message.replyTo, &message.to, &message.cc, &message.bcc}) {
        if (list->isEmpty())
            statement.bindNull(++column);
        else
            statement.bindUtf8With(++column, [list](QByteArray &json) { appendAddressesJson(json, *list); });
    }
    statement.bindText(++column, message.messageId);
    statement.bindText(++column, message.inReplyTo);
    statement.bindText(++column, message.references.join(QLatin1Char(' ')));
    statement.bindText(++column, message.listId);
    statement.bindBlob(++column, message.bodyStructure);
    statement.bind(++column, message.hasAttachments ? 1 : 0);
    statement.bind(++column, message.isDeliveryReport ? 1 : 0);
    if (message.parts.isEmpty())
        statement.bindNull(++column);
    else
        statement.bindUtf8With(++column, [&message](QByteArray &json) { appendPartsJson(json, message.parts); });
    if (const std::optional<qint64> key = keyOf(message))
        statement.bind(++column, *key);
    else
        statement.bindNull(++column);
}

// What the writer binds: the columns read back by fromQuery(), then the parts (partsFromJson())
// and the Message-ID's key.
const QString kWrittenColumns = kMessageColumns + QStringLiteral(", parts, msgid_key");
constexpr int kWrittenColumnCount = 24;

QStringList splitWords(const QString &text)
{
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

}  // namespace

namespace {

// RFC 8259 string escaping, in UTF-8: quote, backslash and control characters. Runs without
// them, most strings whole, are appended in one piece; ASCII runs without a conversion.
void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    const auto appendRun = [&out](const char16_t *begin, const char16_t *end, bool ascii) {
        if (!ascii) {
            out += QStringView(begin, end).toUtf8();
            return;
        }
        const qsizetype at = out.size();
        out.resize(at + (end - begin));
        char *to = out.data() + at;
        for (const char16_t *p = begin; p != end; ++p)
            *to++ = char(*p);
    };
    out += '"';
    const char16_t *const begin = text.utf16();
    const char16_t *const end = begin + text.size();
    const char16_t *run = begin;
    bool ascii = true;
    for (const char16_t *p = begin; p != end; ++p) {
        const char16_t u = *p;
        if (u >= 0x80) {
            ascii = false;
            continue;
        }
        if (u != u'"' && u != u'\\' && u >= 0x20)
            continue;
        appendRun(run, p, ascii);
        run = p + 1;
        ascii = true;
        if (u == u'"' || u == u'\\') {
            out += '\\';
            out += char(u);
        } else {
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        }
    }
    appendRun(run, end, ascii);
    out += '"';
}

// The format of messages.parts (migration version 8), written by hand like the addresses.
void appendPartsJson(QByteArray &json, const QList<MessagePart> &parts)
{
    json.reserve(json.size() + 2 + parts.size() * 64);
    json += '[';
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const MessagePart &part = parts.at(i);
        if (i > 0)
            json += ',';
        json += '[';
        for (const QString *text : {&part.section, &part.mimeType, &part.charset, &part.encoding, &part.disposition,
                                    &part.fileName, &part.contentId}) {
            appendJsonString(json, *text);
            json += ',';
        }
        json += QByteArray::number(part.size);
        json += part.isAttachment ? ",1]" : ",0]";
    }
    json += ']';
}

}  // namespace

qint64 messageIdKey(QByteArrayView utf8)
{
    quint64 hash = 14695981039346656037ull;
    for (const char c : utf8) {
        hash ^= quint8(c);
        hash *= 1099511628211ull;
    }
    return qint64(hash);
}

std::optional<qint64> keyOf(const MessageMetadata &message)
{
    if (message.messageId.isEmpty())
        return std::nullopt;
    return messageIdKey(message.messageId.toUtf8());
}

namespace {

// Reads one JSON string at `p` (RFC 8259 §7) into out as UTF-8; false when it is not one.
bool readJsonString(const char *&p, const char *end, QByteArray &out)
{
    if (p == end || *p != '"')
        return false;
    ++p;
    const auto hex4 = [&p, end](char32_t &value) {
        if (end - p < 4)
            return false;
        value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *p++;
            const int digit = (c >= '0' && c <= '9')   ? c - '0'
                              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                       : -1;
            if (digit < 0)
                return false;
            value = value * 16 + char32_t(digit);
        }
        return true;
    };
    while (p != end) {
        const char c = *p++;
        if (c == '"')
            return true;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (p == end)
            return false;
        const char escaped = *p++;
        switch (escaped) {
        case '"':
        case '\\':
        case '/':
            out += escaped;
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            char32_t unit = 0;
            if (!hex4(unit))
                return false;
            if (unit >= 0xD800 && unit < 0xDC00) {
                char32_t low = 0;
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
                    return false;
                p += 2;
                if (!hex4(low) || low < 0xDC00 || low >= 0xE000)
                    return false;
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            } else if (unit >= 0xDC00 && unit < 0xE000) {
                return false;
            }
            out += QString::fromUcs4(&unit, 1).toUtf8();
            break;
        }
        default:
            return false;
        }
    }
    return false;
}

// The addresses of one *_addrs value appended as message_search_expected has them: "name email"
// per address, a space between addresses. False for anything but [{"n": string, "e": string}, ...].
bool appendSearchAddresses(QByteArrayView json, QByteArray &out)
{
    const char *p = json.data();
    const char *const end = p + json.size();
    const auto skipSpace = [&p, end] {
        while (p != end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            ++p;
    };
    const auto expect = [&](char c) {
        skipSpace();
        if (p == end || *p != c)
            return false;
        ++p;
        return true;
    };
    if (!expect('['))
        return false;
    skipSpace();
    if (p != end && *p == ']')
        return ++p, skipSpace(), p == end;
    for (;;) {
        if (!expect('{'))
            return false;
        QByteArray name;
        QByteArray email;
        skipSpace();
        if (p != end && *p != '}') {
            for (;;) {
                QByteArray key;
                skipSpace();
                if (!readJsonString(p, end, key) || !expect(':'))
                    return false;
                skipSpace();
                QByteArray value;
                if (!readJsonString(p, end, value))
                    return false;
                if (key == "n")
                    name = value;
                else if (key == "e")
                    email = value;
                else
                    return false;
                skipSpace();
                if (p != end && *p == ',') {
                    ++p;
                    continue;
                }
                break;
            }
        }
        if (!expect('}'))
            return false;
        if (!out.isEmpty())
            out += ' ';
        out += name;
        out += ' ';
        out += email;
        skipSpace();
        if (p != end && *p == ',') {
            ++p;
            continue;
        }
        if (!expect(']'))
            return false;
        skipSpace();
        return p == end;
    }
}

}  // namespace

Result<bool> registerFunctions(sqlite3 *db)
{
    const auto key = [](sqlite3_context *context, int, sqlite3_value **arguments) {
        if (sqlite3_value_type(arguments[0]) == SQLITE_NULL) {
            sqlite3_result_null(context);
            return;
        }
        const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(arguments[0]));
        sqlite3_result_int64(context, messageIdKey(QByteArrayView(text, sqlite3_value_bytes(arguments[0]))));
    };
    if (sqlite3_create_function_v2(db, "heron_msgid_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   nullptr, key, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return makeError(Error::Code::Io, QStringLiteral("Cannot set up the store's SQL functions: %1")
                                                  .arg(QString::fromUtf8(sqlite3_errmsg(db))));
    }
    // heron_search_addresses(from, sender, reply_to, to, cc, bcc): the addresses column of
    // message_search_expected, computed without json_each(); NULL when a value is not the JSON
    // the writer stores, for the caller to fall back on the view.
    const auto addresses = [](sqlite3_context *context, int count, sqlite3_value **arguments) {
        QByteArray text;
        for (int i = 0; i < count; ++i) {
            if (sqlite3_value_type(arguments[i]) == SQLITE_NULL)
                continue;
            const auto *json = reinterpret_cast<const char *>(sqlite3_value_text(arguments[i]));
            if (!json || !appendSearchAddresses(QByteArrayView(json, sqlite3_value_bytes(arguments[i])), text)) {
                sqlite3_result_null(context);
                return;
            }
        }
        sqlite3_result_text(context, text.constData(), int(text.size()), SQLITE_TRANSIENT);
    };
    if (sqlite3_create_function_v2(db, "heron_search_addresses", 6,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, addresses, nullptr,
                                   nullptr, nullptr) != SQLITE_OK) {
        return makeError(Error::Code::Io, QStringLiteral("Cannot set up the store's SQL functions: %1")
                                                  .arg(QString::fromUtf8(sqlite3_errmsg(db))));
    }
    return true;
}

// Written by hand rather than through QJsonDocument: this runs for every address of every
// message stored, and the document round trip was a tenth of an initial sync's time.
void appendAddressesJson(QByteArray &json, const QList<Address> &addresses)
{
    json.reserve(json.size() + 2 + addresses.size() * 48);
    json += '[';
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        if (i > 0)
            json += ',';
        json += "{\"n\":";
        appendJsonString(json, addresses.at(i).name);
        json += ",\"e\":";
        appendJsonString(json, addresses.at(i).email);
        json += '}';
    }
    json += ']';
}

QString searchAddresses(const MessageMetadata &message)
{
    QString text;
    for (const QList<Address> *list :
         {&message.from, &message.sender, &message.replyTo, &message.to, &message.cc, &message.bcc}) {
        for (const Address &address : *list) {
            if (!text.isEmpty())
                text += QLatin1Char(' ');
            text += address.name;
            text += QLatin1Char(' ');
            text += address.email;
        }
    }
    return text;
}

QList<Address> addressesFromJson(const QString &json)
{
    QList<Address> result;
    if (json.isEmpty())
        return result;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    result.reserve(array.size());
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        result.append(
                {object.value(QLatin1StringView("n")).toString(), object.value(QLatin1StringView("e")).toString()});
    }
    return result;
}

QString selectColumns()
{
    return QStringLiteral("id, ") + kMessageColumns;
}

MessageMetadata fromQuery(const QSqlQuery &query)
{
    MessageMetadata message;
    message.id = query.value(0).toLongLong();
    message.folderId = query.value(1).toLongLong();
    message.uid = query.value(2).toUInt();
    message.modSeq = query.value(3).toULongLong();
    message.flags.bits = query.value(4).toUInt();
    message.flags.keywords = splitWords(query.value(5).toString());
    message.internalDate = Sql::toDateTime(query.value(6));
    message.date = Sql::toDateTime(query.value(7));
    message.size = query.value(8).toLongLong();
    message.subject = query.value(9).toString();
    message.from = addressesFromJson(query.value(10).toString());
    message.sender = addressesFromJson(query.value(11).toString());
    message.replyTo = addressesFromJson(query.value(12).toString());
    message.to = addressesFromJson(query.value(13).toString());
    message.cc = addressesFromJson(query.value(14).toString());
    message.bcc = addressesFromJson(query.value(15).toString());
    message.messageId = query.value(16).toString();
    message.inReplyTo = query.value(17).toString();
    message.references = splitWords(query.value(18).toString());
    message.listId = query.value(19).toString();
    message.bodyStructure = query.value(20).toByteArray();
    message.hasAttachments = query.value(21).toBool();
    message.isDeliveryReport = query.value(22).toBool();
    return message;
}

QList<MessagePart> partsFromJson(const QString &json)
{
    QList<MessagePart> result;
    if (json.isEmpty())
        return result;
    // A value that is not the array of migration version 8 yields the parts that are.
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    result.reserve(array.size());
    for (const QJsonValue &value : array) {
        const QJsonArray fields = value.toArray();
        if (fields.size() != 9 || !fields.at(0).isString())
            continue;
        MessagePart part;
        part.section = fields.at(0).toString();
        part.mimeType = fields.at(1).toString();
        part.charset = fields.at(2).toString();
        part.encoding = fields.at(3).toString();
        part.disposition = fields.at(4).toString();
        part.fileName = fields.at(5).toString();
        part.contentId = fields.at(6).toString();
        part.size = qint64(fields.at(7).toDouble());
        part.isAttachment = fields.at(8).toInt() != 0;
        result.append(part);
    }
    // Sections sort as numbers per level: 1, 1.2, 1.10, 2.
    std::sort(result.begin(), result.end(), [](const MessagePart &a, const MessagePart &b) {
        const QStringList left = a.section.split(QLatin1Char('.'));
        const QStringList right = b.section.split(QLatin1Char('.'));
        for (qsizetype i = 0; i < std::min(left.size(), right.size()); ++i) {
            const int l = left.at(i).toInt();
            const int r = right.at(i).toInt();
            if (l != r)
                return l < r;
            if (left.at(i) != right.at(i))
                return left.at(i) < right.at(i);
        }
        return left.size() < right.size();
    });
    return result;
}

Result<bool> removeIndexRows(const QSqlDatabase &db, const QString &owner, qint64 ownerId)
{
    QSqlQuery query(db);
    const QString picked = QStringLiteral(" IN (SELECT %1 FROM messages AS m WHERE ") + owner + QLatin1Char(')');
    for (const QString &statement :
         {QStringLiteral("DELETE FROM message_search WHERE rowid") + picked.arg(QStringLiteral("m.id")),
          QStringLiteral("DELETE FROM search_pending WHERE id") + picked.arg(QStringLiteral("m.id")),
          QStringLiteral("DELETE FROM message_ids WHERE (msgid_key, id)") +
                  picked.arg(QStringLiteral("m.msgid_key, m.id"))}) {
        query.prepare(statement);
        query.addBindValue(ownerId);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot remove messages from the indexes"));
    }
    return true;
}

Result<QList<StoredUid>> storedUids(sqlite3 *db, qint64 folderId, const UidSet &uids, bool skipServerHits)
{
    const QByteArray condition = skipServerHits ? " AND server_hit = 0" : "";
    QList<StoredUid> stored;
    const auto collect = [&](Sql::Statement &statement) -> Result<bool> {
        for (;;) {
            auto row = statement.step();
            if (!row)
                return row;
            if (!*row)
                return true;
            stored.append({quint32(statement.columnInt64(0)), statement.columnInt64(1)});
        }
    };
    QList<quint32> singles;
    Sql::Statement range;
    const QByteArray rangeSql = "SELECT uid, id FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ?" + condition;
    for (const UidSet::Range &uidRange : uids.ranges()) {
        if (uidRange.first == uidRange.last) {
            singles.append(uidRange.first);
            continue;
        }
        if (auto ok = range.prepare(db, rangeSql.constData(), "Cannot look up stored UIDs"); !ok)
            return ok.error();
        range.bind(1, folderId);
        range.bind(2, qint64(uidRange.first));
        range.bind(3, qint64(uidRange.last));
        if (auto ok = collect(range); !ok)
            return ok.error();
    }
    Sql::Statement full;
    for (qsizetype at = 0; at < singles.size(); at += kUidsPerStatement) {
        const qsizetype count = std::min(kUidsPerStatement, singles.size() - at);
        // The last, shorter chunk gets a statement of its own size.
        Sql::Statement shorter;
        Sql::Statement &some = count == kUidsPerStatement ? full : shorter;
        const QByteArray sql = "SELECT uid, id FROM messages WHERE folder_id = ? AND uid IN (" +
                               sqlPlaceholders(count).toLatin1() + ')' + condition;
        if (auto ok = some.prepare(db, sql.constData(), "Cannot look up stored UIDs"); !ok)
            return ok.error();
        some.bind(1, folderId);
        for (qsizetype i = 0; i < count; ++i)
            some.bind(int(i + 2), qint64(singles.at(at + i)));
        if (auto ok = collect(some); !ok)
            return ok.error();
    }
    return stored;
}

Writer::Writer(const QSqlDatabase &db) : m_db(Sql::handle(db)) {}

Result<Writer::Upserted> Writer::upsert(qint64 folderId, const MessageMetadata &message)
{
    // Most messages written are new: the insert comes first, and the unique (folder_id, uid)
    // index it updates anyway tells whether the row was there, instead of a lookup before it.
    static const QByteArray insertSql = "INSERT INTO messages (" + kWrittenColumns.toLatin1() + ") VALUES (" +
                                        QByteArray("?, ").repeated(kWrittenColumnCount - 1) +
                                        "?) ON CONFLICT (folder_id, uid) DO NOTHING";
    static const QByteArray updateSql = "UPDATE messages SET " +
                                        kWrittenColumns.toLatin1().replace(", ", " = ?, ") +
                                        // A server hit the sync fetches (the window was widened over
                                        // it) is an ordinary message.
                                        " = ?, server_hit = 0 WHERE id = ?";
    if (auto ok = m_insert.prepare(m_db, insertSql.constData(), "Cannot store a message"); !ok)
        return ok.error();
    bindMessage(m_insert, folderId, message);
    if (auto ok = m_insert.run(); !ok)
        return makeError(ok.error().code, QStringLiteral("UID %1: %2").arg(message.uid).arg(ok.error().message));

    Upserted result;
    if (sqlite3_changes(m_db) == 1) {
        result.id = sqlite3_last_insert_rowid(m_db);
        result.inserted = true;
        addCounts(folderId, 1, (message.flags.bits & MessageFlags::Seen) ? 0 : 1);
    } else {
        auto found = findRow(folderId, message.uid);
        if (!found)
            return found.error();
        if (!*found) {
            return makeError(Error::Code::Io, QStringLiteral("UID %1: neither stored nor found in folder %2")
                                                      .arg(message.uid)
                                                      .arg(folderId));
        }
        const qint64 existing = m_findRow.columnInt64(0);
        const std::optional<qint64> keyBefore = m_findRow.columnNullableInt64(3);
        m_findRow.reset();
        if (auto ok = m_update.prepare(m_db, updateSql.constData(), "Cannot update a message"); !ok)
            return ok.error();
        bindMessage(m_update, folderId, message);
        m_update.bind(kWrittenColumnCount + 1, existing);
        if (auto ok = m_update.run(); !ok)
            return makeError(ok.error().code, QStringLiteral("UID %1: %2").arg(message.uid).arg(ok.error().message));
        if (auto ok = rekey(existing, keyBefore, keyOf(message)); !ok)
            return ok.error();
        result.id = existing;
    }
    // A new message's text is read from its row when it is indexed (migration version 10).
    if (result.inserted)
        m_searchOps.append({SearchOp::Kind::Insert, result.id, {}, {}});
    else
        m_searchOps.append({SearchOp::Kind::Update, result.id, message.subject, searchAddresses(message)});
    return result;
}

Result<bool> Writer::findRow(qint64 folderId, quint32 uid)
{
    if (auto ok = m_findRow.prepare(m_db,
                                    "SELECT id, flags, keywords, msgid_key FROM messages "
                                    "WHERE folder_id = ? AND uid = ?",
                                    "Cannot look up a message");
        !ok) {
        return ok;
    }
    m_findRow.bind(1, folderId);
    m_findRow.bind(2, qint64(uid));
    return m_findRow.step();
}

Result<std::optional<Writer::FlagsApplied>> Writer::applyFlags(qint64 folderId, const FlagChange &change)
{
    auto found = findRow(folderId, change.uid);
    if (!found)
        return found.error();
    if (!*found)
        return std::optional<FlagsApplied>();
    MessageFlags flags = change.flags;
    flags.normalize();
    const QString keywords = flags.keywords.join(QLatin1Char(' '));
    FlagsApplied result;
    result.id = m_findRow.columnInt64(0);
    result.changed = quint32(m_findRow.columnInt64(1)) != flags.bits || m_findRow.columnText(2) != keywords;
    m_findRow.reset();

    if (auto ok = m_updateFlags.prepare(m_db, "UPDATE messages SET flags = ?, keywords = ?, modseq = max(modseq, ?) "
                                              "WHERE id = ?",
                                        "Cannot update the flags of a message");
        !ok) {
        return ok.error();
    }
    m_updateFlags.bind(1, qint64(flags.bits));
    m_updateFlags.bindText(2, keywords);
    m_updateFlags.bind(3, qint64(change.modSeq));
    m_updateFlags.bind(4, result.id);
    if (auto ok = m_updateFlags.run(); !ok)
        return makeError(ok.error().code, QStringLiteral("UID %1: %2").arg(change.uid).arg(ok.error().message));
    return std::optional<FlagsApplied>(result);
}

Result<bool> Writer::remove(const QList<qint64> &messageIds)
{
    // RETURNING: the writer takes the removed messages out of their folders' counts itself
    // (migration version 8).
    static const QByteArray returning = ") RETURNING folder_id, flags, server_hit, id, msgid_key";
    static const QByteArray chunkSql =
            "DELETE FROM messages WHERE id IN (" + sqlPlaceholders(kRemoveChunk).toLatin1() + returning;
    QList<std::pair<qint64, qint64>> keyed;  // (Message-ID key, id) of the removed rows that had one
    for (qsizetype start = 0; start < messageIds.size(); start += kRemoveChunk) {
        const qsizetype count = std::min(kRemoveChunk, messageIds.size() - start);
        // The last, shorter chunk gets a statement of its own size.
        Sql::Statement shorter;
        Sql::Statement &statement = count == kRemoveChunk ? m_deleteChunk : shorter;
        const QByteArray sql = count == kRemoveChunk
                ? chunkSql
                : "DELETE FROM messages WHERE id IN (" + sqlPlaceholders(count).toLatin1() + returning;
        if (auto ok = statement.prepare(m_db, sql.constData(), "Cannot remove messages"); !ok)
            return ok;
        for (qsizetype i = 0; i < count; ++i)
            statement.bind(int(i + 1), messageIds.at(start + i));
        for (;;) {
            auto row = statement.step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            // Server hits are not in the counts (migration version 6).
            if (statement.columnInt64(2) == 0)
                addCounts(statement.columnInt64(0), -1, (statement.columnInt64(1) & MessageFlags::Seen) ? 0 : -1);
            if (const std::optional<qint64> key = statement.columnNullableInt64(4))
                keyed.append({*key, statement.columnInt64(3)});
        }
    }
    for (const auto &[key, id] : std::as_const(keyed)) {
        if (auto ok = rekey(id, key, std::nullopt); !ok)
            return ok;
    }
    for (const qint64 id : messageIds)
        m_searchOps.append({SearchOp::Kind::Remove, id, {}, {}});
    return true;
}

Result<bool> Writer::rekey(qint64 id, std::optional<qint64> before, std::optional<qint64> after)
{
    if (before == after)
        return true;
    const auto run = [this, id](Sql::Statement &statement, const char *sql, qint64 key) -> Result<bool> {
        if (auto ok = statement.prepare(m_db, sql, "Cannot update the index of Message-IDs"); !ok)
            return ok;
        statement.bind(1, key);
        statement.bind(2, id);
        return statement.run();
    };
    if (before) {
        if (auto ok = run(m_forgetKey, "DELETE FROM message_ids WHERE msgid_key = ? AND id = ?", *before); !ok)
            return ok;
    }
    // A message still waiting for the idle pass may be keyed early; that pass ignores it then.
    if (after)
        return run(m_rememberKey, "INSERT OR IGNORE INTO message_ids (msgid_key, id) VALUES (?, ?)", *after);
    return true;
}

void Writer::addCounts(qint64 folderId, qint64 messages, qint64 unread)
{
    if (m_countDeltas.isEmpty() || m_countDeltas.constLast().folderId != folderId)
        m_countDeltas.append({folderId, 0, 0});
    CountDelta &delta = m_countDeltas.last();
    delta.messages += messages;
    delta.unread += unread;
}

Result<bool> Writer::applyCounts()
{
    if (m_countDeltas.isEmpty())
        return true;
    if (auto ok = m_addCounts.prepare(m_db,
                                      "UPDATE folders SET message_count = message_count + ?, "
                                      "unread_count = unread_count + ? WHERE id = ?",
                                      "Cannot count a folder's messages");
        !ok) {
        return ok;
    }
    for (const CountDelta &delta : std::as_const(m_countDeltas)) {
        m_addCounts.bind(1, delta.messages);
        m_addCounts.bind(2, delta.unread);
        m_addCounts.bind(3, delta.folderId);
        if (auto ok = m_addCounts.run(); !ok)
            return ok;
    }
    m_countDeltas.clear();
    return true;
}

Result<bool> Writer::finish()
{
    if (auto counted = applyCounts(); !counted)
        return counted;
    if (m_searchOps.isEmpty())
        return true;
    // SQLite hands out max(id) + 1, so a new message can take the id of a removed one only when
    // that id was the largest; the index row left for it must go before the new one goes in.
    if (auto ok = m_largestRemoved.prepare(m_db, "SELECT coalesce(max(id), 0) FROM search_removed",
                                           "Cannot read the search index's removals");
        !ok) {
        return ok;
    }
    auto read = m_largestRemoved.step();
    if (!read)
        return read;
    qint64 largestRemoved = *read ? m_largestRemoved.columnInt64(0) : 0;
    m_largestRemoved.reset();

    // Runs a prepared one-row statement on an id and, when given, a subject and addresses.
    const auto run = [](Sql::Statement &statement, qint64 id, const SearchOp *text = nullptr) -> Result<bool> {
        if (text) {
            statement.bindText(1, text->subject);
            statement.bindText(2, text->addresses);
        }
        statement.bind(text ? 3 : 1, id);
        return statement.run();
    };
    for (const SearchOp &op : std::as_const(m_searchOps)) {
        if (op.kind == SearchOp::Kind::Remove) {
            if (auto ok = m_pendingRemove.prepare(m_db, "DELETE FROM search_pending WHERE id = ?",
                                                  "Cannot remove a message from the search index");
                !ok) {
                return ok;
            }
            if (auto ok = m_searchRemoved.prepare(m_db, "INSERT OR IGNORE INTO search_removed (id) VALUES (?)",
                                                  "Cannot remove a message from the search index");
                !ok) {
                return ok;
            }
            for (Sql::Statement *statement : {&m_pendingRemove, &m_searchRemoved}) {
                if (auto ok = run(*statement, op.id); !ok)
                    return ok;
            }
            largestRemoved = std::max(largestRemoved, op.id);
            continue;
        }
        if (op.kind == SearchOp::Kind::Update) {
            // A message still waiting is indexed with the text its row has then.
            if (auto ok = m_pendingFind.prepare(m_db, "SELECT 1 FROM search_pending WHERE id = ?",
                                                "Cannot index a message for search");
                !ok) {
                return ok;
            }
            m_pendingFind.bind(1, op.id);
            auto waiting = m_pendingFind.step();
            m_pendingFind.reset();
            if (!waiting)
                return waiting;
            if (*waiting)
                continue;
            if (auto ok = m_searchUpdate.prepare(m_db,
                                                 "UPDATE message_search SET subject = ?, addresses = ? WHERE rowid = ?",
                                                 "Cannot index a message for search");
                !ok) {
                return ok;
            }
            if (auto ok = run(m_searchUpdate, op.id, &op); !ok)
                return ok;
            continue;
        }
        if (op.id <= largestRemoved) {
            if (auto ok = m_searchReuse.prepare(m_db, "DELETE FROM message_search WHERE rowid = ?",
                                                "Cannot reuse a search index row");
                !ok) {
                return ok;
            }
            if (auto ok = m_searchReuseRemoved.prepare(m_db, "DELETE FROM search_removed WHERE id = ?",
                                                       "Cannot reuse a search index row");
                !ok) {
                return ok;
            }
            for (Sql::Statement *statement : {&m_searchReuse, &m_searchReuseRemoved}) {
                if (auto ok = run(*statement, op.id); !ok)
                    return ok;
            }
        }
        if (auto ok = m_pendingInsert.prepare(m_db, "INSERT OR IGNORE INTO search_pending (id) VALUES (?)",
                                              "Cannot index a message for search");
            !ok) {
            return ok;
        }
        if (auto ok = run(m_pendingInsert, op.id); !ok)
            return ok;
    }
    m_searchOps.clear();
    return true;
}

}  // namespace Heron::Store::MessageRows
