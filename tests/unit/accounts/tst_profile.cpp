// SPDX-License-Identifier: GPL-3.0-or-later
// Profile: the directory layout and its permissions, the cache key kept across opens, the lock
// (a second opener refused, a lock left by a dead process ignored), and accounts: add, find,
// update, remove (rows, cache folder and password), duplicate emails refused.
#include "accounts/filepasswordstore.h"
#include "accounts/profile.h"
#include "store/accountstore.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

#include <sys/stat.h>

using namespace Heron;
using namespace Heron::Accounts;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 0777;
}

AccountSettings settingsFor(const QString &email, const QString &displayName,
                            PasswordStorage storage = PasswordStorage::ProfileFile)
{
    AccountSettings settings;
    settings.email = email;
    settings.displayName = displayName;
    settings.imapHost = QStringLiteral("imap.example.org");
    settings.userName = email;
    settings.passwordStorage = storage;
    return settings;
}

std::unique_ptr<Profile> openProfile(const QString &dir, bool allowInsecure = true)
{
    Result<std::unique_ptr<Profile>> profile = Profile::open(dir, {allowInsecure});
    if (!profile) {
        qWarning() << "open failed:" << profile.error().message;
        return nullptr;
    }
    return std::move(profile).value();
}

Result<QString> readPassword(PasswordStore &store, const QString &key)
{
    std::optional<Result<QString>> result;
    store.readPassword(key, [&](Result<QString> r) { result.emplace(std::move(r)); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
        return makeError(Error::Code::Timeout, QStringLiteral("no callback"));
    return *result;
}

bool writePassword(PasswordStore &store, const QString &key, const QString &password)
{
    std::optional<Result<bool>> result;
    store.writePassword(key, password, [&](Result<bool> r) { result.emplace(std::move(r)); });
    return QTest::qWaitFor([&] { return result.has_value(); }, 10000) && result->ok();
}

bool makeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

}  // namespace

class TestProfile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Accounts with their password in the keychain are removed here too; with no session
        // bus the keychain answers at once with an error instead of talking to a real one.
        QVERIFY(m_runtimeDir.isValid());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtimeDir.path()));
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION",
                                 "KDE_FULL_SESSION", "KDE_SESSION_VERSION"})
            qunsetenv(name);
    }

    void openCreatesPrivateLayout()
    {
        QTemporaryDir root;
        const QString dir = root.filePath(QStringLiteral("a/b/profile"));
        auto profile = openProfile(dir);
        QVERIFY(profile);
        QCOMPARE(profile->directory(), dir);
        QCOMPARE(profile->storePath(), dir + QStringLiteral("/store.sqlite"));
        QCOMPARE(profile->cacheDirectory(), dir + QStringLiteral("/cache"));
        QCOMPARE(profile->database().path(), profile->storePath());
        QVERIFY(QFileInfo(profile->storePath()).isFile());
        QVERIFY(QFileInfo(profile->cacheDirectory()).isDir());
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/lock")));
        QCOMPARE(modeOf(dir), mode_t(0700));
        QCOMPARE(modeOf(profile->cacheDirectory()), mode_t(0700));
        QCOMPARE(modeOf(dir + QStringLiteral("/cache.key")), mode_t(0600));
        QCOMPARE(QFileInfo(dir + QStringLiteral("/cache.key")).size(), 32);
        QCOMPARE(profile->cacheKey().size(), 32);
        QVERIFY(profile->cacheKey() != QByteArray(32, '\0'));
        QVERIFY(profile->accounts().ok());
        QVERIFY(profile->accounts()->isEmpty());
        profile.reset();
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/lock")));
    }

    void relativePathIsMadeAbsolute()
    {
        QTemporaryDir root;
        const QString previous = QDir::currentPath();
        QVERIFY(QDir::setCurrent(root.path()));
        auto profile = openProfile(QStringLiteral("relative"));
        QDir::setCurrent(previous);
        QVERIFY(profile);
        QCOMPARE(profile->directory(), QDir(root.path()).filePath(QStringLiteral("relative")));
    }

    void cacheKeysDifferBetweenProfiles()
    {
        QTemporaryDir one;
        QTemporaryDir two;
        auto first = openProfile(one.path());
        auto second = openProfile(two.path());
        QVERIFY(first && second);
        QVERIFY(first->cacheKey() != second->cacheKey());
    }

    void reopenKeepsKeyAndAccounts()
    {
        QTemporaryDir dir;
        QByteArray cacheKey;
        QList<Account> before;
        {
            auto profile = openProfile(dir.path());
            QVERIFY(profile);
            cacheKey = profile->cacheKey();
            AccountSettings alice = settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice"));
            alice.window = {SyncWindow::Kind::LastDays, 90, {}};
            alice.sync.strategy = SyncStrategy::CondStore;
            alice.initiallySelected = {QStringLiteral("Archive")};
            QVERIFY(profile->addAccount(alice).ok());
            QVERIFY(profile->addAccount(settingsFor(QStringLiteral("bob@example.org"), QStringLiteral("Bob"))).ok());
            before = profile->accounts().value();
        }
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        QCOMPARE(profile->cacheKey(), cacheKey);
        const QList<Account> after = profile->accounts().value();
        QCOMPARE(after.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(after.at(i).id, before.at(i).id);
            QVERIFY(after.at(i).settings == before.at(i).settings);
        }
        QCOMPARE(after.at(0).settings.window.days, 90);
        QCOMPARE(after.at(0).settings.sync.strategy, SyncStrategy::CondStore);
    }

    void secondOpenWhileLockedFails()
    {
        QTemporaryDir dir;
        auto first = openProfile(dir.path());
        QVERIFY(first);
        const Result<std::unique_ptr<Profile>> second = Profile::open(dir.path(), {});
        QVERIFY(!second.ok());
        const QString message = second.error().message;
        QVERIFY2(message.contains(QStringLiteral("in use by another Heron")), qPrintable(message));
        QVERIFY2(message.contains(QString::number(QCoreApplication::applicationPid())), qPrintable(message));
        QVERIFY2(message.contains(dir.path()), qPrintable(message));
        // The refused opener touched nothing: the first still works, and once it is closed the
        // profile opens again.
        QVERIFY(first->accounts().ok());
        first.reset();
        QVERIFY(openProfile(dir.path()));
    }

    void staleLockFromDeadProcessDoesNotBlock()
    {
        QTemporaryDir dir;
        // What QLockFile writes, taken from a real lock so the format matches this Qt ...
        QByteArray content;
        {
            QLockFile sample(dir.filePath(QStringLiteral("sample.lock")));
            QVERIFY(sample.tryLock(0));
            QFile file(dir.filePath(QStringLiteral("sample.lock")));
            QVERIFY(file.open(QIODevice::ReadOnly));
            content = file.readAll();
        }
        QVERIFY(content.startsWith(QByteArray::number(QCoreApplication::applicationPid()) + '\n'));

        // ... but owned by a process that was killed and never unlocked.
        QProcess victim;
        victim.start(QStringLiteral("sleep"), {QStringLiteral("60")});
        QVERIFY(victim.waitForStarted());
        const qint64 deadPid = victim.processId();
        victim.kill();
        QVERIFY(victim.waitForFinished());
        content = QByteArray::number(deadPid) + content.mid(content.indexOf('\n'));
        QVERIFY(makeFile(dir.filePath(QStringLiteral("lock")), content));

        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        // The lock is ours now.
        QFile lock(dir.filePath(QStringLiteral("lock")));
        QVERIFY(lock.open(QIODevice::ReadOnly));
        QCOMPARE(lock.readLine().trimmed(), QByteArray::number(QCoreApplication::applicationPid()));
    }

    void cacheKeyOfWrongSizeRefused_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("empty") << 0;
        QTest::newRow("31 bytes") << 31;
        QTest::newRow("33 bytes") << 33;
    }

    void cacheKeyOfWrongSizeRefused()
    {
        QFETCH(int, size);
        QTemporaryDir dir;
        const QString keyPath = dir.filePath(QStringLiteral("cache.key"));
        QVERIFY(makeFile(keyPath, QByteArray(size, 'k')));
        const Result<std::unique_ptr<Profile>> profile = Profile::open(dir.path(), {});
        QVERIFY(!profile.ok());
        QVERIFY2(profile.error().message.contains(QStringLiteral("damaged")), qPrintable(profile.error().message));
        QVERIFY2(profile.error().message.contains(QStringLiteral("%1 bytes").arg(size)),
                 qPrintable(profile.error().message));
        // Not replaced behind the user's back, and the failed open released the lock.
        QCOMPARE(QFileInfo(keyPath).size(), size);
        QVERIFY(QFile::remove(keyPath));
        QVERIFY(openProfile(dir.path()));
    }

    void cacheKeyOfRightSizeIsUsed()
    {
        QTemporaryDir dir;
        const QByteArray key(32, '\x42');
        QVERIFY(makeFile(dir.filePath(QStringLiteral("cache.key")), key));
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        QCOMPARE(profile->cacheKey(), key);
    }

    void addAccountGeneratesKeyAndStores()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        AccountSettings settings = settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice"));
        settings.key = QStringLiteral("ignored");
        const Result<Account> added = profile->addAccount(settings);
        QVERIFY(added.ok());
        QVERIFY(added->id > 0);
        static const QRegularExpression uuid(
                QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
        QVERIFY2(uuid.match(added->settings.key).hasMatch(), qPrintable(added->settings.key));

        Store::AccountStore store(profile->database());
        QCOMPARE(store.idForKey(added->settings.key).value(), added->id);
        const Result<Account> again = profile->account(added->id);
        QVERIFY(again.ok());
        QVERIFY(again->settings == added->settings);

        const Result<Account> second = profile->addAccount(
                settingsFor(QStringLiteral("bob@example.org"), QStringLiteral("Bob")));
        QVERIFY(second.ok());
        QVERIFY(second->settings.key != added->settings.key);
    }

    void addAccountValidates()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        AccountSettings settings = settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice"));
        settings.imapPort = 0;
        const Result<Account> added = profile->addAccount(settings);
        QVERIFY(!added.ok());
        QVERIFY(added.error().message.contains(QStringLiteral("port")));
        QVERIFY(profile->accounts()->isEmpty());
    }

    void duplicateEmailRefused()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        QVERIFY(profile->addAccount(settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice"))).ok());
        const Result<Account> duplicate = profile->addAccount(
                settingsFor(QStringLiteral("ALICE@Example.ORG"), QStringLiteral("Other")));
        QVERIFY(!duplicate.ok());
        QVERIFY2(duplicate.error().message.contains(QStringLiteral("already exists")),
                 qPrintable(duplicate.error().message));
        QCOMPARE(profile->accounts()->size(), 1);
    }

    void passwordFileOnlyWhenAllowed()
    {
        QTemporaryDir dir;
        {
            auto profile = openProfile(dir.path(), false);
            QVERIFY(profile);
            QVERIFY(!profile->insecurePasswordStoreAllowed());
            QVERIFY(profile->passwordStore(PasswordStorage::Keychain));
            QCOMPARE(profile->passwordStore(PasswordStorage::ProfileFile), nullptr);
            const Result<Account> refused = profile->addAccount(
                    settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice")));
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().message.contains(QStringLiteral("--insecure-password-store")),
                     qPrintable(refused.error().message));
            QVERIFY(profile->addAccount(settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                                                    PasswordStorage::Keychain))
                            .ok());
        }
        auto profile = openProfile(dir.path(), true);
        QVERIFY(profile);
        QVERIFY(profile->insecurePasswordStoreAllowed());
        PasswordStore *file = profile->passwordStore(PasswordStorage::ProfileFile);
        QVERIFY(file);
        QCOMPARE(file->description(), QStringLiteral("the profile's password file"));
        QCOMPARE(static_cast<FilePasswordStore *>(file)->filePath(), dir.filePath(QStringLiteral("passwords.json")));
    }

    void findAccount()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        const Account alice = profile->addAccount(
                                             settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice")))
                                      .value();
        const Account bob = profile->addAccount(settingsFor(QStringLiteral("bob@example.org"), QStringLiteral("Bob")))
                                    .value();

        QCOMPARE(profile->findAccount(alice.settings.key)->id, alice.id);
        QCOMPARE(profile->findAccount(QStringLiteral("alice@example.org"))->id, alice.id);
        QCOMPARE(profile->findAccount(QStringLiteral("ALICE@EXAMPLE.org"))->id, alice.id);
        QCOMPARE(profile->findAccount(QStringLiteral("bob"))->id, bob.id);
        QCOMPARE(profile->findAccount(QStringLiteral("BOB"))->id, bob.id);

        const Result<Account> unknown = profile->findAccount(QStringLiteral("carol"));
        QVERIFY(!unknown.ok());
        const QString message = unknown.error().message;
        QVERIFY2(message.contains(QStringLiteral("\"carol\"")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("alice@example.org")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("bob@example.org")), qPrintable(message));
        QVERIFY2(message.contains(alice.settings.key), qPrintable(message));
    }

    void findAccountAmbiguousName()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        QVERIFY(profile->addAccount(settingsFor(QStringLiteral("alice@work.example"), QStringLiteral("Alice"))).ok());
        QVERIFY(profile->addAccount(settingsFor(QStringLiteral("alice@home.example"), QStringLiteral("alice"))).ok());
        QVERIFY(profile->addAccount(settingsFor(QStringLiteral("bob@example.org"), QStringLiteral("Bob"))).ok());
        const Result<Account> ambiguous = profile->findAccount(QStringLiteral("Alice"));
        QVERIFY(!ambiguous.ok());
        const QString message = ambiguous.error().message;
        QVERIFY2(message.contains(QStringLiteral("Several accounts")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("alice@work.example")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("alice@home.example")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("bob@example.org")), qPrintable(message));
        // The email still picks one.
        QCOMPARE(profile->findAccount(QStringLiteral("alice@home.example"))->settings.displayName,
                 QStringLiteral("alice"));
    }

    void findAccountInEmptyProfile()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        const Result<Account> none = profile->findAccount(QStringLiteral("alice"));
        QVERIFY(!none.ok());
        QVERIFY2(none.error().message.contains(QStringLiteral("no accounts")), qPrintable(none.error().message));
        QVERIFY(!profile->account(42).ok());
    }

    void updateAccount()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        Account alice = profile->addAccount(settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice")))
                                .value();
        const Account bob = profile->addAccount(settingsFor(QStringLiteral("bob@example.org"), QStringLiteral("Bob")))
                                    .value();
        const QString key = alice.settings.key;

        alice.settings.displayName = QStringLiteral("Alice Liddell");
        alice.settings.sync.pollIntervalSeconds = 300;
        alice.settings.window = {SyncWindow::Kind::Since, 0, QDate(2020, 1, 1)};
        alice.settings.key = QStringLiteral("changed");
        QVERIFY(profile->updateAccount(alice).ok());
        const Account stored = profile->account(alice.id).value();
        QCOMPARE(stored.settings.key, key);
        QCOMPARE(stored.settings.displayName, QStringLiteral("Alice Liddell"));
        QCOMPARE(stored.settings.sync.pollIntervalSeconds, 300);
        QCOMPARE(stored.settings.window.sinceDate, QDate(2020, 1, 1));

        // Its own email again is fine; another account's is not; nor are invalid settings.
        QVERIFY(profile->updateAccount(stored).ok());
        Account clash = stored;
        clash.settings.email = QStringLiteral("Bob@example.org");
        QVERIFY(!profile->updateAccount(clash).ok());
        Account invalid = stored;
        invalid.settings.sync.batchSize = 99;
        QVERIFY(!profile->updateAccount(invalid).ok());
        Account missing = stored;
        missing.id = bob.id + 100;
        QVERIFY(!profile->updateAccount(missing).ok());
        QCOMPARE(profile->account(alice.id)->settings.email, QStringLiteral("alice@example.org"));
    }

    void removeDeletesRowsCacheAndPassword()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        const Account alice = profile->addAccount(
                                             settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice")))
                                      .value();
        const Account bob = profile->addAccount(settingsFor(QStringLiteral("bob@example.org"), QStringLiteral("Bob")))
                                    .value();
        PasswordStore *passwords = profile->passwordStore(PasswordStorage::ProfileFile);
        QVERIFY(writePassword(*passwords, alice.settings.key, QStringLiteral("alice-secret")));
        QVERIFY(writePassword(*passwords, bob.settings.key, QStringLiteral("bob-secret")));
        const QString aliceCache = profile->cacheDirectory() + QLatin1Char('/') + alice.settings.key;
        const QString bobCache = profile->cacheDirectory() + QLatin1Char('/') + bob.settings.key;
        QVERIFY(makeFile(aliceCache + QStringLiteral("/ab/abcdef"), "cached part"));
        QVERIFY(makeFile(bobCache + QStringLiteral("/cd/cdef01"), "cached part"));

        QVERIFY(profile->removeAccount(alice.id).ok());

        QCOMPARE(profile->accounts()->size(), 1);
        QCOMPARE(profile->accounts()->first().id, bob.id);
        QVERIFY(!profile->account(alice.id).ok());
        QCOMPARE(Store::AccountStore(profile->database()).idForKey(alice.settings.key).value(), qint64(0));
        QVERIFY(!QFileInfo::exists(aliceCache));
        QVERIFY(QFileInfo::exists(bobCache + QStringLiteral("/cd/cdef01")));
        QTRY_VERIFY(!readPassword(*passwords, alice.settings.key).ok());
        QCOMPARE(readPassword(*passwords, bob.settings.key).value(), QStringLiteral("bob-secret"));

        // The email is free again.
        QVERIFY(profile->addAccount(settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice"))).ok());
        QVERIFY(!profile->removeAccount(alice.id).ok());
    }

    void removeLeavesPasswordOfStoreNotAllowed()
    {
        QTemporaryDir dir;
        Account alice;
        {
            auto profile = openProfile(dir.path(), true);
            QVERIFY(profile);
            alice = profile->addAccount(settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice")))
                            .value();
            QVERIFY(writePassword(*profile->passwordStore(PasswordStorage::ProfileFile), alice.settings.key,
                                  QStringLiteral("secret")));
        }
        {
            auto profile = openProfile(dir.path(), false);
            QVERIFY(profile);
            QVERIFY(profile->removeAccount(alice.id).ok());
            QVERIFY(profile->accounts()->isEmpty());
            QTest::qWait(20);
        }
        FilePasswordStore file(dir.path());
        QCOMPARE(readPassword(file, alice.settings.key).value(), QStringLiteral("secret"));
    }

    void removeWithUnreachableKeychainSucceeds()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path(), false);
        QVERIFY(profile);
        const Account alice = profile->addAccount(settingsFor(QStringLiteral("alice@example.org"),
                                                              QStringLiteral("Alice"), PasswordStorage::Keychain))
                                      .value();
        QVERIFY(profile->removeAccount(alice.id).ok());
        QVERIFY(profile->accounts()->isEmpty());
        // The keychain's late answer finds the profile gone and is dropped.
        profile.reset();
        QTest::qWait(200);
    }

    void damagedSettingsNameTheAccount()
    {
        QTemporaryDir dir;
        auto profile = openProfile(dir.path());
        QVERIFY(profile);
        const Account alice = profile->addAccount(
                                             settingsFor(QStringLiteral("alice@example.org"), QStringLiteral("Alice")))
                                      .value();
        Store::AccountStore store(profile->database());
        QVERIFY(store.setSettings(alice.id, QStringLiteral("Alice"), R"({"version": 1, "imap": {"port": 0}})").ok());
        const Result<QList<Account>> accounts = profile->accounts();
        QVERIFY(!accounts.ok());
        QVERIFY2(accounts.error().message.contains(alice.settings.key), qPrintable(accounts.error().message));
        QVERIFY2(accounts.error().message.contains(QStringLiteral("\"imap.port\"")),
                 qPrintable(accounts.error().message));
    }

private:
    QTemporaryDir m_runtimeDir;
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
