// SPDX-License-Identifier: GPL-3.0-or-later
// The batch writer: sync batches applied on a thread of its own, in order, outcomes reported on
// the owner's thread; a failed batch stops the later ones of its sequence; receivers that are
// gone get nothing, and the writer finishes what it was given before it is destroyed.
#include "store/accountstore.h"
#include "store/batchwriter.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/storenotifier.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Heron;
using namespace Heron::Store;

namespace {

constexpr int kTimeoutMs = 10000;

SyncBatch batchOf(quint32 fromUid, quint32 toUid, quint32 uidValidity, FolderSyncPoint point)
{
    SyncBatch batch;
    batch.uidValidity = uidValidity;
    for (quint32 uid = toUid; uid >= fromUid; --uid) {
        MessageMetadata m;
        m.uid = uid;
        m.subject = QStringLiteral("message %1").arg(uid);
        m.from = {{QStringLiteral("Alice"), QStringLiteral("alice@example.org")}};
        m.internalDate = QDateTime::fromSecsSinceEpoch(1700000000 + uid, Qt::UTC);
        m.size = 100 + uid;
        batch.messages.append(m);
    }
    batch.syncPoint = point;
    return batch;
}

}  // namespace

class TestBatchWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void appliesInOrderOnItsThread();
    void failedBatchStopsItsSequence();
    void goneReceiverGetsNothing();
    void destructorFinishesWhatWasGiven();

private:
    FolderRecord folder() const { return *FolderStore(*m_db).folder(m_folder); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    qint64 m_folder = 0;
    qint64 m_otherFolder = 0;
};

void TestBatchWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto opened = Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY(opened.ok());
    m_db = std::move(opened.value());
    auto account = AccountStore(*m_db).add(QStringLiteral("a"), QStringLiteral("A"));
    QVERIFY(account.ok());
    FolderListing inbox;
    inbox.path = QStringLiteral("INBOX");
    FolderListing archive;
    archive.path = QStringLiteral("Archive");
    auto ids = FolderStore(*m_db).upsertFolders(*account, {inbox, archive});
    QVERIFY(ids.ok());
    m_folder = ids->at(0);
    m_otherFolder = ids->at(1);
    for (qint64 id : {m_folder, m_otherFolder})
        QVERIFY(FolderStore(*m_db).resetForUidValidity(id, 7).ok());
}

void TestBatchWriter::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestBatchWriter::appliesInOrderOnItsThread()
{
    BatchWriter writer(*m_db);
    const auto sequence = BatchWriter::newSequence();
    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    QList<int> order;
    QList<qsizetype> insertedIds;
    QList<QThread *> threads;
    // Newest first, each batch moving the point down; ten batches queued before any is done.
    for (int b = 0; b < 10; ++b) {
        const quint32 top = 1000 - quint32(b) * 100;
        writer.apply(sequence, m_folder, batchOf(top - 99, top, 7, FolderSyncPoint{1001, 0, top - 99, 1000}), this,
                     [&, b](const Result<SyncBatchOutcome> &outcome) {
                         QVERIFY(outcome.ok());
                         order.append(b);
                         insertedIds.append(outcome->insertedIds.size());
                         threads.append(QThread::currentThread());
                         // This batch is committed when its outcome arrives (later ones may be too).
                         QVERIFY(folder().state.syncedDownTo <= 1000 - quint32(b) * 100 - 99);
                     });
    }
    QCOMPARE(writer.pending(), 10);
    QVERIFY(QTest::qWaitFor([&] { return order.size() == 10; }, kTimeoutMs));
    QCOMPARE(order, (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    QCOMPARE(insertedIds, QList<qsizetype>(10, 100));
    QCOMPARE(threads, QList<QThread *>(10, QThread::currentThread()));
    QCOMPARE(writer.pending(), 0);
    QCOMPARE(folder().messageCount, 1000);
    QCOMPARE(folder().state.syncedDownTo, 1u);
    // The notices were sent from the writer's thread and reached this one queued.
    QCOMPARE(inserted.size(), 10);
}

void TestBatchWriter::failedBatchStopsItsSequence()
{
    BatchWriter writer(*m_db);
    const auto broken = BatchWriter::newSequence();
    const auto other = BatchWriter::newSequence();
    QList<bool> results;
    QStringList errors;
    const auto record = [&](const Result<SyncBatchOutcome> &outcome) {
        results.append(outcome.ok());
        errors.append(outcome.ok() ? QString() : outcome.error().message);
    };
    writer.apply(broken, m_folder, batchOf(91, 100, 7, FolderSyncPoint{101, 0, 91, 100}), this, record);
    // Computed for another UIDVALIDITY: refused, and the batch after it must not land either,
    // although it would apply on its own: its point would claim the refused batch's UIDs.
    writer.apply(broken, m_folder, batchOf(81, 90, 8, FolderSyncPoint{101, 0, 81, 100}), this, record);
    writer.apply(broken, m_folder, batchOf(71, 80, 7, FolderSyncPoint{101, 0, 71, 100}), this, record);
    // Another sequence goes on.
    writer.apply(other, m_otherFolder, batchOf(1, 10, 7, FolderSyncPoint{11, 0, 1, 10}), this, record);
    QVERIFY(QTest::qWaitFor([&] { return results.size() == 4; }, kTimeoutMs));
    QCOMPARE(results, (QList<bool>{true, false, false, true}));
    QVERIFY2(errors.at(1).contains(QStringLiteral("UIDVALIDITY")), qPrintable(errors.at(1)));
    QVERIFY2(errors.at(2).contains(QStringLiteral("one before it failed")), qPrintable(errors.at(2)));
    QCOMPARE(folder().messageCount, 10);
    QCOMPARE(folder().state.syncedDownTo, 91u);
    QCOMPARE(FolderStore(*m_db).folder(m_otherFolder)->messageCount, 10);
}

void TestBatchWriter::goneReceiverGetsNothing()
{
    BatchWriter writer(*m_db);
    int called = 0;
    auto *receiver = new QObject;
    writer.apply(BatchWriter::newSequence(), m_folder, batchOf(1, 5, 7, FolderSyncPoint{6, 0, 1, 5}), receiver,
                 [&](const Result<SyncBatchOutcome> &) { ++called; });
    delete receiver;
    bool later = false;
    writer.apply(BatchWriter::newSequence(), m_otherFolder, batchOf(1, 1, 7, FolderSyncPoint{2, 0, 1, 1}), this,
                 [&](const Result<SyncBatchOutcome> &) { later = true; });
    QVERIFY(QTest::qWaitFor([&] { return later; }, kTimeoutMs));
    QCOMPARE(called, 0);
    QCOMPARE(writer.pending(), 0);
    // Written all the same: the batch was whole and consistent.
    QCOMPARE(folder().messageCount, 5);
}

void TestBatchWriter::destructorFinishesWhatWasGiven()
{
    bool called = false;
    {
        BatchWriter writer(*m_db);
        writer.apply(BatchWriter::newSequence(), m_folder, batchOf(1, 1500, 7, FolderSyncPoint{1501, 0, 1, 1500}),
                     this, [&](const Result<SyncBatchOutcome> &) { called = true; });
    }
    QCOMPARE(folder().messageCount, 1500);
    QCOMPARE(folder().state.syncedDownTo, 1u);
    QCoreApplication::processEvents();
    QVERIFY(!called);
}

QTEST_GUILESS_MAIN(TestBatchWriter)
#include "tst_batchwriter.moc"
