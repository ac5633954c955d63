// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/accountsettings.h"
#include "accounts/passwordstore.h"
#include "core/result.h"

#include <QList>
#include <QString>
#include <memory>

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Accounts {

// An account as the profile knows it: the store's row id and its settings.
struct Account {
    qint64 id = 0;
    AccountSettings settings;
};

// A user's profile directory: the store (store.sqlite), the content cache (cache/<account key>/),
// the cache's secret key (cache.key, 0600) and, only when allowed, the profile-local password file.
// One process at a time: a lock file refuses a second opener with a clear error.
class Profile {
public:
    struct Options {
        // Permits the profile-local password file (passwords.json, 0600, not encrypted). Without
        // it, an account whose password lives there cannot be used and a new one cannot be added
        // with it; the caller says so to the user.
        bool allowInsecurePasswordStore = false;
    };

    // Creates what is missing (the directory 0700, cache/, cache.key 0600, the store) and takes
    // the lock "<dir>/lock"; a lock left by a process that is gone is taken over.
    static Result<std::unique_ptr<Profile>> open(const QString &directory, const Options &options);
    ~Profile();

    QString directory() const;
    QString storePath() const;       // <dir>/store.sqlite
    QString cacheDirectory() const;  // <dir>/cache
    Store::Database &database() const;
    // 32 random bytes created on first open: the key of the content cache's keyed hash.
    QByteArray cacheKey() const;

    Result<QList<Account>> accounts() const;
    // By email, key, or display name (case-insensitive), in that order; an unknown or ambiguous
    // name is an error that lists the accounts.
    Result<Account> findAccount(const QString &name) const;
    Result<Account> account(qint64 accountId) const;
    // Validates, generates the key, stores the settings. The password is written separately.
    Result<Account> addAccount(AccountSettings settings);
    Result<bool> updateAccount(const Account &account);
    // Removes the account's rows (folders, messages, journal, cache index), its cache directory
    // and its password. The password removal is asynchronous and best effort: it is asked of the
    // store the settings name when this profile may use it, and a failure is only logged.
    Result<bool> removeAccount(qint64 accountId);

    // The store that holds (or will hold) passwords of that kind; nullptr for ProfileFile unless
    // allowInsecurePasswordStore. Owned by the profile.
    PasswordStore *passwordStore(PasswordStorage storage) const;
    bool insecurePasswordStoreAllowed() const;

private:
    class Private;
    explicit Profile(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

}  // namespace Heron::Accounts
