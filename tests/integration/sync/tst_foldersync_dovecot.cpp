// SPDX-License-Identifier: GPL-3.0-or-later
// One folder's synchronization against a real Dovecot, for each strategy (QRESYNC, CONDSTORE
// only, neither): the initial sync, then changes made by another device (flags, expunges, moves,
// new mail) reflected after one incremental round, an unchanged folder costing no SELECT, a
// UIDVALIDITY reset, the sliding window (purge, widening) and an interrupted initial sync.
// After every round the store must equal the server: same UIDs, same flags, no duplicates.

#include "imap/enablejob.h"
#include "imap/fetchjob.h"
#include "imap/loginjob.h"
#include "imap/session.h"
#include "imap/statusjob.h"
#include "store/accountstore.h"
#include "store/batchwriter.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/storenotifier.h"
#include "support/dovecotfixture.h"
#include "sync/foldersync.h"
#include "sync/messageconverter.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Heron;
using Accounts::SyncStrategy;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kTimeoutMs = 60000;

QByteArray message(int index, const QByteArray &date = "Tue, 02 Jan 2024 10:00:00 +0000")
{
    return "From: Sender " + QByteArray::number(index) + " <sender@example.org>\r\n"
           "To: Receiver <receiver@example.org>\r\n"
           "Subject: Message " + QByteArray::number(index) + "\r\n"
           "Date: " + date + "\r\n"
           "Message-ID: <m" + QByteArray::number(index) + "@heron.test>\r\n"
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

}  // namespace

class FolderSyncDovecotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void changesElsewhereAreReflected_data();
    void changesElsewhereAreReflected();
    void unchangedFolderNeedsNoSelect_data();
    void unchangedFolderNeedsNoSelect();
    void uidValidityResetRebuildsFolder_data();
    void uidValidityResetRebuildsFolder();
    void windowPurgesAndWidens_data();
    void windowPurgesAndWidens();
    void interruptedInitialSyncResumes_data();
    void interruptedInitialSyncResumes();
    void newestMessagesComeFirst();

private:
    void strategies();
    std::unique_ptr<Imap::Session> openSession(SyncStrategy strategy);
    qint64 folderId(const QString &path);
    Sync::FolderSyncRequest request(const QString &path, SyncStrategy strategy);
    std::optional<Sync::FolderSyncResult> runSync(Imap::Session *session, const Sync::FolderSyncRequest &request);
    std::optional<Sync::FolderSyncResult> sync(const QString &path, SyncStrategy strategy);
    // The store holds exactly the server's UIDs and flags for the folder (within [from, *]).
    QString differences(const QString &path, quint32 from = 1);

    DovecotFixture m_fixture;
    QString m_user;
    int m_userIndex = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_database;
    std::unique_ptr<Store::BatchWriter> m_writer;
    qint64 m_accountId = 0;
};

void FolderSyncDovecotTest::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    for (int i = 0; i < 40; ++i)
        options.users.append(QStringLiteral("user%1").arg(i));
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));
}

void FolderSyncDovecotTest::cleanupTestCase()
{
    m_fixture.stop();
}

void FolderSyncDovecotTest::init()
{
    // Each test row gets a fresh user, so rows never see each other's mail.
    m_user = QStringLiteral("user%1").arg(m_userIndex++);
    m_dir = std::make_unique<QTemporaryDir>();
    auto opened = Store::Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    m_database = std::move(opened.value());
    m_writer = std::make_unique<Store::BatchWriter>(*m_database);
    auto account = Store::AccountStore(*m_database).add(QStringLiteral("acct"), m_user);
    QVERIFY(account.ok());
    m_accountId = *account;
}

void FolderSyncDovecotTest::cleanup()
{
    m_writer.reset();
    m_database.reset();
    m_dir.reset();
}

void FolderSyncDovecotTest::strategies()
{
    QTest::addColumn<SyncStrategy>("strategy");
    QTest::newRow("qresync") << SyncStrategy::QResync;
    QTest::newRow("condstore") << SyncStrategy::CondStore;
    QTest::newRow("plain") << SyncStrategy::Plain;
}

