// SPDX-License-Identifier: GPL-3.0-or-later
// The sync engine over whole accounts against a real Dovecot: two accounts synchronized at once,
// the folder tree and the messages of selected folders kept equal to the server after one
// incremental round whatever another device did (for each strategy, forced by the account's
// setting), a broken account not stalling a good one, push through IDLE and NOTIFY, and local
// actions made with the server away replayed at the next round.

#include "accounts/profile.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"
#include "store/searchquery.h"
#include "support/dovecotfixture.h"
#include "sync/localactions.h"
#include "sync/syncengine.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using Accounts::SyncStrategy;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kTimeoutMs = 60000;

QByteArray message(const QByteArray &tag, const QByteArray &extraHeaders = {})
{
    return "From: Sender <sender@example.org>\r\n"
           "To: Receiver <receiver@example.org>\r\n"
           "Subject: " +
           tag +
           "\r\n"
           "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
           "Message-ID: <" +
           tag + "@heron.test>\r\n" + extraHeaders + "\r\nBody of " + tag + "\r\n";
}

}  // namespace

class SyncEngineDovecotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void twoAccountsFollowEveryChange_data();
    void twoAccountsFollowEveryChange();
    void brokenAccountDoesNotStallOthers();
    void idlePushIsSeenQuickly();
    void notifyPushIsSeenQuickly();
    void offlineActionsAreReplayedAtTheNextRound();
    void bounceIsLinkedToItsOriginal();
    void deselectedFolderIsForgottenAndFetchedAgain();
    void unchangedFoldersFinishInOneCommit();
    void reconnectsAfterTheConnectionIsLost();
    void fetchedTextIsSearchable();
    void serverSearchFindsWhatTheStoreLacks();

private:
    QString nextUser() { return QStringLiteral("user%1").arg(m_userIndex++); }
    std::optional<Accounts::Account> addAccount(DovecotFixture &fixture, const QString &user,
                                                SyncStrategy strategy = SyncStrategy::Automatic, quint16 port = 0);
    bool syncOnce(Sync::SyncEngine &engine, const QList<qint64> &ids = {}, bool full = false);
    // Store and server agree on the folder tree and, for selected folders, on UIDs and flags.
    QString differences(DovecotFixture &fixture, const Accounts::Account &account);
    qint64 folderId(const Accounts::Account &account, const QString &path);

    DovecotFixture m_fixture;
    DovecotFixture m_idleOnly;  // a server that does not advertise NOTIFY
    int m_userIndex = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Accounts::Profile> m_profile;
};

void SyncEngineDovecotTest::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    options.users.clear();
    for (int i = 0; i < 30; ++i)
        options.users.append(QStringLiteral("user%1").arg(i));
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));
    DovecotFixture::Options idleOnly = options;
    idleOnly.imapCapability = QStringLiteral(
            "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN "
            "NAMESPACE UIDPLUS LIST-EXTENDED CONDSTORE QRESYNC ESEARCH LIST-STATUS BINARY MOVE LITERAL+ SPECIAL-USE");
    QVERIFY2(m_idleOnly.start(idleOnly), qPrintable(m_idleOnly.errorString()));
}

void SyncEngineDovecotTest::cleanupTestCase()
{
    m_fixture.stop();
    m_idleOnly.stop();
}

void SyncEngineDovecotTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    Accounts::Profile::Options options;
    options.allowInsecurePasswordStore = true;
    auto opened = Accounts::Profile::open(m_dir->filePath(QStringLiteral("profile")), options);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    m_profile = std::move(opened.value());
}

void SyncEngineDovecotTest::cleanup()
{
    m_profile.reset();
    m_dir.reset();
}

std::optional<Accounts::Account> SyncEngineDovecotTest::addAccount(DovecotFixture &fixture, const QString &user,
                                                                   SyncStrategy strategy, quint16 port)
{
    Accounts::AccountSettings settings;
    settings.email = user + QStringLiteral("@heron.test");
    settings.displayName = user;
    settings.imapHost = fixture.host();
    settings.imapPort = port != 0 ? port : fixture.imapPort();
    settings.imapSecurity = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.userName = user;
    settings.passwordStorage = Accounts::PasswordStorage::ProfileFile;
    settings.sync.strategy = strategy;
    settings.sync.pollIntervalSeconds = 3600;  // only push or explicit requests start rounds here
    auto added = m_profile->addAccount(settings);
    if (!added) {
        qWarning() << added.error().message;
        return std::nullopt;
    }
    Accounts::PasswordStore *store = m_profile->passwordStore(Accounts::PasswordStorage::ProfileFile);
    bool written = false;
    bool done = false;
    store->writePassword(added->settings.key, fixture.password(user), [&](Result<bool> result) {
        written = result.ok();
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, kTimeoutMs) || !written)
        return std::nullopt;
    return *added;
}

