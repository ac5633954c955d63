// SPDX-License-Identifier: GPL-3.0-or-later
#include "foldertreemodel.h"

#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/storenotifier.h"

#include <QApplication>
#include <QCollator>
#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QMimeData>
#include <QStyle>

#include <map>

namespace Heron::Gui {

namespace {

bool isInboxPath(const QString &path)
{
    return path.compare(QStringLiteral("INBOX"), Qt::CaseInsensitive) == 0;
}

// INBOX, then the special-use folders in the order Thunderbird and KMail show them, then the rest.
int rankOf(const QString &path, const QString &specialUse)
{
    if (isInboxPath(path))
        return 0;
    static const QStringList order = {
            QStringLiteral("\\Drafts"), QStringLiteral("\\Sent"), QStringLiteral("\\Archive"), QStringLiteral("\\Junk"),
            QStringLiteral("\\Trash"),  QStringLiteral("\\All"),  QStringLiteral("\\Flagged")};
    const qsizetype at = order.indexOf(specialUse);
    return at < 0 ? int(order.size()) + 1 : int(at) + 1;
}

// An account's state in the words of its tooltip.
QString stateText(Sync::AccountState state)
{
    switch (state) {
    case Sync::AccountState::Idle:
        return FolderTreeModel::tr("up to date");
    case Sync::AccountState::Connecting:
        return FolderTreeModel::tr("connecting…");
    case Sync::AccountState::Syncing:
        return FolderTreeModel::tr("synchronizing…");
    case Sync::AccountState::Pushing:
        return FolderTreeModel::tr("up to date, waiting for new mail");
    case Sync::AccountState::Offline:
        return FolderTreeModel::tr("offline");
    case Sync::AccountState::Error:
        return FolderTreeModel::tr("error");
    }
    return {};
}

QIcon themeIcon(const char *name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QLatin1String(name), QApplication::style()->standardIcon(fallback));
}

QIcon folderIcon(const QString &path, const QString &specialUse)
{
    if (isInboxPath(path))
        return themeIcon("mail-folder-inbox", QStyle::SP_DriveNetIcon);
    if (specialUse == QLatin1String("\\Sent"))
        return themeIcon("mail-folder-sent", QStyle::SP_ArrowForward);
    if (specialUse == QLatin1String("\\Drafts"))
        return themeIcon("document-edit", QStyle::SP_FileDialogDetailedView);
    if (specialUse == QLatin1String("\\Trash"))
        return themeIcon("user-trash", QStyle::SP_TrashIcon);
    if (specialUse == QLatin1String("\\Junk"))
        return themeIcon("mail-mark-junk", QStyle::SP_MessageBoxWarning);
    if (specialUse == QLatin1String("\\Archive"))
        return themeIcon("folder-documents", QStyle::SP_DirIcon);
    return themeIcon("folder", QStyle::SP_DirIcon);
}

}  // namespace

// What the tree should hold, read from the store; reconcile() turns the difference into row
// signals. The key identifies a node across reloads: a folder is its path, so a folder renamed
// elsewhere leaves and comes back under its new name.
struct FolderTreeModel::Wanted {
    Kind kind = Kind::Folder;
    QString key;
    QString name;
    qint64 accountId = 0;
    Store::FolderRecord record;  // folders only
    QList<Wanted> children;
};

struct FolderTreeModel::Node {
    Kind kind = Kind::Folder;
    QString key;
    QString name;
    qint64 accountId = 0;
    Store::FolderRecord record;
    int unreadCount = 0;  // "All inboxes": the sum over the INBOXes
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children;

    int row() const
    {
        if (!parent)
            return 0;
        for (size_t i = 0; i < parent->children.size(); ++i) {
            if (parent->children[i].get() == this)
                return int(i);
        }
        return 0;
    }
    bool selectable() const
    {
        if (kind == Kind::Placeholder)
            return false;
        if (kind != Kind::Folder)
            return true;
        return !record.listing.attributes.contains(QStringLiteral("\\Noselect"), Qt::CaseInsensitive) &&
               !record.listing.attributes.contains(QStringLiteral("\\NonExistent"), Qt::CaseInsensitive);
    }
};

namespace {

// Folders of one account as a tree of path segments, before sorting.
struct Draft {
    bool listed = false;
    QString path;
    QString name;
    Store::FolderRecord record;
    std::map<QString, std::unique_ptr<Draft>> children;
};

}  // namespace

QString FolderTreeModel::messageIdsMimeType()
{
    return QStringLiteral("application/x-heron-message-ids");
}

