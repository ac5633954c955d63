// SPDX-License-Identifier: GPL-3.0-or-later
// account add | list | remove
#include "cli/commands.h"
#include "cli/context.h"
#include "store/folderstore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

namespace Heron::Cli {

namespace {

QString storageName(Accounts::PasswordStorage storage)
{
    return storage == Accounts::PasswordStorage::Keychain ? QStringLiteral("keychain") : QStringLiteral("profile-file");
}

bool isLoopback(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// One line from stdin, without its line end. On a terminal the typing is not echoed.
Result<QString> readPasswordFromStdin(const Console &console)
{
#ifdef Q_OS_UNIX
    const bool terminal = isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal && tcgetattr(STDIN_FILENO, &saved) == 0) {
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        std::fputs("Password: ", stderr);
        std::fflush(stderr);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
#endif
    QFile input;
    QByteArray line;
    if (input.open(stdin, QIODevice::ReadOnly))
        line = input.readLine(64 * 1024);
#ifdef Q_OS_UNIX
    if (terminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        console.err(QString());
    }
#else
    Q_UNUSED(console);
#endif
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("No password came on standard input. Pipe it in, e.g. "
                                        "`pass show mail | heron ... --password-stdin`."));
    return QString::fromUtf8(line);
}

Result<int> parseNumber(const QCommandLineParser &parser, const QString &name, int minimum, int maximum)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < minimum || value > maximum)
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("--%1 takes a whole number from %2 to %3, not \"%4\".")
                                 .arg(name)
                                 .arg(minimum)
                                 .arg(maximum)
                                 .arg(printableLine(parser.value(name))));
    return value;
}

Result<bool> writePassword(Accounts::PasswordStore &store, const QString &key, const QString &password)
{
    Result<bool> outcome = makeError(Error::Code::Cancelled, QStringLiteral("The password store did not answer."));
    Waiter waiter;
    store.writePassword(key, password, [&outcome, &waiter](Result<bool> result) {
        outcome = std::move(result);
        waiter.done();
    });
    waiter.wait();
    return outcome;
}

Result<bool> removePassword(Accounts::PasswordStore &store, const QString &key)
{
    Result<bool> outcome = makeError(Error::Code::Cancelled, QStringLiteral("The password store did not answer."));
    Waiter waiter;
    store.removePassword(key, [&outcome, &waiter](Result<bool> result) {
        outcome = std::move(result);
        waiter.done();
    });
    waiter.wait();
    return outcome;
}

struct AccountTotals {
    int folders = 0;
    qint64 messages = 0;
};

Result<AccountTotals> totalsOf(Accounts::Profile &profile, qint64 accountId)
{
    auto folders = Store::FolderStore(profile.database()).folders(accountId);
    if (!folders)
        return folders.error();
    AccountTotals totals;
    totals.folders = int(folders->size());
    for (const Store::FolderRecord &folder : std::as_const(*folders))
        totals.messages += folder.messageCount;
    return totals;
}

}  // namespace