std::unique_ptr<Imap::Session> FolderSyncDovecotTest::openSession(SyncStrategy strategy)
{
    auto session = std::make_unique<Imap::Session>();
    Imap::SessionSettings settings;
    settings.host = m_fixture.host();
    settings.port = m_fixture.imapPort();
    settings.security = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    session->setSettings(settings);
    QSignalSpy opened(session.get(), &Imap::Session::opened);
    session->open();
    if (!opened.wait(kTimeoutMs))
        return nullptr;
    auto *login = new Imap::LoginJob(session.get());
    login->setUserName(m_user);
    login->setPassword(m_fixture.password(m_user));
    const bool loggedIn = runJob(login);
    delete login;
    if (!loggedIn)
        return nullptr;
    if (strategy != SyncStrategy::Plain) {
        auto *enable = new Imap::EnableJob(session.get());
        enable->setCapabilities(
                {strategy == SyncStrategy::QResync ? QByteArrayLiteral("QRESYNC") : QByteArrayLiteral("CONDSTORE")});
        const bool enabled = runJob(enable);
        delete enable;
        if (!enabled)
            return nullptr;
    }
    return session;
}

qint64 FolderSyncDovecotTest::folderId(const QString &path)
{
    Store::FolderStore folders(*m_database);
    auto id = folders.idForPath(m_accountId, path);
    if (id && *id != 0)
        return *id;
    Store::FolderListing listing;
    listing.path = path;
    listing.delimiter = QStringLiteral("/");
    auto ids = folders.upsertFolders(m_accountId, {listing});
    return ids ? ids->constFirst() : 0;
}

Sync::FolderSyncRequest FolderSyncDovecotTest::request(const QString &path, SyncStrategy strategy)
{
    Sync::FolderSyncRequest request;
    auto folder = Store::FolderStore(*m_database).folder(folderId(path));
    if (folder)
        request.folder = *folder;
    request.mailbox = path.toUtf8();
    request.strategy = strategy;
    request.batchSize = 7;  // several batches even for small folders
    request.newMessageBatchSize = 7;
    return request;
}

std::optional<Sync::FolderSyncResult> FolderSyncDovecotTest::runSync(Imap::Session *session,
                                                                     const Sync::FolderSyncRequest &request)
{
    Sync::FolderSync sync(session, *m_database, *m_writer, request);
    QSignalSpy finished(&sync, &Sync::FolderSync::finished);
    QSignalSpy failed(&sync, &Sync::FolderSync::failed);
    sync.start();
    (void)QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kTimeoutMs);
    if (!failed.isEmpty()) {
        qWarning() << "sync failed:" << failed.first().first().value<Error>().message;
        return std::nullopt;
    }
    if (finished.isEmpty())
        return std::nullopt;
    return finished.first().first().value<Sync::FolderSyncResult>();
}

std::optional<Sync::FolderSyncResult> FolderSyncDovecotTest::sync(const QString &path, SyncStrategy strategy)
{
    auto session = openSession(strategy);
    if (!session)
        return std::nullopt;
    return runSync(session.get(), request(path, strategy));
}

QString FolderSyncDovecotTest::differences(const QString &path, quint32 from)
{
    auto uids = m_fixture.uids(m_user, path);
    if (!uids)
        return uids.error().message;
    auto local = Store::MessageStore(*m_database).flagsByUid(folderId(path), from);
    if (!local)
        return local.error().message;
    const UidSet serverUids = uids->restrictedTo(from, UidSet::kStar - 1);
    QStringList problems;
    if (quint64(local->size()) != serverUids.count())
        problems << QStringLiteral("%1 stored, %2 on the server").arg(local->size()).arg(serverUids.count());
    for (quint32 uid : serverUids.toList()) {
        if (!local->contains(uid)) {
            problems << QStringLiteral("UID %1 missing").arg(uid);
            continue;
        }
        auto flags = m_fixture.flags(m_user, path, uid);
        if (!flags)
            return flags.error().message;
        Store::MessageFlags expected = Store::MessageFlags::fromStrings(*flags);
        expected.normalize();
        Store::MessageFlags stored = local->value(uid);
        stored.normalize();
        if (!(expected == stored))
            problems << QStringLiteral("UID %1 flags %2, server %3")
                                .arg(uid)
                                .arg(stored.toStrings().join(QLatin1Char(' ')), expected.toStrings().join(QLatin1Char(' ')));
    }
    for (auto it = local->cbegin(); it != local->cend(); ++it) {
        if (!serverUids.contains(it.key()))
            problems << QStringLiteral("UID %1 stored but not on the server").arg(it.key());
    }
    return problems.join(QStringLiteral("; "));
}

