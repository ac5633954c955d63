// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagelistmodel.h"

#include "foldertreemodel.h"
#include "messagerow.h"
#include "store/database.h"
#include "store/messagemetadata.h"
#include "store/messagerows.h"
#include "store/messagestore.h"
#include "store/storenotifier.h"

#include <QLocale>
#include <QMimeData>
#include <QSet>
#include <QSqlError>
#include <QTimeZone>

#include <algorithm>

namespace Heron::Gui {

namespace {

constexpr int kMaxCachedRows = 20 * MessageListModel::kPageSize;
constexpr int kMaxCachedKeys = 200000;
// Ids per block of IdList: inserting or removing moves at most this many, and finding a row
// walks at most (rows / kBlockSize) block sizes.
constexpr size_t kBlockSize = 4096;

}  // namespace

// --- IdList -------------------------------------------------------------------------------------

std::pair<size_t, qsizetype> MessageListModel::IdList::locate(qsizetype row) const
{
    if (!m_startsValid) {
        m_starts.resize(m_blocks.size());
        qsizetype start = 0;
        for (size_t block = 0; block < m_blocks.size(); ++block) {
            m_starts[block] = start;
            start += qsizetype(m_blocks[block].size());
        }
        m_startsValid = true;
    }
    if (row < 0 || row >= m_size)
        return {m_blocks.size(), 0};
    // The last block starting at or before the row.
    const auto after = std::upper_bound(m_starts.cbegin(), m_starts.cend(), row);
    const auto block = size_t(after - m_starts.cbegin()) - 1;
    return {block, row - m_starts[block]};
}

qint64 MessageListModel::IdList::at(qsizetype row) const
{
    const auto [block, offset] = locate(row);
    return block < m_blocks.size() ? m_blocks[block][size_t(offset)] : 0;
}

void MessageListModel::IdList::insert(qsizetype row, qint64 id)
{
    if (m_blocks.empty()) {
        m_blocks.emplace_back();
        m_startsValid = false;
    }
    auto [block, offset] = locate(row);
    if (block == m_blocks.size()) {  // at the end
        block = m_blocks.size() - 1;
        offset = qsizetype(m_blocks[block].size());
    }
    m_blocks[block].insert(m_blocks[block].begin() + offset, id);
    ++m_size;
    m_startsValid = false;
    rebalance(block);
}

void MessageListModel::IdList::remove(qsizetype row, qsizetype count)
{
    while (count > 0) {
        const auto [block, offset] = locate(row);
        if (block == m_blocks.size())
            return;
        std::vector<qint64> &ids = m_blocks[block];
        const qsizetype taken = std::min<qsizetype>(count, qsizetype(ids.size()) - offset);
        ids.erase(ids.begin() + offset, ids.begin() + offset + taken);
        m_size -= taken;
        m_startsValid = false;
        count -= taken;
        if (ids.empty())
            m_blocks.erase(m_blocks.begin() + qsizetype(block));
    }
}

void MessageListModel::IdList::rebalance(size_t block)
{
    std::vector<qint64> &ids = m_blocks[block];
    if (ids.size() <= 2 * kBlockSize)
        return;
    std::vector<qint64> upper(ids.begin() + qsizetype(kBlockSize), ids.end());
    ids.resize(kBlockSize);
    m_blocks.insert(m_blocks.begin() + qsizetype(block) + 1, std::move(upper));
}

void MessageListModel::IdList::assign(const QList<qint64> &ids)
{
    m_blocks.clear();
    for (qsizetype at = 0; at < ids.size(); at += qsizetype(kBlockSize)) {
        const qsizetype end = std::min<qsizetype>(ids.size(), at + qsizetype(kBlockSize));
        m_blocks.emplace_back(ids.cbegin() + at, ids.cbegin() + end);
    }
    m_size = ids.size();
    m_startsValid = false;
}

void MessageListModel::IdList::copy(qsizetype first, qsizetype count, QList<qint64> &out) const
{
    auto [block, offset] = locate(first);
    while (count > 0 && block < m_blocks.size()) {
        const std::vector<qint64> &ids = m_blocks[block];
        const qsizetype taken = std::min<qsizetype>(count, qsizetype(ids.size()) - offset);
        out.append(QList<qint64>(ids.cbegin() + offset, ids.cbegin() + offset + taken));
        count -= taken;
        ++block;
        offset = 0;
    }
}

qsizetype MessageListModel::IdList::indexOf(qint64 id) const
{
    qsizetype row = 0;
    for (const std::vector<qint64> &ids : m_blocks) {
        const auto found = std::find(ids.cbegin(), ids.cend(), id);
        if (found != ids.cend())
            return row + (found - ids.cbegin());
        row += qsizetype(ids.size());
    }
    return -1;
}

template <typename Function>
void MessageListModel::IdList::forEach(Function function) const
{
    qsizetype row = 0;
    for (const std::vector<qint64> &ids : m_blocks) {
        for (qint64 id : ids)
            function(row++, id);
    }
}

// --- Loader -------------------------------------------------------------------------------------

// Reads ordered id lists on its own thread, on that thread's connection to the store.
class MessageListLoader : public QObject {
    Q_OBJECT
public:
    explicit MessageListLoader(Store::Database &database) : m_database(database) {}

