// SPDX-License-Identifier: GPL-3.0-or-later
// The user's actions applied to the store at once and journaled in the same durable transaction,
// one operation per source folder with the payload the replayer needs; the payload's parser
// refusing damaged journal entries instead of sending malformed commands.
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"
#include "sync/localactions.h"
#include "sync/operationpayload.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using namespace Heron::Store;
using Heron::Sync::LocalActions;
using Heron::Sync::OperationPayload;

using Ids = QList<qint64>;

namespace {

constexpr quint32 kInboxValidity = 1001;
constexpr quint32 kArchiveValidity = 2002;
constexpr quint32 kTrashValidity = 3003;

template <typename T>
QString errorText(const Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

}  // namespace

class TestLocalActions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void flagsAppliedAtOnceAndJournaledPerSourceFolder();
    void clearingSeenRaisesUnreadCount();
    void moveRemovesRowsAndJournalsOneOperationPerFolder();
    void moveOfMessagesAlreadyInTargetDoesNothing();
    void copyChangesNothingLocally();
    void deleteMovesToTrashWhenTheAccountHasOne();
    void deleteInTrashRemovesForGood();
    void deleteWithoutTrashUsesDeletedFlag();
    void messagesOfTwoAccountsAreRefused();
    void emptyAndUnknownIdsAreRefused();
    void neverSynchronizedFolderIsRefused();
    void badFlagRequestsAreRefused();
    void badTargetsAreRefused();
    void duplicateIdsCountOnce();

