// SPDX-License-Identifier: GPL-3.0-or-later
#include "profile.h"

#include "accounts/filepasswordstore.h"
#include "accounts/keychainpasswordstore.h"
#include "store/accountstore.h"
#include "store/database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QUuid>

#include <array>

Q_LOGGING_CATEGORY(lcAccounts, "heron.accounts", QtInfoMsg)

namespace Heron::Accounts {

namespace {

constexpr qsizetype kCacheKeySize = 32;
constexpr QFileDevice::Permissions kOwnerOnlyFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerOnlyDirectory = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                         QFileDevice::ExeOwner;

// Creates a directory private to the user; an existing one is left as the user made it.
Result<bool> makePrivateDirectory(const QString &path, const QString &what)
{
    if (QFileInfo(path).isDir())
        return true;
    if (!QDir().mkpath(path) || !QFile::setPermissions(path, kOwnerOnlyDirectory))
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot create the %1 %2. Check that its parent folder exists and is "
                                        "writable.")
                                 .arg(what, path));
    return true;
}

Result<std::unique_ptr<QLockFile>> lockProfile(const QString &directory)
{
    auto lock = std::make_unique<QLockFile>(QDir(directory).filePath(QStringLiteral("lock")));
    // QLockFile removes a lock whose process is gone (same host, pid not running) by itself; the
    // age limit only matters for locks written on another host sharing the directory.
    if (lock->tryLock(0))
        return lock;
    switch (lock->error()) {
    case QLockFile::LockFailedError: {
        qint64 pid = 0;
        QString host;
        QString application;
        const QString owner = lock->getLockInfo(&pid, &host, &application)
                                      ? QStringLiteral(" (process %1%2)")
                                                .arg(pid)
                                                .arg(host.isEmpty() ? QString() : QStringLiteral(" on ") + host)
                                      : QString();
        return makeError(Error::Code::Io,
                         QStringLiteral("The profile %1 is in use by another Heron%2. Close that one first, or use "
                                        "another profile.")
                                 .arg(directory, owner));
    }
    case QLockFile::PermissionError:
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot lock the profile %1: the folder is not writable. Check its "
                                        "permissions.")
                                 .arg(directory));
    default:
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot lock the profile %1. Check that the disk is not full and that the "
                                        "folder is writable.")
                                 .arg(directory));
    }
}

// The content cache's key: made once, kept across opens. A file of another size is not silently
// replaced, as every cached file name depends on the key.
Result<QByteArray> loadOrCreateCacheKey(const QString &path)
{
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return makeError(Error::Code::Io,
                             QStringLiteral("Cannot read the cache key %1: %2.").arg(path, existing.errorString()));
        const QByteArray key = existing.read(kCacheKeySize + 1);
        if (key.size() != kCacheKeySize)
            return makeError(Error::Code::InvalidInput,
                             QStringLiteral("The cache key %1 is damaged (%2 bytes instead of %3). Remove it and "
                                            "the cache folder next to it; the cache will be filled again.")
                                     .arg(path)
                                     .arg(existing.size())
                                     .arg(kCacheKeySize));
        return key;
    }
    std::array<quint32, kCacheKeySize / sizeof(quint32)> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray key(reinterpret_cast<const char *>(words.data()), kCacheKeySize);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(kOwnerOnlyFile) || file.write(key) != key.size() ||
        !file.commit() || !QFile::setPermissions(path, kOwnerOnlyFile))
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot create the cache key %1: %2.").arg(path, file.errorString()));
    return key;
}

// An account key names a cache folder; only keys Heron could have made are used as a path.
bool isSafePathComponent(const QString &key)
{
    if (key.isEmpty() || key.size() > 64)
        return false;
    for (const QChar c : key) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('-'))
            return false;
    }
    return true;
}

QString describeAccounts(const QList<Account> &accounts)
{
    if (accounts.isEmpty())
        return QStringLiteral("The profile has no accounts.");
    QStringList lines;
    for (const Account &account : accounts) {
        QString line = QStringLiteral("  %1").arg(account.settings.label());
        if (!account.settings.displayName.isEmpty())
            line += QStringLiteral(" (%1)").arg(account.settings.displayName);
        line += QStringLiteral(", key %1").arg(account.settings.key);
        lines.append(line);
    }
    return QStringLiteral("The accounts are:\n") + lines.join(QLatin1Char('\n'));
}

}  // namespace

