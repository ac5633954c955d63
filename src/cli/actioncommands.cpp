// SPDX-License-Identifier: GPL-3.0-or-later
// flag | move | delete: applied to the store at once and journaled (LocalActions), then sent to
// the server by one round of the engine, which replays the journal first.
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/engineround.h"
#include "store/folderstore.h"
#include "store/operationjournal.h"
#include "sync/localactions.h"
#include "sync/syncengine.h"

#include <QCommandLineParser>

namespace Heron::Cli {

namespace {

// Sends the journaled operations now, unless --offline, and says what the server made of them.
int sendToServer(Context &context, const Accounts::Account &account, const QList<qint64> &operationIds, bool offline)
{
    const Console &console = context.console();
    if (operationIds.isEmpty()) {
        console.out(QStringLiteral("Nothing to change on the server."));
        return kExitSuccess;
    }
    if (offline) {
        console.out(QStringLiteral("Queued; will be sent at the next sync."));
        return kExitSuccess;
    }
    RoundOutcome outcome;
    {
        Sync::SyncEngine engine(context.profile());
        outcome = runRound(engine, {account.id}, false);
        stopEngine(engine);
    }
    // The journal, not the round, says what became of each operation: the round may have failed
    // after the replay, or the replay may have refused one operation and carried on.
    Store::OperationJournal journal(context.profile().database());
    QStringList refusals;
    bool pending = false;
    for (qint64 id : operationIds) {
        auto operation = journal.operation(id);
        if (!operation)
            continue;  // purged once done
        switch (operation->state) {
        case Store::Operation::State::Done:
            break;
        case Store::Operation::State::Failed:
        case Store::Operation::State::Parked:
            refusals.append(operation->lastError.isEmpty() ? QStringLiteral("no reason given")
                                                           : printable(operation->lastError));
            break;
        case Store::Operation::State::Pending:
        case Store::Operation::State::InFlight:
            pending = true;
            break;
        }
    }
    if (!refusals.isEmpty()) {
        refusals.removeDuplicates();
        return context.fail(
                QStringLiteral("The server did not accept the change: %1").arg(refusals.join(QStringLiteral("; "))));
    }
    if (pending) {
        for (const QString &error : outcome.errors.value(account.id))
            console.err(QStringLiteral("%1: %2").arg(account.settings.label(), printable(error)));
        console.out(QStringLiteral("%1 could not be reached: queued; will be sent at the next sync.")
                            .arg(account.settings.label()));
        return kExitSuccess;
    }
    console.out(QStringLiteral("The server accepted the change."));
    return kExitSuccess;
}

struct Target {
    Store::MessageMetadata message;
    Store::FolderRecord folder;
    Accounts::Account account;
};

Result<Target> target(Context &context, const QString &idText)
{
    auto message = context.findMessage(idText);
    if (!message)
        return message.error();
    auto folder = Store::FolderStore(context.profile().database()).folder(message->folderId);
    if (!folder)
        return folder.error();
    auto account = context.profile().account(folder->accountId);
    if (!account)
        return account.error();
    return Target{*message, *folder, *account};
}

}  // namespace

int flag(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() < 2)
        return context.usage(QStringLiteral("flag takes a message id and one or more of +seen, -seen, +flagged, "
                                            "-flagged: heron flag 42 +flagged -seen"));
    quint32 add = 0;
    quint32 remove = 0;
    QStringList done;
    for (const QString &change : arguments.mid(1)) {
        const QString name = change.mid(1).toLower();
        quint32 bit = 0;
        if (name == QLatin1String("seen") || name == QLatin1String("read"))
            bit = Store::MessageFlags::Seen;
        else if (name == QLatin1String("flagged"))
            bit = Store::MessageFlags::Flagged;
        if (bit == 0 || !(change.startsWith(QLatin1Char('+')) || change.startsWith(QLatin1Char('-'))))
            return context.usage(QStringLiteral("\"%1\" is not a flag change; use +seen, -seen, +flagged or "
                                                "-flagged.")
                                         .arg(printableLine(change)));
        const bool adding = change.startsWith(QLatin1Char('+'));
        if ((adding ? remove : add) & bit)
            return context.usage(QStringLiteral("%1 is both set and cleared; give it once.").arg(name));
        (adding ? add : remove) |= bit;
        done.append(bit == Store::MessageFlags::Seen
                            ? (adding ? QStringLiteral("read") : QStringLiteral("unread"))
                            : (adding ? QStringLiteral("flagged") : QStringLiteral("not flagged")));
    }
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto found = target(context, arguments.constFirst());
    if (!found)
        return context.fail(found.error());
    auto operations = Sync::LocalActions(context.profile().database()).setFlags({found->message.id}, add, remove);
    if (!operations)
        return context.fail(operations.error());
    done.removeDuplicates();
    context.console().out(
            QStringLiteral("Message %1 marked %2.").arg(found->message.id).arg(done.join(QStringLiteral(", "))));
    return sendToServer(context, found->account, *operations, parser.isSet(QStringLiteral("offline")));
}

int move(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 2)
        return context.usage(QStringLiteral("move takes a message id and a folder: heron move 42 Archive"));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto found = target(context, arguments.at(0));
    if (!found)
        return context.fail(found.error());
    auto destination = context.findFolderOfAccount(arguments.at(1), found->account);
    if (!destination)
        return context.fail(destination.error());
    if (destination->id == found->folder.id)
        return context.fail(QStringLiteral("Message %1 is already in %2.")
                                    .arg(found->message.id)
                                    .arg(printableLine(destination->listing.path)));
    auto operations = Sync::LocalActions(context.profile().database()).move({found->message.id}, destination->id);
    if (!operations)
        return context.fail(operations.error());
    context.console().out(
            QStringLiteral("Message %1 moved from %2 to %3.")
                    .arg(found->message.id)
                    .arg(printableLine(found->folder.listing.path), printableLine(destination->listing.path)));
    return sendToServer(context, found->account, *operations, parser.isSet(QStringLiteral("offline")));
}

int remove(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 1)
        return context.usage(QStringLiteral("delete takes one message id: heron delete 42"));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto found = target(context, arguments.constFirst());
    if (!found)
        return context.fail(found.error());
    // Where it goes, to say so: LocalActions moves to the \Trash folder (RFC 6154) when there is
    // one, and deletes for good what is already in it.
    QString trash;
    if (auto folders = Store::FolderStore(context.profile().database()).folders(found->account.id); folders) {
        for (const Store::FolderRecord &folder : std::as_const(*folders)) {
            if (folder.listing.specialUse.compare(QLatin1String("\\Trash"), Qt::CaseInsensitive) == 0)
                trash = folder.listing.path;
        }
    }
    auto operations = Sync::LocalActions(context.profile().database()).remove({found->message.id});
    if (!operations)
        return context.fail(operations.error());
    context.console().out(
            !trash.isEmpty() && trash != found->folder.listing.path
                    ? QStringLiteral("Message %1 moved to %2.").arg(found->message.id).arg(printableLine(trash))
                    : QStringLiteral("Message %1 deleted for good.").arg(found->message.id));
    return sendToServer(context, found->account, *operations, parser.isSet(QStringLiteral("offline")));
}

}  // namespace Heron::Cli
