// SPDX-License-Identifier: GPL-3.0-or-later
#include "contentindex.h"

#include "database.h"
#include "sqlsupport.h"

namespace Heron::Store {

namespace {

const QString kEntryColumns = QStringLiteral(
        "cache_key, account_id, folder_id, uidvalidity, uid, section, size, last_access");

ContentCacheEntry entryFromQuery(const QSqlQuery &query)
{
    ContentCacheEntry entry;
    entry.key = query.value(0).toString();
    entry.accountId = query.value(1).toLongLong();
    entry.folderId = query.value(2).toLongLong();
    entry.uidValidity = query.value(3).toUInt();
    entry.uid = query.value(4).toUInt();
    entry.section = query.value(5).toString();
    entry.size = query.value(6).toLongLong();
    entry.lastAccess = Sql::toDateTime(query.value(7));
    return entry;
}

}  // namespace

Result<bool> ContentIndex::record(const ContentCacheEntry &entry)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("INSERT INTO content_cache (") + kEntryColumns +
                  QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO UPDATE SET "
                                 "size = excluded.size, last_access = excluded.last_access"));
    query.addBindValue(Sql::text(entry.key));
    query.addBindValue(entry.accountId);
    query.addBindValue(entry.folderId);
    query.addBindValue(qint64(entry.uidValidity));
    query.addBindValue(qint64(entry.uid));
    query.addBindValue(Sql::text(entry.section));
    query.addBindValue(entry.size);
    query.addBindValue(entry.lastAccess.isValid() ? entry.lastAccess.toMSecsSinceEpoch()
                                                  : QDateTime::currentMSecsSinceEpoch());
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot record cached content"));
    return transaction.commit();
}

Result<std::optional<ContentCacheEntry>> ContentIndex::find(qint64 folderId, quint32 uidValidity, quint32 uid,
                                                            const QString &section) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kEntryColumns +
                  QStringLiteral(" FROM content_cache WHERE folder_id = ? AND uidvalidity = ? AND uid = ? "
                                 "AND section = ?"));
    query.addBindValue(folderId);
    query.addBindValue(qint64(uidValidity));
    query.addBindValue(qint64(uid));
    query.addBindValue(Sql::text(section));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot look up cached content"));
    if (!query.next())
        return std::optional<ContentCacheEntry>();
    return std::optional<ContentCacheEntry>(entryFromQuery(query));
}

Result<bool> ContentIndex::touch(const QString &key, const QDateTime &when)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE content_cache SET last_access = ? WHERE cache_key = ?"));
    query.addBindValue(when.toMSecsSinceEpoch());
    query.addBindValue(key);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot update cached content"));
    return transaction.commit();
}

Result<bool> ContentIndex::remove(const QStringList &keys)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("DELETE FROM content_cache WHERE cache_key = ?"));
    for (const QString &key : keys) {
        query.addBindValue(key);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot drop cached content"));
    }
    return transaction.commit();
}

Result<int> ContentIndex::removeAccount(qint64 accountId)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("DELETE FROM content_cache WHERE account_id = ?"));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot drop cached content"));
    const int removed = query.numRowsAffected();
    const Result<bool> committed = transaction.commit();
    if (!committed)
        return committed.error();
    return removed;
}

Result<qint64> ContentIndex::totalSize() const
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT coalesce(sum(size), 0) FROM content_cache")) || !query.next())
        return Sql::error(query, QStringLiteral("Cannot measure the content cache"));
    return query.value(0).toLongLong();
}

Result<QList<ContentCacheEntry>> ContentIndex::leastRecentlyUsed(int limit) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kEntryColumns +
                  QStringLiteral(" FROM content_cache ORDER BY last_access, cache_key LIMIT ?"));
    query.addBindValue(limit);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot list cached content"));
    QList<ContentCacheEntry> result;
    while (query.next())
        result.append(entryFromQuery(query));
    return result;
}

}  // namespace Heron::Store
