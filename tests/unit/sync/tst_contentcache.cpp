// SPDX-License-Identifier: GPL-3.0-or-later
// The content cache: round trips, file names that never carry a server string, damaged files
// read as misses, LRU eviction under the size cap and the free-space threshold (never the entry
// just written), the entry size limit at and past it, removal by key and by account.
#include "store/accountstore.h"
#include "store/contentindex.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "sync/contentcache.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Heron;
using namespace Heron::Sync;

namespace {

const QByteArray kSecret = QByteArrayLiteral("0123456789abcdef0123456789abcdef");

QByteArray content(qsizetype size, char seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + seed) & 0xff);
    return bytes;
}

template <typename T>
QString errorOf(const Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

}  // namespace

#define VERIFY_OK(expr)                                                                                                \
    do {                                                                                                               \
        const auto &verifyOkResult = (expr);                                                                           \
        QVERIFY2(verifyOkResult.ok(), qPrintable(errorOf(verifyOkResult)));                                            \
    } while (false)

class TestContentCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void writeThenReadRoundTrips();
    void fileNamesAreKeyedHexOnly();
    void hostileAccountKeyIsRefused_data();
    void hostileAccountKeyIsRefused();
    void damagedFileIsAMiss_data();
    void damagedFileIsAMiss();
    void entryUnderAnotherSecretIsAMiss();
    void evictsLeastRecentlyUsedOverTheCap();
    void evictsWhileFreeSpaceIsLow();
    void neverEvictsTheEntryJustWritten();
    void entrySizeLimit();
    void removeKeysAfterUidValidityReset();
    void removeAccountDeletesItsDirectoryAndRows();

private:
    PartAddress address(quint32 uid, const QString &section = QStringLiteral("1")) const;
    std::unique_ptr<ContentCache> makeCache(ContentCache::Options options, const QByteArray &secret = kSecret);
    bool indexed(const PartAddress &address) const;
    qint64 indexedTotal() const;
    QString cacheDir() const { return m_dir->filePath(QStringLiteral("cache")); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_db;
    qint64 m_account = 0;
    qint64 m_folder = 0;
    QDateTime m_now;
};

void TestContentCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = Store::Database::open(m_dir->filePath(QStringLiteral("heron.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(errorOf(opened)));
    m_db = std::move(opened.value());
    auto account = Store::AccountStore(*m_db).add(QStringLiteral("acct"), QStringLiteral("Alice"));
    QVERIFY2(account.ok(), qPrintable(errorOf(account)));
    m_account = *account;
    auto folders = Store::FolderStore(*m_db).upsertFolders(m_account, {{QStringLiteral("INBOX"), QStringLiteral("/")}});
    QVERIFY2(folders.ok(), qPrintable(errorOf(folders)));
    m_folder = folders->at(0);
    m_now = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
}

void TestContentCache::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

PartAddress TestContentCache::address(quint32 uid, const QString &section) const
{
    PartAddress a;
    a.accountId = m_account;
    a.accountKey = QStringLiteral("acct");
    a.folderId = m_folder;
    a.uidValidity = 1234;
    a.uid = uid;
    a.section = section;
    return a;
}

std::unique_ptr<ContentCache> TestContentCache::makeCache(ContentCache::Options options, const QByteArray &secret)
{
    auto cache = std::make_unique<ContentCache>(*m_db, cacheDir(), secret, options);
    // Each use one second after the previous one, so that the LRU order is the order of the calls.
    cache->setClock([this] {
        m_now = m_now.addSecs(1);
        return m_now;
    });
    if (options.minFreeFraction > 0)
        cache->setFreeSpaceProbe([] { return std::pair<qint64, qint64>(1000000, 1000000); });
    return cache;
}

bool TestContentCache::indexed(const PartAddress &a) const
{
    const auto found = Store::ContentIndex(*m_db).find(a.folderId, a.uidValidity, a.uid, a.section);
    return found.ok() && found->has_value();
}

qint64 TestContentCache::indexedTotal() const
{
    const auto total = Store::ContentIndex(*m_db).totalSize();
    return total.ok() ? *total : -1;
}

void TestContentCache::writeThenReadRoundTrips()
{
    auto cache = makeCache({});
    const QByteArray bytes = content(70000, 3) + QByteArray("\0\r\n\xff", 4);
    const auto key = cache->write(address(7), bytes);
    VERIFY_OK(key);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(*key).hasMatch());
    QCOMPARE(*key, cache->keyFor(address(7)).value());

    const auto read = cache->read(address(7));
    VERIFY_OK(read);
    QVERIFY(read->has_value());
    QCOMPARE(read->value(), bytes);
    QCOMPARE(indexedTotal(), bytes.size());

    // An empty part is content too; a part never written is a miss.
    VERIFY_OK(cache->write(address(8, QString()), QByteArray()));
    const auto empty = cache->read(address(8, QString()));
    VERIFY_OK(empty);
    QVERIFY(empty->has_value());
    QVERIFY(empty->value().isEmpty());
    const auto missing = cache->read(address(9));
    VERIFY_OK(missing);
    QVERIFY(!missing->has_value());

    // Writing again replaces the content.
    VERIFY_OK(cache->write(address(7), QByteArrayLiteral("new")));
    QCOMPARE(cache->read(address(7)).value().value(), QByteArrayLiteral("new"));
    QCOMPARE(indexedTotal(), 3);
}

void TestContentCache::fileNamesAreKeyedHexOnly()
{
    auto cache = makeCache({});
    const QStringList sections = {QStringLiteral("1"),
                                  QStringLiteral("../../etc/passwd"),
                                  QStringLiteral("/tmp/x"),
                                  QStringLiteral("a\\b"),
                                  QStringLiteral("TEXT"),
                                  QString(),
                                  QString::fromUtf8("\xc3\xa4\xe2\x80\x8f"),
                                  QStringLiteral("1\n2")};
    QSet<QString> keys;
    for (const QString &section : sections) {
        const auto key = cache->write(address(1, section), section.toUtf8() + "!");
        VERIFY_OK(key);
        keys.insert(*key);
        QCOMPARE(cache->read(address(1, section)).value().value(), section.toUtf8() + "!");
    }
    QCOMPARE(keys.size(), sections.size());

    const QRegularExpression shape(QStringLiteral("^acct/[0-9a-f]{2}/[0-9a-f]{64}$"));
    QDirIterator files(cacheDir(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    int count = 0;
    while (files.hasNext()) {
        const QString relative = QDir(cacheDir()).relativeFilePath(files.next());
        QVERIFY2(shape.match(relative).hasMatch(), qPrintable(relative));
        QVERIFY(keys.contains(relative.section(QLatin1Char('/'), -1)));
        QCOMPARE(relative.section(QLatin1Char('/'), 1, 1), relative.section(QLatin1Char('/'), -1).left(2));
        ++count;
    }
    QCOMPARE(count, sections.size());
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("etc"))));

    // The name depends on the secret: another key names another file.
    auto other = makeCache({}, QByteArrayLiteral("another secret"));
    QVERIFY(other->keyFor(address(1)).value() != cache->keyFor(address(1)).value());
    // And on every part of the address.
    PartAddress changed = address(1);
    changed.uidValidity = 1235;
    QVERIFY(cache->keyFor(changed).value() != cache->keyFor(address(1)).value());
}

void TestContentCache::hostileAccountKeyIsRefused_data()
{
    QTest::addColumn<QString>("accountKey");
    QTest::newRow("empty") << QString();
    QTest::newRow("parent") << QStringLiteral("..");
    QTest::newRow("traversal") << QStringLiteral("../other");
    QTest::newRow("slash") << QStringLiteral("a/b");
    QTest::newRow("dot") << QStringLiteral("acct.old");
    QTest::newRow("space") << QStringLiteral("a b");
    QTest::newRow("non-ascii") << QString::fromUtf8("\xc3\xa4");
    QTest::newRow("too long") << QString(129, QLatin1Char('a'));
}

void TestContentCache::hostileAccountKeyIsRefused()
{
    QFETCH(QString, accountKey);
    auto cache = makeCache({});
    PartAddress a = address(1);
    a.accountKey = accountKey;
    const auto written = cache->write(a, "x");
    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, Error::Code::InvalidInput);
    const auto read = cache->read(a);
    QVERIFY(!read.ok());
    QCOMPARE(cache->removeAccount(accountKey).error().code, Error::Code::InvalidInput);
    QVERIFY(!indexed(a));
    QVERIFY(!QDir(cacheDir()).exists() || QDir(cacheDir()).isEmpty());
}