// --- Tests -----------------------------------------------------------------------------------------

void FolderSyncDovecotTest::changesElsewhereAreReflected_data()
{
    strategies();
}

void FolderSyncDovecotTest::changesElsewhereAreReflected()
{
    QFETCH(SyncStrategy, strategy);
    for (int i = 1; i <= 20; ++i)
        QVERIFY(m_fixture.deliver(m_user, message(i)).ok());
    QVERIFY(m_fixture.createFolder(m_user, QStringLiteral("Archive")));

    auto first = sync(QStringLiteral("INBOX"), strategy);
    QVERIFY(first);
    QCOMPARE(first->stats.newMessages, 20);
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
    auto stored = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY(stored);
    QCOMPARE(stored->state.syncedDownTo, 1u);
    QCOMPARE(stored->state.uidNext, 21u);
    QCOMPARE(stored->syncStrategy, Accounts::strategyName(strategy));

    // Another device: flags on recent and old messages, expunges, a move, new mail.
    QVERIFY(m_fixture.setFlags(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{18, 19}),
                               {QStringLiteral("\\Seen"), QStringLiteral("$Label1")}));
    QVERIFY(m_fixture.setFlags(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{20}),
                               {QStringLiteral("\\Flagged")}));
    QVERIFY(m_fixture.expunge(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{3, 17})));
    QVERIFY(m_fixture.move(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{5}),
                           QStringLiteral("Archive")));
    for (int i = 21; i <= 23; ++i)
        QVERIFY(m_fixture.deliver(m_user, message(i)).ok());

    auto second = sync(QStringLiteral("INBOX"), strategy);
    QVERIFY(second);
    QCOMPARE(second->stats.newMessages, 3);
    QCOMPARE(second->stats.vanished, 3);
    QCOMPARE(second->stats.changed, 3);
    QCOMPARE(second->insertedIds.size(), 3);
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
    QVERIFY(!second->reconciled);

    // A full round finds the same state and changes nothing.
    auto request = this->request(QStringLiteral("INBOX"), strategy);
    request.fullRound = true;
    auto session = openSession(strategy);
    QVERIFY(session);
    auto full = runSync(session.get(), request);
    QVERIFY(full);
    QCOMPARE(full->stats.newMessages, 0);
    QCOMPARE(full->stats.vanished, 0);
    QCOMPARE(full->stats.changed, 0);
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
    stored = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY(stored->lastFullSync.isValid());
}

void FolderSyncDovecotTest::unchangedFolderNeedsNoSelect_data()
{
    strategies();
}

