// SPDX-License-Identifier: GPL-3.0-or-later
// B2 (QUALITY.md): a resync when nothing changed, over several accounts.
//
//   bench_sync_resync [--big N] [--small M] [--runs R] [--trace]     (defaults: 100,000, 50, 5)
//   --trace logs the IMAP exchange of the measured resyncs on stderr, each line with its time.
//
// A private Dovecot holds 3 users of 20 folders each: INBOX, Drafts, Sent, Trash (the fixture's)
// and Folder01 .. Folder16; every folder gets M generated messages (the corpus of bench_raw_fetch,
// same seed) except the first user's INBOX, which gets N. One profile holds the 3 accounts
// (strategy Automatic: QRESYNC on Dovecot) with all 20 folders selected for sync: the folders are
// named in the accounts' initiallySelected, and after the first (full) sync any folder still
// unselected is selected through FolderStore::setSelectedForSync and a second full sync takes it
// in. Then, with nothing changed on the server, R incremental rounds (SyncEngine::syncOnce(all,
// false)) on the same engine (its connections stay open, as between a client's polls); each is
// timed alone with QElapsedTimer from syncOnce() to roundsFinished(); figures are the medians.
// The profile lives under $HERON_BENCH_PROFILE_DIR (default: the temp dir): a disk, as a user has.
//
// Baselines measured in the same run:
//  - sync_resync.raw_fetch.*: the raw reader's "UID FETCH 1:* (...)" of the big folder (1 warm-up,
//    median of 3): the fastest a client can take in that folder's metadata;
//  - sync_resync.raw_list_status.*: the least a client can do to learn that nothing changed: per
//    account one "LIST "" "*" RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ))"
//    on a logged-in raw connection (the 3 accounts one after the other, median of R). It shows what
//    the server alone needs to answer: against the fixture's maildir, Dovecot re-reads the 100,000-line
//    dovecot-uidlist for a STATUS of the big folder once LIST has run in the session (~0.15-0.2 s).
//
// Figures: SELECT/EXAMINE count (sum of SyncStats::selects), bytes in and out, round trips and
// commands, in total and per account, bytes received per folder, time (in total, per account, and
// the CPU time of this process during the round: the client's share). Targets of issue 3:
//   sync_resync.selects = 0 · sync_resync.bytes_in_per_folder <= 1 KB (1,024 B) ·
//   sync_resync.seconds <= 50 ms.

#include "common/benchreport.h"
#include "common/corpus.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "support/dovecotfixture.h"
#include "sync/syncbench.h"
#include "sync/syncengine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <vector>

using namespace Heron;

