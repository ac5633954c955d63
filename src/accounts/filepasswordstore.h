// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/passwordstore.h"

#include <QHash>

namespace Heron::Accounts {

// Passwords in the profile directory (passwords.json, {accountKey: password}, mode 0600), for
// machines without a keychain, and only when the user asked for it explicitly. The file is not
// encrypted: its only protection is its permissions, so a file other users can read is refused.
class FilePasswordStore : public PasswordStore {
    Q_OBJECT
public:
    explicit FilePasswordStore(const QString &profileDirectory, QObject *parent = nullptr);

    QString filePath() const { return m_filePath; }

    void readPassword(const QString &accountKey, ReadCallback callback) override;
    void writePassword(const QString &accountKey, const QString &password, WriteCallback callback) override;
    void removePassword(const QString &accountKey, WriteCallback callback) override;
    QString description() const override;

private:
    Result<QHash<QString, QString>> load() const;
    Result<bool> save(const QHash<QString, QString> &passwords) const;
    // Runs the callback from the event loop, never inside the call that was given it.
    template <typename T>
    void deliver(std::function<void(Result<T>)> callback, Result<T> result);

    QString m_filePath;
};

}  // namespace Heron::Accounts
