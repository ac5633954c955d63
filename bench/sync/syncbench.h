// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/profile.h"
#include "common/benchreport.h"
#include "common/rawfetch.h"
#include "sync/syncstats.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace Heron::Test {
class DovecotFixture;
}  // namespace Heron::Test

namespace Heron::Sync {
class SyncEngine;
}  // namespace Heron::Sync

// What the sync benchmarks (B1-B3, QUALITY.md) share: the Dovecot fixture set up for bulk work,
// throw-away profiles with accounts on it, one engine round timed on its own, and the target lines.
namespace Heron::Bench {

// Figures with names built at run time ("sync_resync.account2.bytes_in").
void printFigure(const QByteArray &name, double value, const char *unit);
void printFigure(const QByteArray &name, qint64 value, const char *unit);

// The libraries' logging as the headless command line has it: progress lines off, warnings (a
// reconciliation, a failed folder) on stderr. With trace, the IMAP exchange (heron.imap.wire) and
// the engine's progress are logged too, each line with the process time: for finding where the
// time of a measured round goes (it slows the round a little).
void setLogging(bool trace);

// Prints "bench: message" on stderr and returns 1, for main().
int fail(const char *bench, const QString &message);

// The peak resident set of this process (VmHWM of /proc/self/status), in bytes; -1 when unknown.
qint64 peakResidentBytes();

// Starts a private Dovecot for bulk benchmarks: no fsync, no COMPRESS (the engine does not
// compress on loopback either), the given users, its temp dir where the fixture chooses
// ($HERON_DOVECOT_DIR, else /dev/shm when it has room). Mail is stored as sdbox, whose index
// answers STATUS and QRESYNC SELECT of a 100,000-message folder in a few milliseconds, where
// maildir takes about 0.1 s to re-read its dovecot-uidlist: the benchmarks time the client, so
// the server should be one that is quick where it can be. HERON_BENCH_MAIL_FORMAT=maildir
// brings the maildir back for comparison; every figure then includes that re-reading.
bool startFixture(Test::DovecotFixture &fixture, const QStringList &users, QString *error);

// The raw reader's view of a user's folder on the fixture.
RawTarget rawTarget(const Test::DovecotFixture &fixture, const QString &user, const QString &folder);

// Measures and prints the raw_fetch baseline (1 warm-up, median of repeat) of a folder under
// prefix ("sync_initial.raw_fetch"); nullopt with error set on failure.
std::optional<RawFetchResult> rawFetchBaseline(const Test::DovecotFixture &fixture, const QString &user,
                                               const QString &folder, const char *prefix, QString *error,
                                               const QByteArray &items = kRawFetchItems, int repeat = 3);

// A profile for one benchmark run: in a fresh temp dir (under $HERON_BENCH_PROFILE_DIR when set,
// else the system temp dir; removed with the object), or an existing directory (child processes).
// The profile-local password file is allowed: there is no keychain in a benchmark.
class BenchProfile {
public:
    static std::unique_ptr<BenchProfile> create(QString *error);
    static std::unique_ptr<BenchProfile> open(const QString &directory, QString *error);
    ~BenchProfile();

    Accounts::Profile &profile() const { return *m_profile; }
    QString directory() const { return m_directory; }

    // Adds an account for the fixture's user (plain IMAP on loopback, no push, polling off) and
    // writes its password. initiallySelected names folders to synchronize besides INBOX and Sent.
    std::optional<Accounts::Account> addAccount(const Test::DovecotFixture &fixture, const QString &user,
                                                Accounts::SyncStrategy strategy, const QStringList &initiallySelected,
                                                QString *error);
    // Messages stored for the account's folder; -1 when the folder is unknown.
    qint64 storedMessages(qint64 accountId, const QString &path) const;
    // Selects for sync every folder of the account the store knows; how many were not yet selected.
    int selectAllFolders(qint64 accountId, QString *error) const;

    // Lets the profile go (its lock included) so that another process can open the directory;
    // reopen() takes it again.
    void release();
    bool reopen(QString *error);

private:
    BenchProfile() = default;

    std::unique_ptr<QTemporaryDir> m_temporary;
    QString m_directory;
    std::unique_ptr<Accounts::Profile> m_profile;
};

// One SyncEngine::syncOnce, waited for in an event loop.
struct RoundOutcome {
    bool finished = false;  // roundsFinished() came before the timeout
    double seconds = 0;     // from syncOnce() to roundsFinished(): the sync alone
    double cpuSeconds = 0;  // CPU time of this process meanwhile (the client's share; the server is apart)
    double firstStoredSeconds = -1;  // until the first progress with messages stored (-1: none came)
    QHash<qint64, Sync::SyncStats> stats;  // roundFinished() per account
    QStringList errors;                    // errorOccurred(), "account id: message"

    Sync::SyncStats total() const;
    // Finished, every account reported a round and no error was seen.
    bool ok(const QList<qint64> &accountIds) const;
    QString describeProblem() const;
};
RoundOutcome runRound(Sync::SyncEngine &engine, const QList<qint64> &accountIds, bool full, int timeoutMs);

}  // namespace Heron::Bench