bool SyncEngineDovecotTest::syncOnce(Sync::SyncEngine &engine, const QList<qint64> &ids, bool full)
{
    QSignalSpy done(&engine, &Sync::SyncEngine::roundsFinished);
    engine.syncOnce(ids, full);
    return done.wait(kTimeoutMs);
}

qint64 SyncEngineDovecotTest::folderId(const Accounts::Account &account, const QString &path)
{
    auto id = Store::FolderStore(m_profile->database()).idForPath(account.id, path);
    return id ? *id : 0;
}

QString SyncEngineDovecotTest::differences(DovecotFixture &fixture, const Accounts::Account &account)
{
    const QString user = account.settings.userName;
    auto serverFolders = fixture.folders(user);
    if (!serverFolders)
        return serverFolders.error().message;
    auto local = Store::FolderStore(m_profile->database()).folders(account.id);
    if (!local)
        return local.error().message;
    QStringList problems;
    QStringList localPaths;
    for (const Store::FolderRecord &folder : *local)
        localPaths.append(folder.listing.path);
    QStringList expected = *serverFolders;
    expected.sort();
    localPaths.sort();
    if (expected != localPaths)
        problems << QStringLiteral("folders %1, server %2")
                            .arg(localPaths.join(QLatin1Char(',')), expected.join(QLatin1Char(',')));
    for (const Store::FolderRecord &folder : *local) {
        if (!folder.selectedForSync)
            continue;
        auto uids = fixture.uids(user, folder.listing.path);
        auto flags = Store::MessageStore(m_profile->database()).flagsByUid(folder.id);
        if (!uids || !flags)
            return QStringLiteral("cannot read %1").arg(folder.listing.path);
        if (quint64(flags->size()) != uids->count())
            problems << QStringLiteral("%1: %2 stored, %3 on the server")
                                .arg(folder.listing.path)
                                .arg(flags->size())
                                .arg(uids->count());
        for (quint32 uid : uids->toList()) {
            if (!flags->contains(uid)) {
                problems << QStringLiteral("%1: UID %2 missing").arg(folder.listing.path).arg(uid);
                continue;
            }
            auto serverFlags = fixture.flags(user, folder.listing.path, uid);
            Store::MessageFlags wanted = Store::MessageFlags::fromStrings(serverFlags ? *serverFlags : QStringList());
            wanted.normalize();
            Store::MessageFlags stored = flags->value(uid);
            stored.normalize();
            if (!(wanted == stored))
                problems << QStringLiteral("%1: UID %2 flags %3, server %4")
                                    .arg(folder.listing.path)
                                    .arg(uid)
                                    .arg(stored.toStrings().join(QLatin1Char(' ')),
                                         wanted.toStrings().join(QLatin1Char(' ')));
        }
    }
    return problems.join(QStringLiteral("; "));
}

// --- Tests -----------------------------------------------------------------------------------------

void SyncEngineDovecotTest::twoAccountsFollowEveryChange_data()
{
    QTest::addColumn<SyncStrategy>("strategy");
    QTest::newRow("qresync") << SyncStrategy::QResync;
    QTest::newRow("condstore") << SyncStrategy::CondStore;
    QTest::newRow("plain") << SyncStrategy::Plain;
}

