// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/database.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariant>

class QMimeData;
class QSqlQuery;

namespace Heron::Gui {

using Store::sqlPlaceholders;

// One message as a row of the message list shows it: read from the store in pages, answered
// per column and role the way MessageListModel does (columns and roles of that class), so the
// flat list and the thread view look the same. A value; the models keep a cache of them.
struct MessageRow {
    quint32 flags = 0;
    bool hasAttachments = false;
    QString correspondent;
    QString correspondentTooltip;
    QString subject;
    QDateTime date;
    qint64 size = 0;
    // Found by a server search outside what is synchronized; shown in italics with a tooltip.
    bool serverHit = false;

    // "SELECT id, <columns> FROM messages ..." reads what fromQuery() takes.
    static QString columns(bool showRecipients);
    // From a query over columns(), whose first column is the message id (not read here).
    static MessageRow fromQuery(const QSqlQuery &query);

    bool isUnread() const;
    bool isFlagged() const;
    // Display, decoration, tooltip, font and the unread and flagged roles of one column.
    QVariant data(int column, int role) const;
    // The header of the list: the Flagged and Attachment columns show their icon, their name
    // in the tooltip and for screen readers.
    static QVariant headerData(int section, int role, bool showRecipients);

    // What dragging these messages carries (FolderTreeModel::encodeMessageIds); nullptr when
    // they are unknown or belong to several accounts, which cannot be dragged together.
    static QMimeData *dragData(Store::Database &database, const QList<qint64> &messageIds);
};

}  // namespace Heron::Gui
