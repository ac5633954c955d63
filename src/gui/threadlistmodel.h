// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "gui/messagelistmodel.h"
#include "gui/messagerow.h"
#include "gui/threadforest.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QList>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Gui {

// The messages of one or more folders as threads, for the message list's thread view: a tree
// whose roots are the threads, newest activity first, and whose replies sit below what they
// answer, oldest first (see ThreadForest for the threading rules). It stands in for
// MessageListModel: the same columns (MessageListModel::Column), roles, look, setFolder(),
// setFolders(), clear(), folderId(), isComplete() and drag payload; messageId() and indexOf()
// take and give QModelIndex instead of rows, and the order is fixed (sort() does nothing).
// There is no setMessages(): search results are shown flat. A thread's root shows the number
// of its messages after its subject and is bold while any of them is unread.
//
// The threads are computed on a worker thread with its own store connection, so a big folder
// never blocks the window: setFolder() shows nothing until loaded() arrives. Rows are read in
// pages on the GUI thread. Store notices become row insertions, moves, changes and removals,
// so selection and expanded threads survive a sync. Nothing is expanded by the model: a
// QTreeView shows the threads collapsed.
class ThreadListModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role {
        MessageIdRole = MessageListModel::MessageIdRole,
        UnreadRole = MessageListModel::UnreadRole,
        FlaggedRole = MessageListModel::FlaggedRole,
        ThreadSizeRole,      // on a thread's root: how many messages the thread holds
        UnreadInThreadRole,  // on a thread's root: how many of them are unread
    };

    explicit ThreadListModel(Store::Database &database, QObject *parent = nullptr);
    // Stops a computation under way and waits for its thread to let go of the store.
    ~ThreadListModel() override;

    // Shows the folder's threads once computed (loaded()); recipients instead of senders
    // (Sent, Drafts) when asked. The threads are read asynchronously: a failure to read them
    // arrives as loadFailed().
    Result<bool> setFolder(qint64 folderId, bool showRecipients = false);
    // The messages of several folders threaded together ("All inboxes").
    Result<bool> setFolders(const QList<qint64> &folderIds, bool showRecipients = false);
    // Shows nothing.
    void clear();
    // The folder shown, when exactly one is; 0 otherwise.
    qint64 folderId() const { return m_folderIds.size() == 1 ? m_folderIds.constFirst() : 0; }
    // False while the threads of the folders set last are being computed.
    bool isComplete() const { return m_complete; }

    qint64 messageId(const QModelIndex &index) const;
    QModelIndex indexOf(qint64 messageId, int column = 0) const;  // invalid when not shown

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override;

    // A notice about more messages than this is applied by computing the threads anew on the
    // worker (a bulk sync round) rather than row by row.
    static constexpr int kLargestIncrementalNotice = 256;

Q_SIGNALS:
    // The threads of the folders shown are computed and installed; also after a recomputation.
    void loaded();
    void loadFailed(const Heron::Error &error);

private:
    enum class NoticeKind { Inserted, Changed, Removed };
    struct Notice {
        NoticeKind kind;
        QList<qint64> ids;
    };

    void show(const QList<qint64> &folderIds, bool showRecipients);
    void startComputation(bool reset);
    void install(quint64 generation, Result<ThreadForest> forest);
    void installKeepingPersistentIndexes(ThreadForest forest);
    void applyNotice(const Notice &notice);
    void onNotice(NoticeKind kind, qint64 folderId, const QList<qint64> &ids);

    QModelIndex indexOfSlot(int slot, int column = 0) const;
    const MessageRow *rowOf(int slot) const;
    void loadPage(int slot) const;

    void insertMessages(const QList<qint64> &ids);
    void insertMessage(const ThreadingFields &message);
    void adoptWaiters(int slot);
    void moveNode(int slot, int newParent, int rank);
    void changeMessages(const QList<qint64> &ids);
    void removeMessages(const QList<qint64> &ids);
    void removeNode(int slot);
    // Counts the thread again; its root row changes and moves to its place among the threads.
    void updateThread(int root);
    void repositionRoot(int root);

    Store::Database &m_database;
    QList<qint64> m_folderIds;
    bool m_showRecipients = false;
    bool m_complete = true;
    ThreadForest m_forest;
    mutable QHash<qint64, MessageRow> m_rows;  // loaded pages

    QThreadPool m_worker;
    quint64 m_generation = 0;
    bool m_computing = false;
    bool m_resetOnInstall = false;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QList<Notice> m_noticesWhileComputing;
};

}  // namespace Heron::Gui
