// SPDX-License-Identifier: GPL-3.0-or-later
// sync [--account A] [--once] [--full]
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/engineround.h"
#include "cli/terminationwatcher.h"
#include "sync/syncengine.h"

#include <QCommandLineParser>
#include <QSet>

namespace Heron::Cli {

namespace {

QString summary(const QString &label, const Sync::SyncStats &stats)
{
    return QStringLiteral("%1: folders %2, new %3, changed %4, vanished %5, in %6 bytes, out %7 bytes, round trips %8, "
                          "%9 s")
            .arg(label)
            .arg(stats.folders)
            .arg(stats.newMessages)
            .arg(stats.changed)
            .arg(stats.vanished)
            .arg(stats.bytesIn)
            .arg(stats.bytesOut)
            .arg(stats.roundTrips)
            .arg(double(stats.milliseconds) / 1000.0, 0, 'f', 2);
}

}  // namespace

int sync(Context &context, const QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return context.usage(QStringLiteral("sync takes no arguments; name an account with --account."));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto accounts = context.chooseAccounts(parser.value(QStringLiteral("account")));
    if (!accounts)
        return context.fail(accounts.error());
    const bool once = parser.isSet(QStringLiteral("once"));
    const bool full = parser.isSet(QStringLiteral("full"));

    QList<qint64> ids;
    QHash<qint64, QString> labels;
    for (const Accounts::Account &account : std::as_const(*accounts)) {
        ids.append(account.id);
        labels.insert(account.id, printableLine(account.settings.label()));
    }

    const Console &console = context.console();
    // Declared before the engine, which may still signal while it is destroyed.
    QSet<qint64> failed;
    QHash<qint64, qint64> folderShown;  // account → the folder whose start was printed last
    Sync::SyncEngine engine(context.profile());
    QObject::connect(&engine, &Sync::SyncEngine::progressChanged, &engine, [&](const Sync::SyncProgress &progress) {
        const QString label = labels.value(progress.accountId);
        if (folderShown.value(progress.accountId) != progress.folderId) {
            folderShown.insert(progress.accountId, progress.folderId);
            console.out(QStringLiteral("%1: %2 (%3/%4)")
                                .arg(label, printableLine(progress.folderPath))
                                .arg(progress.folderIndex)
                                .arg(progress.folderCount));
        } else if (progress.total > 0) {
            console.note(QStringLiteral("%1: %2 %3/%4 messages")
                                 .arg(label, printableLine(progress.folderPath))
                                 .arg(progress.done)
                                 .arg(progress.total));
        }
    });
    QObject::connect(&engine, &Sync::SyncEngine::roundFinished, &engine,
                     [&](qint64 accountId, const Sync::SyncStats &stats) {
                         folderShown.remove(accountId);
                         console.out(summary(labels.value(accountId), stats));
                     });
    QObject::connect(&engine, &Sync::SyncEngine::errorOccurred, &engine, [&](qint64 accountId, const QString &message) {
        failed.insert(accountId);
        console.err(QStringLiteral("%1: %2").arg(labels.value(accountId), printable(message)));
    });
    QObject::connect(&engine, &Sync::SyncEngine::operationsReplayed, &engine,
                     [&](qint64 accountId, int done, int failedCount) {
                         console.out(QStringLiteral("%1: %2 queued changes sent to the server, %3 refused")
                                             .arg(labels.value(accountId))
                                             .arg(done)
                                             .arg(failedCount));
                     });

    if (once) {
        const RoundOutcome outcome = runRound(engine, ids, full);
        for (qint64 id : std::as_const(ids)) {
            if (!outcome.finished.contains(id) && !failed.contains(id)) {
                failed.insert(id);
                console.err(QStringLiteral("%1: the round ended without finishing.").arg(labels.value(id)));
            }
        }
        if (!stopEngine(engine))
            console.note(QStringLiteral("The servers did not confirm the logout in time."));
        return failed.isEmpty() ? kExitSuccess : kExitFailure;
    }

    auto watcher = std::make_unique<TerminationWatcher>();
    Waiter interrupted;
    QObject::connect(watcher.get(), &TerminationWatcher::terminationRequested, watcher.get(),
                     [&interrupted] { interrupted.done(); });
    if (full) {
        // A full round first; start() then carries on with incremental ones.
        QObject::connect(
                &engine, &Sync::SyncEngine::roundsFinished, &engine, [&engine, ids] { engine.start(ids); },
                Qt::SingleShotConnection);
        engine.syncOnce(ids, true);
    } else {
        engine.start(ids);
    }
    console.out(QStringLiteral("Staying connected for new mail; stop with Ctrl+C."));
    interrupted.wait();
    // The previous handlers come back: a second interrupt while logging out ends the process.
    watcher.reset();
    console.out(QStringLiteral("Stopping…"));
    if (!stopEngine(engine))
        console.err(QStringLiteral("heron: the servers did not confirm the logout in time; stopped anyway."));
    return kExitSuccess;
}

}  // namespace Heron::Cli
