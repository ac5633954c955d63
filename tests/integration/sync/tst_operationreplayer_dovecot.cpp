// SPDX-License-Identifier: GPL-3.0-or-later
// The operation journal replayed on a real Dovecot: flags, MOVE, the COPY / STORE \Deleted /
// UID EXPUNGE fallback (which must never expunge another client's \Deleted message), resuming
// after a crash without copying twice (also when the COPY's answer was lost: the copies are found
// in the target by Message-ID, all or some of them), a move to a missing folder (nothing removed, the messages
// back in the store), changes made offline replayed after a restart, a UIDVALIDITY change or a
// vanished folder parking the operation, a damaged payload, a server without UIDPLUS, and a
// connection that dies between or during operations. Moves run with and without QRESYNC enabled.

#include "imap/copyjob.h"
#include "imap/enablejob.h"
#include "imap/fetchjob.h"
#include "imap/loginjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"
#include "support/dovecotfixture.h"
#include "sync/localactions.h"
#include "sync/messageconverter.h"
#include "sync/operationpayload.h"
#include "sync/operationreplayer.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Heron;
using Heron::Store::MessageFlags;
using Heron::Store::Operation;
using Heron::Sync::LocalActions;
using Heron::Sync::OperationReplayer;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kTimeoutMs = 60000;

QByteArray message(int index)
{
    return "From: Sender " + QByteArray::number(index) + " <sender@example.org>\r\n"
           "To: Receiver <receiver@example.org>\r\n"
           "Subject: Message " + QByteArray::number(index) + "\r\n"
           "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
           "Message-ID: <replay" + QByteArray::number(index) + "@heron.test>\r\n"
           "\r\nBody " + QByteArray::number(index) + "\r\n";
}

bool runJob(Imap::Job *job)
{
    job->setAutoDelete(false);
    QSignalSpy finished(job, &Imap::Job::finished);
    QSignalSpy failed(job, &Imap::Job::failed);
    job->start();
    (void)QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kTimeoutMs);
    if (!failed.isEmpty())
        qWarning() << job->metaObject()->className() << failed.first().first().value<Error>().message;
    return finished.size() == 1;
}

template <typename T>
QString errorText(const Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

bool hasFlag(const QStringList &flags, const QString &flag)
{
    return flags.contains(flag, Qt::CaseInsensitive);
}

// What a replay run ended with.
struct ReplayOutcome {
    bool finished = false;
    int done = 0;
    int failed = 0;
    QList<Error> errors;  // failed() emissions
    QList<std::pair<qint64, bool>> operations;
};

}  // namespace

class OperationReplayerDovecotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void flagChangesReachTheServer();
    void moveUsesMove();
    void copyFallbackExpungesOnlyTheMovedMessages_data();
    void copyFallbackExpungesOnlyTheMovedMessages();
    void copyIsReplayed();
    void deleteWithoutTrashExpungesOnlyTheseMessages();
    void resumedMoveDoesNotCopyTwice();
    void lostCopyAnswerAdoptsTheCopies();
    void lostCopyAnswerCopiesOnlyTheMissing();
    void moveToMissingFolderKeepsTheSource_data();
    void moveToMissingFolderKeepsTheSource();
    void offlineChangesAreReplayedAfterRestart();
    void uidValidityChangeParksTheOperation();
    void vanishedFolderParksTheOperation();
    void damagedPayloadFailsOnlyItsOperation();
    void withoutUidPlusSourcesStayFlaggedDeleted();
    void connectionDyingBetweenOperationsLeavesTheRestPending();
    void connectionDyingDuringAnOperationPutsItBackToPending();

private:
    std::unique_ptr<Imap::Session> openSession(DovecotFixture &fixture, const QString &user);
    std::unique_ptr<Imap::Session> openSession() { return openSession(m_fixture, m_user); }
    static bool enableQResync(Imap::Session *session);
    void qresyncColumn();
    qint64 folderId(const QString &path, const QString &specialUse = {});
    // Fills the store's folder from the server as a sync would: UIDVALIDITY, then every message's
    // metadata through FetchJob + metadataFromFetch + applySyncBatch.
    qint64 syncFolder(Imap::Session *session, const QString &path, const QString &specialUse = {});
    qint64 messageId(qint64 folderId, quint32 uid);
    ReplayOutcome replay(Imap::Session *session, bool useMove = true);
    Operation operation(qint64 id);
    QString deliverAll(const QString &folder, int count, const QStringList &flags = {});
    // What a run killed right after sending UID COPY leaves: the target's state before the COPY
    // recorded in the operation's payload, the COPY of copiedUids carried out, its answer lost.
    bool copyWithLostAnswer(Imap::Session *session, qint64 operationId, const UidSet &copiedUids);

    DovecotFixture m_fixture;
    QString m_user;
    int m_userIndex = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_database;
    qint64 m_accountId = 0;
};

void OperationReplayerDovecotTest::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    options.users.clear();
    for (int i = 0; i < 20; ++i)
        options.users.append(QStringLiteral("user%1").arg(i));
    options.compressDeflate = false;
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));
}

