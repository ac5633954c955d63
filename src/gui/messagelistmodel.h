// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

namespace Heron::Store {
class Database;
}

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
    qint64 folderId() const { return m_folderId; }

    qint64 messageId(int row) const;
    int rowOf(qint64 messageId) const;  // -1 when not shown

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

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
    void onInserted(qint64 folderId, const QList<qint64> &ids);
    void onChanged(qint64 folderId, const QList<qint64> &ids);
    void onRemoved(qint64 folderId, const QList<qint64> &ids);

    Store::Database &m_database;
    qint64 m_folderId = 0;
    bool m_showRecipients = false;
    int m_sortColumn = Date;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    QList<Key> m_keys;  // the rows, in order
    QHash<qint64, int> m_rowOfId;
    mutable QHash<qint64, Row> m_rows;  // loaded pages
};

}  // namespace Heron::Gui
