// SPDX-License-Identifier: GPL-3.0-or-later
// Folder and message stores: sync batches in bounded transactions, the folder-state invariant
// under failure, change notices after commit, flags, removals, UIDVALIDITY reset, full-text
// search, local changes journaled atomically, the content-cache index.
#include "store/accountstore.h"
#include "store/contentindex.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagerows.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"

#include <QSet>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using namespace Heron::Store;

using Ids = QList<qint64>;

namespace {

MessageMetadata message(quint32 uid, const QString &subject = QStringLiteral("hello"))
{
    MessageMetadata m;
    m.uid = uid;
    m.modSeq = uid;
    m.subject = subject;
    m.from = {{QStringLiteral("Alice Example"), QStringLiteral("alice@example.org")}};
    m.to = {{QString(), QStringLiteral("bob@example.net")}};
    m.date = QDateTime::fromSecsSinceEpoch(1700000000 + uid, Qt::UTC);
    m.internalDate = m.date.addSecs(5);
    m.size = 2000 + uid;
    return m;
}

QSet<qint64> idsOf(const QSignalSpy &spy, int argument = 1)
{
    QSet<qint64> ids;
    for (const QList<QVariant> &emission : spy) {
        const Ids list = emission.at(argument).value<Ids>();
        ids.unite(QSet<qint64>(list.cbegin(), list.cend()));
    }
    return ids;
}

bool ftsConsistent(Database &db)
{
    auto checked = MessageStore(db).checkIndexes();
    if (!checked.ok())
        qWarning() << checked.error().message;
    return checked.ok();
}

qint64 scalarOf(Database &db, const QString &sql)
{
    QSqlQuery query(db.connection());
    if (!query.exec(sql) || !query.next()) {
        qWarning() << sql << query.lastError().text();
        return -1;
    }
    return query.value(0).toLongLong();
}

}  // namespace

class TestMessageStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void messageRoundTrips();
    void fiveThousandMessagesTakeThreeTransactions();
    void failedTransactionLeavesFolderStateBehind();
    void scatteredRemovalsSpanChunksAndTransactions();
    void failedSingleTransactionWritesNothing();
    void noticesFollowCommitWithTheRightIds();
    void flagChangesAndRemovalsByUid();
    void removedUidWinsOverFetchedMessage();
    void fetchedAgainReplacesTheRowInPlace();
    void staleUidValidityBatchIsRefused();
    void uidValidityResetDropsMessagesAndParksOperations();
    void searchFindsSubjectAddressAndBody_data();
    void searchFindsSubjectAddressAndBody();
    void searchFollowsUpdatesAndRemovals();
    void newMessagesWaitForTheSearchIndex();
    void messageIdsAreKeyedWhenIdle();
    void waitingAddressesAreIndexedAsTheViewHasThem();
    void badSearchExpressionIsAnError();
    void localChangeAndJournalCommitTogether();
    void journalKeepsOrderAndStates();
    void contentIndexTracksUse();
    void syncQueriesAndFolderState();
    void accountSettingsAndRename();
    void serverHitsStayOutOfTheSyncUntilDropped();
    void selectionLookupsSpanStatements();
    void droppingManyServerHitsTakesSeveralTransactions();
    void storedAmongTakesRangesAndManySingles();
    void removalsOfSingleUidsAtTheStatementLimit_data();
    void removalsOfSingleUidsAtTheStatementLimit();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    qint64 m_account = 0;
    qint64 m_folder = 0;
};

void TestMessageStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = Database::open(m_dir->filePath(QStringLiteral("heron.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    m_db = std::move(opened.value());
    auto account = AccountStore(*m_db).add(QStringLiteral("acct"), QStringLiteral("Alice"));
    QVERIFY2(account.ok(), qPrintable(account.ok() ? QString() : account.error().message));
    m_account = *account;
    auto folders = FolderStore(*m_db).upsertFolders(m_account, {{QStringLiteral("INBOX"), QStringLiteral("/")}});
    QVERIFY2(folders.ok(), qPrintable(folders.ok() ? QString() : folders.error().message));
    m_folder = folders->at(0);
}

void TestMessageStore::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestMessageStore::messageRoundTrips()
{
    MessageMetadata m = message(7, QStringLiteral("Grüße aus Köln"));
    m.flags = MessageFlags::fromStrings({QStringLiteral("\\seen"), QStringLiteral("$Label1"),
                                         QStringLiteral("\\Recent"), QStringLiteral("$Forwarded"),
                                         QStringLiteral("\\Flagged")});
    m.sender = {{QStringLiteral("List Robot"), QStringLiteral("robot@lists.example.org")}};
    // Quotes, a backslash and control characters must survive the stored JSON.
    m.replyTo = {{QStringLiteral("Team, \"Ops\" \\ desk\t\x01"), QStringLiteral("ops@example.org")}};
    m.cc = {{QStringLiteral("Carol \U0001F426 Ødegård"), QStringLiteral("carol@example.org")},
            {QStringLiteral("Dan"), QStringLiteral("dan@example.org")}};
    m.bcc = {{QString(), QStringLiteral("eve@example.org")}};
    m.messageId = QStringLiteral("<a@example.org>");
    m.inReplyTo = QStringLiteral("<b@example.org>");
    m.references = {QStringLiteral("<c@example.org>"), QStringLiteral("<b@example.org>")};
    m.listId = QStringLiteral("dev.lists.example.org");
    m.bodyStructure = QByteArrayLiteral("{\"type\":\"multipart/mixed\"}");
    m.parts = {{QStringLiteral("1"), QStringLiteral("text/plain"), QStringLiteral("utf-8"), QStringLiteral("7bit"),
                QString(), QString(), QString(), 5'000'000'000, false},
               {QStringLiteral("2"), QStringLiteral("image/png"), QString(), QStringLiteral("base64"),
                QStringLiteral("attachment"), QStringLiteral("Zeichnung \"ä\" \\\t.png"), QStringLiteral("<img1>"),
                4096, true}};
    m.hasAttachments = true;
    QCOMPARE(m.flags.bits, quint32(MessageFlags::Seen | MessageFlags::Flagged));
    QCOMPARE(m.flags.keywords, (QStringList{QStringLiteral("$Forwarded"), QStringLiteral("$Label1")}));

    SyncBatch batch;
    batch.messages = {m};
    auto applied = FolderStore(*m_db).applySyncBatch(m_folder, batch);
    QVERIFY2(applied.ok(), qPrintable(applied.ok() ? QString() : applied.error().message));
    MessageStore messages(*m_db);
    const qint64 id = *messages.idForUid(m_folder, 7);
    QVERIFY(id > 0);
    auto stored = messages.message(id);
    QVERIFY(stored.ok());
    m.id = id;
    m.folderId = m_folder;
    QCOMPARE(stored->subject, m.subject);
    QCOMPARE(stored->cc, m.cc);
    QCOMPARE(stored->parts, m.parts);
    QCOMPARE(stored->flags, m.flags);
    QCOMPARE(stored->date, m.date);
    QVERIFY(*stored == m);
    QSqlQuery valid(m_db->connection());
    QVERIFY(valid.exec(QStringLiteral("SELECT json_valid(reply_to_addrs), json_extract(reply_to_addrs, '$[0].n') "
                                      "FROM messages")));
    QVERIFY(valid.next());
    QCOMPARE(valid.value(0).toInt(), 1);
    QCOMPARE(valid.value(1).toString(), m.replyTo.constFirst().name);
    QVERIFY(ftsConsistent(*m_db));
}

void TestMessageStore::fiveThousandMessagesTakeThreeTransactions()
{
    SyncBatch batch;
    for (quint32 uid = 5000; uid >= 1; --uid)  // newest first, as the sync fetches
        batch.messages.append(message(uid));
    batch.syncPoint = FolderSyncPoint{5001, 9000, 1};
    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    const quint64 commits = m_db->commitCount();

    auto outcome = FolderStore(*m_db).applySyncBatch(m_folder, batch);
    QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
    QCOMPARE(m_db->commitCount() - commits, quint64(3));
    QCOMPARE(outcome->transactions, 3);
    QCOMPARE(outcome->inserted, 5000);
    QCOMPARE(inserted.size(), 3);
    QCOMPARE(inserted.at(0).at(1).value<Ids>().size(), 2000);
    QCOMPARE(inserted.at(2).at(1).value<Ids>().size(), 1000);
    const auto all = MessageStore(*m_db).messageIds(m_folder);
    QCOMPARE(idsOf(inserted), QSet<qint64>(all->cbegin(), all->cend()));

    const FolderRecord folder = *FolderStore(*m_db).folder(m_folder);
    QCOMPARE(folder.messageCount, 5000);
    QCOMPARE(folder.unreadCount, 5000);
    QCOMPARE(folder.state.uidNext, 5001u);
    QCOMPARE(folder.state.highestModSeq, quint64(9000));
    QCOMPARE(folder.state.syncedDownTo, 1u);
}

// Removals are written kRemoveChunk ids per statement: 2,600 scattered UIDs removed with 300 flag
// changes cross chunk and transaction boundaries, with shorter last chunks; counts, parts, the
// search index and the notices all follow.
void TestMessageStore::scatteredRemovalsSpanChunksAndTransactions()
{
    FolderStore folders(*m_db);
    SyncBatch initial;
    for (quint32 uid = 4000; uid >= 1; --uid) {
        MessageMetadata m = message(uid);
        if (uid % 3 == 0)
            m.flags.bits = MessageFlags::Seen;
        MessagePart part;
        part.section = QStringLiteral("2");
        part.mimeType = QStringLiteral("application/pdf");
        part.fileName = QStringLiteral("file %1.pdf").arg(uid);
        part.isAttachment = true;
        m.parts = {part};
        initial.messages.append(m);
    }
    QVERIFY(folders.applySyncBatch(m_folder, initial).ok());
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT sum(json_array_length(parts)) FROM messages")), 4000);

    SyncBatch changes;
    QSet<quint32> removedUids;
    for (quint32 uid = 1; uid <= 4000 && removedUids.size() < 2600; ++uid) {
        if (uid % 3 != 1) {
            changes.removedUids.add(uid);
            removedUids.insert(uid);
        }
    }
    // The first 300 messages left change their \Seen flag; the rest keep theirs.
    int unreadLeft = 0;
    for (quint32 uid = 1; uid <= 4000; ++uid) {
        if (removedUids.contains(uid))
            continue;
        bool seen = uid % 3 == 0;
        if (changes.flagChanges.size() < 300) {
            seen = !seen;
            FlagChange change;
            change.uid = uid;
            change.flags.bits = seen ? quint32(MessageFlags::Seen) : 0u;
            change.modSeq = 9000 + uid;
            changes.flagChanges.append(change);
        }
        if (!seen)
            ++unreadLeft;
    }
    QSignalSpy removed(m_db->notifier(), &StoreNotifier::messagesRemoved);
    auto outcome = folders.applySyncBatch(m_folder, changes);
    QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().message));
    QCOMPARE(outcome->removed, 2600);
    QCOMPARE(outcome->transactions, 2);
    QCOMPARE(idsOf(removed).size(), 2600);

    const FolderRecord folder = *folders.folder(m_folder);
    QCOMPARE(folder.messageCount, 4000 - 2600);
    QCOMPARE(folder.unreadCount, unreadLeft);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM messages")), 1400);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM messages WHERE (flags & 1) = 0")), unreadLeft);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT sum(json_array_length(parts)) FROM messages")), 1400);
    QList<quint32> left;
    for (quint32 uid = 1; uid <= 4000; ++uid) {
        if (!removedUids.contains(uid))
            left.append(uid);
    }
    QCOMPARE(MessageStore(*m_db).uids(m_folder, 1, 4000)->count(), quint64(left.size()));
    QVERIFY(MessageStore(*m_db).uids(m_folder, 1, 4000)->contains(left.constLast()));
    QVERIFY(ftsConsistent(*m_db));
}

// A constraint violation in the second of three transactions: the first stays (its rows are
// harmless without the state), the second is rolled back, and the state does not move.
void TestMessageStore::failedTransactionLeavesFolderStateBehind()
{
    FolderStore folders(*m_db);
    SyncBatch first;
    first.messages = {message(1), message(2)};
    first.syncPoint = FolderSyncPoint{100, 50, 1};
    QVERIFY(folders.applySyncBatch(m_folder, first).ok());

    SyncBatch batch;
    for (quint32 uid = 100; uid < 5100; ++uid)
        batch.messages.append(message(uid));
    batch.messages[3000].uid = 0;  // violates CHECK (uid BETWEEN 1 AND 4294967295)
    batch.syncPoint = FolderSyncPoint{5100, 7777, 1};
    batch.incrementalRoundFinished = QDateTime::currentDateTimeUtc();
    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    const quint64 commits = m_db->commitCount();

    auto failed = folders.applySyncBatch(m_folder, batch);
    QVERIFY(!failed.ok());
    QVERIFY2(failed.error().message.contains(QStringLiteral("transaction 2 of 3")), qPrintable(failed.error().message));
    QCOMPARE(m_db->commitCount() - commits, quint64(1));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).value<Ids>().size(), 2000);

    FolderRecord folder = *folders.folder(m_folder);
    QCOMPARE(folder.state.uidNext, 100u);
    QCOMPARE(folder.state.highestModSeq, quint64(50));
    QVERIFY(!folder.lastIncrementalSync.isValid());
    QCOMPARE(folder.messageCount, 2 + 2000);

    // Applying the corrected batch again converges: first rows are replaced, not duplicated.
    batch.messages[3000].uid = 3100;
    auto retried = folders.applySyncBatch(m_folder, batch);
    QVERIFY(retried.ok());
    QCOMPARE(retried->inserted, 3000);
    QCOMPARE(retried->changed, 2000);
    folder = *folders.folder(m_folder);
    QCOMPARE(folder.state.uidNext, 5100u);
    QCOMPARE(folder.state.highestModSeq, quint64(7777));
    QVERIFY(folder.lastIncrementalSync.isValid());
    QCOMPARE(folder.messageCount, 5002);
}

