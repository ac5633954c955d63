// SPDX-License-Identifier: GPL-3.0-or-later
// MessageListModel over a real store: order done in SQL, rows read in pages, and store notices
// turned into row insertions, changes and removals that keep persistent indexes (selection).
#include "gui/messagelistmodel.h"
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using Heron::Gui::MessageListModel;

namespace {

Store::MessageMetadata message(quint32 uid, const QString &subject, qint64 secondsOffset)
{
    Store::MessageMetadata m;
    m.uid = uid;
    m.subject = subject;
    m.from = {{QStringLiteral("Sender %1").arg(uid), QStringLiteral("s%1@example.org").arg(uid)}};
    m.to = {{QString(), QStringLiteral("me@example.org")}};
    m.date = QDateTime::fromSecsSinceEpoch(1700000000 + secondsOffset, Qt::UTC);
    m.internalDate = m.date;
    m.size = 1000 + uid;
    return m;
}

}  // namespace

class TestMessageListModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void ordersByDateNewestFirstAndPagesRows();
    void sortsInSql();
    void noticesInsertChangeAndRemoveRows();
    void otherFoldersAreIgnored();
    void bigFolderLoadsOffTheGuiThread();
    void bigFolderSortsOffTheGuiThread();
    void manyScatteredChangesKeepTheOrder();
    void searchResultsTakeNoNewRows();
    void serverHitsJoinTheSearchResults();
    void findsUnreadRowsInSql();

private:
    void apply(const Store::SyncBatch &batch, qint64 folder = 0);
    // Stores "one", "two" and "three" (UIDs 1-3, in date order); their ids, highest UID first.
    QList<qint64> applyOneTwoThree();
    QList<QString> subjects(const MessageListModel &model) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_db;
    qint64 m_folder = 0;
    qint64 m_otherFolder = 0;
};

void TestMessageListModel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto opened = Store::Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY(opened.ok());
    m_db = std::move(opened.value());
    const qint64 account = *Store::AccountStore(*m_db).add(QStringLiteral("acct"), QStringLiteral("Me"));
    const auto folders = Store::FolderStore(*m_db).upsertFolders(
            account, {{QStringLiteral("INBOX")}, {QStringLiteral("Other")}});
    QVERIFY(folders.ok());
    m_folder = folders->at(0);
    m_otherFolder = folders->at(1);
}

void TestMessageListModel::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestMessageListModel::apply(const Store::SyncBatch &batch, qint64 folder)
{
    auto applied = Store::FolderStore(*m_db).applySyncBatch(folder ? folder : m_folder, batch);
    QVERIFY2(applied.ok(), qPrintable(applied.ok() ? QString() : applied.error().message));
}

QList<qint64> TestMessageListModel::applyOneTwoThree()
{
    Store::SyncBatch batch;
    batch.messages = {message(1, QStringLiteral("one"), 100), message(2, QStringLiteral("two"), 200),
                      message(3, QStringLiteral("three"), 300)};
    apply(batch);
    return *Store::MessageStore(*m_db).messageIds(m_folder);
}

QList<QString> TestMessageListModel::subjects(const MessageListModel &model) const
{
    QList<QString> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, MessageListModel::Subject).data().toString());
    return result;
}

void TestMessageListModel::ordersByDateNewestFirstAndPagesRows()
{
    Store::SyncBatch batch;
    const int count = 2 * MessageListModel::kPageSize + 17;
    for (int i = 1; i <= count; ++i)
        batch.messages.append(message(quint32(i), QStringLiteral("m%1").arg(i), i * 60));
    apply(batch);

    MessageListModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setFolder(m_folder).ok());
    QCOMPARE(model.rowCount(), count);
    QCOMPARE(model.index(0, MessageListModel::Subject).data().toString(), QStringLiteral("m%1").arg(count));
    QCOMPARE(model.index(count - 1, MessageListModel::Subject).data().toString(), QStringLiteral("m1"));
    QCOMPARE(model.index(0, MessageListModel::Correspondent).data().toString(), QStringLiteral("Sender %1").arg(count));
    QCOMPARE(model.index(0, MessageListModel::Correspondent).data(Qt::ToolTipRole).toString(),
             QStringLiteral("Sender %1 <s%1@example.org>").arg(count));
    QVERIFY(model.index(0, 0).data(Qt::FontRole).value<QFont>().bold());  // unread
    QCOMPARE(model.rowOf(model.messageId(250)), 250);

    // Recipients in Sent and Drafts.
    QVERIFY(model.setFolder(m_folder, true).ok());
    QCOMPARE(model.index(0, MessageListModel::Correspondent).data().toString(), QStringLiteral("me@example.org"));
    QCOMPARE(model.headerData(MessageListModel::Correspondent, Qt::Horizontal).toString(), QStringLiteral("To"));
}

