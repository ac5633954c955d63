// SPDX-License-Identifier: GPL-3.0-or-later
// Database: creation, forward-only migrations, refusal of newer and foreign files, WAL and
// pragmas, unclean-shutdown integrity checks, per-thread connections, cascades, durability.
#include "store/accountstore.h"
#include "store/contentindex.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"
#include "store/sqlitestatement.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace Heron;
using namespace Heron::Store;

namespace {

QVariant scalar(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next()) {
        qWarning() << "query failed" << sql << query.lastError().text();
        return {};
    }
    return query.value(0);
}

// Runs statements on a plain connection of our own, as another program (or an older Heron) would.
bool rawExec(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("raw-%1").arg(reinterpret_cast<quintptr>(&statements));
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString &statement : statements) {
            if (!ok)
                break;
            QSqlQuery query(db);
            ok = query.exec(statement);
            if (!ok)
                qWarning() << "statement failed" << statement.left(120) << query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

MessageMetadata message(quint32 uid, const QString &subject)
{
    MessageMetadata m;
    m.uid = uid;
    m.subject = subject;
    m.from = {{QStringLiteral("Alice"), QStringLiteral("alice@example.org")}};
    m.date = QDateTime::fromSecsSinceEpoch(1700000000 + uid, Qt::UTC);
    m.internalDate = m.date;
    m.size = 1000 + uid;
    m.parts = {{QStringLiteral("2"),
                QStringLiteral("application/pdf"),
                {},
                QStringLiteral("base64"),
                QStringLiteral("attachment"),
                QStringLiteral("a.pdf"),
                {},
                42,
                true}};
    return m;
}

// Made-up later steps, numbered after the real ones.
Migration addThreadColumn()
{
    return {Migrations::latestVersion() + 1,
            {QStringLiteral("ALTER TABLE messages ADD COLUMN thread_id INTEGER"),
             QStringLiteral("CREATE INDEX messages_thread ON messages(thread_id)")}};
}

// SQLite's table-rebuild recipe (https://sqlite.org/lang_altertable.html, "otheralter"), as a
// real later step would use it.
Migration rebuildAccounts()
{
    Migration migration{Migrations::latestVersion() + 2,
                        {QStringLiteral("CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, account_key TEXT NOT NULL "
                                        "UNIQUE, display_name TEXT NOT NULL DEFAULT '', settings TEXT NOT NULL "
                                        "DEFAULT '{}', colour TEXT NOT NULL DEFAULT '')"),
                         QStringLiteral("INSERT INTO accounts_new (id, account_key, display_name, settings) "
                                        "SELECT id, account_key, display_name, settings FROM accounts"),
                         QStringLiteral("DROP TABLE accounts"),
                         QStringLiteral("ALTER TABLE accounts_new RENAME TO accounts")},
                        true};
    return migration;
}

}  // namespace

class TestDatabase : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void freshStoreIsAtLatestVersion();
    void walForeignKeysAndNormalSynchronous();
    void walFileIsCutBackByAnIdleCheckpoint();
    void earlierVersionFileIsMigrated_data();
    void earlierVersionFileIsMigrated();
    void appendedMigrationsRunInOrderAndKeepData();
    void failedMigrationKeepsPreviousVersion();
    void newerStoreIsRefused();
    void foreignSqliteFileIsRefused();
    void cleanShutdownSkipsIntegrityCheck();
    void uncleanShutdownRunsIntegrityCheck();
    void damagedStoreAfterUncleanShutdownIsRefused();
    void journalTransactionsAreFullySynchronous();
    void accountRemovalCascades();
    void threadReadsWhileMainThreadWrites();
    void statementOnDriverHandleBindsAndRebinds();
    void statementKeepsEachBoundValue();
    void statementErrorNamesItsContext();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString storePath() const { return m_dir->filePath(QStringLiteral("store/heron.sqlite")); }
};

void TestDatabase::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestDatabase::freshStoreIsAtLatestVersion()
{
    auto opened = Database::open(storePath());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    Database &db = *opened.value();
    QCOMPARE(db.schemaVersion(), Migrations::latestVersion());
    QVERIFY(!db.recoveredFromUncleanShutdown());
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT max(version) FROM schema_migrations")).toInt(),
             Migrations::latestVersion());
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT count(*) FROM schema_migrations")).toInt(),
             Migrations::all().size());
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT value FROM store_meta WHERE key = 'clean_shutdown'"))
                     .toString(),
             QStringLiteral("0"));
}

