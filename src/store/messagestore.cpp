// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagestore.h"

#include "database.h"
#include "messagerows.h"
#include "sqlitestatement.h"
#include "sqlsupport.h"

#include <QSet>
#include <QSqlRecord>

#include <algorithm>

namespace Heron::Store {

namespace {

// The address text of a message waiting for the search index (m: its row, e: its row of
// message_search_expected): read by heron_search_addresses() (MessageRows::registerFunctions),
// which gives the view's text several times faster, or by the view when a value is not the
// writer's JSON.
const QString kPendingAddresses = QStringLiteral(
        "coalesce(heron_search_addresses(m.from_addrs, m.sender_addrs, m.reply_to_addrs, m.to_addrs, m.cc_addrs, "
        "m.bcc_addrs), e.addresses)");

}  // namespace

Result<MessageMetadata> MessageStore::message(qint64 messageId) const
{
    const QSqlDatabase db = m_database.connection();
    QSqlQuery query(db);
    // The parts come with the row; lists read rows without them (selectColumns()).
    query.prepare(QStringLiteral("SELECT ") + MessageRows::selectColumns() +
                  QStringLiteral(", parts FROM messages WHERE id = ?"));
    query.addBindValue(messageId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read a message"));
    if (!query.next())
        return makeError(Error::Code::InvalidInput, QStringLiteral("No message with id %1").arg(messageId));
    MessageMetadata message = MessageRows::fromQuery(query);
    message.parts = MessageRows::partsFromJson(query.value(query.record().count() - 1).toString());
    return message;
}

Result<qint64> MessageStore::idForUid(qint64 folderId, quint32 uid) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT id FROM messages WHERE folder_id = ? AND uid = ?"));
    query.addBindValue(folderId);
    query.addBindValue(qint64(uid));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot look up a message"));
    return query.next() ? query.value(0).toLongLong() : qint64(0);
}

Result<QList<qint64>> MessageStore::messageIds(qint64 folderId) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id FROM messages WHERE folder_id = ? ORDER BY uid DESC"));
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot list messages"));
    QList<qint64> ids;
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

namespace {

// The UIDs a statement's first column yields, bound with (folder, first UID, last UID).
Result<UidSet> uidsFrom(sqlite3 *db, const char *sql, qint64 folderId, quint32 first, quint32 last)
{
    Sql::Statement statement;
    if (auto ok = statement.prepare(db, sql, "Cannot list stored UIDs"); !ok)
        return ok.error();
    statement.bind(1, folderId);
    statement.bind(2, qint64(first));
    statement.bind(3, qint64(last));
    UidSet result;
    for (;;) {
        auto row = statement.step();
        if (!row)
            return row.error();
        if (!*row)
            return result;
        result.add(quint32(statement.columnInt64(0)));
    }
}

}  // namespace

Result<UidSet> MessageStore::uids(qint64 folderId, quint32 first, quint32 last) const
{
    sqlite3 *db = Sql::handle(m_database.connection());
    // The (folder_id, uid) index alone answers this, without visiting a row: a resync compares a
    // big folder's every UID with the server's.
    auto stored = uidsFrom(db, "SELECT uid FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ? ORDER BY uid",
                           folderId, first, last);
    if (!stored)
        return stored.error();
    // Server hits (schema 6) are not part of what the sync keeps in step: comparing them with
    // the window's UIDs would take them for expunged. They are few, and have an index of their own,
    // named here: left to itself SQLite walks the UID index and reads every row.
    auto hits = uidsFrom(db,
                         "SELECT uid FROM messages INDEXED BY messages_server_hits "
                         "WHERE folder_id = ? AND server_hit != 0 AND uid BETWEEN ? AND ?",
                         folderId, first, last);
    if (!hits)
        return hits.error();
    return hits->isEmpty() ? *stored : stored->subtracted(*hits);
}

Result<UidSet> MessageStore::storedAmong(qint64 folderId, const UidSet &uids) const
{
    auto stored = MessageRows::storedUids(Sql::handle(m_database.connection()), folderId, uids, true);
    if (!stored)
        return stored.error();
    QList<quint32> found;
    found.reserve(stored->size());
    for (const MessageRows::StoredUid &row : std::as_const(*stored))
        found.append(row.uid);
    std::sort(found.begin(), found.end());
    return UidSet::fromValues(found);
}

Result<QHash<quint32, qint64>> MessageStore::idsByUid(qint64 folderId, const UidSet &uids) const
{
    auto stored = MessageRows::storedUids(Sql::handle(m_database.connection()), folderId, uids, false);
    if (!stored)
        return stored.error();
    QHash<quint32, qint64> ids;
    ids.reserve(stored->size());
    for (const MessageRows::StoredUid &row : std::as_const(*stored))
        ids.insert(row.uid, row.id);
    return ids;
}

Result<UidSet> MessageStore::uidsReceivedBefore(qint64 folderId, const QDateTime &before) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
            "SELECT uid FROM messages WHERE folder_id = ? AND internal_date < ? AND server_hit = 0 ORDER BY uid"));
    query.addBindValue(folderId);
    query.addBindValue(Sql::fromDateTime(before));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot list messages outside the window"));
    UidSet result;
    while (query.next())
        result.add(query.value(0).toUInt());
    return result;
}

