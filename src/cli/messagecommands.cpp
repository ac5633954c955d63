// SPDX-License-Identifier: GPL-3.0-or-later
// list | show | search | fetch-part
#include "cli/bodytext.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/partloader.h"
#include "mime/codec.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/searchquery.h"
#include "store/textpart.h"
#include "sync/partfetcher.h"

#include <QCommandLineParser>
#include <QSaveFile>

namespace Heron::Cli {

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kFromWidth = 28;

QString sender(const Store::MessageMetadata &message)
{
    if (message.from.isEmpty())
        return QStringLiteral("(no sender)");
    const Store::Address &from = message.from.constFirst();
    return printableLine(from.name.isEmpty() ? from.email : from.name);
}

QString address(const Store::Address &address)
{
    if (address.name.isEmpty())
        return address.email;
    return QStringLiteral("%1 <%2>").arg(address.name, address.email);
}

QString addresses(const QList<Store::Address> &list)
{
    QStringList parts;
    for (const Store::Address &a : list)
        parts.append(address(a));
    return printableLine(parts.join(QStringLiteral(", ")));
}

// N unread, F flagged, A has attachments; '-' where not.
QString markers(const Store::MessageMetadata &message)
{
    QString result;
    result += message.flags.has(Store::MessageFlags::Seen) ? QLatin1Char('-') : QLatin1Char('N');
    result += message.flags.has(Store::MessageFlags::Flagged) ? QLatin1Char('F') : QLatin1Char('-');
    result += message.hasAttachments ? QLatin1Char('A') : QLatin1Char('-');
    return result;
}

QDateTime sentOrReceived(const Store::MessageMetadata &message)
{
    return message.date.isValid() ? message.date : message.internalDate;
}

// "id  date  NFA  [folder  ]from  subject", the line of `list` and `search`.
QString messageLine(const Store::MessageMetadata &message, const QString &folder = QString())
{
    QString line = QStringLiteral("%1  %2  %3  ")
                           .arg(message.id, 6)
                           .arg(formatTime(sentOrReceived(message)).leftJustified(16), markers(message));
    if (!folder.isEmpty())
        line += folder + QStringLiteral("  ");
    line += elided(sender(message), kFromWidth).leftJustified(kFromWidth) + QStringLiteral("  ");
    line += message.subject.isEmpty() ? QStringLiteral("(no subject)") : printableLine(message.subject);
    return line;
}

Result<int> limitOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("limit")))
        return kDefaultLimit;
    bool ok = false;
    const int limit = parser.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || limit < 0)
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("--limit takes a number of messages (0 for all), not \"%1\".")
                                 .arg(printableLine(parser.value(QStringLiteral("limit")))));
    return limit;
}

// The query as typed: one argument is the query itself; several are joined, and an argument
// the shell kept together because it was quoted ("big news") stays a phrase.
QString queryText(const QStringList &arguments)
{
    if (arguments.size() == 1)
        return arguments.constFirst();
    QStringList parts;
    for (const QString &argument : arguments) {
        const bool spaced = argument.contains(QLatin1Char(' ')) || argument.contains(QLatin1Char('\t'));
        parts.append(spaced && !argument.contains(QLatin1Char('"')) && !argument.contains(QLatin1Char(':'))
                             ? QLatin1Char('"') + argument + QLatin1Char('"')
                             : argument);
    }
    return parts.join(QLatin1Char(' '));
}

}  // namespace

