// SPDX-License-Identifier: GPL-3.0-or-later
#include "mailbackend.h"

#include "accounts/profile.h"
#include "core/logging.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagemetadata.h"
#include "store/messagestore.h"
#include "store/searchquery.h"
#include "sync/localactions.h"
#include "sync/syncengine.h"

#include <QHash>
#include <QPointer>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>

#include <map>
#include <memory>

namespace Heron::Gui {

namespace {

// The messages grouped by account, in the order given: the journal takes one account per call.
Result<std::map<qint64, QList<qint64>>> byAccount(Store::Database &database, const QList<qint64> &messageIds)
{
    auto locations = Store::MessageStore(database).locations(messageIds);
    if (!locations)
        return locations.error();
    std::map<qint64, QList<qint64>> groups;
    for (const Store::MessageStore::Location &location : std::as_const(*locations))
        groups[location.accountId].append(location.messageId);
    return groups;
}

}  // namespace

MailBackend::MailBackend(Accounts::Profile &profile, QObject *parent) : QObject(parent), m_profile(profile)
{
    m_thread.setObjectName(QStringLiteral("heron-sync"));
    m_engine = new Sync::SyncEngine(profile);
    m_engine->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);

    connect(m_engine, &Sync::SyncEngine::progressChanged, this, &MailBackend::progressChanged);
    connect(m_engine, &Sync::SyncEngine::accountStateChanged, this, &MailBackend::accountStateChanged);
    connect(m_engine, &Sync::SyncEngine::errorOccurred, this, &MailBackend::errorOccurred);
    connect(m_engine, &Sync::SyncEngine::messagesArrived, this, &MailBackend::messagesArrived);
    connect(m_engine, &Sync::SyncEngine::roundFinished, this,
            [this](qint64 accountId, const Sync::SyncStats &) { Q_EMIT roundFinished(accountId); });
    connect(m_engine, &Sync::SyncEngine::serverSearchHits, this, &MailBackend::serverHitsFound);
    connect(m_engine, &Sync::SyncEngine::serverSearchFinished, this, &MailBackend::serverSearchFinished);
    connect(m_engine, &Sync::SyncEngine::stopped, this, [this] {
        if (m_stopping)
            Q_EMIT stopped();
        m_stopping = false;
    });

    // The request ids of part fetches are the engine's; they are mapped back to (message,
    // section) on the worker thread, where both the requests and the answers happen.
    auto requests = std::make_shared<PartRequests>();
    connect(m_engine, &Sync::SyncEngine::partFetched, m_engine,
            [this, requests](quint64 requestId, const QByteArray &content) {
                const PartRequest request = requests->take(requestId);
                if (!request.messageId)
                    return;
                if (request.savePath.isEmpty()) {
                    Q_EMIT partArrived(request.messageId, request.section, content);
                    return;
                }
                QSaveFile file(request.savePath);
                if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit()) {
                    Q_EMIT partFailed(request.messageId, request.section,
                                      tr("Cannot write %1: %2").arg(request.savePath, file.errorString()));
                    return;
                }
                Q_EMIT partSaved(request.messageId, request.section, request.savePath);
            });
    connect(m_engine, &Sync::SyncEngine::partFailed, m_engine, [this, requests](quint64 requestId, const Error &error) {
        const PartRequest request = requests->take(requestId);
        if (request.messageId)
            Q_EMIT partFailed(request.messageId, request.section, error.message);
    });
    connect(m_engine, &Sync::SyncEngine::partFetchProgress, m_engine,
            [this, requests](quint64 requestId, qint64 received, qint64 total) {
                const PartRequest request = requests->value(requestId);
                if (request.messageId)
                    Q_EMIT partProgress(request.messageId, request.section, received, total);
            });
    m_partRequests = requests;
    m_thread.start();
}

void MailBackend::fail(const QString &message)
{
    qCWarning(lcApp) << message;
    Q_EMIT actionFailed(message);
}

MailBackend::~MailBackend()
{
    m_thread.quit();
    m_thread.wait();
}

template <typename Function>
void MailBackend::onWorker(Function &&function)
{
    QMetaObject::invokeMethod(m_engine, std::forward<Function>(function), Qt::QueuedConnection);
}

void MailBackend::start()
{
    onWorker([engine = m_engine] { engine->start(); });
}

void MailBackend::shutdown(int timeoutMs)
{
    m_stopping = true;
    onWorker([engine = m_engine] { engine->stop(); });
    // A server that does not answer LOGOUT must not keep the application open.
    QTimer::singleShot(timeoutMs, this, [this] {
        if (!m_stopping)
            return;
        m_stopping = false;
        Q_EMIT stopped();
    });
}

void MailBackend::syncNow(qint64 accountId, qint64 folderId)
{
    onWorker([engine = m_engine, accountId, folderId] {
        if (accountId) {
            engine->requestSync(accountId, folderId);
            return;
        }
        const auto accounts = engine->profile().accounts();
        if (!accounts)
            return;
        for (const Accounts::Account &account : *accounts)
            engine->requestSync(account.id, 0);
    });
}

void MailBackend::setFolderOnScreen(qint64 folderId)
{
    onWorker([engine = m_engine, folderId] { engine->setFolderOnScreen(folderId); });
}