void OperationReplayerDovecotTest::cleanupTestCase()
{
    m_fixture.stop();
}

void OperationReplayerDovecotTest::init()
{
    // Each test gets a fresh user, so tests never see each other's mail.
    m_user = QStringLiteral("user%1").arg(m_userIndex++);
    m_dir = std::make_unique<QTemporaryDir>();
    auto opened = Store::Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(errorText(opened)));
    m_database = std::move(opened.value());
    auto account = Store::AccountStore(*m_database).add(QStringLiteral("acct"), m_user);
    QVERIFY(account.ok());
    m_accountId = *account;
}

void OperationReplayerDovecotTest::cleanup()
{
    m_database.reset();
    m_dir.reset();
}

std::unique_ptr<Imap::Session> OperationReplayerDovecotTest::openSession(DovecotFixture &fixture, const QString &user)
{
    auto session = std::make_unique<Imap::Session>();
    Imap::SessionSettings settings;
    settings.host = fixture.host();
    settings.port = fixture.imapPort();
    settings.security = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    session->setSettings(settings);
    QSignalSpy opened(session.get(), &Imap::Session::opened);
    session->open();
    if (!opened.wait(kTimeoutMs))
        return nullptr;
    auto login = std::make_unique<Imap::LoginJob>(session.get());
    login->setUserName(user);
    login->setPassword(fixture.password(user));
    if (!runJob(login.get()))
        return nullptr;
    return session;
}

bool OperationReplayerDovecotTest::enableQResync(Imap::Session *session)
{
    auto enable = std::make_unique<Imap::EnableJob>(session);
    enable->setCapabilities({QByteArrayLiteral("QRESYNC")});
    return runJob(enable.get()) && enable->enabled().contains("QRESYNC");
}

void OperationReplayerDovecotTest::qresyncColumn()
{
    // With QRESYNC enabled, SELECT closes the previous mailbox with [CLOSED] and expunges come
    // as VANISHED (RFC 7162 §3.2.10, §3.2.11): the replay must work both ways.
    QTest::addColumn<bool>("useMove");
    QTest::addColumn<bool>("qresync");
}

qint64 OperationReplayerDovecotTest::folderId(const QString &path, const QString &specialUse)
{
    Store::FolderStore folders(*m_database);
    auto id = folders.idForPath(m_accountId, path);
    if (id && *id != 0)
        return *id;
    Store::FolderListing listing;
    listing.path = path;
    listing.delimiter = QStringLiteral("/");
    listing.specialUse = specialUse;
    auto ids = folders.upsertFolders(m_accountId, {listing});
    return ids ? ids->constFirst() : 0;
}

qint64 OperationReplayerDovecotTest::syncFolder(Imap::Session *session, const QString &path,
                                                const QString &specialUse)
{
    const qint64 id = folderId(path, specialUse);
    if (!id)
        return 0;
    auto select = std::make_unique<Imap::SelectJob>(session);
    select->setMailbox(path.toUtf8());
    if (!runJob(select.get()))
        return 0;
    Store::FolderStore folders(*m_database);
    if (folders.folder(id)->state.uidValidity != select->uidValidity()) {
        if (auto reset = folders.resetForUidValidity(id, select->uidValidity()); !reset) {
            qWarning() << reset.error().message;
            return 0;
        }
    }
    if (select->exists() == 0)
        return id;
    Store::SyncBatch batch;
    batch.uidValidity = select->uidValidity();
    auto fetch = std::make_unique<Imap::FetchJob>(session);
    fetch->setUids(UidSet::fromRange(1, UidSet::kStar));
    fetch->setItems(Sync::metadataFetchItems(false));
    connect(fetch.get(), &Imap::FetchJob::messageFetched, this, [&batch](const Imap::FetchResponse &response) {
        Store::MessageMetadata metadata = Sync::metadataFromFetch(response);
        metadata.uid = response.uid.value_or(0);
        batch.messages.append(metadata);
    });
    if (!runJob(fetch.get()))
        return 0;
    if (auto applied = folders.applySyncBatch(id, batch); !applied) {
        qWarning() << applied.error().message;
        return 0;
    }
    return id;
}

qint64 OperationReplayerDovecotTest::messageId(qint64 folderId, quint32 uid)
{
    auto id = Store::MessageStore(*m_database).idForUid(folderId, uid);
    return id.ok() ? *id : 0;
}

ReplayOutcome OperationReplayerDovecotTest::replay(Imap::Session *session, bool useMove)
{
    ReplayOutcome outcome;
    OperationReplayer replayer(session, *m_database, m_accountId);
    replayer.setUseMove(useMove);
    connect(&replayer, &OperationReplayer::operationFinished, this,
            [&outcome](qint64 id, bool ok) { outcome.operations.append({id, ok}); });
    connect(&replayer, &OperationReplayer::finished, this, [&outcome](int done, int failed) {
        outcome.finished = true;
        outcome.done = done;
        outcome.failed = failed;
    });
    connect(&replayer, &OperationReplayer::failed, this,
            [&outcome](const Heron::Error &error) { outcome.errors.append(error); });
    replayer.start();
    (void)QTest::qWaitFor([&] { return outcome.finished || !outcome.errors.isEmpty(); }, kTimeoutMs);
    for (const Error &error : std::as_const(outcome.errors))
        qWarning() << "replay failed:" << error.message;
    return outcome;
}