Result<QList<qint64>> MessageStore::idsForMessageId(qint64 accountId, const QString &messageId) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    // Keyed in message_ids, or still waiting for the idle pass that keys new messages (migration
    // version 11): usually none wait, and the sync keys them before looking up many.
    query.prepare(QStringLiteral("SELECT m.id FROM messages AS m JOIN folders AS f ON f.id = m.folder_id "
                                 "WHERE m.id IN (SELECT id FROM message_ids WHERE msgid_key = ? "
                                 "UNION SELECT w.id FROM search_pending AS p JOIN messages AS w ON w.id = p.id "
                                 "WHERE w.msgid_key = ?) "
                                 "AND m.msgid = ? AND f.account_id = ? ORDER BY m.internal_date DESC"));
    const qint64 key = MessageRows::messageIdKey(messageId.toUtf8());
    query.addBindValue(key);
    query.addBindValue(key);
    query.addBindValue(messageId);
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot look up a message by its Message-ID"));
    QList<qint64> result;
    while (query.next())
        result.append(query.value(0).toLongLong());
    return result;
}

Result<QHash<quint32, MessageFlags>> MessageStore::flagsByUid(qint64 folderId, quint32 first, quint32 last) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(
            QStringLiteral("SELECT uid, flags, keywords FROM messages WHERE folder_id = ? AND uid BETWEEN ? AND ?"));
    query.addBindValue(folderId);
    query.addBindValue(qint64(first));
    query.addBindValue(qint64(last));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read flags"));
    QHash<quint32, MessageFlags> result;
    while (query.next()) {
        MessageFlags flags;
        flags.bits = query.value(1).toUInt();
        flags.keywords = query.value(2).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        result.insert(query.value(0).toUInt(), flags);
    }
    return result;
}

Result<bool> MessageStore::changeFlags(Transaction &transaction, const QList<qint64> &messageIds, quint32 addBits,
                                       quint32 removeBits)
{
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE messages SET flags = (flags | ?) & ~? WHERE id = ? RETURNING folder_id"));
    for (qint64 id : messageIds) {
        query.addBindValue(qint64(addBits));
        query.addBindValue(qint64(removeBits));
        query.addBindValue(id);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot change the flags of a message"));
        if (query.next())
            transaction.changes().changedMessages[query.value(0).toLongLong()].append(id);
        query.finish();
    }
    return true;
}

Result<bool> MessageStore::removeMessages(Transaction &transaction, const QList<qint64> &messageIds)
{
    QSqlQuery find(transaction.connection());
    find.prepare(QStringLiteral("SELECT folder_id FROM messages WHERE id = ?"));
    MessageRows::Writer writer(transaction.connection());
    QList<qint64> stored;
    QSet<qint64> seen;
    for (qint64 id : messageIds) {
        if (seen.contains(id))
            continue;
        seen.insert(id);
        find.addBindValue(id);
        if (!find.exec())
            return Sql::error(find, QStringLiteral("Cannot look up a message"));
        if (!find.next())
            continue;
        const qint64 folderId = find.value(0).toLongLong();
        find.finish();
        stored.append(id);
        transaction.changes().removedMessages[folderId].append(id);
        transaction.changes().folderChanged(folderId);
    }
    if (auto removed = writer.remove(stored); !removed)
        return removed;
    return writer.finish();
}