void TestMessageStore::failedSingleTransactionWritesNothing()
{
    FolderStore folders(*m_db);
    SyncBatch batch;
    batch.messages = {message(10), message(11), message(0), message(12)};
    batch.syncPoint = FolderSyncPoint{13, 1, 10};
    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    QSignalSpy foldersChanged(m_db->notifier(), &StoreNotifier::foldersChanged);
    QVERIFY(!folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(foldersChanged.size(), 0);
    const FolderRecord folder = *folders.folder(m_folder);
    QCOMPARE(folder.messageCount, 0);
    QCOMPARE(folder.state, (FolderState{0, 0, 0, 0}));
}

void TestMessageStore::noticesFollowCommitWithTheRightIds()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    bool seenInsideTransaction = false;
    int visibleRows = -1;
    QObject::connect(m_db->notifier(), &StoreNotifier::messagesInserted, this, [&](qint64, const Ids &) {
        // A BEGIN succeeds only when no transaction is open on this thread's connection.
        QSqlQuery query(m_db->connection());
        seenInsideTransaction = !query.exec(QStringLiteral("BEGIN"));
        query.exec(QStringLiteral("SELECT count(*) FROM messages"));
        query.next();
        visibleRows = query.value(0).toInt();
        query.finish();
        query.exec(QStringLiteral("COMMIT"));
    });
    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    QSignalSpy changed(m_db->notifier(), &StoreNotifier::messagesChanged);
    QSignalSpy removed(m_db->notifier(), &StoreNotifier::messagesRemoved);
    QSignalSpy foldersChanged(m_db->notifier(), &StoreNotifier::foldersChanged);

    SyncBatch batch;
    batch.messages = {message(1), message(2), message(3)};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QVERIFY(!seenInsideTransaction);
    QCOMPARE(visibleRows, 3);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(0).toLongLong(), m_folder);
    const qint64 id1 = *messages.idForUid(m_folder, 1);
    const qint64 id2 = *messages.idForUid(m_folder, 2);
    const qint64 id3 = *messages.idForUid(m_folder, 3);
    QCOMPARE(inserted.at(0).at(1).value<Ids>(), (Ids{id1, id2, id3}));
    QCOMPARE(foldersChanged.size(), 1);
    QCOMPARE(foldersChanged.at(0).at(0).value<Ids>(), Ids{m_folder});

    SyncBatch update;
    update.flagChanges = {{1, MessageFlags{MessageFlags::Seen, {}}, 10},
                          {2, MessageFlags{}, 11},                          // unchanged flags: no notice
                          {99, MessageFlags{MessageFlags::Seen, {}}, 12}};  // not stored: ignored
    update.removedUids = UidSet::fromValues(QList<quint32>{3});
    QVERIFY(folders.applySyncBatch(m_folder, update).ok());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(1).value<Ids>(), Ids{id1});
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(0).toLongLong(), m_folder);
    QCOMPARE(removed.at(0).at(1).value<Ids>(), Ids{id3});
    QCOMPARE(inserted.size(), 1);
}

void TestMessageStore::flagChangesAndRemovalsByUid()
{
    FolderStore folders(*m_db);
    SyncBatch batch;
    for (quint32 uid = 1; uid <= 20; ++uid)
        batch.messages.append(message(uid));
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(folders.folder(m_folder)->unreadCount, 20);

    SyncBatch update;
    update.flagChanges = {{4, MessageFlags::fromStrings({QStringLiteral("\\Seen"), QStringLiteral("$Work")}), 30},
                          {5, MessageFlags::fromStrings({QStringLiteral("\\Seen")}), 31}};
    update.removedUids = *UidSet::parse("10:12,15,18:*");
    update.syncPoint = FolderSyncPoint{21, 31, 1};
    auto outcome = folders.applySyncBatch(m_folder, update);
    QVERIFY(outcome.ok());
    QCOMPARE(outcome->changed, 2);
    QCOMPARE(outcome->removed, 7);
    const FolderRecord folder = *folders.folder(m_folder);
    QCOMPARE(folder.messageCount, 13);
    QCOMPARE(folder.unreadCount, 11);
    auto flags = MessageStore(*m_db).flagsByUid(m_folder);
    QVERIFY(flags.ok());
    QCOMPARE(flags->size(), 13);
    QVERIFY(!flags->contains(19));
    QCOMPARE(flags->value(4).keywords, QStringList{QStringLiteral("$Work")});
    QVERIFY(flags->value(5).has(MessageFlags::Seen));
    QCOMPARE(MessageStore(*m_db).message(*MessageStore(*m_db).idForUid(m_folder, 4))->modSeq, quint64(30));
}

void TestMessageStore::removedUidWinsOverFetchedMessage()
{
    SyncBatch batch;
    batch.messages = {message(1), message(2)};
    batch.removedUids = UidSet::fromValues(QList<quint32>{2});
    QVERIFY(FolderStore(*m_db).applySyncBatch(m_folder, batch).ok());
    QCOMPARE(*MessageStore(*m_db).idForUid(m_folder, 2), qint64(0));
    QVERIFY(*MessageStore(*m_db).idForUid(m_folder, 1) > 0);
}

// The writer inserts first and updates the row of a UID already stored: same id, new content,
// counts moved once, and a new UID beside it in the same batch still inserted.
void TestMessageStore::fetchedAgainReplacesTheRowInPlace()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    SyncBatch first;
    first.messages = {message(7, QStringLiteral("first"))};
    QVERIFY(folders.applySyncBatch(m_folder, first).ok());
    const qint64 id = *messages.idForUid(m_folder, 7);
    QVERIFY(id > 0);
    const int storedBefore = folders.folder(m_folder)->messageCount;
    const int unreadBefore = folders.folder(m_folder)->unreadCount;

    SyncBatch again;
    MessageMetadata changed = message(7, QStringLiteral("second"));
    changed.flags = MessageFlags::fromStrings({QStringLiteral("\\Seen"), QStringLiteral("$Later")});
    changed.messageId = QStringLiteral("<again@example.org>");
    again.messages = {changed, message(8, QStringLiteral("beside"))};
    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    QSignalSpy changedSpy(m_db->notifier(), &StoreNotifier::messagesChanged);
    auto outcome = folders.applySyncBatch(m_folder, again);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->inserted, 1);
    QCOMPARE(outcome->changed, 1);
    QCOMPARE(*messages.idForUid(m_folder, 7), id);
    QCOMPARE(idsOf(changedSpy), QSet<qint64>{id});
    QCOMPARE(idsOf(inserted), QSet<qint64>{*messages.idForUid(m_folder, 8)});

    const auto stored = messages.message(id);
    QVERIFY(stored.ok());
    QCOMPARE(stored->subject, QStringLiteral("second"));
    QVERIFY(stored->flags.has(MessageFlags::Seen));
    QCOMPARE(stored->flags.keywords, QStringList{QStringLiteral("$Later")});
    QCOMPARE(messages.idsForMessageId(m_account, QStringLiteral("<again@example.org>")).value(), Ids{id});
    // One new row, unread; the replaced one is counted once, and is read now.
    QCOMPARE(folders.folder(m_folder)->messageCount, storedBefore + 1);
    QCOMPARE(folders.folder(m_folder)->unreadCount, unreadBefore - 1 + 1);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM messages WHERE uid = 7")), 1);
    QVERIFY(ftsConsistent(*m_db));
}

void TestMessageStore::staleUidValidityBatchIsRefused()
{
    FolderStore folders(*m_db);
    QVERIFY(folders.resetForUidValidity(m_folder, 77).ok());
    SyncBatch batch;
    batch.uidValidity = 76;
    batch.messages = {message(1)};
    QVERIFY(!folders.applySyncBatch(m_folder, batch).ok());
    batch.uidValidity = 77;
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
}

void TestMessageStore::uidValidityResetDropsMessagesAndParksOperations()
{
    FolderStore folders(*m_db);
    QVERIFY(folders.resetForUidValidity(m_folder, 1).ok());
    SyncBatch batch;
    for (quint32 uid = 1; uid <= 4500; ++uid)
        batch.messages.append(message(uid));
    batch.syncPoint = FolderSyncPoint{4501, 100, 1};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    OperationJournal journal(*m_db);
    Operation flag;
    flag.accountId = m_account;
    flag.folderId = m_folder;
    const qint64 flagOp = *journal.append(flag);
    Operation append = flag;
    append.kind = Operation::Kind::Append;
    const qint64 appendOp = *journal.append(append);
    QVERIFY(ContentIndex(*m_db)
                    .record({QStringLiteral("k1"), m_account, m_folder, 1, 5, QStringLiteral("1"), 10, {}})
                    .ok());

    QSignalSpy removed(m_db->notifier(), &StoreNotifier::messagesRemoved);
    auto keys = folders.resetForUidValidity(m_folder, 2);
    QVERIFY(keys.ok());
    QCOMPARE(*keys, QStringList{QStringLiteral("k1")});
    QCOMPARE(idsOf(removed).size(), 4500);
    const FolderRecord folder = *folders.folder(m_folder);
    QCOMPARE(folder.state, (FolderState{2, 0, 0, 0}));
    QCOMPARE(folder.messageCount, 0);
    QCOMPARE(journal.operation(flagOp)->state, Operation::State::Parked);
    QCOMPARE(journal.operation(appendOp)->state, Operation::State::Pending);
    QVERIFY(ftsConsistent(*m_db));
}