    void payloadRoundTrips_data();
    void payloadRoundTrips();
    void damagedPayloadIsAnError_data();
    void damagedPayloadIsAnError();

private:
    qint64 addFolder(qint64 accountId, const QString &path, quint32 uidValidity, const QString &specialUse = {});
    Ids addMessages(qint64 folderId, const QList<quint32> &uids, quint32 flagBits = 0);
    FolderRecord folder(qint64 folderId);
    quint32 flagsOf(qint64 messageId);
    bool exists(qint64 messageId);
    QList<Operation> journal(qint64 accountId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    qint64 m_alice = 0;
    qint64 m_bob = 0;
    qint64 m_inbox = 0;
    qint64 m_archive = 0;
    qint64 m_trash = 0;
    qint64 m_bobInbox = 0;
    Ids m_inboxIds;    // UIDs 1..5, unread
    Ids m_archiveIds;  // UIDs 10, 11, read
    Ids m_trashIds;    // UID 7
    Ids m_bobIds;      // UIDs 1, 2
};

qint64 TestLocalActions::addFolder(qint64 accountId, const QString &path, quint32 uidValidity,
                                   const QString &specialUse)
{
    FolderListing listing;
    listing.path = path;
    listing.delimiter = QStringLiteral("/");
    listing.specialUse = specialUse;
    FolderStore folders(*m_db);
    auto ids = folders.upsertFolders(accountId, {listing});
    if (!ids) {
        qWarning() << ids.error().message;
        return 0;
    }
    if (uidValidity != 0) {
        if (auto reset = folders.resetForUidValidity(ids->at(0), uidValidity); !reset) {
            qWarning() << reset.error().message;
            return 0;
        }
    }
    return ids->at(0);
}

Ids TestLocalActions::addMessages(qint64 folderId, const QList<quint32> &uids, quint32 flagBits)
{
    SyncBatch batch;
    for (quint32 uid : uids) {
        MessageMetadata message;
        message.uid = uid;
        message.flags.bits = flagBits;
        message.subject = QStringLiteral("message %1").arg(uid);
        message.internalDate = QDateTime::fromSecsSinceEpoch(1700000000 + uid, Qt::UTC);
        batch.messages.append(message);
    }
    if (auto applied = FolderStore(*m_db).applySyncBatch(folderId, batch); !applied) {
        qWarning() << applied.error().message;
        return {};
    }
    MessageStore messages(*m_db);
    Ids ids;
    for (quint32 uid : uids)
        ids.append(*messages.idForUid(folderId, uid));
    return ids;
}

FolderRecord TestLocalActions::folder(qint64 folderId)
{
    auto record = FolderStore(*m_db).folder(folderId);
    return record.ok() ? *record : FolderRecord{};
}

quint32 TestLocalActions::flagsOf(qint64 messageId)
{
    auto message = MessageStore(*m_db).message(messageId);
    return message.ok() ? message->flags.bits : 0xffffffffu;
}

bool TestLocalActions::exists(qint64 messageId)
{
    return MessageStore(*m_db).message(messageId).ok();
}

QList<Operation> TestLocalActions::journal(qint64 accountId)
{
    auto operations = OperationJournal(*m_db).unfinished(accountId);
    return operations.ok() ? *operations : QList<Operation>{};
}

void TestLocalActions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = Database::open(m_dir->filePath(QStringLiteral("heron.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(errorText(opened)));
    m_db = std::move(opened.value());
    AccountStore accounts(*m_db);
    m_alice = *accounts.add(QStringLiteral("alice"), QStringLiteral("Alice"));
    m_bob = *accounts.add(QStringLiteral("bob"), QStringLiteral("Bob"));
    QVERIFY(m_alice > 0 && m_bob > 0);

    m_inbox = addFolder(m_alice, QStringLiteral("INBOX"), kInboxValidity);
    m_archive = addFolder(m_alice, QStringLiteral("Archive/2024 ä"), kArchiveValidity);
    m_trash = addFolder(m_alice, QStringLiteral("Papierkorb"), kTrashValidity, QStringLiteral("\\Trash"));
    m_bobInbox = addFolder(m_bob, QStringLiteral("INBOX"), 77);
    QVERIFY(m_inbox && m_archive && m_trash && m_bobInbox);

    m_inboxIds = addMessages(m_inbox, {1, 2, 3, 4, 5});
    m_archiveIds = addMessages(m_archive, {10, 11}, MessageFlags::Seen);
    m_trashIds = addMessages(m_trash, {7}, MessageFlags::Seen);
    m_bobIds = addMessages(m_bobInbox, {1, 2});
    QCOMPARE(m_inboxIds.size(), 5);
    QCOMPARE(m_archiveIds.size(), 2);
    QCOMPARE(m_trashIds.size(), 1);
    QCOMPARE(m_bobIds.size(), 2);
    QCOMPARE(folder(m_inbox).unreadCount, 5);
}

void TestLocalActions::cleanup()
{
    m_db.reset();
    m_dir.reset();
}

void TestLocalActions::flagsAppliedAtOnceAndJournaledPerSourceFolder()
{
    const quint64 fullCommits = m_db->fullCommitCount();
    QSignalSpy changed(m_db->notifier(), &StoreNotifier::messagesChanged);

    LocalActions actions(*m_db);
    auto operations = actions.setFlags({m_inboxIds[0], m_archiveIds[1], m_inboxIds[1], m_inboxIds[2]},
                                       MessageFlags::Seen | MessageFlags::Flagged, 0);
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 2);
    // One durable transaction for the local change and its journal rows together.
    QCOMPARE(m_db->fullCommitCount(), fullCommits + 1);

    for (qint64 id : {m_inboxIds[0], m_inboxIds[1], m_inboxIds[2], m_archiveIds[1]})
        QCOMPARE(flagsOf(id), quint32(MessageFlags::Seen | MessageFlags::Flagged));
    QCOMPARE(flagsOf(m_inboxIds[3]), quint32(0));
    QCOMPARE(folder(m_inbox).unreadCount, 2);
    QCOMPARE(changed.size(), 2);

    const QList<Operation> journaled = journal(m_alice);
    QCOMPARE(journaled.size(), 2);
    QCOMPARE(journaled[0].id, operations->at(0));
    QCOMPARE(journaled[0].kind, Operation::Kind::Flag);
    QCOMPARE(journaled[0].folderId, m_inbox);
    QCOMPARE(journaled[0].state, Operation::State::Pending);
    QCOMPARE(json(journaled[0].payload),
             json(R"({"folder":"INBOX","uidValidity":1001,"uids":"1:3","add":["\\Seen","\\Flagged"],"remove":[]})"));
    QCOMPARE(journaled[1].kind, Operation::Kind::Flag);
    QCOMPARE(journaled[1].folderId, m_archive);
    QCOMPARE(json(journaled[1].payload),
             json(R"({"folder":"Archive/2024 ä","uidValidity":2002,"uids":"11","add":["\\Seen","\\Flagged"],)"
                  R"("remove":[]})"));
    QVERIFY(journal(m_bob).isEmpty());
}

void TestLocalActions::clearingSeenRaisesUnreadCount()
{
    LocalActions actions(*m_db);
    auto operations = actions.setFlags(m_archiveIds, 0, MessageFlags::Seen);
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 1);
    QCOMPARE(folder(m_archive).unreadCount, 2);
    QCOMPARE(json(journal(m_alice).at(0).payload),
             json(R"({"folder":"Archive/2024 ä","uidValidity":2002,"uids":"10:11","add":[],"remove":["\\Seen"]})"));
}

void TestLocalActions::moveRemovesRowsAndJournalsOneOperationPerFolder()
{
    const quint64 fullCommits = m_db->fullCommitCount();
    QSignalSpy removed(m_db->notifier(), &StoreNotifier::messagesRemoved);
    LocalActions actions(*m_db);
    auto operations = actions.move({m_inboxIds[3], m_inboxIds[4], m_inboxIds[0], m_trashIds[0]}, m_archive);
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 2);
    QCOMPARE(m_db->fullCommitCount(), fullCommits + 1);