Result<bool> MessageStore::setBodyText(qint64 messageId, const QString &text)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    // A message still waiting for the index goes in first, so that its body has a row to join.
    for (const QString &statement : {QStringLiteral("INSERT INTO message_search (rowid, subject, addresses) "
                                                    "SELECT e.id, e.subject, ") +
                                             kPendingAddresses +
                                             QStringLiteral(" FROM message_search_expected AS e "
                                                            "JOIN messages AS m ON m.id = e.id "
                                                            "WHERE e.id = ? AND e.id IN (SELECT id FROM search_pending)"),
                                     QStringLiteral("DELETE FROM search_pending WHERE id = ?")}) {
        query.prepare(statement);
        query.addBindValue(messageId);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot index the text of a message"));
    }
    query.prepare(QStringLiteral("UPDATE message_search SET body = ? WHERE rowid = ?"));
    query.addBindValue(text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text));
    query.addBindValue(messageId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot index the text of a message"));
    return transaction.commit();
}

Result<QList<qint64>> MessageStore::search(const QString &matchExpression, int limit) const
{
    if (auto indexed = MessageStore(m_database).indexPendingSearch(); !indexed)
        return indexed.error();
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT rowid FROM message_search WHERE message_search MATCH ? "
                                 "AND rowid NOT IN (SELECT id FROM search_removed) ORDER BY rank LIMIT ?"));
    query.addBindValue(matchExpression);
    query.addBindValue(limit);
    if (!query.exec())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("Cannot search for \"%1\": %2").arg(matchExpression, query.lastError().text()));
    QList<qint64> ids;
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

Result<bool> MessageStore::checkIndexes() const
{
    QSqlQuery query(m_database.connection());
    // FTS5's own check: the index holds exactly the terms of the text it stores.
    if (!query.exec(QStringLiteral("INSERT INTO message_search(message_search) VALUES ('integrity-check')")))
        return Sql::error(query, QStringLiteral("The search index is damaged"));
    // And that text is the messages': one row per message, in the index with its subject and
    // addresses, or else waiting in search_pending, never both; any other row belongs to a removed
    // message awaiting purgeSearchRemovals(), and no stored message is listed as removed.
    const QString wrong = QStringLiteral(
            "SELECT (SELECT count(*) FROM message_search_expected AS e "
            "LEFT JOIN message_search AS s ON s.rowid = e.id LEFT JOIN search_pending AS p ON p.id = e.id "
            "WHERE (s.rowid IS NULL) = (p.id IS NULL) "
            "OR (s.rowid IS NOT NULL AND (s.subject IS NOT e.subject OR coalesce(s.addresses, '') != e.addresses))) "
            "+ (SELECT count(*) FROM search_pending WHERE id NOT IN (SELECT id FROM messages)), "
            "(SELECT count(*) FROM message_search WHERE rowid NOT IN (SELECT id FROM messages) "
            "AND rowid NOT IN (SELECT id FROM search_removed)), "
            "(SELECT count(*) FROM search_removed WHERE id IN (SELECT id FROM messages))");
    if (!query.exec(wrong) || !query.next())
        return Sql::error(query, QStringLiteral("Cannot compare the search index"));
    const qint64 misindexed = query.value(0).toLongLong();
    const qint64 orphans = query.value(1).toLongLong();
    const qint64 hidden = query.value(2).toLongLong();
    if (misindexed != 0 || orphans != 0 || hidden != 0) {
        return makeError(Error::Code::Io, QStringLiteral("The search index differs from the messages (%1 messages "
                                                         "missing or indexed with other text, %2 rows of removed "
                                                         "messages not marked removed, %3 stored messages marked "
                                                         "removed)")
                                                  .arg(misindexed)
                                                  .arg(orphans)
                                                  .arg(hidden));
    }
    query.finish();
    // The Message-IDs: every message's key is that of its msgid, and in message_ids unless it is
    // still waiting; message_ids holds no other row.
    const QString keys = QStringLiteral(
            "SELECT (SELECT count(*) FROM messages WHERE msgid_key IS NOT heron_msgid_key(nullif(msgid, ''))), "
            "(SELECT count(*) FROM messages AS m WHERE m.msgid_key IS NOT NULL "
            "AND m.id NOT IN (SELECT id FROM search_pending) "
            "AND NOT EXISTS (SELECT 1 FROM message_ids AS k WHERE k.msgid_key = m.msgid_key AND k.id = m.id)), "
            "(SELECT count(*) FROM message_ids AS k "
            "WHERE NOT EXISTS (SELECT 1 FROM messages AS m WHERE m.id = k.id AND m.msgid_key = k.msgid_key))");
    if (!query.exec(keys) || !query.next())
        return Sql::error(query, QStringLiteral("Cannot compare the index of Message-IDs"));
    const qint64 wrongKeys = query.value(0).toLongLong();
    const qint64 unkeyed = query.value(1).toLongLong();
    const qint64 strays = query.value(2).toLongLong();
    if (wrongKeys != 0 || unkeyed != 0 || strays != 0) {
        return makeError(Error::Code::Io, QStringLiteral("The index of Message-IDs differs from the messages (%1 "
                                                         "messages with a wrong key, %2 missing, %3 rows of no "
                                                         "message)")
                                                  .arg(wrongKeys)
                                                  .arg(unkeyed)
                                                  .arg(strays));
    }
    return true;
}

