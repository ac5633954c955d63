// SPDX-License-Identifier: GPL-3.0-or-later
#include "contentcache.h"

#include "store/accountstore.h"
#include "store/contentindex.h"
#include "sync/synclogging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QSaveFile>
#include <QStorageInfo>
#include <QtEndian>

#include <algorithm>
#include <cmath>

namespace Heron::Sync {

namespace {

// Each file: "HRNC", a big-endian 32-bit format version, the content's length (big-endian
// 64-bit), the SHA-256 of the content, then the content.
constexpr char kMagic[4] = {'H', 'R', 'N', 'C'};
constexpr quint32 kFormatVersion = 1;
constexpr qsizetype kDigestBytes = 32;
constexpr qsizetype kHeaderBytes = 4 + 4 + 8 + kDigestBytes;
constexpr qsizetype kKeyHexLength = 64;
constexpr qsizetype kMaxAccountKeyLength = 128;
// Entries looked at per eviction step.
constexpr int kEvictionPage = 256;

QByteArray headerFor(QByteArrayView content)
{
    QByteArray header(kHeaderBytes, Qt::Uninitialized);
    char *out = header.data();
    std::copy(std::begin(kMagic), std::end(kMagic), out);
    qToBigEndian<quint32>(kFormatVersion, out + 4);
    qToBigEndian<quint64>(quint64(content.size()), out + 8);
    const QByteArray digest = QCryptographicHash::hash(content, QCryptographicHash::Sha256);
    std::copy(digest.cbegin(), digest.cend(), out + 16);
    return header;
}

bool isHexKey(const QString &key)
{
    if (key.size() != kKeyHexLength)
        return false;
    return std::all_of(key.cbegin(), key.cend(), [](QChar c) {
        return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'));
    });
}

Error invalidAccountKey()
{
    return makeError(Error::Code::InvalidInput,
                     QStringLiteral("The account key may only hold letters, digits and dashes."));
}

}  // namespace

ContentCache::ContentCache(Store::Database &database, const QString &directory, const QByteArray &secretKey,
                           Options options)
    : m_database(database),
      m_directory(QDir::cleanPath(directory)),
      m_secretKey(secretKey),
      m_options(options)
{
}

bool ContentCache::isValidAccountKey(const QString &accountKey)
{
    if (accountKey.isEmpty() || accountKey.size() > kMaxAccountKeyLength)
        return false;
    return std::all_of(accountKey.cbegin(), accountKey.cend(), [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
               (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-');
    });
}

Result<QString> ContentCache::keyFor(const PartAddress &address) const
{
    if (m_secretKey.isEmpty())
        return makeError(Error::Code::InvalidInput, QStringLiteral("The content cache was given no secret key."));
    // The section is last and the numbers hold no '|', so distinct addresses never share a message.
    const QByteArray message = QByteArray::number(address.accountId) + '|' + QByteArray::number(address.folderId) +
                               '|' + QByteArray::number(address.uidValidity) + '|' + QByteArray::number(address.uid) +
                               '|' + address.section.toUtf8();
    const QByteArray mac = QMessageAuthenticationCode::hash(message, m_secretKey, QCryptographicHash::Sha256);
    return QString::fromLatin1(mac.toHex());
}

QString ContentCache::pathFor(const QString &accountKey, const QString &key) const
{
    return m_directory + QLatin1Char('/') + accountKey + QLatin1Char('/') + key.left(2) + QLatin1Char('/') + key;
}

Result<QString> ContentCache::filePathFor(const PartAddress &address) const
{
    if (!isValidAccountKey(address.accountKey))
        return invalidAccountKey();
    const Result<QString> key = keyFor(address);
    if (!key)
        return key.error();
    return pathFor(address.accountKey, *key);
}

QDateTime ContentCache::now() const
{
    return m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
}

void ContentCache::dropEntry(const QString &accountKey, const QString &key, const char *reason)
{
    qCWarning(lcSync, "Cached part %s is unusable (%s); it will be fetched again", qPrintable(key.left(12)), reason);
    if (isValidAccountKey(accountKey))
        QFile::remove(pathFor(accountKey, key));
    else
        removeFiles({key});
    const Result<bool> removed = Store::ContentIndex(m_database).remove({key});
    if (!removed)
        qCWarning(lcSync) << "Cannot drop a cache entry from the index:" << removed.error().message;
}

Result<std::optional<QByteArray>> ContentCache::read(const PartAddress &address)
{
    if (!isValidAccountKey(address.accountKey))
        return invalidAccountKey();
    const Result<QString> keyResult = keyFor(address);
    if (!keyResult)
        return keyResult.error();
    const QString &key = *keyResult;

    Store::ContentIndex index(m_database);
    const auto found = index.find(address.folderId, address.uidValidity, address.uid, address.section);
    if (!found)
        return found.error();
    if (!found->has_value()) {
        // A file without a row is left over from a write interrupted before the index knew it.
        QFile::remove(pathFor(address.accountKey, key));
        return std::optional<QByteArray>();
    }
    const Store::ContentCacheEntry &entry = **found;
    if (entry.key != key) {
        // Written under another secret key or account: unreachable by name, so it goes.
        dropEntry(QString(), entry.key, "stale key");
        return std::optional<QByteArray>();
    }

    QFile file(pathFor(address.accountKey, key));
    if (!file.open(QIODevice::ReadOnly)) {
        dropEntry(address.accountKey, key, "file missing");
        return std::optional<QByteArray>();
    }
    const QByteArray header = file.read(kHeaderBytes);
    if (header.size() != kHeaderBytes || !QByteArrayView(header).startsWith(QByteArrayView(kMagic, 4)) ||
        qFromBigEndian<quint32>(header.constData() + 4) != kFormatVersion) {
        dropEntry(address.accountKey, key, "bad header");
        return std::optional<QByteArray>();
    }
    const quint64 length = qFromBigEndian<quint64>(header.constData() + 8);
    if (length > quint64(m_options.maxEntryBytes) || qint64(length) != file.size() - kHeaderBytes) {
        dropEntry(address.accountKey, key, "wrong length");
        return std::optional<QByteArray>();
    }
    QByteArray content = file.read(qint64(length));
    if (quint64(content.size()) != length ||
        QCryptographicHash::hash(content, QCryptographicHash::Sha256) != header.mid(16, kDigestBytes)) {
        dropEntry(address.accountKey, key, "checksum mismatch");
        return std::optional<QByteArray>();
    }

    const Result<bool> touched = index.touch(key, now());
    if (!touched)
        qCWarning(lcSync) << "Cannot record the use of a cached part:" << touched.error().message;
    return std::optional<QByteArray>(std::move(content));
}

Result<QString> ContentCache::write(const PartAddress &address, QByteArrayView content)
{
    if (!isValidAccountKey(address.accountKey))
        return invalidAccountKey();
    if (content.size() > m_options.maxEntryBytes) {
        return makeError(Error::Code::LimitExceeded,
                         QStringLiteral("The part is %1 MiB; the content cache keeps parts of up to %2 MiB.")
                                 .arg(content.size() >> 20)
                                 .arg(m_options.maxEntryBytes >> 20));
    }
    const Result<QString> keyResult = keyFor(address);
    if (!keyResult)
        return keyResult.error();
    const QString &key = *keyResult;

    Store::ContentIndex index(m_database);
    // The index allows one entry per (folder, UIDVALIDITY, UID, section); an older one under
    // another key would block this one.
    const auto found = index.find(address.folderId, address.uidValidity, address.uid, address.section);
    if (!found)
        return found.error();
    if (found->has_value() && (*found)->key != key)
        dropEntry(QString(), (*found)->key, "stale key");

    const QString path = pathFor(address.accountKey, key);
    const QString directory = path.left(path.lastIndexOf(QLatin1Char('/')));
    if (!QDir().mkpath(directory))
        return makeError(Error::Code::Io, QStringLiteral("Cannot create the cache folder %1.").arg(directory));

    // QSaveFile writes a temporary file in the same folder, syncs it to disk on commit and
    // renames it over the final name: a reader sees the old file or the whole new one.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot write to the content cache: %1").arg(file.errorString()));
    const QByteArray header = headerFor(content);
    if (file.write(header) != header.size() || file.write(content.data(), content.size()) != content.size() ||
        !file.commit()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return makeError(Error::Code::Io, QStringLiteral("Cannot write to the content cache: %1").arg(reason));
    }

    Store::ContentCacheEntry entry;
    entry.key = key;
    entry.accountId = address.accountId;
    entry.folderId = address.folderId;
    entry.uidValidity = address.uidValidity;
    entry.uid = address.uid;
    entry.section = address.section;
    entry.size = content.size();
    entry.lastAccess = now();
    const Result<bool> recorded = index.record(entry);
    if (!recorded) {
        QFile::remove(path);
        return recorded.error();
    }

    const Result<int> evicted = evictExcept(key);
    if (!evicted)
        qCWarning(lcSync) << "Cannot evict from the content cache:" << evicted.error().message;
    return key;
}

std::pair<qint64, qint64> ContentCache::freeSpace() const
{
    if (m_freeSpaceProbe)
        return m_freeSpaceProbe();
    const QStorageInfo storage(m_directory);
    if (!storage.isValid() || !storage.isReady())
        return {0, 0};
    return {storage.bytesAvailable(), storage.bytesTotal()};
}

Result<int> ContentCache::evict()
{
    return evictExcept(QString());
}

Result<int> ContentCache::evictExcept(const QString &keepKey)
{
    Store::ContentIndex index(m_database);
    int removedCount = 0;
    for (;;) {
        const Result<qint64> total = index.totalSize();
        if (!total)
            return total.error();
        qint64 needed = *total - m_options.maxBytes;
        if (m_options.minFreeFraction > 0) {
            const auto [available, capacity] = freeSpace();
            if (capacity > 0) {
                const auto wanted = qint64(std::ceil(m_options.minFreeFraction * double(capacity)));
                needed = std::max(needed, wanted - available);
            }
        }
        if (needed <= 0)
            return removedCount;

        const Result<QList<Store::ContentCacheEntry>> page = index.leastRecentlyUsed(kEvictionPage);
        if (!page)
            return page.error();
        // Oldest first, just enough to cover what is needed; the free space is measured again
        // after each step since file system blocks make the sizes only an estimate.
        QStringList victims;
        qint64 freed = 0;
        for (const Store::ContentCacheEntry &entry : *page) {
            if (entry.key == keepKey)
                continue;
            victims.append(entry.key);
            freed += entry.size;
            if (freed >= needed)
                break;
        }
        if (victims.isEmpty())
            return removedCount;  // nothing left but the entry just written
        // Files first: a row without its file is a miss, a file without a row would be lost space.
        removeFiles(victims);
        const Result<bool> removed = index.remove(victims);
        if (!removed)
            return removed.error();
        removedCount += int(victims.size());
        qCDebug(lcSync) << "Evicted" << victims.size() << "cached parts," << freed << "bytes";
    }
}

void ContentCache::removeFiles(const QStringList &keys) const
{
    const QDir root(m_directory);
    const QStringList accounts = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &account : accounts) {
        if (!isValidAccountKey(account))
            continue;
        for (const QString &key : keys) {
            const QString path = pathFor(account, key);
            if (QFile::exists(path) && !QFile::remove(path))
                qCWarning(lcSync) << "Cannot delete the cached part" << key.left(12);
        }
    }
}

Result<bool> ContentCache::removeKeys(const QStringList &keys)
{
    for (const QString &key : keys) {
        if (!isHexKey(key))
            return makeError(Error::Code::InvalidInput,
                             QStringLiteral("Not a content cache key: %1").arg(key.left(80)));
    }
    if (keys.isEmpty())
        return true;
    removeFiles(keys);
    return Store::ContentIndex(m_database).remove(keys);
}

Result<bool> ContentCache::removeAccount(const QString &accountKey)
{
    if (!isValidAccountKey(accountKey))
        return invalidAccountKey();
    // Rows first: a row whose file is gone is only a miss.
    const Result<qint64> accountId = Store::AccountStore(m_database).idForKey(accountKey);
    if (!accountId)
        return accountId.error();
    if (*accountId > 0) {
        const Result<int> removed = Store::ContentIndex(m_database).removeAccount(*accountId);
        if (!removed)
            return removed.error();
    }
    QDir directory(m_directory + QLatin1Char('/') + accountKey);
    if (directory.exists() && !directory.removeRecursively())
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot delete the cached content in %1.").arg(directory.path()));
    return true;
}

}  // namespace Heron::Sync