    void load(quint64 generation, const QString &sql, const QList<QVariant> &values)
    {
        QSqlQuery query(m_database.connection());
        query.setForwardOnly(true);
        QList<qint64> ids;
        QString error;
        if (!query.prepare(sql)) {
            error = query.lastError().text();
        } else {
            for (const QVariant &value : values)
                query.addBindValue(value);
            if (!query.exec())
                error = query.lastError().text();
            while (error.isEmpty() && query.next())
                ids.append(query.value(0).toLongLong());
        }
        Q_EMIT loaded(generation, ids, error);
    }

Q_SIGNALS:
    void loaded(quint64 generation, const QList<qint64> &ids, const QString &error);

private:
    Store::Database &m_database;
};

// --- MessageListModel ---------------------------------------------------------------------------

MessageListModel::MessageListModel(Store::Database &database, QObject *parent)
    : QAbstractTableModel(parent),
      m_database(database)
{
    Store::StoreNotifier *notifier = database.notifier();
    connect(notifier, &Store::StoreNotifier::messagesInserted, this,
            [this](qint64 folderId, const QList<qint64> &ids) { onNotice(Notice::Kind::Inserted, folderId, ids); });
    connect(notifier, &Store::StoreNotifier::messagesChanged, this,
            [this](qint64 folderId, const QList<qint64> &ids) { onNotice(Notice::Kind::Changed, folderId, ids); });
    connect(notifier, &Store::StoreNotifier::messagesRemoved, this,
            [this](qint64 folderId, const QList<qint64> &ids) { onNotice(Notice::Kind::Removed, folderId, ids); });

    m_thread.setObjectName(QStringLiteral("heron-list-loader"));
    m_loader = new MessageListLoader(database);
    m_loader->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_loader, &QObject::deleteLater);
    connect(this, &MessageListModel::loadRequested, m_loader, &MessageListLoader::load);
    connect(m_loader, &MessageListLoader::loaded, this, &MessageListModel::onLoaded);
    m_thread.start();
}

MessageListModel::~MessageListModel()
{
    m_keyQuery.reset();
    m_thread.quit();
    m_thread.wait();
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
    // The expression of the index messages_folder_sent (schema 5), so a folder's newest page is
    // an index walk.
    default:
        return QStringLiteral("coalesce(date, internal_date)");
    }
}

QString MessageListModel::orderBy() const
{
    const QString direction = m_sortOrder == Qt::AscendingOrder ? QStringLiteral("ASC") : QStringLiteral("DESC");
    return QStringLiteral(" ORDER BY %1 %2, id %2").arg(orderColumn(), direction);
}

QString MessageListModel::selection() const
{
    if (m_searchResults)
        return QStringLiteral("id IN (%1)").arg(sqlPlaceholders(m_messageIds.size()));
    if (m_folderIds.size() == 1)
        return QStringLiteral("folder_id = ?");
    return QStringLiteral("folder_id IN (%1)").arg(sqlPlaceholders(m_folderIds.size()));
}

QList<QVariant> MessageListModel::selectionValues() const
{
    const QList<qint64> &ids = m_searchResults ? m_messageIds : m_folderIds;
    QList<QVariant> values;
    values.reserve(qMax<qsizetype>(1, ids.size()));
    for (qint64 id : ids)
        values.append(id);
    if (values.isEmpty())
        values.append(0);
    return values;
}

