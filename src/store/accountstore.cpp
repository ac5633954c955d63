// SPDX-License-Identifier: GPL-3.0-or-later
#include "accountstore.h"

#include "database.h"
#include "messagerows.h"
#include "sqlsupport.h"

namespace Heron::Store {

Result<qint64> AccountStore::add(const QString &key, const QString &displayName, const QByteArray &settings)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("INSERT INTO accounts (account_key, display_name, settings) VALUES (?, ?, ?)"));
    query.addBindValue(Sql::text(key));
    query.addBindValue(Sql::text(displayName));
    query.addBindValue(settings.isEmpty() ? QStringLiteral("{}") : QString::fromUtf8(settings));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot add the account %1").arg(key));
    const qint64 id = query.lastInsertId().toLongLong();
    transaction.changes().changedAccounts.append(id);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return id;
}

Result<bool> AccountStore::remove(qint64 accountId)
{
    Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("SELECT id FROM folders WHERE account_id = ?"));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot list the folders of an account"));
    while (query.next())
        transaction.changes().removedFolders.append(query.value(0).toLongLong());
    query.finish();
    const QString ofAccount = QStringLiteral("m.folder_id IN (SELECT id FROM folders WHERE account_id = ?)");
    if (auto ok = MessageRows::removeIndexRows(transaction.connection(), ofAccount, accountId); !ok)
        return ok;
    query.prepare(QStringLiteral("DELETE FROM accounts WHERE id = ?"));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot remove an account"));
    transaction.changes().changedAccounts.append(accountId);
    return transaction.commit();
}

Result<QList<AccountRecord>> AccountStore::accounts() const
{
    QSqlQuery query(m_database.connection());
    if (!query.exec(QStringLiteral("SELECT id, account_key, display_name FROM accounts ORDER BY id")))
        return Sql::error(query, QStringLiteral("Cannot list the accounts"));
    QList<AccountRecord> result;
    while (query.next())
        result.append({query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toString()});
    return result;
}

Result<qint64> AccountStore::idForKey(const QString &key) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT id FROM accounts WHERE account_key = ?"));
    query.addBindValue(Sql::text(key));
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot look up an account"));
    return query.next() ? query.value(0).toLongLong() : qint64(0);
}

Result<QByteArray> AccountStore::settings(qint64 accountId) const
{
    QSqlQuery query(m_database.connection());
    query.prepare(QStringLiteral("SELECT settings FROM accounts WHERE id = ?"));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot read the settings of an account"));
    if (!query.next())
        return makeError(Error::Code::InvalidInput, QStringLiteral("No account with id %1").arg(accountId));
    return query.value(0).toString().toUtf8();
}

Result<bool> AccountStore::setSettings(qint64 accountId, const QString &displayName, const QByteArray &settings)
{
    Transaction transaction(m_database, Durability::Full);
    if (!transaction.isActive())
        return transaction.error();
    QSqlQuery query(transaction.connection());
    query.prepare(QStringLiteral("UPDATE accounts SET display_name = ?, settings = ? WHERE id = ?"));
    query.addBindValue(Sql::text(displayName));
    query.addBindValue(QString::fromUtf8(settings));
    query.addBindValue(accountId);
    if (!query.exec())
        return Sql::error(query, QStringLiteral("Cannot save the settings of an account"));
    if (query.numRowsAffected() == 0)
        return makeError(Error::Code::InvalidInput, QStringLiteral("No account with id %1").arg(accountId));
    transaction.changes().changedAccounts.append(accountId);
    return transaction.commit();
}

}  // namespace Heron::Store