void MailBackend::setFolderSynchronized(qint64 folderId, bool on)
{
    onWorker([this, engine = m_engine, folderId, on] {
        Store::FolderStore folders(engine->profile().database());
        auto folder = folders.folder(folderId);
        if (!folder) {
            fail(folder.error().message);
            return;
        }
        if (auto set = folders.setSelectedForSync(folderId, on); !set) {
            fail(set.error().message);
            return;
        }
        engine->requestSync(folder->accountId, 0);
    });
}

void MailBackend::fetchPart(qint64 messageId, const QString &section)
{
    onWorker([engine = m_engine, requests = m_partRequests, messageId, section] {
        // The engine answers later (queued), so the request is known before its answer.
        const quint64 requestId = engine->fetchPart(messageId, section);
        requests->insert(requestId, {messageId, section, {}});
    });
}

void MailBackend::savePart(qint64 messageId, const QString &section, const QString &filePath)
{
    onWorker([engine = m_engine, requests = m_partRequests, messageId, section, filePath] {
        const quint64 requestId = engine->fetchPart(messageId, section);
        requests->insert(requestId, {messageId, section, filePath});
    });
}

void MailBackend::setFlags(const QList<qint64> &messageIds, quint32 addBits, quint32 removeBits)
{
    onWorker([this, engine = m_engine, messageIds, addBits, removeBits] {
        auto groups = byAccount(engine->profile().database(), messageIds);
        if (!groups) {
            fail(groups.error().message);
            return;
        }
        for (const auto &[accountId, ids] : *groups) {
            auto done = Sync::LocalActions(engine->profile().database()).setFlags(ids, addBits, removeBits);
            if (!done)
                fail(done.error().message);
            else if (!done->isEmpty())
                engine->operationsQueued(accountId);
        }
    });
}

void MailBackend::markFolderRead(qint64 folderId)
{
    onWorker([this, folderId] {
        QSqlQuery query(m_profile.database().connection());
        query.setForwardOnly(true);
        query.prepare(QStringLiteral("SELECT id FROM messages WHERE folder_id = ? AND (flags & ?) = 0"));
        query.addBindValue(folderId);
        query.addBindValue(quint32(Store::MessageFlags::Seen));
        if (!query.exec()) {
            fail(tr("Cannot read the folder's unread messages: %1").arg(query.lastError().text()));
            return;
        }
        QList<qint64> ids;
        while (query.next())
            ids.append(query.value(0).toLongLong());
        query.finish();
        if (!ids.isEmpty())
            setFlags(ids, Store::MessageFlags::Seen, 0);
    });
}

void MailBackend::measureFolder(qint64 folderId)
{
    onWorker([this, folderId] {
        QSqlQuery query(m_profile.database().connection());
        query.prepare(QStringLiteral("SELECT coalesce(sum(size), 0) FROM messages WHERE folder_id = ?"));
        query.addBindValue(folderId);
        const qint64 bytes = query.exec() && query.next() ? query.value(0).toLongLong() : -1;
        Q_EMIT folderSizeKnown(folderId, bytes);
    });
}

void MailBackend::move(const QList<qint64> &messageIds, qint64 targetFolderId)
{
    runAction(Action::Move, messageIds, targetFolderId);
}

void MailBackend::copy(const QList<qint64> &messageIds, qint64 targetFolderId)
{
    runAction(Action::Copy, messageIds, targetFolderId);
}

void MailBackend::remove(const QList<qint64> &messageIds)
{
    runAction(Action::Remove, messageIds, 0);
}

void MailBackend::runAction(Action action, const QList<qint64> &messageIds, qint64 targetFolderId)
{
    onWorker([this, engine = m_engine, action, messageIds, targetFolderId] {
        auto groups = byAccount(engine->profile().database(), messageIds);
        if (!groups) {
            fail(groups.error().message);
            return;
        }
        Sync::LocalActions actions(engine->profile().database());
        for (const auto &[accountId, ids] : *groups) {
            Result<QList<qint64>> done = action == Action::Move   ? actions.move(ids, targetFolderId)
                                         : action == Action::Copy ? actions.copy(ids, targetFolderId)
                                                                  : actions.remove(ids);
            if (!done)
                fail(done.error().message);
            else if (!done->isEmpty())
                engine->operationsQueued(accountId);
        }
    });
}

quint64 MailBackend::search(const QString &text, int limit)
{
    const quint64 serial = m_nextSearch++;
    onWorker([this, engine = m_engine, text, limit, serial] {
        // The last search ends first, its server hits with it: they matched another query.
        if (auto dropped = engine->endServerSearch(); !dropped)
            qCWarning(lcApp) << "Cannot remove the server hits of the last search:" << dropped.error().message;
        auto query = Store::SearchQuery::parse(text);
        if (!query) {
            Q_EMIT searchFailed(serial, query.error().message);
            return;
        }
        auto ids = Store::runSearch(engine->profile().database(), *query, limit);
        if (!ids) {
            Q_EMIT searchFailed(serial, ids.error().message);
            return;
        }
        Q_EMIT searchFinished(serial, *ids);
        engine->searchServer(serial, *query);
    });
    return serial;
}

void MailBackend::endSearch()
{
    onWorker([engine = m_engine] {
        if (auto dropped = engine->endServerSearch(); !dropped)
            qCWarning(lcApp) << "Cannot remove the server hits of the search:" << dropped.error().message;
    });
}

}  // namespace Heron::Gui