void TestDatabase::walForeignKeysAndNormalSynchronous()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    const QSqlDatabase db = opened.value()->connection();
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    QCOMPARE(scalar(db, QStringLiteral("PRAGMA synchronous")).toInt(), 1);  // NORMAL
    QVERIFY(db.connectionName().startsWith(QStringLiteral("heron-store-")));

    // Foreign keys are enforced, not just declared.
    QSqlQuery query(db);
    QVERIFY(!query.exec(QStringLiteral("INSERT INTO folders (account_id, path) VALUES (12345, 'INBOX')")));
}

// A long run of writes grows the write-ahead log; once checkpointed, the next write starts it
// over and cuts the file back to 32 MiB instead of keeping its largest size on disk.
void TestDatabase::walFileIsCutBackByAnIdleCheckpoint()
{
    constexpr qint64 kLimit = 32 * 1024 * 1024;
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    Database &database = *opened.value();
    const QSqlDatabase db = database.connection();
    QSqlQuery query(db);
    QVERIFY(query.exec(QStringLiteral("CREATE TABLE bulk (data BLOB)")));
    QVERIFY(db.driver()->beginTransaction());
    QVERIFY(query.prepare(QStringLiteral("INSERT INTO bulk (data) VALUES (zeroblob(1048576))")));
    for (int i = 0; i < 40; ++i)
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    QVERIFY(db.driver()->commitTransaction());
    const QString wal = storePath() + QStringLiteral("-wal");
    QVERIFY2(QFileInfo(wal).size() > kLimit, qPrintable(QString::number(QFileInfo(wal).size())));

    // A reader in the log: the checkpoint copies what it can and does not wait to start the log
    // over; the next one, with the reader gone, does.
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("reader"));
        other.setDatabaseName(storePath());
        QVERIFY(other.open());
        QSqlQuery reading(other);
        reading.setForwardOnly(true);
        QVERIFY(reading.exec(QStringLiteral("SELECT rowid FROM bulk")) && reading.next());
        QElapsedTimer timer;
        timer.start();
        QVERIFY(database.checkpoint().ok());
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY2(QFileInfo(wal).size() > kLimit, qPrintable(QString::number(QFileInfo(wal).size())));
        reading.finish();
        other.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("reader"));
    QVERIFY(database.checkpoint().ok());
    QCOMPARE(QFileInfo(wal).size(), kLimit);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM bulk")).toInt(), 40);

    // No reader: the log is cut back to the limit by the checkpoint itself, not by the next write,
    // and that write goes into the space the file kept.
    QVERIFY(db.driver()->beginTransaction());
    QVERIFY(query.prepare(QStringLiteral("INSERT INTO bulk (data) VALUES (zeroblob(1048576))")));
    for (int i = 0; i < 40; ++i)
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    QVERIFY(db.driver()->commitTransaction());
    QVERIFY(QFileInfo(wal).size() > kLimit);
    QVERIFY(database.checkpoint().ok());
    QCOMPARE(QFileInfo(wal).size(), kLimit);
    QVERIFY(query.exec(QStringLiteral("INSERT INTO bulk (data) VALUES (x'00')")));
    QCOMPARE(QFileInfo(wal).size(), kLimit);
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM bulk")).toInt(), 81);
    QVERIFY(!scalar(db, QStringLiteral("SELECT value FROM store_meta WHERE key = 'last_checkpoint'")).isNull());
}

void TestDatabase::earlierVersionFileIsMigrated_data()
{
    QTest::addColumn<QString>("sqlFile");
    QString dataDir = qEnvironmentVariable("HERON_TEST_DATA");
    if (dataDir.isEmpty())
        dataDir = QFINDTESTDATA("../../data");
    const QDir dir(dataDir + QStringLiteral("/store"));
    const QStringList files = dir.entryList({QStringLiteral("schema-v*.sql")}, QDir::Files, QDir::Name);
    QVERIFY2(!files.isEmpty(), qPrintable(dir.path()));
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << dir.filePath(file);
}

