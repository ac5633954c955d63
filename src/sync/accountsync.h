// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/profile.h"
#include "core/result.h"
#include "imap/response.h"
#include "store/folderrecord.h"
#include "store/searchquery.h"
#include "sync/foldersync.h"
#include "sync/serversearcher.h"
#include "sync/syncstats.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>

namespace Heron::Imap {
class ListJob;
}  // namespace Heron::Imap

namespace Heron::Sync {

class Connection;
class ContentCache;

// Keeps one account in step with its server. A round: connect (once), replay the operation
// journal, one LIST with SPECIAL-USE and STATUS (LIST-STATUS, or pipelined STATUS), reconcile the
// folder tree (new, renamed, deleted), then each selected folder — the one on screen first, then
// INBOX — through FolderSync. Between rounds it waits for push (NOTIFY for every selected folder
// where the server has it, else IDLE on INBOX, on a connection of its own) or polls; full rounds
// run at account creation and then daily. A lost connection is retried with backoff.
// Connections: one for rounds, one for push, one for on-demand content (SyncOptions::maxConnections
// caps them; with fewer, push is dropped first, then content shares the round's connection).
class AccountSync : public QObject {
    Q_OBJECT
public:
    AccountSync(Accounts::Profile &profile, qint64 accountId, ContentCache *contentCache, Store::BatchWriter &writer,
                QObject *parent = nullptr);
    ~AccountSync() override;

    qint64 accountId() const { return m_accountId; }
    // Runs rounds until stop(): push or polling between them.
    void start();
    // One round (full when asked or due); roundFinished() or roundFailed() then, and nothing more.
    void syncOnce(bool full);
    void stop();
    void requestSync(qint64 folderId);
    void setFolderOnScreen(qint64 folderId) { m_folderOnScreen = folderId; }
    void operationsQueued();

    // Fetches a part on the content connection; the callback gets transfer-decoded bytes.
    using PartCallback = std::function<void(Result<QByteArray>)>;
    using ProgressCallback = std::function<void(qint64, qint64)>;
    void fetchPart(const Store::MessageMetadata &message, const QString &section, ProgressCallback progress,
                   PartCallback done);

    // Asks the server, on the content connection, for the messages matching the query that the
    // store does not hold: before the window in selected folders, anywhere in the others (see
    // ServerSearcher). hits gets the ids of each folder's matches as they are stored; done the
    // number of matches, or why the search could not run. A later search cancels this one (done
    // then gets Cancelled).
    using SearchHitsCallback = std::function<void(const QList<qint64> &)>;
    using SearchDoneCallback = std::function<void(Result<int>)>;
    void searchServer(const Store::SearchQuery &query, SearchHitsCallback hits, SearchDoneCallback done);
    void cancelServerSearch();
    // At most this many folders are searched on the server per search, selected ones first.
    static constexpr int kMaxServerSearchFolders = 100;

    AccountState state() const { return m_state; }
    const SyncStats &totals() const { return m_totals; }

    // Backoff after a lost connection: 1 s, doubling, at most 5 minutes, with ±20 % jitter.
    static int backoffMilliseconds(int attempt);

Q_SIGNALS:
    void messagesArrived(qint64 folderId, const QList<qint64> &messageIds);
    void messagesVanished(qint64 folderId, int count);
    void flagsChanged(qint64 folderId, int count);
    void folderAdded(qint64 folderId, const QString &path);
    void folderRemoved(qint64 folderId, const QString &path);
    void folderRenamed(qint64 folderId, const QString &oldPath, const QString &newPath);
    void bounceReceived(qint64 messageId, qint64 originalMessageId);
    void progressChanged(const Heron::Sync::SyncProgress &progress);
    void stateChanged(Heron::Sync::AccountState state);
    void errorOccurred(const QString &message);
    void roundFinished(const Heron::Sync::SyncStats &stats);
    void roundFailed(const Heron::Error &error);
    void operationsReplayed(int done, int failed);
    void stopped();

private:
    // Work for the content connection, one task at a time: a part, or a server search.
    struct ContentTask {
        // Ends with contentTaskDone(token), exactly once.
        std::function<void(Connection *, quint64 token)> run;
        std::function<void(const Error &)> fail;  // the task will not run
    };
    // A server search in progress: one content task per folder.
    struct ServerSearchRun {
        quint64 generation = 0;
        Store::SearchQuery query;
        bool planned = false;
        QList<ServerSearcher::Target> targets;
        qsizetype next = 0;
        int hits = 0;
        int failed = 0;
        SearchHitsCallback onHits;
        SearchDoneCallback onDone;
    };