Result<bool> MessageStore::anyPending() const
{
    // A read, without the write lock, which a search during a sync would otherwise wait for
    // behind the writer's transaction.
    QSqlQuery probe(m_database.connection());
    if (!probe.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM search_pending)")) || !probe.next())
        return Sql::error(probe, QStringLiteral("Cannot read the messages waiting for the search index"));
    return probe.value(0).toBool();
}

Result<bool> MessageStore::indexPendingMessageIds()
{
    auto pending = anyPending();
    if (!pending || !*pending)
        return pending;
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    // In key order: each page of message_ids is written once, however many keys land in it.
    QSqlQuery query(transaction.connection());
    if (!query.exec(QStringLiteral("INSERT OR IGNORE INTO message_ids (msgid_key, id) "
                                   "SELECT m.msgid_key, m.id FROM search_pending AS p "
                                   "JOIN messages AS m ON m.id = p.id WHERE m.msgid_key IS NOT NULL ORDER BY 1, 2"))) {
        return Sql::error(query, QStringLiteral("Cannot add messages to the index of Message-IDs"));
    }
    return transaction.commit();
}

Result<int> MessageStore::indexPendingSearch()
{
    // Most calls find nothing waiting.
    auto pending = anyPending();
    if (!pending)
        return pending.error();
    if (!*pending)
        return 0;
    // Keyed first: a message leaves search_pending with its chunk below.
    if (auto keyed = indexPendingMessageIds(); !keyed)
        return keyed.error();
    constexpr int kChunk = 2000;
    int indexed = 0;
    for (;;) {
        Transaction transaction(m_database);
        if (!transaction.isActive())
            return transaction.error();
        QSqlQuery query(transaction.connection());
        query.prepare(
                QStringLiteral("SELECT count(*), max(id) FROM (SELECT id FROM search_pending ORDER BY id LIMIT ?)"));
        query.addBindValue(kChunk);
        if (!query.exec() || !query.next())
            return Sql::error(query, QStringLiteral("Cannot read the messages waiting for the search index"));
        const int count = query.value(0).toInt();
        const qint64 last = query.value(1).toLongLong();
        query.finish();
        if (count == 0)
            return indexed;
        // In id order, one statement: FTS5 keeps the terms in memory until the commit.
        for (const QString &statement :
             {QStringLiteral("INSERT INTO message_search (rowid, subject, addresses) "
                             "SELECT e.id, e.subject, ") +
                      kPendingAddresses +
                      QStringLiteral(" FROM search_pending AS p JOIN message_search_expected AS e ON e.id = p.id "
                                     "JOIN messages AS m ON m.id = p.id WHERE p.id <= ? ORDER BY p.id"),
              QStringLiteral("DELETE FROM search_pending WHERE id <= ?")}) {
            query.prepare(statement);
            query.addBindValue(last);
            if (!query.exec())
                return Sql::error(query, QStringLiteral("Cannot add messages to the search index"));
        }
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        indexed += count;
    }
}