int list(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 1)
        return context.usage(QStringLiteral("list takes one folder: heron list INBOX"));
    auto limit = limitOption(parser);
    if (!limit)
        return context.usage(limit.error().message);
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto folder = context.findFolder(arguments.constFirst(), parser.value(QStringLiteral("account")));
    if (!folder)
        return context.fail(folder.error());
    Store::MessageStore messages(context.profile().database());
    // Newest first: the store lists by UID, which is the order of arrival (RFC 3501 §2.3.1.1).
    auto ids = messages.messageIds(folder->id);
    if (!ids)
        return context.fail(ids.error());
    if (ids->isEmpty()) {
        context.console().err(
                folder->selectedForSync || folder->lastFullSync.isValid()
                        ? QStringLiteral("%1 has no messages here.").arg(printableLine(folder->listing.path))
                        : QStringLiteral("%1 has no messages here: it is not selected for sync "
                                         "(heron select %1 on).")
                                  .arg(printableLine(folder->listing.path)));
        return kExitSuccess;
    }
    const qsizetype count = *limit == 0 ? ids->size() : qMin<qsizetype>(*limit, ids->size());
    for (qsizetype i = 0; i < count; ++i) {
        auto message = messages.message(ids->at(i));
        if (!message)
            return context.fail(message.error());
        context.console().out(messageLine(*message));
    }
    if (count < ids->size())
        context.console().err(QStringLiteral("(%1 of %2 messages; --limit 0 lists all)").arg(count).arg(ids->size()));
    return kExitSuccess;
}

int show(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 1)
        return context.usage(QStringLiteral("show takes one message id: heron show 42"));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto message = context.findMessage(arguments.constFirst());
    if (!message)
        return context.fail(message.error());
    auto folder = Store::FolderStore(context.profile().database()).folder(message->folderId);
    if (!folder)
        return context.fail(folder.error());
    auto account = context.profile().account(folder->accountId);
    if (!account)
        return context.fail(account.error());

    const Console &console = context.console();
    console.out(QStringLiteral("From: ") + addresses(message->from));
    console.out(QStringLiteral("To: ") + addresses(message->to));
    if (!message->cc.isEmpty())
        console.out(QStringLiteral("Cc: ") + addresses(message->cc));
    const QDateTime date = sentOrReceived(*message);
    console.out(QStringLiteral("Date: ") +
                (date.isValid() ? date.toLocalTime().toString(Qt::RFC2822Date) : QStringLiteral("-")));
    console.out(QStringLiteral("Subject: ") + printableLine(message->subject));
    if (!message->messageId.isEmpty())
        console.out(QStringLiteral("Message-ID: <%1>").arg(printableLine(message->messageId)));
    console.out(QStringLiteral("Folder: %1 (%2)").arg(printableLine(folder->listing.path), account->settings.label()));
    QStringList flags;
    flags.append(message->flags.has(Store::MessageFlags::Seen) ? QStringLiteral("read") : QStringLiteral("unread"));
    if (message->flags.has(Store::MessageFlags::Flagged))
        flags.append(QStringLiteral("flagged"));
    if (message->flags.has(Store::MessageFlags::Answered))
        flags.append(QStringLiteral("answered"));
    console.out(QStringLiteral("Flags: ") + flags.join(QStringLiteral(", ")));
    for (const Store::MessagePart &part : std::as_const(message->parts)) {
        if (!part.isAttachment)
            continue;
        console.out(QStringLiteral("Attachment: part %1, %2, %3, %4")
                            .arg(part.section,
                                 part.fileName.isEmpty() ? QStringLiteral("(no name)") : printableLine(part.fileName),
                                 printableLine(part.mimeType), formatSize(part.size)));
    }
    console.out(QString());

    const std::optional<Store::MessagePart> part = Store::textPart(*message);
    if (!part) {
        console.out(QStringLiteral("(This message has no text to show; its parts are listed above.)"));
        return kExitSuccess;
    }
    PartLoader loader(context);
    auto content = loader.load(*message, part->section);
    loader.finish();
    if (!content)
        return context.fail(QStringLiteral("The text of message %1 could not be fetched: %2")
                                    .arg(message->id)
                                    .arg(content.error().message));
    auto decoded = Mime::decodeText(*content, part->charset.toLatin1());
    if (!decoded)
        return context.fail(decoded.error());
    const bool html = part->mimeType.compare(QLatin1String("text/html"), Qt::CaseInsensitive) == 0;
    const QString text = html ? htmlToText(*decoded) : *decoded;
    // Indexed so that `search` finds words of the body from now on.
    if (auto indexed = Store::MessageStore(context.profile().database()).setBodyText(message->id, text); !indexed)
        console.note(QStringLiteral("The text could not be added to the search index: ") + indexed.error().message);
    QString shown = printable(text);
    while (shown.endsWith(QLatin1Char('\n')))
        shown.chop(1);  // Console::out adds the line end
    console.out(shown);
    return kExitSuccess;
}

