// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandline.h"

#include "cli/commands.h"
#include "cli/console.h"
#include "cli/context.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDir>
#include <QLoggingCategory>
#include <QRegularExpression>

namespace Heron::Cli {

namespace {

using Handler = int (*)(Context &, const QCommandLineParser &);

struct OptionSpec {
    QString name;
    QString valueName;  // empty for a switch
    QString description;
    bool hidden = false;  // for tests and troubleshooting; not in --help
};

struct CommandSpec {
    QString name;       // "account add"
    QString arguments;  // positional synopsis
    QString summary;    // one line for the overview
    QString description;
    QList<OptionSpec> options;
    Handler handler = nullptr;
    bool createsProfile = false;
};

const OptionSpec kAccountOption{QStringLiteral("account"), QStringLiteral("account"),
                                QStringLiteral("Only this account (email address, display name or key).")};
const OptionSpec kOfflineOption{QStringLiteral("offline"), QString(),
                                QStringLiteral("Only change the local copy and queue the change for the next sync.")};
const OptionSpec kLimitOption{QStringLiteral("limit"), QStringLiteral("n"),
                              QStringLiteral("Show at most n messages (default 50; 0 for all).")};

const QList<CommandSpec> &commandSpecs()
{
    static const QList<CommandSpec> specs = {
            {QStringLiteral("account add"),
             QString(),
             QStringLiteral("Add an IMAP account; the password comes from a variable or stdin."),
             QStringLiteral("Adds an IMAP account to the profile, creating the profile when needed. The password "
                            "goes to the system keychain, or with --insecure-password-store to the profile's own "
                            "password file (not encrypted; for servers and CI without a keychain). It is never "
                            "taken from the command line itself."),
             {{QStringLiteral("email"), QStringLiteral("address"), QStringLiteral("The account's email address.")},
              {QStringLiteral("name"), QStringLiteral("name"), QStringLiteral("Your name, as shown in From.")},
              {QStringLiteral("host"), QStringLiteral("server"), QStringLiteral("The IMAP server.")},
              {QStringLiteral("port"), QStringLiteral("port"),
               QStringLiteral("The IMAP port (default 993 for tls, 143 otherwise).")},
              {QStringLiteral("security"), QStringLiteral("tls|starttls|none"),
               QStringLiteral("How the connection is protected (default tls; none only to this computer).")},
              {QStringLiteral("user"), QStringLiteral("user"),
               QStringLiteral("The login name (default: the email address).")},
              {QStringLiteral("password-env"), QStringLiteral("variable"),
               QStringLiteral("Read the password from this environment variable.")},
              {QStringLiteral("password-stdin"), QString(), QStringLiteral("Read the password from standard input.")},
              {QStringLiteral("ca-file"), QStringLiteral("pem"),
               QStringLiteral("Also trust the CA certificates in this PEM file for the server.")},
              {QStringLiteral("days"), QStringLiteral("n"), QStringLiteral("Keep only the last n days of mail.")},
              {QStringLiteral("since"), QStringLiteral("yyyy-mm-dd"), QStringLiteral("Keep only mail since that day.")},
              {QStringLiteral("strategy"), QStringLiteral("automatic|qresync|condstore|plain"),
               QStringLiteral("Force how changes are found."), true},
              {QStringLiteral("batch-size"), QStringLiteral("n"), QStringLiteral("UIDs per FETCH batch of flags (twice that of new messages)."), true},
              {QStringLiteral("poll-seconds"), QStringLiteral("n"), QStringLiteral("Polling interval without push."),
               true}},
             &accountAdd,
             true},
            {QStringLiteral("account list"),
             QString(),
             QStringLiteral("List the accounts."),
             QStringLiteral("One line per account: email, display name, server, security, where the password is "
                            "kept, and how many folders and messages are stored."),
             {},
             &accountList},
            {QStringLiteral("account remove"),
             QStringLiteral("ACCOUNT"),
             QStringLiteral("Remove an account and its local data."),
             QStringLiteral("Removes the account, its stored folders and messages, its cached content and its "
                            "password. Nothing changes on the server."),
             {},
             &accountRemove},
            {QStringLiteral("folders"),
             QString(),
             QStringLiteral("Show the folder tree: selected for sync, counts, last sync."),
             QStringLiteral("Shows each account's folders as a tree: [x] selected for sync, [ ] not, [-] holds no "
                            "messages; messages and unread stored here, special use, last sync."),
             {kAccountOption},
             &folders},
            {QStringLiteral("select"),
             QStringLiteral("FOLDER on|off"),
             QStringLiteral("Choose whether a folder is synchronized."),
             QStringLiteral("Selects a folder for sync, or deselects it. FOLDER is the path as `heron folders` "
                            "shows it (Archive/2024); --account is needed only when several accounts have it."),
             {kAccountOption},
             &select},
            {QStringLiteral("window"),
             QString(),
             QStringLiteral("Keep only recent mail here: --days N, --since DATE or --off."),
             QStringLiteral("Sets the sliding window: only mail of the last N days, or since a day, is kept on this "
                            "computer; --off keeps everything. The server is never changed. Applies to every "
                            "account unless --account is given."),
             {{QStringLiteral("days"), QStringLiteral("n"), QStringLiteral("Keep the last n days (1 to 36500).")},
              {QStringLiteral("since"), QStringLiteral("yyyy-mm-dd"), QStringLiteral("Keep mail since that day.")},
              {QStringLiteral("off"), QString(), QStringLiteral("Keep all mail.")},
              kAccountOption},
             &window},
            {QStringLiteral("sync"),
             QString(),
             QStringLiteral("Synchronize, then stay connected for new mail (--once: one round)."),
             QStringLiteral("Synchronizes the accounts: queued changes first, then the folder tree and the selected "
                            "folders. Prints each folder as it starts and a summary per account. Without --once it "
                            "stays connected and follows new mail until interrupted (Ctrl+C or SIGTERM)."),
             {kAccountOption,
              {QStringLiteral("once"), QString(), QStringLiteral("One round, then exit.")},
              {QStringLiteral("full"), QString(),
               QStringLiteral("A full round: also flags of old mail and missed deletions.")}},
             &sync},
            {QStringLiteral("list"),
             QStringLiteral("FOLDER"),
             QStringLiteral("List a folder's messages, newest first."),
             QStringLiteral("Lists the stored messages of a folder, newest first: id, date, markers (N unread, "
                            "F flagged, A attachment), sender and subject."),
             {kLimitOption, kAccountOption},
             &list},
            {QStringLiteral("show"),
             QStringLiteral("ID"),
             QStringLiteral("Show a message's headers and text."),
             QStringLiteral("Shows the headers, the attachments and the text of a message, fetching the text from "
                            "the server when it is not cached yet."),
             {},
             &show},
            {QStringLiteral("search"),
             QStringLiteral("QUERY..."),
             QStringLiteral("Search: words, \"phrases\", from:, to:, subject:, is:, has:, before:, after:."),
             QStringLiteral("Searches the stored messages: words and \"quoted phrases\" (subject, names, addresses "
                            "and the text of messages shown before), from:x, to:x, subject:x, has:attachment, "
                            "is:unread, is:read, is:flagged, before:YYYY-MM-DD, after:YYYY-MM-DD, folder:PATH. "
                            "All terms must match."),
             {kLimitOption, kAccountOption},
             &search},
            {QStringLiteral("flag"),
             QStringLiteral("ID +seen|-seen|+flagged|-flagged..."),
             QStringLiteral("Mark a message read, unread, flagged or not."),
             QStringLiteral("Changes flags of a message here at once, then on the server."),
             {kOfflineOption},
             &flag},
            {QStringLiteral("move"),
             QStringLiteral("ID FOLDER"),
             QStringLiteral("Move a message to another folder of its account."),
             QStringLiteral("Moves a message here at once, then on the server."),
             {kOfflineOption},
             &move},
            {QStringLiteral("delete"),
             QStringLiteral("ID"),
             QStringLiteral("Delete a message (to Trash when there is one)."),
             QStringLiteral("Moves a message to the account's Trash, or deletes it for good when it is in Trash "
                            "or there is none; here at once, then on the server."),
             {kOfflineOption},
             &remove},
            {QStringLiteral("fetch-part"),
             QStringLiteral("ID SECTION"),
             QStringLiteral("Save one part of a message (an attachment) to a file."),
             QStringLiteral("Writes the decoded content of one part (as `heron show` lists them) to a file, whole "
                            "or not at all; --out - writes it to standard output."),
             {{QStringLiteral("out"), QStringLiteral("file"), QStringLiteral("Where to write it.")}},
             &fetchPart},
    };
    return specs;
}

const QList<OptionSpec> &globalOptions()
{
    static const QList<OptionSpec> options = {
            {QStringLiteral("profile"), QStringLiteral("dir"),
             QStringLiteral("The profile folder: accounts, settings and messages.")},
            {QStringLiteral("insecure-password-store"), QString(),
             QStringLiteral("Allow the profile's own password file (not encrypted) where there is no keychain.")},
            {QStringLiteral("verbose"), QString(), QStringLiteral("Say more on stderr: progress and details.")},
    };
    return options;
}

void addOptions(QCommandLineParser &parser, const QList<OptionSpec> &options)
{
    for (const OptionSpec &spec : options) {
        QCommandLineOption option(spec.name, spec.description, spec.valueName);
        if (spec.hidden)
            option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

QString optionsHelp(const QList<OptionSpec> &options)
{
    QStringList left;
    QList<const OptionSpec *> shown;
    for (const OptionSpec &spec : options) {
        if (spec.hidden)
            continue;
        left.append(QStringLiteral("  --") + spec.name +
                    (spec.valueName.isEmpty() ? QString() : QStringLiteral(" <%1>").arg(spec.valueName)));
        shown.append(&spec);
    }
    qsizetype width = 0;
    for (const QString &text : std::as_const(left))
        width = std::max(width, text.size());
    QString help;
    for (qsizetype i = 0; i < left.size(); ++i)
        help += left.at(i).leftJustified(width + 2) + shown.at(i)->description + QLatin1Char('\n');
    return help;
}

QString commandHelp(const CommandSpec &spec)
{
    QString help = QStringLiteral("Usage: heron --profile DIR %1%2 [options]\n\n%3\n")
                           .arg(spec.name, spec.arguments.isEmpty() ? QString() : QLatin1Char(' ') + spec.arguments,
                                spec.description);
    if (!spec.options.isEmpty())
        help += QStringLiteral("\nOptions:\n") + optionsHelp(spec.options);
    help += QStringLiteral("\nGlobal options:\n") + optionsHelp(globalOptions());
    help.chop(1);
    return help;
}

const CommandSpec *findSpec(const QString &name)
{
    for (const CommandSpec &spec : commandSpecs()) {
        if (spec.name == name)
            return &spec;
    }
    return nullptr;
}

// "-seen" would be read as the short options -s -e -e -n: the flag changes are moved behind "--",
// where everything is positional.
QStringList withFlagChangesPositional(const QStringList &arguments)
{
    static const QRegularExpression kChange(QStringLiteral("^[+-][A-Za-z]{2,}$"));
    QStringList options;
    QStringList changes;
    for (const QString &argument : arguments) {
        if (kChange.match(argument).hasMatch() && !argument.startsWith(QLatin1String("--")))
            changes.append(argument);
        else
            options.append(argument);
    }
    // The message id stays first among the positional arguments.
    return options + QStringList{QStringLiteral("--")} + changes;
}

}  // namespace

bool CommandLine::hasCommand(const QStringList &arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--"))
            return i + 1 < arguments.size();
        if (argument == QLatin1String("--profile")) {
            ++i;  // its value
            continue;
        }
        if (argument.startsWith(QLatin1Char('-')) && argument.size() > 1)
            continue;
        return true;
    }
    return false;
}

QStringList CommandLine::commandNames()
{
    QStringList names;
    for (const CommandSpec &spec : commandSpecs())
        names.append(spec.name);
    return names;
}

QString CommandLine::commandsOverview()
{
    qsizetype width = 0;
    for (const CommandSpec &spec : commandSpecs())
        width = std::max(width, spec.name.size());
    QString overview = QStringLiteral("Commands (no display needed; heron <command> --help for details):\n");
    for (const CommandSpec &spec : commandSpecs())
        overview += QStringLiteral("  ") + spec.name.leftJustified(width + 2) + spec.summary + QLatin1Char('\n');
    overview += QStringLiteral("Commands need --profile DIR; --insecure-password-store allows the profile's own "
                               "password file\nwhere there is no keychain.");
    return overview;
}

int CommandLine::run(const QStringList &arguments)
{
    const Console console;
    const QString program = arguments.value(0, QStringLiteral("heron"));
    const QStringList rest = arguments.mid(1);

    // The global options before the command; everything from the command on is the command's.
    QCommandLineParser global;
    global.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    addOptions(global, globalOptions());
    global.addOption(QCommandLineOption(QStringList{QStringLiteral("h"), QStringLiteral("help")}));
    if (!global.parse(QStringList{program} + rest)) {
        console.err(QStringLiteral("heron: %1\nRun heron --help for the commands.").arg(global.errorText()));
        return kExitUsage;
    }
    QStringList words = global.positionalArguments();
    if (words.isEmpty()) {
        console.err(QStringLiteral("heron: no command given.\n") + commandsOverview());
        return kExitUsage;
    }

    if (words.constFirst() == QLatin1String("help")) {
        const QString name = words.mid(1).join(QLatin1Char(' '));
        if (const CommandSpec *spec = findSpec(name)) {
            console.out(commandHelp(*spec));
            return kExitSuccess;
        }
        console.out(commandsOverview());
        return name.isEmpty() ? kExitSuccess : kExitUsage;
    }

    QString name = words.takeFirst();
    if (name == QLatin1String("account")) {
        if (words.isEmpty() || !findSpec(name + QLatin1Char(' ') + words.constFirst())) {
            console.err(QStringLiteral("heron: account takes add, list or remove: heron --profile DIR account "
                                       "list"));
            return kExitUsage;
        }
        name += QLatin1Char(' ') + words.takeFirst();
    }
    const CommandSpec *spec = findSpec(name);
    if (!spec) {
        console.err(QStringLiteral("heron: unknown command \"%1\".\n").arg(printableLine(name)) + commandsOverview());
        return kExitUsage;
    }

    // The command's options, and the global ones again: they may also come after the command.
    QCommandLineParser parser;
    addOptions(parser, globalOptions());
    addOptions(parser, spec->options);
    parser.addOption(QCommandLineOption(QStringList{QStringLiteral("h"), QStringLiteral("help")}));
    if (spec->handler == &flag)
        words = withFlagChangesPositional(words);
    if (!parser.parse(QStringList{program} + words)) {
        console.err(QStringLiteral("heron %1: %2\n\n").arg(spec->name, parser.errorText()) + commandHelp(*spec));
        return kExitUsage;
    }
    if (global.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help"))) {
        console.out(commandHelp(*spec));
        return kExitSuccess;
    }

    GlobalOptions options;
    const QString profile = QStringLiteral("profile");
    options.profileDirectory = parser.isSet(profile) ? parser.value(profile) : global.value(profile);
    options.insecurePasswordStore = parser.isSet(QStringLiteral("insecure-password-store")) ||
                                    global.isSet(QStringLiteral("insecure-password-store"));
    options.verbose = parser.isSet(QStringLiteral("verbose")) || global.isSet(QStringLiteral("verbose"));
    if (options.profileDirectory.isEmpty()) {
        console.err(QStringLiteral("heron: %1 needs --profile DIR, the folder that holds the accounts and the mail "
                                   "store (created by `account add`).")
                            .arg(spec->name));
        return kExitUsage;
    }
    options.profileDirectory = QDir::cleanPath(QDir(options.profileDirectory).absolutePath());

    // The commands report every error they get in their own words; the libraries' log lines
    // (which would repeat them) are for --verbose. QT_LOGGING_RULES still overrides this.
    QLoggingCategory::setFilterRules(options.verbose ? QStringLiteral("heron.*.info=true\nheron.*.warning=true")
                                                     : QStringLiteral("heron.*.debug=false\nheron.*.info=false\n"
                                                                      "heron.*.warning=false"));
    Context context(options, Console(options.verbose));
    return spec->handler(context, parser);
}

}  // namespace Heron::Cli
