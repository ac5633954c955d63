// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

namespace Heron::Store {

class Database;

// An account as the store knows it: an id for its rows and the key of its settings.
struct AccountRecord {
    qint64 id = 0;
    QString key;  // stable identifier shared with the account settings
    QString displayName;

    bool operator==(const AccountRecord &) const = default;
};

// Adds and removes accounts; removing one removes every row of it (folders, messages, parts,
// cache index, journal) through ON DELETE CASCADE.
class AccountStore {
public:
    explicit AccountStore(Database &database) : m_database(database) {}

    Result<qint64> add(const QString &key, const QString &displayName, const QByteArray &settings = {});
    Result<bool> remove(qint64 accountId);
    Result<QList<AccountRecord>> accounts() const;
    // 0 when no account has that key.
    Result<qint64> idForKey(const QString &key) const;
    // The account's settings, opaque here (JSON written by src/accounts).
    Result<QByteArray> settings(qint64 accountId) const;
    Result<bool> setSettings(qint64 accountId, const QString &displayName, const QByteArray &settings);

private:
    Database &m_database;
};

}  // namespace Heron::Store