Operation OperationReplayerDovecotTest::operation(qint64 id)
{
    auto stored = Store::OperationJournal(*m_database).operation(id);
    return stored.ok() ? *stored : Operation{};
}

QString OperationReplayerDovecotTest::deliverAll(const QString &folder, int count, const QStringList &flags)
{
    for (int i = 1; i <= count; ++i) {
        auto delivered = m_fixture.deliver(m_user, message(i), folder, flags);
        if (!delivered)
            return delivered.error().message;
    }
    return {};
}

void OperationReplayerDovecotTest::flagChangesReachTheServer()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 2), QString());
    QVERIFY(m_fixture.deliver(m_user, message(3), QStringLiteral("INBOX"), {QStringLiteral("\\Seen")}).ok());
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);

    LocalActions actions(*m_database);
    auto flagged = actions.setFlags({messageId(inbox, 1), messageId(inbox, 2)},
                                    MessageFlags::Seen | MessageFlags::Flagged, 0);
    QVERIFY2(flagged.ok(), qPrintable(errorText(flagged)));
    auto unread = actions.setFlags({messageId(inbox, 3)}, MessageFlags::Answered, MessageFlags::Seen);
    QVERIFY2(unread.ok(), qPrintable(errorText(unread)));

    const quint64 commands = session->stats().commands;
    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 2);
    QCOMPARE(outcome.failed, 0);
    // One SELECT for both operations of the folder, then +FLAGS, +FLAGS and -FLAGS.
    QCOMPARE(session->stats().commands - commands, quint64(4));
    QCOMPARE(outcome.operations.size(), 2);
    QCOMPARE(outcome.operations[0].first, flagged->at(0));  // oldest first

    for (quint32 uid : {1u, 2u}) {
        auto flags = m_fixture.flags(m_user, QStringLiteral("INBOX"), uid);
        QVERIFY(flags.ok());
        QVERIFY2(hasFlag(*flags, QStringLiteral("\\Seen")) && hasFlag(*flags, QStringLiteral("\\Flagged")),
                 qPrintable(flags->join(QLatin1Char(' '))));
    }
    auto third = m_fixture.flags(m_user, QStringLiteral("INBOX"), 3);
    QVERIFY(third.ok());
    QVERIFY(!hasFlag(*third, QStringLiteral("\\Seen")));
    QVERIFY(hasFlag(*third, QStringLiteral("\\Answered")));
    QCOMPARE(operation(flagged->at(0)).state, Operation::State::Done);
    QCOMPARE(operation(unread->at(0)).state, Operation::State::Done);

    // Nothing left: a second run does nothing.
    const ReplayOutcome again = replay(session.get());
    QVERIFY(again.finished);
    QCOMPARE(again.done + again.failed, 0);
}

void OperationReplayerDovecotTest::moveUsesMove()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 3), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));
    auto session = openSession();
    QVERIFY(session);
    QVERIFY(session->hasCapability("MOVE"));
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    const qint64 archive = folderId(QStringLiteral("Archive"));

    auto moved = LocalActions(*m_database).move({messageId(inbox, 1), messageId(inbox, 3)}, archive);
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
    QCOMPARE(Store::FolderStore(*m_database).folder(inbox)->messageCount, 1);

    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromValues(QList<quint32>{2}));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(2));
    // MOVE is one atomic command: no COPY step was recorded.
    const Operation done = operation(moved->at(0));
    QCOMPARE(done.state, Operation::State::Done);
    QVERIFY(!Sync::OperationPayload::fromJson(done.kind, done.payload)->copied);
}

void OperationReplayerDovecotTest::copyFallbackExpungesOnlyTheMovedMessages_data()
{
    qresyncColumn();
    QTest::newRow("plain") << false << false;
    QTest::newRow("QRESYNC") << false << true;
}

