// SPDX-License-Identifier: GPL-3.0-or-later
#include "serversearcher.h"

#include "imap/fetchjob.h"
#include "imap/searchjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "sync/messageconverter.h"
#include "sync/synclogging.h"

namespace Heron::Sync {

ServerSearcher::ServerSearcher(Imap::Session *session, Store::Database &database, const QList<Target> &targets,
                               QObject *parent)
    : QObject(parent),
      m_session(session),
      m_database(database),
      m_targets(targets)
{
}

void ServerSearcher::start()
{
    next();
}

void ServerSearcher::cancel()
{
    m_cancelled = true;
}

bool ServerSearcher::sessionUsable() const
{
    return m_session && (m_session->state() == Imap::Session::State::Authenticated ||
                         m_session->state() == Imap::Session::State::Selected);
}

void ServerSearcher::next()
{
    if (m_done)
        return;
    m_known.clear();
    m_fetched.clear();
    ++m_index;
    if (m_cancelled || m_index >= m_targets.size()) {
        m_done = true;
        Q_EMIT finished();
        return;
    }
    if (!sessionUsable()) {
        m_done = true;
        Q_EMIT failed(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return;
    }
    // EXAMINE: searching must change nothing on the server (RFC 3501 §6.3.2).
    auto *job = new Imap::SelectJob(m_session);
    job->setMailbox(m_targets.at(m_index).mailbox);
    job->setReadOnly(true);
    connect(job, &Imap::Job::finished, this, [this, job] { examined(job->uidValidity()); });
    connect(job, &Imap::Job::failed, this, &ServerSearcher::folderFailed);
    job->start();
}

void ServerSearcher::examined(quint32 uidValidity)
{
    const Target &target = m_targets.at(m_index);
    if (m_cancelled)
        return next();
    // Under another UIDVALIDITY the store's UIDs name other messages (RFC 3501 §2.3.1.1): the
    // next round rebuilds the folder first.
    if (uidValidity == 0 || (target.expectedUidValidity != 0 && uidValidity != target.expectedUidValidity)) {
        qCInfo(lcSync, "Not searching folder %lld: UIDVALIDITY %u, the store has %u", target.folderId, uidValidity,
               target.expectedUidValidity);
        ++m_failed;
        return next();
    }
    m_uidValidity = uidValidity;
    auto *job = new Imap::SearchJob(m_session);
    job->setCharset(target.criteria.charset);
    job->setCriteria(target.criteria.build);
    connect(job, &Imap::Job::finished, this, [this, job] { searched(job->uids()); });
    connect(job, &Imap::Job::failed, this, &ServerSearcher::folderFailed);
    job->start();
}

void ServerSearcher::searched(const UidSet &matches)
{
    ++m_searched;
    const Target &target = m_targets.at(m_index);
    if (m_cancelled || matches.isEmpty())
        return next();
    // UIDs grow with arrival: the highest are the newest.
    const UidSet newest = matches.highest(quint64(m_maxHitsPerFolder));
    auto stored = Store::MessageStore(m_database).idsByUid(target.folderId, newest);
    if (!stored) {
        qCWarning(lcSync) << "Server search:" << stored.error().message;
        ++m_failed;
        return next();
    }
    UidSet missing;
    Store::MessageStore messages(m_database);
    for (const UidSet::Range &range : newest.ranges()) {
        for (quint64 uid = range.first; uid <= range.last; ++uid) {
            const auto it = stored->constFind(quint32(uid));
            if (it == stored->constEnd()) {
                missing.add(quint32(uid));
                continue;
            }
            if (target.criteria.needsAttachmentFilter) {
                auto known = messages.message(*it);
                if (!known || !known->hasAttachments)
                    continue;
            }
            m_known.append(*it);
        }
    }
    if (missing.isEmpty())
        return fetched();
    auto *job = new Imap::FetchJob(m_session);
    job->setUids(missing);
    job->setItems(metadataFetchItems(false));
    connect(job, &Imap::FetchJob::messageFetched, this, [this, missing](const Imap::FetchResponse &response) {
        // Only what was asked: a server volunteering other messages adds nothing.
        if (!response.uid || !missing.contains(*response.uid))
            return;
        Store::MessageMetadata metadata = metadataFromFetch(response);
        if (m_targets.at(m_index).criteria.needsAttachmentFilter && !metadata.hasAttachments)
            return;
        for (const Store::MessageMetadata &known : std::as_const(m_fetched)) {
            if (known.uid == metadata.uid)
                return;
        }
        m_fetched.append(std::move(metadata));
    });
    connect(job, &Imap::Job::finished, this, &ServerSearcher::fetched);
    connect(job, &Imap::Job::failed, this, &ServerSearcher::folderFailed);
    job->start();
}

void ServerSearcher::fetched()
{
    const Target &target = m_targets.at(m_index);
    if (m_cancelled)
        return next();
    QList<qint64> ids = m_known;
    if (!m_fetched.isEmpty()) {
        auto stored = Store::FolderStore(m_database).storeServerHits(target.folderId, m_fetched);
        if (!stored) {
            qCWarning(lcSync) << "Server search:" << stored.error().message;
            ++m_failed;
            return next();
        }
        ids += *stored;
    }
    if (target.expectedUidValidity == 0)
        m_discovered.insert(target.folderId, m_uidValidity);
    if (!ids.isEmpty()) {
        m_hits += int(ids.size());
        Q_EMIT hitsFound(target.folderId, ids);
    }
    next();
}

void ServerSearcher::folderFailed(const Error &error)
{
    if (m_done)
        return;
    if (!sessionUsable()) {
        m_done = true;
        Q_EMIT failed(error);
        return;
    }
    // NO or BAD for this folder (gone, not searchable, a charset refused): the others still count.
    qCInfo(lcSync) << "Server search skipped folder" << m_targets.at(m_index).folderId << ":" << error.message;
    ++m_failed;
    next();
}

}  // namespace Heron::Sync
