// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QList>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Sync {

// The user's actions on messages (read/unread, flag, move, copy, delete): each is applied to the
// store at once, so the views show it without waiting for a server, and journaled in the same
// Durability::Full transaction, one operation per source folder, for the OperationReplayer to
// carry out on the server later, even after a restart. Needs no connection.
//
// Every call takes the store ids of messages of ONE account and returns the ids of the journaled
// operations (none when there is nothing to do on the server). Refused, with nothing changed:
// an empty list, unknown ids, messages of several accounts, a message whose folder was never
// synchronized (its UIDs would mean nothing).
class LocalActions {
public:
    explicit LocalActions(Store::Database &database) : m_database(database) {}

    // Adds and removes system flags (Store::MessageFlags bits; a bit may not be in both).
    Result<QList<qint64>> setFlags(const QList<qint64> &messageIds, quint32 addBits, quint32 removeBits);
    // Moves to another folder of the same account: the messages leave their folders at once and
    // appear in the target at its next synchronization. Messages already there are left alone.
    Result<QList<qint64>> move(const QList<qint64> &messageIds, qint64 targetFolderId);
    // Copies to another folder of the same account; nothing changes locally until the target's
    // next synchronization.
    Result<QList<qint64>> copy(const QList<qint64> &messageIds, qint64 targetFolderId);
    // Deletes: a move to the account's Trash (RFC 6154 \Trash) when it has one, except for messages
    // already in it, which are removed for good (\Deleted and UID EXPUNGE of exactly them).
    Result<QList<qint64>> remove(const QList<qint64> &messageIds);

private:
    enum class Action { Flag, Move, Copy, Remove };
    Result<QList<qint64>> apply(Action action, const QList<qint64> &messageIds, qint64 targetFolderId, quint32 addBits,
                                quint32 removeBits);

    Store::Database &m_database;
};

}  // namespace Heron::Sync