// Each frozen store of an earlier schema (a SQL script, one statement per ";" line) opens,
// reaches the latest version and keeps its rows and its search index.
void TestDatabase::earlierVersionFileIsMigrated()
{
    QFETCH(QString, sqlFile);
    QFile file(sqlFile);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QStringList statements;
    for (const QString &chunk : QString::fromUtf8(file.readAll()).split(QStringLiteral("\n;\n"))) {
        if (!chunk.trimmed().isEmpty())
            statements.append(chunk);
    }
    QVERIFY(QDir().mkpath(QFileInfo(storePath()).absolutePath()));
    QVERIFY(rawExec(storePath(), statements));

    auto opened = Database::open(storePath());
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    Database &db = *opened.value();
    QCOMPARE(db.schemaVersion(), Migrations::latestVersion());

    FolderStore folders(db);
    MessageStore messages(db);
    auto accountFolders = folders.folders(1);
    QVERIFY(accountFolders.ok());
    QCOMPARE(accountFolders->size(), 1);
    const FolderRecord inbox = accountFolders->constFirst();
    QCOMPARE(inbox.listing.path, QStringLiteral("INBOX"));
    QCOMPARE(inbox.state.uidValidity, 1234u);
    QCOMPARE(inbox.state.uidNext, 3u);
    QCOMPARE(inbox.messageCount, 2);
    QCOMPARE(inbox.unreadCount, 1);
    auto found = messages.search(QStringLiteral("muller"));
    QVERIFY(found.ok());
    QCOMPARE(found->size(), 1);
    auto stored = messages.message(found->constFirst());
    QVERIFY(stored.ok());
    QCOMPARE(stored->from.constFirst().name, QStringLiteral("Jürgen Müller"));
    // The parts moved into their message's row (version 8) with every field.
    QCOMPARE(stored->parts.size(), 1);
    const MessagePart &report = stored->parts.constFirst();
    QCOMPARE(report.section, QStringLiteral("2"));
    QCOMPARE(report.mimeType, QStringLiteral("application/pdf"));
    QCOMPARE(report.encoding, QStringLiteral("base64"));
    QCOMPARE(report.disposition, QStringLiteral("attachment"));
    QCOMPARE(report.fileName, QStringLiteral("Bericht Q3.pdf"));
    QCOMPARE(report.size, 48000);
    QVERIFY(report.isAttachment);
    QVERIFY(stored->hasAttachments);
    // Message-IDs keyed in SQL by the migration are found by the key computed here.
    QCOMPARE(*messages.idsForMessageId(1, QStringLiteral("<q3@example.de>")), QList<qint64>{2});
    QVERIFY(messages.idsForMessageId(1, QStringLiteral("<q4@example.de>"))->isEmpty());
    // Both keys are in the table of version 11, that of a message waiting for the search index too.
    const QString keyed = QStringLiteral("SELECT group_concat(id) FROM (SELECT id FROM message_ids ORDER BY id)");
    QCOMPARE(scalar(db.connection(), keyed).toString(), QStringLiteral("1,2"));
    // The text of a cached body stays searchable across versions.
    auto bodyFound = messages.search(QStringLiteral("joining"));
    QVERIFY(bodyFound.ok());
    QCOMPARE(bodyFound.value(), QList<qint64>{1});
    QVERIFY(rawExec(storePath(), {}));  // still a valid SQLite file for other readers
    auto indexChecked = MessageStore(db).checkIndexes();
    QVERIFY2(indexChecked.ok(), qPrintable(indexChecked.ok() ? QString() : indexChecked.error().message));
}