Result<QList<qint64>> MessageListModel::orderedIds(const QString &limit) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id FROM messages WHERE ") + selection() + orderBy() + limit);
    for (const QVariant &value : selectionValues())
        query.addBindValue(value);
    if (!query.exec())
        return makeError(Error::Code::Io, tr("Cannot list the messages: %1").arg(query.lastError().text()));
    QList<qint64> ids;
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

bool MessageListModel::before(const QVariant &keyA, qint64 idA, const QVariant &keyB, qint64 idB) const
{
    // The order of the SQL above: key, then id, both in the sort's direction; NULL sorts first
    // in ascending order, as in SQLite.
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    const bool nullA = keyA.isNull();
    const bool nullB = keyB.isNull();
    if (nullA != nullB)
        return ascending ? nullA : nullB;
    if (!nullA) {
        const QPartialOrdering order = QVariant::compare(keyA, keyB);
        if (order == QPartialOrdering::Less)
            return ascending;
        if (order == QPartialOrdering::Greater)
            return !ascending;
    }
    return ascending ? idA < idB : idA > idB;
}

Result<bool> MessageListModel::setFolder(qint64 folderId, bool showRecipients)
{
    return setFolders({folderId}, showRecipients);
}

Result<bool> MessageListModel::setFolders(const QList<qint64> &folderIds, bool showRecipients)
{
    return show(folderIds, {}, false, showRecipients);
}

Result<bool> MessageListModel::setMessages(const QList<qint64> &messageIds)
{
    return show({}, messageIds, true, false);
}

int MessageListModel::addMessages(const QList<qint64> &messageIds)
{
    if (!m_searchResults)
        return 0;
    const QSet<qint64> shown(m_messageIds.cbegin(), m_messageIds.cend());
    QList<qint64> added;
    for (qint64 id : messageIds) {
        if (!shown.contains(id) && !added.contains(id))
            added.append(id);
    }
    if (added.isEmpty())
        return 0;
    m_messageIds += added;
    const int before = rowCount();
    insertIds(added);
    return rowCount() - before;
}

void MessageListModel::clear()
{
    show({}, {}, false, false);
}

Result<bool> MessageListModel::show(const QList<qint64> &folderIds, const QList<qint64> &messageIds, bool searchResults,
                                    bool showRecipients)
{
    ++m_generation;
    m_pending.clear();
    m_folderIds = folderIds;
    m_messageIds = messageIds;
    m_searchResults = searchResults;
    m_showRecipients = showRecipients;  // the correspondent's sort key depends on it
    m_keys.clear();
    m_keyQuery.reset();

    // How many rows: the folders' counts (kept by the store), or the search results given.
    int count = 0;
    if (searchResults) {
        count = int(messageIds.size());
    } else if (!folderIds.isEmpty()) {
        QSqlQuery query(m_database.connection());
        query.prepare(QStringLiteral("SELECT coalesce(sum(message_count), 0) FROM folders WHERE id IN (%1)")
                              .arg(sqlPlaceholders(folderIds.size())));
        for (qint64 id : folderIds)
            query.addBindValue(id);
        if (!query.exec() || !query.next())
            return makeError(Error::Code::Io, tr("Cannot count the messages: %1").arg(query.lastError().text()));
        count = query.value(0).toInt();
    }

    QList<qint64> ids;
    bool loading = false;
    if (searchResults || count <= m_synchronousLimit) {
        auto all = orderedIds();
        if (!all)
            return all.error();
        ids = std::move(all).value();
        count = int(ids.size());
    } else {
        // A big view: the first page now when an index gives it in order (one folder by date),
        // the rest from the worker.
        if (m_sortColumn == Date && folderIds.size() == 1) {
            auto first = orderedIds(QStringLiteral(" LIMIT %1").arg(kPageSize));
            if (!first)
                return first.error();
            ids = std::move(first).value();
        }
        loading = true;
    }
    beginResetModel();
    m_ids.assign(ids);
    m_count = count;
    m_loading = loading;
    m_rows.clear();
    endResetModel();
    if (loading)
        startLoad();
    return true;
}

void MessageListModel::startLoad()
{
    m_loading = true;
    Q_EMIT loadRequested(m_generation, QStringLiteral("SELECT id FROM messages WHERE ") + selection() + orderBy(),
                         selectionValues());
}

