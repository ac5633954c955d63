// SPDX-License-Identifier: GPL-3.0-or-later
// The demo mailbox end to end: the throwaway Dovecot starts without blocking, the demo profile
// points at it, one round of the real sync engine brings the whole mailbox into the store (every
// folder, the non-ASCII ones decoded, HTML, attachments, threads, a bounce linked to its original
// in Sent), and stopping leaves no process and no file behind.
#include "demo/demoprofile.h"
#include "demo/demoserver.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "support/dovecotfixture.h"
#include "sync/bodystructure.h"
#include "sync/syncengine.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using Demo::DemoServer;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kStartTimeoutMs = 60000;
constexpr int kSyncTimeoutMs = 240000;

// What identifies the processes of a server, kept to check on them after it is gone.
struct Instance {
    QString configPath;
    QString name;
    qint64 processGroup = 0;
    QString directory;

    explicit Instance(const DemoServer &server)
        : configPath(server.configPath()),
          name(server.instanceName()),
          processGroup(server.processId()),
          directory(server.directory())
    {
    }
    // Zombies are gone but for their entry, which whoever adopts orphans here removes in its own time.
    QList<qint64> processes() const
    {
        QList<qint64> alive;
        for (const qint64 pid : DovecotFixture::processesOf(configPath, name, processGroup)) {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (stat.open(QIODevice::ReadOnly) && !stat.readAll().contains(") Z "))
                alive.append(pid);
        }
        return alive;
    }
};

}  // namespace

class DemoServerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void servesTheMailboxToTheSyncEngineAndLeavesNothingBehind();
    void missingDovecotIsSaidInPlainWords();
    void stopWhilePreparingEndsCleanly();
    void destructorEndsTheServer();
    void foreignFolderIsNotTakenForAProfile();

private:
    bool startServer(DemoServer &server);
};

void DemoServerTest::initTestCase()
{
    if (DemoServer::findDovecot().isEmpty())
        QSKIP("Dovecot is not installed (scripts/deps.sh installs it)");
}

bool DemoServerTest::startServer(DemoServer &server)
{
    QSignalSpy ready(&server, &DemoServer::ready);
    QSignalSpy failed(&server, &DemoServer::failed);
    server.start();
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, kStartTimeoutMs)) {
        qWarning() << "the demo server neither started nor failed";
        return false;
    }
    if (!failed.isEmpty()) {
        qWarning().noquote() << failed.first().first().toString();
        return false;
    }
    return true;
}

