// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace Heron::Store {

class Database;
class Transaction;

// One offline operation: applied locally at once, replayed on the server in id order.
struct Operation {
    enum class Kind { Flag, Move, Copy, Delete, Append };
    enum class State { Pending, InFlight, Done, Failed, Parked };

    qint64 id = 0;
    qint64 accountId = 0;
    qint64 folderId = 0;  // 0 when none, or when the folder has since disappeared
    Kind kind = Kind::Flag;
    QByteArray payload;  // defined by the sync layer (JSON)
    State state = State::Pending;
    QDateTime created;
    QDateTime updated;
    int attempts = 0;
    QString lastError;
};

// The durable journal of offline operations. Every write commits with Durability::Full (the
// WAL is synced before the commit returns), so an operation the user saw applied survives a
// crash or a power cut.
class OperationJournal {
public:
    explicit OperationJournal(Database &database) : m_database(database) {}

    Result<qint64> append(const Operation &operation);
    // Inside the caller's transaction, with the local change it journals; that transaction
    // must be Durability::Full.
    Result<qint64> append(Transaction &transaction, const Operation &operation);

    // Operations still to replay (pending, and in-flight ones interrupted by a crash), oldest first.
    Result<QList<Operation>> unfinished(qint64 accountId) const;
    Result<QList<Operation>> inState(qint64 accountId, Operation::State state) const;
    Result<Operation> operation(qint64 operationId) const;

    // In-flight counts an attempt; back to pending keeps the error for the next try.
    Result<bool> markInFlight(qint64 operationId);
    Result<bool> markPending(qint64 operationId, const QString &error);
    Result<bool> markDone(qint64 operationId);
    Result<bool> markFailed(qint64 operationId, const QString &error);
    Result<bool> markParked(qint64 operationId, const QString &reason);
    // Replaces the payload, e.g. to record a step done on the server (a COPYUID) before the next
    // one, so that a replay after a crash resumes instead of repeating it. Durability::Full.
    Result<bool> updatePayload(qint64 operationId, const QByteArray &payload);
    // Drops done operations last updated before the given time.
    Result<int> purgeDone(const QDateTime &before);

    static QString kindName(Operation::Kind kind);
    static QString stateName(Operation::State state);

private:
    Result<bool> setState(qint64 operationId, Operation::State state, const QString *error, bool countAttempt);

    Database &m_database;
};

}  // namespace Heron::Store
