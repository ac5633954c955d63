// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/accountsettings.h"
#include "core/result.h"
#include "core/uidset.h"
#include "imap/response.h"
#include "store/batchwriter.h"
#include "store/folderrecord.h"
#include "store/folderstore.h"
#include "store/syncbatch.h"
#include "sync/syncstats.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <optional>

namespace Heron::Imap {
class Session;
}

namespace Heron::Store {
class Database;
}

namespace Heron::Sync {

// What one folder's synchronization is asked to do.
// The new messages' batch for an account's batch size: twice it, at most one store transaction
// (Store::FolderStore::kMaxRowsPerTransaction), which the default of 1,000 reaches. Fewer, fuller
// transactions rewrite fewer index pages: an initial sync spends a tenth less in the store than
// with batches of 1,000, while a small batch size still gives small batches.
int newMessageBatchSize(int batchSize);

struct FolderSyncRequest {
    Store::FolderRecord folder;  // as stored when the round began
    QByteArray mailbox;          // the wire name
    // STATUS from this round's LIST-STATUS or STATUS, when the server gave it.
    std::optional<Imap::StatusDataResponse> status;
    // QResync, CondStore or Plain: what the session allows, after the account's forced choice.
    Accounts::SyncStrategy strategy = Accounts::SyncStrategy::Plain;
    bool fullRound = false;
    int batchSize = 1000;  // UIDs per flag-scan FETCH (the account's batch size)
    // UIDs per FETCH of new messages' metadata, each batch stored in one transaction (see
    // newMessageBatchSize()).
    int newMessageBatchSize = Store::FolderStore::kMaxRowsPerTransaction;
    int pipelineDepth = 3;  // FETCH batches in flight
    // The first instant of the sliding window; invalid keeps the whole folder.
    QDateTime windowStart;
};

// How a folder's synchronization went.
struct FolderSyncResult {
    SyncStats stats;
    QList<qint64> insertedIds;  // message ids inserted by this sync, newest first
    QList<qint64> arrivedIds;   // of those, new mail: above the UIDNEXT of an earlier sync
    bool skipped = false;       // unchanged STATUS: nothing sent
    bool reconciled = false;    // a cross-check failed and the UIDs were compared in full
    bool uidValidityChanged = false;
    QStringList droppedCacheKeys;  // content of the rebuilt folder, for the cache to delete
    QString strategyUsed;          // "qresync", "condstore", "plain"
    bool changedDuringSync = false;  // the server announced more changes meanwhile: sync again
};

// Brings one folder of the store in step with the server over an authenticated session,
// cheapest path first (ARCHITECTURE.md, "Sync engine — the rules"):
//  1. unchanged UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and MESSAGES → no command at all;
//  2. QRESYNC: EXAMINE with (QRESYNC ...) → VANISHED (EARLIER) and changed flags;
//  3. CONDSTORE: UID FETCH (FLAGS) (CHANGEDSINCE) and UID SEARCH for expunges;
//  4. neither: UID SEARCH for expunges and UID FETCH (FLAGS) of the newest batch (all in full rounds);
// then the missing messages newest first in pipelined batches. Answers that fail cross-checks
// (UIDNEXT or HIGHESTMODSEQ going backwards, a VANISHED covering the whole folder, EXISTS not
// matching the stored count) lead to a comparison of the full UID lists, never to deletion on
// their word alone. The folder's sync point is written only together with the rows it covers:
// every message in the window with a UID in [syncedDownTo, uidNext) is stored; syncedDownTo 1
// means the folder is complete.
class FolderSync : public QObject {
    Q_OBJECT
public:
    // New messages are written through writer, on its thread; everything else on this one.
    FolderSync(Imap::Session *session, Store::Database &database, Store::BatchWriter &writer,
               FolderSyncRequest request, QObject *parent = nullptr);
    ~FolderSync() override;

    void start();
    const FolderSyncRequest &request() const { return m_request; }