void DemoServerTest::servesTheMailboxToTheSyncEngineAndLeavesNothingBehind()
{
    DemoServer server;
    QSignalSpy ready(&server, &DemoServer::ready);
    QSignalSpy failed(&server, &DemoServer::failed);
    QElapsedTimer clock;
    clock.start();
    server.start();
    // start() only sets things in motion: the server cannot be up yet.
    QCOMPARE(server.state(), DemoServer::State::Preparing);
    QVERIFY(ready.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), kStartTimeoutMs);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
    QCOMPARE(server.state(), DemoServer::State::Ready);
    qInfo() << "mailbox written in" << server.preparationMilliseconds() << "ms, server ready after"
            << server.startupMilliseconds() << "ms";
    const QList<QVariant> arguments = ready.first();
    QCOMPARE(arguments.at(0).toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(arguments.at(1).value<quint16>(), server.port());
    QCOMPARE(arguments.at(2).toString(), QStringLiteral("demo"));
    QVERIFY(arguments.at(3).toString().size() >= 16);
    const Instance instance(server);
    QVERIFY(!instance.processes().isEmpty());
    QVERIFY(QDir(instance.directory).exists());

    QTemporaryDir profiles;
    const QString profileDirectory = profiles.filePath(QStringLiteral("demo-profile"));
    std::optional<Result<Demo::DemoProfile>> prepared;
    Demo::prepareDemoProfile(profileDirectory,
                             {arguments.at(0).toString(), arguments.at(1).value<quint16>(), arguments.at(2).toString(),
                              arguments.at(3).toString()},
                             [&prepared](Result<Demo::DemoProfile> result) { prepared = std::move(result); });
    QVERIFY(!prepared);  // never inside the call
    QTRY_VERIFY_WITH_TIMEOUT(prepared.has_value(), 10000);
    QVERIFY2(prepared->ok(), qPrintable(prepared->ok() ? QString() : prepared->error().message));
    Accounts::Profile &profile = *prepared->value().profile;
    const qint64 accountId = prepared->value().account.id;
    QCOMPARE(prepared->value().account.settings.email, QStringLiteral("demo@heron.invalid"));

    {
        Sync::SyncEngine engine(profile);
        QSignalSpy done(&engine, &Sync::SyncEngine::roundsFinished);
        QSignalSpy errors(&engine, &Sync::SyncEngine::errorOccurred);
        clock.restart();
        engine.syncOnce();
        QVERIFY(done.wait(kSyncTimeoutMs));
        qInfo() << "first sync of the demo mailbox took" << clock.elapsed() << "ms";
        QVERIFY2(errors.isEmpty(), qPrintable(errors.isEmpty() ? QString() : errors.first().at(1).toString()));
        QSignalSpy stopped(&engine, &Sync::SyncEngine::stopped);
        engine.stop();
        QVERIFY(stopped.wait(kStartTimeoutMs) || !stopped.isEmpty());
    }

    // Every folder, selected, with every message.
    auto folders = Store::FolderStore(profile.database()).folders(accountId);
    QVERIFY(folders.ok());
    QHash<QString, Store::FolderRecord> byPath;
    for (const Store::FolderRecord &folder : *folders)
        byPath.insert(folder.listing.path, folder);
    int total = 0;
    for (const Demo::DemoFolder &planned : Demo::MailGenerator::folders()) {
        QVERIFY2(byPath.contains(planned.path), qPrintable(planned.path));
        const Store::FolderRecord &folder = byPath.value(planned.path);
        QVERIFY2(folder.selectedForSync, qPrintable(planned.path));
        QCOMPARE(folder.messageCount, planned.messageCount);
        QCOMPARE(folder.listing.specialUse, planned.specialUse);
        total += folder.messageCount;
    }
    QCOMPARE(total, 5000);
    QVERIFY(byPath.contains(QStringLiteral("Reisen/Äpfel & Birnen")));
    QVERIFY(byPath.contains(QStringLiteral("Projets/Été")));
    QVERIFY(byPath.value(QStringLiteral("INBOX")).unreadCount > 0);

    // What the demo is for: HTML, attachments, threads, a bounce linked to its original.
    Store::MessageStore messages(profile.database());
    int html = 0;
    int withAttachments = 0;
    int longThreads = 0;
    QList<Store::MessageMetadata> reports;
    for (const Store::FolderRecord &folder : *folders) {
        auto ids = messages.messageIds(folder.id);
        QVERIFY(ids.ok());
        for (const qint64 id : *ids) {
            auto message = messages.message(id);
            QVERIFY(message.ok());
            withAttachments += message->hasAttachments ? 1 : 0;
            html += std::any_of(
                            message->parts.cbegin(), message->parts.cend(),
                            [](const Store::MessagePart &part) { return part.mimeType == QLatin1String("text/html"); })
                            ? 1
                            : 0;
            if (message->references.size() >= 2) {
                bool complete = true;
                for (const QString &reference : message->references) {
                    auto found = messages.idsForMessageId(accountId, reference);
                    complete = complete && found.ok() && !found->isEmpty();
                }
                longThreads += complete ? 1 : 0;
            }
            if (message->isDeliveryReport)
                reports.append(*message);
        }
    }
    qInfo() << "HTML" << html << "with attachments" << withAttachments << "threads of three or more" << longThreads;
    QVERIFY(html >= 500);
    QVERIFY(withAttachments >= 300);
    QVERIFY(longThreads >= 100);
    QCOMPARE(reports.size(), 1);
    const auto structure = Sync::deserializeBodyStructure(reports.first().bodyStructure);
    QVERIFY(structure);
    const QString originalId = Sync::embeddedOriginalMessageId(*structure);
    QVERIFY(!originalId.isEmpty());
    auto originals = messages.idsForMessageId(accountId, originalId);
    QVERIFY(originals.ok());
    QCOMPARE(originals->size(), 1);
    auto original = messages.message(originals->first());
    QVERIFY(original.ok());
    QCOMPARE(original->folderId, byPath.value(QStringLiteral("Sent")).id);

    // Stopping: every process gone, the temp dir removed, and then stopped().
    QSignalSpy stopped(&server, &DemoServer::stopped);
    clock.restart();
    server.stop();
    QCOMPARE(server.state(), DemoServer::State::Stopping);
    QVERIFY(stopped.wait(15000));
    qInfo() << "stopped in" << clock.elapsed() << "ms";
    QCOMPARE(server.state(), DemoServer::State::Idle);
    QCOMPARE(instance.processes(), QList<qint64>());
    QVERIFY(!QDir(instance.directory).exists());
}

