// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/syncstats.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace Heron::Sync {
class SyncEngine;
}  // namespace Heron::Sync

namespace Heron::Cli {

// How long the command line waits for the engine to log out before it ends anyway.
inline constexpr int kEngineStopTimeoutMs = 15000;

// What one round of the engine did, per account.
struct RoundOutcome {
    QHash<qint64, Sync::SyncStats> finished;  // accounts whose round completed
    QHash<qint64, QStringList> errors;        // errors reported meanwhile, in plain words

    bool succeeded(qint64 accountId) const { return finished.contains(accountId) && !errors.contains(accountId); }
};

// Runs one round (SyncEngine::syncOnce: the journal replayed first, then the folders) for the
// accounts (all when empty) and waits until every one has finished or failed.
RoundOutcome runRound(Sync::SyncEngine &engine, const QList<qint64> &accountIds, bool full);

// Stops the engine and waits until it has logged out of every server, at most timeoutMs.
// Returns false when it did not finish in time.
bool stopEngine(Sync::SyncEngine &engine, int timeoutMs = kEngineStopTimeoutMs);

}  // namespace Heron::Cli