QByteArray FolderTreeModel::encodeMessageIds(qint64 accountId, const QList<qint64> &messageIds)
{
    QByteArray data = QByteArray::number(accountId);
    for (qint64 id : messageIds)
        data += '\n' + QByteArray::number(id);
    return data;
}

FolderTreeModel::FolderTreeModel(Store::Database &database, QObject *parent)
    : QAbstractItemModel(parent),
      m_database(database),
      m_root(std::make_unique<Node>())
{
    Store::StoreNotifier *notifier = database.notifier();
    connect(notifier, &Store::StoreNotifier::foldersChanged, this, &FolderTreeModel::onFoldersChanged);
    connect(notifier, &Store::StoreNotifier::foldersRemoved, this, &FolderTreeModel::onStructureChanged);
    connect(notifier, &Store::StoreNotifier::accountsChanged, this, &FolderTreeModel::onStructureChanged);
}

FolderTreeModel::~FolderTreeModel() = default;

Result<QList<FolderTreeModel::Wanted>> FolderTreeModel::wantedAccounts() const
{
    auto accounts = Store::AccountStore(m_database).accounts();
    if (!accounts)
        return accounts.error();
    QCollator collator;
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    collator.setNumericMode(true);

    // Sorted children of a draft, recursively.
    std::function<QList<Wanted>(const Draft &, qint64)> childrenOf = [&](const Draft &draft, qint64 accountId) {
        QList<Wanted> list;
        for (const auto &[segment, child] : draft.children) {
            Wanted wanted;
            wanted.kind = child->listed ? Kind::Folder : Kind::Placeholder;
            wanted.key = child->path;
            wanted.name = isInboxPath(child->path) ? tr("Inbox") : child->name;
            wanted.accountId = accountId;
            wanted.record = child->record;
            wanted.children = childrenOf(*child, accountId);
            list.append(std::move(wanted));
        }
        std::sort(list.begin(), list.end(), [&](const Wanted &a, const Wanted &b) {
            const int rankA = rankOf(a.key, a.record.listing.specialUse);
            const int rankB = rankOf(b.key, b.record.listing.specialUse);
            if (rankA != rankB)
                return rankA < rankB;
            const int order = collator.compare(a.name, b.name);
            return order != 0 ? order < 0 : a.key < b.key;
        });
        return list;
    };

    QList<Wanted> result;
    for (const Store::AccountRecord &account : std::as_const(*accounts)) {
        auto folders = Store::FolderStore(m_database).folders(account.id);
        if (!folders)
            return folders.error();
        Draft root;
        for (const Store::FolderRecord &record : std::as_const(*folders)) {
            const QString &path = record.listing.path;
            const QString &delimiter = record.listing.delimiter;
            const QStringList segments = delimiter.isEmpty() ? QStringList{path} : path.split(delimiter);
            Draft *at = &root;
            QString prefix;
            for (qsizetype i = 0; i < segments.size(); ++i) {
                prefix = i == 0 ? segments.at(i) : prefix + delimiter + segments.at(i);
                std::unique_ptr<Draft> &child = at->children[segments.at(i)];
                if (!child) {
                    child = std::make_unique<Draft>();
                    child->path = prefix;
                    child->name = segments.at(i).isEmpty() ? prefix : segments.at(i);
                }
                at = child.get();
            }
            at->listed = true;
            at->record = record;
        }
        Wanted wanted;
        wanted.kind = Kind::Account;
        wanted.key = QStringLiteral("account:%1").arg(account.id);
        wanted.name = account.displayName;
        wanted.accountId = account.id;
        wanted.children = childrenOf(root, account.id);
        result.append(std::move(wanted));
    }
    if (!result.isEmpty()) {
        Wanted all;
        all.kind = Kind::AllInboxes;
        all.key = QStringLiteral("all-inboxes");
        all.name = tr("All inboxes");
        result.prepend(std::move(all));
    }
    return result;
}

Result<bool> FolderTreeModel::reload()
{
    auto wanted = wantedAccounts();
    if (!wanted)
        return wanted.error();
    reconcile(m_root.get(), *wanted);
    refreshAllInboxes();
    return true;
}

void FolderTreeModel::onStructureChanged()
{
    reload();
}