void OperationReplayerDovecotTest::copyFallbackExpungesOnlyTheMovedMessages()
{
    QFETCH(bool, qresync);
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 3), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));
    // Another device marked UID 3 \Deleted and has not expunged it: it must survive our expunge.
    QVERIFY(m_fixture.setFlags(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<quint32>{3}),
                               {QStringLiteral("\\Deleted")}));
    auto session = openSession();
    QVERIFY(session);
    QVERIFY(!qresync || enableQResync(session.get()));
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    // Another folder selected last, as a sync would leave it.
    QVERIFY(syncFolder(session.get(), QStringLiteral("Archive")));
    const qint64 archive = folderId(QStringLiteral("Archive"));
    const quint32 archiveValidity = m_fixture.status(m_user, QStringLiteral("Archive"))->uidValidity;

    auto moved = LocalActions(*m_database).move({messageId(inbox, 1), messageId(inbox, 2)}, archive);
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));

    const ReplayOutcome outcome = replay(session.get(), false);
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(outcome.failed, 0);
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromValues(QList<quint32>{3}));
    QVERIFY(hasFlag(*m_fixture.flags(m_user, QStringLiteral("INBOX"), 3), QStringLiteral("\\Deleted")));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(2));

    // Every step was recorded as it completed, the COPYUID first.
    const Operation done = operation(moved->at(0));
    QCOMPARE(done.state, Operation::State::Done);
    auto payload = Sync::OperationPayload::fromJson(done.kind, done.payload);
    QVERIFY2(payload.ok(), qPrintable(errorText(payload)));
    QVERIFY(payload->copied);
    QCOMPARE(payload->copied->uidValidity, archiveValidity);
    QCOMPARE(payload->copied->uids, *m_fixture.uids(m_user, QStringLiteral("Archive")));
    QVERIFY(payload->flagged);
    QVERIFY(payload->expunged);
}

void OperationReplayerDovecotTest::copyIsReplayed()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 2), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Keep")));
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);

    auto copied = LocalActions(*m_database).copy({messageId(inbox, 2)}, folderId(QStringLiteral("Keep")));
    QVERIFY2(copied.ok(), qPrintable(errorText(copied)));
    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("INBOX")), quint32(2));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Keep")), quint32(1));
    QVERIFY(Sync::OperationPayload::fromJson(Operation::Kind::Copy, operation(copied->at(0)).payload)->copied);
}

void OperationReplayerDovecotTest::deleteWithoutTrashExpungesOnlyTheseMessages()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 3), QString());
    QVERIFY(m_fixture.setFlags(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<quint32>{1}),
                               {QStringLiteral("\\Deleted")}));
    auto session = openSession();
    QVERIFY(session);
    // The store knows no Trash folder: deleting is \Deleted + UID EXPUNGE.
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    auto removed = LocalActions(*m_database).remove({messageId(inbox, 2)});
    QVERIFY2(removed.ok(), qPrintable(errorText(removed)));
    QCOMPARE(operation(removed->at(0)).kind, Operation::Kind::Delete);

    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromValues(QList<quint32>{1, 3}));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Trash")), quint32(0));
}

void OperationReplayerDovecotTest::resumedMoveDoesNotCopyTwice()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 2), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    auto moved = LocalActions(*m_database).move({messageId(inbox, 1), messageId(inbox, 2)},
                                                folderId(QStringLiteral("Archive")));
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
    const qint64 id = moved->at(0);

    // A previous run got as far as the COPY and recorded its COPYUID, then the process died: the
    // operation is in flight with "copied" in its payload.
    auto select = std::make_unique<Imap::SelectJob>(session.get());
    select->setMailbox("INBOX");
    QVERIFY(runJob(select.get()));
    auto copy = std::make_unique<Imap::CopyJob>(session.get());
    copy->setUids(UidSet::fromRange(1, 2));
    copy->setDestination("Archive");
    QVERIFY(runJob(copy.get()));
    QVERIFY(copy->copyUid());
    Store::OperationJournal journal(*m_database);
    auto payload = Sync::OperationPayload::fromJson(Operation::Kind::Move, operation(id).payload);
    QVERIFY(payload.ok());
    payload.value().copied = Sync::OperationPayload::Copied{copy->copyUid()->uidValidity,
                                                            copy->copyUid()->destinationUids};
    QVERIFY(journal.markInFlight(id).ok());
    QVERIFY(journal.updatePayload(id, payload->toJson(Operation::Kind::Move)).ok());
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(2));

    // MOVE is allowed, but the copies exist already: the replay goes on with STORE and EXPUNGE.
    const ReplayOutcome outcome = replay(session.get(), true);
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(2));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("INBOX")), quint32(0));
    const Operation done = operation(id);
    QCOMPARE(done.state, Operation::State::Done);
    QCOMPARE(done.attempts, 2);
    auto recorded = Sync::OperationPayload::fromJson(done.kind, done.payload);
    QCOMPARE(recorded->copied->uids, copy->copyUid()->destinationUids);
}

bool OperationReplayerDovecotTest::copyWithLostAnswer(Imap::Session *session, qint64 operationId,
                                                     const UidSet &copiedUids)
{
    auto payload = Sync::OperationPayload::fromJson(Operation::Kind::Move, operation(operationId).payload);
    auto before = m_fixture.status(m_user, payload ? payload->target : QString());
    if (!payload || !before)
        return false;
    payload.value().copyRequested = Sync::OperationPayload::CopyRequest{before->uidValidity, before->uidNext};
    Store::OperationJournal journal(*m_database);
    if (!journal.markInFlight(operationId).ok() ||
        !journal.updatePayload(operationId, payload->toJson(Operation::Kind::Move)).ok())
        return false;
    auto select = std::make_unique<Imap::SelectJob>(session);
    select->setMailbox(payload->folder.toUtf8());
    if (!runJob(select.get()))
        return false;
    auto copy = std::make_unique<Imap::CopyJob>(session);
    copy->setUids(copiedUids);
    copy->setDestination(payload->target.toUtf8());
    return runJob(copy.get());
}

