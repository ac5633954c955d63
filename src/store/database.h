// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/migration.h"
#include "store/storenotifier.h"

#include <QSqlDatabase>
#include <QString>

#include <atomic>
#include <memory>

namespace Heron::Store {

// How hard a commit is pushed to disk. SQLite's synchronous setting belongs to a connection,
// not to a table, so it is chosen per transaction: Full (fsync of the WAL at commit) for the
// operation journal and anything written with it, Normal for metadata the server can give again.
enum class Durability { Normal, Full };

class ConnectionRegistry;

// The store's SQLite file: opens or creates it, sets WAL and the pragmas, runs the migrations,
// checks integrity after an unclean shutdown, and hands each thread its own connection.
class Database {
public:
    enum class IntegrityCheck { Quick, Full };

    struct Options {
        QList<Migration> migrations = Migrations::all();
        IntegrityCheck integrityCheck = IntegrityCheck::Quick;
    };

    // Opens (creating when missing) and migrates the store at path. Refuses a store written by
    // a newer schema, a file that is not a Heron store, and a store that fails its integrity check.
    static Result<std::unique_ptr<Database>> open(const QString &path, const Options &options);
    static Result<std::unique_ptr<Database>> open(const QString &path) { return open(path, Options()); }
    // Marks the shutdown clean and closes every connection; other threads must be done with theirs.
    ~Database();

    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // The calling thread's connection, opened and configured on first use; connections of a
    // QThread are closed when it finishes. The name is "heron-store-<path hash>-<n>-<thread id>".
    QSqlDatabase connection() const;
    // Closes the calling thread's connection now (no QSqlQuery of it may be alive).
    void releaseThreadConnection() const;

    QString path() const { return m_path; }
    // Copies the write-ahead log into the database file as far as readers allow (a passive
    // checkpoint), on the calling thread's connection. For idle moments: it writes every page
    // committed since the last one and, when that is all of them, starts the log over.
    Result<bool> checkpoint() const;
    int schemaVersion() const { return m_schemaVersion; }
    // True when the previous session did not close the store; the integrity check then ran.
    bool recoveredFromUncleanShutdown() const { return m_recoveredFromUncleanShutdown; }

    StoreNotifier *notifier() const { return m_notifier.get(); }

    // Commits made through Transaction since open, all and with Durability::Full.
    quint64 commitCount() const { return m_commits.load(); }
    quint64 fullCommitCount() const { return m_fullCommits.load(); }

private:
    friend class Transaction;
    explicit Database(const QString &path);
    Result<bool> initialize(const Options &options);
    Result<bool> runIntegrityCheck(IntegrityCheck kind);
    Result<bool> migrate(const QList<Migration> &migrations);
    void markCleanShutdown();

    QString m_path;
    int m_schemaVersion = 0;
    bool m_recoveredFromUncleanShutdown = false;
    bool m_ready = false;
    std::unique_ptr<StoreNotifier> m_notifier;
    std::shared_ptr<ConnectionRegistry> m_registry;
    std::atomic<quint64> m_commits{0};
    std::atomic<quint64> m_fullCommits{0};
};

// A write transaction on the calling thread's connection (BEGIN IMMEDIATE, so a second writer
// waits at the start instead of failing at its first write). Rolls back unless committed;
// the changes collected in changes() are published by the notifier after the commit.
class Transaction {
public:
    explicit Transaction(Database &database, Durability durability = Durability::Normal);
    ~Transaction();

    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isActive() const { return m_active; }
    const Error &error() const { return m_error; }

    Database &database() const { return m_database; }
    QSqlDatabase connection() const { return m_connection; }
    ChangeSet &changes() { return m_changes; }

    Result<bool> commit();
    void rollback();

private:
    void restoreDurability();

    Database &m_database;
    QSqlDatabase m_connection;
    Durability m_durability;
    bool m_active = false;
    Error m_error;
    ChangeSet m_changes;
};

// A consistent read of several statements (a deferred transaction that only reads): under WAL,
// it sees the store as of its first read while writers go on.
class ReadSnapshot {
public:
    explicit ReadSnapshot(const Database &database);
    ~ReadSnapshot();

    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

    bool isActive() const { return m_active; }
    QSqlDatabase connection() const { return m_connection; }

private:
    QSqlDatabase m_connection;
    bool m_active = false;
};

// "?, ?, ?": count SQL parameters (at least one), for "IN (...)" over a list of ids.
QString sqlPlaceholders(qsizetype count);

}  // namespace Heron::Store