void TestMessageListModel::sortsInSql()
{
    Store::SyncBatch batch;
    batch.messages = {message(1, QStringLiteral("banana"), 300), message(2, QStringLiteral("Apple"), 100),
                      message(3, QStringLiteral("cherry"), 200)};
    apply(batch);
    MessageListModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setFolder(m_folder).ok());
    QCOMPARE(subjects(model),
             (QList<QString>{QStringLiteral("banana"), QStringLiteral("cherry"), QStringLiteral("Apple")}));
    const QPersistentModelIndex selected = model.index(1, MessageListModel::Subject);  // cherry
    model.sort(MessageListModel::Subject, Qt::AscendingOrder);
    QCOMPARE(subjects(model),
             (QList<QString>{QStringLiteral("Apple"), QStringLiteral("banana"), QStringLiteral("cherry")}));
    QCOMPARE(selected.row(), 2);  // the selection follows its message
    model.sort(MessageListModel::Size, Qt::DescendingOrder);
    QCOMPARE(subjects(model),
             (QList<QString>{QStringLiteral("cherry"), QStringLiteral("Apple"), QStringLiteral("banana")}));
}

void TestMessageListModel::noticesInsertChangeAndRemoveRows()
{
    Store::SyncBatch first;
    for (int i = 1; i <= 10; ++i)
        first.messages.append(message(quint32(i), QStringLiteral("m%1").arg(i), i * 60));
    apply(first);
    MessageListModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setFolder(m_folder).ok());
    const QPersistentModelIndex selected = model.index(4, MessageListModel::Subject);  // m6
    QCOMPARE(selected.data().toString(), QStringLiteral("m6"));

    // New mail, newer and older than what is shown, arrives as row insertions.
    Store::SyncBatch arrived;
    arrived.messages = {message(11, QStringLiteral("newest"), 10000), message(12, QStringLiteral("oldest"), 1),
                        message(13, QStringLiteral("middle"), 6 * 60 + 30)};
    apply(arrived);
    QCOMPARE(model.rowCount(), 13);
    QCOMPARE(model.index(0, MessageListModel::Subject).data().toString(), QStringLiteral("newest"));
    QCOMPARE(model.index(12, MessageListModel::Subject).data().toString(), QStringLiteral("oldest"));
    QCOMPARE(selected.data().toString(), QStringLiteral("m6"));
    QCOMPARE(model.index(selected.row() - 1, MessageListModel::Subject).data().toString(), QStringLiteral("middle"));

    // Read on another device: the row changes in place and is no longer bold.
    Store::SyncBatch seen;
    seen.flagChanges = {{6, Store::MessageFlags{Store::MessageFlags::Seen, {}}, 0}};
    apply(seen);
    QCOMPARE(selected.data(MessageListModel::UnreadRole).toBool(), false);

    // Expunged elsewhere: the rows go, the selection stays on its message.
    Store::SyncBatch removed;
    removed.removedUids = UidSet::fromValues(QList<quint32>{11, 12, 7});
    apply(removed);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(selected.data().toString(), QStringLiteral("m6"));
    QVERIFY(!subjects(model).contains(QStringLiteral("newest")));
    QVERIFY(!subjects(model).contains(QStringLiteral("m7")));

    // Sorted by flag state, a flag change moves the row.
    model.sort(MessageListModel::Flagged, Qt::DescendingOrder);
    Store::SyncBatch flagged;
    flagged.flagChanges = {{2, Store::MessageFlags{Store::MessageFlags::Flagged, {}}, 0}};
    apply(flagged);
    QCOMPARE(model.index(0, MessageListModel::Subject).data().toString(), QStringLiteral("m2"));
    QCOMPARE(model.rowCount(), 10);
}

void TestMessageListModel::otherFoldersAreIgnored()
{
    MessageListModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setFolder(m_folder).ok());
    Store::SyncBatch elsewhere;
    elsewhere.messages = {message(1, QStringLiteral("x"), 1)};
    apply(elsewhere, m_otherFolder);
    QCOMPARE(model.rowCount(), 0);
}

