// SPDX-License-Identifier: GPL-3.0-or-later
#include "threadlistmodel.h"

#include "foldertreemodel.h"
#include "guilogging.h"
#include "store/database.h"
#include "store/storenotifier.h"

#include <QElapsedTimer>
#include <QFont>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace Heron::Gui {

namespace {

constexpr int kNoSlot = ThreadForest::kNoSlot;
constexpr int kPageSize = MessageListModel::kPageSize;
constexpr int kMaxCachedRows = 20 * kPageSize;
// SQLite's default limit on bound parameters is far above this; one statement per chunk.
constexpr qsizetype kIdsPerStatement = 500;

// The threading fields of the messages matching where, whose placeholders take values.
Result<QList<ThreadingFields>> readThreading(const QSqlDatabase &db, const QString &where, const QList<qint64> &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id, coalesce(date, internal_date, 0), flags, msgid, in_reply_to, refs "
                                 "FROM messages WHERE %1 ORDER BY id")
                          .arg(where));
    for (qint64 value : values)
        query.addBindValue(value);
    if (!query.exec())
        return makeError(Error::Code::Io,
                         ThreadListModel::tr("Cannot read the folder's threads: %1").arg(query.lastError().text()));
    QList<ThreadingFields> messages;
    while (query.next()) {
        ThreadingFields message;
        message.id = query.value(0).toLongLong();
        message.date = query.value(1).toLongLong();
        message.flags = query.value(2).toUInt();
        message.messageId = query.value(3).toString();
        message.inReplyTo = query.value(4).toString();
        message.references = query.value(5).toString();
        messages.append(std::move(message));
    }
    return messages;
}

Result<QList<ThreadingFields>> readThreadingOfFolders(const QSqlDatabase &db, const QList<qint64> &folderIds)
{
    return readThreading(db, QStringLiteral("folder_id IN (%1)").arg(sqlPlaceholders(folderIds.size())), folderIds);
}

// For the notices, on the GUI thread: a failure is logged, and the notice then changes nothing.
QList<ThreadingFields> readThreadingForNotice(const QSqlDatabase &db, const QList<qint64> &ids)
{
    QList<ThreadingFields> messages;
    for (qsizetype at = 0; at < ids.size(); at += kIdsPerStatement) {
        const QList<qint64> chunk = ids.mid(at, kIdsPerStatement);
        auto read = readThreading(db, QStringLiteral("id IN (%1)").arg(sqlPlaceholders(chunk.size())), chunk);
        if (!read) {
            qCWarning(lcGui) << read.error().message;
            return {};
        }
        messages.append(std::move(read).value());
    }
    return messages;
}

// Runs on the worker: everything it touches is its own or thread-safe (Database::connection()).
Result<ThreadForest> computeThreads(const Store::Database &database, const QList<qint64> &folderIds,
                                    const std::atomic_bool &cancelled)
{
    QElapsedTimer timer;
    timer.start();
    const auto messages = readThreadingOfFolders(database.connection(), folderIds);
    if (!messages)
        return messages.error();
    const qint64 readMs = timer.elapsed();
    ThreadForest forest = ThreadForest::build(*messages, cancelled);
    qCDebug(lcGui) << "threaded" << messages->size() << "messages in" << timer.elapsed() << "ms, reading took" << readMs
                   << "ms";
    return forest;
}

}  // namespace

ThreadListModel::ThreadListModel(Store::Database &database, QObject *parent)
    : QAbstractItemModel(parent),
      m_database(database)
{
    // One computation at a time; a newer one cancels the older.
    m_worker.setMaxThreadCount(1);
    Store::StoreNotifier *notifier = database.notifier();
    connect(notifier, &Store::StoreNotifier::messagesInserted, this,
            [this](qint64 folderId, const QList<qint64> &ids) { onNotice(NoticeKind::Inserted, folderId, ids); });
    connect(notifier, &Store::StoreNotifier::messagesChanged, this,
            [this](qint64 folderId, const QList<qint64> &ids) { onNotice(NoticeKind::Changed, folderId, ids); });
    connect(notifier, &Store::StoreNotifier::messagesRemoved, this,
            [this](qint64 folderId, const QList<qint64> &ids) { onNotice(NoticeKind::Removed, folderId, ids); });
}

ThreadListModel::~ThreadListModel()
{
    if (m_cancel)
        m_cancel->store(true);
    m_worker.waitForDone();
}

