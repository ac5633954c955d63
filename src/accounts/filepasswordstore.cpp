// SPDX-License-Identifier: GPL-3.0-or-later
#include "filepasswordstore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>

namespace Heron::Accounts {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kGroupOrOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                    QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                    QFileDevice::WriteOther | QFileDevice::ExeOther;

}  // namespace

FilePasswordStore::FilePasswordStore(const QString &profileDirectory, QObject *parent)
    : PasswordStore(parent),
      m_filePath(QDir(profileDirectory).filePath(QStringLiteral("passwords.json")))
{
}

template <typename T>
void FilePasswordStore::deliver(std::function<void(Result<T>)> callback, Result<T> result)
{
    // On the caller's event loop (a timer runs on the thread that starts it), which may be another
    // thread than the store's; dropped when the store went away first.
    QTimer::singleShot(0, [self = QPointer<FilePasswordStore>(this), callback = std::move(callback),
                           result = std::move(result)]() {
        if (self)
            callback(result);
    });
}

void FilePasswordStore::readPassword(const QString &accountKey, ReadCallback callback)
{
    Result<QHash<QString, QString>> passwords = load();
    if (!passwords) {
        deliver<QString>(std::move(callback), passwords.error());
        return;
    }
    const auto found = passwords->constFind(accountKey);
    if (found == passwords->constEnd()) {
        deliver<QString>(std::move(callback),
                         makeError(Error::Code::InvalidInput,
                                   QStringLiteral("The profile's password file holds no password for this account. "
                                                  "Enter the password again.")));
        return;
    }
    deliver<QString>(std::move(callback), found.value());
}

void FilePasswordStore::writePassword(const QString &accountKey, const QString &password, WriteCallback callback)
{
    Result<QHash<QString, QString>> passwords = load();
    if (!passwords) {
        deliver<bool>(std::move(callback), passwords.error());
        return;
    }
    passwords.value().insert(accountKey, password);
    deliver<bool>(std::move(callback), save(*passwords));
}

void FilePasswordStore::removePassword(const QString &accountKey, WriteCallback callback)
{
    Result<QHash<QString, QString>> passwords = load();
    if (!passwords) {
        deliver<bool>(std::move(callback), passwords.error());
        return;
    }
    if (!passwords.value().remove(accountKey)) {
        deliver<bool>(std::move(callback), true);
        return;
    }
    deliver<bool>(std::move(callback), save(*passwords));
}

QString FilePasswordStore::description() const
{
    return QStringLiteral("the profile's password file");
}

// A missing file is an empty store.
Result<QHash<QString, QString>> FilePasswordStore::load() const
{
    QFile file(m_filePath);
    if (!file.exists())
        return QHash<QString, QString>();
#ifdef Q_OS_UNIX
    if (file.permissions() & kGroupOrOthers)
        return makeError(Error::Code::Security,
                         QStringLiteral("The password file %1 can be read or changed by other users of this computer, "
                                        "so Heron will not use it. Make it private with \"chmod 600 %1\", and change "
                                        "the passwords in it if others may have seen them.")
                                 .arg(m_filePath));
#endif
    if (!file.open(QIODevice::ReadOnly))
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot read the password file %1: %2.").arg(m_filePath, file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("The password file %1 is damaged. Remove it and enter the passwords again.")
                                 .arg(m_filePath));
    QHash<QString, QString> passwords;
    const QJsonObject object = document.object();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!it.value().isString())
            return makeError(Error::Code::InvalidInput,
                             QStringLiteral("The password file %1 is damaged. Remove it and enter the passwords "
                                            "again.")
                                     .arg(m_filePath));
        passwords.insert(it.key(), it.value().toString());
    }
    return passwords;
}

// Written atomically; the temporary file is made private before the first byte goes in, and the
// final file once more after the rename, whatever the umask.
Result<bool> FilePasswordStore::save(const QHash<QString, QString> &passwords) const
{
    QJsonObject object;
    for (auto it = passwords.constBegin(); it != passwords.constEnd(); ++it)
        object.insert(it.key(), it.value());
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot write the password file %1: %2.").arg(m_filePath, file.errorString()));
    if (!file.setPermissions(kOwnerOnly)) {
        file.cancelWriting();
        return makeError(
                Error::Code::Io,
                QStringLiteral("Cannot make the password file %1 private: %2.").arg(m_filePath, file.errorString()));
    }
    file.write(QJsonDocument(object).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return makeError(Error::Code::Io,
                         QStringLiteral("Cannot write the password file %1: %2.").arg(m_filePath, file.errorString()));
    if (!QFile::setPermissions(m_filePath, kOwnerOnly))
        return makeError(Error::Code::Io, QStringLiteral("Cannot make the password file %1 private.").arg(m_filePath));
    return true;
}

}  // namespace Heron::Accounts