void SyncEngineDovecotTest::twoAccountsFollowEveryChange()
{
    QFETCH(SyncStrategy, strategy);
    const QString alice = nextUser();
    const QString bob = nextUser();
    for (const QString &user : {alice, bob}) {
        for (int i = 1; i <= 12; ++i)
            QVERIFY(m_fixture.deliver(user, message(user.toUtf8() + "-in-" + QByteArray::number(i))).ok());
        for (int i = 1; i <= 4; ++i)
            QVERIFY(m_fixture
                            .deliver(user, message(user.toUtf8() + "-sent-" + QByteArray::number(i)),
                                     QStringLiteral("Sent"))
                            .ok());
        QVERIFY(m_fixture.createFolder(user, QStringLiteral("Projects")));
        QVERIFY(m_fixture.createFolder(user, QStringLiteral("Projects/Old")));
        QVERIFY(m_fixture.createFolder(user, QStringLiteral("Trip")));
        QVERIFY(m_fixture.deliver(user, message(user.toUtf8() + "-project"), QStringLiteral("Projects")).ok());
    }
    auto aliceAccount = addAccount(m_fixture, alice, strategy);
    auto bobAccount = addAccount(m_fixture, bob, strategy);
    QVERIFY(aliceAccount && bobAccount);

    Sync::SyncEngine engine(*m_profile);
    QSignalSpy rounds(&engine, &Sync::SyncEngine::roundFinished);
    QSignalSpy errors(&engine, &Sync::SyncEngine::errorOccurred);
    QVERIFY(syncOnce(engine));
    QCOMPARE(rounds.size(), 2);
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));
    for (const auto &account : {*aliceAccount, *bobAccount}) {
        // INBOX and Sent are selected by default, the rest is listed but not synchronized.
        auto inbox = Store::FolderStore(m_profile->database()).folder(folderId(account, QStringLiteral("INBOX")));
        auto sent = Store::FolderStore(m_profile->database()).folder(folderId(account, QStringLiteral("Sent")));
        auto projects = Store::FolderStore(m_profile->database()).folder(folderId(account, QStringLiteral("Projects")));
        QVERIFY(inbox && sent && projects);
        QVERIFY(inbox->selectedForSync && sent->selectedForSync && !projects->selectedForSync);
        QCOMPARE(inbox->messageCount, 12);
        QCOMPARE(sent->messageCount, 4);
        QCOMPARE(sent->listing.specialUse, QStringLiteral("\\Sent"));
        QCOMPARE(projects->messageCount, 0);
        QCOMPARE(differences(m_fixture, account), QString());
    }

    // The user selects Projects; another device changes everything it can.
    QVERIFY(Store::FolderStore(m_profile->database())
                    .setSelectedForSync(folderId(*aliceAccount, QStringLiteral("Projects")), true));
    QVERIFY(m_fixture.setFlags(alice, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{1, 12}),
                               {QStringLiteral("\\Seen")}));
    QVERIFY(m_fixture.expunge(alice, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{2})));
    QVERIFY(m_fixture.move(alice, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{3, 4}),
                           QStringLiteral("Projects")));
    QVERIFY(m_fixture.deliver(alice, message("alice-new")).ok());
    QVERIFY(m_fixture.createFolder(alice, QStringLiteral("Fresh")));
    QVERIFY(m_fixture.renameFolder(alice, QStringLiteral("Projects/Old"), QStringLiteral("Projects/Older")));
    QVERIFY(m_fixture.deleteFolder(alice, QStringLiteral("Trip")));
    QVERIFY(m_fixture.setFlags(bob, QStringLiteral("Sent"), UidSet::fromValues(QList<int>{2}),
                               {QStringLiteral("\\Flagged")}));

    QSignalSpy arrived(&engine, &Sync::SyncEngine::messagesArrived);
    QSignalSpy vanished(&engine, &Sync::SyncEngine::messagesVanished);
    QSignalSpy added(&engine, &Sync::SyncEngine::folderAdded);
    QSignalSpy removed(&engine, &Sync::SyncEngine::folderRemoved);
    QSignalSpy renamed(&engine, &Sync::SyncEngine::folderRenamed);
    QVERIFY(syncOnce(engine));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));
    QCOMPARE(differences(m_fixture, *aliceAccount), QString());
    QCOMPARE(differences(m_fixture, *bobAccount), QString());
    QCOMPARE(Store::FolderStore(m_profile->database())
                     .folder(folderId(*aliceAccount, QStringLiteral("Projects")))
                     ->messageCount,
             3);
    QVERIFY(!arrived.isEmpty());
    QVERIFY(!vanished.isEmpty());
    const auto paths = [](const QSignalSpy &spy) {
        QStringList result;
        for (const QList<QVariant> &emission : spy)
            result.append(emission.at(2).toString());
        result.sort();
        return result;
    };
    QCOMPARE(paths(added), (QStringList{QStringLiteral("Fresh"), QStringLiteral("Projects/Older")}));
    QCOMPARE(paths(removed), (QStringList{QStringLiteral("Projects/Old"), QStringLiteral("Trip")}));
    // Projects/Old was never synchronized (no UIDVALIDITY known), so it counts as removed and added.

    // A synchronized folder renamed elsewhere keeps its id, its messages and its selection.
    const qint64 projectsId = folderId(*aliceAccount, QStringLiteral("Projects"));
    QVERIFY(m_fixture.renameFolder(alice, QStringLiteral("Projects"), QStringLiteral("Work")));
    QVERIFY(syncOnce(engine));
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));
    QVERIFY(!renamed.isEmpty());
    QCOMPARE(renamed.last().at(1).toLongLong(), projectsId);
    QCOMPARE(renamed.last().at(3).toString(), QStringLiteral("Work"));
    QCOMPARE(folderId(*aliceAccount, QStringLiteral("Work")), projectsId);
    auto work = Store::FolderStore(m_profile->database()).folder(projectsId);
    QVERIFY(work->selectedForSync);
    QCOMPARE(work->messageCount, 3);
    QCOMPARE(differences(m_fixture, *aliceAccount), QString());
}

