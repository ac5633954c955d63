// SPDX-License-Identifier: GPL-3.0-or-later
#include "database.h"

#include "messagerows.h"
#include "sqlitestatement.h"
#include "sqlsupport.h"
#include "storelogging.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QThread>

namespace Heron::Store {

namespace {

// PRAGMA application_id: "HERN", so a stray SQLite file is never taken for a store.
constexpr qint64 kApplicationId = 0x4845524E;
constexpr int kBusyTimeoutMs = 10000;
// Page cache per connection. A resync that removes messages spread over a big folder touches
// a page of every table and index per message; SQLite's default 2 MB cannot hold them.
constexpr int kCacheKiB = 32 * 1024;
// Committing checkpoints the write-ahead log once it passes this many pages (128 MiB), which
// copies every page written since into the database file: a cost no write should pay while a
// person waits. The sync engine checkpoints when it goes idle (Database::checkpoint()), so the
// limit is met only during very long rounds: an initial sync of a 100,000-message folder passed
// 32 MiB several times, each time on the writer's thread (B1 took about 5 % less CPU at 128 MiB).
constexpr int kWalAutoCheckpointPages = 32768;
// What the write-ahead log file is cut back to when a write starts it over after a complete
// checkpoint: without a limit it keeps the size of its longest run (up to the 128 MiB above,
// and more in a round that outruns the checkpoints) on disk for as long as the store is open.
constexpr qint64 kWalSizeLimitBytes = 32 * 1024 * 1024;

QString threadTag()
{
    return QString::number(reinterpret_cast<quintptr>(QThread::currentThreadId()), 16);
}

}  // namespace

// The connections a Database opened, per thread. Shared with the QThread::finished handlers,
// which may run after the Database is gone.
class ConnectionRegistry {
public:
    QString path;
    QString prefix;
    QMutex mutex;
    QHash<QThread *, QString> names;
    int counter = 0;

    QString take(QThread *thread)
    {
        QMutexLocker locker(&mutex);
        return names.take(thread);
    }
};

static Result<bool> configureConnection(const QSqlDatabase &db)
{
    // The message writer runs statements on the driver's own handle (sqlitestatement.h).
    if (auto same = Sql::checkSameLibrary(db); !same)
        return same.error();
    if (auto registered = MessageRows::registerFunctions(Sql::handle(db)); !registered)
        return registered.error();
    for (const QString &pragma :
         {QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA synchronous = NORMAL"),
          QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs),
          QStringLiteral("PRAGMA cache_size = -%1").arg(kCacheKiB),
          QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(kWalAutoCheckpointPages),
          QStringLiteral("PRAGMA journal_size_limit = %1").arg(kWalSizeLimitBytes)}) {
        auto done = Sql::execute(db, pragma);
        if (!done)
            return done.error();
    }
    return true;
}

Database::Database(const QString &path)
    : m_path(path),
      m_notifier(std::make_unique<StoreNotifier>()),
      m_registry(std::make_shared<ConnectionRegistry>())
{
    static std::atomic<int> instances{0};
    const QByteArray hash = QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    m_registry->path = path;
    m_registry->prefix = QStringLiteral("heron-store-%1-%2").arg(QString::fromLatin1(hash)).arg(++instances);
}

Database::~Database()
{
    markCleanShutdown();
    QStringList names;
    {
        QMutexLocker locker(&m_registry->mutex);
        names = m_registry->names.values();
        m_registry->names.clear();
    }
    for (const QString &name : std::as_const(names))
        QSqlDatabase::removeDatabase(name);
}