void MessageListModel::onLoaded(quint64 generation, const QList<qint64> &ids, const QString &error)
{
    if (generation != m_generation)
        return;  // an older view's list
    m_loading = false;
    if (!error.isEmpty()) {
        qWarning("heron.gui: cannot list the messages: %s", qPrintable(error));
        beginResetModel();
        m_ids.assign({});
        m_count = 0;
        m_pending.clear();
        endResetModel();
        return;
    }
    adoptSortedIds(ids);
    // What the store announced meanwhile: the list may or may not hold it already, and each
    // notice is applied so that either way the result is the same.
    const QList<Notice> pending = std::exchange(m_pending, {});
    for (const Notice &notice : pending)
        onNotice(notice.kind, notice.folderId, notice.ids);
    Q_EMIT loaded();
}

void MessageListModel::adoptSortedIds(const QList<qint64> &ids)
{
    if (ids.size() != m_count) {
        // The store changed between the count and the list: rare, and a reset is right then.
        beginResetModel();
        m_ids.assign(ids);
        m_count = int(ids.size());
        m_rows.clear();
        endResetModel();
        return;
    }
    const qsizetype known = m_ids.size();
    bool samePrefix = true;
    for (qsizetype row = 0; row < known && samePrefix; ++row)
        samePrefix = m_ids.at(row) == ids.at(row);
    if (known < m_count && samePrefix) {
        // A first load: the rows past the first page get their data.
        m_ids.assign(ids);
        if (m_count > known)
            Q_EMIT dataChanged(index(int(known), 0), index(m_count - 1, ColumnCount - 1));
        return;
    }
    // A new order of the same rows (a sort): persistent indexes (the selection) follow their ids.
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList persistent = persistentIndexList();
    QHash<qint64, QList<qsizetype>> wanted;
    for (qsizetype i = 0; i < persistent.size(); ++i)
        wanted[messageId(persistent.at(i).row())].append(i);
    QModelIndexList moved(persistent.size());
    for (qsizetype row = 0; row < ids.size() && !wanted.isEmpty(); ++row) {
        const auto found = wanted.constFind(ids.at(row));
        if (found == wanted.constEnd())
            continue;
        for (qsizetype i : *found)
            moved[i] = index(int(row), persistent.at(i).column());
        wanted.erase(found);
    }
    m_ids.assign(ids);
    changePersistentIndexList(persistent, moved);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void MessageListModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount || (column == m_sortColumn && order == m_sortOrder))
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    m_keys.clear();
    m_keyQuery.reset();
    if (m_folderIds.isEmpty() && !m_searchResults)
        return;
    ++m_generation;
    if (m_loading) {  // the list being read is in the old order: read it again
        startLoad();
        return;
    }
    if (m_count > m_synchronousLimit) {
        startLoad();
        return;
    }
    auto ids = orderedIds();
    if (!ids)
        return;
    adoptSortedIds(*ids);
}

QVariant MessageListModel::keyOf(qint64 id) const
{
    const auto cached = m_keys.constFind(id);
    if (cached != m_keys.constEnd())
        return *cached;
    if (!m_keyQuery) {
        m_keyQuery = std::make_unique<QSqlQuery>(m_database.connection());
        m_keyQuery->setForwardOnly(true);
        m_keyQuery->prepare(QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(orderColumn()));
    }
    m_keyQuery->bindValue(0, id);
    QVariant key;
    if (m_keyQuery->exec() && m_keyQuery->next())
        key = m_keyQuery->value(0);
    m_keyQuery->finish();
    if (m_keys.size() >= kMaxCachedKeys)
        m_keys.clear();
    m_keys.insert(id, key);
    return key;
}

void MessageListModel::cacheKeys(const QList<qint64> &ids) const
{
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    for (qsizetype at = 0; at < ids.size(); at += kPageSize) {
        const qsizetype count = std::min<qsizetype>(kPageSize, ids.size() - at);
        query.prepare(QStringLiteral("SELECT id, %1 FROM messages WHERE id IN (%2)")
                              .arg(orderColumn(), sqlPlaceholders(count)));
        for (qsizetype i = at; i < at + count; ++i)
            query.addBindValue(ids.at(i));
        if (!query.exec())
            return;
        while (query.next())
            m_keys.insert(query.value(0).toLongLong(), query.value(1));
    }
}

