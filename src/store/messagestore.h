// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "core/uidset.h"
#include "store/messagemetadata.h"

#include <QHash>
#include <QList>

#include <optional>

namespace Heron::Store {

class Database;
class Transaction;

// Reads message metadata, applies local changes (inside a caller's transaction, so they can be
// journaled atomically), keeps cached body text for search, and runs full-text searches.
class MessageStore {
public:
    explicit MessageStore(Database &database) : m_database(database) {}

    Result<MessageMetadata> message(qint64 messageId) const;
    // 0 when the folder has no message with that UID.
    Result<qint64> idForUid(qint64 folderId, quint32 uid) const;
    // Message ids of a folder, newest UID first.
    Result<QList<qint64>> messageIds(qint64 folderId) const;
    // The stored UIDs of a folder and their flags, for comparing with the server without
    // CONDSTORE; first/last bound the UID range.
    Result<QHash<quint32, MessageFlags>> flagsByUid(qint64 folderId, quint32 first = 1,
                                                    quint32 last = UidSet::kStar) const;

    // The stored UIDs of a folder in [first, last].
    Result<UidSet> uids(qint64 folderId, quint32 first = 1, quint32 last = UidSet::kStar) const;
    // The stored UIDs of the folder among those given (MessageRows::storedUids).
    // Server hits are left out, as in uids().
    Result<UidSet> storedAmong(qint64 folderId, const UidSet &uids) const;
    // The ids of the stored messages of the folder among those UIDs, by UID.
    Result<QHash<quint32, qint64>> idsByUid(qint64 folderId, const UidSet &uids) const;
    // The stored UIDs whose INTERNALDATE is before the given time (the sliding window's purge).
    Result<UidSet> uidsReceivedBefore(qint64 folderId, const QDateTime &before) const;
    // Messages of the account with this Message-ID (a bounce's original), newest first.
    Result<QList<qint64>> idsForMessageId(qint64 accountId, const QString &messageId) const;

    // Local changes, applied at once by the user's actions and journaled in the same transaction.
    Result<bool> changeFlags(Transaction &transaction, const QList<qint64> &messageIds, quint32 addBits,
                             quint32 removeBits);
    Result<bool> removeMessages(Transaction &transaction, const QList<qint64> &messageIds);

    // The plain text of a cached body, added to the search index (an empty text removes it).
    Result<bool> setBodyText(qint64 messageId, const QString &text);

    // Message ids matching an FTS5 MATCH expression over subject, addresses (names and emails)
    // and body, best match first. Diacritics and case are ignored ("muller" finds "Müller").
    Result<QList<qint64>> search(const QString &matchExpression, int limit = 500) const;

    // Checks that the search index holds exactly the tokens a fresh index of the messages would
    // (FTS5's own 'integrity-check' cannot compare against a view), and that message_ids holds
    // exactly the messages' Message-ID keys. Costly: for tests and repair.
    Result<bool> checkIndexes() const;
    // Adds the messages waiting in search_pending (MessageRows::Writer leaves new ones there) to
    // the index of Message-IDs (indexPendingMessageIds()), then to the search index in transactions
    // of at most 2,000: for idle moments, and before a search. Returns how many went in.
    Result<int> indexPendingSearch();
    // Adds the messages waiting in search_pending to message_ids (migration version 11), in one
    // transaction; they stay waiting for the search index. For many Message-ID lookups in a row.
    Result<bool> indexPendingMessageIds();
    // Removes from the search index the rows of removed messages (MessageRows::Writer leaves
    // them for later): for idle moments. Returns how many went.
    Result<int> purgeSearchRemovals();

    // --- Read helpers of the operation journal (Sync::LocalActions) ---
    // Where a message lives: what a journaled action needs to name it on the server.
    struct Location {
        qint64 messageId = 0;
        qint64 folderId = 0;
        qint64 accountId = 0;
        quint32 uid = 0;
        quint32 flagBits = 0;  // MessageFlags bits
    };
    // The locations of the given messages, in the order given; unknown ids are left out.
    Result<QList<Location>> locations(const QList<qint64> &messageIds) const;
    // The accounts the messages belong to; the lookup stops once `enough` are found (two tell
    // "one account" from "several").
    Result<QList<qint64>> accountsOf(const QList<qint64> &messageIds, int enough = 2) const;
    // Whether each of the stored messages among these has every one of the flag bits.
    Result<bool> allHaveFlags(const QList<qint64> &messageIds, quint32 bits) const;
    // --- end of the operation journal's read helpers ---

private:
    // Whether any message waits in search_pending.
    Result<bool> anyPending() const;

    Database &m_database;
};

}  // namespace Heron::Store