void TestMessageStore::searchFindsSubjectAddressAndBody_data()
{
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QList<quint32>>("uids");

    QTest::newRow("subject word") << QStringLiteral("quarterly") << QList<quint32>{1};
    QTest::newRow("subject word, other case") << QStringLiteral("QUARTERLY") << QList<quint32>{1};
    QTest::newRow("name without diacritics") << QStringLiteral("muller") << QList<quint32>{1};
    QTest::newRow("name with diacritics") << QStringLiteral("Müller") << QList<quint32>{1};
    QTest::newRow("subject with diacritics") << QStringLiteral("creme") << QList<quint32>{2};
    QTest::newRow("address as phrase") << QStringLiteral("\"jm@example.de\"") << QList<quint32>{1};
    QTest::newRow("recipient domain") << QStringLiteral("\"example.net\"") << QList<quint32>{1, 2};
    QTest::newRow("prefix") << QStringLiteral("quart*") << QList<quint32>{1};
    QTest::newRow("column filter") << QStringLiteral("subject:report") << QList<quint32>{1};
    QTest::newRow("column filter excludes") << QStringLiteral("addresses:report") << QList<quint32>{};
    QTest::newRow("body text") << QStringLiteral("zebra") << QList<quint32>{2};
    QTest::newRow("no match") << QStringLiteral("nothinghere") << QList<quint32>{};
}

void TestMessageStore::searchFindsSubjectAddressAndBody()
{
    QFETCH(QString, expression);
    QFETCH(QList<quint32>, uids);

    MessageMetadata report = message(1, QStringLiteral("Quarterly report"));
    report.from = {{QStringLiteral("Jürgen Müller"), QStringLiteral("jm@example.de")}};
    MessageMetadata dessert = message(2, QStringLiteral("Crème brûlée on Friday"));
    SyncBatch batch;
    batch.messages = {report, dessert};
    QVERIFY(FolderStore(*m_db).applySyncBatch(m_folder, batch).ok());
    MessageStore messages(*m_db);
    QVERIFY(messages.setBodyText(*messages.idForUid(m_folder, 2), QStringLiteral("Meet at the zebra crossing")).ok());

    auto found = messages.search(expression);
    QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error().message));
    QSet<qint64> expected;
    for (quint32 uid : uids)
        expected.insert(*messages.idForUid(m_folder, uid));
    QCOMPARE(QSet<qint64>(found->cbegin(), found->cend()), expected);
    QVERIFY(ftsConsistent(*m_db));
}

// New messages wait in search_pending (migrations 9 and 10) until the store is idle or a search
// comes; whatever happens to them meanwhile, the index ends up as if they had gone in at once.
void TestMessageStore::newMessagesWaitForTheSearchIndex()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    const QString pending = QStringLiteral("SELECT count(*) FROM search_pending");
    const QString indexed = QStringLiteral("SELECT count(*) FROM message_search");
    SyncBatch batch;
    batch.messages = {message(1, QStringLiteral("original walrus")), message(2, QStringLiteral("second seal")),
                      message(3, QStringLiteral("third tern"))};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(scalarOf(*m_db, pending), 3);
    QCOMPARE(scalarOf(*m_db, indexed), 0);
    QVERIFY(ftsConsistent(*m_db));
    const qint64 id1 = *messages.idForUid(m_folder, 1);
    const qint64 id3 = *messages.idForUid(m_folder, 3);

    // Changed, removed and given a body while waiting.
    batch.messages = {message(1, QStringLiteral("renamed narwhal"))};
    batch.removedUids = UidSet::fromValues(QList<quint32>{2});
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(scalarOf(*m_db, pending), 2);
    QVERIFY(messages.setBodyText(id3, QStringLiteral("body puffin")).ok());
    QCOMPARE(scalarOf(*m_db, pending), 1);
    QVERIFY(ftsConsistent(*m_db));

    // A search indexes what waits first.
    QCOMPARE(*messages.search(QStringLiteral("narwhal")), Ids{id1});
    QCOMPARE(*messages.search(QStringLiteral("walrus OR seal")), Ids{});
    QCOMPARE(*messages.search(QStringLiteral("puffin")), Ids{id3});
    QCOMPARE(scalarOf(*m_db, pending), 0);
    QVERIFY(ftsConsistent(*m_db));

    // Idle indexing goes 2,000 messages to a transaction: past that, all go in as well.
    batch = {};
    for (quint32 uid = 10; uid < 10 + 2001; ++uid)
        batch.messages.append(message(uid, QStringLiteral("bulk %1").arg(uid)));
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(scalarOf(*m_db, pending), 2001);
    QCOMPARE(*messages.indexPendingSearch(), 2001);
    QCOMPARE(scalarOf(*m_db, pending), 0);
    QCOMPARE(*messages.indexPendingSearch(), 0);
    QCOMPARE(messages.search(QStringLiteral("bulk"), 5000)->size(), 2001);
    QVERIFY(ftsConsistent(*m_db));
}

