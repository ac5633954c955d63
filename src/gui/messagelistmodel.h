// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "gui/messagerow.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSqlQuery>
#include <QThread>

#include <memory>
#include <vector>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Gui {

class MessageListLoader;

// The messages of a folder (or of several, or search results) for the message list. It holds only
// their ids, in the order of the current sort (done in SQL), and reads the rows shown in pages;
// nothing else of a message stays in memory. Store notices become row insertions, changes and
// removals, so selection and scroll position survive a sync.
//
// Big views load off the GUI thread: setFolder() reads the folder's count and, in date order, its
// first page (an index walk of a few milliseconds), so the first rows paint at once; the whole
// ordered id list follows from a worker thread (loaded()), and rows past the first page are blank
// until then. Store notices that arrive meanwhile wait and are applied once the list is in. Views
// up to synchronousLimit() rows load at once. A new sort of a big view works the same way: the old
// order stays on screen until the new one is in.
class MessageListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Flagged, Attachment, Correspondent, Subject, Date, Size, ColumnCount };
    enum Role { MessageIdRole = Qt::UserRole + 1, UnreadRole, FlaggedRole, ServerHitRole };

    static constexpr int kPageSize = 200;
    static constexpr int kDefaultSynchronousLimit = 20000;

    explicit MessageListModel(Store::Database &database, QObject *parent = nullptr);
    ~MessageListModel() override;

    // Shows the folder; recipients instead of senders (Sent, Drafts) when asked.
    Result<bool> setFolder(qint64 folderId, bool showRecipients = false);
    // Shows the messages of several folders together ("All inboxes").
    Result<bool> setFolders(const QList<qint64> &folderIds, bool showRecipients = false);
    // Shows exactly these messages (search results), in the current sort order; later store
    // notices change and remove them but add none.
    Result<bool> setMessages(const QList<qint64> &messageIds);
    // Adds messages to the search results shown, each at its place in the sort order (a server
    // search's hits arriving); nothing when no search results are shown. Returns how many rows
    // were added (messages shown already are not).
    int addMessages(const QList<qint64> &messageIds);
    // Shows nothing.
    void clear();
    // The folder shown, when exactly one is; 0 otherwise.
    qint64 folderId() const { return m_folderIds.size() == 1 ? m_folderIds.constFirst() : 0; }
    bool showsSearchResults() const { return m_searchResults; }
    // False while the ordered list is being read off the GUI thread.
    bool isComplete() const { return !m_loading; }
    // Views of at most this many rows are read at once, on the calling thread.
    int synchronousLimit() const { return m_synchronousLimit; }
    void setSynchronousLimit(int rows) { m_synchronousLimit = rows; }

    qint64 messageId(int row) const;
    // The ids of rows first .. last, in order.
    QList<qint64> messageIds(int first, int last) const;
    int rowOf(qint64 messageId) const;  // -1 when not shown
    // The next unread row after `row` (before it when backwards; from the top or the bottom when
    // row is -1), found in SQL rather than by reading every row; -1 when there is none.
    int findUnread(int row, bool backwards = false) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    // Dragged rows carry their store ids and their account (FolderTreeModel::encodeMessageIds);
    // rows of several accounts cannot be dragged together.
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override;

Q_SIGNALS:
    // The whole ordered list of the view is in (after a load or a sort off the GUI thread).
    void loaded();
    // Asks the worker for the ordered ids of a view (internal).
    void loadRequested(quint64 generation, const QString &sql, const QList<QVariant> &values);

private:
    struct Notice {
        enum class Kind { Inserted, Changed, Removed };
        Kind kind = Kind::Inserted;
        qint64 folderId = 0;
        QList<qint64> ids;
    };

    // The ids in order, in blocks, so that inserting or removing rows in a list of a million
    // moves a few thousand ids, not all of them.
    class IdList {
    public:
        qsizetype size() const { return m_size; }
        qint64 at(qsizetype row) const;
        void insert(qsizetype row, qint64 id);
        void remove(qsizetype row, qsizetype count);
        void assign(const QList<qint64> &ids);
        qsizetype indexOf(qint64 id) const;
        // Appends the ids of rows first .. first + count - 1 (as far as they exist).
        void copy(qsizetype first, qsizetype count, QList<qint64> &out) const;
        template <typename Function>
        void forEach(Function function) const;  // function(row, id)

    private:
        std::pair<size_t, qsizetype> locate(qsizetype row) const;
        void rebalance(size_t block);
        std::vector<std::vector<qint64>> m_blocks;
        // The first row of each block, rebuilt after a change when a row is next looked up:
        // finding a row is then a binary search over the blocks.
        mutable std::vector<qsizetype> m_starts;
        mutable bool m_startsValid = false;
        qsizetype m_size = 0;
    };

    QString orderColumn() const;
    QString orderBy() const;
    QString selection() const;
    QList<QVariant> selectionValues() const;
    Result<QList<qint64>> orderedIds(const QString &limit = {}) const;
    Result<bool> show(const QList<qint64> &folderIds, const QList<qint64> &messageIds, bool searchResults,
                      bool showRecipients);
    void startLoad();
    void onLoaded(quint64 generation, const QList<qint64> &ids, const QString &error);
    void adoptSortedIds(const QList<qint64> &ids);
    QVariant keyOf(qint64 id) const;
    void cacheKeys(const QList<qint64> &ids) const;
    bool before(const QVariant &keyA, qint64 idA, const QVariant &keyB, qint64 idB) const;
    qsizetype insertPosition(const QVariant &key, qint64 id) const;
    void loadPage(int row) const;
    bool watches(qint64 folderId) const;
    void onNotice(Notice::Kind kind, qint64 folderId, const QList<qint64> &ids);
    void insertIds(const QList<qint64> &ids);
    void removeIds(const QList<qint64> &ids);
    void changeIds(const QList<qint64> &ids);

    Store::Database &m_database;
    QList<qint64> m_folderIds;
    QList<qint64> m_messageIds;  // search results: the set shown
    bool m_searchResults = false;
    bool m_showRecipients = false;
    int m_sortColumn = Date;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    int m_synchronousLimit = kDefaultSynchronousLimit;

    IdList m_ids;              // the rows in order; while a first load runs, only the first page
    int m_count = 0;           // rows shown: m_ids.size() unless a first load runs
    bool m_loading = false;    // the ordered list is being read off the GUI thread
    quint64 m_generation = 0;  // of the view; answers for an older one are dropped
    QList<Notice> m_pending;   // store notices that arrived while loading

    mutable QHash<qint64, MessageRow> m_rows;       // loaded pages
    mutable QHash<qint64, QVariant> m_keys;         // sort keys read for binary searches
    mutable std::unique_ptr<QSqlQuery> m_keyQuery;  // SELECT key of one id, prepared for the current sort
    QThread m_thread;
    MessageListLoader *m_loader = nullptr;
};

}  // namespace Heron::Gui
