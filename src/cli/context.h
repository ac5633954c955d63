// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/profile.h"
#include "cli/console.h"
#include "core/result.h"
#include "store/folderrecord.h"
#include "store/messagemetadata.h"

#include <QEventLoop>
#include <QList>
#include <QString>

#include <memory>

namespace Heron::Cli {

// The options every command takes, wherever they stand on the command line.
struct GlobalOptions {
    QString profileDirectory;            // --profile DIR
    bool insecurePasswordStore = false;  // --insecure-password-store
    bool verbose = false;                // --verbose
};

// What a command works with: the console, the global options, and the profile, opened when the
// command first needs it. Also the look-ups several commands share (accounts, folders, messages
// by what the user typed), each failing with a message that says what to type instead.
class Context {
public:
    Context(const GlobalOptions &options, const Console &console);
    ~Context();

    const Console &console() const { return m_console; }
    const GlobalOptions &options() const { return m_options; }

    // Opens the profile. Without create, a directory that holds no profile yet is an error that
    // says how to make one (account add creates it).
    Result<bool> openProfile(bool create = false);
    Accounts::Profile &profile() const { return *m_profile; }

    // The account named by --account, or every account when name is empty; an empty profile is
    // an error that says how to add one.
    Result<QList<Accounts::Account>> chooseAccounts(const QString &name) const;
    // A folder by its decoded path ("INBOX" in any case) among the chosen accounts.
    Result<Store::FolderRecord> findFolder(const QString &path, const QString &accountName) const;
    // A folder of one account by its decoded path; an error lists the account's folders.
    Result<Store::FolderRecord> findFolderOfAccount(const QString &path, const Accounts::Account &account) const;
    // A message by the id `list` and `search` print.
    Result<Store::MessageMetadata> findMessage(const QString &idText) const;
    // The account of a stored folder.
    Result<Accounts::Account> accountOfFolder(qint64 folderId) const;

    // Prints the error on stderr and returns kExitFailure.
    int fail(const Error &error) const;
    int fail(const QString &message) const;
    // Prints a usage error on stderr and returns kExitUsage.
    int usage(const QString &message) const;

private:
    GlobalOptions m_options;
    Console m_console;
    std::unique_ptr<Accounts::Profile> m_profile;
};

// Waits in a local event loop for an asynchronous answer (a password store callback, an engine
// signal) without blocking its delivery: the caller connects the answer to done().
class Waiter {
public:
    void done();
    bool isDone() const { return m_done; }
    // Returns at once when done() was already called; false when timeoutMs (0: none) passed first.
    bool wait(int timeoutMs = 0);

private:
    QEventLoop m_loop;
    bool m_done = false;
};

// True for "INBOX" in any case (RFC 3501 §5.1: INBOX is case-insensitive) compared with a path;
// other paths are compared exactly.
bool samePath(const QString &a, const QString &b);

}  // namespace Heron::Cli
