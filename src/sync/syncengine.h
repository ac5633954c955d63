// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "sync/syncstats.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <memory>

namespace Heron::Accounts {
class Profile;
}  // namespace Heron::Accounts

namespace Heron::Store {
class BatchWriter;
struct MessageMetadata;
struct SearchQuery;
}  // namespace Heron::Store

namespace Heron::Sync {

class AccountSync;
class ContentCache;

// Keeps every account of a profile in step with its server. Accounts run concurrently and
// independently (each has its own AccountSync and connections), so a slow or broken account never
// stalls another. Lives on one thread (the GUI moves it to a worker); all signals are emitted there.
class SyncEngine : public QObject {
    Q_OBJECT
public:
    explicit SyncEngine(Accounts::Profile &profile, QObject *parent = nullptr);
    ~SyncEngine() override;

    // Connects every account (or those given), runs a first round (full when due), then keeps
    // them in step through push or polling until stop().
    void start(const QList<qint64> &accountIds = {});
    // One round for the accounts (all when empty), full when asked or due; roundsFinished() once
    // every account is done or has failed. Journaled operations are replayed first.
    void syncOnce(const QList<qint64> &accountIds = {}, bool full = false);
    // Logs out; stopped() once every connection is closed.
    void stop();

    // An incremental round now (F5, "sync now"); folderId 0 for all selected folders.
    void requestSync(qint64 accountId, qint64 folderId = 0);
    // The folder the user looks at is synchronized before the others.
    void setFolderOnScreen(qint64 folderId);
    // The user queued operations in the journal (LocalActions): replay them soon.
    void operationsQueued(qint64 accountId);

    // Fetches one body part on the account's on-demand connection (never behind a sync), through
    // the content cache. Returns a request id for the signals below.
    quint64 fetchPart(qint64 messageId, const QString &section);

    // Asks every account's server for the matches the store cannot know: messages before the
    // sliding window and in folders not synchronized. They are stored as server hits (kept out of
    // the sync's counts and checks) until endServerSearch(). serverSearchHits() as each folder
    // answers, serverSearchFinished() once every account has. A new search cancels the one
    // before, whose signals stop.
    void searchServer(quint64 serial, const Store::SearchQuery &query);
    // Cancels the server search and removes its hits from the store.
    Result<int> endServerSearch();

    ContentCache *contentCache() const;
    Accounts::Profile &profile() const { return m_profile; }
    // Totals since start, per account.
    SyncStats stats(qint64 accountId) const;
    // Runs now the idle work a finished round scheduled for a second later, if any: removed
    // messages' rows leave the search index and the store is checkpointed.
    void checkpointIfPending();

Q_SIGNALS:
    void messagesArrived(qint64 accountId, qint64 folderId, const QList<qint64> &messageIds);
    void messagesVanished(qint64 accountId, qint64 folderId, int count);
    void flagsChanged(qint64 accountId, qint64 folderId, int count);
    void folderAdded(qint64 accountId, qint64 folderId, const QString &path);
    void folderRemoved(qint64 accountId, qint64 folderId, const QString &path);
    void folderRenamed(qint64 accountId, qint64 folderId, const QString &oldPath, const QString &newPath);
    // A delivery-status report arrived (RFC 3464); originalMessageId is the store id of the
    // message it reports on when its Message-ID is known here, else 0.
    void bounceReceived(qint64 accountId, qint64 messageId, qint64 originalMessageId);
    void progressChanged(const Heron::Sync::SyncProgress &progress);
    void accountStateChanged(qint64 accountId, Heron::Sync::AccountState state);
    // In plain words, ready to show.
    void errorOccurred(qint64 accountId, const QString &message);
    void roundFinished(qint64 accountId, const Heron::Sync::SyncStats &stats);
    void roundsFinished();  // after syncOnce()
    void stopped();
    void operationsReplayed(qint64 accountId, int done, int failed);

    void serverSearchHits(quint64 serial, const QList<qint64> &messageIds);
    // errors: per account, in plain words ("Work: Not connected to the server."); empty when all answered.
    void serverSearchFinished(quint64 serial, int hits, const QStringList &errors);

    void partFetchProgress(quint64 requestId, qint64 received, qint64 total);
    void partFetched(quint64 requestId, const QByteArray &content);  // transfer-decoded bytes
    void partFailed(quint64 requestId, const Heron::Error &error);

private:
    AccountSync *accountSync(qint64 accountId);
    void indexBodyText(const Store::MessageMetadata &message, const QString &section, const QByteArray &content);
    void checkRoundsFinished();
    void checkpoint();

    Accounts::Profile &m_profile;
    std::unique_ptr<ContentCache> m_contentCache;
    // A child, so that it moves with the engine to its thread; its own thread writes new messages.
    Store::BatchWriter *m_batchWriter = nullptr;
    QHash<qint64, AccountSync *> m_accounts;
    QList<qint64> m_waitingForRound;
    // Started when an account's round ends: removed messages leave the search index and the
    // store's write-ahead log is folded back into the database file once writes have paused,
    // not inside a commit somebody waits for.
    QTimer *m_checkpointTimer = nullptr;
    quint64 m_nextRequestId = 1;
    // The server search running: its serial, the accounts yet to answer, what they found.
    quint64 m_searchSerial = 0;
    int m_searchesPending = 0;
    int m_searchHits = 0;
    QStringList m_searchErrors;
};

}  // namespace Heron::Sync