void FolderTreeModel::onFoldersChanged(const QList<qint64> &folderIds)
{
    bool inboxChanged = false;
    for (qint64 folderId : folderIds) {
        Node *node = findFolder(folderId);
        auto record = Store::FolderStore(m_database).folder(folderId);
        // A new, renamed or re-listed folder changes the tree's shape.
        if (!node || !record || record->listing != node->record.listing) {
            reload();
            return;
        }
        node->record = *record;
        inboxChanged = inboxChanged || isInboxPath(record->listing.path);
        emitNodeChanged(node);
    }
    if (inboxChanged)
        refreshAllInboxes();
}

void FolderTreeModel::reconcile(Node *parent, const QList<Wanted> &wanted)
{
    const QModelIndex parentIndex = indexOf(parent);
    QSet<QString> wantedKeys;
    for (const Wanted &w : wanted)
        wantedKeys.insert(w.key);

    const auto unregister = [this](const auto &self, Node *node) -> void {
        if (node->kind == Kind::Folder && m_folders.value(node->record.id) == node)
            m_folders.remove(node->record.id);
        for (const auto &child : node->children)
            self(self, child.get());
    };
    const auto removeAt = [&](int row) {
        beginRemoveRows(parentIndex, row, row);
        unregister(unregister, parent->children[size_t(row)].get());
        parent->children.erase(parent->children.begin() + row);
        endRemoveRows();
    };

    // Children that are no longer wanted leave; so do those whose place in the order changed
    // (a special use set elsewhere), to come back at their new place below.
    for (int i = int(parent->children.size()) - 1; i >= 0; --i) {
        if (!wantedKeys.contains(parent->children[size_t(i)]->key))
            removeAt(i);
    }
    QStringList keptOrder;
    for (const Wanted &w : wanted) {
        for (const auto &child : parent->children) {
            if (child->key == w.key) {
                keptOrder.append(w.key);
                break;
            }
        }
    }
    for (int i = 0; i < int(parent->children.size()); ++i) {
        if (parent->children[size_t(i)]->key != keptOrder.at(i)) {
            while (int(parent->children.size()) > i)
                removeAt(int(parent->children.size()) - 1);
            break;
        }
    }

    const auto build = [this](const auto &self, Node *into, const Wanted &from) -> void {
        into->kind = from.kind;
        into->key = from.key;
        into->name = from.name;
        into->accountId = from.accountId;
        into->record = from.record;
        if (from.kind == Kind::Folder)
            m_folders.insert(from.record.id, into);
        for (const Wanted &childWanted : from.children) {
            auto child = std::make_unique<Node>();
            child->parent = into;
            self(self, child.get(), childWanted);
            into->children.push_back(std::move(child));
        }
    };
    for (int i = 0; i < int(wanted.size()); ++i) {
        const Wanted &w = wanted.at(i);
        if (i < int(parent->children.size()) && parent->children[size_t(i)]->key == w.key) {
            Node *node = parent->children[size_t(i)].get();
            updateNode(node, w);
            reconcile(node, w.children);
            continue;
        }
        beginInsertRows(parentIndex, i, i);
        auto node = std::make_unique<Node>();
        node->parent = parent;
        build(build, node.get(), w);
        parent->children.insert(parent->children.begin() + i, std::move(node));
        endInsertRows();
    }
}

void FolderTreeModel::updateNode(Node *node, const Wanted &wanted)
{
    const bool changed = node->kind != wanted.kind || node->name != wanted.name ||
                         node->record.id != wanted.record.id ||
                         node->record.messageCount != wanted.record.messageCount ||
                         node->record.unreadCount != wanted.record.unreadCount ||
                         node->record.selectedForSync != wanted.record.selectedForSync ||
                         node->record.lastError != wanted.record.lastError ||
                         node->record.listing != wanted.record.listing;
    if (node->kind == Kind::Folder && m_folders.value(node->record.id) == node)
        m_folders.remove(node->record.id);
    node->kind = wanted.kind;
    node->name = wanted.name;
    node->accountId = wanted.accountId;
    node->record = wanted.record;
    if (node->kind == Kind::Folder)
        m_folders.insert(node->record.id, node);
    if (changed)
        emitNodeChanged(node);
}

void FolderTreeModel::emitNodeChanged(const Node *node)
{
    const QModelIndex at = indexOf(node);
    if (at.isValid())
        Q_EMIT dataChanged(at, at);
}

void FolderTreeModel::refreshAllInboxes()
{
    if (m_root->children.empty() || m_root->children.front()->kind != Kind::AllInboxes)
        return;
    Node *all = m_root->children.front().get();
    const int unread = totalInboxUnread();
    if (all->unreadCount != unread) {
        all->unreadCount = unread;
        emitNodeChanged(all);
    }
}

