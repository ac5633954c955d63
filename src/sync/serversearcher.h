// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "core/uidset.h"
#include "store/messagemetadata.h"
#include "sync/serversearch.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

namespace Heron::Imap {
class Job;
class Session;
}  // namespace Heron::Imap

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Sync {

// Asks the server what the store cannot answer: a search over the parts of folders the store does
// not hold (older than the sliding window, or folders not synchronized). Folder after folder it
// EXAMINEs the mailbox, sends UID SEARCH, keeps the newest matches (highest UIDs) up to a limit,
// fetches the metadata of those the store lacks and stores them as server hits
// (Store::FolderStore::storeServerHits), which the sync leaves alone and the end of the search
// removes. Answers folder by folder through hitsFound(); a folder the server refuses is skipped
// and counted. The session must not select another mailbox meanwhile.
class ServerSearcher : public QObject {
    Q_OBJECT
public:
    struct Target {
        qint64 folderId = 0;
        QByteArray mailbox;               // the wire name
        quint32 expectedUidValidity = 0;  // the store's; 0 when it holds nothing of the folder
        ServerSearchCriteria criteria;    // for the part of this folder the store lacks
    };
    // At most this many matches per folder are fetched (the newest), and the fetch is one command.
    static constexpr int kDefaultMaxHitsPerFolder = 200;

    ServerSearcher(Imap::Session *session, Store::Database &database, const QList<Target> &targets,
                   QObject *parent = nullptr);

    void setMaxHitsPerFolder(int hits) { m_maxHitsPerFolder = hits; }
    void start();
    // Stops after the command in flight, storing nothing more; finished() follows.
    void cancel();
    bool isCancelled() const { return m_cancelled; }

    int hitCount() const { return m_hits; }
    int foldersSearched() const { return m_searched; }
    int foldersFailed() const { return m_failed; }
    // The UIDVALIDITY each folder of the store had none for was found with: the part fetcher
    // needs it to fetch a hit's content.
    const QHash<qint64, quint32> &discoveredUidValidities() const { return m_discovered; }

Q_SIGNALS:
    // Message ids (stored now or before) of one folder's matches.
    void hitsFound(qint64 folderId, const QList<qint64> &messageIds);
    void finished();
    // The connection is gone: nothing more can be asked.
    void failed(const Heron::Error &error);

private:
    void next();
    void examined(quint32 uidValidity);
    void searched(const UidSet &uids);
    void fetched();
    void folderFailed(const Error &error);
    bool sessionUsable() const;

    QPointer<Imap::Session> m_session;
    Store::Database &m_database;
    QList<Target> m_targets;
    int m_maxHitsPerFolder = kDefaultMaxHitsPerFolder;
    int m_index = -1;
    bool m_cancelled = false;
    bool m_done = false;
    quint32 m_uidValidity = 0;
    QList<qint64> m_known;                    // ids of the current folder's matches stored before
    QList<Store::MessageMetadata> m_fetched;  // the others, as fetched
    int m_hits = 0;
    int m_searched = 0;
    int m_failed = 0;
    QHash<qint64, quint32> m_discovered;
};

}  // namespace Heron::Sync
