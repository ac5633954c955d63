// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagerows.h"

#include "sqlsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Heron::Store::MessageRows {

namespace {

const QString kMessageColumns = QStringLiteral(
        "folder_id, uid, modseq, flags, keywords, internal_date, date, size, subject, from_addrs, sender_addrs, "
        "reply_to_addrs, to_addrs, cc_addrs, bcc_addrs, msgid, in_reply_to, refs, list_id, body_structure, "
        "has_attachments, is_report");

QVariant addressColumn(const QList<Address> &addresses)
{
    return addresses.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(addressesToJson(addresses));
}

void bindMessage(QSqlQuery &query, qint64 folderId, const MessageMetadata &message)
{
    MessageFlags flags = message.flags;
    flags.normalize();
    query.addBindValue(folderId);
    query.addBindValue(qint64(message.uid));
    query.addBindValue(qint64(message.modSeq));
    query.addBindValue(qint64(flags.bits));
    query.addBindValue(Sql::text(flags.keywords.join(QLatin1Char(' '))));
    query.addBindValue(Sql::fromDateTime(message.internalDate));
    query.addBindValue(Sql::fromDateTime(message.date));
    query.addBindValue(message.size);
    query.addBindValue(Sql::text(message.subject));
    query.addBindValue(addressColumn(message.from));
    query.addBindValue(addressColumn(message.sender));
    query.addBindValue(addressColumn(message.replyTo));
    query.addBindValue(addressColumn(message.to));
    query.addBindValue(addressColumn(message.cc));
    query.addBindValue(addressColumn(message.bcc));
    query.addBindValue(Sql::text(message.messageId));
    query.addBindValue(Sql::text(message.inReplyTo));
    query.addBindValue(Sql::text(message.references.join(QLatin1Char(' '))));
    query.addBindValue(Sql::text(message.listId));
    query.addBindValue(message.bodyStructure.isNull() ? QVariant(QMetaType(QMetaType::QByteArray))
                                                      : QVariant(message.bodyStructure));
    query.addBindValue(message.hasAttachments ? 1 : 0);
    query.addBindValue(message.isDeliveryReport ? 1 : 0);
}

QStringList splitWords(const QString &text)
{
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

}  // namespace

namespace {

// RFC 8259 string escaping: quote, backslash and control characters.
void appendJsonString(QString &out, const QString &text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += QLatin1Char('"');
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'"' || u == u'\\') {
            out += QLatin1Char('\\');
            out += c;
        } else if (u < 0x20) {
            out += QLatin1StringView("\\u00");
            out += QLatin1Char(kHex[u >> 4]);
            out += QLatin1Char(kHex[u & 0xf]);
        } else {
            out += c;
        }
    }
    out += QLatin1Char('"');
}

}  // namespace