void TestContentCache::damagedFileIsAMiss_data()
{
    QTest::addColumn<QString>("damage");
    QTest::newRow("content byte flipped") << QStringLiteral("flip-content");
    QTest::newRow("last byte flipped") << QStringLiteral("flip-last");
    QTest::newRow("magic flipped") << QStringLiteral("flip-magic");
    QTest::newRow("digest flipped") << QStringLiteral("flip-digest");
    QTest::newRow("truncated") << QStringLiteral("truncate");
    QTest::newRow("shorter than the header") << QStringLiteral("truncate-header");
    QTest::newRow("emptied") << QStringLiteral("empty");
    QTest::newRow("byte appended") << QStringLiteral("append");
    QTest::newRow("deleted") << QStringLiteral("delete");
    QTest::newRow("replaced by a folder") << QStringLiteral("directory");
}

void TestContentCache::damagedFileIsAMiss()
{
    QFETCH(QString, damage);
    auto cache = makeCache({});
    const QByteArray bytes = content(5000, 9);
    VERIFY_OK(cache->write(address(3), bytes));
    VERIFY_OK(cache->write(address(4), bytes));  // a neighbour that must not suffer
    const QString path = cache->filePathFor(address(3)).value();
    QVERIFY(QFile::exists(path));

    QFile file(path);
    if (damage == QLatin1String("delete")) {
        QVERIFY(file.remove());
    } else if (damage == QLatin1String("directory")) {
        QVERIFY(file.remove());
        QVERIFY(QDir().mkpath(path));
    } else {
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray raw = file.readAll();
        if (damage == QLatin1String("flip-content"))
            raw[100] = char(raw[100] ^ 0x01);
        else if (damage == QLatin1String("flip-last"))
            raw[raw.size() - 1] = char(raw[raw.size() - 1] ^ 0x80);
        else if (damage == QLatin1String("flip-magic"))
            raw[0] = 'X';
        else if (damage == QLatin1String("flip-digest"))
            raw[20] = char(raw[20] ^ 0x10);
        else if (damage == QLatin1String("truncate"))
            raw.chop(1);
        else if (damage == QLatin1String("truncate-header"))
            raw.truncate(10);
        else if (damage == QLatin1String("empty"))
            raw.clear();
        else if (damage == QLatin1String("append"))
            raw.append('x');
        QVERIFY(file.resize(0));
        QVERIFY(file.seek(0));
        QCOMPARE(file.write(raw), raw.size());
        file.close();
    }

    const auto read = cache->read(address(3));
    VERIFY_OK(read);
    QVERIFY(!read->has_value());
    QVERIFY(!indexed(address(3)));
    if (damage != QLatin1String("directory"))
        QVERIFY(!QFile::exists(path));
    QCOMPARE(cache->read(address(4)).value().value(), bytes);

    // Fetched again: written anew, it reads back.
    if (damage == QLatin1String("directory"))
        QVERIFY(QDir(path).removeRecursively());
    VERIFY_OK(cache->write(address(3), bytes));
    QCOMPARE(cache->read(address(3)).value().value(), bytes);
}

void TestContentCache::entryUnderAnotherSecretIsAMiss()
{
    auto first = makeCache({});
    VERIFY_OK(first->write(address(5), "old"));
    const QString oldPath = first->filePathFor(address(5)).value();

    auto second = makeCache({}, QByteArrayLiteral("a new secret"));
    const auto read = second->read(address(5));
    VERIFY_OK(read);
    QVERIFY(!read->has_value());
    QVERIFY(!indexed(address(5)));
    QVERIFY(!QFile::exists(oldPath));
    VERIFY_OK(second->write(address(5), "new"));
    QCOMPARE(second->read(address(5)).value().value(), QByteArrayLiteral("new"));

    // A secret is required.
    auto keyless = makeCache({}, QByteArray());
    QCOMPARE(keyless->write(address(6), "x").error().code, Error::Code::InvalidInput);
}