void SyncEngineDovecotTest::brokenAccountDoesNotStallOthers()
{
    const QString good = nextUser();
    for (int i = 1; i <= 5; ++i)
        QVERIFY(m_fixture.deliver(good, message(good.toUtf8() + QByteArray::number(i))).ok());
    auto goodAccount = addAccount(m_fixture, good);
    // Nothing listens on this port: connect fails at once.
    auto broken = addAccount(m_fixture, nextUser(), SyncStrategy::Automatic, 1);
    QVERIFY(goodAccount && broken);
    Sync::SyncEngine engine(*m_profile);
    QSignalSpy errors(&engine, &Sync::SyncEngine::errorOccurred);
    QSignalSpy rounds(&engine, &Sync::SyncEngine::roundFinished);
    QVERIFY(syncOnce(engine));
    QCOMPARE(rounds.size(), 1);
    QCOMPARE(rounds.first().at(0).toLongLong(), goodAccount->id);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().at(0).toLongLong(), broken->id);
    QVERIFY2(errors.first().at(1).toString().contains(QStringLiteral("127.0.0.1:1")),
             qPrintable(errors.first().at(1).toString()));
    QCOMPARE(differences(m_fixture, *goodAccount), QString());
}

void SyncEngineDovecotTest::idlePushIsSeenQuickly()
{
    const QString user = nextUser();
    QVERIFY(m_idleOnly.deliver(user, message("before")).ok());
    auto account = addAccount(m_idleOnly, user);
    QVERIFY(account);
    Sync::SyncEngine engine(*m_profile);
    QSignalSpy rounds(&engine, &Sync::SyncEngine::roundFinished);
    QSignalSpy states(&engine, &Sync::SyncEngine::accountStateChanged);
    QSignalSpy arrived(&engine, &Sync::SyncEngine::messagesArrived);
    engine.start();
    QVERIFY(rounds.wait(kTimeoutMs));
    QVERIFY(QTest::qWaitFor(
            [&] {
                for (const auto &emission : states) {
                    if (emission.at(1).value<Sync::AccountState>() == Sync::AccountState::Pushing)
                        return true;
                }
                return false;
            },
            kTimeoutMs));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(m_idleOnly.deliver(user, message("pushed")).ok());
    QVERIFY(arrived.wait(kTimeoutMs));
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed < 2000, qPrintable(QStringLiteral("push took %1 ms").arg(elapsed)));
    QSignalSpy stopped(&engine, &Sync::SyncEngine::stopped);
    engine.stop();
    QVERIFY(stopped.wait(kTimeoutMs));
}

void SyncEngineDovecotTest::notifyPushIsSeenQuickly()
{
    const QString user = nextUser();
    QVERIFY(m_fixture.deliver(user, message("before")).ok());
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    Sync::SyncEngine engine(*m_profile);
    QSignalSpy rounds(&engine, &Sync::SyncEngine::roundFinished);
    QSignalSpy states(&engine, &Sync::SyncEngine::accountStateChanged);
    QSignalSpy arrived(&engine, &Sync::SyncEngine::messagesArrived);
    engine.start();
    QVERIFY(rounds.wait(kTimeoutMs));
    QVERIFY(QTest::qWaitFor(
            [&] {
                for (const auto &emission : states) {
                    if (emission.at(1).value<Sync::AccountState>() == Sync::AccountState::Pushing)
                        return true;
                }
                return false;
            },
            kTimeoutMs));
    // NOTIFY covers every selected folder, not only INBOX.
    QElapsedTimer timer;
    timer.start();
    QVERIFY(m_fixture.deliver(user, message("pushed-to-sent"), QStringLiteral("Sent")).ok());
    QVERIFY(arrived.wait(kTimeoutMs));
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed < 2000, qPrintable(QStringLiteral("push took %1 ms").arg(elapsed)));
    QCOMPARE(arrived.first().at(1).toLongLong(), folderId(*account, QStringLiteral("Sent")));
    QSignalSpy stopped(&engine, &Sync::SyncEngine::stopped);
    engine.stop();
    QVERIFY(stopped.wait(kTimeoutMs));
}