QSqlDatabase Database::connection() const
{
    QThread *thread = QThread::currentThread();
    QString name;
    {
        QMutexLocker locker(&m_registry->mutex);
        name = m_registry->names.value(thread);
        if (name.isEmpty()) {
            name = QStringLiteral("%1-%2-%3").arg(m_registry->prefix).arg(++m_registry->counter).arg(threadTag());
            m_registry->names.insert(thread, name);
        } else {
            locker.unlock();
            return QSqlDatabase::database(name, false);
        }
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        qCWarning(lcStore) << "Cannot open the store" << m_path << db.lastError().text();
        return db;
    }
    if (auto configured = configureConnection(db); !configured)
        qCWarning(lcStore) << "Cannot configure a store connection:" << configured.error().message;

    // A thread's connection dies with the thread; the main thread's with the Database.
    if (QCoreApplication::instance() && thread != QCoreApplication::instance()->thread()) {
        std::weak_ptr<ConnectionRegistry> registry = m_registry;
        QObject::connect(
                thread, &QThread::finished, thread,
                [registry, thread] {
                    if (auto alive = registry.lock()) {
                        const QString finishedName = alive->take(thread);
                        if (!finishedName.isEmpty())
                            QSqlDatabase::removeDatabase(finishedName);
                    }
                },
                Qt::DirectConnection);
    }
    return db;
}

void Database::releaseThreadConnection() const
{
    const QString name = m_registry->take(QThread::currentThread());
    if (!name.isEmpty())
        QSqlDatabase::removeDatabase(name);
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, const Options &options)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return makeError(Error::Code::Io, QStringLiteral("Cannot create the folder for the mail store %1.").arg(path));
    std::unique_ptr<Database> database(new Database(info.absoluteFilePath()));
    auto initialized = database->initialize(options);
    if (!initialized)
        return initialized.error();
    return Result<std::unique_ptr<Database>>(std::move(database));
}