void TestMessageListModel::bigFolderLoadsOffTheGuiThread()
{
    Store::SyncBatch batch;
    const int count = 2 * MessageListModel::kPageSize + 50;
    for (int i = 1; i <= count; ++i)
        batch.messages.append(message(quint32(i), QStringLiteral("m%1").arg(i), i * 60));
    apply(batch);

    MessageListModel model(*m_db);
    model.setSynchronousLimit(10);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &MessageListModel::loaded);
    QVERIFY(model.setFolder(m_folder).ok());
    // At once: every row counted, the newest page readable; the rest blank until the list is in.
    QCOMPARE(model.rowCount(), count);
    QVERIFY(!model.isComplete());
    QCOMPARE(model.index(0, MessageListModel::Subject).data().toString(), QStringLiteral("m%1").arg(count));
    QCOMPARE(model.messageId(count - 1), qint64(0));
    QVERIFY(!model.index(count - 1, MessageListModel::Subject).data().isValid());

    // Mail that arrives meanwhile waits for the list, then lands in its place.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    Store::SyncBatch arrived;
    arrived.messages = {message(quint32(count + 1), QStringLiteral("newest"), 1000000)};
    apply(arrived);
    QCOMPARE(model.rowCount(), count);
    QVERIFY(loaded.wait(10000));
    QVERIFY(model.isComplete());
    // The rows past the first page got their data; or, when the worker's read already saw the new
    // message (it runs meanwhile), the count it brings differs and the view was reset.
    QVERIFY(!changed.isEmpty() || !reset.isEmpty());
    QCOMPARE(model.rowCount(), count + 1);
    QCOMPARE(model.index(0, MessageListModel::Subject).data().toString(), QStringLiteral("newest"));
    QCOMPARE(model.index(count, MessageListModel::Subject).data().toString(), QStringLiteral("m1"));
    QCOMPARE(model.rowOf(model.messageId(300)), 300);
}

void TestMessageListModel::bigFolderSortsOffTheGuiThread()
{
    Store::SyncBatch batch;
    batch.messages = {message(1, QStringLiteral("banana"), 300), message(2, QStringLiteral("Apple"), 100),
                      message(3, QStringLiteral("cherry"), 200), message(4, QStringLiteral("date"), 400)};
    apply(batch);
    MessageListModel model(*m_db);
    model.setSynchronousLimit(2);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&model, &MessageListModel::loaded);
    QVERIFY(model.setFolder(m_folder).ok());
    QVERIFY(loaded.wait(10000));
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("date"), QStringLiteral("banana"),
                                              QStringLiteral("cherry"), QStringLiteral("Apple")}));
    const QPersistentModelIndex selected = model.index(2, MessageListModel::Subject);  // cherry
    model.sort(MessageListModel::Subject, Qt::AscendingOrder);
    // The old order stays until the new one is in.
    QCOMPARE(model.index(0, MessageListModel::Subject).data().toString(), QStringLiteral("date"));
    QVERIFY(loaded.wait(10000));
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("Apple"), QStringLiteral("banana"),
                                              QStringLiteral("cherry"), QStringLiteral("date")}));
    QCOMPARE(selected.row(), 2);
    QCOMPARE(selected.data().toString(), QStringLiteral("cherry"));
}

void TestMessageListModel::manyScatteredChangesKeepTheOrder()
{
    // More rows than one block of the id list holds, so insertions and removals cross blocks.
    const int count = 10000;
    for (int first = 1; first <= count; first += 2000) {
        Store::SyncBatch batch;
        for (int i = first; i < first + 2000; ++i)
            batch.messages.append(message(quint32(i), QStringLiteral("m%1").arg(i), qint64(i) * 60));
        apply(batch);
    }
    MessageListModel model(*m_db);
    QVERIFY(model.setFolder(m_folder).ok());
    QCOMPARE(model.rowCount(), count);

    // Every tenth message expunged, then 5,000 new ones between the others: the order holds.
    Store::SyncBatch removed;
    QList<quint32> gone;
    for (quint32 uid = 5; uid <= quint32(count); uid += 10)
        gone.append(uid);
    removed.removedUids = UidSet::fromValues(gone);
    apply(removed);
    QCOMPARE(model.rowCount(), count - int(gone.size()));
    Store::SyncBatch arrived;
    for (int i = 0; i < 5000; ++i)
        arrived.messages.append(message(quint32(count + 1 + i), QStringLiteral("n%1").arg(i), qint64(i) * 120 + 30));
    apply(arrived);
    QCOMPARE(model.rowCount(), count - int(gone.size()) + 5000);

    Store::MessageStore store(*m_db);
    QDateTime previous;
    for (int row = 0; row < model.rowCount(); row += 7) {
        auto stored = store.message(model.messageId(row));
        QVERIFY(stored.ok());
        if (previous.isValid())
            QVERIFY2(stored->date <= previous, qPrintable(QStringLiteral("row %1").arg(row)));
        previous = stored->date;
    }
    QCOMPARE(model.rowOf(model.messageId(12345)), 12345);

    // A range of rows across blocks (what a big selection reads) is the rows' ids in order.
    const QList<qint64> range = model.messageIds(3000, 9500);
    QCOMPARE(range.size(), 6501);
    for (int row = 3000; row <= 9500; row += 250)
        QCOMPARE(range.at(row - 3000), model.messageId(row));
    QCOMPARE(range.constLast(), model.messageId(9500));
    QCOMPARE(model.messageIds(model.rowCount() - 2, model.rowCount() + 5).size(), 2);  // clipped at the end
    QVERIFY(model.messageIds(5, 4).isEmpty());
    QCOMPARE(model.messageId(model.rowCount()), 0);  // past the end
}