void FolderSyncDovecotTest::unchangedFolderNeedsNoSelect()
{
    QFETCH(SyncStrategy, strategy);
    for (int i = 1; i <= 5; ++i)
        QVERIFY(m_fixture.deliver(m_user, message(i)).ok());
    QVERIFY(sync(QStringLiteral("INBOX"), strategy));

    auto session = openSession(strategy);
    QVERIFY(session);
    auto *status = new Imap::StatusJob(session.get());
    status->setMailbox("INBOX");
    QVERIFY(runJob(status));
    auto request = this->request(QStringLiteral("INBOX"), strategy);
    request.status = status->status();
    delete status;
    const quint64 bytesBefore = session->stats().bytesIn;
    auto result = runSync(session.get(), request);
    QVERIFY(result);
    if (strategy == SyncStrategy::Plain) {
        // Without mod-sequences STATUS cannot show that no flag changed.
        QVERIFY(!result->skipped);
        QCOMPARE(result->stats.selects, 1);
    } else {
        QVERIFY(result->skipped);
        QCOMPARE(result->stats.selects, 0);
        QCOMPARE(session->stats().bytesIn, bytesBefore);
    }

    // A flag changed elsewhere moves HIGHESTMODSEQ: the folder is no longer unchanged.
    QVERIFY(m_fixture.setFlags(m_user, QStringLiteral("INBOX"), UidSet::fromValues(QList<int>{2}),
                               {QStringLiteral("\\Seen")}));
    auto *again = new Imap::StatusJob(session.get());
    again->setMailbox("INBOX");
    QVERIFY(runJob(again));
    request = this->request(QStringLiteral("INBOX"), strategy);
    request.status = again->status();
    delete again;
    result = runSync(session.get(), request);
    QVERIFY(result);
    QVERIFY(!result->skipped);
    QCOMPARE(result->stats.changed, 1);
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
}

void FolderSyncDovecotTest::uidValidityResetRebuildsFolder_data()
{
    strategies();
}

void FolderSyncDovecotTest::uidValidityResetRebuildsFolder()
{
    QFETCH(SyncStrategy, strategy);
    for (int i = 1; i <= 9; ++i)
        QVERIFY(m_fixture.deliver(m_user, message(i)).ok());
    QVERIFY(sync(QStringLiteral("INBOX"), strategy));
    auto before = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY(before);

    QVERIFY(m_fixture.resetUidValidity(m_user, QStringLiteral("INBOX")));
    auto result = sync(QStringLiteral("INBOX"), strategy);
    QVERIFY(result);
    QVERIFY(result->uidValidityChanged);
    QCOMPARE(result->stats.newMessages, 9);
    auto after = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY(after);
    QVERIFY(after->state.uidValidity != before->state.uidValidity);
    QCOMPARE(after->messageCount, 9);
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
}

void FolderSyncDovecotTest::windowPurgesAndWidens_data()
{
    strategies();
}

void FolderSyncDovecotTest::windowPurgesAndWidens()
{
    QFETCH(SyncStrategy, strategy);
    // One message a day for 30 days, the newest today.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int age = 29; age >= 0; --age) {
        const QDateTime when = now.addDays(-age);
        QVERIFY(m_fixture
                        .deliver(m_user, message(30 - age, when.toString(Qt::RFC2822Date).toUtf8()),
                                 QStringLiteral("INBOX"), {}, when)
                        .ok());
    }
    const auto windowOf = [&](int days) {
        return QDateTime(now.date().addDays(-(days - 1)), QTime(0, 0), Qt::UTC);
    };

    auto request = this->request(QStringLiteral("INBOX"), strategy);
    request.windowStart = windowOf(10);
    auto session = openSession(strategy);
    QVERIFY(session);
    auto result = runSync(session.get(), request);
    QVERIFY(result);
    auto folder = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    // SINCE is by date, and one day before the window is kept (the boundary day's time zones).
    QVERIFY2(folder->messageCount >= 10 && folder->messageCount <= 11, qPrintable(QString::number(folder->messageCount)));
    QCOMPARE(folder->windowStart, request.windowStart);
    const int narrow = folder->messageCount;

    // Narrowing purges locally; the server keeps everything.
    request = this->request(QStringLiteral("INBOX"), strategy);
    request.windowStart = windowOf(5);
    result = runSync(session.get(), request);
    QVERIFY(result);
    folder = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY2(folder->messageCount >= 5 && folder->messageCount <= 6, qPrintable(QString::number(folder->messageCount)));
    QCOMPARE(result->stats.purged, qint64(narrow - folder->messageCount));
    QCOMPARE(result->stats.vanished, 0);
    QCOMPARE(*m_fixture.messageCount(m_user), 30u);

    // Widening fetches only the difference.
    const int before = folder->messageCount;
    request = this->request(QStringLiteral("INBOX"), strategy);
    request.windowStart = windowOf(20);
    result = runSync(session.get(), request);
    QVERIFY(result);
    folder = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY2(folder->messageCount >= 20 && folder->messageCount <= 21, qPrintable(QString::number(folder->messageCount)));
    QCOMPARE(result->stats.newMessages, qint64(folder->messageCount - before));

    // Off: the whole folder.
    request = this->request(QStringLiteral("INBOX"), strategy);
    request.windowStart = QDateTime();
    result = runSync(session.get(), request);
    QVERIFY(result);
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
    QCOMPARE(*m_fixture.messageCount(m_user), 30u);
}