void TestContentCache::evictsLeastRecentlyUsedOverTheCap()
{
    ContentCache::Options options;
    options.maxBytes = 10 * 1024;
    options.minFreeFraction = 0;
    auto cache = makeCache(options);

    VERIFY_OK(cache->write(address(1), content(3000, 1)));
    VERIFY_OK(cache->write(address(2), content(3000, 2)));
    VERIFY_OK(cache->write(address(3), content(3000, 3)));
    QCOMPARE(indexedTotal(), 9000);
    // Reading 1 makes 2 the least recently used.
    QVERIFY(cache->read(address(1)).value().has_value());

    VERIFY_OK(cache->write(address(4), content(3000, 4)));
    QVERIFY(!indexed(address(2)));
    QVERIFY(!QFile::exists(cache->filePathFor(address(2)).value()));
    QVERIFY(indexed(address(1)));
    QVERIFY(indexed(address(3)));
    QVERIFY(indexed(address(4)));
    QCOMPARE(indexedTotal(), 9000);

    // At the cap exactly nothing goes; one byte past it the oldest use (3) goes.
    VERIFY_OK(cache->write(address(5), content(1240, 5)));
    QCOMPARE(indexedTotal(), 10240);
    QVERIFY(indexed(address(3)));
    VERIFY_OK(cache->write(address(6), content(1, 6)));
    QVERIFY(!indexed(address(3)));
    QCOMPARE(indexedTotal(), 7241);
    for (quint32 uid : {1u, 4u, 5u, 6u})
        QVERIFY2(cache->read(address(uid)).value().has_value(), qPrintable(QString::number(uid)));

    // Nothing over the cap: evict() removes nothing.
    QCOMPARE(cache->evict().value(), 0);
}