    // True when STATUS says nothing changed, so no SELECT is needed.
    static bool isUnchanged(const FolderSyncRequest &request);

Q_SIGNALS:
    void progressChanged(qint64 done, qint64 total);
    void finished(const Heron::Sync::FolderSyncResult &result);
    void failed(const Heron::Error &error);

private:
    void select();
    void selected();
    void addFlagChange(quint32 uid, const Imap::FetchResponse &response);
    void dropEarlierPushedFlags(quint32 uid);
    void reconcile(const QString &why);
    bool loadLocalUids();
    bool comparesAllFlags() const;
    bool needsExistenceSearch() const;
    bool needsFullCandidateSearch() const;
    void findChanges();
    void fetchFlags(const QList<UidSet> &sets, quint64 changedSince);
    void searchServer();
    void applyChangesAndPlanFetch();
    void fetchNextBatches();
    void batchFetched(int index);
    void batchWritten(int index, qint64 fetched, const Result<Store::SyncBatchOutcome> &outcome);
    void finishRound();
    void finishWith();
    void fail(const Error &error);
    void reportFailure();
    Store::FolderSyncPoint syncPoint() const;
    void onUnsolicited(const Imap::Response &response);
    QByteArray sinceCriterion() const;
    QString strategyName() const;

    QPointer<Imap::Session> m_session;
    Store::Database &m_database;
    Store::BatchWriter &m_writer;
    Store::BatchWriter::Sequence m_writeSequence;
    FolderSyncRequest m_request;
    FolderSyncResult m_result;
    Store::FolderState m_state;  // the sync point as last written
    QDateTime m_started;
    quint64 m_bytesInAtStart = 0;
    quint64 m_bytesOutAtStart = 0;
    quint64 m_commandsAtStart = 0;
    quint64 m_roundTripsAtStart = 0;

    // From the SELECT
    quint32 m_serverUidValidity = 0;
    quint32 m_serverUidNext = 0;
    quint64 m_serverHighestModSeq = 0;
    quint32 m_serverExists = 0;
    bool m_initial = false;
    bool m_reconciling = false;
    bool m_reconciledOnce = false;

    // Changes found
    QList<Store::FlagChange> m_flagChanges;
    QHash<quint32, qsizetype> m_flagIndex;  // uid → index in m_flagChanges
    UidSet m_vanished;
    UidSet m_lateVanished;  // pushed while this sync ran
    QList<Store::FlagChange> m_lateFlags;
    UidSet m_serverUids;  // every UID on the server (UID SEARCH ALL), when asked
    bool m_haveServerUids = false;
    bool m_distrustServerUids = false;  // the UID list was shorter than EXISTS: no removal on it
    UidSet m_candidates;  // UIDs to have locally (window applied)
    bool m_fullCandidateSearch = false;
    // The stored UIDs. An incremental QRESYNC round does without the whole set (a folder of
    // 100,000 messages costs tens of milliseconds to read): it asks the store only for the
    // stored UIDs that VANISHED names (m_storedVanished) and for those in the range it fetches.
    UidSet m_localUids;
    bool m_localUidsLoaded = false;
    UidSet m_storedVanished;

    // Fetch plan: missing UIDs, newest first, in batches written in order. Batches
    // [m_nextBatchToApply, m_nextBatchToWrite) are with the writer; those up to
    // m_nextBatchToSend are being fetched.
    QList<UidSet> m_batches;
    QList<QList<Store::MessageMetadata>> m_batchMessages;
    QList<bool> m_batchDone;
    int m_nextBatchToSend = 0;
    int m_nextBatchToWrite = 0;
    int m_nextBatchToApply = 0;
    int m_newRangeBatches = 0;  // the first this many batches hold UIDs at or above the old uidNext
    quint32 m_newUidNext = 0;
    qint64 m_fetchTotal = 0;
    qint64 m_fetchDone = 0;
    quint64 m_expungesSeen = 0;  // EXPUNGE/VANISHED pushed during this sync
    bool m_finished = false;
    // A failure waits for the batches with the writer, so that nothing of this sync is written
    // after it is reported.
    std::optional<Error> m_failure;
};

}  // namespace Heron::Sync

Q_DECLARE_METATYPE(Heron::Sync::FolderSyncResult)