void TestDatabase::appendedMigrationsRunInOrderAndKeepData()
{
    qint64 accountId = 0;
    qint64 folderId = 0;
    {
        auto opened = Database::open(storePath());
        QVERIFY(opened.ok());
        QCOMPARE(opened.value()->schemaVersion(), Migrations::latestVersion());
        accountId = *AccountStore(*opened.value()).add(QStringLiteral("acct"), QStringLiteral("Alice"));
        folderId = FolderStore(*opened.value()).upsertFolders(accountId, {{QStringLiteral("INBOX")}})->constFirst();
        SyncBatch batch;
        batch.messages = {message(1, QStringLiteral("kept across versions"))};
        QVERIFY(FolderStore(*opened.value()).applySyncBatch(folderId, batch).ok());
    }

    Database::Options later;
    later.migrations = Migrations::all();
    later.migrations << addThreadColumn() << rebuildAccounts();
    auto opened = Database::open(storePath(), later);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    Database &db = *opened.value();
    QCOMPARE(db.schemaVersion(), Migrations::latestVersion() + 2);
    QStringList versions;
    for (int v = 1; v <= Migrations::latestVersion() + 2; ++v)
        versions << QString::number(v);
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT group_concat(version) FROM schema_migrations")).toString(),
             versions.join(QLatin1Char(',')));
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT count(thread_id) FROM messages")).toInt(), 0);
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT colour FROM accounts")).toString(), QString());
    QCOMPARE(scalar(db.connection(), QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
    auto ids = MessageStore(db).search(QStringLiteral("versions"));
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), 1);

    // The rebuilt parent table still cascades.
    QVERIFY(AccountStore(db).remove(accountId).ok());
    QCOMPARE(scalar(db.connection(), QStringLiteral("SELECT count(*) FROM messages")).toInt(), 0);
}

void TestDatabase::failedMigrationKeepsPreviousVersion()
{
    {
        auto opened = Database::open(storePath());
        QVERIFY(opened.ok());
    }
    Database::Options broken;
    broken.migrations = Migrations::all();
    broken.migrations.append(
            {Migrations::latestVersion() + 1,
             {QStringLiteral("CREATE TABLE half_done (x)"), QStringLiteral("ALTER TABLE no_such_table ADD COLUMN y")}});
    auto failed = Database::open(storePath(), broken);
    QVERIFY(!failed.ok());
    QVERIFY2(failed.error().message.contains(QStringLiteral("schema %1").arg(Migrations::latestVersion() + 1)),
             qPrintable(failed.error().message));

    auto reopened = Database::open(storePath());
    QVERIFY(reopened.ok());
    QCOMPARE(reopened.value()->schemaVersion(), Migrations::latestVersion());
    QCOMPARE(scalar(reopened.value()->connection(),
                    QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"))
                     .toInt(),
             0);
}

void TestDatabase::newerStoreIsRefused()
{
    {
        auto opened = Database::open(storePath());
        QVERIFY(opened.ok());
    }
    QVERIFY(rawExec(storePath(), {QStringLiteral("INSERT INTO schema_migrations (version, applied) VALUES (999, 0)")}));
    auto refused = Database::open(storePath());
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::Unsupported);
    QVERIFY2(refused.error().message.contains(QStringLiteral("newer version of Heron")),
             qPrintable(refused.error().message));
    QVERIFY(refused.error().message.contains(QStringLiteral("999")));
}

void TestDatabase::foreignSqliteFileIsRefused()
{
    QVERIFY(QDir().mkpath(QFileInfo(storePath()).absolutePath()));
    QVERIFY(rawExec(storePath(), {QStringLiteral("PRAGMA application_id = 42"), QStringLiteral("CREATE TABLE t (x)")}));
    auto refused = Database::open(storePath());
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.contains(QStringLiteral("not a Heron mail store")),
             qPrintable(refused.error().message));

    QFile text(m_dir->filePath(QStringLiteral("notes.txt")));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write(QByteArray(8192, 'x'));
    text.close();
    auto notSqlite = Database::open(text.fileName());
    QVERIFY(!notSqlite.ok());
}

void TestDatabase::cleanShutdownSkipsIntegrityCheck()
{
    {
        auto opened = Database::open(storePath());
        QVERIFY(opened.ok());
    }
    QVERIFY(rawExec(storePath(), {}));
    auto reopened = Database::open(storePath());
    QVERIFY(reopened.ok());
    QVERIFY(!reopened.value()->recoveredFromUncleanShutdown());
}

void TestDatabase::uncleanShutdownRunsIntegrityCheck()
{
    {
        auto opened = Database::open(storePath());
        QVERIFY(opened.ok());
    }
    // The marker as a killed process leaves it: cleared at open, never set again.
    QVERIFY(rawExec(storePath(), {QStringLiteral("UPDATE store_meta SET value = '0' WHERE key = 'clean_shutdown'")}));
    {
        auto reopened = Database::open(storePath());
        QVERIFY(reopened.ok());
        QVERIFY(reopened.value()->recoveredFromUncleanShutdown());
    }
    auto again = Database::open(storePath());
    QVERIFY(again.ok());
    QVERIFY(!again.value()->recoveredFromUncleanShutdown());
}