int accountAdd(Context &context, const QCommandLineParser &parser)
{
    const QString email = parser.value(QStringLiteral("email")).trimmed();
    const QString host = parser.value(QStringLiteral("host")).trimmed();
    if (email.isEmpty() || host.isEmpty())
        return context.usage(QStringLiteral("account add needs --email ADDRESS and --host IMAP-SERVER."));

    Accounts::AccountSettings settings;
    settings.email = email;
    settings.displayName = parser.value(QStringLiteral("name")).trimmed();
    settings.imapHost = host;
    settings.userName = parser.isSet(QStringLiteral("user")) ? parser.value(QStringLiteral("user")) : email;

    const QString security = parser.value(QStringLiteral("security")).toLower();
    const std::optional<Imap::Security> chosen =
            Accounts::securityFromName(security.isEmpty() ? QStringLiteral("tls") : security);
    if (chosen == Imap::Security::ImplicitTls || chosen == Imap::Security::StartTls) {
        settings.imapSecurity = *chosen;
    } else if (chosen == Imap::Security::None) {
        if (!isLoopback(host))
            return context.usage(QStringLiteral("--security none sends the password unencrypted; it is only allowed "
                                                "to a server on this computer (127.0.0.1, ::1 or localhost), not to "
                                                "%1. Use tls or starttls.")
                                         .arg(printableLine(host)));
        settings.imapSecurity = Imap::Security::None;
        settings.allowCleartextOnLoopback = true;
    } else {
        return context.usage(
                QStringLiteral("--security takes tls, starttls or none, not \"%1\".").arg(printableLine(security)));
    }
    settings.imapPort = settings.imapSecurity == Imap::Security::ImplicitTls ? 993 : 143;
    if (parser.isSet(QStringLiteral("port"))) {
        auto port = parseNumber(parser, QStringLiteral("port"), 1, 65535);
        if (!port)
            return context.usage(port.error().message);
        settings.imapPort = quint16(*port);
    }
    if (parser.isSet(QStringLiteral("ca-file")))
        settings.caCertificatesFile = QFileInfo(parser.value(QStringLiteral("ca-file"))).absoluteFilePath();

    if (parser.isSet(QStringLiteral("days")) && parser.isSet(QStringLiteral("since")))
        return context.usage(QStringLiteral("Give either --days or --since, not both."));
    if (parser.isSet(QStringLiteral("days"))) {
        auto days = parseNumber(parser, QStringLiteral("days"), 1, Accounts::SyncWindow::kMaxDays);
        if (!days)
            return context.usage(days.error().message);
        settings.window.kind = Accounts::SyncWindow::Kind::LastDays;
        settings.window.days = *days;
    } else if (parser.isSet(QStringLiteral("since"))) {
        const QDate since = QDate::fromString(parser.value(QStringLiteral("since")), Qt::ISODate);
        if (!since.isValid())
            return context.usage(QStringLiteral("--since takes a date as YYYY-MM-DD, not \"%1\".")
                                         .arg(printableLine(parser.value(QStringLiteral("since")))));
        settings.window.kind = Accounts::SyncWindow::Kind::Since;
        settings.window.sinceDate = since;
    }
    if (parser.isSet(QStringLiteral("strategy"))) {
        const auto strategy = Accounts::strategyFromName(parser.value(QStringLiteral("strategy")).toLower());
        if (!strategy)
            return context.usage(QStringLiteral("--strategy takes automatic, qresync, condstore or plain."));
        settings.sync.strategy = *strategy;
    }
    if (parser.isSet(QStringLiteral("batch-size"))) {
        auto size = parseNumber(parser, QStringLiteral("batch-size"), 1, 1000000);
        if (!size)
            return context.usage(size.error().message);
        settings.sync.batchSize = *size;
    }
    if (parser.isSet(QStringLiteral("poll-seconds"))) {
        auto seconds = parseNumber(parser, QStringLiteral("poll-seconds"), 1, 1000000);
        if (!seconds)
            return context.usage(seconds.error().message);
        settings.sync.pollIntervalSeconds = *seconds;
    }

    const bool fromEnvironment = parser.isSet(QStringLiteral("password-env"));
    const bool fromStdin = parser.isSet(QStringLiteral("password-stdin"));
    if (fromEnvironment == fromStdin)
        return context.usage(QStringLiteral("Give the password with exactly one of --password-env VARIABLE or "
                                            "--password-stdin (never on the command line itself)."));
    // Checked before the profile is touched, so that a validation error leaves nothing behind.
    if (auto valid = settings.validate(); !valid)
        return context.fail(valid.error());

    QString password;
    if (fromEnvironment) {
        const QString variable = parser.value(QStringLiteral("password-env"));
        password = qEnvironmentVariable(variable.toLocal8Bit().constData());
        if (password.isEmpty())
            return context.fail(QStringLiteral("The environment variable %1 is not set or empty; it should hold the "
                                               "password.")
                                        .arg(printableLine(variable)));
    } else {
        auto read = readPasswordFromStdin(context.console());
        if (!read)
            return context.fail(read.error());
        password = *read;
    }

    settings.passwordStorage = context.options().insecurePasswordStore ? Accounts::PasswordStorage::ProfileFile
                                                                       : Accounts::PasswordStorage::Keychain;
    if (auto opened = context.openProfile(true); !opened)
        return context.fail(opened.error());
    Accounts::Profile &profile = context.profile();
    auto added = profile.addAccount(settings);
    if (!added)
        return context.fail(added.error());
    Accounts::PasswordStore *store = profile.passwordStore(settings.passwordStorage);
    Result<bool> written = store ? writePassword(*store, added->settings.key, password)
                                 : Result<bool>(makeError(Error::Code::Security,
                                                          QStringLiteral("The profile's password file may not be "
                                                                         "used without --insecure-password-store.")));
    if (!written) {
        // No account without its password: it could never connect, and would look added.
        if (auto removed = profile.removeAccount(added->id); !removed)
            context.console().err(QStringLiteral("heron: ") + removed.error().message);
        return context.fail(QStringLiteral("%1 was not added: the password could not be stored. %2")
                                    .arg(email, written.error().message));
    }

    context.console().out(QStringLiteral("Added %1: user %2 on %3:%4 (%5); the password is kept in %6.")
                                  .arg(email, printableLine(settings.userName), host)
                                  .arg(settings.imapPort)
                                  .arg(settings.imapSecurity == Imap::Security::None ? QStringLiteral("unencrypted")
                                       : settings.imapSecurity == Imap::Security::StartTls ? QStringLiteral("STARTTLS")
                                                                                           : QStringLiteral("TLS"),
                                       store->description()));
    context.console().out(QStringLiteral("Fetch its mail with: heron --profile %1 sync --once")
                                  .arg(QDir::toNativeSeparators(context.options().profileDirectory)));
    return kExitSuccess;
}

