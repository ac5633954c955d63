// SPDX-License-Identifier: GPL-3.0-or-later
#include "operationjournal.h"

#include "database.h"
#include "sqlsupport.h"

namespace Heron::Store {

namespace {

const QString kOperationColumns = QStringLiteral(
        "id, account_id, folder_id, kind, payload, state, created, updated, attempts, last_error");

constexpr Operation::Kind kKinds[] = {Operation::Kind::Flag, Operation::Kind::Move, Operation::Kind::Copy,
                                      Operation::Kind::Delete, Operation::Kind::Append};
constexpr Operation::State kStates[] = {Operation::State::Pending, Operation::State::InFlight, Operation::State::Done,
                                        Operation::State::Failed, Operation::State::Parked};

Operation operationFromQuery(const QSqlQuery &query)
{
    Operation operation;
    operation.id = query.value(0).toLongLong();
    operation.accountId = query.value(1).toLongLong();
    operation.folderId = query.value(2).toLongLong();
    const QString kind = query.value(3).toString();
    for (Operation::Kind candidate : kKinds) {
        if (OperationJournal::kindName(candidate) == kind)
            operation.kind = candidate;
    }
    operation.payload = query.value(4).toByteArray();
    const QString state = query.value(5).toString();
    for (Operation::State candidate : kStates) {
        if (OperationJournal::stateName(candidate) == state)
            operation.state = candidate;
    }
    operation.created = Sql::toDateTime(query.value(6));
    operation.updated = Sql::toDateTime(query.value(7));
    operation.attempts = query.value(8).toInt();
    operation.lastError = query.value(9).toString();
    return operation;
}

}  // namespace

QString OperationJournal::kindName(Operation::Kind kind)
{
    switch (kind) {
    case Operation::Kind::Flag:
        return QStringLiteral("flag");
    case Operation::Kind::Move:
        return QStringLiteral("move");
    case Operation::Kind::Copy:
        return QStringLiteral("copy");
    case Operation::Kind::Delete:
        return QStringLiteral("delete");
    case Operation::Kind::Append:
        return QStringLiteral("append");
    }
    return {};
}

QString OperationJournal::stateName(Operation::State state)
{
    switch (state) {
    case Operation::State::Pending:
        return QStringLiteral("pending");
    case Operation::State::InFlight:
        return QStringLiteral("in-flight");
    case Operation::State::Done:
        return QStringLiteral("done");
    case Operation::State::Failed:
        return QStringLiteral("failed");
    case Operation::State::Parked:
        return QStringLiteral("parked");
    }
    return {};
}

Result<qint64> OperationJournal::append(const Operation &operation)
{
    Transaction transaction(m_database, Durability::Full);
    if (!transaction.isActive())
        return transaction.error();
    auto id = append(transaction, operation);
    if (!id)
        return id;
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return id;
}

Result<qint64> OperationJournal::append(Transaction &transaction, const Operation &operation)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery query(transaction.connection());
    query.prepare(
            QStringLiteral("INSERT INTO operations (account_id, folder_id, kind, payload, state, created, updated, "
                           "attempts, last_error) VALUES (?, ?, ?, ?, 'pending', ?, ?, 0, '')"));
    query.addBindValue(operation.accountId);
    query.addBindValue(Sql::nullableId(operation.folderId));
    query.addBindValue(kindName(operation.kind));
    query.addBindValue(operation.payload.isNull() ? QByteArray("") : operation.payload);
    query.addBindValue(operation.created.isValid() ? operation.created.toMSecsSinceEpoch() : now);
    query.addBindValue(now);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot journal an operation"));
    return query.lastInsertId().toLongLong();
}

Result<QList<Operation>> OperationJournal::unfinished(qint64 accountId) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kOperationColumns +
                  QStringLiteral(" FROM operations WHERE account_id = ? AND state IN ('pending', 'in-flight') "
                                 "ORDER BY id"));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read the operation journal"));
    QList<Operation> result;
    while (query.next())
        result.append(operationFromQuery(query));
    return result;
}

Result<QList<Operation>> OperationJournal::inState(qint64 accountId, Operation::State state) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kOperationColumns +
                  QStringLiteral(" FROM operations WHERE account_id = ? AND state = ? ORDER BY id"));
    query.addBindValue(accountId);
    query.addBindValue(stateName(state));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read the operation journal"));
    QList<Operation> result;
    while (query.next())
        result.append(operationFromQuery(query));
    return result;
}

Result<Operation> OperationJournal::operation(qint64 operationId) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT ") + kOperationColumns + QStringLiteral(" FROM operations WHERE id = ?"));
    query.addBindValue(operationId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read the operation journal"));
    if (!query.next())
        return makeError(Error::Code::InvalidInput, QStringLiteral("No operation with id %1").arg(operationId));
    return operationFromQuery(query);
}

Result<bool> OperationJournal::markInFlight(qint64 operationId)
{
    return setState(operationId, Operation::State::InFlight, nullptr, true);
}

Result<bool> OperationJournal::markPending(qint64 operationId, const QString &error)
{
    return setState(operationId, Operation::State::Pending, &error, false);
}

Result<bool> OperationJournal::markDone(qint64 operationId)
{
    return setState(operationId, Operation::State::Done, nullptr, false);
}

Result<bool> OperationJournal::markFailed(qint64 operationId, const QString &error)
{
    return setState(operationId, Operation::State::Failed, &error, false);
}

Result<bool> OperationJournal::markParked(qint64 operationId, const QString &reason)
{
    return setState(operationId, Operation::State::Parked, &reason, false);
}

Result<bool> OperationJournal::updatePayload(qint64 operationId, const QByteArray &payload)
{
    Transaction transaction(m_database, Durability::Full);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE operations SET payload = ?, updated = ? WHERE id = ?"));
    query.addBindValue(payload.isNull() ? QByteArray("") : payload);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    query.addBindValue(operationId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot update the operation journal"));
    if (query.numRowsAffected() == 0)
        return makeError(Error::Code::InvalidInput, QStringLiteral("No operation with id %1").arg(operationId));
    return transaction.commit();
}

Result<bool> OperationJournal::setState(qint64 operationId, Operation::State state, const QString *error,
                                        bool countAttempt)
{
    Transaction transaction(m_database, Durability::Full);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE operations SET state = ?, updated = ?, attempts = attempts + ?, "
                                 "last_error = coalesce(?, last_error) WHERE id = ?"));
    query.addBindValue(stateName(state));
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    query.addBindValue(countAttempt ? 1 : 0);
    query.addBindValue(error ? QVariant(*error) : QVariant(QMetaType(QMetaType::QString)));
    query.addBindValue(operationId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot update the operation journal"));
    if (query.numRowsAffected() == 0)
        return makeError(Error::Code::InvalidInput, QStringLiteral("No operation with id %1").arg(operationId));
    return transaction.commit();
}

Result<int> OperationJournal::purgeDone(const QDateTime &before)
{
    Transaction transaction(m_database, Durability::Full);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("DELETE FROM operations WHERE state = 'done' AND updated < ?"));
    query.addBindValue(before.toMSecsSinceEpoch());
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot purge the operation journal"));
    const int purged = query.numRowsAffected();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return purged;
}

}  // namespace Heron::Store