void TestDatabase::damagedStoreAfterUncleanShutdownIsRefused()
{
    {
        auto opened = Database::open(storePath());
        QVERIFY(opened.ok());
        const qint64 account = *AccountStore(*opened.value()).add(QStringLiteral("acct"), QString());
        const qint64 folder = FolderStore(*opened.value()).upsertFolders(account, {{QStringLiteral("INBOX")}})->at(0);
        SyncBatch batch;
        for (quint32 uid = 1; uid <= 300; ++uid)
            batch.messages.append(message(uid, QStringLiteral("filler message %1").arg(uid)));
        QVERIFY(FolderStore(*opened.value()).applySyncBatch(folder, batch).ok());
    }
    QVERIFY(rawExec(storePath(), {QStringLiteral("UPDATE store_meta SET value = '0' WHERE key = 'clean_shutdown'"),
                                  QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")}));
    QFile file(storePath());
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 pageSize = 4096;
    QVERIFY(file.size() > 20 * pageSize);
    // Scribble over the pages of the messages table and its indexes, leaving the header intact.
    for (qint64 page = file.size() / pageSize / 2; page < file.size() / pageSize - 1; page += 2) {
        QVERIFY(file.seek(page * pageSize));
        file.write(QByteArray(64, '\x5a'));
    }
    file.close();

    auto refused = Database::open(storePath());
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.contains(storePath()), qPrintable(refused.error().message));
    // Refusing must not mark the store clean: the next attempt checks again.
    auto again = Database::open(storePath());
    QVERIFY(!again.ok());
}

void TestDatabase::journalTransactionsAreFullySynchronous()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    Database &db = *opened.value();
    {
        Transaction transaction(db, Durability::Full);
        QVERIFY(transaction.isActive());
        QCOMPARE(scalar(transaction.connection(), QStringLiteral("PRAGMA synchronous")).toInt(), 2);  // FULL
        QVERIFY(transaction.commit().ok());
    }
    QCOMPARE(scalar(db.connection(), QStringLiteral("PRAGMA synchronous")).toInt(), 1);

    const qint64 account = *AccountStore(db).add(QStringLiteral("acct"), QString());
    const quint64 full = db.fullCommitCount();
    OperationJournal journal(db);
    Operation operation;
    operation.accountId = account;
    operation.kind = Operation::Kind::Delete;
    auto id = journal.append(operation);
    QVERIFY(id.ok());
    QVERIFY(journal.markInFlight(*id).ok());
    QVERIFY(journal.markDone(*id).ok());
    QCOMPARE(db.fullCommitCount(), full + 3);
    QCOMPARE(scalar(db.connection(), QStringLiteral("PRAGMA synchronous")).toInt(), 1);
}

void TestDatabase::accountRemovalCascades()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    Database &db = *opened.value();
    AccountStore accounts(db);
    FolderStore folders(db);
    const qint64 gone = *accounts.add(QStringLiteral("gone"), QStringLiteral("Gone"));
    const qint64 kept = *accounts.add(QStringLiteral("kept"), QStringLiteral("Kept"));
    const QList<qint64> goneFolders = *folders.upsertFolders(gone,
                                                             {{QStringLiteral("INBOX")}, {QStringLiteral("Sent")}});
    const qint64 keptFolder = folders.upsertFolders(kept, {{QStringLiteral("INBOX")}})->at(0);
    for (qint64 folder : {goneFolders.at(0), goneFolders.at(1), keptFolder}) {
        SyncBatch batch;
        batch.messages = {message(1, QStringLiteral("zeppelin %1").arg(folder)), message(2, QStringLiteral("other"))};
        QVERIFY(folders.applySyncBatch(folder, batch).ok());
    }
    MessageStore messages(db);
    QVERIFY(messages.setBodyText(*messages.idForUid(goneFolders.at(0), 2), QStringLiteral("walrus")).ok());
    Operation operation;
    operation.accountId = gone;
    operation.folderId = goneFolders.at(0);
    QVERIFY(OperationJournal(db).append(operation).ok());
    QVERIFY(ContentIndex(db)
                    .record({QStringLiteral("ab12"), gone, goneFolders.at(0), 1, 2, QStringLiteral("1"), 10,
                             QDateTime::currentDateTimeUtc()})
                    .ok());

    QSignalSpy foldersRemoved(db.notifier(), &StoreNotifier::foldersRemoved);
    QSignalSpy accountsChanged(db.notifier(), &StoreNotifier::accountsChanged);
    QVERIFY(accounts.remove(gone).ok());
    QCOMPARE(foldersRemoved.size(), 1);
    QList<qint64> removed = foldersRemoved.at(0).at(0).value<QList<qint64>>();
    std::sort(removed.begin(), removed.end());
    QCOMPARE(removed, goneFolders);
    QCOMPARE(accountsChanged.size(), 1);

    const QSqlDatabase connection = db.connection();
    QCOMPARE(scalar(connection, QStringLiteral("SELECT count(*) FROM folders")).toInt(), 1);
    QCOMPARE(scalar(connection, QStringLiteral("SELECT count(*) FROM messages")).toInt(), 2);
    QCOMPARE(scalar(connection, QStringLiteral("SELECT sum(json_array_length(parts)) FROM messages")).toInt(), 2);
    // Indexed or waiting for the index: the two messages left, no row of a removed one.
    QCOMPARE(scalar(connection, QStringLiteral("SELECT (SELECT count(*) FROM message_search) "
                                               "+ (SELECT count(*) FROM search_pending)"))
                     .toInt(),
             2);
    QCOMPARE(scalar(connection, QStringLiteral("SELECT count(*) FROM search_pending "
                                               "WHERE id NOT IN (SELECT id FROM messages)"))
                     .toInt(),
             0);
    QCOMPARE(scalar(connection, QStringLiteral("SELECT count(*) FROM operations")).toInt(), 0);
    QCOMPARE(scalar(connection, QStringLiteral("SELECT count(*) FROM content_cache")).toInt(), 0);
    QCOMPARE(messages.search(QStringLiteral("walrus"))->size(), 0);
    QCOMPARE(messages.search(QStringLiteral("zeppelin"))->size(), 1);
    auto indexChecked = messages.checkIndexes();
    QVERIFY2(indexChecked.ok(), qPrintable(indexChecked.ok() ? QString() : indexChecked.error().message));
}