Result<bool> ThreadListModel::setFolder(qint64 folderId, bool showRecipients)
{
    return setFolders({folderId}, showRecipients);
}

Result<bool> ThreadListModel::setFolders(const QList<qint64> &folderIds, bool showRecipients)
{
    show(folderIds, showRecipients);
    return true;
}

void ThreadListModel::clear()
{
    show({}, false);
}

void ThreadListModel::show(const QList<qint64> &folderIds, bool showRecipients)
{
    beginResetModel();
    m_folderIds = folderIds;
    m_showRecipients = showRecipients;
    m_forest = ThreadForest();
    m_rows.clear();
    m_complete = folderIds.isEmpty();
    endResetModel();
    if (!folderIds.isEmpty()) {
        startComputation(true);
        return;
    }
    // Nothing to compute: whatever is under way is for folders no longer shown.
    if (m_cancel)
        m_cancel->store(true);
    ++m_generation;
    m_computing = false;
    m_noticesWhileComputing.clear();
}

void ThreadListModel::startComputation(bool reset)
{
    if (m_cancel)
        m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_computing = true;
    m_resetOnInstall = m_resetOnInstall || reset;
    // The computation reads the store after every notice received so far was committed.
    m_noticesWhileComputing.clear();
    const quint64 generation = ++m_generation;
    Store::Database *database = &m_database;
    m_worker.start([this, database, folderIds = m_folderIds, cancel = m_cancel, generation] {
        auto forest = std::make_shared<Result<ThreadForest>>(computeThreads(*database, folderIds, *cancel));
        database->releaseThreadConnection();
        if (cancel->load())
            return;
        // The destructor waits for this job, so the model is alive here; a queued call to a
        // model deleted before it runs is dropped with the model's events.
        QMetaObject::invokeMethod(
                this, [this, forest, generation] { install(generation, std::move(*forest)); }, Qt::QueuedConnection);
    });
}

void ThreadListModel::install(quint64 generation, Result<ThreadForest> forest)
{
    if (generation != m_generation)
        return;
    m_computing = false;
    const QList<Notice> notices = std::exchange(m_noticesWhileComputing, {});
    if (!forest) {
        qCWarning(lcGui) << "Cannot thread the message list:" << forest.error().message;
        m_complete = true;
        m_resetOnInstall = false;
        Q_EMIT loadFailed(forest.error());
        return;
    }
    if (m_resetOnInstall) {
        beginResetModel();
        m_forest = std::move(forest).value();
        m_rows.clear();
        endResetModel();
    } else {
        installKeepingPersistentIndexes(std::move(forest).value());
    }
    m_resetOnInstall = false;
    m_complete = true;
    // A notice that arrived during the computation may or may not be in its result. Applied
    // again, each one changes only what the result lacks: known ids are not inserted twice,
    // unknown ids are not removed.
    qsizetype noticed = 0;
    for (const Notice &notice : notices)
        noticed += notice.ids.size();
    if (noticed > kLargestIncrementalNotice) {
        startComputation(false);
    } else {
        for (const Notice &notice : notices)
            applyNotice(notice);
    }
    Q_EMIT loaded();
}

// A recomputation over threads already shown changes their layout, not the messages: selected
// and expanded messages keep their persistent indexes wherever their rows went.
void ThreadListModel::installKeepingPersistentIndexes(ThreadForest forest)
{
    Q_EMIT layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    QList<qint64> ids;
    ids.reserve(before.size());
    for (const QModelIndex &index : before)
        ids.append(messageId(index));
    m_forest = std::move(forest);
    m_rows.clear();
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i)
        after.append(indexOf(ids.at(i), before.at(i).column()));
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged();
}

void ThreadListModel::onNotice(NoticeKind kind, qint64 folderId, const QList<qint64> &ids)
{
    if (ids.isEmpty() || !m_folderIds.contains(folderId))
        return;
    if (m_computing) {
        m_noticesWhileComputing.append({kind, ids});
        return;
    }
    // A bulk round (the first sync of a big folder, a purge) is threaded anew on the worker
    // instead of moving rows one by one on the GUI thread. Flag changes stay cheap at any size.
    if (kind != NoticeKind::Changed && ids.size() > kLargestIncrementalNotice) {
        startComputation(false);
        return;
    }
    applyNotice({kind, ids});
}