Result<int> MessageStore::purgeSearchRemovals()
{
    constexpr int kChunk = 2000;
    int purged = 0;
    for (;;) {
        Transaction transaction(m_database);
        if (!transaction.isActive())
            return transaction.error();
        QSqlQuery query(transaction.connection());
        query.prepare(QStringLiteral("SELECT id FROM search_removed ORDER BY id LIMIT ?"));
        query.addBindValue(kChunk);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot read the search index's removals"));
        QList<qint64> ids;
        while (query.next())
            ids.append(query.value(0).toLongLong());
        query.finish();
        if (ids.isEmpty())
            return purged;
        for (const QString &statement : {QStringLiteral("DELETE FROM message_search WHERE rowid = ?"),
                                         QStringLiteral("DELETE FROM search_removed WHERE id = ?")}) {
            query.prepare(statement);
            for (qint64 id : std::as_const(ids)) {
                query.addBindValue(id);
                if (!query.exec())
                    return Sql::error(query, QStringLiteral("Cannot purge removed messages from the search index"));
            }
        }
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        purged += int(ids.size());
    }
}

// --- Read helpers of the operation journal (Sync::LocalActions) ---

Result<QList<MessageStore::Location>> MessageStore::locations(const QList<qint64> &messageIds) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT m.folder_id, f.account_id, m.uid, m.flags FROM messages AS m "
                                 "JOIN folders AS f ON f.id = m.folder_id WHERE m.id = ?"));
    QList<Location> result;
    result.reserve(messageIds.size());
    for (qint64 id : messageIds) {
        query.addBindValue(id);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot look up a message"));
        if (query.next()) {
            Location location;
            location.messageId = id;
            location.folderId = query.value(0).toLongLong();
            location.accountId = query.value(1).toLongLong();
            location.uid = query.value(2).toUInt();
            location.flagBits = query.value(3).toUInt();
            result.append(location);
        }
        query.finish();
    }
    return result;
}

namespace {

// Ids per "IN (...)" statement of the lookups over a selection below.
constexpr qsizetype kIdsPerStatement = 500;

}  // namespace

Result<QList<qint64>> MessageStore::accountsOf(const QList<qint64> &messageIds, int enough) const
{
    QList<qint64> accounts;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    for (qsizetype at = 0; at < messageIds.size() && accounts.size() < enough; at += kIdsPerStatement) {
        const qsizetype count = std::min(kIdsPerStatement, messageIds.size() - at);
        query.prepare(QStringLiteral("SELECT DISTINCT f.account_id FROM messages AS m JOIN folders AS f "
                                     "ON f.id = m.folder_id WHERE m.id IN (%1)")
                              .arg(sqlPlaceholders(count)));
        for (qsizetype i = at; i < at + count; ++i)
            query.addBindValue(messageIds.at(i));
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot look up the messages' accounts"));
        while (query.next()) {
            const qint64 account = query.value(0).toLongLong();
            if (!accounts.contains(account))
                accounts.append(account);
        }
    }
    return accounts;
}

Result<bool> MessageStore::allHaveFlags(const QList<qint64> &messageIds, quint32 bits) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    for (qsizetype at = 0; at < messageIds.size(); at += kIdsPerStatement) {
        const qsizetype count = std::min(kIdsPerStatement, messageIds.size() - at);
        query.prepare(QStringLiteral("SELECT EXISTS (SELECT 1 FROM messages WHERE id IN (%1) AND (flags & ?) != ?)")
                              .arg(sqlPlaceholders(count)));
        for (qsizetype i = at; i < at + count; ++i)
            query.addBindValue(messageIds.at(i));
        query.addBindValue(qint64(bits));
        query.addBindValue(qint64(bits));
        if (!query.exec() || !query.next())
            return Sql::error(query, QStringLiteral("Cannot read the messages' flags"));
        if (query.value(0).toBool())
            return false;
    }
    return true;
}

// --- end of the operation journal's read helpers ---

}  // namespace Heron::Store