// A reader thread with its own connection sees, in every snapshot, a folder state that never
// runs ahead of the rows it covers, while the main thread writes batch after batch.
void TestDatabase::threadReadsWhileMainThreadWrites()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    Database &db = *opened.value();
    const qint64 account = *AccountStore(db).add(QStringLiteral("acct"), QString());
    FolderStore folders(db);
    const qint64 folder = folders.upsertFolders(account, {{QStringLiteral("INBOX")}})->at(0);

    std::atomic<bool> stop{false};
    std::atomic<int> reads{0};
    std::atomic<int> violations{0};
    QString readerConnection;
    QThread *reader = QThread::create([&] {
        {
            readerConnection = db.connection().connectionName();
            while (!stop.load()) {
                ReadSnapshot snapshot(db);
                QSqlQuery query(snapshot.connection());
                query.prepare(QStringLiteral("SELECT uidnext, message_count, "
                                             "(SELECT count(*) FROM messages WHERE folder_id = ?) FROM folders "
                                             "WHERE id = ?"));
                query.addBindValue(folder);
                query.addBindValue(folder);
                if (!query.exec() || !query.next()) {
                    ++violations;
                    break;
                }
                const int uidNext = query.value(0).toInt();
                const int counted = query.value(2).toInt();
                if (query.value(1).toInt() != counted || (uidNext != 0 && uidNext != counted + 1))
                    ++violations;
                ++reads;
            }
        }
    });
    QSignalSpy finished(reader, &QThread::finished);
    reader->start();
    QTRY_VERIFY_WITH_TIMEOUT(reads.load() > 0, 10000);

    quint32 uid = 0;
    for (int round = 0; round < 30; ++round) {
        SyncBatch batch;
        for (int i = 0; i < 50; ++i)
            batch.messages.append(message(++uid, QStringLiteral("round %1").arg(round)));
        batch.syncPoint = FolderSyncPoint{uid + 1, 0, 1};
        QVERIFY(folders.applySyncBatch(folder, batch).ok());
    }
    const int readsDuringWrites = reads.load();
    stop = true;
    QVERIFY(finished.wait(10000) || reader->isFinished());
    reader->wait();
    delete reader;

    QCOMPARE(violations.load(), 0);
    QVERIFY(readsDuringWrites > 1);
    QVERIFY(!readerConnection.isEmpty());
    QVERIFY(readerConnection != db.connection().connectionName());
    QVERIFY2(!QSqlDatabase::contains(readerConnection), "the finished thread's connection is closed");
    QCOMPARE(folders.folder(folder)->messageCount, 1500);
}