void ThreadListModel::applyNotice(const Notice &notice)
{
    switch (notice.kind) {
    case NoticeKind::Inserted:
        insertMessages(notice.ids);
        break;
    case NoticeKind::Changed:
        changeMessages(notice.ids);
        break;
    case NoticeKind::Removed:
        removeMessages(notice.ids);
        break;
    }
}

qint64 ThreadListModel::messageId(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this)
        return 0;
    return m_forest.node(int(index.internalId())).id;
}

QModelIndex ThreadListModel::indexOf(qint64 messageId, int column) const
{
    return indexOfSlot(m_forest.slotOf(messageId), column);
}

QModelIndex ThreadListModel::indexOfSlot(int slot, int column) const
{
    if (slot == kNoSlot)
        return {};
    return createIndex(m_forest.rowOf(slot), column, quintptr(slot));
}

QModelIndex ThreadListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= MessageListModel::ColumnCount)
        return {};
    if (parent.isValid() && parent.column() != 0)
        return {};
    const QList<int> &siblings = m_forest.siblingsOf(parent.isValid() ? int(parent.internalId()) : kNoSlot);
    if (row >= siblings.size())
        return {};
    return createIndex(row, column, quintptr(siblings.at(row)));
}

QModelIndex ThreadListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOfSlot(m_forest.node(int(child.internalId())).parent);
}

int ThreadListModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(m_forest.siblingsOf(parent.isValid() ? int(parent.internalId()) : kNoSlot).size());
}

int ThreadListModel::columnCount(const QModelIndex &) const
{
    return MessageListModel::ColumnCount;
}

const MessageRow *ThreadListModel::rowOf(int slot) const
{
    const qint64 id = m_forest.node(slot).id;
    auto found = m_rows.constFind(id);
    if (found == m_rows.constEnd()) {
        loadPage(slot);
        found = m_rows.constFind(id);
        if (found == m_rows.constEnd())
            return nullptr;
    }
    return &*found;
}

// A page is a run of siblings: a screen of threads, or the replies of one message.
void ThreadListModel::loadPage(int slot) const
{
    if (m_rows.size() > kMaxCachedRows)
        m_rows.clear();
    const QList<int> &siblings = m_forest.siblingsOf(m_forest.node(slot).parent);
    const int row = m_forest.rowOf(slot);
    const int first = row - row % kPageSize;
    const int count = std::min<int>(kPageSize, int(siblings.size()) - first);
    QSqlQuery query(m_database.connection());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT id, %1 FROM messages WHERE id IN (%2)")
                          .arg(MessageRow::columns(m_showRecipients), sqlPlaceholders(count)));
    for (int i = first; i < first + count; ++i)
        query.addBindValue(m_forest.node(siblings.at(i)).id);
    if (!query.exec()) {
        qCWarning(lcGui) << "Cannot read message rows:" << query.lastError().text();
        return;
    }
    while (query.next())
        m_rows.insert(query.value(0).toLongLong(), MessageRow::fromQuery(query));
}

QVariant ThreadListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int slot = int(index.internalId());
    const ThreadForest::Node &node = m_forest.node(slot);
    const bool isRoot = node.parent == kNoSlot;
    switch (role) {
    case MessageIdRole:
        return node.id;
    case ThreadSizeRole:
        return isRoot ? QVariant(node.threadSize) : QVariant();
    case UnreadInThreadRole:
        return isRoot ? QVariant(node.unreadInThread) : QVariant();
    default:
        break;
    }
    const MessageRow *row = rowOf(slot);
    if (!row)
        return {};
    // A thread's root stands for the whole thread while it is collapsed: it counts the
    // messages and is bold while any of them is unread.
    const bool isThread = isRoot && node.threadSize > 1;
    if (isThread && role == Qt::FontRole && node.unreadInThread > 0) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (isThread && role == Qt::DisplayRole && index.column() == MessageListModel::Subject)
        return tr("%1 (%2)", "a thread's subject and its number of messages").arg(row->subject).arg(node.threadSize);
    return row->data(index.column(), role);
}

QVariant ThreadListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    return MessageRow::headerData(section, role, m_showRecipients);
}

Qt::ItemFlags ThreadListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractItemModel::flags(index);
    if (index.isValid())
        flags |= Qt::ItemIsDragEnabled;
    return flags;
}

