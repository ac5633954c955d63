// SPDX-License-Identifier: GPL-3.0-or-later
#include "engineround.h"

#include "cli/context.h"
#include "sync/syncengine.h"

namespace Heron::Cli {

RoundOutcome runRound(Sync::SyncEngine &engine, const QList<qint64> &accountIds, bool full)
{
    RoundOutcome outcome;
    Waiter waiter;
    QObject guard;  // the connections below end with this function
    QObject::connect(
            &engine, &Sync::SyncEngine::roundFinished, &guard,
            [&outcome](qint64 accountId, const Sync::SyncStats &stats) { outcome.finished.insert(accountId, stats); });
    QObject::connect(
            &engine, &Sync::SyncEngine::errorOccurred, &guard,
            [&outcome](qint64 accountId, const QString &message) { outcome.errors[accountId].append(message); });
    QObject::connect(&engine, &Sync::SyncEngine::roundsFinished, &guard, [&waiter] { waiter.done(); });
    engine.syncOnce(accountIds, full);
    waiter.wait();
    return outcome;
}

bool stopEngine(Sync::SyncEngine &engine, int timeoutMs)
{
    Waiter waiter;
    QObject guard;
    QObject::connect(&engine, &Sync::SyncEngine::stopped, &guard, [&waiter] { waiter.done(); });
    engine.stop();
    return waiter.wait(timeoutMs);
}

}  // namespace Heron::Cli