    for (qint64 id : {m_inboxIds[3], m_inboxIds[4], m_inboxIds[0], m_trashIds[0]})
        QVERIFY(!exists(id));
    QVERIFY(exists(m_inboxIds[1]));
    // Counts follow at once; the target gets the messages at its next synchronization.
    QCOMPARE(folder(m_inbox).messageCount, 2);
    QCOMPARE(folder(m_inbox).unreadCount, 2);
    QCOMPARE(folder(m_trash).messageCount, 0);
    QCOMPARE(folder(m_archive).messageCount, 2);
    QCOMPARE(removed.size(), 2);

    const QList<Operation> journaled = journal(m_alice);
    QCOMPARE(journaled.size(), 2);
    QCOMPARE(journaled[0].kind, Operation::Kind::Move);
    QCOMPARE(journaled[0].folderId, m_inbox);
    QCOMPARE(json(journaled[0].payload),
             json(R"({"folder":"INBOX","uidValidity":1001,"uids":"1,4:5","target":"Archive/2024 ä"})"));
    QCOMPARE(journaled[1].kind, Operation::Kind::Move);
    QCOMPARE(journaled[1].folderId, m_trash);
    QCOMPARE(json(journaled[1].payload),
             json(R"({"folder":"Papierkorb","uidValidity":3003,"uids":"7","target":"Archive/2024 ä"})"));
}

void TestLocalActions::moveOfMessagesAlreadyInTargetDoesNothing()
{
    LocalActions actions(*m_db);
    auto operations = actions.move(m_archiveIds, m_archive);
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QVERIFY(operations->isEmpty());
    QVERIFY(exists(m_archiveIds[0]) && exists(m_archiveIds[1]));
    QVERIFY(journal(m_alice).isEmpty());
}

void TestLocalActions::copyChangesNothingLocally()
{
    LocalActions actions(*m_db);
    auto operations = actions.copy({m_inboxIds[1]}, m_archive);
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 1);
    QVERIFY(exists(m_inboxIds[1]));
    QCOMPARE(folder(m_inbox).messageCount, 5);
    QCOMPARE(folder(m_archive).messageCount, 2);
    const QList<Operation> journaled = journal(m_alice);
    QCOMPARE(journaled.size(), 1);
    QCOMPARE(journaled[0].kind, Operation::Kind::Copy);
    QCOMPARE(json(journaled[0].payload),
             json(R"({"folder":"INBOX","uidValidity":1001,"uids":"2","target":"Archive/2024 ä"})"));
}