QStringList ThreadListModel::mimeTypes() const
{
    return {FolderTreeModel::messageIdsMimeType()};
}

Qt::DropActions ThreadListModel::supportedDragActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

QMimeData *ThreadListModel::mimeData(const QModelIndexList &indexes) const
{
    QList<qint64> ids;
    for (const QModelIndex &index : indexes) {
        const qint64 id = messageId(index);
        if (id && !ids.contains(id))
            ids.append(id);
    }
    return MessageRow::dragData(m_database, ids);
}

void ThreadListModel::insertMessages(const QList<qint64> &ids)
{
    QList<qint64> fresh;
    for (qint64 id : ids) {
        if (m_forest.slotOf(id) == kNoSlot)
            fresh.append(id);
    }
    if (fresh.isEmpty())
        return;
    QList<ThreadingFields> messages = readThreadingForNotice(m_database.connection(), fresh);
    // Oldest first: a reply arriving with what it answers then lands in place without a move.
    std::sort(messages.begin(), messages.end(), [](const ThreadingFields &a, const ThreadingFields &b) {
        return a.date != b.date ? a.date < b.date : a.id < b.id;
    });
    for (const ThreadingFields &message : std::as_const(messages))
        insertMessage(message);
}

void ThreadListModel::insertMessage(const ThreadingFields &message)
{
    const int slot = m_forest.allocate(message);
    const ThreadForest::ParentChoice choice = m_forest.chooseParent(slot, ThreadForest::parentCandidates(message),
                                                                    true);
    const int position = m_forest.positionAmong(choice.parent, slot);
    beginInsertRows(indexOfSlot(choice.parent), position, position);
    m_forest.insertAt(choice.parent, position, slot);
    m_forest.node(slot).parentRank = choice.rank;
    endInsertRows();
    if (choice.parent != kNoSlot)
        updateThread(m_forest.rootOf(slot));
    adoptWaiters(slot);
}

// Replies that arrived before the message they answer (a sync fetches the newest first) sit
// under an older ancestor or stand alone as threads; they move below it now.
void ThreadListModel::adoptWaiters(int slot)
{
    const quint64 key = m_forest.node(slot).key;
    if (!key || m_forest.slotOfKey.value(key, kNoSlot) != slot)
        return;
    const QList<ThreadForest::Waiter> waiters = m_forest.waiting.take(key);
    for (const ThreadForest::Waiter &waiter : waiters) {
        if (!m_forest.isLive(waiter.slot, waiter.id) || waiter.rank >= m_forest.node(waiter.slot).parentRank)
            continue;
        // A reply cannot become the parent of its own ancestor.
        if (m_forest.isInSubtree(slot, waiter.slot))
            continue;
        const int oldRoot = m_forest.rootOf(waiter.slot);
        moveNode(waiter.slot, slot, waiter.rank);
        if (oldRoot != waiter.slot)
            updateThread(m_forest.rootOf(oldRoot));
    }
    updateThread(m_forest.rootOf(slot));
}

void ThreadListModel::moveNode(int slot, int newParent, int rank)
{
    const int oldParent = m_forest.node(slot).parent;
    if (oldParent == newParent)
        return;
    const int oldRow = m_forest.rowOf(slot);
    if (newParent == kNoSlot)
        m_forest.countThread(slot);  // its place among the threads depends on its newest reply
    const int position = m_forest.positionAmong(newParent, slot);
    if (!beginMoveRows(indexOfSlot(oldParent), oldRow, oldRow, indexOfSlot(newParent), position)) {
        qCWarning(lcGui) << "Refused to move message" << m_forest.node(slot).id << "in its thread";
        return;
    }
    m_forest.takeAt(oldParent, oldRow);
    m_forest.insertAt(newParent, position, slot);
    m_forest.node(slot).parentRank = rank;
    endMoveRows();
}

void ThreadListModel::updateThread(int root)
{
    ThreadForest::Node &node = m_forest.node(root);
    Q_ASSERT(node.parent == kNoSlot);
    const qint64 newest = node.newest;
    const int size = node.threadSize;
    const int unread = node.unreadInThread;
    m_forest.countThread(root);
    if (size != node.threadSize || unread != node.unreadInThread)
        Q_EMIT dataChanged(indexOfSlot(root, 0), indexOfSlot(root, MessageListModel::ColumnCount - 1));
    if (newest != node.newest)
        repositionRoot(root);
}