QTEST_GUILESS_MAIN(TestDatabase)
// The message writer's statements run on the handle of Qt's driver, inside Qt's transaction,
// and what they write is what Qt reads back.
void TestDatabase::statementOnDriverHandleBindsAndRebinds()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    const QSqlDatabase db = opened.value()->connection();
    QVERIFY(Sql::checkSameLibrary(db).ok());
    QVERIFY(Sql::handle(db) != nullptr);
    QSqlQuery create(db);
    QVERIFY(create.exec(QStringLiteral("CREATE TABLE t (n INTEGER, s TEXT, b BLOB, d INTEGER)")));

    Sql::Statement insert;
    QVERIFY(insert.prepare(Sql::handle(db), "INSERT INTO t (n, s, b, d) VALUES (?, ?, ?, ?)", "test insert").ok());
    QVERIFY(insert.prepare(nullptr, "ignored: prepared once", "test").ok());
    QVERIFY(QSqlDatabase(db).transaction());
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    // A null QString is '' with bindText, NULL with bindNullableText; a null QByteArray is NULL.
    insert.bind(1, 1);
    insert.bindText(2, QString());
    insert.bindBlob(3, QByteArray());
    insert.bindDateTime(4, QDateTime());
    QVERIFY(insert.run().ok());
    // Rebound without an explicit reset; non-ASCII text arrives intact.
    insert.bind(1, 2);
    insert.bindNullableText(2, QString());
    insert.bindBlob(3, QByteArray("\0\xff", 2));
    insert.bindDateTime(4, when);
    QVERIFY(insert.run().ok());
    insert.bind(1, 3);
    insert.bindText(2, QStringLiteral("Grüße 🐦 \"quoted\""));
    insert.bindNull(3);
    insert.bindNull(4);
    QVERIFY(insert.run().ok());
    QVERIFY(QSqlDatabase(db).commit());

    QSqlQuery query(db);
    QVERIFY(query.exec(QStringLiteral("SELECT n, s IS NULL, s, b IS NULL, length(b), d FROM t ORDER BY n")));
    QVERIFY(query.next());
    QCOMPARE(query.value(1).toInt(), 0);
    QCOMPARE(query.value(2).toString(), QString());
    QCOMPARE(query.value(3).toInt(), 1);
    QVERIFY(query.value(5).isNull());
    QVERIFY(query.next());
    QCOMPARE(query.value(1).toInt(), 1);
    QCOMPARE(query.value(4).toInt(), 2);
    QCOMPARE(query.value(5).toLongLong(), when.toMSecsSinceEpoch());
    QVERIFY(query.next());
    QCOMPARE(query.value(2).toString(), QStringLiteral("Grüße 🐦 \"quoted\""));
    QVERIFY(!query.next());

    // Rows are read through the same statement type; a finished statement runs again.
    Sql::Statement select;
    QVERIFY(select.prepare(Sql::handle(db), "SELECT n, s FROM t WHERE n >= ? ORDER BY n", "test select").ok());
    for (int pass = 0; pass < 2; ++pass) {
        select.bind(1, 3);
        auto row = select.step();
        QVERIFY(row.ok() && *row);
        QCOMPARE(select.columnInt64(0), 3);
        QCOMPARE(select.columnText(1), QStringLiteral("Grüße 🐦 \"quoted\""));
        row = select.step();
        QVERIFY(row.ok() && !*row);
    }
}