class Profile::Private {
public:
    QString directory;
    Options options;
    // Declared first so that it is released last, after the store is closed.
    std::unique_ptr<QLockFile> lock;
    std::unique_ptr<Store::Database> database;
    std::unique_ptr<Store::AccountStore> accountStore;
    QByteArray cacheKey;
    std::unique_ptr<KeychainPasswordStore> keychain;
    std::unique_ptr<FilePasswordStore> passwordFile;

    QString cacheDirectory() const { return QDir(directory).filePath(QStringLiteral("cache")); }
    Result<bool> checkEmailFree(const QString &email, qint64 exceptId) const;
};

Result<bool> Profile::Private::checkEmailFree(const QString &email, qint64 exceptId) const
{
    Result<QList<Store::AccountRecord>> records = accountStore->accounts();
    if (!records)
        return records.error();
    for (const Store::AccountRecord &record : *records) {
        if (record.id == exceptId)
            continue;
        Result<QByteArray> json = accountStore->settings(record.id);
        if (!json)
            return json.error();
        Result<AccountSettings> settings = AccountSettings::fromJson(*json);
        // A damaged neighbour does not block adding an account; its own listing reports it.
        if (settings && settings->email.compare(email, Qt::CaseInsensitive) == 0)
            return makeError(Error::Code::InvalidInput,
                             QStringLiteral("An account for %1 already exists in this profile. Remove it first, or "
                                            "change its settings instead.")
                                     .arg(settings->email));
    }
    return true;
}

Profile::Profile(std::unique_ptr<Private> d) : d(std::move(d)) {}

Profile::~Profile()
{
    // Password stores first (their queued callbacks are dropped with them), the store next, the
    // lock last.
    d->passwordFile.reset();
    d->keychain.reset();
    d->accountStore.reset();
    d->database.reset();
    d->lock.reset();
}

Result<std::unique_ptr<Profile>> Profile::open(const QString &directory, const Options &options)
{
    if (directory.isEmpty())
        return makeError(Error::Code::InvalidInput, QStringLiteral("Choose a folder for the profile."));
    auto d = std::make_unique<Private>();
    d->directory = QDir::cleanPath(QDir(directory).absolutePath());
    d->options = options;

    if (auto made = makePrivateDirectory(d->directory, QStringLiteral("profile folder")); !made)
        return made.error();
    Result<std::unique_ptr<QLockFile>> lock = lockProfile(d->directory);
    if (!lock)
        return lock.error();
    d->lock = std::move(lock).value();

    if (auto made = makePrivateDirectory(d->cacheDirectory(), QStringLiteral("cache folder")); !made)
        return made.error();
    Result<QByteArray> cacheKey = loadOrCreateCacheKey(QDir(d->directory).filePath(QStringLiteral("cache.key")));
    if (!cacheKey)
        return cacheKey.error();
    d->cacheKey = *cacheKey;

    Result<std::unique_ptr<Store::Database>> database = Store::Database::open(
            QDir(d->directory).filePath(QStringLiteral("store.sqlite")));
    if (!database)
        return database.error();
    d->database = std::move(database).value();
    d->accountStore = std::make_unique<Store::AccountStore>(*d->database);

    d->keychain = std::make_unique<KeychainPasswordStore>();
    if (options.allowInsecurePasswordStore)
        d->passwordFile = std::make_unique<FilePasswordStore>(d->directory);

    return std::unique_ptr<Profile>(new Profile(std::move(d)));
}

QString Profile::directory() const
{
    return d->directory;
}

QString Profile::storePath() const
{
    return d->database->path();
}

QString Profile::cacheDirectory() const
{
    return d->cacheDirectory();
}

Store::Database &Profile::database() const
{
    return *d->database;
}

QByteArray Profile::cacheKey() const
{
    return d->cacheKey;
}

Result<QList<Account>> Profile::accounts() const
{
    Result<QList<Store::AccountRecord>> records = d->accountStore->accounts();
    if (!records)
        return records.error();
    QList<Account> result;
    for (const Store::AccountRecord &record : *records) {
        Result<QByteArray> json = d->accountStore->settings(record.id);
        if (!json)
            return json.error();
        Result<AccountSettings> settings = AccountSettings::fromJson(*json);
        if (!settings)
            return makeError(settings.error().code,
                             QStringLiteral("Account %1 (%2): %3")
                                     .arg(record.key, record.displayName, settings.error().message));
        Account account{record.id, std::move(settings).value()};
        // The store's key is the one the rows and the cache are filed under.
        account.settings.key = record.key;
        result.append(account);
    }
    return result;
}

