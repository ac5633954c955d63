// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/folderrecord.h"
#include "store/syncbatch.h"

#include <QList>

#include <optional>

namespace Heron::Store {

class Database;

// Folders and their synchronization state, and the one way message metadata from the server
// enters the store: applySyncBatch, which moves a folder's state only together with the rows
// it covers.
class FolderStore {
public:
    // At most this many message rows (inserted, replaced, flag-changed or removed) per transaction.
    static constexpr int kMaxRowsPerTransaction = 2000;

    explicit FolderStore(Database &database) : m_database(database) {}

    // Inserts or updates folders from a LIST; user choices and sync state of known ones are kept.
    // Returns the folders' ids in the order given.
    Result<QList<qint64>> upsertFolders(qint64 accountId, const QList<FolderListing> &listings);
    Result<bool> removeFolder(qint64 folderId);
    // The folder was renamed on the server (same UIDVALIDITY under a new name): its messages,
    // state and the user's choices stay; only the listing changes.
    Result<bool> renameFolder(qint64 folderId, const FolderListing &listing);
    Result<bool> setSelectedForSync(qint64 folderId, bool selected);
    Result<bool> setWindowStart(qint64 folderId, const QDateTime &windowStart);
    // Records the strategy the last round used and its error (empty when it succeeded).
    Result<bool> setSyncStatus(qint64 folderId, const QString &strategy, const QString &lastError);
    // Records that an incremental round found these folders unchanged at `when`, in one
    // transaction: a poll of an account with many folders commits once, not once per folder.
    Result<bool> markUnchanged(const QList<qint64> &folderIds, const QDateTime &when);

    Result<FolderRecord> folder(qint64 folderId) const;
    Result<QList<FolderRecord>> folders(qint64 accountId) const;
    // 0 when the account has no folder with that path.
    Result<qint64> idForPath(qint64 accountId, const QString &path) const;

    // Applies a batch in transactions of at most kMaxRowsPerTransaction rows: first the messages,
    // then the flag changes, then the removals. The sync point and round times are written in the
    // LAST transaction, so after a failure part-way the folder still claims only what it had
    // before; re-applying the same batch is harmless (rows are matched by UID).
    Result<SyncBatchOutcome> applySyncBatch(qint64 folderId, const SyncBatch &batch);

    // UIDVALIDITY changed (RFC 3501 §2.3.1.1): drops the folder's messages and cache index rows
    // and parks its queued operations, resetting the sync point, in one transaction. Returns the
    // content cache keys dropped, whose files the cache deletes.
    Result<QStringList> resetForUidValidity(qint64 folderId, quint32 uidValidity);
    // The folder is no longer synchronized (deselected): its messages and cache index rows go and
    // its sync point is reset, so selecting it again fetches it afresh. Queued operations stay.
    Result<QStringList> forgetMessages(qint64 folderId);

    // Messages a search found on the server outside the folder's sliding window (older than it):
    // stored and marked as server hits, in one transaction, without moving the sync state. A UID
    // stored already is left as it is. Returns their ids, in the order given.
    Result<QList<qint64>> storeServerHits(qint64 folderId, const QList<MessageMetadata> &messages);
    // The search is over: the account's server hits go (0: every account's). A hit that the
    // window covers by now (it was widened) stays as an ordinary message.
    Result<int> dropServerHits(qint64 accountId = 0);

private:
    Result<QStringList> dropMessages(qint64 folderId, quint32 uidValidity, bool parkOperations);

    Database &m_database;
};

}  // namespace Heron::Store
