// SPDX-License-Identifier: GPL-3.0-or-later
// Password stores: the profile-local file (private permissions whatever the umask, refusal of a
// file others can read, round trip, callbacks from the event loop only) and the system keychain
// where none can be reached (a plain-words error in bounded time, never a hang).
#include "accounts/filepasswordstore.h"
#include "accounts/keychainpasswordstore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QTest>

#include <atomic>

#include <optional>

#include <sys/stat.h>

using namespace Heron;
using namespace Heron::Accounts;

namespace {

constexpr QFileDevice::Permissions kGroupOrOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                    QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                    QFileDevice::WriteOther | QFileDevice::ExeOther;

// Collects one callback's result; the test waits on it with QTRY_*.
template <typename T>
struct Outcome {
    std::optional<Result<T>> result;
    std::function<void(Result<T>)> callback()
    {
        return [this](Result<T> r) { result.emplace(std::move(r)); };
    }
};

Result<QString> readNow(PasswordStore &store, const QString &key)
{
    Outcome<QString> outcome;
    store.readPassword(key, outcome.callback());
    if (!QTest::qWaitFor([&] { return outcome.result.has_value(); }, 10000))
        return makeError(Error::Code::Timeout, QStringLiteral("no callback"));
    return *outcome.result;
}

Result<bool> writeNow(PasswordStore &store, const QString &key, const QString &password)
{
    Outcome<bool> outcome;
    store.writePassword(key, password, outcome.callback());
    if (!QTest::qWaitFor([&] { return outcome.result.has_value(); }, 10000))
        return makeError(Error::Code::Timeout, QStringLiteral("no callback"));
    return *outcome.result;
}

Result<bool> removeNow(PasswordStore &store, const QString &key)
{
    Outcome<bool> outcome;
    store.removePassword(key, outcome.callback());
    if (!QTest::qWaitFor([&] { return outcome.result.has_value(); }, 10000))
        return makeError(Error::Code::Timeout, QStringLiteral("no callback"));
    return *outcome.result;
}

}  // namespace