void DemoServerTest::missingDovecotIsSaidInPlainWords()
{
    DemoServer server;
    QSignalSpy failed(&server, &DemoServer::failed);
    DemoServer::Options options;
    options.dovecotProgram = QStringLiteral("/nonexistent/sbin/dovecot");
    server.start(options);
    QVERIFY(failed.isEmpty());  // never inside start()
    QVERIFY(failed.wait(5000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(QLatin1String("not installed")) && message.contains(QLatin1String("dovecot-imapd")),
             qPrintable(message));
    QCOMPARE(server.state(), DemoServer::State::Idle);
}

void DemoServerTest::stopWhilePreparingEndsCleanly()
{
    DemoServer server;
    QSignalSpy ready(&server, &DemoServer::ready);
    QSignalSpy failed(&server, &DemoServer::failed);
    QSignalSpy stopped(&server, &DemoServer::stopped);
    server.start();
    const QString directory = server.directory();
    QVERIFY(QDir(directory).exists());
    server.stop();
    QVERIFY(stopped.wait(15000));
    QVERIFY(ready.isEmpty());
    QVERIFY(failed.isEmpty());
    QVERIFY(!QDir(directory).exists());
    QCOMPARE(server.state(), DemoServer::State::Idle);
}

void DemoServerTest::destructorEndsTheServer()
{
    std::optional<Instance> instance;
    {
        DemoServer server;
        QVERIFY(startServer(server));
        instance.emplace(server);
        QVERIFY(!instance->processes().isEmpty());
    }
    // SIGKILL reaches every process of the group at once; the kernel takes a moment to reap them.
    QTRY_COMPARE_WITH_TIMEOUT(instance->processes(), QList<qint64>(), 5000);
    QVERIFY(!QDir(instance->directory).exists());
}

void DemoServerTest::foreignFolderIsNotTakenForAProfile()
{
    QTemporaryDir dir;
    QFile precious(dir.filePath(QStringLiteral("thesis.tex")));
    QVERIFY(precious.open(QIODevice::WriteOnly));
    precious.close();
    std::optional<Result<Demo::DemoProfile>> prepared;
    Demo::prepareDemoProfile(dir.path(),
                             {QStringLiteral("127.0.0.1"), 143, QStringLiteral("demo"), QStringLiteral("x")},
                             [&prepared](Result<Demo::DemoProfile> result) { prepared = std::move(result); });
    QTRY_VERIFY(prepared.has_value());
    QVERIFY(!prepared->ok());
    QVERIFY2(prepared->error().message.contains(QLatin1String("not a demo profile")),
             qPrintable(prepared->error().message));
    QVERIFY(precious.exists());
}

QTEST_GUILESS_MAIN(DemoServerTest)
#include "tst_demoserver.moc"
