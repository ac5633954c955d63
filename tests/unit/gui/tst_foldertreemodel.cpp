// SPDX-License-Identifier: GPL-3.0-or-later
// FolderTreeModel over a real store: the tree's shape and order, counts, and store notices
// (new, renamed and removed folders, new accounts, unread changes) as row signals that keep
// persistent indexes; drops of dragged messages.
#include "gui/foldertreemodel.h"
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using Heron::Gui::FolderTreeModel;

namespace {

Store::FolderListing listing(const QString &path, const QString &specialUse = {}, const QStringList &attributes = {})
{
    Store::FolderListing folder;
    folder.path = path;
    folder.delimiter = QStringLiteral("/");
    folder.specialUse = specialUse;
    folder.attributes = attributes;
    return folder;
}

QStringList childNames(const QAbstractItemModel &model, const QModelIndex &parent)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(parent); ++row)
        names.append(model.index(row, 0, parent).data(Qt::EditRole).toString());
    return names;
}

}  // namespace

class TestFolderTreeModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void buildsTheTreeInOrder();
    void unreadCountsFollowTheStore();
    void newRenamedAndRemovedFoldersKeepOtherIndexes();
    void accountsComeAndGo();
    void dropsMessagesOnFoldersOfTheSameAccount();
    void syncStateIsShown();

private:
    void addMessages(qint64 folderId, int count, bool seen);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_db;
    qint64 m_account = 0;
    QList<qint64> m_folders;  // INBOX, Archive/2024, Work, Sent, Trash, Work/Projects, Lists (\Noselect)
};

void TestFolderTreeModel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto opened = Store::Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY(opened.ok());
    m_db = std::move(opened.value());
    m_account = *Store::AccountStore(*m_db).add(QStringLiteral("acct"), QStringLiteral("Work account"));
    auto folders = Store::FolderStore(*m_db).upsertFolders(
            m_account,
            {listing(QStringLiteral("INBOX")), listing(QStringLiteral("Archive/2024")), listing(QStringLiteral("Work")),
             listing(QStringLiteral("Sent"), QStringLiteral("\\Sent")),
             listing(QStringLiteral("Trash"), QStringLiteral("\\Trash")), listing(QStringLiteral("Work/Projects")),
             listing(QStringLiteral("Lists"), {}, {QStringLiteral("\\Noselect")})});
    QVERIFY(folders.ok());
    m_folders = *folders;
}

void TestFolderTreeModel::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestFolderTreeModel::addMessages(qint64 folderId, int count, bool seen)
{
    Store::FolderStore folders(*m_db);
    const Store::FolderRecord record = *folders.folder(folderId);
    Store::SyncBatch batch;
    for (int i = 0; i < count; ++i) {
        Store::MessageMetadata message;
        message.uid = record.state.uidNext + quint32(i) + 1;
        message.subject = QStringLiteral("m%1").arg(message.uid);
        message.flags.bits = seen ? quint32(Store::MessageFlags::Seen) : 0u;
        batch.messages.append(message);
    }
    batch.syncPoint = Store::FolderSyncPoint{record.state.uidNext + quint32(count) + 1, 0, 1, 0};
    auto applied = folders.applySyncBatch(folderId, batch);
    QVERIFY2(applied.ok(), qPrintable(applied.ok() ? QString() : applied.error().message));
}

