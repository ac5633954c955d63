// SPDX-License-Identifier: GPL-3.0-or-later
#include "folderstore.h"

#include "database.h"
#include "messagerows.h"
#include "sqlsupport.h"
#include "storelogging.h"

#include <QSet>
#include <QSqlQuery>

#include <algorithm>

namespace Heron::Store {

namespace {

const QString kFolderColumns = QStringLiteral(
        "id, account_id, path, delimiter, special_use, attributes, subscribed, selected_for_sync, uidvalidity, "
        "uidnext, highestmodseq, synced_down_to, message_count, unread_count, window_start, last_full_sync, "
        "last_incremental_sync, server_messages, sync_strategy, last_error");

FolderRecord folderFromQuery(const QSqlQuery &query)
{
    FolderRecord folder;
    folder.id = query.value(0).toLongLong();
    folder.accountId = query.value(1).toLongLong();
    folder.listing.path = query.value(2).toString();
    folder.listing.delimiter = query.value(3).toString();
    folder.listing.specialUse = query.value(4).toString();
    folder.listing.attributes = query.value(5).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    folder.listing.subscribed = query.value(6).toBool();
    folder.selectedForSync = query.value(7).toBool();
    folder.state.uidValidity = query.value(8).toUInt();
    folder.state.uidNext = query.value(9).toUInt();
    folder.state.highestModSeq = query.value(10).toULongLong();
    folder.state.syncedDownTo = query.value(11).toUInt();
    folder.messageCount = query.value(12).toInt();
    folder.unreadCount = query.value(13).toInt();
    folder.windowStart = Sql::toDateTime(query.value(14));
    folder.lastFullSync = Sql::toDateTime(query.value(15));
    folder.lastIncrementalSync = Sql::toDateTime(query.value(16));
    folder.state.serverMessages = query.value(17).toUInt();
    folder.syncStrategy = query.value(18).toString();
    folder.lastError = query.value(19).toString();
    return folder;
}

Result<bool> updateFolderColumn(Database &database, qint64 folderId, const QString &column, const QVariant &value)
{
    Transaction transaction(database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE folders SET %1 = ? WHERE id = ?").arg(column));
    query.addBindValue(value);
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot update a folder"));
    if (query.numRowsAffected() == 0)
        return makeError(Error::Code::InvalidInput, QStringLiteral("No folder with id %1").arg(folderId));
    transaction.changes().folderChanged(folderId);
    return transaction.commit();
}

}  // namespace

Result<QList<qint64>> FolderStore::upsertFolders(qint64 accountId, const QList<FolderListing> &listings)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery find(transaction.connection());
    QSqlQuery insert(transaction.connection());
    QSqlQuery update(transaction.connection());
    find.prepare(QStringLiteral("SELECT ") + kFolderColumns +
                 QStringLiteral(" FROM folders WHERE account_id = ? AND path = ?"));
    insert.prepare(
            QStringLiteral("INSERT INTO folders (account_id, path, delimiter, special_use, attributes, subscribed) "
                           "VALUES (?, ?, ?, ?, ?, ?)"));
    update.prepare(QStringLiteral("UPDATE folders SET delimiter = ?, special_use = ?, attributes = ?, subscribed = ? "
                                  "WHERE id = ?"));
    QList<qint64> ids;
    ids.reserve(listings.size());
    for (const FolderListing &listing : listings) {
        find.addBindValue(accountId);
        find.addBindValue(Sql::text(listing.path));
        if (!find.exec())
            return Sql::error(find, QStringLiteral("Cannot look up a folder"));
        if (find.next()) {
            const FolderRecord stored = folderFromQuery(find);
            find.finish();
            ids.append(stored.id);
            if (stored.listing == listing)
                continue;
            update.addBindValue(Sql::text(listing.delimiter));
            update.addBindValue(Sql::text(listing.specialUse));
            update.addBindValue(Sql::text(listing.attributes.join(QLatin1Char(' '))));
            update.addBindValue(listing.subscribed ? 1 : 0);
            update.addBindValue(stored.id);
            if (!update.exec())
                return Sql::error(update, QStringLiteral("Cannot update the folder %1").arg(listing.path));
            transaction.changes().folderChanged(stored.id);
        } else {
            find.finish();
            insert.addBindValue(accountId);
            insert.addBindValue(Sql::text(listing.path));
            insert.addBindValue(Sql::text(listing.delimiter));
            insert.addBindValue(Sql::text(listing.specialUse));
            insert.addBindValue(Sql::text(listing.attributes.join(QLatin1Char(' '))));
            insert.addBindValue(listing.subscribed ? 1 : 0);
            if (!insert.exec())
                return Sql::error(insert, QStringLiteral("Cannot add the folder %1").arg(listing.path));
            ids.append(insert.lastInsertId().toLongLong());
            transaction.changes().folderChanged(ids.constLast());
        }
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return ids;
}

Result<bool> FolderStore::renameFolder(qint64 folderId, const FolderListing &listing)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE folders SET path = ?, delimiter = ?, special_use = ?, attributes = ?, "
                                 "subscribed = ? WHERE id = ?"));
    query.addBindValue(Sql::text(listing.path));
    query.addBindValue(Sql::text(listing.delimiter));
    query.addBindValue(Sql::text(listing.specialUse));
    query.addBindValue(Sql::text(listing.attributes.join(QLatin1Char(' '))));
    query.addBindValue(listing.subscribed ? 1 : 0);
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot rename the folder to %1").arg(listing.path));
    if (query.numRowsAffected() == 0)
        return makeError(Error::Code::InvalidInput, QStringLiteral("No folder with id %1").arg(folderId));
    transaction.changes().folderChanged(folderId);
    return transaction.commit();
}