int accountList(Context &context, const QCommandLineParser &)
{
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto accounts = context.profile().accounts();
    if (!accounts)
        return context.fail(accounts.error());
    if (accounts->isEmpty()) {
        context.console().err(QStringLiteral("This profile has no accounts."));
        return kExitSuccess;
    }
    for (const Accounts::Account &account : std::as_const(*accounts)) {
        const Accounts::AccountSettings &s = account.settings;
        auto totals = totalsOf(context.profile(), account.id);
        if (!totals)
            return context.fail(totals.error());
        context.console().out(QStringLiteral("%1  %2  %3:%4  %5  %6  %7 folders  %8 messages")
                                      .arg(printableLine(s.label()),
                                           s.displayName.isEmpty() ? QStringLiteral("-") : printableLine(s.displayName),
                                           printableLine(s.imapHost))
                                      .arg(s.imapPort)
                                      .arg(Accounts::securityName(s.imapSecurity), storageName(s.passwordStorage))
                                      .arg(totals->folders)
                                      .arg(totals->messages));
    }
    return kExitSuccess;
}

int accountRemove(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 1)
        return context.usage(QStringLiteral("account remove takes one account: its email address, display name or "
                                            "key."));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    Accounts::Profile &profile = context.profile();
    auto account = profile.findAccount(arguments.constFirst());
    if (!account)
        return context.fail(account.error());
    auto totals = totalsOf(profile, account->id);
    if (!totals)
        return context.fail(totals.error());
    // What the cache holds for it, to say what goes; the profile deletes the folder.
    qint64 cachedFiles = 0;
    qint64 cachedBytes = 0;
    const QString cacheDirectory = QDir(profile.cacheDirectory()).filePath(account->settings.key);
    for (QDirIterator it(cacheDirectory, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();) {
        it.next();
        ++cachedFiles;
        cachedBytes += it.fileInfo().size();
    }

    if (auto removed = profile.removeAccount(account->id); !removed)
        return context.fail(removed.error());
    // The profile asks the password store too but does not wait; wait here so that the answer is
    // known before the process ends (removing a password twice is harmless).
    QString passwordOutcome;
    if (Accounts::PasswordStore *store = profile.passwordStore(account->settings.passwordStorage)) {
        auto removed = removePassword(*store, account->settings.key);
        passwordOutcome = removed ? QStringLiteral("its password from %1").arg(store->description())
                                  : QStringLiteral("(its password could not be removed from %1: %2)")
                                            .arg(store->description(), removed.error().message);
    } else {
        passwordOutcome = QStringLiteral("(its password stays in the profile's password file: run again with "
                                         "--insecure-password-store to remove it)");
    }
    context.console().out(QStringLiteral("Removed %1: %2 folders and %3 messages from the store, %4 cached files (%5), "
                                         "%6.")
                                  .arg(account->settings.label())
                                  .arg(totals->folders)
                                  .arg(totals->messages)
                                  .arg(cachedFiles)
                                  .arg(formatSize(cachedBytes), passwordOutcome));
    context.console().out(QStringLiteral("Nothing was changed on the server."));
    return kExitSuccess;
}

}  // namespace Heron::Cli