class TestPasswordStores : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // No session bus anywhere: not in the environment, not at $XDG_RUNTIME_DIR/bus, and no
        // X11 display to autolaunch one through. QtKeychain picks its backend once per process,
        // so this must happen before the first keychain job.
        QVERIFY(m_runtimeDir.isValid());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtimeDir.path()));
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION",
                                 "KDE_FULL_SESSION", "KDE_SESSION_VERSION"})
            qunsetenv(name);
    }

    void fileStoreRoundTrip()
    {
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        QCOMPARE(store.filePath(), dir.filePath(QStringLiteral("passwords.json")));
        QVERIFY(writeNow(store, QStringLiteral("key-a"), QStringLiteral("s3cret \"quoted\" ünï")).ok());
        QVERIFY(writeNow(store, QStringLiteral("key-b"), QStringLiteral("other")).ok());
        QCOMPARE(readNow(store, QStringLiteral("key-a")).value(), QStringLiteral("s3cret \"quoted\" ünï"));
        QCOMPARE(readNow(store, QStringLiteral("key-b")).value(), QStringLiteral("other"));

        QVERIFY(writeNow(store, QStringLiteral("key-a"), QStringLiteral("changed")).ok());
        QCOMPARE(readNow(store, QStringLiteral("key-a")).value(), QStringLiteral("changed"));

        // A second instance (the next run) reads what the first wrote.
        FilePasswordStore again(dir.path());
        QCOMPARE(readNow(again, QStringLiteral("key-b")).value(), QStringLiteral("other"));

        QVERIFY(removeNow(store, QStringLiteral("key-a")).ok());
        const Result<QString> missing = readNow(store, QStringLiteral("key-a"));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(QStringLiteral("no password")));
        QCOMPARE(readNow(store, QStringLiteral("key-b")).value(), QStringLiteral("other"));
    }

    void fileStoreRemovingAbsentPasswordSucceeds()
    {
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        // No file at all, then a file without that key.
        QVERIFY(removeNow(store, QStringLiteral("nobody")).ok());
        QVERIFY(!QFile::exists(store.filePath()));
        QVERIFY(writeNow(store, QStringLiteral("key-a"), QStringLiteral("x")).ok());
        QVERIFY(removeNow(store, QStringLiteral("nobody")).ok());
        QCOMPARE(readNow(store, QStringLiteral("key-a")).value(), QStringLiteral("x"));
    }

    void fileStoreIsPrivateWhateverTheUmask()
    {
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        const mode_t previous = ::umask(0);
        const Result<bool> written = writeNow(store, QStringLiteral("key-a"), QStringLiteral("x"));
        const Result<bool> rewritten = writeNow(store, QStringLiteral("key-b"), QStringLiteral("y"));
        ::umask(previous);
        QVERIFY(written.ok());
        QVERIFY(rewritten.ok());
        struct stat info {};
        QCOMPARE(::stat(QFile::encodeName(store.filePath()).constData(), &info), 0);
        QCOMPARE(info.st_mode & 0777, mode_t(0600));
    }

    void fileStoreRefusesFileOthersCanRead()
    {
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        QVERIFY(writeNow(store, QStringLiteral("key-a"), QStringLiteral("x")).ok());
        QVERIFY(QFile::setPermissions(store.filePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                                QFileDevice::ReadGroup | QFileDevice::ReadOther));

        const Result<QString> read = readNow(store, QStringLiteral("key-a"));
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, Error::Code::Security);
        QVERIFY2(read.error().message.contains(QStringLiteral("other users")), qPrintable(read.error().message));
        QVERIFY2(read.error().message.contains(QStringLiteral("chmod 600")), qPrintable(read.error().message));

        // Writing does not quietly take over (and re-private) a file that was exposed.
        QVERIFY(!writeNow(store, QStringLiteral("key-b"), QStringLiteral("y")).ok());
        QVERIFY(QFileInfo(store.filePath()).permissions() & kGroupOrOthers);

        // Group-writable alone is refused too; 0600 again is accepted.
        QVERIFY(QFile::setPermissions(store.filePath(),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::WriteGroup));
        QVERIFY(!readNow(store, QStringLiteral("key-a")).ok());
        QVERIFY(QFile::setPermissions(store.filePath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(readNow(store, QStringLiteral("key-a")).value(), QStringLiteral("x"));
    }

    void fileStoreRefusesDamagedFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not json") << QByteArray("key-a=secret\n");
        QTest::newRow("array") << QByteArray("[\"secret\"]");
        QTest::newRow("number value") << QByteArray("{\"key-a\": 42}");
    }

    void fileStoreRefusesDamagedFile()
    {
        QFETCH(QByteArray, content);
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        QFile file(store.filePath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        file.write(content);
        file.close();
        const Result<QString> read = readNow(store, QStringLiteral("key-a"));
        QVERIFY(!read.ok());
        QVERIFY2(read.error().message.contains(QStringLiteral("damaged")), qPrintable(read.error().message));
        // Nor is a damaged file overwritten, which would lose the other passwords in it.
        QVERIFY(!writeNow(store, QStringLiteral("key-a"), QStringLiteral("x")).ok());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), content);
    }

    void fileStoreCallbacksRunFromEventLoop()
    {
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        int calls = 0;
        store.writePassword(QStringLiteral("key-a"), QStringLiteral("x"), [&](Result<bool>) { ++calls; });
        QCOMPARE(calls, 0);
        store.readPassword(QStringLiteral("key-a"), [&](Result<QString>) { ++calls; });
        QCOMPARE(calls, 0);
        store.readPassword(QStringLiteral("missing"), [&](Result<QString>) { ++calls; });
        QCOMPARE(calls, 0);
        store.removePassword(QStringLiteral("key-a"), [&](Result<bool>) { ++calls; });
        QCOMPARE(calls, 0);
        QTRY_COMPARE(calls, 4);
    }

    // A sync engine on a worker thread reads passwords from the profile's store, which lives on
    // the GUI thread: the answer must come on the worker, where the engine's objects live.
    void fileStoreAnswersOnTheCallingThread()
    {
        QTemporaryDir dir;
        FilePasswordStore store(dir.path());
        QVERIFY(writeNow(store, QStringLiteral("key-a"), QStringLiteral("x")).ok());
        QThread worker;
        worker.start();
        QObject context;
        context.moveToThread(&worker);
        std::atomic<QThread *> answeredOn = nullptr;
        std::atomic<bool> answered = false;
        QMetaObject::invokeMethod(&context, [&] {
            store.readPassword(QStringLiteral("key-a"), [&](Result<QString> password) {
                answeredOn = QThread::currentThread();
                answered = password.ok() && *password == QStringLiteral("x");
            });
        });
        QTRY_VERIFY(answeredOn.load() != nullptr);
        QCOMPARE(answeredOn.load(), &worker);
        QVERIFY(answered);
        worker.quit();
        worker.wait();
    }

    void fileStoreDropsCallbacksAfterDestruction()
    {
        QTemporaryDir dir;
        int calls = 0;
        {
            FilePasswordStore store(dir.path());
            store.writePassword(QStringLiteral("key-a"), QStringLiteral("x"), [&](Result<bool>) { ++calls; });
        }
        QTest::qWait(50);
        QCOMPARE(calls, 0);
    }

    void keychainWithoutDBusFailsInPlainWords()
    {
        KeychainPasswordStore store;
        QCOMPARE(store.description(), QStringLiteral("the system keychain"));
        QElapsedTimer timer;
        timer.start();

        Outcome<QString> read;
        Outcome<bool> written;
        Outcome<bool> removed;
        store.readPassword(QStringLiteral("key-a"), read.callback());
        store.writePassword(QStringLiteral("key-a"), QStringLiteral("x"), written.callback());
        store.removePassword(QStringLiteral("key-a"), removed.callback());
        QVERIFY(!read.result && !written.result && !removed.result);
        QTRY_VERIFY_WITH_TIMEOUT(read.result && written.result && removed.result, 10000);
        qInfo() << "keychain answered in" << timer.elapsed() << "ms:" << read.result->error().message;

        const QList<Error> errors = {read.result->error(), written.result->error(), removed.result->error()};
        for (const Error &error : errors) {
            QVERIFY(error.isError());
            QVERIFY2(error.message.startsWith(QStringLiteral("No system keychain is available (")),
                     qPrintable(error.message));
            QVERIFY2(error.message.contains(QStringLiteral("--insecure-password-store")), qPrintable(error.message));
        }
    }

private:
    QTemporaryDir m_runtimeDir;
};

QTEST_GUILESS_MAIN(TestPasswordStores)
#include "tst_passwordstores.moc"