// New messages get their row in message_ids (migration version 11) in the idle pass, not when
// they are written; a lookup finds them either way, and changes and removals keep the table exact.
void TestMessageStore::messageIdsAreKeyedWhenIdle()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    auto sent = folders.upsertFolders(m_account, {{QStringLiteral("Sent"), QStringLiteral("/")}});
    QVERIFY(sent.ok());
    const qint64 sentFolder = sent->constFirst();
    const auto withId = [](quint32 uid, const QString &messageId) {
        MessageMetadata m = message(uid);
        m.messageId = messageId;
        return m;
    };
    const auto lookup = [&](const QString &messageId) {
        return messages.idsForMessageId(m_account, messageId).value();
    };
    const QString keyed = QStringLiteral("SELECT count(*) FROM message_ids");

    SyncBatch batch;
    batch.messages = {withId(1, QStringLiteral("<a@x>")), withId(2, QStringLiteral("<b@x>")), withId(3, QString())};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    batch.messages = {withId(1, QStringLiteral("<a@x>"))};  // the same message in Sent, newer
    batch.messages[0].internalDate = batch.messages[0].internalDate.addDays(1);
    QVERIFY(folders.applySyncBatch(sentFolder, batch).ok());
    const qint64 a = *messages.idForUid(m_folder, 1);
    const qint64 aSent = *messages.idForUid(sentFolder, 1);
    const qint64 b = *messages.idForUid(m_folder, 2);
    QCOMPARE(scalarOf(*m_db, keyed), 0);
    QCOMPARE(lookup(QStringLiteral("<a@x>")), (Ids{aSent, a}));
    QVERIFY(ftsConsistent(*m_db));

    // A waiting message's new Message-ID is found, its old one no more.
    batch.messages = {withId(2, QStringLiteral("<b2@x>"))};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(lookup(QStringLiteral("<b@x>")), Ids{});
    QCOMPARE(lookup(QStringLiteral("<b2@x>")), Ids{b});
    QVERIFY(ftsConsistent(*m_db));

    // Keyed ahead of the search index, then both.
    QVERIFY(messages.indexPendingMessageIds().ok());
    QCOMPARE(scalarOf(*m_db, keyed), 3);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM search_pending")), 4);
    QVERIFY(ftsConsistent(*m_db));
    QCOMPARE(*messages.indexPendingSearch(), 4);
    QCOMPARE(scalarOf(*m_db, keyed), 3);
    QCOMPARE(lookup(QStringLiteral("<b2@x>")), Ids{b});
    QCOMPARE(lookup(QStringLiteral("<a@x>")), (Ids{aSent, a}));

    // Changed once indexed: a new Message-ID, one taken away, one given.
    batch.messages = {withId(1, QStringLiteral("<a2@x>")), withId(2, QString()), withId(3, QStringLiteral("<c@x>"))};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(lookup(QStringLiteral("<a@x>")), Ids{aSent});
    QCOMPARE(lookup(QStringLiteral("<a2@x>")), Ids{a});
    QCOMPARE(lookup(QStringLiteral("<b2@x>")), Ids{});
    QCOMPARE(lookup(QStringLiteral("<c@x>")), Ids{*messages.idForUid(m_folder, 3)});
    QCOMPARE(scalarOf(*m_db, keyed), 3);
    QVERIFY(ftsConsistent(*m_db));

    // Removed by UID, and with the folder.
    batch = {};
    batch.removedUids = UidSet::fromValues(QList<quint32>{1});
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(lookup(QStringLiteral("<a2@x>")), Ids{});
    QCOMPARE(scalarOf(*m_db, keyed), 2);
    QVERIFY(ftsConsistent(*m_db));
    QVERIFY(folders.removeFolder(sentFolder).ok());
    QCOMPARE(lookup(QStringLiteral("<a@x>")), Ids{});
    QCOMPARE(scalarOf(*m_db, keyed), 1);
    QVERIFY(ftsConsistent(*m_db));

    // The check sees a missing row and a stray one.
    QSqlQuery query(m_db->connection());
    QVERIFY(query.exec(QStringLiteral("DELETE FROM message_ids")));
    auto checked = messages.checkIndexes();
    QVERIFY(!checked.ok());
    QVERIFY2(checked.error().message.contains(QStringLiteral("1 missing")), qPrintable(checked.error().message));
    QVERIFY(query.exec(QStringLiteral("INSERT INTO message_ids (msgid_key, id) SELECT msgid_key, id FROM messages "
                                      "WHERE msgid_key IS NOT NULL UNION ALL SELECT 7, 7")));
    checked = messages.checkIndexes();
    QVERIFY(!checked.ok());
    QVERIFY2(checked.error().message.contains(QStringLiteral("1 rows of no message")),
             qPrintable(checked.error().message));

    QVERIFY(query.exec(QStringLiteral("DELETE FROM message_ids WHERE id = 7")));
    QVERIFY(ftsConsistent(*m_db));

    // Removals spanning several DELETE chunks (MessageRows::Writer::kRemoveChunk) take their keys along.
    batch = {};
    for (quint32 uid = 100; uid < 700; ++uid)
        batch.messages.append(withId(uid, QStringLiteral("<bulk%1@x>").arg(uid)));
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(*messages.indexPendingSearch(), 600);
    QCOMPARE(scalarOf(*m_db, keyed), 601);
    batch = {};
    for (quint32 uid = 100; uid < 620; ++uid)
        batch.removedUids.add(uid);
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(scalarOf(*m_db, keyed), 81);
    QCOMPARE(lookup(QStringLiteral("<bulk619@x>")), Ids{});
    QCOMPARE(lookup(QStringLiteral("<bulk620@x>")), Ids{*messages.idForUid(m_folder, 620)});
    QVERIFY(ftsConsistent(*m_db));

    // Removing the account leaves no row behind.
    QVERIFY(AccountStore(*m_db).remove(m_account).ok());
    QCOMPARE(scalarOf(*m_db, keyed), 0);
}

// Messages waiting for the index get their address text from heron_search_addresses(), the
// text of message_search_expected without json_each(); checkIndexes() compares the two for
// every row. Names that JSON escapes, and values the writer never stores, which the view reads.
void TestMessageStore::waitingAddressesAreIndexedAsTheViewHasThem()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    SyncBatch batch;
    MessageMetadata escaped = message(1, QStringLiteral("escapes"));
    escaped.from = {{QStringLiteral("Quote \" and \\ backslash"), QStringLiteral("q@example.org")}};
    escaped.to = {{QStringLiteral("Tab\there, bell\x07"), QStringLiteral("t@example.org")},
                  {QString(), QStringLiteral("bare@example.org")},
                  {QStringLiteral("Ünïcødé 😀 𝄞"), QString()}};
    escaped.cc = {{QStringLiteral("/slash/"), QStringLiteral("s@example.org")}};
    escaped.bcc = {{QStringLiteral("Bcc Person"), QStringLiteral("bcc@example.org")}};
    escaped.sender = {{QStringLiteral("Sender"), QStringLiteral("sender@example.org")}};
    escaped.replyTo = {{QStringLiteral("Reply"), QStringLiteral("reply@example.org")}};
    MessageMetadata none = message(2, QStringLiteral("no addresses"));
    none.from.clear();
    none.to.clear();
    batch.messages = {escaped, none, message(3, QStringLiteral("foreign")), message(4, QStringLiteral("broken"))};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    const qint64 foreign = *messages.idForUid(m_folder, 3);
    const qint64 broken = *messages.idForUid(m_folder, 4);
    QSqlQuery query(m_db->connection());
    // JSON of another writer (escaped slash and \u escapes, other spacing, a key order of its own),
    // and JSON that is not an address list: the view's text either way.
    QVERIFY(query.exec(QStringLiteral("UPDATE messages SET to_addrs = '[ {\"e\" : \"x\\/y@example.org\", "
                                      "\"n\": \"\\u00c9mile \\ud83d\\ude00\"} ]' WHERE id = %1")
                               .arg(foreign)));
    QVERIFY(query.exec(QStringLiteral("UPDATE messages SET to_addrs = '[{\"n\": 7, \"e\": \"seven@example.org\"}]' "
                                      "WHERE id = %1")
                               .arg(broken)));
    QCOMPARE(*messages.indexPendingSearch(), 4);
    QVERIFY(ftsConsistent(*m_db));
    QVERIFY(query.exec(QStringLiteral("SELECT addresses FROM message_search WHERE rowid = %1").arg(foreign)));
    QVERIFY(query.next());
    QVERIFY2(query.value(0).toString().contains(QStringLiteral("x/y@example.org")), qPrintable(query.value(0).toString()));
    QVERIFY2(query.value(0).toString().contains(QStringLiteral("Émile 😀")), qPrintable(query.value(0).toString()));
    QCOMPARE(*messages.search(QStringLiteral("backslash")), Ids{*messages.idForUid(m_folder, 1)});
    QCOMPARE(*messages.search(QStringLiteral("seven")), Ids{broken});
}

