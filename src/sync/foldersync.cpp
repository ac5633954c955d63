// SPDX-License-Identifier: GPL-3.0-or-later
#include "foldersync.h"

#include "imap/fetchjob.h"
#include "imap/searchjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "sync/messageconverter.h"
#include "sync/synclogging.h"

#include <algorithm>

namespace Heron::Sync {

namespace {

// Messages within a day before the window's start are kept: SINCE compares dates without time
// or zone (RFC 3501 §6.4.4), so the server's idea of the boundary day can differ from ours by a
// day, and purging those messages would fetch them again every round.
constexpr qint64 kWindowGraceSeconds = 24 * 3600;

// Fetched batches that may wait for the writer while the next ones are fetched.
constexpr int kWritesQueued = 2;

// The smallest first batch of an initial fetch (chunksNewestFirst).
constexpr int kFirstBatchMinimum = 50;

}  // namespace

int newMessageBatchSize(int batchSize)
{
    return std::clamp(2 * batchSize, 1, Store::FolderStore::kMaxRowsPerTransaction);
}

namespace {

// With firstBatchSize, the first chunk is that small: the newest messages reach the store (and
// the screen) after a short FETCH, and the writer starts while the next, full batch is fetched.
QList<UidSet> chunksNewestFirst(const UidSet &uids, int batchSize, int firstBatchSize = 0)
{
    QList<UidSet> chunks;
    UidSet rest = uids;
    while (!rest.isEmpty()) {
        const int size = chunks.isEmpty() && firstBatchSize > 0 ? std::min(firstBatchSize, batchSize) : batchSize;
        const UidSet top = rest.highest(quint64(size));
        chunks.append(top);
        rest = rest.subtracted(top);
    }
    return chunks;
}

}  // namespace

FolderSync::FolderSync(Imap::Session *session, Store::Database &database, Store::BatchWriter &writer,
                       FolderSyncRequest request, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_database(database)
    , m_writer(writer)
    , m_writeSequence(Store::BatchWriter::newSequence())
    , m_request(std::move(request))
{
}

FolderSync::~FolderSync() = default;

bool FolderSync::isUnchanged(const FolderSyncRequest &request)
{
    if (!request.status || request.fullRound || request.strategy == Accounts::SyncStrategy::Plain)
        return false;
    const Imap::StatusDataResponse &status = *request.status;
    const Store::FolderState &state = request.folder.state;
    if (!status.uidValidity || !status.uidNext || !status.messages || !status.highestModSeq)
        return false;
    if (state.uidValidity == 0 || state.syncedDownTo != 1)
        return false;
    // A window that was turned off or moved earlier needs older messages: not unchanged.
    const QDateTime &stored = request.folder.windowStart;
    if (stored.isValid() && (!request.windowStart.isValid() || request.windowStart < stored))
        return false;
    return *status.uidValidity == state.uidValidity && *status.uidNext == state.uidNext &&
           *status.highestModSeq == state.highestModSeq && *status.messages == state.serverMessages;
}

QString FolderSync::strategyName() const
{
    return Accounts::strategyName(m_request.strategy);
}

void FolderSync::start()
{
    m_started = QDateTime::currentDateTimeUtc();
    m_state = m_request.folder.state;
    m_result.strategyUsed = strategyName();
    m_result.stats.folders = 1;
    if (!m_session)
        return fail(makeError(Error::Code::Network, tr("The connection to the server was lost.")));
    const Imap::SessionStats &stats = m_session->stats();
    m_bytesInAtStart = stats.bytesIn;
    m_bytesOutAtStart = stats.bytesOut;
    m_commandsAtStart = stats.commands;
    m_roundTripsAtStart = stats.roundTrips;

    if (isUnchanged(m_request)) {
        m_result.skipped = true;
        finishRound();
        return;
    }
    select();
}

void FolderSync::select()
{
    auto *job = new Imap::SelectJob(m_session);
    job->setMailbox(m_request.mailbox);
    job->setReadOnly(true);
    const bool qresync = m_request.strategy == Accounts::SyncStrategy::QResync;
    if (qresync && m_state.uidValidity != 0 && m_state.highestModSeq != 0)
        job->setQResync(m_state.uidValidity, m_state.highestModSeq);
    else if (m_request.strategy != Accounts::SyncStrategy::Plain)
        job->setCondStore(true);
    job->setCollectChanges(false);
    connect(job, &Imap::SelectJob::messageFetched, this, [this](const Imap::FetchResponse &response) {
        if (response.uid && response.flags)
            addFlagChange(*response.uid, response);
    });
    connect(job, &Imap::SelectJob::messagesVanished, this, [this](const UidSet &uids) { m_vanished.unite(uids); });
    connect(job, &Imap::Job::finished, this, [this, job] {
        m_serverUidValidity = job->uidValidity();
        m_serverUidNext = job->uidNext();
        m_serverHighestModSeq = job->noModSeq() ? 0 : job->highestModSeq();
        m_serverExists = job->exists();
        // Only now: untagged data before the tagged OK may still describe the previous mailbox.
        connect(m_session, &Imap::Session::unsolicited, this, &FolderSync::onUnsolicited);
        selected();
    });
    connect(job, &Imap::Job::failed, this, [this](const Error &error) { fail(error); });
    ++m_result.stats.selects;
    job->start();
}

void FolderSync::dropEarlierPushedFlags(quint32 uid)
{
    // Responses arrive in order (RFC 3501 §5.5): data about a UID is newer than a push about it
    // that came before, so that push must not be applied over it at the end of the round.
    m_lateFlags.removeIf([uid](const Store::FlagChange &change) { return change.uid == uid; });
}

void FolderSync::addFlagChange(quint32 uid, const Imap::FetchResponse &response)
{
    dropEarlierPushedFlags(uid);
    Store::FlagChange change{uid, flagsFromFetch(response), response.modSeq.value_or(0)};
    const auto found = m_flagIndex.constFind(uid);
    if (found != m_flagIndex.constEnd()) {
        m_flagChanges[*found] = change;
    } else {
        m_flagIndex.insert(uid, m_flagChanges.size());
        m_flagChanges.append(change);
    }
}

void FolderSync::selected()
{
    if (m_serverUidValidity == 0)
        return fail(makeError(Error::Code::Protocol,
                              tr("The server did not say which UIDVALIDITY %1 has.").arg(m_request.folder.listing.path)));
    if (m_state.uidValidity != m_serverUidValidity) {
        // RFC 3501 §2.3.1.1: the UIDs we hold mean nothing any more; rebuild the folder.
        if (m_state.uidValidity != 0) {
            qCInfo(lcSync) << "UIDVALIDITY of" << m_request.folder.listing.path << "changed from"
                           << m_state.uidValidity << "to" << m_serverUidValidity;
            m_result.uidValidityChanged = true;
        }
        auto dropped = Store::FolderStore(m_database).resetForUidValidity(m_request.folder.id, m_serverUidValidity);
        if (!dropped)
            return fail(dropped.error());
        m_result.droppedCacheKeys.append(*dropped);
        m_state = Store::FolderState();
        m_state.uidValidity = m_serverUidValidity;
        m_flagChanges.clear();
        m_flagIndex.clear();
        m_vanished = UidSet();
    }
    m_initial = m_state.uidNext == 0 && m_state.syncedDownTo == 0;

    const bool incrementalQResync = !m_initial && !m_request.fullRound &&
                                    m_request.strategy == Accounts::SyncStrategy::QResync && !comparesAllFlags();
    quint64 storedCount = 0;
    if (incrementalQResync) {
        auto stored = Store::MessageStore(m_database).storedAmong(m_request.folder.id, m_vanished);
        if (!stored)
            return fail(stored.error());
        m_storedVanished = *stored;
        // The count as it is now: local actions may have removed messages since the round began.
        auto folder = Store::FolderStore(m_database).folder(m_request.folder.id);
        if (!folder)
            return fail(folder.error());
        storedCount = quint64(folder->messageCount);
    } else {
        if (!loadLocalUids())
            return;
        m_storedVanished = m_vanished.intersected(m_localUids);
        storedCount = m_localUids.count();
    }

    if (!m_initial) {
        if (m_serverUidNext != 0 && m_serverUidNext < m_state.uidNext)
            return reconcile(QStringLiteral("UIDNEXT went back from %1 to %2").arg(m_state.uidNext).arg(m_serverUidNext));
        if (m_request.strategy != Accounts::SyncStrategy::Plain && m_state.highestModSeq != 0 &&
            m_serverHighestModSeq != 0 && m_serverHighestModSeq < m_state.highestModSeq)
            return reconcile(QStringLiteral("HIGHESTMODSEQ went back from %1 to %2")
                                     .arg(m_state.highestModSeq)
                                     .arg(m_serverHighestModSeq));
        if (!m_vanished.isEmpty() && storedCount > 0 && m_serverExists > 0 &&
            m_storedVanished.count() == storedCount)
            return reconcile(QStringLiteral("VANISHED named every stored message while %1 exist").arg(m_serverExists));
        // EXISTS against what the answer leaves: a complete folder keeps its messages that did not
        // vanish, plus at most one new message per UID handed out since. More than that and the
        // VANISHED cannot be right; compare before deleting anything.
        if (!m_vanished.isEmpty() && m_serverUidNext != 0 && m_state.syncedDownTo == 1 &&
            !m_request.folder.windowStart.isValid()) {
            const quint64 kept = storedCount - m_storedVanished.count();
            const quint64 arrived = m_serverUidNext > m_state.uidNext ? m_serverUidNext - m_state.uidNext : 0;
            if (m_serverExists > kept + arrived)
                return reconcile(QStringLiteral("VANISHED leaves %1 messages and %2 can have arrived, but %3 exist")
                                         .arg(kept)
                                         .arg(arrived)
                                         .arg(m_serverExists));
        }
    }
    findChanges();
}

void FolderSync::reconcile(const QString &why)
{
    qCWarning(lcSync) << "Comparing all UIDs of" << m_request.folder.listing.path << "because" << why;
    m_reconciling = true;
    m_result.reconciled = true;
    m_vanished = UidSet();
    m_storedVanished = UidSet();
    if (!loadLocalUids())
        return;
    findChanges();
}

bool FolderSync::loadLocalUids()
{
    if (m_localUidsLoaded)
        return true;
    auto local = Store::MessageStore(m_database).uids(m_request.folder.id);
    if (!local) {
        fail(local.error());
        return false;
    }
    m_localUids = *local;
    m_localUidsLoaded = true;
    return true;
}

bool FolderSync::comparesAllFlags() const
{
    // Without mod-sequences on both sides (a folder first synchronized without them, a mailbox
    // with NOMODSEQ) nothing says what changed: compare like the plain strategy.
    return m_reconciling || m_request.strategy == Accounts::SyncStrategy::Plain || m_serverHighestModSeq == 0 ||
           (!m_initial && m_state.highestModSeq == 0);
}

bool FolderSync::needsExistenceSearch() const
{
    if (m_initial)
        return false;  // nothing stored to compare
    if (m_request.fullRound || comparesAllFlags())
        return true;
    if (m_request.strategy == Accounts::SyncStrategy::CondStore)
        return m_serverHighestModSeq != m_state.highestModSeq || m_serverExists != m_state.serverMessages ||
               m_serverUidNext != m_state.uidNext;
    return false;  // QRESYNC reports expunges itself (VANISHED)
}

bool FolderSync::needsFullCandidateSearch() const
{
    if (m_initial || m_reconciling || m_request.fullRound || m_state.syncedDownTo != 1)
        return true;
    const QDateTime &stored = m_request.folder.windowStart;
    return stored.isValid() && (!m_request.windowStart.isValid() || m_request.windowStart < stored);
}

void FolderSync::findChanges()
{
    if (m_initial)
        return searchServer();
    if (comparesAllFlags()) {
        // Without mod-sequences every stored flag is compared: the newest batch each round,
        // all of them in full rounds and reconciliations.
        // A mod-sequence strategy that fell back here has no idea where changes are: all of them.
        const bool everything = m_reconciling || m_request.fullRound ||
                                m_request.strategy != Accounts::SyncStrategy::Plain;
        if (!loadLocalUids())
            return;
        const UidSet scanned = everything ? m_localUids : m_localUids.highest(quint64(m_request.batchSize));
        return fetchFlags(chunksNewestFirst(scanned, m_request.batchSize), 0);
    }
    if (m_request.strategy == Accounts::SyncStrategy::CondStore && m_serverHighestModSeq != m_state.highestModSeq) {
        // 1:* and not 1:(uidNext-1): messages above the stored UIDNEXT may already be stored
        // (new mail written before the point moved), and CHANGEDSINCE returns only what changed.
        return fetchFlags({UidSet::fromRange(1, UidSet::kStar)}, m_state.highestModSeq);
    }
    searchServer();
}

void FolderSync::fetchFlags(const QList<UidSet> &sets, quint64 changedSince)
{
    if (sets.isEmpty())
        return searchServer();
    auto pending = std::make_shared<int>(int(sets.size()));
    const bool modSeq = m_request.strategy != Accounts::SyncStrategy::Plain;
    for (const UidSet &set : sets) {
        auto *job = new Imap::FetchJob(m_session);
        job->setUids(set);
        Imap::Strings items{QByteArrayLiteral("UID"), QByteArrayLiteral("FLAGS")};
        if (modSeq)
            items.append(QByteArrayLiteral("MODSEQ"));
        job->setItems(items);
        if (changedSince != 0)
            job->setChangedSince(changedSince);
        connect(job, &Imap::FetchJob::messageFetched, this, [this](const Imap::FetchResponse &response) {
            if (response.uid && response.flags)
                addFlagChange(*response.uid, response);
        });
        connect(job, &Imap::Job::finished, this, [this, pending] {
            if (--*pending == 0)
                searchServer();
        });
        connect(job, &Imap::Job::failed, this, [this](const Error &error) { fail(error); });
        job->start();
    }
}

QByteArray FolderSync::sinceCriterion() const
{
    if (!m_request.windowStart.isValid())
        return {};
    return QByteArrayLiteral("SINCE ") + Imap::SearchJob::formatDate(m_request.windowStart.toUTC().date());
}

void FolderSync::searchServer()
{
    if (m_finished)
        return;
    m_fullCandidateSearch = needsFullCandidateSearch();
    m_candidates = UidSet();
    m_serverUids = UidSet();
    const bool existence = needsExistenceSearch();
    const QByteArray since = sinceCriterion();
    auto pending = std::make_shared<int>(0);
    const auto done = [this, pending] {
        if (--*pending == 0)
            applyChangesAndPlanFetch();
    };
    const auto search = [this, pending, done](const QByteArray &criteria, UidSet *into) {
        ++*pending;
        auto *job = new Imap::SearchJob(m_session);
        job->setCriteria(criteria);
        connect(job, &Imap::Job::finished, this, [job, into, done] {
            *into = job->uids();
            done();
        });
        connect(job, &Imap::Job::failed, this, [this](const Error &error) { fail(error); });
        job->start();
    };

    m_haveServerUids = existence || (m_fullCandidateSearch && since.isEmpty());
    if (m_haveServerUids)
        search(QByteArrayLiteral("ALL"), &m_serverUids);
    if (m_fullCandidateSearch) {
        if (!since.isEmpty())
            search(since, &m_candidates);
    } else if (m_serverUidNext > m_state.uidNext || m_serverUidNext == 0) {
        // Only what arrived since the last round. "n:*" also matches the highest UID when it is
        // below n (RFC 3501 §6.4.8), which the plan drops again.
        QByteArray criteria = QByteArrayLiteral("UID ") + QByteArray::number(std::max<quint32>(1, m_state.uidNext)) +
                              QByteArrayLiteral(":*");
        if (!since.isEmpty())
            criteria += ' ' + since;
        search(criteria, &m_candidates);
    }
    if (*pending == 0)
        applyChangesAndPlanFetch();
}

void FolderSync::applyChangesAndPlanFetch()
{
    if (m_finished)
        return;
    const qint64 folderId = m_request.folder.id;
    if (m_haveServerUids && (m_fullCandidateSearch && sinceCriterion().isEmpty()))
        m_candidates = m_serverUids;

    // Removals: what QRESYNC reported, and what a UID comparison found missing on the server.
    if (m_haveServerUids && !loadLocalUids())
        return;
    UidSet removed = m_storedVanished;
    if (m_haveServerUids && !m_initial) {
        // A UID list shorter than the message count, beyond what was expunged meanwhile, is not
        // believed: deleting on its word could empty the folder.
        if (m_serverUids.count() + m_expungesSeen < m_serverExists) {
            qCWarning(lcSync) << "The server listed" << m_serverUids.count() << "messages in"
                              << m_request.folder.listing.path << "but said it has" << m_serverExists
                              << "; nothing is removed on that answer";
            m_distrustServerUids = true;
        }
        // Only stored UIDs below the server's UIDNEXT at SELECT time can be judged: anything
        // above arrived after the search was answered. Not so in a reconciliation: every stored
        // UID was read before the search was sent, and one at or above a UIDNEXT that went back
        // was never the server's; kept, it would stand for the next message given that UID.
        const quint32 judgedUpTo =
                m_reconciling || m_serverUidNext == 0 ? UidSet::kStar - 1 : m_serverUidNext - 1;
        if (!m_distrustServerUids)
            removed.unite(m_localUids.restrictedTo(1, judgedUpTo).subtracted(m_serverUids));
    }
    UidSet purged;
    if (m_request.windowStart.isValid()) {
        auto outside = Store::MessageStore(m_database)
                               .uidsReceivedBefore(folderId, m_request.windowStart.addSecs(-kWindowGraceSeconds));
        if (!outside)
            return fail(outside.error());
        purged = outside->subtracted(removed);
    }

    Store::SyncBatch changes;
    changes.uidValidity = m_serverUidValidity;
    changes.flagChanges = m_flagChanges;
    changes.removedUids = removed;
    changes.removedUids.unite(purged);
    if (m_request.strategy != Accounts::SyncStrategy::Plain && m_serverHighestModSeq != 0)
        m_state.highestModSeq = m_serverHighestModSeq;
    m_state.serverMessages = m_serverExists;
    changes.syncPoint = syncPoint();
    auto outcome = Store::FolderStore(m_database).applySyncBatch(folderId, changes);
    if (!outcome)
        return fail(outcome.error());
    m_result.stats.changed += outcome->changed;
    m_result.stats.purged += qint64(purged.count());
    m_result.stats.vanished += std::max<qint64>(0, outcome->removed - qint64(purged.count()));
    m_flagChanges.clear();
    m_flagIndex.clear();
    if (m_localUidsLoaded)
        m_localUids = m_localUids.subtracted(changes.removedUids);

    // A reconciliation takes the server's UIDNEXT as it is, even lower than the stored one.
    if (m_reconciling && m_serverUidNext != 0)
        m_state.uidNext = std::min(m_state.uidNext, m_serverUidNext);
    // What to fetch: wanted on the server, not stored, newest first.
    const quint32 oldUidNext = m_state.uidNext;
    UidSet wanted = m_candidates;
    if (!m_fullCandidateSearch)
        wanted = wanted.restrictedTo(std::max<quint32>(1, oldUidNext), UidSet::kStar - 1);
    m_newUidNext = std::max<quint32>(m_serverUidNext, wanted.isEmpty() ? 0 : wanted.max() + 1);
    UidSet missing = wanted;
    if (!wanted.isEmpty()) {
        if (m_localUidsLoaded) {
            missing = wanted.subtracted(m_localUids);
        } else {
            auto stored = Store::MessageStore(m_database).uids(folderId, wanted.min(), wanted.max());
            if (!stored)
                return fail(stored.error());
            missing = wanted.subtracted(*stored);
        }
    }

    m_batches.clear();
    m_newRangeBatches = 0;
    if (oldUidNext == 0) {
        m_batches = chunksNewestFirst(missing, m_request.newMessageBatchSize,
                                      std::max(kFirstBatchMinimum, m_request.newMessageBatchSize / 8));
    } else {
        m_batches = chunksNewestFirst(missing.restrictedTo(oldUidNext, UidSet::kStar - 1),
                                      m_request.newMessageBatchSize);
        m_newRangeBatches = int(m_batches.size());
        if (oldUidNext > 1)
            m_batches.append(
                    chunksNewestFirst(missing.restrictedTo(1, oldUidNext - 1), m_request.newMessageBatchSize));
    }
    m_batchMessages = QList<QList<Store::MessageMetadata>>(m_batches.size());
    m_batchDone = QList<bool>(m_batches.size(), false);
    m_fetchTotal = qint64(missing.count());
    m_fetchDone = 0;
    Q_EMIT progressChanged(0, m_fetchTotal);
    if (m_batches.isEmpty()) {
        m_state.uidNext = std::max(m_state.uidNext, m_newUidNext);
        if (m_fullCandidateSearch || m_state.syncedDownTo == 0)
            m_state.syncedDownTo = 1;
        return finishRound();
    }
    fetchNextBatches();
}

void FolderSync::fetchNextBatches()
{
    // Fetches in flight, and batches fetched but not yet written, are both bounded: memory stays
    // flat however fast the server is and however slow the disk.
    const bool modSeq = m_request.strategy != Accounts::SyncStrategy::Plain;
    while (m_nextBatchToSend < m_batches.size() && m_nextBatchToSend - m_nextBatchToWrite < m_request.pipelineDepth &&
           m_nextBatchToSend - m_nextBatchToApply < m_request.pipelineDepth + kWritesQueued) {
        const int index = m_nextBatchToSend++;
        auto *job = new Imap::FetchJob(m_session);
        job->setUids(m_batches.at(index));
        job->setItems(metadataFetchItems(modSeq));
        connect(job, &Imap::FetchJob::messageFetched, this, [this, index](const Imap::FetchResponse &response) {
            if (!response.uid || !m_batches.at(index).contains(*response.uid))
                return;
            if (!carriesMetadata(response)) {
                // Another client's flag change pushed in the middle of the batch, not the data asked for.
                if (response.flags)
                    m_lateFlags.append({*response.uid, flagsFromFetch(response), response.modSeq.value_or(0)});
                return;
            }
            dropEarlierPushedFlags(*response.uid);
            m_batchMessages[index].append(metadataFromFetch(response));
        });
        connect(job, &Imap::Job::finished, this, [this, index] { batchFetched(index); });
        connect(job, &Imap::Job::failed, this, [this](const Error &error) { fail(error); });
        job->start();
    }
}

void FolderSync::batchFetched(int index)
{
    if (m_finished)
        return;
    m_batchDone[index] = true;
    while (m_nextBatchToWrite < m_batches.size() && m_batchDone.at(m_nextBatchToWrite)) {
        const int b = m_nextBatchToWrite++;
        const bool last = b == m_batches.size() - 1;
        Store::SyncBatch batch;
        batch.uidValidity = m_serverUidValidity;
        batch.messages = std::move(m_batchMessages[b]);
        m_batchMessages[b] = {};
        const qint64 fetched = batch.messages.size();
        if (b < m_newRangeBatches) {
            // New mail above the old UIDNEXT: the point moves once the whole range is stored.
            if (b == m_newRangeBatches - 1) {
                m_state.uidNext = std::max(m_state.uidNext, m_newUidNext);
                batch.syncPoint = syncPoint();
            }
        } else {
            // Older messages, newest first: everything from this batch's lowest UID up is stored.
            m_state.uidNext = std::max(m_state.uidNext, m_newUidNext);
            m_state.syncedDownTo = m_batches.at(b).min();
            batch.syncPoint = syncPoint();
        }
        if (last && (m_fullCandidateSearch || m_state.syncedDownTo == 0)) {
            m_state.syncedDownTo = 1;
            batch.syncPoint = syncPoint();
        }
        // The writer applies batches in the order given, so each sync point still lands with
        // the rows it covers and after every batch before it.
        m_writer.apply(m_writeSequence, m_request.folder.id, std::move(batch), this,
                       [this, b, fetched](const Result<Store::SyncBatchOutcome> &outcome) {
                           batchWritten(b, fetched, outcome);
                       });
    }
    fetchNextBatches();
}

void FolderSync::batchWritten(int index, qint64 fetched, const Result<Store::SyncBatchOutcome> &outcome)
{
    m_nextBatchToApply = index + 1;
    if (m_failure) {
        if (m_nextBatchToApply == m_nextBatchToWrite)
            reportFailure();
        return;
    }
    if (m_finished)
        return;
    if (!outcome)
        return fail(outcome.error());
    m_result.stats.newMessages += outcome->inserted;
    m_result.insertedIds.append(outcome->insertedIds);
    // New mail is what arrived above the old UIDNEXT of a folder synchronized before.
    if (index < m_newRangeBatches)
        m_result.arrivedIds.append(outcome->insertedIds);
    m_fetchDone += fetched;
    Q_EMIT progressChanged(m_fetchDone, m_fetchTotal);
    if (m_nextBatchToApply == m_batches.size())
        return finishRound();
    fetchNextBatches();
}

Store::FolderSyncPoint FolderSync::syncPoint() const
{
    return {m_state.uidNext, m_state.highestModSeq, m_state.syncedDownTo, m_state.serverMessages};
}

void FolderSync::onUnsolicited(const Imap::Response &response)
{
    // Changes another client made while this folder was being synchronized (RFC 3501 §7: the
    // server may send them with any command's response).
    if (const auto *vanished = std::get_if<Imap::VanishedResponse>(&response)) {
        if (!vanished->earlier) {
            m_lateVanished.unite(vanished->uids);
            m_expungesSeen += vanished->uids.count();
            m_result.changedDuringSync = true;
        }
    } else if (const auto *fetch = std::get_if<Imap::FetchResponse>(&response)) {
        if (fetch->uid && fetch->flags)
            m_lateFlags.append({*fetch->uid, flagsFromFetch(*fetch), fetch->modSeq.value_or(0)});
        else
            m_result.changedDuringSync = true;
    } else if (const auto *number = std::get_if<Imap::NumberResponse>(&response)) {
        if (number->kind == Imap::NumberResponse::Kind::Expunge) {
            ++m_expungesSeen;
            m_result.changedDuringSync = true;
        } else if (number->kind == Imap::NumberResponse::Kind::Exists && number->number != m_serverExists) {
            m_result.changedDuringSync = true;
        }
    }
}

void FolderSync::finishRound()
{
    if (m_finished)
        return;
    const qint64 folderId = m_request.folder.id;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Store::SyncBatch batch;
    if (m_result.skipped) {
        // Nothing asked of the server; only the window may have moved on.
        if (m_request.windowStart.isValid()) {
            auto outside = Store::MessageStore(m_database)
                                   .uidsReceivedBefore(folderId, m_request.windowStart.addSecs(-kWindowGraceSeconds));
            if (!outside)
                return fail(outside.error());
            batch.removedUids = *outside;
            m_result.stats.purged += qint64(outside->count());
        }
    } else {
        if (!m_reconciledOnce && !m_lateVanished.isEmpty()) {
            auto local = Store::MessageStore(m_database).uids(folderId);
            if (!local)
                return fail(local.error());
            if (!local->isEmpty() && local->subtracted(m_lateVanished).isEmpty()) {
                // A VANISHED pushed during the round that names every stored message is checked
                // like one at SELECT: by a comparison, which supersedes it.
                m_reconciledOnce = true;
                m_lateVanished = UidSet();
                m_localUids = *local;
                m_localUidsLoaded = true;
                m_nextBatchToSend = m_nextBatchToWrite = m_nextBatchToApply = 0;
                m_batches.clear();
                return reconcile(QStringLiteral("a VANISHED pushed during the round named every stored message"));
            }
        }
        batch.uidValidity = m_serverUidValidity;
        batch.removedUids = m_lateVanished;
        batch.flagChanges = m_lateFlags;
        batch.syncPoint = syncPoint();
    }
    if (m_request.fullRound)
        batch.fullRoundFinished = now;
    else
        batch.incrementalRoundFinished = now;
    auto outcome = Store::FolderStore(m_database).applySyncBatch(folderId, batch);
    if (!outcome)
        return fail(outcome.error());
    if (!m_result.skipped) {
        m_result.stats.vanished += outcome->removed;
        m_result.stats.changed += outcome->changed;
    }
    m_lateVanished = UidSet();
    m_lateFlags.clear();

    Store::FolderStore folders(m_database);
    auto stored = folders.folder(folderId);
    if (!stored)
        return fail(stored.error());
    // Cross-check: without a window the folder must hold exactly what the server has.
    if (!m_result.skipped && !m_request.windowStart.isValid() && !m_reconciledOnce && !m_distrustServerUids &&
        !m_result.changedDuringSync && quint32(stored->messageCount) != m_serverExists) {
        m_reconciledOnce = true;
        auto local = Store::MessageStore(m_database).uids(folderId);
        if (!local)
            return fail(local.error());
        m_localUids = *local;
        m_localUidsLoaded = true;
        m_nextBatchToSend = m_nextBatchToWrite = m_nextBatchToApply = 0;
        m_batches.clear();
        return reconcile(QStringLiteral("the server has %1 messages and %2 are stored")
                                 .arg(m_serverExists)
                                 .arg(stored->messageCount));
    }
    if (stored->windowStart != m_request.windowStart) {
        if (auto set = folders.setWindowStart(folderId, m_request.windowStart); !set)
            return fail(set.error());
    }
    if (!m_result.skipped || !stored->lastError.isEmpty()) {
        if (auto set = folders.setSyncStatus(folderId, strategyName(), QString()); !set)
            return fail(set.error());
    }
    finishWith();
}

void FolderSync::finishWith()
{
    m_finished = true;
    if (m_session) {
        const Imap::SessionStats &stats = m_session->stats();
        m_result.stats.bytesIn = stats.bytesIn - m_bytesInAtStart;
        m_result.stats.bytesOut = stats.bytesOut - m_bytesOutAtStart;
        m_result.stats.commands = stats.commands - m_commandsAtStart;
        m_result.stats.roundTrips = stats.roundTrips - m_roundTripsAtStart;
        disconnect(m_session, nullptr, this, nullptr);
    }
    m_result.stats.milliseconds = m_started.msecsTo(QDateTime::currentDateTimeUtc());
    Q_EMIT finished(m_result);
}

void FolderSync::fail(const Error &error)
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    qCWarning(lcSync) << "Synchronizing" << m_request.folder.listing.path << "failed:" << error.message;
    m_failure = error;
    if (m_nextBatchToApply == m_nextBatchToWrite)
        reportFailure();
}

void FolderSync::reportFailure()
{
    Store::FolderStore(m_database).setSyncStatus(m_request.folder.id, strategyName(), m_failure->message);
    Q_EMIT failed(*m_failure);
}

}  // namespace Heron::Sync
