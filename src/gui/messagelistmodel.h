// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Gui {

// The messages of one folder for the message list: it holds only their ids, in the order of
// the current sort (done in SQL), and reads the rows shown in pages. Store notices become row
// insertions, changes and removals, so selection and scroll position survive a sync.
class MessageListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Flagged, Attachment, Correspondent, Subject, Date, Size, ColumnCount };
    enum Role { MessageIdRole = Qt::UserRole + 1, UnreadRole, FlaggedRole };

    explicit MessageListModel(Store::Database &database, QObject *parent = nullptr);

    // Shows the folder; recipients instead of senders (Sent, Drafts) when asked.
    Result<bool> setFolder(qint64 folderId, bool showRecipients = false);
    // Shows the messages of several folders together ("All inboxes").
    Result<bool> setFolders(const QList<qint64> &folderIds, bool showRecipients = false);
    // Shows exactly these messages (search results), in the current sort order; later store
    // notices change and remove them but add none.
    Result<bool> setMessages(const QList<qint64> &messageIds);
    // Shows nothing.
    void clear();
    // The folder shown, when exactly one is; 0 otherwise.
    qint64 folderId() const { return m_folderIds.size() == 1 ? m_folderIds.constFirst() : 0; }
    bool showsSearchResults() const { return m_searchResults; }
    bool isComplete() const { return true; }

    qint64 messageId(int row) const;
    int rowOf(qint64 messageId) const;  // -1 when not shown

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

    static constexpr int kPageSize = 200;

private:
    struct Row {
        quint32 flags = 0;
        bool hasAttachments = false;
        QString correspondent;
        QString correspondentTooltip;
        QString subject;
        QDateTime date;
        qint64 size = 0;
    };
    struct Key {
        QVariant value;
        qint64 id = 0;
    };

    QString orderColumn() const;
    bool keyLess(const Key &a, const Key &b) const;
    Result<QList<Key>> keysOf(const QList<qint64> &ids) const;
    void loadPage(int row) const;
    void show(QList<Key> keys, const QList<qint64> &folderIds, bool searchResults);
    bool watches(qint64 folderId) const;
    void insertKeys(const QList<Key> &keys);
    void removeIds(const QList<qint64> &ids);
    void onInserted(qint64 folderId, const QList<qint64> &ids);
    void onChanged(qint64 folderId, const QList<qint64> &ids);
    void onRemoved(qint64 folderId, const QList<qint64> &ids);

    Store::Database &m_database;
    QList<qint64> m_folderIds;
    bool m_searchResults = false;
    bool m_showRecipients = false;
    int m_sortColumn = Date;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    QList<Key> m_keys;  // the rows, in order
    QHash<qint64, int> m_rowOfId;
    mutable QHash<qint64, Row> m_rows;  // loaded pages
};

}  // namespace Heron::Gui
