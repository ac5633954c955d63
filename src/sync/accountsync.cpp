// SPDX-License-Identifier: GPL-3.0-or-later
#include "accountsync.h"

#include "imap/closejob.h"
#include "imap/idlejob.h"
#include "imap/listjob.h"
#include "imap/mailboxname.h"
#include "imap/notifyjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "imap/statusjob.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"
#include "store/searchquery.h"
#include "sync/bodystructure.h"
#include "sync/connection.h"
#include "sync/contentcache.h"
#include "sync/operationreplayer.h"
#include "sync/partfetcher.h"
#include "sync/serversearcher.h"
#include "sync/synclogging.h"

#include <QRandomGenerator>
#include <QSet>

namespace Heron::Sync {

namespace {

constexpr int kPushDebounceMs = 150;
constexpr int kMaxBackoffMs = 5 * 60 * 1000;
constexpr int kAuthenticationRetryMs = 15 * 60 * 1000;
// A folder that keeps changing while it is synchronized is taken again at most this often per round.
constexpr int kMaxResyncsPerRound = 2;
// Reporting bounces reads each new message once; a huge first sync is not worth it.
constexpr int kMaxBounceChecks = 500;

const QStringList kSpecialUses = {QStringLiteral("\\All"),     QStringLiteral("\\Archive"), QStringLiteral("\\Drafts"),
                                  QStringLiteral("\\Flagged"), QStringLiteral("\\Junk"),    QStringLiteral("\\Sent"),
                                  QStringLiteral("\\Trash")};

bool isInbox(const QString &path)
{
    return path.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0;
}

bool isSelectable(const Store::FolderListing &listing)
{
    for (const QString &attribute : listing.attributes) {
        if (attribute.compare(QLatin1String("\\Noselect"), Qt::CaseInsensitive) == 0 ||
            attribute.compare(QLatin1String("\\NonExistent"), Qt::CaseInsensitive) == 0)
            return false;
    }
    return true;
}

}  // namespace

AccountSync::AccountSync(Accounts::Profile &profile, qint64 accountId, ContentCache *contentCache,
                         Store::BatchWriter &writer, QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_accountId(accountId)
    , m_contentCache(contentCache)
    , m_writer(writer)
{
    m_roundTimer.setSingleShot(true);
    connect(&m_roundTimer, &QTimer::timeout, this, [this] { beginRound(); });
    m_pushDebounce.setSingleShot(true);
    m_pushDebounce.setInterval(kPushDebounceMs);
    connect(&m_pushDebounce, &QTimer::timeout, this, [this] { beginRound(); });
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, [this] {
        beginRound();
        startPush();
    });
}

AccountSync::~AccountSync() = default;

int AccountSync::backoffMilliseconds(int attempt)
{
    const qint64 base = std::min<qint64>(kMaxBackoffMs, qint64(1000) << std::clamp(attempt, 0, 20));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return int(std::min<double>(kMaxBackoffMs, double(base) * jitter));
}

void AccountSync::setState(AccountState state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void AccountSync::start()
{
    m_continuous = true;
    m_stopping = false;
    beginRound();
}

void AccountSync::syncOnce(bool full)
{
    m_continuous = false;
    m_stopping = false;
    m_fullRequested = m_fullRequested || full;
    beginRound();
}

void AccountSync::requestSync(qint64 folderId)
{
    if (folderId != 0)
        m_requestedFolders.insert(folderId);
    if (m_roundRunning) {
        m_roundPending = true;
        return;
    }
    m_roundTimer.stop();
    beginRound();
}

void AccountSync::operationsQueued()
{
    requestSync(0);
}

void AccountSync::stop()
{
    m_stopping = true;
    m_continuous = false;
    m_roundTimer.stop();
    m_pushDebounce.stop();
    m_reconnectTimer.stop();
    failContentTasks(makeError(Error::Code::Cancelled, tr("Synchronization was stopped.")));
    if (m_folderSync) {
        disconnect(m_folderSync, nullptr, this, nullptr);
        m_folderSync->deleteLater();
    }
    const bool roundWasRunning = m_roundRunning;
    m_roundRunning = false;
    m_roundPending = false;
    m_folderQueue.clear();

    // Every connection is counted before any is closed: some close at once.
    QList<Connection *> connections;
    for (Connection *connection : {m_syncConnection.data(), m_pushConnection.data(), m_contentConnection.data()}) {
        if (connection && !connections.contains(connection))
            connections.append(connection);
    }
    m_syncConnection = nullptr;
    m_pushConnection = nullptr;
    m_contentConnection = nullptr;
    auto remaining = std::make_shared<int>(int(connections.size()));
    for (Connection *connection : std::as_const(connections)) {
        disconnect(connection, nullptr, this, nullptr);
        const auto closedOne = [this, remaining, connection] {
            connection->deleteLater();
            if (--*remaining == 0) {
                setState(AccountState::Idle);
                Q_EMIT stopped();
            }
        };
        connect(connection, &Connection::closed, this, closedOne, Qt::SingleShotConnection);
        connect(connection, &Connection::lost, this, closedOne, Qt::SingleShotConnection);
    }
    if (roundWasRunning)
        Q_EMIT roundFailed(makeError(Error::Code::Cancelled, tr("Synchronization was stopped.")));
    for (Connection *connection : std::as_const(connections))
        connection->close();
    if (connections.isEmpty()) {
        setState(AccountState::Idle);
        QMetaObject::invokeMethod(this, &AccountSync::stopped, Qt::QueuedConnection);
    }
}

void AccountSync::failContentTasks(const Error &error)
{
    m_contentTask = 0;  // the running task's own end, when it comes, is ignored
    const QList<ContentTask> tasks = std::exchange(m_contentTasks, {});
    for (const ContentTask &task : tasks)
        task.fail(error);
}

bool AccountSync::sharesSyncConnection() const
{
    return m_settings.sync.maxConnections < 2;
}

void AccountSync::withPassword(std::function<void()> then, std::function<void(const Error &)> onError)
{
    if (!onError)
        onError = [this](const Error &error) { roundError(error); };
    if (m_havePassword)
        return then();
    auto loaded = m_profile.account(m_accountId);
    if (!loaded)
        return onError(loaded.error());
    m_settings = loaded->settings;
    Accounts::PasswordStore *store = m_profile.passwordStore(m_settings.passwordStorage);
    if (!store) {
        return onError(makeError(
                Error::Code::InvalidInput,
                tr("The password of %1 is kept in the profile's password file, which is only used with "
                   "--insecure-password-store.")
                        .arg(m_settings.label())));
    }
    QPointer<AccountSync> self(this);
    store->readPassword(m_settings.key, [self, then, onError](Result<QString> password) {
        if (!self || self->m_stopping)
            return;
        if (!password)
            return onError(password.error());
        self->m_password = *password;
        self->m_havePassword = true;
        then();
    });
}

bool AccountSync::fullRoundDue(const Store::FolderRecord &folder) const
{
    if (m_roundIsFull || !folder.lastFullSync.isValid())
        return true;
    return folder.lastFullSync.secsTo(QDateTime::currentDateTimeUtc()) >=
           qint64(m_settings.sync.fullRoundIntervalHours) * 3600;
}

QByteArray AccountSync::wireName(const QString &path) const
{
    return Imap::encodeMailboxName(path);
}

// --- Rounds ----------------------------------------------------------------------------------------

void AccountSync::beginRound()
{
    if (m_stopping)
        return;
    if (m_roundRunning || (m_contentTask != 0 && sharesSyncConnection())) {
        // One connection: the part the user asked for goes first, the round follows.
        m_roundPending = true;
        return;
    }
    m_roundRunning = true;
    m_roundPending = false;
    m_roundIsFull = m_fullRequested;
    m_fullRequested = false;
    m_roundStarted = QDateTime::currentDateTimeUtc();
    m_roundStats = SyncStats();
    m_resyncs.clear();
    withPassword([this] { connectSync(); });
}

Connection *AccountSync::ensureSyncConnection()
{
    if (m_syncConnection)
        return m_syncConnection;
    setState(AccountState::Connecting);
    auto *connection = new Connection(m_settings, m_password, QStringLiteral("sync"), this);
    m_syncConnection = connection;
    connect(connection, &Connection::ready, this, [this] {
        m_reconnectAttempt = 0;
        if (m_roundRunning && m_roundWaitsForConnection) {
            m_roundWaitsForConnection = false;
            replayJournal();
        } else if (sharesSyncConnection()) {
            runContentTasks();
        }
    });
    connect(connection, &Connection::lost, this,
            [this, connection](const Error &error) { connectionLost(connection, error); });
    connection->open();
    return connection;
}

void AccountSync::connectSync()
{
    Connection *connection = ensureSyncConnection();
    if (connection->isReady())
        return replayJournal();
    m_roundWaitsForConnection = true;  // replayJournal() on ready()
}

void AccountSync::replayJournal()
{
    setState(AccountState::Syncing);
    Imap::Session *session = m_syncConnection->session();
    const Imap::SessionStats &stats = session->stats();
    m_bytesInAtRound = stats.bytesIn;
    m_bytesOutAtRound = stats.bytesOut;
    m_commandsAtRound = stats.commands;
    m_roundTripsAtRound = stats.roundTrips;

    auto unfinished = Store::OperationJournal(m_profile.database()).unfinished(m_accountId);
    if (!unfinished)
        return roundError(unfinished.error());
    if (unfinished->isEmpty())
        return listFolders();
    auto *replayer = new OperationReplayer(session, m_profile.database(), m_accountId, this);
    connect(replayer, &OperationReplayer::finished, this, [this, replayer](int done, int failed) {
        replayer->deleteLater();
        Q_EMIT operationsReplayed(done, failed);
        listFolders();
    });
    connect(replayer, &OperationReplayer::failed, this, [this, replayer](const Error &error) {
        replayer->deleteLater();
        roundError(error);
    });
    replayer->start();
}

void AccountSync::listFolders()
{
    Imap::Session *session = m_syncConnection->session();
    auto *job = new Imap::ListJob(session);
    int items = Imap::StatusJob::Messages | Imap::StatusJob::UidNext | Imap::StatusJob::UidValidity |
                Imap::StatusJob::Unseen;
    if (m_syncConnection->strategy() != Accounts::SyncStrategy::Plain)
        items |= Imap::StatusJob::HighestModSeq;
    job->setStatusItems(items);
    connect(job, &Imap::Job::finished, this, [this, job] { listed(job); });
    connect(job, &Imap::Job::failed, this, &AccountSync::roundError);
    job->start();
}

void AccountSync::listed(Imap::ListJob *job)
{
    Store::FolderStore folders(m_profile.database());
    auto before = folders.folders(m_accountId);
    if (!before)
        return roundError(before.error());

    QList<Store::FolderListing> listings;
    QHash<QString, Imap::StatusDataResponse> statuses;
    QSet<QString> seen;
    for (const Imap::ListResponse &entry : job->mailboxes()) {
        auto path = Imap::decodeMailboxName(entry.mailbox);
        if (!path) {
            qCWarning(lcSync) << "Skipping a folder whose name cannot be read:" << path.error().message;
            continue;
        }
        Store::FolderListing listing;
        listing.path = isInbox(*path) ? QStringLiteral("INBOX") : *path;
        if (seen.contains(listing.path))
            continue;
        listing.delimiter = entry.delimiter ? QString(QLatin1Char(entry.delimiter)) : QString();
        bool nonExistent = false;
        for (const QByteArray &attribute : entry.attributes) {
            const QString name = QString::fromLatin1(attribute);
            const auto special = std::find_if(kSpecialUses.cbegin(), kSpecialUses.cend(), [&](const QString &use) {
                return use.compare(name, Qt::CaseInsensitive) == 0;
            });
            if (special != kSpecialUses.cend() && listing.specialUse.isEmpty())
                listing.specialUse = *special;
            else if (name.compare(QLatin1String("\\Subscribed"), Qt::CaseInsensitive) != 0)
                listing.attributes.append(name);
            if (name.compare(QLatin1String("\\NonExistent"), Qt::CaseInsensitive) == 0)
                nonExistent = true;
        }
        if (nonExistent)
            continue;  // a subscription without a mailbox (RFC 5258 §3.4)
        listing.subscribed = job->subscribed().contains(entry.mailbox) || isInbox(listing.path);
        seen.insert(listing.path);
        listings.append(listing);
        const auto status = job->statuses().constFind(entry.mailbox);
        if (status != job->statuses().constEnd())
            statuses.insert(listing.path, *status);
    }

    // Folders gone from the server: renamed when a new folder has the same UIDVALIDITY.
    QHash<QString, Store::FolderRecord> known;
    for (const Store::FolderRecord &folder : *before)
        known.insert(folder.listing.path, folder);
    QList<Store::FolderRecord> gone;
    for (const Store::FolderRecord &folder : *before) {
        if (!seen.contains(folder.listing.path))
            gone.append(folder);
    }
    QList<Store::FolderListing> added;
    for (const Store::FolderListing &listing : std::as_const(listings)) {
        if (!known.contains(listing.path))
            added.append(listing);
    }
    for (const Store::FolderRecord &folder : std::as_const(gone)) {
        if (folder.state.uidValidity == 0)
            continue;
        for (qsizetype i = 0; i < added.size(); ++i) {
            const auto status = statuses.constFind(added.at(i).path);
            // UIDVALIDITY alone is not unique (servers derive it from the clock): the whole
            // state must match, or the folder counts as removed and added, which loses nothing.
            if (status == statuses.constEnd() || status->uidValidity != folder.state.uidValidity ||
                status->uidNext != folder.state.uidNext || status->messages != folder.state.serverMessages)
                continue;
            if (auto renamed = folders.renameFolder(folder.id, added.at(i)); !renamed)
                return roundError(renamed.error());
            qCInfo(lcSync) << "Folder renamed on the server:" << folder.listing.path << "->" << added.at(i).path;
            Q_EMIT folderRenamed(folder.id, folder.listing.path, added.at(i).path);
            known.insert(added.at(i).path, folder);
            added.removeAt(i);
            break;
        }
    }
    auto ids = folders.upsertFolders(m_accountId, listings);
    if (!ids)
        return roundError(ids.error());
    for (qsizetype i = 0; i < listings.size(); ++i) {
        const Store::FolderListing &listing = listings.at(i);
        if (known.contains(listing.path))
            continue;
        const bool selected = isInbox(listing.path) || listing.specialUse == QLatin1String("\\Sent") ||
                              m_settings.initiallySelected.contains(listing.path);
        if (selected) {
            if (auto set = folders.setSelectedForSync(ids->at(i), true); !set)
                return roundError(set.error());
        }
        Q_EMIT folderAdded(ids->at(i), listing.path);
    }
    for (const Store::FolderRecord &folder : std::as_const(gone)) {
        if (known.value(folder.listing.path).id == folder.id && seen.contains(folder.listing.path))
            continue;
        bool renamedAway = false;
        for (auto it = known.cbegin(); it != known.cend(); ++it) {
            if (it.value().id == folder.id && it.key() != folder.listing.path)
                renamedAway = true;
        }
        if (renamedAway)
            continue;
        if (auto removed = folders.removeFolder(folder.id); !removed)
            return roundError(removed.error());
        Q_EMIT folderRemoved(folder.id, folder.listing.path);
    }

    auto after = folders.folders(m_accountId);
    if (!after)
        return roundError(after.error());
    QList<Store::FolderRecord> selected;
    for (const Store::FolderRecord &folder : *after) {
        if (folder.selectedForSync && isSelectable(folder.listing))
            selected.append(folder);
    }
    // LIST-STATUS answers in the same round trip; otherwise STATUS for each selected folder,
    // pipelined. Without mod-sequences STATUS cannot prove a folder unchanged, so it is skipped.
    bool haveAll = true;
    for (const Store::FolderRecord &folder : std::as_const(selected))
        haveAll = haveAll && statuses.contains(folder.listing.path);
    if (haveAll || m_syncConnection->strategy() == Accounts::SyncStrategy::Plain)
        return planFolders(statuses);

    auto pending = std::make_shared<int>(0);
    auto collected = std::make_shared<QHash<QString, Imap::StatusDataResponse>>(statuses);
    for (const Store::FolderRecord &folder : std::as_const(selected)) {
        if (statuses.contains(folder.listing.path))
            continue;
        ++*pending;
        auto *status = new Imap::StatusJob(m_syncConnection->session());
        status->setMailbox(wireName(folder.listing.path));
        const QString path = folder.listing.path;
        connect(status, &Imap::Job::finished, this, [this, status, path, pending, collected] {
            if (status->hasStatus())
                collected->insert(path, status->status());
            if (--*pending == 0)
                planFolders(*collected);
        });
        // A folder STATUS refuses is still synchronized (the SELECT will tell what is wrong).
        connect(status, &Imap::Job::failed, this, [this, pending, collected](const Error &error) {
            if (error.code != Error::Code::ServerNo && error.code != Error::Code::ServerBad)
                return roundError(error);
            if (--*pending == 0)
                planFolders(*collected);
        });
        status->start();
    }
}

void AccountSync::planFolders(const QHash<QString, Imap::StatusDataResponse> &statuses)
{
    auto folders = Store::FolderStore(m_profile.database()).folders(m_accountId);
    if (!folders)
        return roundError(folders.error());
    const QDateTime windowStart = m_settings.window.start(QDateTime::currentDateTimeUtc());
    QList<FolderSyncRequest> queue;
    for (const Store::FolderRecord &folder : *folders) {
        if (!folder.selectedForSync || !isSelectable(folder.listing)) {
            // A folder no longer synchronized keeps no stale copy: it would look current.
            if (folder.state.uidValidity != 0 || folder.messageCount > 0) {
                auto dropped = Store::FolderStore(m_profile.database()).forgetMessages(folder.id);
                if (!dropped)
                    return roundError(dropped.error());
                if (m_contentCache && !dropped->isEmpty())
                    m_contentCache->removeKeys(*dropped);
                m_roundStats.purged += folder.messageCount;
            }
            continue;
        }
        FolderSyncRequest request;
        request.folder = folder;
        request.mailbox = wireName(folder.listing.path);
        const auto status = statuses.constFind(folder.listing.path);
        if (status != statuses.constEnd())
            request.status = *status;
        request.strategy = m_syncConnection->strategy();
        request.fullRound = fullRoundDue(folder);
        request.batchSize = m_settings.sync.batchSize;
        request.newMessageBatchSize = newMessageBatchSize(request.batchSize);
        request.windowStart = windowStart;
        queue.append(request);
    }
    // The folder on screen first, then INBOX, then the rest by path.
    std::stable_sort(queue.begin(), queue.end(), [this](const FolderSyncRequest &a, const FolderSyncRequest &b) {
        const auto rank = [this](const FolderSyncRequest &r) {
            if (r.folder.id == m_folderOnScreen)
                return 0;
            if (m_requestedFolders.contains(r.folder.id))
                return 1;
            return isInbox(r.folder.listing.path) ? 2 : 3;
        };
        return rank(a) < rank(b);
    });
    m_requestedFolders.clear();
    m_folderQueue = queue;
    m_folderIndex = 0;
    m_folderCount = int(queue.size());
    syncNextFolder();
}

void AccountSync::syncNextFolder()
{
    if (m_stopping)
        return;
    if (!finishUnchangedFolders())
        return;
    if (m_folderQueue.isEmpty())
        return leaveMailbox();
    FolderSyncRequest request = m_folderQueue.takeFirst();
    ++m_folderIndex;
    // The stored state may have moved since the round was planned (a resync of the same folder).
    if (auto fresh = Store::FolderStore(m_profile.database()).folder(request.folder.id); fresh)
        request.folder = *fresh;
    else
        return syncNextFolder();  // removed meanwhile
    const Store::FolderRecord before = request.folder;
    SyncProgress progress{m_accountId, before.id, before.listing.path, m_folderIndex, m_folderCount, 0, 0};
    Q_EMIT progressChanged(progress);
    auto *sync = new FolderSync(m_syncConnection->session(), m_profile.database(), m_writer, request, this);
    m_folderSync = sync;
    connect(sync, &FolderSync::progressChanged, this, [this, progress](qint64 done, qint64 total) mutable {
        progress.done = done;
        progress.total = total;
        Q_EMIT progressChanged(progress);
    });
    connect(sync, &FolderSync::finished, this, [this, sync, before](const FolderSyncResult &result) {
        sync->deleteLater();
        folderSynced(before, result);
    });
    connect(sync, &FolderSync::failed, this, [this, sync, before](const Error &error) {
        sync->deleteLater();
        // A folder the server refuses (deleted meanwhile, no permission) does not end the round;
        // a lost connection does.
        if (error.code == Error::Code::ServerNo || error.code == Error::Code::ServerBad) {
            Q_EMIT errorOccurred(tr("The folder %1 could not be synchronized: %2").arg(before.listing.path,
                                                                                         error.message));
            return syncNextFolder();
        }
        roundError(error);
    });
    sync->start();
}

// The run of queued folders whose STATUS shows them unchanged and that have nothing else to do (no
// window, no earlier error to clear) finish together, as FolderSync would finish each of them but
// with one transaction for all: a poll of an account with many folders commits once. False when
// the store failed, and the round with it.
bool AccountSync::finishUnchangedFolders()
{
    if (m_folderQueue.isEmpty() || !FolderSync::isUnchanged(m_folderQueue.constFirst()))
        return true;
    // The stored states may have moved since the round was planned (a resync of the same folder).
    auto stored = Store::FolderStore(m_profile.database()).folders(m_accountId);
    if (!stored) {
        roundError(stored.error());
        return false;
    }
    QHash<qint64, Store::FolderRecord> fresh;
    for (const Store::FolderRecord &record : std::as_const(*stored))
        fresh.insert(record.id, record);
    QList<FolderSyncRequest> unchanged;
    while (!m_folderQueue.isEmpty()) {
        FolderSyncRequest request = m_folderQueue.constFirst();
        const auto found = fresh.constFind(request.folder.id);
        if (found == fresh.cend())
            break;  // removed meanwhile: syncNextFolder passes over it
        request.folder = *found;
        if (!FolderSync::isUnchanged(request) || request.windowStart.isValid() ||
            request.folder.windowStart.isValid() || !request.folder.lastError.isEmpty())
            break;
        m_folderQueue.removeFirst();
        unchanged.append(request);
    }
    QList<qint64> ids;
    for (const FolderSyncRequest &request : std::as_const(unchanged))
        ids.append(request.folder.id);
    if (auto marked = Store::FolderStore(m_profile.database()).markUnchanged(ids, QDateTime::currentDateTimeUtc());
        !marked) {
        roundError(marked.error());
        return false;
    }
    for (const FolderSyncRequest &request : std::as_const(unchanged)) {
        const Store::FolderRecord &folder = request.folder;
        ++m_folderIndex;
        Q_EMIT progressChanged({m_accountId, folder.id, folder.listing.path, m_folderIndex, m_folderCount, 0, 0});
        FolderSyncResult result;
        result.skipped = true;
        result.strategyUsed = Accounts::strategyName(request.strategy);
        result.stats.folders = 1;
        recordFolderResult(folder, result);
    }
    return true;
}

void AccountSync::folderSynced(const Store::FolderRecord &before, const FolderSyncResult &result)
{
    recordFolderResult(before, result);
    // Unchanged folders finish at once; every so often go through the event loop to keep the
    // stack flat on accounts with thousands of folders.
    if (m_folderIndex % 32 == 0)
        QMetaObject::invokeMethod(this, &AccountSync::syncNextFolder, Qt::QueuedConnection);
    else
        syncNextFolder();
}

void AccountSync::recordFolderResult(const Store::FolderRecord &before, const FolderSyncResult &result)
{
    SyncStats stats = result.stats;
    stats.bytesIn = stats.bytesOut = stats.commands = stats.roundTrips = 0;  // counted for the round
    m_roundStats.add(stats);
    if (m_contentCache && !result.droppedCacheKeys.isEmpty())
        m_contentCache->removeKeys(result.droppedCacheKeys);
    // New mail is news only for a folder that was synchronized before.
    if (!result.arrivedIds.isEmpty()) {
        Q_EMIT messagesArrived(before.id, result.arrivedIds);
        reportBounces(result.arrivedIds);
    }
    if (result.stats.vanished > 0)
        Q_EMIT messagesVanished(before.id, int(result.stats.vanished));
    if (result.stats.changed > 0)
        Q_EMIT flagsChanged(before.id, int(result.stats.changed));
    if (result.changedDuringSync && m_resyncs.value(before.id) < kMaxResyncsPerRound) {
        m_resyncs[before.id] += 1;
        FolderSyncRequest again;
        again.folder = before;
        again.mailbox = wireName(before.listing.path);
        again.strategy = m_syncConnection ? m_syncConnection->strategy() : Accounts::SyncStrategy::Plain;
        again.batchSize = m_settings.sync.batchSize;
        again.newMessageBatchSize = newMessageBatchSize(again.batchSize);
        again.windowStart = m_settings.window.start(QDateTime::currentDateTimeUtc());
        m_folderQueue.prepend(again);
        ++m_folderCount;
    }
}

void AccountSync::leaveMailbox()
{
    // STATUS of the selected mailbox may show the session's own, stale view (RFC 3501 §6.3.10),
    // and the next round trusts STATUS: leave it (everything was EXAMINEd, nothing is expunged).
    auto *close = new Imap::CloseJob(m_syncConnection->session());
    connect(close, &Imap::Job::finished, this, &AccountSync::endRound);
    connect(close, &Imap::Job::failed, this, [this](const Error &error) {
        if (error.code == Error::Code::Network || error.code == Error::Code::Timeout)
            return roundError(error);
        endRound();
    });
    close->start();
}

void AccountSync::reportBounces(const QList<qint64> &ids)
{
    if (ids.size() > kMaxBounceChecks)
        return;
    Store::MessageStore messages(m_profile.database());
    bool keyed = false;
    for (qint64 id : ids) {
        auto message = messages.message(id);
        if (!message || !message->isDeliveryReport)
            continue;
        qint64 original = 0;
        if (auto structure = deserializeBodyStructure(message->bodyStructure)) {
            const QString messageId = embeddedOriginalMessageId(*structure);
            if (!messageId.isEmpty()) {
                // A lookup reads the key of every message still waiting for the idle pass; key
                // them once instead.
                if (!keyed) {
                    if (auto done = messages.indexPendingMessageIds(); !done)
                        qCWarning(lcSync) << m_settings.label() << done.error().message;
                    keyed = true;
                }
                auto originals = messages.idsForMessageId(m_accountId, messageId);
                if (originals && !originals->isEmpty())
                    original = originals->constFirst();
            }
        }
        Q_EMIT bounceReceived(id, original);
    }
}

void AccountSync::endRound()
{
    m_roundRunning = false;
    if (m_syncConnection && m_syncConnection->session()) {
        const Imap::SessionStats &stats = m_syncConnection->session()->stats();
        m_roundStats.bytesIn = stats.bytesIn - m_bytesInAtRound;
        m_roundStats.bytesOut = stats.bytesOut - m_bytesOutAtRound;
        m_roundStats.commands = stats.commands - m_commandsAtRound;
        m_roundStats.roundTrips = stats.roundTrips - m_roundTripsAtRound;
    }
    m_roundStats.milliseconds = m_roundStarted.msecsTo(QDateTime::currentDateTimeUtc());
    m_totals.add(m_roundStats);
    qCInfo(lcSync) << m_settings.label() << "round done:" << m_roundStats.folders << "folders,"
                   << m_roundStats.newMessages << "new," << m_roundStats.changed << "changed,"
                   << m_roundStats.vanished << "vanished," << m_roundStats.bytesIn << "bytes in,"
                   << m_roundStats.milliseconds << "ms";
    setState(m_pushConnection && m_pushConnection->isReady() ? AccountState::Pushing : AccountState::Idle);
    Q_EMIT roundFinished(m_roundStats);
    if (sharesSyncConnection())
        runContentTasks();
    if (m_continuous)
        scheduleNextRound();
}

void AccountSync::roundError(const Error &error)
{
    if (!m_roundRunning)
        return;  // already reported (several jobs fail with one lost connection)
    m_roundRunning = false;
    m_roundWaitsForConnection = false;
    m_folderQueue.clear();
    QString message = error.code == Error::Code::InvalidInput ? error.message
                                                               : describeConnectionError(m_settings, error);
    qCWarning(lcSync) << m_settings.label() << "round failed:" << error.message;
    if (error.code == Error::Code::Authentication)
        m_havePassword = false;  // read it again: the user may have fixed it
    const bool lostConnection = error.code == Error::Code::Network || error.code == Error::Code::Timeout ||
                                error.code == Error::Code::ServerBye;
    setState(lostConnection ? AccountState::Offline : AccountState::Error);
    if (m_syncConnection && !m_syncConnection->isReady()) {
        disconnect(m_syncConnection, nullptr, this, nullptr);
        m_syncConnection->deleteLater();
        m_syncConnection = nullptr;
    }
    if (sharesSyncConnection())
        runContentTasks();
    if (!m_continuous) {
        Q_EMIT errorOccurred(message);
        Q_EMIT roundFailed(makeError(error.code, message));
        return;
    }
    const int delay = error.code == Error::Code::Authentication || error.code == Error::Code::InvalidInput
                              ? kAuthenticationRetryMs
                              : backoffMilliseconds(m_reconnectAttempt++);
    message += QLatin1Char(' ') + tr("Heron will try again in %n second(s).", nullptr, (delay + 999) / 1000);
    Q_EMIT errorOccurred(message);
    qCInfo(lcSync) << m_settings.label() << "trying again in" << delay << "ms";
    m_reconnectTimer.start(delay);
}

void AccountSync::scheduleNextRound()
{
    if (m_stopping)
        return;
    if (m_roundPending)
        return beginRound();
    startPush();
    m_roundTimer.start(std::max(1, m_settings.sync.pollIntervalSeconds) * 1000);
}

void AccountSync::connectionLost(Connection *connection, const Error &error)
{
    if (connection == m_syncConnection) {
        m_syncConnection = nullptr;
        connection->deleteLater();
        if (m_folderSync) {
            disconnect(m_folderSync, nullptr, this, nullptr);
            m_folderSync->deleteLater();
        }
        if (sharesSyncConnection())
            failContentTasks(makeError(error.code, describeConnectionError(m_settings, error)));
        if (m_roundRunning) {
            roundError(error);
        } else if (m_continuous) {
            // Lost between rounds: come back with the next round, after the backoff (which the
            // push connection, lost with it, may have started already).
            setState(AccountState::Offline);
            if (!m_reconnectTimer.isActive())
                m_reconnectTimer.start(backoffMilliseconds(m_reconnectAttempt++));
            const int delay = m_reconnectTimer.remainingTime();
            Q_EMIT errorOccurred(describeConnectionError(m_settings, error) + QLatin1Char(' ') +
                                 tr("Heron will try again in %n second(s).", nullptr, (delay + 999) / 1000));
        }
        return;
    }
    if (connection == m_pushConnection) {
        m_pushConnection = nullptr;
        connection->deleteLater();
        if (m_continuous && !m_reconnectTimer.isActive())
            m_reconnectTimer.start(backoffMilliseconds(m_reconnectAttempt++));
        return;
    }
    if (connection == m_contentConnection) {
        m_contentConnection = nullptr;
        connection->deleteLater();
        failContentTasks(makeError(error.code, describeConnectionError(m_settings, error)));
    }
}

// --- Push ------------------------------------------------------------------------------------------

void AccountSync::startPush()
{
    if (!m_continuous || m_stopping || !m_settings.sync.push || m_settings.sync.maxConnections < 3 ||
        m_pushConnection || !m_havePassword)
        return;
    m_pushConnection = new Connection(m_settings, m_password, QStringLiteral("push"), this);
    Connection *connection = m_pushConnection;
    connect(connection, &Connection::lost, this,
            [this, connection](const Error &error) { connectionLost(connection, error); });
    connect(connection, &Connection::ready, this, [this, connection] {
        Imap::Session *session = connection->session();
        connect(session, &Imap::Session::unsolicited, this, &AccountSync::pushNotified);
        const auto idle = [this, session] {
            auto *job = new Imap::IdleJob(session);
            connect(job, &Imap::IdleJob::idling, this, [this] {
                if (m_state == AccountState::Idle)
                    setState(AccountState::Pushing);
            });
            connect(job, &Imap::Job::failed, this, [](const Error &error) {
                qCInfo(lcSync) << "IDLE ended:" << error.message;
            });
            job->start();
        };
        if (session->hasCapability("NOTIFY")) {
            // RFC 5465: changes to every selected folder arrive as STATUS responses.
            auto folders = Store::FolderStore(m_profile.database()).folders(m_accountId);
            QList<QByteArray> mailboxes;
            if (folders) {
                for (const Store::FolderRecord &folder : *folders) {
                    if (folder.selectedForSync && isSelectable(folder.listing))
                        mailboxes.append(wireName(folder.listing.path));
                }
            }
            auto *notify = new Imap::NotifyJob(session);
            notify->setMailboxes(mailboxes);
            connect(notify, &Imap::Job::finished, this, idle);
            connect(notify, &Imap::Job::failed, this, [this, session, idle](const Error &error) {
                qCInfo(lcSync) << "NOTIFY refused, using IDLE on INBOX:" << error.message;
                auto *select = new Imap::SelectJob(session);
                select->setMailbox(QByteArrayLiteral("INBOX"));
                select->setReadOnly(true);
                connect(select, &Imap::Job::finished, this, idle);
                select->start();
            });
            notify->start();
            return;
        }
        auto *select = new Imap::SelectJob(session);
        select->setMailbox(QByteArrayLiteral("INBOX"));
        select->setReadOnly(true);
        connect(select, &Imap::Job::finished, this, idle);
        connect(select, &Imap::Job::failed, this, [](const Error &error) {
            qCWarning(lcSync) << "Cannot watch INBOX:" << error.message;
        });
        select->start();
    });
    connection->open();
}

void AccountSync::pushNotified(const Imap::Response &response)
{
    qint64 folderId = 0;
    if (const auto *status = std::get_if<Imap::StatusDataResponse>(&response)) {
        auto path = Imap::decodeMailboxName(status->mailbox);
        if (path) {
            auto id = Store::FolderStore(m_profile.database())
                              .idForPath(m_accountId, isInbox(*path) ? QStringLiteral("INBOX") : *path);
            if (id)
                folderId = *id;
        }
    } else if (std::holds_alternative<Imap::NumberResponse>(response) ||
               std::holds_alternative<Imap::FetchResponse>(response) ||
               std::holds_alternative<Imap::VanishedResponse>(response)) {
        auto id = Store::FolderStore(m_profile.database()).idForPath(m_accountId, QStringLiteral("INBOX"));
        if (id)
            folderId = *id;
    } else if (!std::holds_alternative<Imap::ListResponse>(response)) {
        return;
    }
    qCDebug(lcSync) << m_settings.label() << "push:" << Imap::describe(response);
    if (folderId != 0)
        m_requestedFolders.insert(folderId);
    if (m_roundRunning) {
        m_roundPending = true;
        return;
    }
    m_roundTimer.stop();
    if (!m_pushDebounce.isActive())
        m_pushDebounce.start();  // a stream of notifications must not postpone the round forever
}

// --- Content ---------------------------------------------------------------------------------------

void AccountSync::fetchPart(const Store::MessageMetadata &message, const QString &section,
                            ProgressCallback progress, PartCallback done)
{
    queueContentTask({[this, message, section, progress, done](Connection *connection, quint64 token) {
                          startPartFetch(connection, token, message, section, progress, done);
                      },
                      [done](const Error &error) { done(error); }});
}

void AccountSync::searchServer(const Store::SearchQuery &query, SearchHitsCallback hits, SearchDoneCallback done)
{
    cancelServerSearch();
    auto run = std::make_shared<ServerSearchRun>();
    run->generation = m_searchGeneration;
    run->query = query;
    run->onHits = std::move(hits);
    run->onDone = std::move(done);
    queueServerSearch(run);
}

void AccountSync::queueServerSearch(const std::shared_ptr<ServerSearchRun> &run)
{
    queueContentTask({[this, run](Connection *connection, quint64 token) { continueServerSearch(connection, token, run); },
                      [run](const Error &error) { run->onDone(error); }});
}

void AccountSync::cancelServerSearch()
{
    ++m_searchGeneration;
    if (m_searcher)
        m_searcher->cancel();  // it ends after its command in flight
}

void AccountSync::queueContentTask(ContentTask task)
{
    m_contentTasks.append(std::move(task));
    if (m_settings.key.isEmpty()) {
        if (auto loaded = m_profile.account(m_accountId); loaded)
            m_settings = loaded->settings;
    }
    withPassword([this] { runContentTasks(); },
                 [this](const Error &error) {
                     // Only waiting tasks: one that runs has its connection, so the password was known.
                     const QList<ContentTask> tasks = std::exchange(m_contentTasks, {});
                     for (const ContentTask &task : tasks)
                         task.fail(error);
                 });
}

void AccountSync::contentTaskDone(quint64 token)
{
    if (token != m_contentTask)
        return;  // a task whose connection was given up already
    m_contentTask = 0;
    runContentTasks();
    if (m_contentTask == 0 && m_roundPending && sharesSyncConnection())
        beginRound();
}

void AccountSync::runContentTasks()
{
    if (m_contentTask != 0 || m_contentTasks.isEmpty() || m_stopping)
        return;
    Connection *connection = nullptr;
    if (sharesSyncConnection()) {
        // One connection for everything: content never runs inside a round (the mailbox it
        // EXAMINEs would pull the ground from under the folder being synchronized).
        if (m_roundRunning)
            return;  // runContentTasks() again when the round ends
        connection = ensureSyncConnection();
    } else {
        if (!m_contentConnection) {
            m_contentConnection = new Connection(m_settings, m_password, QStringLiteral("content"), this);
            Connection *created = m_contentConnection;
            connect(created, &Connection::lost, this,
                    [this, created](const Error &error) { connectionLost(created, error); });
            connect(created, &Connection::ready, this, &AccountSync::runContentTasks);
            created->open();
        }
        connection = m_contentConnection;
    }
    if (!connection->isReady())
        return;  // runContentTasks() again on ready()

    const ContentTask task = m_contentTasks.takeFirst();
    m_contentTask = ++m_lastContentTask;
    task.run(connection, m_contentTask);
}

void AccountSync::startPartFetch(Connection *connection, quint64 token, const Store::MessageMetadata &message,
                                 const QString &section, const ProgressCallback &progress, const PartCallback &done)
{
    auto folder = Store::FolderStore(m_profile.database()).folder(message.folderId);
    if (!folder) {
        done(folder.error());
        return contentTaskDone(token);
    }
    // A server hit of a folder the store holds nothing else of: the search saw its UIDVALIDITY.
    const quint32 uidValidity = folder->state.uidValidity != 0 ? folder->state.uidValidity
                                                               : m_searchedUidValidity.value(folder->id);
    Sync::PartRequest part;
    part.mailbox = wireName(folder->listing.path);
    part.uidValidity = uidValidity;
    part.uid = message.uid;
    part.section = section;
    for (const Store::MessagePart &known : message.parts) {
        if (known.section == section) {
            part.encoding = known.encoding;
            part.expectedSize = known.size;
        }
    }
    if (section.isEmpty())
        part.expectedSize = message.size;
    auto *fetcher = new PartFetcher(connection->session(), part, this);
    if (m_contentCache) {
        PartAddress address{m_accountId, m_settings.key, folder->id, uidValidity, message.uid, section};
        fetcher->setCache(m_contentCache, address);
    }
    connect(fetcher, &PartFetcher::progress, this, [progress](qint64 received, qint64 total) {
        if (progress)
            progress(received, total);
    });
    connect(fetcher, &PartFetcher::finished, this, [this, fetcher, token, done](const QByteArray &decoded) {
        fetcher->deleteLater();
        done(decoded);
        contentTaskDone(token);
    });
    connect(fetcher, &PartFetcher::failed, this, [this, fetcher, token, done](const Error &error) {
        fetcher->deleteLater();
        done(error);
        contentTaskDone(token);
    });
    fetcher->start();
}

QList<ServerSearcher::Target> AccountSync::serverSearchTargets(const Store::SearchQuery &query) const
{
    auto folders = Store::FolderStore(m_profile.database()).folders(m_accountId);
    if (!folders) {
        qCWarning(lcSync) << "Server search:" << folders.error().message;
        return {};
    }
    // What the store lacks: before the window in selected folders (none without a window), every
    // message of the others. Selected folders first, INBOX first among them.
    const QDateTime windowStart = m_settings.window.start(QDateTime::currentDateTimeUtc());
    QList<ServerSearcher::Target> selected;
    QList<ServerSearcher::Target> others;
    for (const Store::FolderRecord &folder : std::as_const(*folders)) {
        if (!isSelectable(folder.listing))
            continue;
        if (!query.folder.isEmpty()) {
            const bool inbox = isInbox(query.folder);
            if (inbox ? !isInbox(folder.listing.path) : folder.listing.path != query.folder)
                continue;
        }
        if (folder.selectedForSync && !windowStart.isValid())
            continue;
        auto criteria = serverSearchCriteria(query, folder.selectedForSync ? windowStart : QDateTime());
        if (!criteria)
            continue;
        ServerSearcher::Target target{folder.id, wireName(folder.listing.path), folder.state.uidValidity,
                                      std::move(*criteria)};
        if (!folder.selectedForSync)
            others.append(std::move(target));
        else if (isInbox(folder.listing.path))
            selected.prepend(std::move(target));
        else
            selected.append(std::move(target));
    }
    QList<ServerSearcher::Target> targets = selected + others;
    if (targets.size() > kMaxServerSearchFolders) {
        qCInfo(lcSync) << "Server search limited to" << kMaxServerSearchFolders << "of" << targets.size() << "folders";
        targets.resize(kMaxServerSearchFolders);
    }
    return targets;
}

void AccountSync::continueServerSearch(Connection *connection, quint64 token, const std::shared_ptr<ServerSearchRun> &run)
{
    if (run->generation != m_searchGeneration) {
        run->onDone(makeError(Error::Code::Cancelled, tr("The search was replaced by another one.")));
        return contentTaskDone(token);
    }
    if (!run->planned) {
        run->targets = serverSearchTargets(run->query);
        run->planned = true;
    }
    if (run->next >= run->targets.size()) {
        // Every folder asked. Folders the server would not search are named only when none
        // answered: a search that found something is not a failure.
        if (run->failed > 0 && run->failed == run->targets.size())
            run->onDone(makeError(Error::Code::ServerNo,
                                  tr("The server could not search %n folder(s).", nullptr, run->failed)));
        else
            run->onDone(run->hits);
        return contentTaskDone(token);
    }
    // One folder per task: a part the user opens meanwhile waits for one folder, not for all.
    auto *searcher = new ServerSearcher(connection->session(), m_profile.database(),
                                        {run->targets.at(run->next++)}, this);
    m_searcher = searcher;
    connect(searcher, &ServerSearcher::hitsFound, this, [this, searcher, run](qint64, const QList<qint64> &ids) {
        m_searchedUidValidity.insert(searcher->discoveredUidValidities());
        if (!searcher->isCancelled())
            run->onHits(ids);
    });
    connect(searcher, &ServerSearcher::finished, this, [this, searcher, token, run] {
        searcher->deleteLater();
        run->hits += searcher->hitCount();
        run->failed += searcher->foldersFailed();
        if (searcher->isCancelled())
            run->onDone(makeError(Error::Code::Cancelled, tr("The search was replaced by another one.")));
        else
            queueServerSearch(run);  // the next folder, behind what was queued meanwhile
        contentTaskDone(token);
    });
    connect(searcher, &ServerSearcher::failed, this, [this, searcher, token, run](const Error &error) {
        searcher->deleteLater();
        run->onDone(error);
        contentTaskDone(token);
    });
    searcher->start();
}

}  // namespace Heron::Sync