    void setState(AccountState state);
    void withPassword(std::function<void()> then, std::function<void(const Error &)> onError = {});
    void beginRound();
    void connectSync();
    void replayJournal();
    void listFolders();
    void listed(Imap::ListJob *job);
    void fetchStatuses(const QList<Store::FolderRecord> &folders);
    void planFolders(const QHash<QString, Imap::StatusDataResponse> &statuses);
    void syncNextFolder();
    bool finishUnchangedFolders();
    void folderSynced(const Store::FolderRecord &before, const FolderSyncResult &result);
    void recordFolderResult(const Store::FolderRecord &before, const FolderSyncResult &result);
    void leaveMailbox();
    void endRound();
    void roundError(const Error &error);
    void scheduleNextRound();
    void startPush();
    void pushNotified(const Imap::Response &response);
    void connectionLost(Connection *connection, const Error &error);
    void queueContentTask(ContentTask task);
    void runContentTasks();
    void contentTaskDone(quint64 token);
    void failContentTasks(const Error &error);
    void startPartFetch(Connection *connection, quint64 token, const Store::MessageMetadata &message,
                        const QString &section, const ProgressCallback &progress, const PartCallback &done);
    void queueServerSearch(const std::shared_ptr<ServerSearchRun> &run);
    QList<ServerSearcher::Target> serverSearchTargets(const Store::SearchQuery &query) const;
    void continueServerSearch(Connection *connection, quint64 token, const std::shared_ptr<ServerSearchRun> &run);
    bool sharesSyncConnection() const;
    Connection *ensureSyncConnection();
    void reportBounces(const QList<qint64> &ids);
    bool fullRoundDue(const Store::FolderRecord &folder) const;
    QByteArray wireName(const QString &path) const;

    Accounts::Profile &m_profile;
    qint64 m_accountId = 0;
    ContentCache *m_contentCache = nullptr;
    Store::BatchWriter &m_writer;
    Accounts::AccountSettings m_settings;
    QString m_password;
    bool m_havePassword = false;

    QPointer<Connection> m_syncConnection;
    QPointer<Connection> m_pushConnection;
    QPointer<Connection> m_contentConnection;

    AccountState m_state = AccountState::Idle;
    bool m_continuous = false;
    bool m_stopping = false;
    bool m_roundRunning = false;
    bool m_roundPending = false;
    bool m_fullRequested = false;
    bool m_roundIsFull = false;
    bool m_roundWaitsForConnection = false;
    int m_reconnectAttempt = 0;
    QTimer m_roundTimer;
    QTimer m_pushDebounce;
    QTimer m_reconnectTimer;
    qint64 m_folderOnScreen = 0;
    QSet<qint64> m_requestedFolders;

    // The current round
    QDateTime m_roundStarted;
    SyncStats m_roundStats;
    quint64 m_bytesInAtRound = 0;
    quint64 m_bytesOutAtRound = 0;
    quint64 m_commandsAtRound = 0;
    quint64 m_roundTripsAtRound = 0;
    QList<FolderSyncRequest> m_folderQueue;
    int m_folderIndex = 0;
    int m_folderCount = 0;
    QHash<qint64, int> m_resyncs;  // folders synced again in this round because they changed meanwhile
    QPointer<FolderSync> m_folderSync;
    SyncStats m_totals;

    QList<ContentTask> m_contentTasks;
    quint64 m_contentTask = 0;  // the token of the task running, 0 when none
    quint64 m_lastContentTask = 0;
    quint64 m_searchGeneration = 0;
    QPointer<ServerSearcher> m_searcher;
    // The UIDVALIDITY of folders the store holds no state for, learnt by a server search: their
    // hits' content is fetched under it.
    QHash<qint64, quint32> m_searchedUidValidity;
};

}  // namespace Heron::Sync