void TestLocalActions::deleteMovesToTrashWhenTheAccountHasOne()
{
    LocalActions actions(*m_db);
    auto operations = actions.remove({m_inboxIds[0], m_inboxIds[1]});
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 1);
    QVERIFY(!exists(m_inboxIds[0]) && !exists(m_inboxIds[1]));
    QCOMPARE(folder(m_inbox).unreadCount, 3);
    const QList<Operation> journaled = journal(m_alice);
    QCOMPARE(journaled.size(), 1);
    QCOMPARE(journaled[0].kind, Operation::Kind::Move);
    QCOMPARE(json(journaled[0].payload),
             json(R"({"folder":"INBOX","uidValidity":1001,"uids":"1:2","target":"Papierkorb"})"));
}

void TestLocalActions::deleteInTrashRemovesForGood()
{
    LocalActions actions(*m_db);
    auto operations = actions.remove({m_trashIds[0], m_inboxIds[4]});
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 2);
    QVERIFY(!exists(m_trashIds[0]) && !exists(m_inboxIds[4]));
    const QList<Operation> journaled = journal(m_alice);
    QCOMPARE(journaled.size(), 2);
    QCOMPARE(journaled[0].kind, Operation::Kind::Delete);
    QCOMPARE(journaled[0].folderId, m_trash);
    QCOMPARE(json(journaled[0].payload), json(R"({"folder":"Papierkorb","uidValidity":3003,"uids":"7"})"));
    QCOMPARE(journaled[1].kind, Operation::Kind::Move);
    QCOMPARE(json(journaled[1].payload),
             json(R"({"folder":"INBOX","uidValidity":1001,"uids":"5","target":"Papierkorb"})"));
}

void TestLocalActions::deleteWithoutTrashUsesDeletedFlag()
{
    const quint64 fullCommits = m_db->fullCommitCount();
    LocalActions actions(*m_db);
    auto operations = actions.remove({m_bobIds[1]});
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(operations->size(), 1);
    QCOMPARE(m_db->fullCommitCount(), fullCommits + 1);
    QVERIFY(!exists(m_bobIds[1]));
    QCOMPARE(folder(m_bobInbox).messageCount, 1);
    const QList<Operation> journaled = journal(m_bob);
    QCOMPARE(journaled.size(), 1);
    QCOMPARE(journaled[0].kind, Operation::Kind::Delete);
    QCOMPARE(journaled[0].accountId, m_bob);
    QCOMPARE(json(journaled[0].payload), json(R"({"folder":"INBOX","uidValidity":77,"uids":"2"})"));
}

void TestLocalActions::messagesOfTwoAccountsAreRefused()
{
    const quint64 commits = m_db->commitCount();
    LocalActions actions(*m_db);
    for (const auto &result :
         {actions.setFlags({m_inboxIds[0], m_bobIds[0]}, MessageFlags::Seen, 0),
          actions.move({m_inboxIds[0], m_bobIds[0]}, m_archive), actions.remove({m_bobIds[0], m_inboxIds[0]})}) {
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, Error::Code::InvalidInput);
        QVERIFY2(result.error().message.contains(QLatin1StringView("different accounts")),
                 qPrintable(result.error().message));
    }
    QCOMPARE(m_db->commitCount(), commits);
    QCOMPARE(flagsOf(m_inboxIds[0]), quint32(0));
    QVERIFY(exists(m_inboxIds[0]) && exists(m_bobIds[0]));
    QVERIFY(journal(m_alice).isEmpty());
    QVERIFY(journal(m_bob).isEmpty());
}