void ThreadListModel::repositionRoot(int root)
{
    QList<int> &roots = m_forest.roots;
    const int from = m_forest.rowOf(root);
    roots.remove(from);
    const int to = m_forest.positionAmong(kNoSlot, root);
    roots.insert(from, root);
    if (to == from)
        return;
    // beginMoveRows counts the destination before the move: below the row it leaves, one more.
    if (!beginMoveRows({}, from, from, {}, to < from ? to : to + 1))
        return;
    m_forest.takeAt(kNoSlot, from);
    m_forest.insertAt(kNoSlot, to, root);
    endMoveRows();
}

// Flags change in place. A message whose Message-ID or date changed (the server replaced it)
// would need rethreading: that is rare enough to compute the threads anew. Changed References
// of a replaced message are not noticed until the next recomputation.
void ThreadListModel::changeMessages(const QList<qint64> &ids)
{
    QList<qint64> shown;
    for (qint64 id : ids) {
        m_rows.remove(id);
        if (m_forest.slotOf(id) != kNoSlot)
            shown.append(id);
    }
    if (shown.isEmpty())
        return;
    QList<int> roots;
    const QList<ThreadingFields> messages = readThreadingForNotice(m_database.connection(), shown);
    for (const ThreadingFields &message : messages) {
        const int slot = m_forest.slotOf(message.id);
        ThreadForest::Node &node = m_forest.node(slot);
        if (node.key != ThreadForest::keyOf(message.messageId) || node.date != message.date) {
            startComputation(false);
            return;
        }
        node.flags = message.flags;
        Q_EMIT dataChanged(indexOfSlot(slot, 0), indexOfSlot(slot, MessageListModel::ColumnCount - 1));
        const int root = m_forest.rootOf(slot);
        if (!roots.contains(root))
            roots.append(root);
    }
    for (int root : std::as_const(roots))
        updateThread(root);
}

void ThreadListModel::removeMessages(const QList<qint64> &ids)
{
    QList<std::pair<int, int>> removed;  // depth, slot
    for (qint64 id : ids) {
        m_rows.remove(id);
        const int slot = m_forest.slotOf(id);
        if (slot != kNoSlot)
            removed.append({m_forest.depthOf(slot), slot});
    }
    // Deepest first: the replies a removed message leaves behind are then never removed too.
    std::sort(removed.begin(), removed.end(), std::greater<>());
    for (const auto &[depth, slot] : std::as_const(removed))
        removeNode(slot);
}

// The replies of a removed message move to the nearest ancestor they still have in the view
// (threaded again from their own References, as if it had never been there), or become
// threads of their own; each with a row move, so selection and expansion survive.
void ThreadListModel::removeNode(int slot)
{
    const qint64 id = m_forest.node(slot).id;
    const int oldRoot = m_forest.rootOf(slot);
    // Its replies look past it from now on (or to a copy of it that stays).
    m_forest.releaseKey(slot);

    QList<int> touchedRoots;
    if (oldRoot != slot)
        touchedRoots.append(oldRoot);
    const QList<int> children = m_forest.node(slot).children;
    if (!children.isEmpty()) {
        QList<qint64> childIds;
        for (int child : children)
            childIds.append(m_forest.node(child).id);
        QHash<qint64, QList<quint64>> candidates;
        for (const ThreadingFields &message : readThreadingForNotice(m_database.connection(), childIds))
            candidates.insert(message.id, ThreadForest::parentCandidates(message));
        for (int child : children) {
            const ThreadForest::ParentChoice choice = m_forest.chooseParent(
                    child, candidates.value(m_forest.node(child).id), true);
            moveNode(child, choice.parent, choice.rank);
            if (choice.parent != kNoSlot)
                touchedRoots.append(choice.parent);
        }
    }

    const int parent = m_forest.node(slot).parent;
    const int row = m_forest.rowOf(slot);
    beginRemoveRows(indexOfSlot(parent), row, row);
    m_forest.takeAt(parent, row);
    m_forest.release(slot);
    endRemoveRows();
    m_rows.remove(id);

    QList<int> roots;
    for (int touched : std::as_const(touchedRoots)) {
        const int root = m_forest.rootOf(touched);
        if (!roots.contains(root))
            roots.append(root);
    }
    for (int root : std::as_const(roots))
        updateThread(root);
}

}  // namespace Heron::Gui