namespace {

constexpr const char *kBench = "bench_sync_resync";
constexpr int kAccounts = 3;
constexpr int kExtraFolders = 16;  // besides INBOX, Drafts, Sent and Trash (the fixture's): 20 in all
constexpr int kRoundTimeoutMs = 60 * 60 * 1000;
constexpr double kBytesPerFolderTarget = 1024;
constexpr double kSecondsTarget = 0.050;

QStringList folderPaths()
{
    QStringList paths{QStringLiteral("INBOX"), QStringLiteral("Drafts"), QStringLiteral("Sent"),
                      QStringLiteral("Trash")};
    for (int i = 1; i <= kExtraFolders; ++i)
        paths.append(QStringLiteral("Folder%1").arg(i, 2, 10, QLatin1Char('0')));
    return paths;
}

// The raw no-change check of every account: one LIST-STATUS each on a logged-in connection.
struct RawListStatus {
    QList<qint64> bytes;           // per account
    QList<double> accountSeconds;  // per account, median of the runs
    double seconds = 0;            // the accounts one after the other, median of the runs
};

std::optional<RawListStatus> measureRawListStatus(const Test::DovecotFixture &fixture, const QStringList &users,
                                                  int runs, QString *error)
{
    std::vector<std::unique_ptr<Bench::RawConnection>> connections;
    for (const QString &user : users) {
        const Bench::RawTarget target = Bench::rawTarget(fixture, user, QStringLiteral("INBOX"));
        auto connection = std::make_unique<Bench::RawConnection>();
        if (!connection->open(target) || !connection->run("LOGIN " + Bench::quotedString(target.user) + ' ' +
                                                          Bench::quotedString(target.password))) {
            *error = connection->errorString();
            return std::nullopt;
        }
        connections.push_back(std::move(connection));
    }
    const QByteArray command = R"(LIST "" "*" RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)))";
    RawListStatus result;
    QList<double> samples;
    QList<QList<double>> accountSamples(qsizetype(connections.size()));
    for (int run = 0; run < runs; ++run) {
        result.bytes.clear();
        QElapsedTimer timer;
        timer.start();
        for (size_t i = 0; i < connections.size(); ++i) {
            QElapsedTimer accountTimer;
            accountTimer.start();
            const auto bytes = connections[i]->run(command);
            if (!bytes) {
                *error = connections[i]->errorString();
                return std::nullopt;
            }
            accountSamples[qsizetype(i)].append(double(accountTimer.nsecsElapsed()) / 1e9);
            result.bytes.append(*bytes);
        }
        samples.append(double(timer.nsecsElapsed()) / 1e9);
    }
    for (const auto &connection : connections)
        connection->close();
    result.seconds = Bench::median(samples);
    for (const QList<double> &account : std::as_const(accountSamples))
        result.accountSeconds.append(Bench::median(account));
    return result;
}

int run(int big, int small, int runs, bool trace)
{
    QStringList users;
    for (int i = 1; i <= kAccounts; ++i)
        users.append(QStringLiteral("bench%1").arg(i));
    const QStringList paths = folderPaths();

    Test::DovecotFixture fixture;
    QString error;
    if (!Bench::startFixture(fixture, users, &error))
        return Bench::fail(kBench, error);
    QElapsedTimer deliveryTimer;
    deliveryTimer.start();
    qint64 total = 0;
    int corpusIndex = 0;
    for (const QString &user : users) {
        for (const QString &path : paths) {
            const int count = (user == users.constFirst() && path == QLatin1String("INBOX")) ? big : small;
            if (!Bench::deliverCorpus(fixture, user, path, count, &error, corpusIndex))
                return Bench::fail(kBench, QStringLiteral("delivery to %1 of %2 failed: %3").arg(path, user, error));
            corpusIndex += count;
            total += count;
        }
    }
    const int folderCount = int(users.size() * paths.size());
    Bench::printFigure("sync_resync.accounts", qint64(users.size()), "accounts");
    Bench::printFigure("sync_resync.folders", qint64(folderCount), "folders");
    Bench::printFigure("sync_resync.messages", total, "msg");
    Bench::printFigure("sync_resync.delivery_seconds", double(deliveryTimer.nsecsElapsed()) / 1e9, "s");

    // Baselines (the raw fetch also warms Dovecot's cache before the engine's first sync).
    if (!Bench::rawFetchBaseline(fixture, users.constFirst(), QStringLiteral("INBOX"), "sync_resync.raw_fetch", &error))
        return Bench::fail(kBench, QStringLiteral("raw_fetch: ") + error);
    const auto rawList = measureRawListStatus(fixture, users, runs, &error);
    if (!rawList)
        return Bench::fail(kBench, QStringLiteral("raw LIST-STATUS: ") + error);
    qint64 rawListBytes = 0;
    for (qsizetype i = 0; i < rawList->bytes.size(); ++i) {
        const QByteArray prefix = "sync_resync.raw_list_status.account" + QByteArray::number(i + 1);
        Bench::printFigure(prefix + ".bytes_in", rawList->bytes.at(i), "B");
        Bench::printFigure(prefix + ".seconds", rawList->accountSeconds.at(i), "s");
        rawListBytes += rawList->bytes.at(i);
    }
    Bench::printFigure("sync_resync.raw_list_status.bytes_in", rawListBytes, "B");
    Bench::printFigure("sync_resync.raw_list_status.bytes_in_per_folder", double(rawListBytes) / folderCount, "B");
    Bench::printFigure("sync_resync.raw_list_status.round_trips", qint64(users.size()), "rt");
    Bench::printFigure("sync_resync.raw_list_status.seconds", rawList->seconds, "s");

    // The profile: 3 accounts, every folder selected, a first full sync.
    auto profile = Bench::BenchProfile::create(&error);
    if (!profile)
        return Bench::fail(kBench, error);
    QList<qint64> accountIds;
    for (const QString &user : users) {
        auto account = profile->addAccount(fixture, user, Accounts::SyncStrategy::Automatic, paths, &error);
        if (!account)
            return Bench::fail(kBench, error);
        accountIds.append(account->id);
    }
    Sync::SyncEngine engine(profile->profile());
    Bench::RoundOutcome first = Bench::runRound(engine, accountIds, true, kRoundTimeoutMs);
    if (!first.ok(accountIds))
        return Bench::fail(kBench, QStringLiteral("first sync: ") + first.describeProblem());
    Bench::printFigure("sync_resync.first_sync_seconds", first.seconds, "s");
    int newlySelected = 0;
    for (qint64 id : accountIds) {
        const int selected = profile->selectAllFolders(id, &error);
        if (selected < 0)
            return Bench::fail(kBench, error);
        newlySelected += selected;
    }
    if (newlySelected > 0) {
        first = Bench::runRound(engine, accountIds, true, kRoundTimeoutMs);
        if (!first.ok(accountIds))
            return Bench::fail(kBench, QStringLiteral("second full sync: ") + first.describeProblem());
    }
    // Everything is there before anything is measured.
    qint64 stored = 0;
    for (qsizetype a = 0; a < accountIds.size(); ++a) {
        auto folders = Store::FolderStore(profile->profile().database()).folders(accountIds.at(a));
        if (!folders)
            return Bench::fail(kBench, folders.error().message);
        if (folders->size() != paths.size())
            return Bench::fail(kBench, QStringLiteral("account %1 has %2 folders, expected %3")
                                               .arg(a + 1)
                                               .arg(folders->size())
                                               .arg(paths.size()));
        for (const Store::FolderRecord &folder : *folders) {
            if (!folder.selectedForSync)
                return Bench::fail(kBench, QStringLiteral("%1 is not selected for sync").arg(folder.listing.path));
            stored += folder.messageCount;
        }
    }
    if (stored != total)
        return Bench::fail(kBench, QStringLiteral("%1 messages stored, %2 on the server").arg(stored).arg(total));

    // The measured resyncs.
    QList<double> seconds;
    QList<double> cpuSeconds;
    QList<double> selects, bytesIn, bytesOut, roundTrips, commands, folders;
    QHash<qint64, QList<double>> accountBytesIn, accountBytesOut, accountRoundTrips, accountSeconds;
    Bench::setLogging(trace);
    for (int r = 1; r <= runs; ++r) {
        const Bench::RoundOutcome round = Bench::runRound(engine, accountIds, false, kRoundTimeoutMs);
        if (!round.ok(accountIds))
            return Bench::fail(kBench, QStringLiteral("resync %1: %2").arg(r).arg(round.describeProblem()));
        const Sync::SyncStats sum = round.total();
        if (sum.newMessages != 0 || sum.changed != 0 || sum.vanished != 0)
            return Bench::fail(kBench, QStringLiteral("resync %1 found changes where there are none").arg(r));
        Bench::printFigure(QByteArray("sync_resync.run") + QByteArray::number(r) + "_seconds", round.seconds, "s");
        seconds.append(round.seconds);
        cpuSeconds.append(round.cpuSeconds);
        selects.append(sum.selects);
        bytesIn.append(double(sum.bytesIn));
        bytesOut.append(double(sum.bytesOut));
        roundTrips.append(double(sum.roundTrips));
        commands.append(double(sum.commands));
        folders.append(sum.folders);
        for (qint64 id : accountIds) {
            accountBytesIn[id].append(double(round.stats.value(id).bytesIn));
            accountBytesOut[id].append(double(round.stats.value(id).bytesOut));
            accountRoundTrips[id].append(double(round.stats.value(id).roundTrips));
            accountSeconds[id].append(double(round.stats.value(id).milliseconds) / 1000);
        }
    }

    Bench::setLogging(false);
    const double medianSeconds = Bench::median(seconds);
    const double medianSelects = Bench::median(selects);
    const double medianBytesIn = Bench::median(bytesIn);
    const double perFolder = medianBytesIn / folderCount;
    for (qsizetype a = 0; a < accountIds.size(); ++a) {
        const QByteArray prefix = "sync_resync.account" + QByteArray::number(a + 1);
        const qint64 id = accountIds.at(a);
        Bench::printFigure(prefix + ".bytes_in", qint64(Bench::median(accountBytesIn.value(id))), "B");
        Bench::printFigure(prefix + ".bytes_out", qint64(Bench::median(accountBytesOut.value(id))), "B");
        Bench::printFigure(prefix + ".round_trips", qint64(Bench::median(accountRoundTrips.value(id))), "rt");
        // SyncStats::milliseconds: the account's own round, as the engine measures it (ms resolution).
        Bench::printFigure(prefix + ".seconds", Bench::median(accountSeconds.value(id)), "s");
    }
    Bench::printFigure("sync_resync.folders_looked_at", qint64(Bench::median(folders)), "folders");
    Bench::printFigure("sync_resync.selects", qint64(medianSelects), "cmd");
    Bench::printFigure("sync_resync.bytes_in", qint64(medianBytesIn), "B");
    Bench::printFigure("sync_resync.bytes_out", qint64(Bench::median(bytesOut)), "B");
    Bench::printFigure("sync_resync.round_trips", qint64(Bench::median(roundTrips)), "rt");
    Bench::printFigure("sync_resync.commands", qint64(Bench::median(commands)), "cmd");
    Bench::printFigure("sync_resync.bytes_in_per_folder", perFolder, "B");
    Bench::printFigure("sync_resync.bytes_in_vs_raw_list_status", medianBytesIn / double(rawListBytes), "x");
    Bench::printFigure("sync_resync.client_cpu_seconds", Bench::median(cpuSeconds), "s");
    Bench::printFigure("sync_resync.seconds", medianSeconds, "s");
    Bench::printTarget("sync_resync.selects", medianSelects, 0, "cmd");
    Bench::printTarget("sync_resync.bytes_in_per_folder", perFolder, kBytesPerFolderTarget, "B");
    Bench::printTarget("sync_resync.seconds", medianSeconds, kSecondsTarget, "s");
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Bench::setLogging(false);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("B2: no-change resync of 3 accounts x 20 folders."));
    parser.addHelpOption();
    const QCommandLineOption bigOption(QStringLiteral("big"),
                                       QStringLiteral("Messages in the first account's INBOX (100000)."),
                                       QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption smallOption(QStringLiteral("small"),
                                         QStringLiteral("Messages in every other folder (50)."), QStringLiteral("M"),
                                         QStringLiteral("50"));
    const QCommandLineOption runsOption(QStringLiteral("runs"),
                                        QStringLiteral("Measured resyncs; the median is printed (5)."),
                                        QStringLiteral("R"), QStringLiteral("5"));
    const QCommandLineOption traceOption(
            QStringLiteral("trace"),
            QStringLiteral("Log the IMAP exchange of the measured resyncs on stderr, with times (slows them)."));
    parser.addOptions({bigOption, smallOption, runsOption, traceOption});
    parser.process(app);
    bool bigOk = false, smallOk = false, runsOk = false;
    const int big = parser.value(bigOption).toInt(&bigOk);
    const int small = parser.value(smallOption).toInt(&smallOk);
    const int runs = parser.value(runsOption).toInt(&runsOk);
    if (!bigOk || big <= 0 || !smallOk || small <= 0 || !runsOk || runs <= 0)
        return Bench::fail(kBench, QStringLiteral("--big, --small and --runs need positive counts"));
    return run(big, small, runs, parser.isSet(traceOption));
}
