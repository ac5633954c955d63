// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace Heron::Store {

class Database;

// One cached body section. The file's name is derived from key alone (a keyed hash computed by
// the content cache), so no server string ever becomes part of a path.
struct ContentCacheEntry {
    QString key;  // hex
    qint64 accountId = 0;
    qint64 folderId = 0;
    quint32 uidValidity = 0;
    quint32 uid = 0;
    QString section;  // "1.2", "TEXT", "" for the whole message
    qint64 size = 0;
    QDateTime lastAccess;

    bool operator==(const ContentCacheEntry &) const = default;
};

// The content cache's index: what is cached, how big, when last used (for LRU eviction).
class ContentIndex {
public:
    explicit ContentIndex(Database &database) : m_database(database) {}

    Result<bool> record(const ContentCacheEntry &entry);
    Result<std::optional<ContentCacheEntry>> find(qint64 folderId, quint32 uidValidity, quint32 uid,
                                                  const QString &section) const;
    Result<bool> touch(const QString &key, const QDateTime &when);
    Result<bool> remove(const QStringList &keys);
    // Drops every entry of the account; returns how many there were.
    Result<int> removeAccount(qint64 accountId);
    Result<qint64> totalSize() const;
    // Least recently used first, for eviction.
    Result<QList<ContentCacheEntry>> leastRecentlyUsed(int limit) const;

private:
    Database &m_database;
};

}  // namespace Heron::Store