Result<bool> FolderStore::markUnchanged(const QList<qint64> &folderIds, const QDateTime &when)
{
    if (folderIds.isEmpty())
        return true;
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE folders SET last_incremental_sync = ? WHERE id = ?"));
    for (const qint64 folderId : folderIds) {
        query.addBindValue(Sql::fromDateTime(when));
        query.addBindValue(folderId);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot record the end of a round"));
        transaction.changes().folderChanged(folderId);
    }
    return transaction.commit();
}

Result<bool> FolderStore::removeFolder(qint64 folderId)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    if (auto ok = MessageRows::removeIndexRows(transaction.connection(), QStringLiteral("m.folder_id = ?"), folderId);
        !ok) {
        return ok;
    }
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("DELETE FROM folders WHERE id = ?"));
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot remove a folder"));
    transaction.changes().removedFolders.append(folderId);
    return transaction.commit();
}

Result<bool> FolderStore::setSelectedForSync(qint64 folderId, bool selected)
{
    return updateFolderColumn(m_database, folderId, QStringLiteral("selected_for_sync"), selected ? 1 : 0);
}

Result<bool> FolderStore::setWindowStart(qint64 folderId, const QDateTime &windowStart)
{
    return updateFolderColumn(m_database, folderId, QStringLiteral("window_start"), Sql::fromDateTime(windowStart));
}

Result<bool> FolderStore::setSyncStatus(qint64 folderId, const QString &strategy, const QString &lastError)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE folders SET sync_strategy = ?, last_error = ? WHERE id = ?"));
    query.addBindValue(Sql::text(strategy));
    query.addBindValue(Sql::text(lastError));
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot record how a folder was synchronized"));
    if (query.numRowsAffected() > 0)
        transaction.changes().folderChanged(folderId);
    return transaction.commit();
}

Result<FolderRecord> FolderStore::folder(qint64 folderId) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kFolderColumns + QStringLiteral(" FROM folders WHERE id = ?"));
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read a folder"));
    if (!query.next())
        return makeError(Error::Code::InvalidInput, QStringLiteral("No folder with id %1").arg(folderId));
    return folderFromQuery(query);
}

Result<QList<FolderRecord>> FolderStore::folders(qint64 accountId) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kFolderColumns +
                  QStringLiteral(" FROM folders WHERE account_id = ? ORDER BY path"));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot list folders"));
    QList<FolderRecord> result;
    while (query.next())
        result.append(folderFromQuery(query));
    return result;
}

Result<qint64> FolderStore::idForPath(qint64 accountId, const QString &path) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT id FROM folders WHERE account_id = ? AND path = ?"));
    query.addBindValue(accountId);
    query.addBindValue(path);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot look up a folder"));
    return query.next() ? query.value(0).toLongLong() : qint64(0);
}