void TestLocalActions::emptyAndUnknownIdsAreRefused()
{
    LocalActions actions(*m_db);
    auto empty = actions.setFlags({}, MessageFlags::Seen, 0);
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().code, Error::Code::InvalidInput);

    const qint64 unknown = m_bobIds.last() + 1000;
    auto unknownOnly = actions.remove({unknown});
    QVERIFY(!unknownOnly.ok());
    QVERIFY2(unknownOnly.error().message.contains(QString::number(unknown)), qPrintable(unknownOnly.error().message));

    // One unknown id spoils the whole call: nothing is half done.
    auto mixed = actions.move({m_inboxIds[0], unknown}, m_archive);
    QVERIFY(!mixed.ok());
    QVERIFY(exists(m_inboxIds[0]));
    QVERIFY(journal(m_alice).isEmpty());
}

void TestLocalActions::neverSynchronizedFolderIsRefused()
{
    const qint64 fresh = addFolder(m_alice, QStringLiteral("Fresh"), 0);
    QVERIFY(fresh);
    const Ids freshIds = addMessages(fresh, {3});
    QCOMPARE(freshIds.size(), 1);
    LocalActions actions(*m_db);
    auto result = actions.setFlags({m_inboxIds[0], freshIds[0]}, MessageFlags::Flagged, 0);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.contains(QLatin1StringView("Fresh")), qPrintable(result.error().message));
    QCOMPARE(flagsOf(m_inboxIds[0]), quint32(0));
    QVERIFY(journal(m_alice).isEmpty());

    // A never-synchronized target is fine: only its name is needed.
    auto moved = actions.move({m_inboxIds[0]}, fresh);
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
}

void TestLocalActions::badFlagRequestsAreRefused()
{
    LocalActions actions(*m_db);
    QVERIFY(!actions.setFlags({m_inboxIds[0]}, 0, 0).ok());
    QVERIFY(!actions.setFlags({m_inboxIds[0]}, MessageFlags::Seen, MessageFlags::Seen).ok());
    QVERIFY(!actions.setFlags({m_inboxIds[0]}, 1u << 12, 0).ok());
    QVERIFY(actions.setFlags({m_inboxIds[0]}, MessageFlags::Draft, MessageFlags::Seen).ok());
    QCOMPARE(journal(m_alice).size(), 1);
}

void TestLocalActions::badTargetsAreRefused()
{
    LocalActions actions(*m_db);
    auto otherAccount = actions.move({m_inboxIds[0]}, m_bobInbox);
    QVERIFY(!otherAccount.ok());
    QVERIFY2(otherAccount.error().message.contains(QLatin1StringView("another account")),
             qPrintable(otherAccount.error().message));
    auto missing = actions.copy({m_inboxIds[0]}, m_bobInbox + 1000);
    QVERIFY(!missing.ok());

    FolderListing parent;
    parent.path = QStringLiteral("Projects");
    parent.delimiter = QStringLiteral("/");
    parent.attributes = {QStringLiteral("\\Noselect")};
    auto ids = FolderStore(*m_db).upsertFolders(m_alice, {parent});
    QVERIFY(ids.ok());
    auto noselect = actions.move({m_inboxIds[0]}, ids->at(0));
    QVERIFY(!noselect.ok());
    QVERIFY(exists(m_inboxIds[0]));
    QVERIFY(journal(m_alice).isEmpty());
}

void TestLocalActions::duplicateIdsCountOnce()
{
    LocalActions actions(*m_db);
    auto operations = actions.remove({m_inboxIds[2], m_inboxIds[2], m_inboxIds[3]});
    QVERIFY2(operations.ok(), qPrintable(errorText(operations)));
    QCOMPARE(folder(m_inbox).messageCount, 3);
    QCOMPARE(json(journal(m_alice).at(0).payload),
             json(R"({"folder":"INBOX","uidValidity":1001,"uids":"3:4","target":"Papierkorb"})"));
}

