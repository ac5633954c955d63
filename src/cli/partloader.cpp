// SPDX-License-Identifier: GPL-3.0-or-later
#include "partloader.h"

#include "cli/context.h"
#include "cli/engineround.h"
#include "store/folderstore.h"
#include "sync/contentcache.h"
#include "sync/syncengine.h"

#include <map>

namespace Heron::Cli {

PartLoader::PartLoader(Context &context) : m_context(context) {}

PartLoader::~PartLoader() = default;

Result<QByteArray> PartLoader::load(const Store::MessageMetadata &message, const QString &section)
{
    Accounts::Profile &profile = m_context.profile();
    m_lastFromCache = false;
    auto folder = Store::FolderStore(profile.database()).folder(message.folderId);
    if (!folder)
        return folder.error();
    auto account = profile.account(folder->accountId);
    if (!account)
        return account.error();

    if (!m_cache)
        m_cache = std::make_unique<Sync::ContentCache>(profile.database(), profile.cacheDirectory(),
                                                       profile.cacheKey());
    const Sync::PartAddress address{
            account->id, account->settings.key, folder->id, folder->state.uidValidity, message.uid, section};
    auto cached = m_cache->read(address);
    if (cached && cached->has_value()) {
        m_lastFromCache = true;
        return **cached;
    }
    if (!cached)
        m_context.console().note(QStringLiteral("The content cache could not be read (%1); asking the server.")
                                         .arg(cached.error().message));

    if (!m_engine)
        m_engine = std::make_unique<Sync::SyncEngine>(profile);
    m_context.console().note(QStringLiteral("Fetching part %1 of message %2 from %3…")
                                     .arg(section.isEmpty() ? QStringLiteral("(whole message)") : section)
                                     .arg(message.id)
                                     .arg(account->settings.label()));
    // Answers are kept by request id: one may come inside fetchPart() itself (a password store
    // that fails at once), before its id is known here.
    std::map<quint64, Result<QByteArray>> answers;
    Waiter waiter;
    QObject guard;
    quint64 requestId = 0;
    QObject::connect(m_engine.get(), &Sync::SyncEngine::partFetched, &guard,
                     [&](quint64 id, const QByteArray &content) {
                         answers.insert_or_assign(id, Result<QByteArray>(content));
                         if (id == requestId)
                             waiter.done();
                     });
    QObject::connect(m_engine.get(), &Sync::SyncEngine::partFailed, &guard, [&](quint64 id, const Error &error) {
        answers.insert_or_assign(id, Result<QByteArray>(error));
        if (id == requestId)
            waiter.done();
    });
    QObject::connect(m_engine.get(), &Sync::SyncEngine::partFetchProgress, &guard,
                     [&](quint64 id, qint64 received, qint64 total) {
                         if (id == requestId && total > 0)
                             m_context.console().note(
                                     QStringLiteral("%1 of %2").arg(formatSize(received), formatSize(total)));
                     });
    requestId = m_engine->fetchPart(message.id, section);
    if (answers.find(requestId) == answers.end())
        waiter.wait();
    const auto answer = answers.find(requestId);
    if (answer == answers.end())
        return makeError(Error::Code::Cancelled, QStringLiteral("The fetch was interrupted."));
    return answer->second;
}

void PartLoader::finish()
{
    if (m_engine) {
        stopEngine(*m_engine);
        m_engine.reset();
    }
}

}  // namespace Heron::Cli
