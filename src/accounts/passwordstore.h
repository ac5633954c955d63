// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

namespace Heron::Accounts {

// Where account passwords are kept. Asynchronous, as the OS keychain may ask the user or a
// daemon; callbacks run on the calling thread's event loop, never inside the call itself.
class PasswordStore : public QObject {
    Q_OBJECT
public:
    using ReadCallback = std::function<void(Result<QString>)>;
    using WriteCallback = std::function<void(Result<bool>)>;

    using QObject::QObject;
    ~PasswordStore() override = default;

    virtual void readPassword(const QString &accountKey, ReadCallback callback) = 0;
    virtual void writePassword(const QString &accountKey, const QString &password, WriteCallback callback) = 0;
    // Removing a password that is not there succeeds.
    virtual void removePassword(const QString &accountKey, WriteCallback callback) = 0;
    virtual QString description() const = 0;  // "the system keychain", "the profile's password file"
};

}  // namespace Heron::Accounts