void TestLocalActions::payloadRoundTrips_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("payload");

    QTest::newRow("flag") << int(Operation::Kind::Flag)
                          << QByteArray(R"({"folder":"INBOX","uidValidity":4294967295,"uids":"1:5,9",)"
                                        R"("add":["\\Seen","$Label1"],"remove":["\\Flagged"]})");
    QTest::newRow("move") << int(Operation::Kind::Move)
                          << QByteArray(R"({"folder":"INBOX","uidValidity":1,"uids":"3","target":"Arch/ü"})");
    QTest::newRow("move copied") << int(Operation::Kind::Move)
                                 << QByteArray(R"({"folder":"INBOX","uidValidity":9,"uids":"3:4","target":"A",)"
                                               R"("copied":{"uidValidity":12,"uids":"40:41"},"flagged":true})");
    QTest::newRow("move copied without COPYUID")
            << int(Operation::Kind::Move)
            << QByteArray(R"({"folder":"INBOX","uidValidity":9,"uids":"3","target":"A",)"
                          R"("copied":{"uidValidity":0,"uids":""}})");
    QTest::newRow("copy") << int(Operation::Kind::Copy)
                          << QByteArray(R"({"folder":"INBOX","uidValidity":9,"uids":"3","target":"A"})");
    QTest::newRow("move copy requested")
            << int(Operation::Kind::Move)
            << QByteArray(R"({"folder":"INBOX","uidValidity":9,"uids":"3:4","target":"A",)"
                          R"("copyRequested":{"uidValidity":12,"uidNext":40}})");
    QTest::newRow("move copy requested, copied, flagged")
            << int(Operation::Kind::Move)
            << QByteArray(R"({"folder":"INBOX","uidValidity":9,"uids":"3:4","target":"A",)"
                          R"("copyRequested":{"uidValidity":4294967295,"uidNext":4294967295},)"
                          R"("copied":{"uidValidity":4294967295,"uids":"40:41"},"flagged":true})");
    QTest::newRow("copy requested") << int(Operation::Kind::Copy)
                                    << QByteArray(R"({"folder":"INBOX","uidValidity":9,"uids":"3","target":"A",)"
                                                  R"("copyRequested":{"uidValidity":1,"uidNext":1}})");
    QTest::newRow("delete done") << int(Operation::Kind::Delete)
                                 << QByteArray(R"({"folder":"T","uidValidity":9,"uids":"3","flagged":true,)"
                                               R"("expunged":true})");
}

void TestLocalActions::payloadRoundTrips()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, payload);
    const auto operationKind = Operation::Kind(kind);
    auto parsed = OperationPayload::fromJson(operationKind, payload);
    QVERIFY2(parsed.ok(), qPrintable(errorText(parsed)));
    QCOMPARE(json(parsed->toJson(operationKind)), json(payload));
    auto again = OperationPayload::fromJson(operationKind, parsed->toJson(operationKind));
    QVERIFY(again.ok());
    QCOMPARE(*again, *parsed);
}