void SyncEngineDovecotTest::offlineActionsAreReplayedAtTheNextRound()
{
    const QString user = nextUser();
    for (int i = 1; i <= 6; ++i)
        QVERIFY(m_fixture.deliver(user, message(user.toUtf8() + "-" + QByteArray::number(i))).ok());
    QVERIFY(m_fixture.createFolder(user, QStringLiteral("Keep")));
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    {
        Sync::SyncEngine engine(*m_profile);
        QVERIFY(syncOnce(engine));
    }
    Store::MessageStore messages(m_profile->database());
    const qint64 inbox = folderId(*account, QStringLiteral("INBOX"));
    const qint64 keep = folderId(*account, QStringLiteral("Keep"));
    const qint64 first = *messages.idForUid(inbox, 1);
    const qint64 second = *messages.idForUid(inbox, 2);
    const qint64 third = *messages.idForUid(inbox, 3);

    // No engine runs: the actions land in the store and the journal only.
    Sync::LocalActions actions(m_profile->database());
    QVERIFY(actions.setFlags({first}, Store::MessageFlags::Flagged | Store::MessageFlags::Seen, 0).ok());
    QVERIFY(actions.move({second}, keep).ok());
    QVERIFY(actions.remove({third}).ok());
    QVERIFY(m_fixture.flags(user, QStringLiteral("INBOX"), 1)->isEmpty());
    QCOMPARE(*m_fixture.messageCount(user), 6u);

    // "Restart": a new profile object on the same directory, then one round.
    const QString directory = m_profile->directory();
    m_profile.reset();
    Accounts::Profile::Options options;
    options.allowInsecurePasswordStore = true;
    m_profile = std::move(Accounts::Profile::open(directory, options).value());
    Sync::SyncEngine engine(*m_profile);
    QSignalSpy replayed(&engine, &Sync::SyncEngine::operationsReplayed);
    QVERIFY(syncOnce(engine));
    QCOMPARE(replayed.size(), 1);
    QCOMPARE(replayed.first().at(1).toInt(), 3);
    QCOMPARE(replayed.first().at(2).toInt(), 0);
    const QStringList flags = *m_fixture.flags(user, QStringLiteral("INBOX"), 1);
    QVERIFY(flags.contains(QStringLiteral("\\Flagged")) && flags.contains(QStringLiteral("\\Seen")));
    QCOMPARE(*m_fixture.messageCount(user, QStringLiteral("INBOX")), 4u);
    QCOMPARE(*m_fixture.messageCount(user, QStringLiteral("Keep")), 1u);
    QCOMPARE(*m_fixture.messageCount(user, QStringLiteral("Trash")), 1u);
    QVERIFY(Store::OperationJournal(m_profile->database()).unfinished(account->id)->isEmpty());
    QCOMPARE(differences(m_fixture, *account), QString());
}

void SyncEngineDovecotTest::bounceIsLinkedToItsOriginal()
{
    const QString user = nextUser();
    QVERIFY(m_fixture.deliver(user, message("original"), QStringLiteral("Sent")).ok());
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    Sync::SyncEngine engine(*m_profile);
    QVERIFY(syncOnce(engine));

    const QByteArray
            report = "From: Mail Delivery System <MAILER-DAEMON@heron.test>\r\n"
                     "To: sender@example.org\r\n"
                     "Subject: Undelivered Mail Returned to Sender\r\n"
                     "Date: Wed, 03 Jan 2024 10:00:00 +0000\r\n"
                     "Message-ID: <bounce1@heron.test>\r\n"
                     "MIME-Version: 1.0\r\n"
                     "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n"
                     "\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
                     "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; heron.test\r\n\r\n"
                     "Final-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
                     "--b\r\nContent-Type: message/rfc822\r\n\r\n" +
                     message("original") + "\r\n--b--\r\n";
    QVERIFY(m_fixture.deliver(user, report).ok());
    QSignalSpy bounces(&engine, &Sync::SyncEngine::bounceReceived);
    QVERIFY(syncOnce(engine));
    QCOMPARE(bounces.size(), 1);
    const qint64 original = bounces.first().at(2).toLongLong();
    QVERIFY(original != 0);
    QCOMPARE(Store::MessageStore(m_profile->database()).message(original)->folderId,
             folderId(*account, QStringLiteral("Sent")));
}