// Bound text and blobs are not copied by SQLite: each parameter keeps its own bytes until it is
// bound again, whatever happens to the caller's values or to the other parameters.
void TestDatabase::statementKeepsEachBoundValue()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    const QSqlDatabase db = opened.value()->connection();
    QSqlQuery create(db);
    QVERIFY(create.exec(QStringLiteral("CREATE TABLE u (n INTEGER, a TEXT, b TEXT, c BLOB)")));
    Sql::Statement insert;
    QVERIFY(insert.prepare(Sql::handle(db), "INSERT INTO u (n, a, b, c) VALUES (?, ?, ?, ?)", "test insert").ok());

    insert.bind(1, 1);
    insert.bindText(2, QStringLiteral("a rather long first value, Grüße"));
    insert.bindText(3, QStringLiteral("second"));
    {
        QByteArray blob("abc");
        insert.bindBlob(4, blob);
        blob[0] = 'X';  // the caller's copy changes and then goes away before the run
    }
    QVERIFY(insert.run().ok());
    // Shorter and longer values in the same parameters; the blob bound from a temporary.
    insert.bind(1, 2);
    insert.bindText(2, QStringLiteral("x"));
    insert.bindText(3, QStringLiteral("a much longer second value than before 🐦"));
    insert.bindBlob(4, QByteArray(1000, 'z'));
    QVERIFY(insert.run().ok());
    // A parameter not bound again keeps its last value (SQLite's rule), still intact.
    insert.bind(1, 3);
    insert.bindText(2, QStringLiteral("third"));
    QVERIFY(insert.run().ok());

    QSqlQuery query(db);
    QVERIFY(query.exec(QStringLiteral("SELECT n, a, b, c FROM u ORDER BY n")));
    QVERIFY(query.next());
    QCOMPARE(query.value(1).toString(), QStringLiteral("a rather long first value, Grüße"));
    QCOMPARE(query.value(2).toString(), QStringLiteral("second"));
    QCOMPARE(query.value(3).toByteArray(), QByteArray("abc"));
    QVERIFY(query.next());
    QCOMPARE(query.value(1).toString(), QStringLiteral("x"));
    QCOMPARE(query.value(2).toString(), QStringLiteral("a much longer second value than before 🐦"));
    QCOMPARE(query.value(3).toByteArray(), QByteArray(1000, 'z'));
    QVERIFY(query.next());
    QCOMPARE(query.value(1).toString(), QStringLiteral("third"));
    QCOMPARE(query.value(2).toString(), QStringLiteral("a much longer second value than before 🐦"));
    QCOMPARE(query.value(3).toByteArray(), QByteArray(1000, 'z'));
    QVERIFY(!query.next());
}

void TestDatabase::statementErrorNamesItsContext()
{
    auto opened = Database::open(storePath());
    QVERIFY(opened.ok());
    const QSqlDatabase db = opened.value()->connection();

    Sql::Statement broken;
    auto prepared = broken.prepare(Sql::handle(db), "INSERT INTO no_such_table VALUES (?)", "Cannot store a thing");
    QVERIFY(!prepared.ok());
    QVERIFY2(prepared.error().message.startsWith(QStringLiteral("Cannot store a thing (prepare): ")),
             qPrintable(prepared.error().message));
    QVERIFY(prepared.error().message.contains(QStringLiteral("no_such_table")));
    QVERIFY(!broken.isPrepared());

    // A constraint failure is an error of the step, and the statement can be used again after it.
    Sql::Statement insert;
    QVERIFY(insert.prepare(Sql::handle(db), "INSERT INTO folders (account_id, path) VALUES (?, 'INBOX')",
                           "Cannot add a folder")
                    .ok());
    insert.bind(1, 12345);  // no such account: the foreign key refuses it
    auto ran = insert.run();
    QVERIFY(!ran.ok());
    QVERIFY2(ran.error().message.contains(QStringLiteral("FOREIGN KEY")), qPrintable(ran.error().message));
    QVERIFY(ran.error().message.startsWith(QStringLiteral("Cannot add a folder (run): ")));
    auto account = AccountStore(*opened.value()).add(QStringLiteral("a"), QStringLiteral("A"));
    QVERIFY(account.ok());
    insert.bind(1, *account);
    QVERIFY(insert.run().ok());
    QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM folders")).toInt(), 1);
}

#include "tst_database.moc"