Result<SyncBatchOutcome> FolderStore::applySyncBatch(qint64 folderId, const SyncBatch &batch)
{
    // Resolve the removed UIDs to stored rows first; a UID both fetched and removed is removed.
    QList<qint64> removals;
    {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("SELECT uidvalidity FROM folders WHERE id = ?"));
        query.addBindValue(folderId);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot read a folder"));
        if (!query.next())
            return makeError(Error::Code::InvalidInput, QStringLiteral("No folder with id %1").arg(folderId));
        const quint32 storedUidValidity = query.value(0).toUInt();
        query.finish();
        if (batch.uidValidity != 0 && storedUidValidity != batch.uidValidity) {
            return makeError(Error::Code::InvalidInput,
                             QStringLiteral("A batch for UIDVALIDITY %1 does not apply to folder %2 (UIDVALIDITY %3)")
                                     .arg(batch.uidValidity)
                                     .arg(folderId)
                                     .arg(storedUidValidity));
        }
        auto stored = MessageRows::storedUids(Sql::handle(m_database.connection()), folderId, batch.removedUids, false);
        if (!stored)
            return stored.error();
        removals.reserve(stored->size());
        for (const MessageRows::StoredUid &row : std::as_const(*stored))
            removals.append(row.id);
        // In the order of the rows: the removals then walk the table from page to page.
        std::sort(removals.begin(), removals.end());
    }

    QList<const MessageMetadata *> messages;
    messages.reserve(batch.messages.size());
    for (const MessageMetadata &message : batch.messages) {
        if (!batch.removedUids.contains(message.uid))
            messages.append(&message);
    }
    QList<const FlagChange *> flagChanges;
    flagChanges.reserve(batch.flagChanges.size());
    for (const FlagChange &change : batch.flagChanges) {
        if (!batch.removedUids.contains(change.uid))
            flagChanges.append(&change);
    }

    const qsizetype total = messages.size() + flagChanges.size() + removals.size();
    const qsizetype transactions = std::max<qsizetype>(1,
                                                       (total + kMaxRowsPerTransaction - 1) / kMaxRowsPerTransaction);
    SyncBatchOutcome outcome;
    qsizetype next = 0;
    for (qsizetype round = 0; round < transactions; ++round) {
        const qsizetype end = std::min<qsizetype>(total, next + kMaxRowsPerTransaction);
        const bool last = round == transactions - 1;
        const auto failed = [&](const Error &error) {
            return makeError(error.code,
                             QStringLiteral("%1 (transaction %2 of %3 for folder %4; its sync state was not moved)")
                                     .arg(error.message)
                                     .arg(round + 1)
                                     .arg(transactions)
                                     .arg(folderId));
        };

        Transaction transaction(m_database);
        if (!transaction.isActive())
            return failed(transaction.error());
        ChangeSet &changes = transaction.changes();
        SyncBatchOutcome step;
        {
            MessageRows::Writer writer(transaction.connection());
            for (qsizetype i = next; i < end; ++i) {
                if (i < messages.size()) {
                    auto upserted = writer.upsert(folderId, *messages.at(i));
                    if (!upserted)
                        return failed(upserted.error());
                    if (upserted->inserted) {
                        changes.insertedMessages[folderId].append(upserted->id);
                        step.insertedIds.append(upserted->id);
                        ++step.inserted;
                    } else {
                        changes.changedMessages[folderId].append(upserted->id);
                        ++step.changed;
                    }
                } else if (i < messages.size() + flagChanges.size()) {
                    auto applied = writer.applyFlags(folderId, *flagChanges.at(i - messages.size()));
                    if (!applied)
                        return failed(applied.error());
                    if (applied->has_value() && applied->value().changed) {
                        changes.changedMessages[folderId].append(applied->value().id);
                        ++step.changed;
                    }
                } else {
                    // The rest of this transaction's rows are removals, written together.
                    const QList<qint64> ids = removals.mid(i - messages.size() - flagChanges.size(), end - i);
                    if (auto removed = writer.remove(ids); !removed)
                        return failed(removed.error());
                    changes.removedMessages[folderId].append(ids);
                    step.removed += int(ids.size());
                    break;
                }
            }
            if (auto indexed = writer.finish(); !indexed)
                return failed(indexed.error());
        }

        if (last &&
            (batch.syncPoint || batch.fullRoundFinished.isValid() || batch.incrementalRoundFinished.isValid())) {
            QStringList assignments;
            QVariantList values;
            if (batch.syncPoint) {
                assignments << QStringLiteral("uidnext = ?") << QStringLiteral("highestmodseq = ?")
                            << QStringLiteral("synced_down_to = ?") << QStringLiteral("server_messages = ?");
                values << qint64(batch.syncPoint->uidNext) << qint64(batch.syncPoint->highestModSeq)
                       << qint64(batch.syncPoint->syncedDownTo) << qint64(batch.syncPoint->serverMessages);
            }
            if (batch.fullRoundFinished.isValid()) {
                assignments << QStringLiteral("last_full_sync = ?");
                values << Sql::fromDateTime(batch.fullRoundFinished);
            }
            if (batch.incrementalRoundFinished.isValid()) {
                assignments << QStringLiteral("last_incremental_sync = ?");
                values << Sql::fromDateTime(batch.incrementalRoundFinished);
            }
            QSqlQuery query(transaction.connection());
            query.prepare(
                    QStringLiteral("UPDATE folders SET %1 WHERE id = ?").arg(assignments.join(QStringLiteral(", "))));
            for (const QVariant &value : std::as_const(values))
                query.addBindValue(value);
            query.addBindValue(folderId);
            if (!query.exec())
                return failed(Sql::error(query, QStringLiteral("Cannot write the folder state")));
            changes.folderChanged(folderId);
        }
        if (end > next)
            changes.folderChanged(folderId);  // counts moved

        if (auto committed = transaction.commit(); !committed)
            return failed(committed.error());
        ++outcome.transactions;
        outcome.inserted += step.inserted;
        outcome.insertedIds.append(step.insertedIds);
        outcome.changed += step.changed;
        outcome.removed += step.removed;
        next = end;
    }
    return outcome;
}

