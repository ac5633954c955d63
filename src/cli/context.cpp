// SPDX-License-Identifier: GPL-3.0-or-later
#include "context.h"

#include "store/folderstore.h"
#include "store/messagestore.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>

namespace Heron::Cli {

Context::Context(const GlobalOptions &options, const Console &console) : m_options(options), m_console(console) {}

Context::~Context() = default;

Result<bool> Context::openProfile(bool create)
{
    if (m_profile)
        return true;
    const QString directory = m_options.profileDirectory;
    // The store's file name is the profile's (Profile::storePath); its absence means no profile.
    if (!create && !QFileInfo::exists(QDir(directory).filePath(QStringLiteral("store.sqlite"))))
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("There is no Heron profile in %1. Add an account first: heron --profile %1 "
                                        "account add --email ADDRESS --host IMAP-SERVER ...")
                                 .arg(QDir::toNativeSeparators(directory)));
    Accounts::Profile::Options options;
    options.allowInsecurePasswordStore = m_options.insecurePasswordStore;
    auto opened = Accounts::Profile::open(directory, options);
    if (!opened)
        return opened.error();
    m_profile = std::move(opened).value();
    return true;
}

Result<QList<Accounts::Account>> Context::chooseAccounts(const QString &name) const
{
    if (!name.isEmpty()) {
        auto account = m_profile->findAccount(name);
        if (!account)
            return account.error();
        return QList<Accounts::Account>{*account};
    }
    auto all = m_profile->accounts();
    if (!all)
        return all.error();
    if (all->isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("This profile has no accounts. Add one with: heron --profile %1 account add "
                                        "--email ADDRESS --host IMAP-SERVER ...")
                                 .arg(QDir::toNativeSeparators(m_options.profileDirectory)));
    return all;
}

Result<Store::FolderRecord> Context::findFolder(const QString &path, const QString &accountName) const
{
    auto accounts = chooseAccounts(accountName);
    if (!accounts)
        return accounts.error();
    if (accounts->size() == 1)
        return findFolderOfAccount(path, accounts->constFirst());
    QList<Store::FolderRecord> found;
    QStringList where;
    for (const Accounts::Account &account : std::as_const(*accounts)) {
        auto folders = Store::FolderStore(m_profile->database()).folders(account.id);
        if (!folders)
            return folders.error();
        for (const Store::FolderRecord &folder : std::as_const(*folders)) {
            if (samePath(folder.listing.path, path)) {
                found.append(folder);
                where.append(account.settings.label());
            }
        }
    }
    if (found.size() == 1)
        return found.constFirst();
    if (found.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("No account has a folder \"%1\". `heron folders` lists them (after a first "
                                        "`heron sync`).")
                                 .arg(printableLine(path)));
    return makeError(Error::Code::InvalidInput,
                     QStringLiteral("Several accounts have a folder \"%1\" (%2). Say which with --account.")
                             .arg(printableLine(path), where.join(QStringLiteral(", "))));
}

Result<Store::FolderRecord> Context::findFolderOfAccount(const QString &path, const Accounts::Account &account) const
{
    auto folders = Store::FolderStore(m_profile->database()).folders(account.id);
    if (!folders)
        return folders.error();
    for (const Store::FolderRecord &folder : std::as_const(*folders)) {
        if (samePath(folder.listing.path, path))
            return folder;
    }
    if (folders->isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("%1 has no folders yet. Run `heron sync` first to learn them from the server.")
                                 .arg(account.settings.label()));
    return makeError(Error::Code::InvalidInput,
                     QStringLiteral("%1 has no folder \"%2\". `heron folders --account %1` lists its folders.")
                             .arg(account.settings.label(), printableLine(path)));
}

Result<Store::MessageMetadata> Context::findMessage(const QString &idText) const
{
    bool ok = false;
    const qint64 id = idText.toLongLong(&ok);
    if (!ok || id <= 0)
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("\"%1\" is not a message id. Use the number `heron list` or `heron search` "
                                        "shows first on each line.")
                                 .arg(printableLine(idText)));
    auto message = Store::MessageStore(m_profile->database()).message(id);
    if (!message)
        return makeError(message.error().code,
                         QStringLiteral("There is no message %1 in this profile (it may have been moved or deleted "
                                        "since it was listed).")
                                 .arg(id));
    return message;
}

Result<Accounts::Account> Context::accountOfFolder(qint64 folderId) const
{
    auto folder = Store::FolderStore(m_profile->database()).folder(folderId);
    if (!folder)
        return folder.error();
    return m_profile->account(folder->accountId);
}

int Context::fail(const Error &error) const
{
    return fail(error.message);
}

int Context::fail(const QString &message) const
{
    m_console.err(QStringLiteral("heron: ") + message);
    return kExitFailure;
}

int Context::usage(const QString &message) const
{
    m_console.err(QStringLiteral("heron: ") + message);
    return kExitUsage;
}

void Waiter::done()
{
    m_done = true;
    m_loop.quit();
}

bool Waiter::wait(int timeoutMs)
{
    if (m_done)
        return true;
    QTimer timer;
    if (timeoutMs > 0) {
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, &m_loop, &QEventLoop::quit);
        timer.start(timeoutMs);
    }
    m_loop.exec();
    return m_done;
}

bool samePath(const QString &a, const QString &b)
{
    if (a.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0)
        return b.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0;
    return a == b;
}

}  // namespace Heron::Cli