void SyncEngineDovecotTest::deselectedFolderIsForgottenAndFetchedAgain()
{
    const QString user = nextUser();
    for (int i = 1; i <= 7; ++i)
        QVERIFY(m_fixture
                        .deliver(user, message(user.toUtf8() + "-sent-" + QByteArray::number(i)),
                                 QStringLiteral("Sent"))
                        .ok());
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    Sync::SyncEngine engine(*m_profile);
    QVERIFY(syncOnce(engine));
    const qint64 sent = folderId(*account, QStringLiteral("Sent"));
    Store::FolderStore folders(m_profile->database());
    QCOMPARE(folders.folder(sent)->messageCount, 7);

    QVERIFY(folders.setSelectedForSync(sent, false).ok());
    QVERIFY(syncOnce(engine));
    auto forgotten = folders.folder(sent);
    QCOMPARE(forgotten->messageCount, 0);
    QCOMPARE(forgotten->state.uidNext, 0u);
    QCOMPARE(*m_fixture.messageCount(user, QStringLiteral("Sent")), 7u);  // the server keeps everything

    QVERIFY(m_fixture.setFlags(user, QStringLiteral("Sent"), UidSet::fromValues(QList<int>{3}),
                               {QStringLiteral("\\Flagged")}));
    QVERIFY(folders.setSelectedForSync(sent, true).ok());
    QSignalSpy arrived(&engine, &Sync::SyncEngine::messagesArrived);
    QVERIFY(syncOnce(engine));
    QCOMPARE(folders.folder(sent)->messageCount, 7);
    QVERIFY(arrived.isEmpty());  // fetched again, not news
    QCOMPARE(differences(m_fixture, *account), QString());
}

// A poll that finds every folder unchanged asks the server nothing but the LIST-STATUS, and
// records the end of the round for all the folders in one commit, not one per folder.
void SyncEngineDovecotTest::unchangedFoldersFinishInOneCommit()
{
    const QString user = nextUser();
    const QStringList paths{QStringLiteral("INBOX"), QStringLiteral("Sent"), QStringLiteral("Drafts"),
                            QStringLiteral("Trash")};
    for (const QString &path : paths)
        QVERIFY(m_fixture.deliver(user, message(user.toUtf8() + "-" + path.toUtf8()), path).ok());
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    Store::FolderStore folders(m_profile->database());
    Sync::SyncEngine engine(*m_profile);
    QVERIFY(syncOnce(engine));  // learns the folders
    for (const QString &path : paths)
        QVERIFY(folders.setSelectedForSync(folderId(*account, path), true).ok());
    QVERIFY(syncOnce(engine));
    for (const QString &path : paths)
        QCOMPARE(folders.folder(folderId(*account, path))->messageCount, 1);

    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const quint64 commits = m_profile->database().commitCount();
    QSignalSpy finished(&engine, &Sync::SyncEngine::roundFinished);
    QVERIFY(syncOnce(engine));
    QCOMPARE(finished.size(), 1);
    const auto stats = finished.at(0).at(1).value<Sync::SyncStats>();
    QCOMPARE(stats.selects, 0);
    QCOMPARE(stats.folders, qint64(paths.size()));
    // The folder list's transaction (which writes nothing when the list is the same) and the
    // unchanged folders' one.
    QCOMPARE(m_profile->database().commitCount() - commits, quint64(2));
    for (const QString &path : paths) {
        const auto folder = folders.folder(folderId(*account, path));
        QVERIFY2(folder->lastIncrementalSync >= before, qPrintable(path));
        QCOMPARE(folder->messageCount, 1);
    }
    QCOMPARE(differences(m_fixture, *account), QString());
}

void SyncEngineDovecotTest::reconnectsAfterTheConnectionIsLost()
{
    const QString user = nextUser();
    QVERIFY(m_fixture.deliver(user, message("first")).ok());
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    Sync::SyncEngine engine(*m_profile);
    QSignalSpy rounds(&engine, &Sync::SyncEngine::roundFinished);
    QSignalSpy states(&engine, &Sync::SyncEngine::accountStateChanged);
    QSignalSpy errors(&engine, &Sync::SyncEngine::errorOccurred);
    QSignalSpy arrived(&engine, &Sync::SyncEngine::messagesArrived);
    const auto reached = [&](Sync::AccountState state) {
        for (const auto &emission : states) {
            if (emission.at(1).value<Sync::AccountState>() == state)
                return true;
        }
        return false;
    };
    engine.start();
    QVERIFY(rounds.wait(kTimeoutMs));
    QVERIFY(QTest::qWaitFor([&] { return reached(Sync::AccountState::Pushing); }, kTimeoutMs));

    // The server drops every connection of the user, as after a network loss.
    states.clear();
    QVERIFY(m_fixture.doveadm({QStringLiteral("kick"), user}).ok());
    QVERIFY(QTest::qWaitFor([&] { return reached(Sync::AccountState::Offline); }, kTimeoutMs));
    QVERIFY(!errors.isEmpty());
    QVERIFY2(errors.last().at(1).toString().contains(QStringLiteral("try again")),
             qPrintable(errors.last().at(1).toString()));
    // Back within the first backoff step (about a second), pushing again.
    QVERIFY(QTest::qWaitFor([&] { return reached(Sync::AccountState::Pushing); }, 15000));
    QVERIFY(m_fixture.deliver(user, message("after-reconnect")).ok());
    QVERIFY(arrived.wait(kTimeoutMs));
    QCOMPARE(differences(m_fixture, *account), QString());
    QSignalSpy stopped(&engine, &Sync::SyncEngine::stopped);
    engine.stop();
    QVERIFY(stopped.wait(kTimeoutMs));
}