Result<QStringList> FolderStore::resetForUidValidity(qint64 folderId, quint32 uidValidity)
{
    auto keys = dropMessages(folderId, uidValidity, true);
    if (keys)
        qCInfo(lcStore) << "Folder" << folderId << "reset for UIDVALIDITY" << uidValidity;
    return keys;
}

Result<QList<qint64>> FolderStore::storeServerHits(qint64 folderId, const QList<MessageMetadata> &messages)
{
    if (messages.size() > kMaxRowsPerTransaction)
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("At most %1 server hits are stored at once").arg(kMaxRowsPerTransaction));
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QList<qint64> ids;
    {
        QSqlQuery existing(transaction.connection());
        existing.prepare(QStringLiteral("SELECT id FROM messages WHERE folder_id = ? AND uid = ?"));
        QSqlQuery mark(transaction.connection());
        mark.prepare(QStringLiteral("UPDATE messages SET server_hit = 1 WHERE id = ?"));
        MessageRows::Writer writer(transaction.connection());
        for (const MessageMetadata &message : messages) {
            existing.bindValue(0, folderId);
            existing.bindValue(1, qint64(message.uid));
            if (!existing.exec())
                return Sql::error(existing, QStringLiteral("Cannot look up a server hit"));
            if (existing.next()) {
                ids.append(existing.value(0).toLongLong());
                existing.finish();
                continue;
            }
            auto upserted = writer.upsert(folderId, message);
            if (!upserted)
                return upserted.error();
            mark.bindValue(0, upserted->id);
            if (!mark.exec())
                return Sql::error(mark, QStringLiteral("Cannot mark a server hit"));
            transaction.changes().insertedMessages[folderId].append(upserted->id);
            ids.append(upserted->id);
        }
        if (auto indexed = writer.finish(); !indexed)
            return indexed.error();
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return ids;
}

