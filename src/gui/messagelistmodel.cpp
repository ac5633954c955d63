// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagelistmodel.h"

#include "foldertreemodel.h"
#include "store/database.h"
#include "store/messagemetadata.h"
#include "store/messagerows.h"
#include "store/messagestore.h"
#include "store/storenotifier.h"

#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QMimeData>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

#include <algorithm>

namespace Heron::Gui {

namespace {

constexpr int kMaxCachedRows = 20 * MessageListModel::kPageSize;

QString placeholders(qsizetype count)
{
    QString text = QStringLiteral("?");
    for (qsizetype i = 1; i < count; ++i)
        text += QStringLiteral(", ?");
    return text;
}

QString addressText(const Store::Address &address)
{
    if (address.name.isEmpty())
        return address.email;
    return QStringLiteral("%1 <%2>").arg(address.name, address.email);
}

}  // namespace

MessageListModel::MessageListModel(Store::Database &database, QObject *parent)
    : QAbstractTableModel(parent),
      m_database(database)
{
    Store::StoreNotifier *notifier = database.notifier();
    connect(notifier, &Store::StoreNotifier::messagesInserted, this, &MessageListModel::onInserted);
    connect(notifier, &Store::StoreNotifier::messagesChanged, this, &MessageListModel::onChanged);
    connect(notifier, &Store::StoreNotifier::messagesRemoved, this, &MessageListModel::onRemoved);
}

QString MessageListModel::orderColumn() const
{
    const QString addresses = m_showRecipients ? QStringLiteral("to_addrs") : QStringLiteral("from_addrs");
    switch (m_sortColumn) {
    case Flagged:
        return QStringLiteral("(flags & %1)").arg(Store::MessageFlags::Flagged);
    case Attachment:
        return QStringLiteral("has_attachments");
    case Correspondent:
        return QStringLiteral("lower(coalesce(nullif(json_extract(%1, '$[0].n'), ''), json_extract(%1, '$[0].e'), ''))")
                .arg(addresses);
    case Subject:
        return QStringLiteral("lower(subject)");
    case Size:
        return QStringLiteral("size");
    default:
        return QStringLiteral("coalesce(date, internal_date, 0)");
    }
}

bool MessageListModel::keyLess(const Key &a, const Key &b) const
{
    const QPartialOrdering order = QVariant::compare(a.value, b.value);
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    if (order == QPartialOrdering::Less)
        return ascending;
    if (order == QPartialOrdering::Greater)
        return !ascending;
    return ascending ? a.id < b.id : a.id > b.id;
}

Result<bool> MessageListModel::setFolder(qint64 folderId, bool showRecipients)
{
    return setFolders({folderId}, showRecipients);
}

Result<bool> MessageListModel::setFolders(const QList<qint64> &folderIds, bool showRecipients)
{
    // The sort key of the correspondent column depends on which addresses are shown.
    m_showRecipients = showRecipients;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    const QString direction = m_sortOrder == Qt::AscendingOrder ? QStringLiteral("ASC") : QStringLiteral("DESC");
    query.prepare(QStringLiteral("SELECT id, %1 FROM messages WHERE folder_id IN (%2) ORDER BY 2 %3, id %3")
                          .arg(orderColumn(), placeholders(qMax<qsizetype>(1, folderIds.size())), direction));
    if (folderIds.isEmpty())
        query.addBindValue(0);
    for (qint64 folderId : folderIds)
        query.addBindValue(folderId);
    if (!query.exec())
        return makeError(Error::Code::Io, tr("Cannot list the folder's messages: %1").arg(query.lastError().text()));
    QList<Key> keys;
    while (query.next())
        keys.append({query.value(1), query.value(0).toLongLong()});
    show(std::move(keys), folderIds, false);
    return true;
}

Result<bool> MessageListModel::setMessages(const QList<qint64> &messageIds)
{
    m_showRecipients = false;
    auto keys = keysOf(messageIds);
    if (!keys)
        return keys.error();
    QList<Key> sorted = std::move(keys).value();
    std::sort(sorted.begin(), sorted.end(), [this](const Key &a, const Key &b) { return keyLess(a, b); });
    show(std::move(sorted), {}, true);
    return true;
}

void MessageListModel::clear()
{
    show({}, {}, false);
}

void MessageListModel::show(QList<Key> keys, const QList<qint64> &folderIds, bool searchResults)
{
    beginResetModel();
    m_folderIds = folderIds;
    m_searchResults = searchResults;
    m_keys = std::move(keys);
    m_rows.clear();
    m_rowOfId.clear();
    endResetModel();
}

bool MessageListModel::watches(qint64 folderId) const
{
    return m_searchResults || m_folderIds.contains(folderId);
}

void MessageListModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList persistent = persistentIndexList();
    QList<qint64> persistentIds;
    for (const QModelIndex &index : persistent)
        persistentIds.append(messageId(index.row()));
    m_sortColumn = column;
    m_sortOrder = order;
    QList<qint64> ids;
    ids.reserve(m_keys.size());
    for (const Key &key : std::as_const(m_keys))
        ids.append(key.id);
    auto keys = keysOf(ids);
    if (keys) {
        m_keys = *keys;
        std::sort(m_keys.begin(), m_keys.end(), [this](const Key &a, const Key &b) { return keyLess(a, b); });
    }
    m_rowOfId.clear();
    QModelIndexList moved;
    for (qsizetype i = 0; i < persistent.size(); ++i) {
        const int row = rowOf(persistentIds.at(i));
        moved.append(row < 0 ? QModelIndex() : index(row, persistent.at(i).column()));
    }
    changePersistentIndexList(persistent, moved);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

Result<QList<MessageListModel::Key>> MessageListModel::keysOf(const QList<qint64> &ids) const
{
    QList<Key> keys;
    keys.reserve(ids.size());
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    for (qsizetype at = 0; at < ids.size(); at += kPageSize) {
        const qsizetype count = std::min<qsizetype>(kPageSize, ids.size() - at);
        query.prepare(
                QStringLiteral("SELECT id, %1 FROM messages WHERE id IN (%2)").arg(orderColumn(), placeholders(count)));
        for (qsizetype i = at; i < at + count; ++i)
            query.addBindValue(ids.at(i));
        if (!query.exec())
            return makeError(Error::Code::Io, tr("Cannot read messages: %1").arg(query.lastError().text()));
        while (query.next())
            keys.append({query.value(1), query.value(0).toLongLong()});
    }
    return keys;
}

qint64 MessageListModel::messageId(int row) const
{
    return row >= 0 && row < m_keys.size() ? m_keys.at(row).id : 0;
}

int MessageListModel::rowOf(qint64 messageId) const
{
    if (m_rowOfId.isEmpty() && !m_keys.isEmpty()) {
        auto &rows = const_cast<QHash<qint64, int> &>(m_rowOfId);
        rows.reserve(m_keys.size());
        for (qsizetype i = 0; i < m_keys.size(); ++i)
            rows.insert(m_keys.at(i).id, int(i));
    }
    return m_rowOfId.value(messageId, -1);
}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int MessageListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void MessageListModel::loadPage(int row) const
{
    if (m_rows.size() > kMaxCachedRows)
        m_rows.clear();
    const int first = row - row % kPageSize;
    const int count = std::min<int>(kPageSize, int(m_keys.size()) - first);
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id, flags, has_attachments, %1, subject, coalesce(date, internal_date), size "
                                 "FROM messages WHERE id IN (%2)")
                          .arg(m_showRecipients ? QStringLiteral("to_addrs") : QStringLiteral("from_addrs"),
                               placeholders(count)));
    for (int i = first; i < first + count; ++i)
        query.addBindValue(m_keys.at(i).id);
    if (!query.exec())
        return;
    while (query.next()) {
        Row loaded;
        loaded.flags = query.value(1).toUInt();
        loaded.hasAttachments = query.value(2).toBool();
        const QList<Store::Address> addresses = Store::MessageRows::addressesFromJson(query.value(3).toString());
        if (!addresses.isEmpty()) {
            const Store::Address &firstAddress = addresses.constFirst();
            loaded.correspondent = firstAddress.name.isEmpty() ? firstAddress.email : firstAddress.name;
            QStringList all;
            for (const Store::Address &address : addresses)
                all.append(addressText(address));
            loaded.correspondentTooltip = all.join(QStringLiteral(", "));
        }
        loaded.subject = query.value(4).toString();
        loaded.date = QDateTime::fromMSecsSinceEpoch(query.value(5).toLongLong(), Qt::UTC).toLocalTime();
        loaded.size = query.value(6).toLongLong();
        m_rows.insert(query.value(0).toLongLong(), loaded);
    }
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qint64 id = m_keys.at(index.row()).id;
    if (role == MessageIdRole)
        return id;
    auto found = m_rows.constFind(id);
    if (found == m_rows.constEnd()) {
        loadPage(index.row());
        found = m_rows.constFind(id);
        if (found == m_rows.constEnd())
            return {};
    }
    const Row &row = *found;
    const bool unread = (row.flags & Store::MessageFlags::Seen) == 0;
    switch (role) {
    case UnreadRole:
        return unread;
    case FlaggedRole:
        return (row.flags & Store::MessageFlags::Flagged) != 0;
    case Qt::FontRole:
        if (unread) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        return index.column() == Correspondent ? QVariant(row.correspondentTooltip) : QVariant();
    case Qt::DecorationRole:
        if (index.column() == Flagged && (row.flags & Store::MessageFlags::Flagged))
            return QIcon(QStringLiteral(":/gui/icons/flag.svg"));
        if (index.column() == Attachment && row.hasAttachments)
            return QIcon(QStringLiteral(":/gui/icons/attachment.svg"));
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Flagged:
            return (row.flags & Store::MessageFlags::Flagged) ? QStringLiteral("\u2691") : QString();
        case Attachment:
            return row.hasAttachments ? QStringLiteral("\U0001F4CE") : QString();
        case Correspondent:
            return row.correspondent;
        case Subject:
            return row.subject;
        case Date:
            if (!row.date.isValid())
                return QString();
            return row.date.date() == QDate::currentDate() ? QLocale().toString(row.date.time(), QLocale::ShortFormat)
                                                           : QLocale().toString(row.date.date(), QLocale::ShortFormat);
        case Size:
            return QLocale().formattedDataSize(row.size);
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant MessageListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    // The two narrow columns show their symbol; the name is in the tooltip and for screen readers.
    if (role == Qt::DecorationRole && section == Flagged)
        return QIcon(QStringLiteral(":/gui/icons/flag.svg"));
    if (role == Qt::DecorationRole && section == Attachment)
        return QIcon(QStringLiteral(":/gui/icons/attachment.svg"));
    if (role == Qt::DisplayRole && (section == Flagged || section == Attachment))
        return QString();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != Qt::AccessibleTextRole)
        return {};
    switch (section) {
    case Flagged:
        return tr("Flagged");
    case Attachment:
        return tr("Attachment");
    case Correspondent:
        return m_showRecipients ? tr("To") : tr("From");
    case Subject:
        return tr("Subject");
    case Date:
        return tr("Date");
    case Size:
        return tr("Size");
    default:
        return {};
    }
}