qsizetype MessageListModel::insertPosition(const QVariant &key, qint64 id) const
{
    // The first row that does not come before the new one: a binary search that reads the keys
    // of about 20 rows of a million (most of them cached from earlier searches).
    qsizetype low = 0;
    qsizetype high = m_ids.size();
    while (low < high) {
        const qsizetype middle = low + (high - low) / 2;
        const qint64 other = m_ids.at(middle);
        if (before(keyOf(other), other, key, id))
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

qint64 MessageListModel::messageId(int row) const
{
    return row >= 0 && row < m_ids.size() ? m_ids.at(row) : 0;
}

QList<qint64> MessageListModel::messageIds(int first, int last) const
{
    QList<qint64> ids;
    if (first <= last)
        m_ids.copy(first, qsizetype(last) - first + 1, ids);
    return ids;
}

int MessageListModel::rowOf(qint64 messageId) const
{
    return int(m_ids.indexOf(messageId));
}

int MessageListModel::findUnread(int row, bool backwards) const
{
    if (m_loading || m_count == 0)
        return -1;
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    // Later in the list means a smaller (key, id) when the list runs in descending order.
    const bool smaller = descending != backwards;
    const QString direction = smaller ? QStringLiteral("DESC") : QStringLiteral("ASC");
    QString sql = QStringLiteral("SELECT id FROM messages WHERE ") + selection() +
                  QStringLiteral(" AND (flags & %1) = 0").arg(Store::MessageFlags::Seen);
    const qint64 from = messageId(row);
    if (from)
        sql += QStringLiteral(" AND (%1, id) %2 (?, ?)")
                       .arg(orderColumn(), smaller ? QStringLiteral("<") : QStringLiteral(">"));
    sql += QStringLiteral(" ORDER BY %1 %2, id %2 LIMIT 1").arg(orderColumn(), direction);
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(sql);
    for (const QVariant &value : selectionValues())
        query.addBindValue(value);
    if (from) {
        query.addBindValue(keyOf(from));
        query.addBindValue(from);
    }
    if (!query.exec() || !query.next())
        return -1;
    return rowOf(query.value(0).toLongLong());
}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_count;
}

int MessageListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool MessageListModel::watches(qint64 folderId) const
{
    return m_searchResults || m_folderIds.contains(folderId);
}

void MessageListModel::onNotice(Notice::Kind kind, qint64 folderId, const QList<qint64> &ids)
{
    if (!watches(folderId) || ids.isEmpty())
        return;
    if (m_loading) {
        m_pending.append({kind, folderId, ids});
        return;
    }
    switch (kind) {
    case Notice::Kind::Inserted:
        if (!m_searchResults)
            insertIds(ids);
        break;
    case Notice::Kind::Changed:
        changeIds(ids);
        break;
    case Notice::Kind::Removed:
        removeIds(ids);
        break;
    }
}

void MessageListModel::insertIds(const QList<qint64> &ids)
{
    cacheKeys(ids);
    struct Placed {
        qsizetype position;
        qint64 id;
    };
    QList<Placed> placed;
    QSet<qint64> seen;
    for (qint64 id : ids) {
        if (!m_keys.contains(id) || seen.contains(id))
            continue;  // gone from the store already, or named twice
        seen.insert(id);
        const qsizetype position = insertPosition(m_keys.value(id), id);
        // Already shown (a notice the loaded list covered): the binary search lands on it.
        if (position < m_ids.size() && m_ids.at(position) == id)
            continue;
        placed.append({position, id});
    }
    // Same position: in sort order among themselves. Inserted from the last position backwards,
    // so the earlier positions stay valid; a run at one position goes in as one insertion.
    std::sort(placed.begin(), placed.end(), [this](const Placed &a, const Placed &b) {
        if (a.position != b.position)
            return a.position < b.position;
        return before(m_keys.value(a.id), a.id, m_keys.value(b.id), b.id);
    });
    qsizetype end = placed.size();
    while (end > 0) {
        qsizetype start = end - 1;
        while (start > 0 && placed.at(start - 1).position == placed.at(end - 1).position)
            --start;
        const qsizetype position = placed.at(start).position;
        beginInsertRows({}, int(position), int(position + end - start - 1));
        for (qsizetype i = end - 1; i >= start; --i)
            m_ids.insert(position, placed.at(i).id);
        m_count = int(m_ids.size());
        endInsertRows();
        end = start;
    }
}

void MessageListModel::removeIds(const QList<qint64> &ids)
{
    // Rows found by their cached sort key in a binary search; a full pass for the rest (the
    // store no longer has the key of a removed message).
    QList<int> rows;
    QSet<qint64> unplaced;
    for (qint64 id : ids) {
        const auto key = m_keys.constFind(id);
        if (key != m_keys.constEnd()) {
            const qsizetype position = insertPosition(*key, id);
            if (position < m_ids.size() && m_ids.at(position) == id) {
                rows.append(int(position));
                continue;
            }
        }
        unplaced.insert(id);
    }
    if (!unplaced.isEmpty()) {
        m_ids.forEach([&](qsizetype row, qint64 id) {
            if (unplaced.contains(id))
                rows.append(int(row));
        });
    }
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (qint64 id : ids) {
        m_rows.remove(id);
        m_keys.remove(id);
    }
    // Runs of neighbouring rows go together, the last run first.
    qsizetype i = rows.size() - 1;
    while (i >= 0) {
        qsizetype j = i;
        while (j > 0 && rows.at(j - 1) == rows.at(j) - 1)
            --j;
        beginRemoveRows({}, rows.at(j), rows.at(i));
        m_ids.remove(rows.at(j), rows.at(i) - rows.at(j) + 1);
        m_count = int(m_ids.size());
        endRemoveRows();
        i = j - 1;
    }
}

void MessageListModel::changeIds(const QList<qint64> &ids)
{
    // Most changes (flags) leave the sort key as it was: a binary search with the old key, when
    // cached, or the new one finds the row. The others are looked for in a full pass.
    QList<std::pair<int, qint64>> rows;
    QSet<qint64> unplaced;
    for (qint64 id : ids) {
        const QVariant key = m_keys.contains(id) ? m_keys.value(id) : keyOf(id);
        const qsizetype position = insertPosition(key, id);
        if (position < m_ids.size() && m_ids.at(position) == id)
            rows.append({int(position), id});
        else
            unplaced.insert(id);
    }
    if (!unplaced.isEmpty()) {
        m_ids.forEach([&](qsizetype row, qint64 id) {
            if (unplaced.contains(id))
                rows.append({int(row), id});
        });
    }
    if (rows.isEmpty())
        return;
    for (qint64 id : ids) {
        m_rows.remove(id);
        m_keys.remove(id);
    }
    // A row whose new key no longer fits between its neighbours moves; the others change in place.
    QList<qint64> moved;
    for (const auto &[row, id] : std::as_const(rows)) {
        const QVariant key = keyOf(id);
        const bool afterPrevious = row == 0 || before(keyOf(m_ids.at(row - 1)), m_ids.at(row - 1), key, id);
        const bool beforeNext = row + 1 >= m_ids.size() || before(key, id, keyOf(m_ids.at(row + 1)), m_ids.at(row + 1));
        if (afterPrevious && beforeNext)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        else
            moved.append(id);
    }
    if (!moved.isEmpty()) {
        removeIds(moved);
        insertIds(moved);
    }
}

void MessageListModel::loadPage(int row) const
{
    if (m_rows.size() > kMaxCachedRows)
        m_rows.clear();
    const int first = row - row % kPageSize;
    const int count = std::min<int>(kPageSize, int(m_ids.size()) - first);
    if (count <= 0)
        return;
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id, %1 FROM messages WHERE id IN (%2)")
                          .arg(MessageRow::columns(m_showRecipients), sqlPlaceholders(count)));
    for (int i = first; i < first + count; ++i)
        query.addBindValue(m_ids.at(i));
    if (!query.exec())
        return;
    while (query.next())
        m_rows.insert(query.value(0).toLongLong(), MessageRow::fromQuery(query));
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qint64 id = messageId(index.row());
    if (role == MessageIdRole)
        return id;
    if (id == 0)
        return {};  // past the first page while the list loads
    auto found = m_rows.constFind(id);
    if (found == m_rows.constEnd()) {
        loadPage(index.row());
        found = m_rows.constFind(id);
        if (found == m_rows.constEnd())
            return {};
    }
    return found->data(index.column(), role);
}

QVariant MessageListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    return MessageRow::headerData(section, role, m_showRecipients);
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
    return MessageRow::dragData(m_database, ids);
}

}  // namespace Heron::Gui

#include "messagelistmodel.moc"
