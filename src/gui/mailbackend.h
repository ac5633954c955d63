// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/syncstats.h"

#include <QHash>
#include <QObject>
#include <QThread>

#include <memory>

namespace Heron::Accounts {
class Profile;
}  // namespace Heron::Accounts

namespace Heron::Sync {
class SyncEngine;
}  // namespace Heron::Sync

namespace Heron::Gui {

// The window's way to the sync engine and to the store's writers, which live on a worker thread:
// every call here returns at once, and answers come back as signals on the GUI thread. The user's
// actions on messages are written to the operation journal there (the store's notices then update
// the views), and the engine is told to replay them. Searches run there as well, so a slow query
// never holds up painting.
class MailBackend : public QObject {
    Q_OBJECT
public:
    // The profile must outlive the backend.
    explicit MailBackend(Accounts::Profile &profile, QObject *parent = nullptr);
    // Stops the worker thread, waiting for it (call shutdown() first for a clean logout).
    ~MailBackend() override;

    // Connects every account and keeps it in step (push or polling).
    void start();
    // Logs out of every server; stopped() follows, at the latest after timeoutMs.
    void shutdown(int timeoutMs = 3000);

    // An incremental round now: one folder, one account (folderId 0) or every account (both 0).
    void syncNow(qint64 accountId = 0, qint64 folderId = 0);
    void setFolderOnScreen(qint64 folderId);
    // Turns synchronization of a folder on or off; the account's next round (started now)
    // fetches it or forgets its local messages. The server is not touched.
    void setFolderSynchronized(qint64 folderId, bool on);

    // Fetches a body part through the content cache; partArrived() or partFailed() follows.
    void fetchPart(qint64 messageId, const QString &section);
    // Fetches a part and writes it to the file (atomically, on the worker thread); partSaved()
    // or partFailed() follows, with partProgress() meanwhile.
    void savePart(qint64 messageId, const QString &section, const QString &filePath);

    // Journaled actions (Sync::LocalActions): applied to the store at once, then on the server.
    // Failures arrive as actionFailed(), in plain words.
    void setFlags(const QList<qint64> &messageIds, quint32 addBits, quint32 removeBits);
    void move(const QList<qint64> &messageIds, qint64 targetFolderId);
    void copy(const QList<qint64> &messageIds, qint64 targetFolderId);
    void remove(const QList<qint64> &messageIds);
    // Marks every unread message of the folder read (one journaled action).
    void markFolderRead(qint64 folderId);
    // Adds up the sizes of the folder's stored messages; folderSizeKnown() follows.
    void measureFolder(qint64 folderId);

    // Runs a search in the command line's syntax over the store; searchFinished() carries the
    // serial returned here, so a late answer to an older search can be told apart. Then the
    // servers are asked for what the store does not hold (before the sliding window, folders not
    // synchronized): serverHitsFound() as they answer, serverSearchFinished() at the end. The
    // hits of the search before are removed first.
    quint64 search(const QString &text, int limit = 2000);
    // The search is over: the server search stops and its hits leave the store.
    void endSearch();

Q_SIGNALS:
    void partArrived(qint64 messageId, const QString &section, const QByteArray &content);
    void partProgress(qint64 messageId, const QString &section, qint64 received, qint64 total);
    void partFailed(qint64 messageId, const QString &section, const QString &message);
    void partSaved(qint64 messageId, const QString &section, const QString &filePath);

    void progressChanged(const Heron::Sync::SyncProgress &progress);
    void accountStateChanged(qint64 accountId, Heron::Sync::AccountState state);
    void errorOccurred(qint64 accountId, const QString &message);
    void roundFinished(qint64 accountId);
    void messagesArrived(qint64 accountId, qint64 folderId, const QList<qint64> &messageIds);
    void actionFailed(const QString &message);
    void folderSizeKnown(qint64 folderId, qint64 bytes);
    void searchFinished(quint64 serial, const QList<qint64> &messageIds);
    void searchFailed(quint64 serial, const QString &message);
    void serverHitsFound(quint64 serial, const QList<qint64> &messageIds);
    void serverSearchFinished(quint64 serial, int hits, const QStringList &errors);
    void stopped();

private:
    enum class Action { Move, Copy, Remove };
    struct PartRequest {
        qint64 messageId = 0;
        QString section;
        QString savePath;  // empty: the bytes go to partArrived()
    };
    using PartRequests = QHash<quint64, PartRequest>;  // touched on the worker thread only

    // Reports a failed action (any thread).
    void fail(const QString &message);
    void runAction(Action action, const QList<qint64> &messageIds, qint64 targetFolderId);
    template <typename Function>
    void onWorker(Function &&function);

    Accounts::Profile &m_profile;
    QThread m_thread;
    Sync::SyncEngine *m_engine = nullptr;  // lives on m_thread
    std::shared_ptr<PartRequests> m_partRequests;
    quint64 m_nextSearch = 1;
    bool m_stopping = false;
};

}  // namespace Heron::Gui
