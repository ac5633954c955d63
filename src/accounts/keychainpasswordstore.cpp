// SPDX-License-Identifier: GPL-3.0-or-later
#include "keychainpasswordstore.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

namespace Heron::Accounts {

namespace {

QString service()
{
    return QString::fromLatin1(KeychainPasswordStore::kService);
}

// QtKeychain reports a missing D-Bus, a missing Secret Service or a locked keyring as
// NoBackendAvailable, AccessDenied or OtherError depending on the platform backend; to the user
// they are all "there is no keychain to use here".
Error keychainError(const QKeychain::Job &job, const QString &action)
{
    const QString detail = job.errorString().isEmpty() ? QStringLiteral("no details given") : job.errorString();
    switch (job.error()) {
    case QKeychain::AccessDeniedByUser:
        return makeError(Error::Code::Io,
                         QStringLiteral("Access to the system keychain was refused while %1. Allow Heron to use the "
                                        "keychain, or use --insecure-password-store to keep the password in the "
                                        "profile instead.")
                                 .arg(action));
    case QKeychain::CouldNotDeleteEntry:
        return makeError(Error::Code::Io,
                         QStringLiteral("The system keychain could not remove the password (%1).").arg(detail));
    case QKeychain::NoBackendAvailable:
    case QKeychain::AccessDenied:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
    default:
        return makeError(Error::Code::Io,
                         QStringLiteral("No system keychain is available (%1). Use --insecure-password-store to keep "
                                        "the password in the profile instead.")
                                 .arg(detail));
    }
}

}  // namespace

KeychainPasswordStore::KeychainPasswordStore(QObject *parent) : PasswordStore(parent) {}

// Jobs in flight are not children of the store: QtKeychain's backends call back into a job
// after their own asynchronous work, so a job must live until it finishes. It deletes itself
// then. Its answer is delivered on the job's thread, the caller's (which may be another than the
// store's), and dropped when the store went away first.
KeychainPasswordStore::~KeychainPasswordStore() = default;

void KeychainPasswordStore::readPassword(const QString &accountKey, ReadCallback callback)
{
    auto *job = new QKeychain::ReadPasswordJob(service());
    job->setAutoDelete(true);
    job->setKey(accountKey);
    connect(job, &QKeychain::Job::finished, job,
            [self = QPointer<KeychainPasswordStore>(this), callback = std::move(callback)](QKeychain::Job *finished) {
                if (!self)
                    return;
                auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
                if (readJob->error() == QKeychain::NoError) {
                    callback(readJob->textData());
                } else if (readJob->error() == QKeychain::EntryNotFound) {
                    callback(makeError(
                            Error::Code::InvalidInput,
                            QStringLiteral("The system keychain holds no password for this account. Enter the "
                                           "password again.")));
                } else {
                    callback(keychainError(*readJob, QStringLiteral("reading a password")));
                }
            });
    job->start();
}

void KeychainPasswordStore::writePassword(const QString &accountKey, const QString &password, WriteCallback callback)
{
    auto *job = new QKeychain::WritePasswordJob(service());
    job->setAutoDelete(true);
    job->setKey(accountKey);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, job,
            [self = QPointer<KeychainPasswordStore>(this), callback = std::move(callback)](QKeychain::Job *finished) {
                if (!self)
                    return;
                if (finished->error() == QKeychain::NoError)
                    callback(true);
                else
                    callback(keychainError(*finished, QStringLiteral("saving a password")));
            });
    job->start();
}

void KeychainPasswordStore::removePassword(const QString &accountKey, WriteCallback callback)
{
    auto *job = new QKeychain::DeletePasswordJob(service());
    job->setAutoDelete(true);
    job->setKey(accountKey);
    connect(job, &QKeychain::Job::finished, job,
            [self = QPointer<KeychainPasswordStore>(this), callback = std::move(callback)](QKeychain::Job *finished) {
                if (!self)
                    return;
                if (finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound)
                    callback(true);
                else
                    callback(keychainError(*finished, QStringLiteral("removing a password")));
            });
    job->start();
}

QString KeychainPasswordStore::description() const
{
    return QStringLiteral("the system keychain");
}

}  // namespace Heron::Accounts