void MessageListModel::onInserted(qint64 folderId, const QList<qint64> &ids)
{
    if (m_searchResults || !watches(folderId) || ids.isEmpty())
        return;
    if (auto keys = keysOf(ids); keys)
        insertKeys(*keys);
}

void MessageListModel::insertKeys(const QList<Key> &keys)
{
    QList<Key> added;
    for (const Key &key : keys) {
        if (rowOf(key.id) < 0)
            added.append(key);
    }
    std::sort(added.begin(), added.end(), [this](const Key &a, const Key &b) { return keyLess(a, b); });
    // Runs of new rows that land at the same place go in together, the last run first so that
    // the earlier positions stay valid.
    qsizetype end = added.size();
    while (end > 0) {
        const auto at = std::upper_bound(m_keys.cbegin(), m_keys.cend(), added.at(end - 1),
                                         [this](const Key &a, const Key &b) { return keyLess(a, b); });
        const qsizetype position = at - m_keys.cbegin();
        qsizetype start = end - 1;
        while (start > 0) {
            const auto before = std::upper_bound(m_keys.cbegin(), m_keys.cend(), added.at(start - 1),
                                                 [this](const Key &a, const Key &b) { return keyLess(a, b); });
            if (before - m_keys.cbegin() != position)
                break;
            --start;
        }
        beginInsertRows({}, int(position), int(position + end - start - 1));
        for (qsizetype i = end - 1; i >= start; --i)
            m_keys.insert(position, added.at(i));
        m_rowOfId.clear();
        endInsertRows();
        end = start;
    }
}