void TestMessageStore::searchFollowsUpdatesAndRemovals()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    SyncBatch batch;
    batch.messages = {message(1, QStringLiteral("original walrus")), message(2, QStringLiteral("second"))};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    const qint64 id1 = *messages.idForUid(m_folder, 1);
    const qint64 id2 = *messages.idForUid(m_folder, 2);
    QVERIFY(messages.setBodyText(id1, QStringLiteral("body penguin")).ok());
    QVERIFY(messages.setBodyText(id1, QStringLiteral("body puffin")).ok());
    QCOMPARE(*messages.search(QStringLiteral("penguin")), Ids{});
    QCOMPARE(*messages.search(QStringLiteral("puffin")), Ids{id1});

    // A re-fetched message replaces its indexed subject but keeps its body text.
    batch.messages = {message(1, QStringLiteral("renamed narwhal"))};
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QCOMPARE(*messages.search(QStringLiteral("walrus")), Ids{});
    QCOMPARE(*messages.search(QStringLiteral("narwhal")), Ids{id1});
    QCOMPARE(*messages.search(QStringLiteral("puffin")), Ids{id1});
    // Flag changes leave the index alone.
    SyncBatch flags;
    flags.flagChanges = {{1, MessageFlags{MessageFlags::Seen, {}}, 5}};
    QVERIFY(folders.applySyncBatch(m_folder, flags).ok());
    QCOMPARE(*messages.search(QStringLiteral("narwhal")), Ids{id1});

    QVERIFY(messages.setBodyText(id1, QString()).ok());
    QCOMPARE(*messages.search(QStringLiteral("puffin")), Ids{});
    QVERIFY(messages.setBodyText(id2, QStringLiteral("body of two")).ok());
    SyncBatch removal;
    removal.removedUids = UidSet::fromValues(QList<quint32>{2});
    QVERIFY(folders.applySyncBatch(m_folder, removal).ok());
    QCOMPARE(*messages.search(QStringLiteral("second OR body")), Ids{});
    QVERIFY(ftsConsistent(*m_db));
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM search_removed")), 1);

    // SQLite gives the next message the largest id again, which was removed: its old index row
    // must not come back with it, nor block the new one.
    SyncBatch reuse;
    reuse.messages = {message(3, QStringLiteral("third orca"))};
    QVERIFY(folders.applySyncBatch(m_folder, reuse).ok());
    QCOMPARE(*messages.idForUid(m_folder, 3), id2);
    QCOMPARE(*messages.search(QStringLiteral("orca")), Ids{id2});
    QCOMPARE(*messages.search(QStringLiteral("second OR body")), Ids{});
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM search_removed")), 0);
    QVERIFY(ftsConsistent(*m_db));

    // Removed rows leave the index at the idle purge.
    removal.removedUids = UidSet::fromValues(QList<quint32>{1});
    QVERIFY(folders.applySyncBatch(m_folder, removal).ok());
    QCOMPARE(*messages.search(QStringLiteral("narwhal")), Ids{});
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM message_search")), 2);
    QCOMPARE(*messages.purgeSearchRemovals(), 1);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM message_search")), 1);
    QCOMPARE(scalarOf(*m_db, QStringLiteral("SELECT count(*) FROM search_removed")), 0);
    QCOMPARE(*messages.purgeSearchRemovals(), 0);
    QVERIFY(ftsConsistent(*m_db));
}

void TestMessageStore::badSearchExpressionIsAnError()
{
    auto result = MessageStore(*m_db).search(QStringLiteral("\"unbalanced"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, Error::Code::InvalidInput);
}

void TestMessageStore::localChangeAndJournalCommitTogether()
{
    SyncBatch batch;
    batch.messages = {message(1), message(2)};
    QVERIFY(FolderStore(*m_db).applySyncBatch(m_folder, batch).ok());
    MessageStore messages(*m_db);
    OperationJournal journal(*m_db);
    const qint64 id1 = *messages.idForUid(m_folder, 1);
    Operation operation;
    operation.accountId = m_account;
    operation.folderId = m_folder;
    operation.kind = Operation::Kind::Flag;
    operation.payload = QByteArrayLiteral("{\"uids\":[1],\"add\":[\"\\\\Seen\"]}");

    QSignalSpy changed(m_db->notifier(), &StoreNotifier::messagesChanged);
    {
        Transaction abandoned(*m_db, Durability::Full);
        QVERIFY(messages.changeFlags(abandoned, {id1}, MessageFlags::Seen, 0).ok());
        QVERIFY(journal.append(abandoned, operation).ok());
    }  // rolled back
    QCOMPARE(changed.size(), 0);
    QCOMPARE(journal.unfinished(m_account)->size(), 0);
    QCOMPARE(FolderStore(*m_db).folder(m_folder)->unreadCount, 2);

    const quint64 fullCommits = m_db->fullCommitCount();
    Transaction transaction(*m_db, Durability::Full);
    QVERIFY(messages.changeFlags(transaction, {id1}, MessageFlags::Seen | MessageFlags::Flagged, 0).ok());
    QVERIFY(journal.append(transaction, operation).ok());
    QCOMPARE(changed.size(), 0);
    QVERIFY(transaction.commit().ok());
    QCOMPARE(m_db->fullCommitCount(), fullCommits + 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(1).value<Ids>(), Ids{id1});
    QCOMPARE(messages.message(id1)->flags.bits, quint32(MessageFlags::Seen | MessageFlags::Flagged));
    QCOMPARE(FolderStore(*m_db).folder(m_folder)->unreadCount, 1);
    const auto pending = *journal.unfinished(m_account);
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.at(0).payload, operation.payload);
}

void TestMessageStore::journalKeepsOrderAndStates()
{
    OperationJournal journal(*m_db);
    QList<qint64> ids;
    for (Operation::Kind kind : {Operation::Kind::Move, Operation::Kind::Copy, Operation::Kind::Delete,
                                 Operation::Kind::Append, Operation::Kind::Flag}) {
        Operation operation;
        operation.accountId = m_account;
        operation.folderId = m_folder;
        operation.kind = kind;
        ids.append(*journal.append(operation));
    }
    QVERIFY(journal.markInFlight(ids[0]).ok());
    QVERIFY(journal.markPending(ids[0], QStringLiteral("connection lost")).ok());
    QVERIFY(journal.markInFlight(ids[0]).ok());
    QVERIFY(journal.markDone(ids[1]).ok());
    QVERIFY(journal.markFailed(ids[2], QStringLiteral("NO [TRYCREATE]")).ok());
    QVERIFY(journal.markParked(ids[3], QStringLiteral("folder gone")).ok());
    QVERIFY(!journal.markDone(999999).ok());

    const QList<Operation> unfinished = *journal.unfinished(m_account);
    QCOMPARE(unfinished.size(), 2);
    QCOMPARE(unfinished.at(0).id, ids[0]);
    QCOMPARE(unfinished.at(0).kind, Operation::Kind::Move);
    QCOMPARE(unfinished.at(0).state, Operation::State::InFlight);
    QCOMPARE(unfinished.at(0).attempts, 2);
    QCOMPARE(unfinished.at(0).lastError, QStringLiteral("connection lost"));
    QCOMPARE(unfinished.at(1).id, ids[4]);
    QCOMPARE(journal.operation(ids[2])->lastError, QStringLiteral("NO [TRYCREATE]"));
    QCOMPARE(journal.inState(m_account, Operation::State::Parked)->size(), 1);

    // The folder disappears: its operations stay, without a folder, for the sync to park.
    QVERIFY(FolderStore(*m_db).removeFolder(m_folder).ok());
    QCOMPARE(journal.operation(ids[4])->folderId, qint64(0));
    QCOMPARE(journal.unfinished(m_account)->size(), 2);

    QCOMPARE(*journal.purgeDone(QDateTime::currentDateTimeUtc().addSecs(60)), 1);
    QVERIFY(!journal.operation(ids[1]).ok());
}

void TestMessageStore::contentIndexTracksUse()
{
    ContentIndex index(*m_db);
    const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    QVERIFY(index.record({QStringLiteral("aa"), m_account, m_folder, 9, 1, QStringLiteral("1"), 100, t0}).ok());
    QVERIFY(index.record({QStringLiteral("bb"), m_account, m_folder, 9, 2, QStringLiteral("1.2"), 50, t0.addSecs(1)})
                    .ok());
    QVERIFY(index.record({QStringLiteral("cc"), m_account, m_folder, 9, 3, QString(), 25, t0.addSecs(2)}).ok());
    QCOMPARE(*index.totalSize(), qint64(175));
    auto found = index.find(m_folder, 9, 2, QStringLiteral("1.2"));
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE(found->value().key, QStringLiteral("bb"));
    QVERIFY(!index.find(m_folder, 8, 2, QStringLiteral("1.2"))->has_value());

    QVERIFY(index.touch(QStringLiteral("aa"), t0.addSecs(10)).ok());
    const QList<ContentCacheEntry> lru = *index.leastRecentlyUsed(2);
    QCOMPARE(lru.size(), 2);
    QCOMPARE(lru.at(0).key, QStringLiteral("bb"));
    QCOMPARE(lru.at(1).key, QStringLiteral("cc"));
    QVERIFY(index.remove({QStringLiteral("bb"), QStringLiteral("cc")}).ok());
    QCOMPARE(*index.totalSize(), qint64(100));
}