void TestMessageListModel::searchResultsTakeNoNewRows()
{
    const QList<qint64> all = applyOneTwoThree();
    MessageListModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.setMessages({all.at(0), all.at(2)}).ok());
    QVERIFY(model.showsSearchResults());
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("three"), QStringLiteral("one")}));
    Store::SyncBatch more;
    more.messages = {message(4, QStringLiteral("four"), 400)};
    more.removedUids = UidSet::fromValues(QList<quint32>{1});
    apply(more);
    QCOMPARE(subjects(model), QList<QString>{QStringLiteral("three")});
}

void TestMessageListModel::serverHitsJoinTheSearchResults()
{
    const QList<qint64> all = applyOneTwoThree();
    MessageListModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addMessages(all);  // no search shown: nothing to add to
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.setMessages({all.at(0), all.at(2)}).ok());

    // The server's answers arrive later and take their place in the order.
    auto hits = Store::FolderStore(*m_db).storeServerHits(
            m_otherFolder, {message(7, QStringLiteral("hit-old"), 50), message(8, QStringLiteral("hit-mid"), 250)});
    QVERIFY(hits.ok());
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("three"), QStringLiteral("one")}));
    model.addMessages(*hits + QList<qint64>{all.at(0), hits->at(0)});  // some shown already, one twice
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("three"), QStringLiteral("hit-mid"), QStringLiteral("one"),
                                              QStringLiteral("hit-old")}));
    const QModelIndex hit = model.index(1, MessageListModel::Subject);
    const QModelIndex local = model.index(0, MessageListModel::Subject);
    QVERIFY(hit.data(MessageListModel::ServerHitRole).toBool());
    QVERIFY(!local.data(MessageListModel::ServerHitRole).toBool());
    QVERIFY(hit.data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(!local.data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(hit.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Found on the server")));
    QVERIFY(model.index(1, MessageListModel::Correspondent)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .startsWith(QStringLiteral("Sender 8 <s8@example.org>\n")));
    QVERIFY(local.data(Qt::ToolTipRole).isNull());

    // Sorting keeps them; the end of the search takes them away.
    model.sort(MessageListModel::Subject, Qt::AscendingOrder);
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("hit-mid"), QStringLiteral("hit-old"),
                                              QStringLiteral("one"), QStringLiteral("three")}));
    QCOMPARE(*Store::FolderStore(*m_db).dropServerHits(), 2);
    QCOMPARE(subjects(model), (QList<QString>{QStringLiteral("one"), QStringLiteral("three")}));
}

void TestMessageListModel::findsUnreadRowsInSql()
{
    Store::SyncBatch batch;
    for (int i = 1; i <= 6; ++i) {
        Store::MessageMetadata m = message(quint32(i), QStringLiteral("m%1").arg(i), i * 60);
        if (i != 2 && i != 5)
            m.flags.bits = Store::MessageFlags::Seen;
        batch.messages.append(m);
    }
    apply(batch);
    MessageListModel model(*m_db);
    QVERIFY(model.setFolder(m_folder).ok());
    // Rows, newest first: m6 m5 m4 m3 m2 m1; unread m5 (row 1) and m2 (row 4).
    QCOMPARE(model.findUnread(-1), 1);
    QCOMPARE(model.findUnread(1), 4);
    QCOMPARE(model.findUnread(4), -1);
    QCOMPARE(model.findUnread(4, true), 1);
    QCOMPARE(model.findUnread(1, true), -1);
    QCOMPARE(model.findUnread(-1, true), 4);
    model.sort(MessageListModel::Date, Qt::AscendingOrder);  // m1 .. m6
    QCOMPARE(model.findUnread(-1), 1);
    QCOMPARE(model.findUnread(1), 4);
}

QTEST_MAIN(TestMessageListModel)
#include "tst_messagelistmodel.moc"