void SyncEngineDovecotTest::fetchedTextIsSearchable()
{
    const QString user = nextUser();
    QVERIFY(m_fixture
                    .deliver(user, "From: Sender <sender@example.org>\r\nTo: r@example.org\r\n"
                                   "Subject: Plans\r\nDate: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
                                   "Message-ID: <plans@heron.test>\r\nMIME-Version: 1.0\r\n"
                                   "Content-Type: text/plain; charset=iso-8859-1\r\n"
                                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                                   "The r=E9sum=E9 mentions a zeppelin.\r\n")
                    .ok());
    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    Sync::SyncEngine engine(*m_profile);
    QVERIFY(syncOnce(engine));
    Store::MessageStore messages(m_profile->database());
    QVERIFY(messages.search(QStringLiteral("zeppelin"))->isEmpty());  // metadata only so far
    const qint64 id = *messages.idForUid(folderId(*account, QStringLiteral("INBOX")), 1);
    QSignalSpy fetched(&engine, &Sync::SyncEngine::partFetched);
    const quint64 request = engine.fetchPart(id, QStringLiteral("1"));
    QVERIFY(fetched.wait(kTimeoutMs));
    QCOMPARE(fetched.first().at(0).value<quint64>(), request);
    QCOMPARE(fetched.first().at(1).toByteArray(), QByteArray("The r\xe9sum\xe9 mentions a zeppelin.\r\n"));
    QCOMPARE(*messages.search(QStringLiteral("zeppelin")), QList<qint64>{id});
    QCOMPARE(*messages.search(QStringLiteral("resume")), QList<qint64>{id});

    // A second request is served by the cache, without the server.
    m_fixture.doveadm({QStringLiteral("kick"), user});
    fetched.clear();
    engine.fetchPart(id, QStringLiteral("1"));
    QVERIFY(fetched.wait(kTimeoutMs));
    QCOMPARE(fetched.first().at(1).toByteArray(), QByteArray("The r\xe9sum\xe9 mentions a zeppelin.\r\n"));
}

