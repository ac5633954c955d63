// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/folderrecord.h"
#include "sync/syncstats.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>

#include <memory>
#include <vector>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Gui {

// The folder tree: "All inboxes" on top, then each account with its folders as the server lists
// them (decoded names, the hierarchy from the delimiter, INBOX and special-use folders first).
// Reads the store on the GUI thread's connection (a few small queries) and follows the store's
// notices with row insertions, changes and removals, so expansion and selection survive a sync.
// Messages dropped on a folder are not moved here: messagesDropped() says what the user asked.
class FolderTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum class Kind { AllInboxes, Account, Folder, Placeholder };
    enum Role {
        KindRole = Qt::UserRole + 1,  // Kind as int
        FolderIdRole,                 // 0 for anything but a folder
        AccountIdRole,                // 0 for "All inboxes"
        UnreadCountRole,
        MessageCountRole,
        SpecialUseRole,       // "\Sent", ... or empty
        PathRole,             // the folder's decoded path
        SelectedForSyncRole,  // bool
        SyncStateRole,        // Sync::AccountState as int, for accounts
        ErrorRole,            // the last error in plain words, or empty
        SelectableRole,       // can hold messages (not \Noselect, not a placeholder)
    };

    // The MIME type of dragged messages: their store ids as text, one per line, after the account id.
    static QString messageIdsMimeType();
    static QByteArray encodeMessageIds(qint64 accountId, const QList<qint64> &messageIds);

    explicit FolderTreeModel(Store::Database &database, QObject *parent = nullptr);
    ~FolderTreeModel() override;

    // Reads every account and folder again.
    Result<bool> reload();

    QModelIndex indexOfFolder(qint64 folderId) const;
    QModelIndex indexOfAccount(qint64 accountId) const;
    QModelIndex allInboxesIndex() const;
    // The INBOX folder ids of every account, for the unified view.
    QList<qint64> inboxFolderIds() const;
    // The folder, when the tree knows it.
    const Store::FolderRecord *folder(qint64 folderId) const;
    // The account's folder with that special use ("\Trash", "\Archive", ...), or 0.
    qint64 specialFolder(qint64 accountId, const QString &specialUse) const;
    // Unread messages in every account's INBOX.
    int totalInboxUnread() const;

    // Sync state from the engine, shown on the account and the folder being synchronized.
    void setAccountState(qint64 accountId, Sync::AccountState state);
    void setFolderInProgress(qint64 accountId, qint64 folderId);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    Qt::DropActions supportedDropActions() const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

Q_SIGNALS:
    // Messages of one account were dropped on a folder of it: MoveAction or CopyAction.
    void messagesDropped(const QList<qint64> &messageIds, qint64 targetFolderId, Qt::DropAction action);

private:
    struct Node;
    struct Wanted;

    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node) const;
    Result<QList<Wanted>> wantedAccounts() const;
    void reconcile(Node *parent, const QList<Wanted> &wanted);
    void updateNode(Node *node, const Wanted &wanted);
    void emitNodeChanged(const Node *node);
    void refreshAllInboxes();
    Node *findFolder(qint64 folderId) const;
    Node *findAccount(qint64 accountId) const;
    void onFoldersChanged(const QList<qint64> &folderIds);
    void onStructureChanged();

    Store::Database &m_database;
    std::unique_ptr<Node> m_root;
    QHash<qint64, Node *> m_folders;  // folder id -> node
    QHash<qint64, Sync::AccountState> m_accountStates;
    QHash<qint64, qint64> m_folderInProgress;  // account id -> folder id
};

}  // namespace Heron::Gui