void TestFolderTreeModel::buildsTheTreeInOrder()
{
    FolderTreeModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.reload().ok());

    QCOMPARE(model.rowCount(), 2);
    const QModelIndex all = model.index(0, 0);
    QCOMPARE(all.data(FolderTreeModel::KindRole).toInt(), int(FolderTreeModel::Kind::AllInboxes));
    QCOMPARE(all, model.allInboxesIndex());
    const QModelIndex account = model.index(1, 0);
    QCOMPARE(account.data().toString(), QStringLiteral("Work account"));
    QCOMPARE(account, model.indexOfAccount(m_account));

    // INBOX first, then special-use folders, then the rest by name; a missing parent is a
    // placeholder that cannot hold messages.
    QCOMPARE(childNames(model, account),
             (QStringList{QStringLiteral("Inbox"), QStringLiteral("Sent"), QStringLiteral("Trash"),
                          QStringLiteral("Archive"), QStringLiteral("Lists"), QStringLiteral("Work")}));
    const QModelIndex archive = model.index(3, 0, account);
    QCOMPARE(archive.data(FolderTreeModel::KindRole).toInt(), int(FolderTreeModel::Kind::Placeholder));
    QVERIFY(!(model.flags(archive) & Qt::ItemIsSelectable));
    QCOMPARE(childNames(model, archive), QStringList{QStringLiteral("2024")});
    QCOMPARE(model.index(0, 0, archive).data(FolderTreeModel::PathRole).toString(), QStringLiteral("Archive/2024"));
    const QModelIndex lists = model.index(4, 0, account);
    QVERIFY(!lists.data(FolderTreeModel::SelectableRole).toBool());
    QVERIFY(!(model.flags(lists) & Qt::ItemIsDropEnabled));
    const QModelIndex work = model.index(5, 0, account);
    QCOMPARE(childNames(model, work), QStringList{QStringLiteral("Projects")});
    QCOMPARE(model.indexOfFolder(m_folders.at(5)), model.index(0, 0, work));
    QCOMPARE(model.inboxFolderIds(), QList<qint64>{m_folders.at(0)});
    QCOMPARE(model.specialFolder(m_account, QStringLiteral("\\Trash")), m_folders.at(4));
    QCOMPARE(model.specialFolder(m_account, QStringLiteral("\\Archive")), qint64(0));
}

void TestFolderTreeModel::unreadCountsFollowTheStore()
{
    Store::FolderStore(*m_db).setSelectedForSync(m_folders.at(0), true);
    FolderTreeModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.reload().ok());
    const QPersistentModelIndex inbox = model.indexOfFolder(m_folders.at(0));
    QCOMPARE(inbox.data().toString(), QStringLiteral("Inbox"));
    QVERIFY(!inbox.data(Qt::FontRole).value<QFont>().bold());

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    addMessages(m_folders.at(0), 3, false);
    addMessages(m_folders.at(0), 2, true);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(inbox.data(FolderTreeModel::UnreadCountRole).toInt(), 3);
    QCOMPARE(inbox.data(FolderTreeModel::MessageCountRole).toInt(), 5);
    QCOMPARE(inbox.data().toString(), QStringLiteral("Inbox (3)"));
    QVERIFY(inbox.data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model.allInboxesIndex().data(FolderTreeModel::UnreadCountRole).toInt(), 3);
    QCOMPARE(model.totalInboxUnread(), 3);

    // A folder that is not synchronized is shown in italics.
    const QModelIndex work = model.indexOfFolder(m_folders.at(2));
    QVERIFY(work.data(Qt::FontRole).value<QFont>().italic());
}

void TestFolderTreeModel::newRenamedAndRemovedFoldersKeepOtherIndexes()
{
    FolderTreeModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.reload().ok());
    const QPersistentModelIndex projects = model.indexOfFolder(m_folders.at(5));
    const QPersistentModelIndex trash = model.indexOfFolder(m_folders.at(4));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    Store::FolderStore folders(*m_db);
    const auto added = folders.upsertFolders(m_account, {listing(QStringLiteral("Work/Clients"))});
    QVERIFY(added.ok());
    QCOMPARE(inserted.size(), 1);
    const QModelIndex work = model.indexOfFolder(m_folders.at(2));
    QCOMPARE(childNames(model, work), (QStringList{QStringLiteral("Clients"), QStringLiteral("Projects")}));
    QCOMPARE(projects.row(), 1);
    QCOMPARE(projects.data().toString(), QStringLiteral("Projects"));

    QVERIFY(folders.renameFolder(m_folders.at(5), listing(QStringLiteral("Work/Tasks"))).ok());
    QVERIFY(!projects.isValid());  // it left under its old name ...
    const QModelIndex tasks = model.indexOfFolder(m_folders.at(5));
    QCOMPARE(tasks.data().toString(), QStringLiteral("Tasks"));  // ... and came back under the new one
    QCOMPARE(tasks.parent(), work);

    QVERIFY(folders.removeFolder(added->at(0)).ok());
    QCOMPARE(childNames(model, work), QStringList{QStringLiteral("Tasks")});
    QVERIFY(trash.isValid());
    QCOMPARE(trash.data(FolderTreeModel::FolderIdRole).toLongLong(), m_folders.at(4));
    QCOMPARE(reset.size(), 0);
    QVERIFY(removed.size() >= 2);
}

