// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/passwordstore.h"

namespace Heron::Accounts {

// Passwords in the operating system's keychain (Secret Service, KWallet, Windows Credential
// Manager, macOS Keychain) through QtKeychain, under the service "org.heron.Heron" and the
// account key. Where no keychain can be reached, every call fails with a message that says so
// and names the explicit alternative; nothing falls back silently.
class KeychainPasswordStore : public PasswordStore {
    Q_OBJECT
public:
    static constexpr const char *kService = "org.heron.Heron";

    explicit KeychainPasswordStore(QObject *parent = nullptr);
    ~KeychainPasswordStore() override;

    void readPassword(const QString &accountKey, ReadCallback callback) override;
    void writePassword(const QString &accountKey, const QString &password, WriteCallback callback) override;
    void removePassword(const QString &accountKey, WriteCallback callback) override;
    QString description() const override;
};

}  // namespace Heron::Accounts
