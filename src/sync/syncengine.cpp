// SPDX-License-Identifier: GPL-3.0-or-later
#include "syncengine.h"

#include "accounts/profile.h"
#include "mime/codec.h"
#include "store/accountstore.h"
#include "store/batchwriter.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/searchquery.h"
#include "sync/accountsync.h"
#include "sync/contentcache.h"
#include "sync/synclogging.h"

namespace Heron::Sync {

namespace {
constexpr int kCheckpointDelayMs = 1000;
}

SyncEngine::SyncEngine(Accounts::Profile &profile, QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_contentCache(std::make_unique<ContentCache>(profile.database(), profile.cacheDirectory(), profile.cacheKey()))
{
    m_batchWriter = new Store::BatchWriter(profile.database(), this);
    m_checkpointTimer = new QTimer(this);
    m_checkpointTimer->setSingleShot(true);
    m_checkpointTimer->setInterval(kCheckpointDelayMs);
    connect(m_checkpointTimer, &QTimer::timeout, this, &SyncEngine::checkpoint);
    qRegisterMetaType<Heron::Sync::SyncStats>();
    qRegisterMetaType<Heron::Sync::SyncProgress>();
    qRegisterMetaType<Heron::Sync::AccountState>();
}

SyncEngine::~SyncEngine()
{
    // AccountSyncs are children; they go first so that nothing uses the cache after it. The batch
    // writer, a child too, then finishes what it was given.
    qDeleteAll(m_accounts);
    m_accounts.clear();
}

ContentCache *SyncEngine::contentCache() const
{
    return m_contentCache.get();
}

AccountSync *SyncEngine::accountSync(qint64 accountId)
{
    if (AccountSync *existing = m_accounts.value(accountId))
        return existing;
    auto *sync = new AccountSync(m_profile, accountId, m_contentCache.get(), *m_batchWriter, this);
    m_accounts.insert(accountId, sync);
    connect(sync, &AccountSync::messagesArrived, this, [this, accountId](qint64 folderId, const QList<qint64> &ids) {
        Q_EMIT messagesArrived(accountId, folderId, ids);
    });
    connect(sync, &AccountSync::messagesVanished, this,
            [this, accountId](qint64 folderId, int count) { Q_EMIT messagesVanished(accountId, folderId, count); });
    connect(sync, &AccountSync::flagsChanged, this,
            [this, accountId](qint64 folderId, int count) { Q_EMIT flagsChanged(accountId, folderId, count); });
    connect(sync, &AccountSync::folderAdded, this,
            [this, accountId](qint64 folderId, const QString &path) { Q_EMIT folderAdded(accountId, folderId, path); });
    connect(sync, &AccountSync::folderRemoved, this, [this, accountId](qint64 folderId, const QString &path) {
        Q_EMIT folderRemoved(accountId, folderId, path);
    });
    connect(sync, &AccountSync::folderRenamed, this,
            [this, accountId](qint64 folderId, const QString &oldPath, const QString &newPath) {
                Q_EMIT folderRenamed(accountId, folderId, oldPath, newPath);
            });
    connect(sync, &AccountSync::bounceReceived, this, [this, accountId](qint64 messageId, qint64 original) {
        Q_EMIT bounceReceived(accountId, messageId, original);
    });
    connect(sync, &AccountSync::progressChanged, this, &SyncEngine::progressChanged);
    connect(sync, &AccountSync::stateChanged, this,
            [this, accountId](AccountState state) { Q_EMIT accountStateChanged(accountId, state); });
    connect(sync, &AccountSync::errorOccurred, this,
            [this, accountId](const QString &message) { Q_EMIT errorOccurred(accountId, message); });
    connect(sync, &AccountSync::roundFinished, this, [this, accountId](const SyncStats &stats) {
        Q_EMIT roundFinished(accountId, stats);
        m_waitingForRound.removeAll(accountId);
        m_checkpointTimer->start();
        checkRoundsFinished();
    });
    connect(sync, &AccountSync::roundFailed, this, [this, accountId](const Error &) {
        m_waitingForRound.removeAll(accountId);
        checkRoundsFinished();
    });
    connect(sync, &AccountSync::operationsReplayed, this,
            [this, accountId](int done, int failed) { Q_EMIT operationsReplayed(accountId, done, failed); });
    return sync;
}

namespace {

QList<qint64> chosenAccounts(Accounts::Profile &profile, const QList<qint64> &accountIds)
{
    if (!accountIds.isEmpty())
        return accountIds;
    QList<qint64> all;
    if (auto accounts = profile.accounts(); accounts) {
        for (const Accounts::Account &account : *accounts)
            all.append(account.id);
    }
    return all;
}

}  // namespace

void SyncEngine::start(const QList<qint64> &accountIds)
{
    // Hits of a search that did not end (the program was killed) are not messages to keep.
    if (auto dropped = Store::FolderStore(m_profile.database()).dropServerHits(); !dropped)
        qCWarning(lcSync) << "Cannot remove the hits of an earlier server search:" << dropped.error().message;
    for (qint64 id : chosenAccounts(m_profile, accountIds))
        accountSync(id)->start();
}

void SyncEngine::searchServer(quint64 serial, const Store::SearchQuery &query)
{
    for (AccountSync *sync : std::as_const(m_accounts))
        sync->cancelServerSearch();
    m_searchSerial = serial;
    m_searchHits = 0;
    m_searchErrors.clear();
    const QList<qint64> ids = chosenAccounts(m_profile, {});
    m_searchesPending = int(ids.size());
    if (ids.isEmpty()) {
        QMetaObject::invokeMethod(
                this, [this, serial] { Q_EMIT serverSearchFinished(serial, 0, {}); }, Qt::QueuedConnection);
        return;
    }
    for (qint64 accountId : ids) {
        QPointer<SyncEngine> self(this);
        accountSync(accountId)->searchServer(
                query,
                [self, serial](const QList<qint64> &hits) {
                    if (self && serial == self->m_searchSerial)
                        Q_EMIT self->serverSearchHits(serial, hits);
                },
                [self, serial, accountId](Result<int> found) {
                    if (!self || serial != self->m_searchSerial)
                        return;
                    if (found) {
                        self->m_searchHits += *found;
                    } else if (found.error().code != Error::Code::Cancelled) {
                        QString name = QString::number(accountId);
                        if (auto account = self->m_profile.account(accountId); account)
                            name = account->settings.displayName.isEmpty() ? account->settings.email
                                                                           : account->settings.displayName;
                        self->m_searchErrors.append(QStringLiteral("%1: %2").arg(name, found.error().message));
                    }
                    if (--self->m_searchesPending == 0)
                        Q_EMIT self->serverSearchFinished(serial, self->m_searchHits, self->m_searchErrors);
                });
    }
}

Result<int> SyncEngine::endServerSearch()
{
    m_searchSerial = 0;
    for (AccountSync *sync : std::as_const(m_accounts))
        sync->cancelServerSearch();
    return Store::FolderStore(m_profile.database()).dropServerHits();
}

void SyncEngine::syncOnce(const QList<qint64> &accountIds, bool full)
{
    const QList<qint64> ids = chosenAccounts(m_profile, accountIds);
    for (qint64 id : ids) {
        if (!m_waitingForRound.contains(id))
            m_waitingForRound.append(id);
    }
    if (ids.isEmpty()) {
        QMetaObject::invokeMethod(this, &SyncEngine::roundsFinished, Qt::QueuedConnection);
        return;
    }
    for (qint64 id : ids)
        accountSync(id)->syncOnce(full);
}

void SyncEngine::checkpointIfPending()
{
    if (!m_checkpointTimer->isActive())
        return;
    m_checkpointTimer->stop();
    checkpoint();
}

void SyncEngine::checkpoint()
{
    if (auto indexed = Store::MessageStore(m_profile.database()).indexPendingSearch(); !indexed)
        qCWarning(lcSync) << indexed.error().message;
    if (auto purged = Store::MessageStore(m_profile.database()).purgeSearchRemovals(); !purged)
        qCWarning(lcSync) << purged.error().message;
    if (auto done = m_profile.database().checkpoint(); !done)
        qCWarning(lcSync) << done.error().message;
}

void SyncEngine::checkRoundsFinished()
{
    if (m_waitingForRound.isEmpty())
        Q_EMIT roundsFinished();
}

void SyncEngine::stop()
{
    auto remaining = std::make_shared<int>(int(m_accounts.size()));
    if (*remaining == 0) {
        QMetaObject::invokeMethod(this, &SyncEngine::stopped, Qt::QueuedConnection);
        return;
    }
    for (AccountSync *sync : std::as_const(m_accounts)) {
        connect(
                sync, &AccountSync::stopped, this,
                [this, remaining] {
                    if (--*remaining == 0)
                        Q_EMIT stopped();
                },
                Qt::SingleShotConnection);
        sync->stop();
    }
}

void SyncEngine::requestSync(qint64 accountId, qint64 folderId)
{
    accountSync(accountId)->requestSync(folderId);
}

void SyncEngine::setFolderOnScreen(qint64 folderId)
{
    for (AccountSync *sync : std::as_const(m_accounts))
        sync->setFolderOnScreen(folderId);
}

void SyncEngine::operationsQueued(qint64 accountId)
{
    accountSync(accountId)->operationsQueued();
}

SyncStats SyncEngine::stats(qint64 accountId) const
{
    const AccountSync *sync = m_accounts.value(accountId);
    return sync ? sync->totals() : SyncStats();
}

quint64 SyncEngine::fetchPart(qint64 messageId, const QString &section)
{
    const quint64 requestId = m_nextRequestId++;
    const auto failLater = [this, requestId](const Error &error) {
        QMetaObject::invokeMethod(
                this, [this, requestId, error] { Q_EMIT partFailed(requestId, error); }, Qt::QueuedConnection);
    };
    auto message = Store::MessageStore(m_profile.database()).message(messageId);
    if (!message) {
        failLater(message.error());
        return requestId;
    }
    auto folder = Store::FolderStore(m_profile.database()).folder(message->folderId);
    if (!folder) {
        failLater(folder.error());
        return requestId;
    }
    auto account = m_profile.account(folder->accountId);
    if (!account) {
        failLater(account.error());
        return requestId;
    }
    // The cache first: a hit needs no connection at all. Not for a folder the store holds no
    // UIDVALIDITY of (a server search's hit): the content is filed under the one it was found with.
    const PartAddress address{folder->accountId, account->settings.key, folder->id, folder->state.uidValidity,
                              message->uid, section};
    if (auto cached = folder->state.uidValidity != 0 ? m_contentCache->read(address)
                                                     : Result<std::optional<QByteArray>>(std::nullopt);
        cached && cached->has_value()) {
        const QByteArray content = **cached;
        QMetaObject::invokeMethod(
                this, [this, requestId, content] { Q_EMIT partFetched(requestId, content); }, Qt::QueuedConnection);
        return requestId;
    }
    QPointer<SyncEngine> self(this);
    accountSync(folder->accountId)
            ->fetchPart(
                    *message, section,
                    [self, requestId](qint64 received, qint64 total) {
                        if (self)
                            Q_EMIT self->partFetchProgress(requestId, received, total);
                    },
                    [self, requestId, message = *message, section](Result<QByteArray> content) {
                        if (!self)
                            return;
                        if (!content) {
                            Q_EMIT self->partFailed(requestId, content.error());
                            return;
                        }
                        // The id may name another message by now: a server hit removed while its
                        // part was on the way leaves its id to the next message stored.
                        auto still = Store::MessageStore(self->m_profile.database()).message(message.id);
                        if (!still || still->folderId != message.folderId || still->uid != message.uid) {
                            Q_EMIT self->partFailed(requestId, makeError(Error::Code::InvalidInput,
                                                                         tr("The message is no longer there.")));
                            return;
                        }
                        self->indexBodyText(message, section, *content);
                        Q_EMIT self->partFetched(requestId, *content);
                    });
    return requestId;
}

void SyncEngine::indexBodyText(const Store::MessageMetadata &message, const QString &section,
                               const QByteArray &content)
{
    // Search covers a body once it is here (the first plain-text part that is not an attachment).
    for (const Store::MessagePart &part : message.parts) {
        if (part.isAttachment || part.mimeType != QLatin1String("text/plain"))
            continue;
        if (part.section != section)
            return;
        auto text = Mime::decodeText(content, part.charset.toLatin1());
        if (!text)
            return;
        if (auto indexed = Store::MessageStore(m_profile.database()).setBodyText(message.id, *text); !indexed)
            qCWarning(lcSync) << "Cannot index the text of message" << message.id << indexed.error().message;
        return;
    }
}

void SyncStats::add(const SyncStats &other)
{
    folders += other.folders;
    selects += other.selects;
    newMessages += other.newMessages;
    changed += other.changed;
    vanished += other.vanished;
    purged += other.purged;
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    commands += other.commands;
    roundTrips += other.roundTrips;
    milliseconds += other.milliseconds;
}

QString accountStateName(AccountState state)
{
    switch (state) {
    case AccountState::Idle:
        return QStringLiteral("idle");
    case AccountState::Connecting:
        return QStringLiteral("connecting");
    case AccountState::Syncing:
        return QStringLiteral("syncing");
    case AccountState::Pushing:
        return QStringLiteral("pushing");
    case AccountState::Offline:
        return QStringLiteral("offline");
    case AccountState::Error:
        return QStringLiteral("error");
    }
    return {};
}

}  // namespace Heron::Sync