void OperationReplayerDovecotTest::lostCopyAnswerAdoptsTheCopies()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 3), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));
    // The target already held a copy of message 1 before: it is not the one the lost COPY made.
    QVERIFY(m_fixture.deliver(m_user, message(1), QStringLiteral("Archive")));
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    auto moved = LocalActions(*m_database).move({messageId(inbox, 1), messageId(inbox, 2)},
                                                folderId(QStringLiteral("Archive")));
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
    const qint64 id = moved->at(0);
    QVERIFY(copyWithLostAnswer(session.get(), id, UidSet::fromRange(1, 2)));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(3));

    // MOVE is allowed, but a COPY may have been made: the replay finds both copies, copies
    // nothing, and removes the sources.
    const ReplayOutcome outcome = replay(session.get(), true);
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(outcome.failed, 0);
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(3));
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromValues(QList<quint32>{3}));
    const Operation done = operation(id);
    QCOMPARE(done.state, Operation::State::Done);
    auto recorded = Sync::OperationPayload::fromJson(done.kind, done.payload);
    QVERIFY2(recorded.ok(), qPrintable(errorText(recorded)));
    QVERIFY(recorded->copied);
    QCOMPARE(recorded->copied->uidValidity, m_fixture.status(m_user, QStringLiteral("Archive"))->uidValidity);
    QCOMPARE(recorded->copied->uids, UidSet::fromRange(2, 3));
    QVERIFY(recorded->flagged);
    QVERIFY(recorded->expunged);
}

void OperationReplayerDovecotTest::lostCopyAnswerCopiesOnlyTheMissing()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 4), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    auto moved = LocalActions(*m_database).move(
            {messageId(inbox, 1), messageId(inbox, 2), messageId(inbox, 3)}, folderId(QStringLiteral("Archive")));
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
    const qint64 id = moved->at(0);
    // Only message 2 reached the target before the answer was lost.
    QVERIFY(copyWithLostAnswer(session.get(), id, UidSet::fromValues(QList<quint32>{2})));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(1));

    const ReplayOutcome outcome = replay(session.get(), false);
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(outcome.failed, 0);
    // Messages 1 and 3 copied now, 2 not a second time; all three gone from the source.
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(3));
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromValues(QList<quint32>{4}));
    const Operation done = operation(id);
    QCOMPARE(done.state, Operation::State::Done);
    auto recorded = Sync::OperationPayload::fromJson(done.kind, done.payload);
    QVERIFY2(recorded.ok(), qPrintable(errorText(recorded)));
    QVERIFY(recorded->copied);
    QCOMPARE(recorded->copied->uids, *m_fixture.uids(m_user, QStringLiteral("Archive")));
    QVERIFY(recorded->flagged);
    QVERIFY(recorded->expunged);
}

void OperationReplayerDovecotTest::moveToMissingFolderKeepsTheSource_data()
{
    qresyncColumn();
    QTest::newRow("MOVE") << true << false;
    QTest::newRow("COPY fallback") << false << false;
    QTest::newRow("MOVE, QRESYNC") << true << true;
    QTest::newRow("COPY fallback, QRESYNC") << false << true;
}

void OperationReplayerDovecotTest::moveToMissingFolderKeepsTheSource()
{
    QFETCH(bool, useMove);
    QFETCH(bool, qresync);
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 3), QString());
    auto session = openSession();
    QVERIFY(session);
    QVERIFY(!qresync || enableQResync(session.get()));
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    const Store::MessageMetadata before = *Store::MessageStore(*m_database).message(messageId(inbox, 2));
    // Known here, deleted on the server by another device since.
    const qint64 gone = folderId(QStringLiteral("Projects/Gone"));

    auto moved = LocalActions(*m_database).move({messageId(inbox, 1), messageId(inbox, 2)}, gone);
    QVERIFY2(moved.ok(), qPrintable(errorText(moved)));
    QCOMPARE(Store::FolderStore(*m_database).folder(inbox)->messageCount, 1);

    const ReplayOutcome outcome = replay(session.get(), useMove);
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 0);
    QCOMPARE(outcome.failed, 1);
    const Operation failed = operation(moved->at(0));
    QCOMPARE(failed.state, Operation::State::Failed);
    QVERIFY2(failed.lastError.contains(QLatin1StringView("Projects/Gone does not exist on the server")) &&
                     failed.lastError.contains(QLatin1StringView("stay in INBOX")),
             qPrintable(failed.lastError));

    // Nothing was removed on the server, nothing flagged \Deleted.
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromRange(1, 3));
    for (quint32 uid : {1u, 2u})
        QVERIFY(!hasFlag(*m_fixture.flags(m_user, QStringLiteral("INBOX"), uid), QStringLiteral("\\Deleted")));
    // And the messages are back in the store, with their metadata.
    const Store::FolderRecord folder = *Store::FolderStore(*m_database).folder(inbox);
    QCOMPARE(folder.messageCount, 3);
    QCOMPARE(*Store::MessageStore(*m_database).uids(inbox), UidSet::fromRange(1, 3));
    const Store::MessageMetadata after = *Store::MessageStore(*m_database).message(messageId(inbox, 2));
    QCOMPARE(after.subject, before.subject);
    QCOMPARE(after.messageId, before.messageId);
    QCOMPARE(after.flags, before.flags);
}