Result<int> FolderStore::dropServerHits(qint64 accountId)
{
    const QString ofAccount = accountId ? QStringLiteral(" AND f.account_id = ?") : QString();
    int dropped = 0;
    for (bool first = true;; first = false) {
        Transaction transaction(m_database);
        if (!transaction.isActive())
            return transaction.error();
        if (first) {
            // A hit the window covers by now (it was widened meanwhile) is an ordinary message,
            // in a folder that has been synchronized under a window: the next round knows it. The
            // hits' own index is named: SQLite would rather walk the window's dates, every message.
            QSqlQuery kept(transaction.connection());
            kept.prepare(QStringLiteral("UPDATE messages SET server_hit = 0 WHERE server_hit != 0 AND id IN ("
                                        "SELECT m.id FROM messages AS m INDEXED BY messages_server_hits "
                                        "JOIN folders AS f ON f.id = m.folder_id "
                                        "WHERE m.server_hit != 0 AND f.selected_for_sync != 0 AND f.uidvalidity != 0 "
                                        "AND f.window_start IS NOT NULL AND m.internal_date >= f.window_start") +
                         ofAccount + QStringLiteral(")"));
            if (accountId)
                kept.addBindValue(accountId);
            if (!kept.exec())
                return Sql::error(kept, QStringLiteral("Cannot keep the server hits the window covers"));
        }
        // The rest leaves in transactions of at most kMaxRowsPerTransaction rows.
        QSqlQuery hits(transaction.connection());
        hits.setForwardOnly(true);
        hits.prepare(QStringLiteral("SELECT m.id, m.folder_id FROM messages AS m JOIN folders AS f ON f.id = m.folder_id "
                                    "WHERE m.server_hit != 0") +
                     ofAccount + QStringLiteral(" LIMIT %1").arg(kMaxRowsPerTransaction));
        if (accountId)
            hits.addBindValue(accountId);
        if (!hits.exec())
            return Sql::error(hits, QStringLiteral("Cannot list the server hits"));
        QList<std::pair<qint64, qint64>> found;
        while (hits.next())
            found.append({hits.value(0).toLongLong(), hits.value(1).toLongLong()});
        hits.finish();
        {
            MessageRows::Writer writer(transaction.connection());
            QList<qint64> ids;
            ids.reserve(found.size());
            for (const auto &[id, folderId] : std::as_const(found)) {
                ids.append(id);
                transaction.changes().removedMessages[folderId].append(id);
            }
            if (auto removed = writer.remove(ids); !removed)
                return removed.error();
            if (auto indexed = writer.finish(); !indexed)
                return indexed.error();
        }
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        dropped += int(found.size());
        if (found.size() < kMaxRowsPerTransaction)
            return dropped;
    }
}

Result<QStringList> FolderStore::forgetMessages(qint64 folderId)
{
    return dropMessages(folderId, 0, false);
}

Result<QStringList> FolderStore::dropMessages(qint64 folderId, quint32 uidValidity, bool parkOperations)
{
    QStringList cacheKeys;
    // Messages go in chunks while the folder keeps its old state, so an interruption leaves a
    // folder that still mismatches the server and is reset again; the new state comes last.
    for (;;) {
        Transaction transaction(m_database);
        if (!transaction.isActive())
            return transaction.error();
        QSqlQuery query(transaction.connection());
        query.prepare(QStringLiteral("SELECT id FROM messages WHERE folder_id = ? LIMIT ?"));
        query.addBindValue(folderId);
        query.addBindValue(kMaxRowsPerTransaction);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot list the messages of a folder"));
        QList<qint64> ids;
        while (query.next())
            ids.append(query.value(0).toLongLong());
        query.finish();
        if (ids.isEmpty())
            break;
        MessageRows::Writer writer(transaction.connection());
        if (auto removed = writer.remove(ids); !removed)
            return removed.error();
        if (auto indexed = writer.finish(); !indexed)
            return indexed.error();
        transaction.changes().removedMessages[folderId] = ids;
        transaction.changes().folderChanged(folderId);
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
    }

    Transaction transaction(m_database, Durability::Full);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("SELECT cache_key FROM content_cache WHERE folder_id = ?"));
    query.addBindValue(folderId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot list cached content"));
    while (query.next())
        cacheKeys.append(query.value(0).toString());
    query.finish();
    QList<std::pair<QString, QVariantList>> statements = {
            {QStringLiteral("DELETE FROM content_cache WHERE folder_id = ?"), {folderId}},
            {QStringLiteral("UPDATE folders SET uidvalidity = ?, uidnext = 0, highestmodseq = 0, synced_down_to = 0, "
                            "server_messages = 0, last_full_sync = NULL, last_incremental_sync = NULL WHERE id = ?"),
             {qint64(uidValidity), folderId}},
    };
    if (parkOperations) {
        statements.prepend(
                {QStringLiteral("UPDATE operations SET state = 'parked', updated = ?, last_error = ? "
                                "WHERE folder_id = ? AND kind != 'append' AND state IN ('pending', 'in-flight')"),
                 {QDateTime::currentMSecsSinceEpoch(), QStringLiteral("The folder's UIDVALIDITY changed"), folderId}});
    }
    for (const auto &[statement, values] : std::as_const(statements)) {
        query.prepare(statement);
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec())
            return Sql::error(query, QStringLiteral("Cannot reset a folder"));
    }
    transaction.changes().folderChanged(folderId);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return cacheKeys;
}

}  // namespace Heron::Store
