// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMetaType>
#include <QString>

namespace Heron::Sync {

// What a round cost and what it changed, for the summary of `heron sync` and the benchmarks.
struct SyncStats {
    int folders = 0;        // folders looked at
    int selects = 0;        // SELECT/EXAMINE commands sent
    qint64 newMessages = 0;
    qint64 changed = 0;     // flag changes applied
    qint64 vanished = 0;    // removed because expunged or moved elsewhere
    qint64 purged = 0;      // removed locally because outside the sliding window
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    quint64 commands = 0;
    quint64 roundTrips = 0;
    qint64 milliseconds = 0;

    void add(const SyncStats &other);
};

// Where a round stands, for progress bars and the command line.
struct SyncProgress {
    qint64 accountId = 0;
    qint64 folderId = 0;
    QString folderPath;
    int folderIndex = 0;  // 1-based among the folders of this round
    int folderCount = 0;
    qint64 done = 0;      // messages fetched in this folder so far
    qint64 total = 0;     // messages to fetch in this folder (0 when unknown)
};

enum class AccountState { Idle, Connecting, Syncing, Pushing, Offline, Error };
QString accountStateName(AccountState state);

}  // namespace Heron::Sync

Q_DECLARE_METATYPE(Heron::Sync::SyncStats)
Q_DECLARE_METATYPE(Heron::Sync::SyncProgress)
Q_DECLARE_METATYPE(Heron::Sync::AccountState)