Result<bool> Database::initialize(const Options &options)
{
    Result<bool> result = true;
    {
        const QSqlDatabase db = connection();
        if (!db.isOpen())
            return Sql::error(db.lastError(), QStringLiteral("Cannot open the mail store %1").arg(m_path));

        QSqlQuery query(db);
        // Reading the header first also turns "file is not a database" into a clean error.
        if (!query.exec(QStringLiteral("PRAGMA application_id")) || !query.next())
            return Sql::error(query, QStringLiteral("The mail store %1 cannot be read").arg(m_path));
        const qint64 applicationId = query.value(0).toLongLong();
        query.finish();
        if (applicationId != 0 && applicationId != kApplicationId) {
            return makeError(Error::Code::InvalidInput,
                             QStringLiteral("%1 is not a Heron mail store. Choose another location.").arg(m_path));
        }

        if (!query.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !query.next())
            return Sql::error(query, QStringLiteral("Cannot switch the mail store to WAL"));
        if (query.value(0).toString().compare(QLatin1StringView("wal"), Qt::CaseInsensitive) != 0) {
            return makeError(Error::Code::Io, QStringLiteral("The mail store %1 cannot use write-ahead logging (%2).")
                                                      .arg(m_path, query.value(0).toString()));
        }
        query.finish();

        for (const QString &statement :
             {QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId),
              QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)"),
              QStringLiteral("CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")}) {
            if (auto done = Sql::execute(db, statement); !done)
                return done.error();
        }

        if (!query.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_migrations")) || !query.next())
            return Sql::error(query, QStringLiteral("Cannot read the mail store's version"));
        m_schemaVersion = query.value(0).toInt();
        query.finish();
        const int known = options.migrations.isEmpty() ? 0 : options.migrations.constLast().version;
        if (m_schemaVersion > known) {
            return makeError(Error::Code::Unsupported,
                             QStringLiteral("The mail store %1 was written by a newer version of Heron (schema %2; "
                                            "this version knows up to %3). Update Heron to open it.")
                                     .arg(m_path)
                                     .arg(m_schemaVersion)
                                     .arg(known));
        }

        // The marker is cleared while the store is open and set again by a clean close.
        if (!query.exec(QStringLiteral("SELECT value FROM store_meta WHERE key = 'clean_shutdown'")))
            return Sql::error(query, QStringLiteral("Cannot read the mail store's shutdown marker"));
        m_recoveredFromUncleanShutdown = query.next() && query.value(0).toString() != QLatin1StringView("1");
        query.finish();
    }

    if (m_recoveredFromUncleanShutdown) {
        qCWarning(lcStore) << "The mail store was not closed cleanly; checking its integrity" << m_path;
        if (auto checked = runIntegrityCheck(options.integrityCheck); !checked)
            return checked.error();
    }

    if (auto migrated = migrate(options.migrations); !migrated)
        return migrated.error();

    result = Sql::execute(connection(),
                          QStringLiteral("INSERT INTO store_meta (key, value) VALUES ('clean_shutdown', '0') "
                                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    m_ready = result.ok();
    return result;
}

Result<bool> Database::runIntegrityCheck(IntegrityCheck kind)
{
    const QSqlDatabase db = connection();
    QSqlQuery query(db);
    const QString pragma = kind == IntegrityCheck::Quick ? QStringLiteral("PRAGMA quick_check")
                                                         : QStringLiteral("PRAGMA integrity_check");
    if (!query.exec(pragma))
        return Sql::error(query, QStringLiteral("The mail store %1 is damaged").arg(m_path));
    QStringList problems;
    while (query.next()) {
        const QString line = query.value(0).toString();
        if (line != QLatin1StringView("ok"))
            problems.append(line);
    }
    query.finish();
    if (!problems.isEmpty()) {
        qCCritical(lcStore) << "Integrity check failed" << m_path << problems.mid(0, 10);
        return makeError(Error::Code::Io,
                         QStringLiteral("The mail store %1 is damaged (%2). Move it aside so Heron can rebuild it "
                                        "from the servers; unsent changes in it may be lost.")
                                 .arg(m_path, problems.constFirst()));
    }
    qCInfo(lcStore) << "Integrity check passed" << m_path;
    return true;
}

Result<bool> Database::migrate(const QList<Migration> &migrations)
{
    for (const Migration &migration : migrations) {
        if (migration.version <= m_schemaVersion)
            continue;
        if (migration.version != m_schemaVersion + 1) {
            return makeError(Error::Code::Io, QStringLiteral("Schema step %1 does not follow version %2.")
                                                      .arg(migration.version)
                                                      .arg(m_schemaVersion));
        }
        const QSqlDatabase db = connection();
        if (migration.rebuildsTables) {
            if (auto off = Sql::execute(db, QStringLiteral("PRAGMA foreign_keys = OFF")); !off)
                return off.error();
        }
        Result<bool> applied = true;
        {
            Transaction transaction(*this, Durability::Full);
            if (!transaction.isActive())
                return transaction.error();
            for (const QString &statement : migration.statements) {
                applied = Sql::execute(db, statement);
                if (!applied)
                    break;
            }
            if (applied && migration.rebuildsTables) {
                QSqlQuery check(db);
                if (!check.exec(QStringLiteral("PRAGMA foreign_key_check")))
                    applied = Sql::error(check, QStringLiteral("foreign key check"));
                else if (check.next())
                    applied = makeError(Error::Code::Io, QStringLiteral("foreign keys broken by the step"));
            }
            if (applied) {
                QSqlQuery record(db);
                record.prepare(QStringLiteral("INSERT INTO schema_migrations (version, applied) VALUES (?, ?)"));
                record.addBindValue(migration.version);
                record.addBindValue(QDateTime::currentMSecsSinceEpoch());
                if (!record.exec())
                    applied = Sql::error(record, QStringLiteral("recording the schema version"));
            }
            if (applied)
                applied = transaction.commit();
        }
        if (migration.rebuildsTables)
            Sql::execute(db, QStringLiteral("PRAGMA foreign_keys = ON"));
        if (!applied) {
            return makeError(Error::Code::Io, QStringLiteral("Cannot update the mail store %1 to schema %2: %3")
                                                      .arg(m_path)
                                                      .arg(migration.version)
                                                      .arg(applied.error().message));
        }
        qCInfo(lcStore) << "Mail store updated to schema" << migration.version;
        m_schemaVersion = migration.version;
    }
    return true;
}

Result<bool> Database::checkpoint() const
{
    const QSqlDatabase db = connection();
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)")) || !query.next())
        return Sql::error(query, QStringLiteral("Cannot checkpoint the store"));
    // Every frame copied: the next commit starts the log over and cuts its file back to
    // kWalSizeLimitBytes. That commit is made here, while nobody waits; left to the next round's
    // first transaction, cutting a log of a hundred megabytes cost it tens of milliseconds. The
    // file keeps its 32 MiB, so the next round writes into space it already has (emptying it to 0
    // bytes made that round's commits slower by about as much). With a reader still in the log
    // the commit only appends, without waiting, and the next idle checkpoint cuts the log instead.
    const int logFrames = query.value(1).toInt();
    const bool complete = query.value(0).toInt() == 0 && logFrames > 0 && query.value(2).toInt() == logFrames;
    query.finish();
    if (!complete)
        return true;
    // A value the row did not have: SQLite writes no page for an update that changes nothing.
    return Sql::execute(db, QStringLiteral("INSERT INTO store_meta (key, value) VALUES ('last_checkpoint', "
                                           "strftime('%Y-%m-%dT%H:%M:%f', 'now')) "
                                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
}

void Database::markCleanShutdown()
{
    // A store that failed to open (damaged, newer) must keep its marker for the next attempt.
    if (!m_ready)
        return;
    const QSqlDatabase db = connection();
    if (!db.isOpen())
        return;
    Sql::execute(db, QStringLiteral("PRAGMA optimize"));
    if (auto marked = Sql::execute(db,
                                   QStringLiteral("UPDATE store_meta SET value = '1' WHERE key = 'clean_shutdown'"));
        !marked) {
        qCWarning(lcStore) << "Cannot mark the store closed:" << marked.error().message;
    }
}

Transaction::Transaction(Database &database, Durability durability)
    : m_database(database),
      m_connection(database.connection()),
      m_durability(durability)
{
    if (!m_connection.isOpen()) {
        m_error = Sql::error(m_connection.lastError(), QStringLiteral("Cannot open the mail store"));
        return;
    }
    // synchronous cannot change inside a transaction, so it is set before BEGIN.
    if (m_durability == Durability::Full) {
        if (auto full = Sql::execute(m_connection, QStringLiteral("PRAGMA synchronous = FULL")); !full) {
            m_error = full.error();
            return;
        }
    }
    auto begun = Sql::execute(m_connection, QStringLiteral("BEGIN IMMEDIATE"));
    if (!begun) {
        m_error = begun.error();
        restoreDurability();
        return;
    }
    m_active = true;
}

Transaction::~Transaction()
{
    rollback();
}

Result<bool> Transaction::commit()
{
    if (!m_active)
        return m_error.isError() ? m_error : makeError(Error::Code::Io, QStringLiteral("No transaction to commit"));
    auto committed = Sql::execute(m_connection, QStringLiteral("COMMIT"));
    if (!committed) {
        rollback();
        return committed.error();
    }
    m_active = false;
    restoreDurability();
    ++m_database.m_commits;
    if (m_durability == Durability::Full)
        ++m_database.m_fullCommits;
    if (!m_changes.isEmpty()) {
        const ChangeSet changes = std::move(m_changes);
        m_changes.clear();
        m_database.notifier()->publish(changes);
    }
    return true;
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    if (auto rolledBack = Sql::execute(m_connection, QStringLiteral("ROLLBACK")); !rolledBack)
        qCWarning(lcStore) << "Rollback failed:" << rolledBack.error().message;
    m_changes.clear();
    restoreDurability();
}

void Transaction::restoreDurability()
{
    if (m_durability == Durability::Full)
        Sql::execute(m_connection, QStringLiteral("PRAGMA synchronous = NORMAL"));
}

ReadSnapshot::ReadSnapshot(const Database &database) : m_connection(database.connection())
{
    // A deferred transaction takes its snapshot at the first read, which follows at once.
    m_active = m_connection.isOpen() && Sql::execute(m_connection, QStringLiteral("BEGIN DEFERRED")).ok();
}

ReadSnapshot::~ReadSnapshot()
{
    if (m_active)
        Sql::execute(m_connection, QStringLiteral("COMMIT"));
}

QString sqlPlaceholders(qsizetype count)
{
    return QList<QString>(qMax<qsizetype>(1, count), QStringLiteral("?")).join(QStringLiteral(", "));
}

}  // namespace Heron::Store