// The queries the sync engine relies on, and the version-2 folder columns.
void TestMessageStore::syncQueriesAndFolderState()
{
    SyncBatch batch;
    for (quint32 uid : {2u, 3u, 5u, 8u, 9u}) {
        MessageMetadata m = message(uid);
        m.internalDate = QDateTime::fromSecsSinceEpoch(1700000000 + qint64(uid) * 86400, Qt::UTC);
        m.messageId = QStringLiteral("id%1@example.org").arg(uid);
        m.isDeliveryReport = uid == 9;
        batch.messages.append(m);
    }
    batch.syncPoint = FolderSyncPoint{10, 77, 1, 5};
    QVERIFY(FolderStore(*m_db).applySyncBatch(m_folder, batch).ok());

    MessageStore messages(*m_db);
    QCOMPARE(messages.uids(m_folder)->toByteArray(), QByteArray("2:3,5,8:9"));
    QCOMPARE(messages.uids(m_folder, 3, 8)->toByteArray(), QByteArray("3,5,8"));
    const QDateTime before = QDateTime::fromSecsSinceEpoch(1700000000 + 5 * 86400, Qt::UTC);
    QCOMPARE(messages.uidsReceivedBefore(m_folder, before)->toByteArray(), QByteArray("2:3"));
    auto found = messages.idsForMessageId(m_account, QStringLiteral("id8@example.org"));
    QVERIFY(found.ok());
    QCOMPARE(found->size(), 1);
    QCOMPARE(messages.message(found->constFirst())->uid, 8u);
    QVERIFY(messages.idsForMessageId(m_account + 1, QStringLiteral("id8@example.org"))->isEmpty());
    QVERIFY(messages.message(*messages.idForUid(m_folder, 9))->isDeliveryReport);
    QVERIFY(!messages.message(*messages.idForUid(m_folder, 8))->isDeliveryReport);

    auto folder = FolderStore(*m_db).folder(m_folder);
    QVERIFY(folder.ok());
    QCOMPARE(folder->state.serverMessages, 5u);
    QCOMPARE(folder->state.highestModSeq, 77u);
    QVERIFY(FolderStore(*m_db).setSyncStatus(m_folder, QStringLiteral("qresync"), QStringLiteral("boom")).ok());
    folder = FolderStore(*m_db).folder(m_folder);
    QCOMPARE(folder->syncStrategy, QStringLiteral("qresync"));
    QCOMPARE(folder->lastError, QStringLiteral("boom"));
    // A UIDVALIDITY reset clears the server count with the rest of the point.
    QVERIFY(FolderStore(*m_db).resetForUidValidity(m_folder, 99).ok());
    QCOMPARE(FolderStore(*m_db).folder(m_folder)->state.serverMessages, 0u);
}

void TestMessageStore::accountSettingsAndRename()
{
    AccountStore accounts(*m_db);
    QCOMPARE(*accounts.settings(m_account), QByteArray("{}"));
    QVERIFY(accounts.setSettings(m_account, QStringLiteral("Alice B"), QByteArrayLiteral("{\"a\":1}")).ok());
    QCOMPARE(*accounts.settings(m_account), QByteArray("{\"a\":1}"));
    QCOMPARE(accounts.accounts()->constFirst().displayName, QStringLiteral("Alice B"));
    QVERIFY(!accounts.setSettings(m_account + 100, QString(), {}).ok());
    QVERIFY(!accounts.settings(m_account + 100).ok());

    SyncBatch batch;
    batch.messages = {message(4)};
    QVERIFY(FolderStore(*m_db).applySyncBatch(m_folder, batch).ok());
    QVERIFY(FolderStore(*m_db).setSelectedForSync(m_folder, true).ok());
    FolderListing renamed{QStringLiteral("Old/Inbox"), QStringLiteral("/"), QString(), {}, true};
    QVERIFY(FolderStore(*m_db).renameFolder(m_folder, renamed).ok());
    auto folder = FolderStore(*m_db).folder(m_folder);
    QCOMPARE(folder->listing, renamed);
    QVERIFY(folder->selectedForSync);
    QCOMPARE(folder->messageCount, 1);
    QCOMPARE(*FolderStore(*m_db).idForPath(m_account, QStringLiteral("Old/Inbox")), m_folder);
    QVERIFY(!FolderStore(*m_db).renameFolder(m_folder + 100, renamed).ok());
}

void TestMessageStore::selectionLookupsSpanStatements()
{
    // More ids than one statement takes (500), in two accounts.
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    SyncBatch batch;
    for (quint32 uid = 1; uid <= 1200; ++uid)
        batch.messages.append(message(uid));
    for (qsizetype i = 0; i < batch.messages.size(); i += 2)
        batch.messages[i].flags.bits = MessageFlags::Flagged;
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    const qint64 other = *AccountStore(*m_db).add(QStringLiteral("other"), QStringLiteral("Bob"));
    const qint64 otherInbox = folders.upsertFolders(other, {{QStringLiteral("INBOX"), QStringLiteral("/")}})->at(0);
    SyncBatch elsewhere;
    elsewhere.messages = {message(1)};
    QVERIFY(folders.applySyncBatch(otherInbox, elsewhere).ok());

    const QList<qint64> mine = *messages.messageIds(m_folder);  // highest UID first
    QCOMPARE(*messages.accountsOf(mine), QList<qint64>{m_account});
    QCOMPARE(*messages.accountsOf(mine + QList<qint64>{*messages.idForUid(otherInbox, 1)}),
             (QList<qint64>{m_account, other}));
    QVERIFY(messages.accountsOf({})->isEmpty());

    QList<qint64> flagged;  // odd UIDs
    for (qint64 id : mine) {
        if (messages.message(id)->uid % 2 == 1)
            flagged.append(id);
    }
    QCOMPARE(flagged.size(), 600);
    QVERIFY(*messages.allHaveFlags(flagged, MessageFlags::Flagged));
    // One unflagged message in the last statement's share.
    QVERIFY(!*messages.allHaveFlags(flagged + QList<qint64>{*messages.idForUid(m_folder, 2)}, MessageFlags::Flagged));
    QVERIFY(!*messages.allHaveFlags(flagged, MessageFlags::Flagged | MessageFlags::Seen));
}