void FolderSyncDovecotTest::interruptedInitialSyncResumes_data()
{
    strategies();
}

void FolderSyncDovecotTest::interruptedInitialSyncResumes()
{
    QFETCH(SyncStrategy, strategy);
    QList<QByteArray> messages;
    for (int i = 1; i <= 60; ++i)
        messages.append(message(i));
    QVERIFY(m_fixture.deliverMany(m_user, QStringLiteral("INBOX"), messages).ok());

    auto session = openSession(strategy);
    QVERIFY(session);
    {
        Sync::FolderSync sync(session.get(), *m_database, *m_writer, request(QStringLiteral("INBOX"), strategy));
        QSignalSpy failed(&sync, &Sync::FolderSync::failed);
        // The connection drops once a few batches are stored.
        connect(&sync, &Sync::FolderSync::progressChanged, this, [&](qint64 done, qint64) {
            if (done >= 14 && session->state() != Imap::Session::State::Disconnected)
                session->abort(makeError(Error::Code::Network, QStringLiteral("cable pulled")));
        });
        sync.start();
        QVERIFY(failed.wait(kTimeoutMs));
    }
    auto folder = Store::FolderStore(*m_database).folder(folderId(QStringLiteral("INBOX")));
    QVERIFY(folder);
    QVERIFY2(folder->messageCount >= 14 && folder->messageCount < 60, qPrintable(QString::number(folder->messageCount)));
    // The point claims only what is stored: the newest messages down to syncedDownTo.
    QCOMPARE(folder->state.uidNext, 61u);
    QVERIFY(folder->state.syncedDownTo > 1);
    QCOMPARE(qint64(folder->messageCount), qint64(61 - folder->state.syncedDownTo));
    QCOMPARE(differences(QStringLiteral("INBOX"), folder->state.syncedDownTo), QString());

    auto resumed = sync(QStringLiteral("INBOX"), strategy);
    QVERIFY(resumed);
    QCOMPARE(resumed->stats.newMessages, qint64(60 - folder->messageCount));
    QCOMPARE(differences(QStringLiteral("INBOX")), QString());
}

void FolderSyncDovecotTest::newestMessagesComeFirst()
{
    QList<QByteArray> messages;
    for (int i = 1; i <= 30; ++i)
        messages.append(message(i));
    QVERIFY(m_fixture.deliverMany(m_user, QStringLiteral("INBOX"), messages).ok());
    auto session = openSession(SyncStrategy::QResync);
    QVERIFY(session);
    Sync::FolderSync sync(session.get(), *m_database, *m_writer, request(QStringLiteral("INBOX"), SyncStrategy::QResync));
    QList<quint32> firstUids;
    QSignalSpy finished(&sync, &Sync::FolderSync::finished);
    connect(m_database->notifier(), &Store::StoreNotifier::messagesInserted, this,
            [&](qint64, const QList<qint64> &ids) {
                if (!firstUids.isEmpty())
                    return;
                for (qint64 id : ids)
                    firstUids.append(Store::MessageStore(*m_database).message(id)->uid);
            });
    sync.start();
    QVERIFY(finished.wait(kTimeoutMs));
    std::sort(firstUids.begin(), firstUids.end());
    QCOMPARE(firstUids, (QList<quint32>{24, 25, 26, 27, 28, 29, 30}));
}

QTEST_GUILESS_MAIN(FolderSyncDovecotTest)
#include "tst_foldersync_dovecot.moc"