void OperationReplayerDovecotTest::offlineChangesAreReplayedAfterRestart()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 3), QString());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));
    {
        auto session = openSession();
        QVERIFY(session);
        QVERIFY(syncFolder(session.get(), QStringLiteral("INBOX")));
        QVERIFY(syncFolder(session.get(), QStringLiteral("Trash"), QStringLiteral("\\Trash")));
        QSignalSpy closed(session.get(), &Imap::Session::closed);
        session->logout();
        QVERIFY(closed.wait(kTimeoutMs));
    }

    // Offline: no connection at all. The changes are made locally and journaled.
    const qint64 inbox = folderId(QStringLiteral("INBOX"));
    LocalActions actions(*m_database);
    QVERIFY(actions.setFlags({messageId(inbox, 1)}, MessageFlags::Flagged, 0).ok());
    QVERIFY(actions.move({messageId(inbox, 2)}, folderId(QStringLiteral("Archive"))).ok());
    QVERIFY(actions.remove({messageId(inbox, 3)}).ok());
    QCOMPARE(Store::FolderStore(*m_database).folder(inbox)->messageCount, 1);

    // A replay attempt without a connection changes nothing and says so.
    {
        Imap::Session disconnected;
        const ReplayOutcome offline = replay(&disconnected);
        QVERIFY(!offline.finished);
        QCOMPARE(offline.errors.size(), 1);
        QCOMPARE(offline.errors[0].code, Error::Code::Network);
        QCOMPARE(Store::OperationJournal(*m_database).inState(m_accountId, Operation::State::Pending)->size(), 3);
    }

    // Restart: the store is closed and opened again from its file, with a new connection.
    const QString path = m_database->path();
    m_database.reset();
    auto reopened = Store::Database::open(path);
    QVERIFY2(reopened.ok(), qPrintable(errorText(reopened)));
    m_database = std::move(reopened.value());
    QCOMPARE(Store::OperationJournal(*m_database).unfinished(m_accountId)->size(), 3);
    QCOMPARE(Store::FolderStore(*m_database).folder(inbox)->messageCount, 1);

    auto session = openSession();
    QVERIFY(session);
    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 3);
    QCOMPARE(outcome.failed, 0);
    QCOMPARE(*m_fixture.uids(m_user, QStringLiteral("INBOX")), UidSet::fromValues(QList<quint32>{1}));
    QVERIFY(hasFlag(*m_fixture.flags(m_user, QStringLiteral("INBOX"), 1), QStringLiteral("\\Flagged")));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Archive")), quint32(1));
    QCOMPARE(*m_fixture.messageCount(m_user, QStringLiteral("Trash")), quint32(1));
    QVERIFY(Store::OperationJournal(*m_database).unfinished(m_accountId)->isEmpty());
}

void OperationReplayerDovecotTest::uidValidityChangeParksTheOperation()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 2), QString());
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    auto flagged = LocalActions(*m_database).setFlags({messageId(inbox, 1)}, MessageFlags::Flagged, 0);
    QVERIFY(flagged.ok());
    QVERIFY(m_fixture.resetUidValidity(m_user, QStringLiteral("INBOX")));

    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 0);
    QCOMPARE(outcome.failed, 1);
    const Operation parked = operation(flagged->at(0));
    QCOMPARE(parked.state, Operation::State::Parked);
    QVERIFY2(parked.lastError.contains(QLatin1StringView("rebuilt on the server")), qPrintable(parked.lastError));
    QVERIFY(!hasFlag(*m_fixture.flags(m_user, QStringLiteral("INBOX"), 1), QStringLiteral("\\Flagged")));
}

void OperationReplayerDovecotTest::vanishedFolderParksTheOperation()
{
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Old")));
    QVERIFY(m_fixture.deliver(m_user, message(1), QStringLiteral("Old")).ok());
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 1), QString());
    auto session = openSession();
    QVERIFY(session);
    const qint64 old = syncFolder(session.get(), QStringLiteral("Old"));
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(old && inbox);
    LocalActions actions(*m_database);
    auto first = actions.setFlags({messageId(old, 1)}, MessageFlags::Seen, 0);
    auto second = actions.setFlags({messageId(inbox, 1)}, MessageFlags::Seen, 0);
    QVERIFY(first.ok() && second.ok());
    // The folder disappears from the store (a sync saw it deleted): its operation loses its folder.
    QVERIFY(Store::FolderStore(*m_database).removeFolder(old).ok());
    QCOMPARE(operation(first->at(0)).folderId, qint64(0));

    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(outcome.failed, 1);
    QCOMPARE(operation(first->at(0)).state, Operation::State::Parked);
    QCOMPARE(operation(second->at(0)).state, Operation::State::Done);
    QVERIFY(!hasFlag(*m_fixture.flags(m_user, QStringLiteral("Old"), 1), QStringLiteral("\\Seen")));
}