void TestFolderTreeModel::accountsComeAndGo()
{
    Store::AccountStore accounts(*m_db);
    QVERIFY(accounts.remove(m_account).ok());
    FolderTreeModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.reload().ok());
    QCOMPARE(model.rowCount(), 0);  // no "All inboxes" without an account
    QVERIFY(!model.allInboxesIndex().isValid());

    const qint64 first = *accounts.add(QStringLiteral("a"), QStringLiteral("Alpha"));
    const qint64 second = *accounts.add(QStringLiteral("b"), QStringLiteral("Beta"));
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(Store::FolderStore(*m_db).upsertFolders(first, {listing(QStringLiteral("INBOX"))}).ok());
    QVERIFY(Store::FolderStore(*m_db).upsertFolders(second, {listing(QStringLiteral("INBOX"))}).ok());
    QCOMPARE(model.inboxFolderIds().size(), 2);
    const QPersistentModelIndex beta = model.indexOfAccount(second);
    QVERIFY(accounts.remove(first).ok());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(beta.row(), 1);
    QCOMPARE(model.inboxFolderIds().size(), 1);
}

void TestFolderTreeModel::dropsMessagesOnFoldersOfTheSameAccount()
{
    FolderTreeModel model(*m_db);
    QVERIFY(model.reload().ok());
    const QModelIndex work = model.indexOfFolder(m_folders.at(2));
    const QModelIndex lists = model.index(4, 0, model.indexOfAccount(m_account));
    QMimeData data;
    data.setData(FolderTreeModel::messageIdsMimeType(), FolderTreeModel::encodeMessageIds(m_account, {11, 12}));
    QMimeData otherAccount;
    otherAccount.setData(FolderTreeModel::messageIdsMimeType(), FolderTreeModel::encodeMessageIds(m_account + 1, {11}));
    QMimeData broken;
    broken.setData(FolderTreeModel::messageIdsMimeType(), QByteArrayLiteral("1\nnot a number"));

    QVERIFY(model.canDropMimeData(&data, Qt::MoveAction, -1, -1, work));
    QVERIFY(!model.canDropMimeData(&data, Qt::MoveAction, -1, -1, lists));  // \Noselect
    QVERIFY(!model.canDropMimeData(&otherAccount, Qt::MoveAction, -1, -1, work));
    QVERIFY(!model.canDropMimeData(&broken, Qt::MoveAction, -1, -1, work));
    QVERIFY(!model.canDropMimeData(&data, Qt::LinkAction, -1, -1, work));

    QSignalSpy dropped(&model, &FolderTreeModel::messagesDropped);
    model.dropMimeData(&data, Qt::CopyAction, -1, -1, work);
    model.dropMimeData(&broken, Qt::MoveAction, -1, -1, work);
    QCOMPARE(dropped.size(), 1);
    QCOMPARE(dropped.at(0).at(0).value<QList<qint64>>(), (QList<qint64>{11, 12}));
    QCOMPARE(dropped.at(0).at(1).toLongLong(), m_folders.at(2));
    QCOMPARE(dropped.at(0).at(2).value<Qt::DropAction>(), Qt::CopyAction);
}

void TestFolderTreeModel::syncStateIsShown()
{
    FolderTreeModel model(*m_db);
    QVERIFY(model.reload().ok());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setAccountState(m_account, Sync::AccountState::Offline);
    QCOMPARE(model.indexOfAccount(m_account).data().toString(), QStringLiteral("Work account (offline)"));
    model.setAccountState(m_account, Sync::AccountState::Syncing);
    model.setFolderInProgress(m_account, m_folders.at(0));
    QVERIFY(model.indexOfFolder(m_folders.at(0))
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("Synchronizing")));
    model.setAccountState(m_account, Sync::AccountState::Idle);
    QVERIFY(!model.indexOfFolder(m_folders.at(0))
                     .data(Qt::ToolTipRole)
                     .toString()
                     .contains(QStringLiteral("Synchronizing")));
    QCOMPARE(model.indexOfAccount(m_account).data().toString(), QStringLiteral("Work account"));
    QVERIFY(changed.size() >= 4);
}

QTEST_MAIN(TestFolderTreeModel)
#include "tst_foldertreemodel.moc"