int search(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.isEmpty())
        return context.usage(QStringLiteral("search takes a query: heron search from:anna invoice"));
    auto limit = limitOption(parser);
    if (!limit)
        return context.usage(limit.error().message);
    auto query = Store::SearchQuery::parse(queryText(arguments));
    if (!query)
        return context.usage(query.error().message);
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    qint64 accountId = 0;
    if (parser.isSet(QStringLiteral("account"))) {
        auto account = context.profile().findAccount(parser.value(QStringLiteral("account")));
        if (!account)
            return context.fail(account.error());
        accountId = account->id;
    }
    auto accounts = context.profile().accounts();
    if (!accounts)
        return context.fail(accounts.error());
    const bool manyAccounts = accounts->size() > 1;
    // Ask for one more than shown, to say whether the limit cut the list.
    auto ids = Store::runSearch(context.profile().database(), *query, *limit == 0 ? 0 : *limit + 1, accountId);
    if (!ids)
        return context.fail(ids.error());
    if (ids->isEmpty()) {
        context.console().err(QStringLiteral("No messages match."));
        return kExitSuccess;
    }
    Store::MessageStore messages(context.profile().database());
    Store::FolderStore folderStore(context.profile().database());
    QHash<qint64, QString> folderNames;
    const qsizetype count = *limit == 0 ? ids->size() : qMin<qsizetype>(*limit, ids->size());
    for (qsizetype i = 0; i < count; ++i) {
        auto message = messages.message(ids->at(i));
        if (!message)
            return context.fail(message.error());
        if (!folderNames.contains(message->folderId)) {
            auto folder = folderStore.folder(message->folderId);
            if (!folder)
                return context.fail(folder.error());
            QString name = printableLine(folder->listing.path);
            if (manyAccounts) {
                for (const Accounts::Account &account : std::as_const(*accounts)) {
                    if (account.id == folder->accountId)
                        name = account.settings.label() + QLatin1Char(':') + name;
                }
            }
            folderNames.insert(message->folderId, name);
        }
        context.console().out(messageLine(*message, folderNames.value(message->folderId)));
    }
    if (count < ids->size())
        context.console().err(QStringLiteral("(the first %1 matches; --limit 0 shows all)").arg(count));
    return kExitSuccess;
}

int fetchPart(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 2 || !parser.isSet(QStringLiteral("out")))
        return context.usage(QStringLiteral("fetch-part takes a message id, a part and --out FILE: heron fetch-part "
                                            "42 2 --out report.pdf (`heron show 42` lists the parts)"));
    const QString section = arguments.at(1).toUpper();
    if (!Sync::PartFetcher::isValidSection(section))
        return context.usage(QStringLiteral("\"%1\" is not a part number; use one like 2 or 1.2 as `heron show` "
                                            "lists them.")
                                     .arg(printableLine(arguments.at(1))));
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        return context.usage(QStringLiteral("--out needs a file name, or - for standard output."));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto message = context.findMessage(arguments.constFirst());
    if (!message)
        return context.fail(message.error());

    PartLoader loader(context);
    auto content = loader.load(*message, section);
    loader.finish();
    if (!content)
        return context.fail(QStringLiteral("Part %1 of message %2 could not be fetched: %3")
                                    .arg(section)
                                    .arg(message->id)
                                    .arg(content.error().message));
    if (out == QLatin1String("-")) {
        if (!context.console().writeRaw(*content))
            return context.fail(QStringLiteral("Could not write to standard output."));
        context.console().err(QStringLiteral("Wrote %1 bytes.").arg(content->size()));
        return kExitSuccess;
    }
    // Written whole or not at all: a file that exists is either the old one or the complete part.
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || file.write(*content) != content->size() || !file.commit())
        return context.fail(QStringLiteral("Could not write %1: %2").arg(out, file.errorString()));
    context.console().out(QStringLiteral("Wrote %1 bytes to %2.").arg(content->size()).arg(out));
    return kExitSuccess;
}

}  // namespace Heron::Cli