void TestLocalActions::damagedPayloadIsAnError_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("payload");

    const int flag = int(Operation::Kind::Flag);
    const int move = int(Operation::Kind::Move);
    const int copy = int(Operation::Kind::Copy);
    const int remove = int(Operation::Kind::Delete);
    QTest::newRow("empty") << flag << QByteArray();
    QTest::newRow("not json") << flag << QByteArray("folder=INBOX");
    QTest::newRow("array") << flag << QByteArray(R"(["INBOX"])");
    QTest::newRow("no folder") << remove << QByteArray(R"({"uidValidity":1,"uids":"1"})");
    QTest::newRow("folder not a string") << remove << QByteArray(R"({"folder":3,"uidValidity":1,"uids":"1"})");
    QTest::newRow("uidvalidity 0") << remove << QByteArray(R"({"folder":"I","uidValidity":0,"uids":"1"})");
    QTest::newRow("uidvalidity past 2^32-1")
            << remove << QByteArray(R"({"folder":"I","uidValidity":4294967296,"uids":"1"})");
    QTest::newRow("uidvalidity fraction") << remove << QByteArray(R"({"folder":"I","uidValidity":1.5,"uids":"1"})");
    QTest::newRow("uidvalidity string") << remove << QByteArray(R"({"folder":"I","uidValidity":"1","uids":"1"})");
    QTest::newRow("no uids") << remove << QByteArray(R"({"folder":"I","uidValidity":1})");
    QTest::newRow("empty uids") << remove << QByteArray(R"({"folder":"I","uidValidity":1,"uids":""})");
    QTest::newRow("star") << remove << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1:*"})");
    QTest::newRow("uid 0") << remove << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"0"})");
    QTest::newRow("uids garbage") << remove << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1 2"})");
    QTest::newRow("uids injection") << remove
                                    << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1\r\nA1 DELETE INBOX"})");
    QTest::newRow("flag without flags") << flag << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1"})");
    QTest::newRow("flag with space")
            << flag << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","add":["\\Seen \\Deleted"]})");
    QTest::newRow("flag with paren") << flag
                                     << QByteArray(R"j({"folder":"I","uidValidity":1,"uids":"1","add":["a)"]})j");
    QTest::newRow("flag recent") << flag
                                 << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","add":["\\Recent"]})");
    QTest::newRow("flag not string") << flag << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","add":[1]})");
    QTest::newRow("flags not a list") << flag
                                      << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","add":"\\Seen"})");
    QTest::newRow("move without target") << move << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1"})");
    QTest::newRow("move to itself") << move << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"I"})");
    QTest::newRow("move flagged before copy")
            << move << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T","flagged":true})");
    QTest::newRow("expunged before flagged")
            << remove << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","expunged":true})");
    QTest::newRow("flagged not a bool") << remove
                                        << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","flagged":"yes"})");
    QTest::newRow("copied not an object")
            << move << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T","copied":true})");
    QTest::newRow("copied bad uids")
            << move
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T","copied":{"uidValidity":1,)"
                          R"("uids":"x"}})");
    QTest::newRow("copy flagged")
            << copy
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T","copied":{"uidValidity":1,)"
                          R"("uids":"4"},"flagged":true})");
    QTest::newRow("copyRequested not an object")
            << move << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T","copyRequested":5})");
    QTest::newRow("copyRequested without uidNext")
            << move
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T",)"
                          R"("copyRequested":{"uidValidity":1}})");
    QTest::newRow("copyRequested uidNext 0")
            << move
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T",)"
                          R"("copyRequested":{"uidValidity":1,"uidNext":0}})");
    QTest::newRow("copyRequested uidValidity 0")
            << copy
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T",)"
                          R"("copyRequested":{"uidValidity":0,"uidNext":5}})");
    QTest::newRow("copyRequested uidNext past 2^32-1")
            << move
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T",)"
                          R"("copyRequested":{"uidValidity":1,"uidNext":4294967296}})");
    QTest::newRow("copyRequested uidNext string")
            << move
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T",)"
                          R"("copyRequested":{"uidValidity":1,"uidNext":"5"}})");
    QTest::newRow("delete with copyRequested")
            << remove
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","copyRequested":{"uidValidity":1,"uidNext":5}})");
    QTest::newRow("flag with copyRequested")
            << flag
            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","add":["\\Seen"],)"
                          R"("copyRequested":{"uidValidity":1,"uidNext":5}})");
    QTest::newRow("delete with target") << remove
                                        << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1","target":"T"})");
    QTest::newRow("append") << int(Operation::Kind::Append)
                            << QByteArray(R"({"folder":"I","uidValidity":1,"uids":"1"})");
}

void TestLocalActions::damagedPayloadIsAnError()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, payload);
    auto parsed = OperationPayload::fromJson(Operation::Kind(kind), payload);
    QVERIFY(!parsed.ok());
    QVERIFY(!parsed.error().message.isEmpty());
}

QTEST_GUILESS_MAIN(TestLocalActions)
#include "tst_localactions.moc"