void OperationReplayerDovecotTest::damagedPayloadFailsOnlyItsOperation()
{
    QCOMPARE(deliverAll(QStringLiteral("INBOX"), 1), QString());
    auto session = openSession();
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    Store::OperationJournal journal(*m_database);
    Operation damaged;
    damaged.accountId = m_accountId;
    damaged.folderId = inbox;
    damaged.kind = Operation::Kind::Flag;
    damaged.payload = R"({"folder":"INBOX","uidValidity":1,"uids":"1:*","add":["\\Deleted"]})";
    auto damagedId = journal.append(damaged);
    QVERIFY(damagedId.ok());
    auto flagged = LocalActions(*m_database).setFlags({messageId(inbox, 1)}, MessageFlags::Flagged, 0);
    QVERIFY(flagged.ok());

    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(outcome.failed, 1);
    const Operation failed = operation(*damagedId);
    QCOMPARE(failed.state, Operation::State::Failed);
    QVERIFY2(failed.lastError.contains(QLatin1StringView("damaged")), qPrintable(failed.lastError));
    const QStringList flags = *m_fixture.flags(m_user, QStringLiteral("INBOX"), 1);
    QVERIFY(hasFlag(flags, QStringLiteral("\\Flagged")));
    QVERIFY(!hasFlag(flags, QStringLiteral("\\Deleted")));
}

void OperationReplayerDovecotTest::withoutUidPlusSourcesStayFlaggedDeleted()
{
    // A server without MOVE and UIDPLUS: COPY, STORE \Deleted, and no expunge at all, since a
    // bare EXPUNGE would take the other client's \Deleted message with it.
    DovecotFixture fixture;
    DovecotFixture::Options options;
    options.users = {QStringLiteral("old")};
    options.compressDeflate = false;
    options.imapCapability = QStringLiteral("IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE "
                                            "UNSELECT CHILDREN SPECIAL-USE");
    QVERIFY2(fixture.start(options), qPrintable(fixture.errorString()));
    const QString user = QStringLiteral("old");
    for (int i = 1; i <= 3; ++i)
        QVERIFY(fixture.deliver(user, message(i)).ok());
    QVERIFY(fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromValues(QList<quint32>{3}),
                             {QStringLiteral("\\Deleted")}));
    QVERIFY(fixture.createFolder(user, QStringLiteral("Archive")));
    auto session = openSession(fixture, user);
    QVERIFY(session);
    QVERIFY(!session->hasCapability("UIDPLUS"));
    QVERIFY(!session->hasCapability("MOVE"));
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);

    auto moved = LocalActions(*m_database).move({messageId(inbox, 1)}, folderId(QStringLiteral("Archive")));
    QVERIFY(moved.ok());
    const ReplayOutcome outcome = replay(session.get());
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.done, 1);
    QCOMPARE(*fixture.messageCount(user, QStringLiteral("Archive")), quint32(1));
    QCOMPARE(*fixture.uids(user, QStringLiteral("INBOX")), UidSet::fromRange(1, 3));
    QVERIFY(hasFlag(*fixture.flags(user, QStringLiteral("INBOX"), 1), QStringLiteral("\\Deleted")));
    QVERIFY(!hasFlag(*fixture.flags(user, QStringLiteral("INBOX"), 2), QStringLiteral("\\Deleted")));
    auto payload = Sync::OperationPayload::fromJson(Operation::Kind::Move, operation(moved->at(0)).payload);
    QVERIFY(payload->copied && payload->flagged && !payload->expunged);
    fixture.stop();
}