void TestContentCache::evictsWhileFreeSpaceIsLow()
{
    ContentCache::Options options;
    options.minFreeFraction = 0.15;
    auto cache = makeCache(options);
    // A disk of 100,000 bytes where everything but the cache leaves 60,000 free.
    Store::Database *db = m_db.get();
    int probes = 0;
    cache->setFreeSpaceProbe([db, &probes] {
        ++probes;
        const qint64 used = Store::ContentIndex(*db).totalSize().value();
        return std::pair<qint64, qint64>(60000 - used, 100000);
    });

    for (quint32 uid = 1; uid <= 9; ++uid)
        VERIFY_OK(cache->write(address(uid), content(5000, char(uid))));
    // 15,000 free is 15 %: not under the threshold, nothing evicted.
    QCOMPARE(indexedTotal(), 45000);
    QVERIFY(cache->read(address(1)).value().has_value());  // 2 is now the oldest use

    VERIFY_OK(cache->write(address(10), content(5000, 10)));
    // 10 % free: the oldest use goes, which brings it back to 15 %.
    QCOMPARE(indexedTotal(), 45000);
    QVERIFY(!indexed(address(2)));
    for (quint32 uid : {1u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u})
        QVERIFY(indexed(address(uid)));
    QVERIFY(probes > 0);

    // 12,000 bytes more leave 3,000 free, 12,000 short of 15 %: the three oldest uses go.
    VERIFY_OK(cache->write(address(11), content(12000, 11)));
    QCOMPARE(indexedTotal(), 42000);
    QVERIFY(!indexed(address(3)));
    QVERIFY(!indexed(address(4)));
    QVERIFY(!indexed(address(5)));
    QVERIFY(indexed(address(6)));
    QVERIFY(indexed(address(1)));

    // A fixed probe at 10 % free can never be satisfied: evict() empties the cache.
    cache->setFreeSpaceProbe([] { return std::pair<qint64, qint64>(10, 100); });
    const auto evicted = cache->evict();
    VERIFY_OK(evicted);
    QCOMPARE(*evicted, 7);
    QCOMPARE(indexedTotal(), 0);
    QDirIterator files(cacheDir(), QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(!files.hasNext());

    // minFreeFraction 0 turns the threshold off.
    ContentCache::Options off;
    off.minFreeFraction = 0;
    auto relaxed = makeCache(off);
    relaxed->setFreeSpaceProbe([] { return std::pair<qint64, qint64>(0, 100); });
    VERIFY_OK(relaxed->write(address(20), "a"));
    VERIFY_OK(relaxed->write(address(21), "b"));
    QVERIFY(indexed(address(20)));
}

void TestContentCache::neverEvictsTheEntryJustWritten()
{
    ContentCache::Options options;
    options.maxBytes = 10 * 1024;
    options.minFreeFraction = 0;
    auto cache = makeCache(options);
    VERIFY_OK(cache->write(address(1), content(4000, 1)));
    VERIFY_OK(cache->write(address(2), content(4000, 2)));
    // Bigger than the cap on its own: everything else goes, it stays.
    const QByteArray big = content(11 * 1024, 3);
    VERIFY_OK(cache->write(address(3), big));
    QVERIFY(!indexed(address(1)));
    QVERIFY(!indexed(address(2)));
    QCOMPARE(cache->read(address(3)).value().value(), big);
    QCOMPARE(indexedTotal(), big.size());

    // The same under a disk that is full whatever is removed.
    ContentCache::Options full;
    full.minFreeFraction = 0.15;
    auto starved = makeCache(full);
    starved->setFreeSpaceProbe([] { return std::pair<qint64, qint64>(0, 1000000); });
    VERIFY_OK(starved->write(address(4), "kept"));
    QVERIFY(!indexed(address(3)));
    QCOMPARE(starved->read(address(4)).value().value(), QByteArrayLiteral("kept"));
}

void TestContentCache::entrySizeLimit()
{
    ContentCache::Options options;
    options.maxEntryBytes = 4096;
    options.minFreeFraction = 0;
    auto cache = makeCache(options);
    QCOMPARE(ContentCache::kMaxEntryBytes, qint64(512) << 20);
    QCOMPARE(ContentCache::Options().maxEntryBytes, ContentCache::kMaxEntryBytes);

    const QByteArray atLimit = content(4096, 1);
    VERIFY_OK(cache->write(address(1), atLimit));
    QCOMPARE(cache->read(address(1)).value().value(), atLimit);

    const auto past = cache->write(address(2), content(4097, 2));
    QVERIFY(!past.ok());
    QCOMPARE(past.error().code, Error::Code::LimitExceeded);
    QVERIFY(!indexed(address(2)));
    QVERIFY(!QFile::exists(cache->filePathFor(address(2)).value()));
}

void TestContentCache::removeKeysAfterUidValidityReset()
{
    auto cache = makeCache({});
    QStringList keys;
    for (quint32 uid = 1; uid <= 3; ++uid)
        keys.append(cache->write(address(uid), content(100, char(uid))).value());

    const auto removed = cache->removeKeys(keys.mid(0, 2));
    VERIFY_OK(removed);
    QVERIFY(!indexed(address(1)));
    QVERIFY(!indexed(address(2)));
    QVERIFY(!QFile::exists(cache->filePathFor(address(1)).value()));
    QVERIFY(!QFile::exists(cache->filePathFor(address(2)).value()));
    QVERIFY(cache->read(address(3)).value().has_value());

    // Anything but a key is refused before touching anything.
    QCOMPARE(cache->removeKeys({keys.at(2), QStringLiteral("../../etc/passwd")}).error().code,
             Error::Code::InvalidInput);
    QVERIFY(indexed(address(3)));
    VERIFY_OK(cache->removeKeys({}));

    // The store drops the folder's rows on a UIDVALIDITY change and hands the keys over.
    const auto reset = Store::FolderStore(*m_db).resetForUidValidity(m_folder, 999);
    VERIFY_OK(reset);
    QCOMPARE(*reset, QStringList{keys.at(2)});
    VERIFY_OK(cache->removeKeys(*reset));
    QVERIFY(!QFile::exists(cache->filePathFor(address(3)).value()));
    QDirIterator files(cacheDir(), QDir::Files, QDirIterator::Subdirectories);
    QVERIFY(!files.hasNext());
}

void TestContentCache::removeAccountDeletesItsDirectoryAndRows()
{
    auto other = Store::AccountStore(*m_db).add(QStringLiteral("other-1"), QStringLiteral("Bob"));
    VERIFY_OK(other);
    auto folders = Store::FolderStore(*m_db).upsertFolders(*other, {{QStringLiteral("INBOX"), QStringLiteral("/")}});
    VERIFY_OK(folders);
    PartAddress bob = address(1);
    bob.accountId = *other;
    bob.accountKey = QStringLiteral("other-1");
    bob.folderId = folders->at(0);

    auto cache = makeCache({});
    VERIFY_OK(cache->write(address(1), "alice 1"));
    VERIFY_OK(cache->write(address(2), "alice 2"));
    VERIFY_OK(cache->write(bob, "bob 1"));

    VERIFY_OK(cache->removeAccount(QStringLiteral("acct")));
    QVERIFY(!QFile::exists(QDir(cacheDir()).filePath(QStringLiteral("acct"))));
    QVERIFY(!indexed(address(1)));
    QVERIFY(!indexed(address(2)));
    QCOMPARE(indexedTotal(), 5);
    QCOMPARE(cache->read(bob).value().value(), QByteArrayLiteral("bob 1"));

    // Again, and for an account with nothing cached: nothing to do, no error.
    VERIFY_OK(cache->removeAccount(QStringLiteral("acct")));
    VERIFY_OK(cache->removeAccount(QStringLiteral("never-seen")));
}

QTEST_GUILESS_MAIN(TestContentCache)
#include "tst_contentcache.moc"