int FolderTreeModel::totalInboxUnread() const
{
    int unread = 0;
    for (const Node *node : std::as_const(m_folders)) {
        if (isInboxPath(node->record.listing.path))
            unread += node->record.unreadCount;
    }
    return unread;
}

QList<qint64> FolderTreeModel::inboxFolderIds() const
{
    QList<qint64> ids;
    for (const auto &account : m_root->children) {
        for (const auto &child : account->children) {
            if (child->kind == Kind::Folder && isInboxPath(child->record.listing.path))
                ids.append(child->record.id);
        }
    }
    return ids;
}

const Store::FolderRecord *FolderTreeModel::folder(qint64 folderId) const
{
    const Node *node = findFolder(folderId);
    return node ? &node->record : nullptr;
}

qint64 FolderTreeModel::specialFolder(qint64 accountId, const QString &specialUse) const
{
    for (const Node *node : std::as_const(m_folders)) {
        if (node->accountId == accountId && node->record.listing.specialUse == specialUse)
            return node->record.id;
    }
    return 0;
}

void FolderTreeModel::setAccountState(qint64 accountId, Sync::AccountState state)
{
    if (m_accountStates.value(accountId, Sync::AccountState::Idle) == state)
        return;
    m_accountStates.insert(accountId, state);
    if (state != Sync::AccountState::Syncing)
        setFolderInProgress(accountId, 0);
    if (const Node *account = findAccount(accountId))
        emitNodeChanged(account);
}

void FolderTreeModel::setFolderInProgress(qint64 accountId, qint64 folderId)
{
    const qint64 previous = m_folderInProgress.value(accountId);
    if (previous == folderId)
        return;
    if (folderId)
        m_folderInProgress.insert(accountId, folderId);
    else
        m_folderInProgress.remove(accountId);
    if (const Node *node = findFolder(previous))
        emitNodeChanged(node);
    if (const Node *node = findFolder(folderId))
        emitNodeChanged(node);
}

FolderTreeModel::Node *FolderTreeModel::findFolder(qint64 folderId) const
{
    return m_folders.value(folderId);
}

FolderTreeModel::Node *FolderTreeModel::findAccount(qint64 accountId) const
{
    for (const auto &child : m_root->children) {
        if (child->kind == Kind::Account && child->accountId == accountId)
            return child.get();
    }
    return nullptr;
}

QModelIndex FolderTreeModel::indexOfFolder(qint64 folderId) const
{
    const Node *node = findFolder(folderId);
    return node ? indexOf(node) : QModelIndex();
}

QModelIndex FolderTreeModel::indexOfAccount(qint64 accountId) const
{
    const Node *node = findAccount(accountId);
    return node ? indexOf(node) : QModelIndex();
}

QModelIndex FolderTreeModel::allInboxesIndex() const
{
    if (m_root->children.empty() || m_root->children.front()->kind != Kind::AllInboxes)
        return {};
    return indexOf(m_root->children.front().get());
}

FolderTreeModel::Node *FolderTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex FolderTreeModel::indexOf(const Node *node) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row(), 0, const_cast<Node *>(node));
}

QModelIndex FolderTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Node *node = nodeOf(parent);
    return createIndex(row, column, node->children[size_t(row)].get());
}

QModelIndex FolderTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent);
}

int FolderTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int FolderTreeModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant FolderTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    const Store::FolderRecord &record = node->record;
    const int unread = node->kind == Kind::AllInboxes ? node->unreadCount : record.unreadCount;
    const Sync::AccountState state = m_accountStates.value(node->accountId, Sync::AccountState::Idle);
    const bool inProgress = node->kind == Kind::Folder && m_folderInProgress.value(node->accountId) == record.id;

    switch (role) {
    case Qt::DisplayRole:
        if (node->kind == Kind::Account) {
            if (state == Sync::AccountState::Offline)
                return tr("%1 (offline)").arg(node->name);
            if (state == Sync::AccountState::Error)
                return tr("%1 (error)").arg(node->name);
            return node->name;
        }
        return unread > 0 ? QStringLiteral("%1 (%2)").arg(node->name, QLocale().toString(unread)) : node->name;
    case Qt::EditRole:
        return node->name;
    case Qt::FontRole: {
        if (node->kind == Kind::Account || unread > 0) {
            QFont font;
            font.setBold(true);
            return font;
        }
        if (node->kind == Kind::Folder && !record.selectedForSync) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    }
    case Qt::DecorationRole:
        switch (node->kind) {
        case Kind::AllInboxes:
            return themeIcon("mail-folder-inbox", QStyle::SP_DriveNetIcon);
        case Kind::Account:
            if (state == Sync::AccountState::Error)
                return themeIcon("dialog-error", QStyle::SP_MessageBoxCritical);
            if (state == Sync::AccountState::Offline)
                return themeIcon("network-offline", QStyle::SP_MessageBoxWarning);
            return themeIcon("network-server", QStyle::SP_DriveNetIcon);
        case Kind::Placeholder:
            return themeIcon("folder", QStyle::SP_DirIcon);
        case Kind::Folder:
            if (inProgress)
                return themeIcon("view-refresh", QStyle::SP_BrowserReload);
            if (!record.lastError.isEmpty())
                return themeIcon("dialog-warning", QStyle::SP_MessageBoxWarning);
            return folderIcon(record.listing.path, record.listing.specialUse);
        }
        return {};
    case Qt::ToolTipRole: {
        if (node->kind == Kind::Account)
            return tr("%1: %2").arg(node->name, stateText(state));
        if (node->kind == Kind::AllInboxes)
            return tr("The inboxes of every account, together");
        if (node->kind == Kind::Placeholder)
            return node->key;
        QStringList lines = {
                record.listing.path,
                tr("%Ln message(s), %1 unread", nullptr, record.messageCount).arg(QLocale().toString(unread))};
        if (!record.selectedForSync)
            lines.append(tr("Not synchronized"));
        if (inProgress)
            lines.append(tr("Synchronizing…"));
        if (!record.lastError.isEmpty())
            lines.append(record.lastError);
        return lines.join(QLatin1Char('\n'));
    }
    case KindRole:
        return int(node->kind);
    case FolderIdRole:
        return node->kind == Kind::Folder ? record.id : qint64(0);
    case AccountIdRole:
        return node->accountId;
    case UnreadCountRole:
        return unread;
    case MessageCountRole:
        return record.messageCount;
    case SpecialUseRole:
        return record.listing.specialUse;
    case PathRole:
        return node->kind == Kind::Folder || node->kind == Kind::Placeholder ? node->key : QString();
    case SelectedForSyncRole:
        return record.selectedForSync;
    case SyncStateRole:
        return int(state);
    case ErrorRole:
        return record.lastError;
    case SelectableRole:
        return node->selectable();
    default:
        return {};
    }
}

Qt::ItemFlags FolderTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    const Node *node = nodeOf(index);
    Qt::ItemFlags flags = Qt::ItemIsEnabled;
    if (node->selectable())
        flags |= Qt::ItemIsSelectable;
    if (node->kind == Kind::Folder && node->selectable())
        flags |= Qt::ItemIsDropEnabled;
    return flags;
}

QStringList FolderTreeModel::mimeTypes() const
{
    return {messageIdsMimeType()};
}

Qt::DropActions FolderTreeModel::supportedDropActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

namespace {

// The account and the message ids of a drag, or nothing when the data is not ours or broken.
std::optional<std::pair<qint64, QList<qint64>>> decodeMessageIds(const QMimeData *data)
{
    if (!data || !data->hasFormat(FolderTreeModel::messageIdsMimeType()))
        return std::nullopt;
    const QList<QByteArray> lines = data->data(FolderTreeModel::messageIdsMimeType()).split('\n');
    bool ok = false;
    const qint64 accountId = lines.value(0).toLongLong(&ok);
    if (!ok || accountId <= 0 || lines.size() < 2)
        return std::nullopt;
    QList<qint64> ids;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qint64 id = lines.at(i).toLongLong(&ok);
        if (!ok || id <= 0)
            return std::nullopt;
        ids.append(id);
    }
    return std::make_pair(accountId, ids);
}

}  // namespace

bool FolderTreeModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int, int,
                                      const QModelIndex &parent) const
{
    if (action != Qt::MoveAction && action != Qt::CopyAction)
        return false;
    const Node *target = parent.isValid() ? nodeOf(parent) : nullptr;
    if (!target || target->kind != Kind::Folder || !target->selectable())
        return false;
    const auto decoded = decodeMessageIds(data);
    return decoded && decoded->first == target->accountId;
}

bool FolderTreeModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                   const QModelIndex &parent)
{
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    const auto decoded = decodeMessageIds(data);
    Q_EMIT messagesDropped(decoded->second, nodeOf(parent)->record.id, action);
    // The source view must not remove rows itself: the store's notices do that once the move
    // is applied.
    return false;
}

}  // namespace Heron::Gui