// A search the store cannot answer alone: messages before the sliding window and in a folder that
// is not synchronized come from the server's SEARCH, are stored as server hits (outside the
// folders' counts, untouched by the next round, their content fetched on demand) and leave the
// store when the search ends. The server is only read.
void SyncEngineDovecotTest::serverSearchFindsWhatTheStoreLacks()
{
    const QString user = nextUser();
    const QString archive = QStringLiteral("Archive");
    QVERIFY(m_fixture.createFolder(user, archive));
    const QByteArray attachment = "MIME-Version: 1.0\r\n"
                                  "Content-Type: multipart/mixed; boundary=b\r\n";
    const QByteArray
            withAttachment = message("zebra-old-2", attachment)
                                     .replace("\r\nBody of zebra-old-2\r\n",
                                              "\r\n--b\r\nContent-Type: text/plain\r\n\r\nBody of zebra-old-2\r\n"
                                              "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: "
                                              "attachment; filename=a.pdf\r\n"
                                              "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n");
    // Dated 2024 (their arrival time too): outside a 30-day window.
    QVERIFY(m_fixture.deliver(user, message("zebra-old-1")).ok());
    QVERIFY(m_fixture.deliver(user, withAttachment).ok());
    QVERIFY(m_fixture.deliver(user, message("plain-old-3")).ok());
    QVERIFY(m_fixture.deliver(user, message("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=")).ok());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(m_fixture.deliver(user, message("zebra-new-4"), QStringLiteral("INBOX"), {}, now).ok());
    QVERIFY(m_fixture.deliver(user, message("zebra-archived-5"), archive).ok());
    QVERIFY(m_fixture.deliver(user, message("other-archived-6"), archive).ok());

    auto account = addAccount(m_fixture, user);
    QVERIFY(account);
    account->settings.window.kind = Accounts::SyncWindow::Kind::LastDays;
    account->settings.window.days = 30;
    QVERIFY(m_profile->updateAccount(*account).ok());
    Sync::SyncEngine engine(*m_profile);
    QVERIFY(syncOnce(engine));
    const qint64 inbox = folderId(*account, QStringLiteral("INBOX"));
    const qint64 archived = folderId(*account, archive);
    Store::FolderStore folders(m_profile->database());
    Store::MessageStore messages(m_profile->database());
    QCOMPARE(folders.folder(inbox)->messageCount, 1);
    QCOMPARE(folders.folder(archived)->messageCount, 0);

    const auto search = [&](quint64 serial, const QString &text) {
        QSignalSpy hits(&engine, &Sync::SyncEngine::serverSearchHits);
        QSignalSpy finished(&engine, &Sync::SyncEngine::serverSearchFinished);
        engine.searchServer(serial, *Store::SearchQuery::parse(text));
        if (!finished.wait(kTimeoutMs))
            return QStringList{QStringLiteral("no answer")};
        const QList<QVariant> result = finished.constFirst();
        if (result.at(0).value<quint64>() != serial || !result.at(2).toStringList().isEmpty())
            return result.at(2).toStringList() + QStringList{QStringLiteral("failed")};
        QStringList subjects;
        for (const QList<QVariant> &emission : std::as_const(hits)) {
            for (qint64 id : emission.at(1).value<QList<qint64>>())
                subjects.append(messages.message(id)->subject);
        }
        if (subjects.size() != result.at(1).toInt())
            subjects.append(QStringLiteral("count %1").arg(result.at(1).toInt()));
        subjects.sort();
        return subjects;
    };

    QCOMPARE(search(1, QStringLiteral("zebra")),
             (QStringList{QStringLiteral("zebra-archived-5"), QStringLiteral("zebra-old-1"),
                          QStringLiteral("zebra-old-2")}));
    // Hits are not the folder's messages: counts stay, and a round neither keeps nor drops them.
    QCOMPARE(folders.folder(inbox)->messageCount, 1);
    QCOMPARE(folders.folder(archived)->messageCount, 0);
    QVERIFY(syncOnce(engine));
    QCOMPARE(folders.folder(inbox)->messageCount, 1);
    const qint64 oldOne = *messages.idForUid(inbox, 1);
    const qint64 archivedOne = *messages.idForUid(archived, 1);
    QCOMPARE(messages.message(oldOne)->subject, QStringLiteral("zebra-old-1"));
    // Unchanged on the server: EXAMINE and BODY.PEEK set no \Seen.
    QCOMPARE(*m_fixture.flags(user, QStringLiteral("INBOX"), 1), QStringList());

    // The content of a hit in a folder the store has no UIDVALIDITY for. Asked for while another
    // search runs, it comes after the folder being searched, not after every folder.
    QObject context;
    QStringList order;
    QObject::connect(&engine, &Sync::SyncEngine::partFetched, &context,
                     [&](quint64, const QByteArray &content) { order.append(QString::fromUtf8(content)); });
    QObject::connect(&engine, &Sync::SyncEngine::partFailed, &context,
                     [&] { order.append(QStringLiteral("part failed")); });
    QObject::connect(&engine, &Sync::SyncEngine::serverSearchFinished, &context,
                     [&] { order.append(QStringLiteral("search done")); });
    engine.searchServer(5, *Store::SearchQuery::parse(QStringLiteral("zebra")));
    engine.fetchPart(archivedOne, QStringLiteral("1"));
    QVERIFY(QTest::qWaitFor([&] { return order.size() == 2; }, kTimeoutMs));
    QCOMPARE(order, (QStringList{QStringLiteral("Body of zebra-archived-5\r\n"), QStringLiteral("search done")}));

    // The end of the search removes the hits and nothing else.
    QCOMPARE(*engine.endServerSearch(), 3);
    QVERIFY(!messages.message(oldOne).ok());
    QVERIFY(!messages.message(archivedOne).ok());
    QCOMPARE(folders.folder(inbox)->messageCount, 1);
    QCOMPARE(messages.message(*messages.idForUid(inbox, 5))->subject, QStringLiteral("zebra-new-4"));

    // has:attachment has no SEARCH key: the server's matches are filtered here.
    QCOMPARE(search(2, QStringLiteral("zebra has:attachment")), QStringList{QStringLiteral("zebra-old-2")});
    QCOMPARE(*engine.endServerSearch(), 1);
    // Non-ASCII text goes with CHARSET UTF-8; folder: limits the folders asked.
    QCOMPARE(search(3, QStringLiteral("grüße")), QStringList{QStringLiteral("Grüße")});
    QCOMPARE(search(4, QStringLiteral("zebra folder:Archive")), QStringList{QStringLiteral("zebra-archived-5")});
    QVERIFY(syncOnce(engine));
    QCOMPARE(folders.folder(inbox)->messageCount, 1);
}

QTEST_GUILESS_MAIN(SyncEngineDovecotTest)
#include "tst_syncengine_dovecot.moc"
