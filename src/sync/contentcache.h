// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Sync {

// Which body part of which message a cache entry holds.
struct PartAddress {
    qint64 accountId = 0;
    QString accountKey;  // the account's own generated key (Store::AccountRecord::key), [A-Za-z0-9-]+
    qint64 folderId = 0;
    quint32 uidValidity = 0;
    quint32 uid = 0;
    QString section;  // "1.2", "TEXT", "" for the whole message
};

// The largest entry the cache takes by default; PartFetcher refuses bigger server data.
inline constexpr qint64 kContentMaxEntryBytes = qint64(512) << 20;

struct ContentCacheOptions {
    qint64 maxBytes = qint64(2) << 30;  // size cap of all entries together
    double minFreeFraction = 0.15;      // evict while the disk has less free than this; 0 turns it off
    qint64 maxEntryBytes = kContentMaxEntryBytes;
};

// The on-disk cache of fetched body parts (transfer-decoded bytes). Entries live in files named
// by a keyed hash of (account, folder, UIDVALIDITY, UID, section), so no server string ever
// becomes part of a path; each file carries a header with the content's length and SHA-256, and
// an entry that fails the check is a miss. Files are written atomically; the least recently used
// entries go when the cache grows past its cap or the disk runs short of free space. The index
// (what is cached, how big, when last used) lives in the store's content_cache table.
// Not thread-safe: use it on one thread.
class ContentCache {
public:
    using Options = ContentCacheOptions;
    using PartAddress = Sync::PartAddress;
    // (bytes available, bytes in total) of the file system holding the cache.
    using FreeSpaceProbe = std::function<std::pair<qint64, qint64>()>;
    using Clock = std::function<QDateTime()>;

    static constexpr qint64 kMaxEntryBytes = kContentMaxEntryBytes;

    // secretKey keys the hash that names the files; it must not be empty and must stay the same
    // for the cache's lifetime (a new key makes every entry a miss).
    ContentCache(Store::Database &database, const QString &directory, const QByteArray &secretKey,
                 Options options = Options());

    ContentCache(const ContentCache &) = delete;
    ContentCache &operator=(const ContentCache &) = delete;

    QString directory() const { return m_directory; }
    const Options &options() const { return m_options; }

    // The cache key of a part: HMAC-SHA256(secretKey, "accountId|folderId|uidValidity|uid|section")
    // in lower-case hex.
    Result<QString> keyFor(const PartAddress &address) const;
    // Where the part's file is (or would be): <directory>/<accountKey>/<first 2 hex>/<hex>.
    Result<QString> filePathFor(const PartAddress &address) const;

    // The cached content, or nullopt on a miss. A missing, short or damaged file is a miss: its
    // index row and file are removed so that the part is fetched again. A hit counts as a use.
    Result<std::optional<QByteArray>> read(const PartAddress &address);
    // Stores the content atomically and records it in the index, then evicts (never this entry).
    // Returns the key. Content over Options::maxEntryBytes is refused with LimitExceeded.
    Result<QString> write(const PartAddress &address, QByteArrayView content);
    // Removes least recently used entries while the cache is over its cap or the disk's free space
    // is under Options::minFreeFraction. Returns how many entries were removed.
    Result<int> evict();
    // Removes entries by key (FolderStore::resetForUidValidity returns the keys of a folder).
    Result<bool> removeKeys(const QStringList &keys);
    // Removes every entry of the account, its index rows and its directory.
    Result<bool> removeAccount(const QString &accountKey);

    // For tests: where free space is read from (default: QStorageInfo of the cache directory).
    void setFreeSpaceProbe(FreeSpaceProbe probe) { m_freeSpaceProbe = std::move(probe); }
    // For tests: the time recorded as an entry's last use (default: now, UTC).
    void setClock(Clock clock) { m_clock = std::move(clock); }

    // True for the account keys the cache accepts as a directory name.
    static bool isValidAccountKey(const QString &accountKey);

private:
    Result<int> evictExcept(const QString &keepKey);
    QString pathFor(const QString &accountKey, const QString &key) const;
    // Deletes the files of these keys in every account directory.
    void removeFiles(const QStringList &keys) const;
    // Drops a damaged or stale entry (file and index row).
    void dropEntry(const QString &accountKey, const QString &key, const char *reason);
    std::pair<qint64, qint64> freeSpace() const;
    QDateTime now() const;

    Store::Database &m_database;
    QString m_directory;
    QByteArray m_secretKey;
    Options m_options;
    FreeSpaceProbe m_freeSpaceProbe;
    Clock m_clock;
};

}  // namespace Heron::Sync