// Written by hand rather than through QJsonDocument: this runs for every address of every
// message stored, and the document round trip was a tenth of an initial sync's time.
QString addressesToJson(const QList<Address> &addresses)
{
    QString json;
    json.reserve(2 + addresses.size() * 48);
    json += QLatin1Char('[');
    for (qsizetype i = 0; i < addresses.size(); ++i) {
        if (i > 0)
            json += QLatin1Char(',');
        json += QLatin1StringView("{\"n\":");
        appendJsonString(json, addresses.at(i).name);
        json += QLatin1StringView(",\"e\":");
        appendJsonString(json, addresses.at(i).email);
        json += QLatin1Char('}');
    }
    json += QLatin1Char(']');
    return json;
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

Result<QList<MessagePart>> parts(const QSqlDatabase &db, qint64 messageId)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT section, mime_type, charset, encoding, disposition, file_name, content_id, "
                                 "size, is_attachment FROM message_parts WHERE message_id = ?"));
    query.addBindValue(messageId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read the parts of a message"));
    QList<MessagePart> result;
    while (query.next()) {
        MessagePart part;
        part.section = query.value(0).toString();
        part.mimeType = query.value(1).toString();
        part.charset = query.value(2).toString();
        part.encoding = query.value(3).toString();
        part.disposition = query.value(4).toString();
        part.fileName = query.value(5).toString();
        part.contentId = query.value(6).toString();
        part.size = query.value(7).toLongLong();
        part.isAttachment = query.value(8).toBool();
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

Writer::Writer(const QSqlDatabase &db)
    : m_db(db),
      m_findByUid(db),
      m_insert(db),
      m_update(db),
      m_deleteParts(db),
      m_insertPart(db),
      m_findFlags(db),
      m_updateFlags(db),
      m_delete(db),
      m_searchInsert(db),
      m_searchUpdate(db),
      m_searchRemoved(db)
{
}

Result<bool> Writer::prepare(QSqlQuery &query, const QString &statement)
{
    if (!query.lastQuery().isEmpty())
        return true;
    if (!query.prepare(statement))
        return Sql::error(query, QStringLiteral("Cannot prepare a message statement"));
    return true;
}

Result<Writer::Upserted> Writer::upsert(qint64 folderId, const MessageMetadata &message)
{
    if (auto ok = prepare(m_findByUid, QStringLiteral("SELECT id FROM messages WHERE folder_id = ? AND uid = ?")); !ok)
        return ok.error();
    m_findByUid.addBindValue(folderId);
    m_findByUid.addBindValue(qint64(message.uid));
    if (!m_findByUid.exec())
        return Sql::error(m_findByUid, QStringLiteral("Cannot look up a message"));
    const qint64 existing = m_findByUid.next() ? m_findByUid.value(0).toLongLong() : 0;
    m_findByUid.finish();

    Upserted result;
    if (existing == 0) {
        if (auto ok = prepare(m_insert, QStringLiteral("INSERT INTO messages (") + kMessageColumns +
                                                QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                                               "?, ?, ?, ?, ?, ?, ?)"));
            !ok) {
            return ok.error();
        }
        bindMessage(m_insert, folderId, message);
        if (!m_insert.exec())
            return Sql::error(m_insert, QStringLiteral("Cannot store message UID %1").arg(message.uid));
        result.id = m_insert.lastInsertId().toLongLong();
        result.inserted = true;
    } else {
        QString assignments = kMessageColumns;
        assignments.replace(QLatin1StringView(", "), QLatin1StringView(" = ?, "));
        // A server hit the sync fetches (the window was widened over it) is an ordinary message.
        if (auto ok = prepare(m_update, QStringLiteral("UPDATE messages SET ") + assignments +
                                                QStringLiteral(" = ?, server_hit = 0 WHERE id = ?"));
            !ok) {
            return ok.error();
        }
        bindMessage(m_update, folderId, message);
        m_update.addBindValue(existing);
        if (!m_update.exec())
            return Sql::error(m_update, QStringLiteral("Cannot update message UID %1").arg(message.uid));
        result.id = existing;
    }
    if (auto ok = writeParts(result.id, message.parts, !result.inserted); !ok)
        return ok.error();
    m_searchOps.append({result.inserted ? SearchOp::Kind::Insert : SearchOp::Kind::Update, result.id, message.subject,
                        searchAddresses(message)});
    return result;
}

Result<bool> Writer::writeParts(qint64 messageId, const QList<MessagePart> &parts, bool replace)
{
    if (replace) {
        if (auto ok = prepare(m_deleteParts, QStringLiteral("DELETE FROM message_parts WHERE message_id = ?")); !ok)
            return ok;
        m_deleteParts.addBindValue(messageId);
        if (!m_deleteParts.exec())
            return Sql::error(m_deleteParts, QStringLiteral("Cannot replace the parts of a message"));
    }
    if (parts.isEmpty())
        return true;
    if (auto ok = prepare(m_insertPart, QStringLiteral("INSERT INTO message_parts (message_id, section, mime_type, "
                                                       "charset, encoding, disposition, file_name, content_id, size, "
                                                       "is_attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        !ok) {
        return ok;
    }
    for (const MessagePart &part : parts) {
        m_insertPart.addBindValue(messageId);
        m_insertPart.addBindValue(Sql::text(part.section));
        m_insertPart.addBindValue(Sql::text(part.mimeType));
        m_insertPart.addBindValue(Sql::text(part.charset));
        m_insertPart.addBindValue(Sql::text(part.encoding));
        m_insertPart.addBindValue(Sql::text(part.disposition));
        m_insertPart.addBindValue(Sql::text(part.fileName));
        m_insertPart.addBindValue(Sql::text(part.contentId));
        m_insertPart.addBindValue(part.size);
        m_insertPart.addBindValue(part.isAttachment ? 1 : 0);
        if (!m_insertPart.exec())
            return Sql::error(m_insertPart, QStringLiteral("Cannot store part %1 of a message").arg(part.section));
    }
    return true;
}

Result<std::optional<Writer::FlagsApplied>> Writer::applyFlags(qint64 folderId, const FlagChange &change)
{
    if (auto ok = prepare(m_findFlags,
                          QStringLiteral("SELECT id, flags, keywords FROM messages WHERE folder_id = ? AND uid = ?"));
        !ok) {
        return ok.error();
    }
    m_findFlags.addBindValue(folderId);
    m_findFlags.addBindValue(qint64(change.uid));
    if (!m_findFlags.exec())
        return Sql::error(m_findFlags, QStringLiteral("Cannot look up a message"));
    if (!m_findFlags.next())
        return std::optional<FlagsApplied>();
    MessageFlags flags = change.flags;
    flags.normalize();
    const QString keywords = flags.keywords.join(QLatin1Char(' '));
    FlagsApplied result;
    result.id = m_findFlags.value(0).toLongLong();
    result.changed = m_findFlags.value(1).toUInt() != flags.bits || m_findFlags.value(2).toString() != keywords;
    m_findFlags.finish();

    if (auto ok = prepare(m_updateFlags, QStringLiteral("UPDATE messages SET flags = ?, keywords = ?, "
                                                        "modseq = max(modseq, ?) WHERE id = ?"));
        !ok) {
        return ok.error();
    }
    m_updateFlags.addBindValue(qint64(flags.bits));
    m_updateFlags.addBindValue(Sql::text(keywords));
    m_updateFlags.addBindValue(qint64(change.modSeq));
    m_updateFlags.addBindValue(result.id);
    if (!m_updateFlags.exec())
        return Sql::error(m_updateFlags, QStringLiteral("Cannot update the flags of UID %1").arg(change.uid));
    return std::optional<FlagsApplied>(result);
}

Result<bool> Writer::remove(qint64 messageId)
{
    if (auto ok = prepare(m_delete, QStringLiteral("DELETE FROM messages WHERE id = ?")); !ok)
        return ok;
    m_delete.addBindValue(messageId);
    if (!m_delete.exec())
        return Sql::error(m_delete, QStringLiteral("Cannot remove a message"));
    m_searchOps.append({SearchOp::Kind::Remove, messageId, {}, {}});
    return true;
}

Result<bool> Writer::finish()
{
    if (m_searchOps.isEmpty())
        return true;
    // SQLite hands out max(id) + 1, so a new message can take the id of a removed one only when
    // that id was the largest; the index row left for it must go before the new one goes in.
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM search_removed")) || !query.next())
        return Sql::error(query, QStringLiteral("Cannot read the search index's removals"));
    qint64 largestRemoved = query.value(0).toLongLong();
    query.finish();

    for (const SearchOp &op : std::as_const(m_searchOps)) {
        if (op.kind == SearchOp::Kind::Remove) {
            if (auto ok = prepare(m_searchRemoved,
                                  QStringLiteral("INSERT OR IGNORE INTO search_removed (id) VALUES (?)"));
                !ok) {
                return ok;
            }
            m_searchRemoved.addBindValue(op.id);
            if (!m_searchRemoved.exec())
                return Sql::error(m_searchRemoved,
                                  QStringLiteral("Cannot remove message %1 from the search index").arg(op.id));
            largestRemoved = std::max(largestRemoved, op.id);
            continue;
        }
        const bool inserted = op.kind == SearchOp::Kind::Insert;
        if (inserted && op.id <= largestRemoved) {
            for (const QString &statement : {QStringLiteral("DELETE FROM message_search WHERE rowid = ?"),
                                             QStringLiteral("DELETE FROM search_removed WHERE id = ?")}) {
                query.prepare(statement);
                query.addBindValue(op.id);
                if (!query.exec())
                    return Sql::error(query, QStringLiteral("Cannot reuse search index row %1").arg(op.id));
            }
        }
        QSqlQuery &write = inserted ? m_searchInsert : m_searchUpdate;
        if (auto ok = prepare(write, inserted ? QStringLiteral("INSERT INTO message_search (subject, addresses, rowid) "
                                                               "VALUES (?, ?, ?)")
                                              : QStringLiteral("UPDATE message_search SET subject = ?, addresses = ? "
                                                               "WHERE rowid = ?"));
            !ok) {
            return ok;
        }
        write.addBindValue(op.subject);
        write.addBindValue(op.addresses);
        write.addBindValue(op.id);
        if (!write.exec())
            return Sql::error(write, QStringLiteral("Cannot index message %1 for search").arg(op.id));
    }
    m_searchOps.clear();
    return true;
}

}  // namespace Heron::Store::MessageRows
