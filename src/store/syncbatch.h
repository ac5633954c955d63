// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/uidset.h"
#include "store/messagemetadata.h"

#include <QDateTime>

#include <optional>

namespace Heron::Store {

// The complete flags of one message as the server reported them (FETCH FLAGS, RFC 7162 MODSEQ).
struct FlagChange {
    quint32 uid = 0;
    MessageFlags flags;
    quint64 modSeq = 0;
};

// Where a folder stands once a batch is applied; written in the same transaction as the
// batch's last message rows, never before (see FolderStore::applySyncBatch).
struct FolderSyncPoint {
    quint32 uidNext = 0;
    quint64 highestModSeq = 0;
    quint32 syncedDownTo = 0;
    quint32 serverMessages = 0;
};

// One step of a folder's synchronization, applied atomically with the folder state it reaches.
struct SyncBatch {
    // When not 0, the batch is refused if the folder's stored UIDVALIDITY differs: a batch
    // computed before a UIDVALIDITY change must not land on the rebuilt folder.
    quint32 uidValidity = 0;
    QList<MessageMetadata> messages;  // inserted, or replacing the stored row with the same UID
    QList<FlagChange> flagChanges;    // for UIDs stored locally; others are ignored
    UidSet removedUids;               // expunged/vanished on the server, or purged from the window
    std::optional<FolderSyncPoint> syncPoint;
    QDateTime fullRoundFinished;         // set when this batch ends a full round
    QDateTime incrementalRoundFinished;  // set when this batch ends an incremental round

    qsizetype rowCount() const { return messages.size() + flagChanges.size(); }
};

// What applySyncBatch did, for logs and progress.
struct SyncBatchOutcome {
    int transactions = 0;
    int inserted = 0;
    QList<qint64> insertedIds;  // in the order the batch gave the messages
    int changed = 0;
    int removed = 0;
};

}  // namespace Heron::Store