void OperationReplayerDovecotTest::connectionDyingBetweenOperationsLeavesTheRestPending()
{
    // Its own server, since stopping it removes its mail.
    DovecotFixture fixture;
    DovecotFixture::Options options;
    options.users = {QStringLiteral("mortal")};
    options.compressDeflate = false;
    QVERIFY2(fixture.start(options), qPrintable(fixture.errorString()));
    const QString user = QStringLiteral("mortal");
    for (int i = 1; i <= 5; ++i)
        QVERIFY(fixture.deliver(user, message(i)).ok());
    auto session = openSession(fixture, user);
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    LocalActions actions(*m_database);
    QList<qint64> operations;
    for (quint32 uid = 1; uid <= 5; ++uid) {
        auto flagged = actions.setFlags({messageId(inbox, uid)}, MessageFlags::Flagged, 0);
        QVERIFY(flagged.ok());
        operations.append(flagged->at(0));
    }

    OperationReplayer replayer(session.get(), *m_database, m_accountId);
    QSignalSpy finished(&replayer, &OperationReplayer::finished);
    QSignalSpy failed(&replayer, &OperationReplayer::failed);
    QList<qint64> replayed;
    // The server goes away right after the first operation, and the session learns it before
    // the replayer moves on. The session is told here, from the slot, rather than left to read
    // the close from the socket: waiting for that inside this slot would mean a nested event loop
    // within the socket's readyRead (where qWaitFor() deletes the socket under it), and waiting
    // outside would let the replayer's queued next operation go first.
    Imap::Session *raw = session.get();
    connect(&replayer, &OperationReplayer::operationFinished, this, [&](qint64 id, bool ok) {
        replayed.append(id);
        QVERIFY(ok);
        if (replayed.size() != 1)
            return;
        fixture.stop();
        raw->abort(makeError(Error::Code::Network, QStringLiteral("The server went away.")));
        QCOMPARE(raw->state(), Imap::Session::State::Disconnected);
    });
    replayer.start();
    QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty() || !finished.isEmpty(); }, kTimeoutMs));
    QCOMPARE(failed.size(), 1);
    QVERIFY(finished.isEmpty());
    QVERIFY(!replayer.isRunning());
    QCOMPARE(replayed, QList<qint64>{operations[0]});

    // The first stays done; the rest wait untouched, none left in flight.
    QCOMPARE(operation(operations[0]).state, Operation::State::Done);
    for (qsizetype i = 1; i < operations.size(); ++i) {
        QCOMPARE(operation(operations[i]).state, Operation::State::Pending);
        QCOMPARE(operation(operations[i]).attempts, 0);
    }
    QCOMPARE(Store::OperationJournal(*m_database).unfinished(m_accountId)->size(), 4);

    // Starting again on the dead session fails at once, cleanly.
    replayer.start();
    QVERIFY(failed.wait(kTimeoutMs));
    QCOMPARE(failed.size(), 2);
    QCOMPARE(Store::OperationJournal(*m_database).inState(m_accountId, Operation::State::Pending)->size(), 4);
}

void OperationReplayerDovecotTest::connectionDyingDuringAnOperationPutsItBackToPending()
{
    DovecotFixture fixture;
    DovecotFixture::Options options;
    options.users = {QStringLiteral("mortal")};
    options.compressDeflate = false;
    QVERIFY2(fixture.start(options), qPrintable(fixture.errorString()));
    const QString user = QStringLiteral("mortal");
    for (int i = 1; i <= 4; ++i)
        QVERIFY(fixture.deliver(user, message(i)).ok());
    QVERIFY(fixture.createFolder(user, QStringLiteral("Archive")));
    auto session = openSession(fixture, user);
    QVERIFY(session);
    const qint64 inbox = syncFolder(session.get(), QStringLiteral("INBOX"));
    QVERIFY(inbox);
    LocalActions actions(*m_database);
    QList<qint64> operations;
    for (quint32 uid = 1; uid <= 4; ++uid) {
        auto moved = actions.move({messageId(inbox, uid)}, folderId(QStringLiteral("Archive")));
        QVERIFY(moved.ok());
        operations.append(moved->at(0));
    }

    OperationReplayer replayer(session.get(), *m_database, m_accountId);
    replayer.setUseMove(false);  // several commands per operation
    QSignalSpy finished(&replayer, &OperationReplayer::finished);
    QSignalSpy failed(&replayer, &OperationReplayer::failed);
    QSignalSpy operationFinished(&replayer, &OperationReplayer::operationFinished);
    // The server is stopped at the first moment an operation is in flight, a command of it
    // on the wire.
    qint64 interrupted = 0;
    QTimer watch;
    watch.setInterval(0);
    connect(&watch, &QTimer::timeout, this, [&] {
        auto inFlight = Store::OperationJournal(*m_database).inState(m_accountId, Operation::State::InFlight);
        if (!inFlight || inFlight->isEmpty())
            return;
        interrupted = inFlight->constFirst().id;
        watch.stop();
        fixture.stop();
    });
    watch.start();
    replayer.start();
    QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty() || !finished.isEmpty(); }, kTimeoutMs));
    watch.stop();
    QVERIFY(interrupted != 0);
    QCOMPARE(failed.size(), 1);
    QVERIFY(finished.isEmpty());
    QVERIFY(!replayer.isRunning());
    QCOMPARE(failed.first().first().value<Error>().code == Error::Code::Network ||
                     failed.first().first().value<Error>().code == Error::Code::ServerBye,
             true);

    // The interrupted operation waits again, its error kept for display, its attempt counted.
    const Operation back = operation(interrupted);
    QCOMPARE(back.state, Operation::State::Pending);
    QVERIFY(!back.lastError.isEmpty());
    QCOMPARE(back.attempts, 1);
    QVERIFY(Store::OperationJournal(*m_database).inState(m_accountId, Operation::State::InFlight)->isEmpty());
    QCOMPARE(Store::OperationJournal(*m_database).unfinished(m_accountId)->size(),
             qsizetype(operations.size() - operationFinished.size()));
}

QTEST_GUILESS_MAIN(OperationReplayerDovecotTest)
#include "tst_operationreplayer_dovecot.moc"