void TestMessageStore::serverHitsStayOutOfTheSyncUntilDropped()
{
    FolderStore folders(*m_db);
    MessageStore messages(*m_db);
    // The window keeps UIDs 10..12; a search on the server found 1, 2 and 10.
    QVERIFY(folders.resetForUidValidity(m_folder, 7).ok());
    SyncBatch batch;
    batch.messages = {message(10, QStringLiteral("kept")), message(11), message(12)};
    batch.messages[1].flags.bits = MessageFlags::Seen;
    batch.messages[2].flags.bits = MessageFlags::Seen;
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    const QDateTime windowStart = message(10).internalDate;
    QVERIFY(folders.setWindowStart(m_folder, windowStart).ok());
    QVERIFY(folders.setSelectedForSync(m_folder, true).ok());
    const qint64 kept = *messages.idForUid(m_folder, 10);

    QSignalSpy inserted(m_db->notifier(), &StoreNotifier::messagesInserted);
    auto hits = folders.storeServerHits(
            m_folder, {message(1, QStringLiteral("old invoice")), message(2), message(10, QStringLiteral("kept"))});
    QVERIFY2(hits.ok(), qPrintable(hits.ok() ? QString() : hits.error().message));
    QCOMPARE(hits->size(), 3);
    QCOMPARE(hits->at(2), kept);  // stored already: left as it is
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(idsOf(inserted), (QSet<qint64>{hits->at(0), hits->at(1)}));

    // Listed, searchable and openable, but not counted and not seen by the sync's UID checks.
    auto record = folders.folder(m_folder);
    QCOMPARE(record->messageCount, 3);
    QCOMPARE(record->unreadCount, 1);
    QCOMPARE(*messages.uids(m_folder), UidSet::fromValues(QList<quint32>{10, 11, 12}));
    QVERIFY(messages.uidsReceivedBefore(m_folder, windowStart)->isEmpty());
    QCOMPARE(messages.message(hits->at(0))->subject, QStringLiteral("old invoice"));
    QCOMPARE(*messages.search(QStringLiteral("invoice")), QList<qint64>{hits->at(0)});

    // The window is widened over UID 2 meanwhile: when the search ends, 2 stays as an ordinary
    // message and 1 goes.
    QVERIFY(folders.setWindowStart(m_folder, message(2).internalDate).ok());
    QSignalSpy removed(m_db->notifier(), &StoreNotifier::messagesRemoved);
    QCOMPARE(*folders.dropServerHits(m_account), 1);
    QCOMPARE(idsOf(removed), QSet<qint64>{hits->at(0)});
    record = folders.folder(m_folder);
    QCOMPARE(record->messageCount, 4);
    QCOMPARE(record->unreadCount, 2);
    QCOMPARE(*messages.uids(m_folder), UidSet::fromValues(QList<quint32>{2, 10, 11, 12}));
    QVERIFY(!messages.message(hits->at(0)).ok());
    QVERIFY(messages.search(QStringLiteral("invoice"))->isEmpty());
    QCOMPARE(*folders.dropServerHits(), 0);
    QVERIFY(messages.checkIndexes().ok());

    // A hit that the sync fetches itself becomes an ordinary message at once.
    auto again = folders.storeServerHits(m_folder, {message(1)});
    QVERIFY(again.ok());
    QCOMPARE(folders.folder(m_folder)->messageCount, 4);
    SyncBatch fetched;
    fetched.messages = {message(1)};
    QVERIFY(folders.applySyncBatch(m_folder, fetched).ok());
    QCOMPARE(folders.folder(m_folder)->messageCount, 5);
    QCOMPARE(*folders.dropServerHits(), 0);
    QVERIFY(messages.message(again->constFirst()).ok());

    // ...also when its flags changed meanwhile: counted once, with the flags fetched.
    Store::MessageMetadata readHit = message(4);
    readHit.flags.bits = MessageFlags::Seen;
    QVERIFY(folders.storeServerHits(m_folder, {message(3), readHit}).ok());
    const int unread = folders.folder(m_folder)->unreadCount;
    SyncBatch refetched;
    refetched.messages = {message(3), message(4)};
    refetched.messages[0].flags.bits = MessageFlags::Seen;  // read elsewhere
    QVERIFY(folders.applySyncBatch(m_folder, refetched).ok());
    record = folders.folder(m_folder);
    QCOMPARE(record->messageCount, 7);
    QCOMPARE(record->unreadCount, unread + 1);  // UID 4, unread now; UID 3 read
}

void TestMessageStore::droppingManyServerHitsTakesSeveralTransactions()
{
    // Hits of many folders end together: no transaction over the store's row limit.
    FolderStore folders(*m_db);
    QList<MessageMetadata> found;
    for (quint32 uid = 1; uid <= 1500; ++uid)
        found.append(message(uid));
    const qint64 other = folders.upsertFolders(m_account, {{QStringLiteral("Old"), QStringLiteral("/")}})->at(0);
    QVERIFY(folders.storeServerHits(m_folder, found).ok());
    QVERIFY(folders.storeServerHits(other, found).ok());
    QSignalSpy changes(m_db->notifier(), &StoreNotifier::messagesRemoved);
    QCOMPARE(*folders.dropServerHits(m_account), 3000);
    QVERIFY(changes.size() >= 2);  // one notice per folder and transaction
    QCOMPARE(folders.folder(m_folder)->messageCount, 0);
    QVERIFY(MessageStore(*m_db).uids(m_folder)->isEmpty());
    QVERIFY(MessageStore(*m_db).checkIndexes().ok());
}

void TestMessageStore::storedAmongTakesRangesAndManySingles()
{
    // Stored: odd UIDs 1..2999, and hits at 4000..4009. Asked: 1,200 single UIDs (more than one
    // statement's share), two ranges, and the hits.
    FolderStore folders(*m_db);
    SyncBatch batch;
    for (quint32 uid = 1; uid < 3000; uid += 2)
        batch.messages.append(message(uid));
    QVERIFY(folders.applySyncBatch(m_folder, batch).ok());
    QList<MessageMetadata> hits;
    for (quint32 uid = 4000; uid < 4010; ++uid)
        hits.append(message(uid));
    QVERIFY(folders.storeServerHits(m_folder, hits).ok());
    UidSet asked;
    for (quint32 uid = 1; uid <= 2400; uid += 2)
        asked.add(uid);
    asked.addRange(2601, 2610);
    asked.addRange(3990, 4020);
    UidSet expected;
    for (quint32 uid = 1; uid <= 2400; uid += 2)
        expected.add(uid);
    for (quint32 uid = 2601; uid <= 2609; uid += 2)
        expected.add(uid);
    QCOMPARE(*MessageStore(*m_db).storedAmong(m_folder, asked), expected);
    QVERIFY(MessageStore(*m_db).storedAmong(m_folder, UidSet())->isEmpty());
}

void TestMessageStore::removalsOfSingleUidsAtTheStatementLimit_data()
{
    QTest::addColumn<int>("singles");
    QTest::newRow("one statement's share") << int(MessageRows::kUidsPerStatement);
    QTest::newRow("one more") << int(MessageRows::kUidsPerStatement) + 1;
}

// A VANISHED list of scattered expunges is looked up many single UIDs to a statement: at the
// limit every UID is found by one statement, and just past it the last by another. A range and a
// UID that was never stored go with them.
void TestMessageStore::removalsOfSingleUidsAtTheStatementLimit()
{
    QFETCH(int, singles);
    FolderStore folders(*m_db);
    SyncBatch initial;
    for (quint32 uid = 1; uid <= 1200; ++uid)
        initial.messages.append(message(uid));
    QVERIFY(folders.applySyncBatch(m_folder, initial).ok());

    SyncBatch changes;
    UidSet expected = UidSet::fromRange(1, 1200);
    for (int i = 0; i < singles; ++i)
        changes.removedUids.add(quint32(1 + 2 * i));
    changes.removedUids.addRange(1150, 1160);
    changes.removedUids.add(5000);
    expected = expected.subtracted(changes.removedUids);
    auto outcome = folders.applySyncBatch(m_folder, changes);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().message));
    QCOMPARE(outcome->removed, singles + 11);
    QCOMPARE(*MessageStore(*m_db).uids(m_folder), expected);
    QCOMPARE(folders.folder(m_folder)->messageCount, int(expected.count()));
    QVERIFY(MessageStore(*m_db).checkIndexes().ok());
}

QTEST_GUILESS_MAIN(TestMessageStore)
#include "tst_messagestore.moc"