// The key is unique, and so is the email (addAccount refuses a second one); only display names
// can be ambiguous.
Result<Account> Profile::findAccount(const QString &name) const
{
    Result<QList<Account>> all = accounts();
    if (!all)
        return all.error();
    const QString wanted = name.trimmed();
    for (const Account &account : *all) {
        if (account.settings.key == wanted)
            return account;
    }
    for (const Account &account : *all) {
        if (account.settings.email.compare(wanted, Qt::CaseInsensitive) == 0)
            return account;
    }
    QList<Account> byName;
    for (const Account &account : *all) {
        if (!account.settings.displayName.isEmpty() &&
            account.settings.displayName.compare(wanted, Qt::CaseInsensitive) == 0)
            byName.append(account);
    }
    if (byName.size() == 1)
        return byName.first();
    if (byName.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("No account is called \"%1\". Name it by its email address, display name or "
                                        "key. %2")
                                 .arg(name, describeAccounts(*all)));
    return makeError(Error::Code::InvalidInput,
                     QStringLiteral("Several accounts are called \"%1\". Name one by its email address or key. %2")
                             .arg(name, describeAccounts(byName)));
}

Result<Account> Profile::account(qint64 accountId) const
{
    Result<QList<Account>> all = accounts();
    if (!all)
        return all.error();
    for (const Account &account : *all) {
        if (account.id == accountId)
            return account;
    }
    return makeError(Error::Code::InvalidInput,
                     QStringLiteral("No account with id %1 exists in this profile.").arg(accountId));
}

Result<Account> Profile::addAccount(AccountSettings settings)
{
    if (auto valid = settings.validate(); !valid)
        return valid.error();
    if (settings.passwordStorage == PasswordStorage::ProfileFile && !d->options.allowInsecurePasswordStore)
        return makeError(Error::Code::Security,
                         QStringLiteral("Keeping the password in the profile's password file was not allowed. Use "
                                        "--insecure-password-store to allow it, or keep the password in the system "
                                        "keychain."));
    if (auto free = d->checkEmailFree(settings.email, 0); !free)
        return free.error();
    settings.key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Result<qint64> id = d->accountStore->add(settings.key, settings.displayName, settings.toJson());
    if (!id)
        return id.error();
    return Account{*id, std::move(settings)};
}

Result<bool> Profile::updateAccount(const Account &account)
{
    Result<Account> stored = this->account(account.id);
    if (!stored)
        return stored.error();
    AccountSettings settings = account.settings;
    // The key files the account's rows, cache and password; it never changes.
    settings.key = stored->settings.key;
    if (auto valid = settings.validate(); !valid)
        return valid.error();
    if (settings.passwordStorage == PasswordStorage::ProfileFile &&
        stored->settings.passwordStorage != PasswordStorage::ProfileFile && !d->options.allowInsecurePasswordStore)
        return makeError(Error::Code::Security,
                         QStringLiteral("Keeping the password in the profile's password file was not allowed. Use "
                                        "--insecure-password-store to allow it."));
    if (auto free = d->checkEmailFree(settings.email, account.id); !free)
        return free.error();
    return d->accountStore->setSettings(account.id, settings.displayName, settings.toJson());
}

Result<bool> Profile::removeAccount(qint64 accountId)
{
    Result<Account> stored = account(accountId);
    if (!stored)
        return stored.error();
    if (auto removed = d->accountStore->remove(accountId); !removed)
        return removed.error();

    const QString key = stored->settings.key;
    if (isSafePathComponent(key)) {
        QDir cache(QDir(d->cacheDirectory()).filePath(key));
        if (cache.exists() && !cache.removeRecursively())
            qCWarning(lcAccounts) << "Could not remove every cached file of the removed account in" << cache.path();
    }

    // The password goes too when its store can be reached; a store this run may not use (the
    // password file without permission) keeps it, and a keychain failure is only logged: the
    // account is gone either way.
    if (PasswordStore *store = passwordStore(stored->settings.passwordStorage)) {
        store->removePassword(key, [key](const Result<bool> &removed) {
            if (!removed)
                qCInfo(lcAccounts) << "The password of the removed account" << key
                                   << "was not removed:" << removed.error().message;
        });
    }
    return true;
}

PasswordStore *Profile::passwordStore(PasswordStorage storage) const
{
    switch (storage) {
    case PasswordStorage::Keychain:
        return d->keychain.get();
    case PasswordStorage::ProfileFile:
        return d->passwordFile.get();
    }
    return nullptr;
}

bool Profile::insecurePasswordStoreAllowed() const
{
    return d->options.allowInsecurePasswordStore;
}

}  // namespace Heron::Accounts