void MessageListModel::onRemoved(qint64 folderId, const QList<qint64> &ids)
{
    if (watches(folderId))
        removeIds(ids);
}

void MessageListModel::removeIds(const QList<qint64> &ids)
{
    QList<int> rows;
    for (qint64 id : ids) {
        const int row = rowOf(id);
        if (row >= 0)
            rows.append(row);
        m_rows.remove(id);
    }
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    qsizetype i = 0;
    while (i < rows.size()) {
        qsizetype j = i;
        while (j + 1 < rows.size() && rows.at(j + 1) == rows.at(j) - 1)
            ++j;
        const int first = rows.at(j);
        const int last = rows.at(i);
        beginRemoveRows({}, first, last);
        m_keys.remove(first, last - first + 1);
        m_rowOfId.clear();
        endRemoveRows();
        i = j + 1;
    }
}

void MessageListModel::onChanged(qint64 folderId, const QList<qint64> &ids)
{
    if (!watches(folderId) || ids.isEmpty())
        return;
    auto keys = keysOf(ids);
    if (!keys)
        return;
    QList<Key> moved;
    for (const Key &key : std::as_const(*keys)) {
        m_rows.remove(key.id);
        const int row = rowOf(key.id);
        if (row < 0)
            continue;
        if (QVariant::compare(m_keys.at(row).value, key.value) != QPartialOrdering::Equivalent) {
            moved.append(key);  // its place in the order changed
            continue;
        }
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    if (!moved.isEmpty()) {
        QList<qint64> movedIds;
        for (const Key &key : std::as_const(moved))
            movedIds.append(key.id);
        removeIds(movedIds);
        insertKeys(moved);
    }
}

Qt::ItemFlags MessageListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid())
        flags |= Qt::ItemIsDragEnabled;
    return flags;
}

QStringList MessageListModel::mimeTypes() const
{
    return {FolderTreeModel::messageIdsMimeType()};
}

Qt::DropActions MessageListModel::supportedDragActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

QMimeData *MessageListModel::mimeData(const QModelIndexList &indexes) const
{
    QList<qint64> ids;
    for (const QModelIndex &index : indexes) {
        const qint64 id = messageId(index.row());
        if (id && !ids.contains(id))
            ids.append(id);
    }
    auto locations = Store::MessageStore(m_database).locations(ids);
    if (!locations || locations->isEmpty())
        return nullptr;
    const qint64 accountId = locations->constFirst().accountId;
    for (const Store::MessageStore::Location &location : std::as_const(*locations)) {
        if (location.accountId != accountId)
            return nullptr;
    }
    auto *data = new QMimeData;
    data->setData(FolderTreeModel::messageIdsMimeType(), FolderTreeModel::encodeMessageIds(accountId, ids));
    return data;
}

}  // namespace Heron::Gui
