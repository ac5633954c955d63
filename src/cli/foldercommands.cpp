// SPDX-License-Identifier: GPL-3.0-or-later
// folders | select | window
#include "cli/commands.h"
#include "cli/context.h"
#include "store/folderstore.h"

#include <QCommandLineParser>

#include <algorithm>

namespace Heron::Cli {

namespace {

bool canHoldMessages(const Store::FolderRecord &folder)
{
    for (const QString &attribute : folder.listing.attributes) {
        // RFC 3501 §7.2.2 \Noselect, RFC 5258 §3 \NonExistent
        if (attribute.compare(QLatin1String("\\Noselect"), Qt::CaseInsensitive) == 0 ||
            attribute.compare(QLatin1String("\\NonExistent"), Qt::CaseInsensitive) == 0)
            return false;
    }
    return true;
}

// A folder's place in the tree: how deep, and the name shown at that depth (the rest of its path
// below the nearest listed ancestor, so a folder whose parent is not listed still shows whole).
struct TreeRow {
    const Store::FolderRecord *folder = nullptr;
    int depth = 0;
    QString name;
};

QList<TreeRow> folderTree(const QList<Store::FolderRecord> &folders)
{
    QList<const Store::FolderRecord *> sorted;
    for (const Store::FolderRecord &folder : folders)
        sorted.append(&folder);
    // INBOX first (RFC 3501 §5.1), then the hierarchy in path order, a parent before its children.
    const auto segments = [](const Store::FolderRecord *folder) {
        const QString &delimiter = folder->listing.delimiter;
        return delimiter.isEmpty() ? QStringList{folder->listing.path} : folder->listing.path.split(delimiter);
    };
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Store::FolderRecord *a, const Store::FolderRecord *b) {
        const bool aInbox = samePath(a->listing.path, QStringLiteral("INBOX"));
        const bool bInbox = samePath(b->listing.path, QStringLiteral("INBOX"));
        if (aInbox != bInbox)
            return aInbox;
        const QStringList as = segments(a);
        const QStringList bs = segments(b);
        return std::lexicographical_compare(as.cbegin(), as.cend(), bs.cbegin(), bs.cend(),
                                            [](const QString &x, const QString &y) {
                                                const int c = x.compare(y, Qt::CaseInsensitive);
                                                return c != 0 ? c < 0 : x < y;
                                            });
    });
    QHash<QString, int> depthOfPath;
    QList<TreeRow> rows;
    for (const Store::FolderRecord *folder : std::as_const(sorted)) {
        const QString &path = folder->listing.path;
        const QString &delimiter = folder->listing.delimiter;
        TreeRow row{folder, 0, path};
        if (!delimiter.isEmpty()) {
            // The nearest ancestor that is listed.
            for (qsizetype end = path.lastIndexOf(delimiter); end > 0; end = path.lastIndexOf(delimiter, end - 1)) {
                const auto ancestor = depthOfPath.constFind(path.left(end));
                if (ancestor != depthOfPath.constEnd()) {
                    row.depth = *ancestor + 1;
                    row.name = path.mid(end + delimiter.size());
                    break;
                }
            }
        }
        depthOfPath.insert(path, row.depth);
        rows.append(row);
    }
    return rows;
}

QString describeWindow(const Accounts::SyncWindow &window)
{
    switch (window.kind) {
    case Accounts::SyncWindow::Kind::Off:
        return QStringLiteral("keeping all mail");
    case Accounts::SyncWindow::Kind::LastDays:
        return QStringLiteral("keeping the last %1 days").arg(window.days);
    case Accounts::SyncWindow::Kind::Since:
        return QStringLiteral("keeping mail since %1").arg(window.sinceDate.toString(Qt::ISODate));
    }
    return QString();
}

}  // namespace

int folders(Context &context, const QCommandLineParser &parser)
{
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto accounts = context.chooseAccounts(parser.value(QStringLiteral("account")));
    if (!accounts)
        return context.fail(accounts.error());
    bool first = true;
    for (const Accounts::Account &account : std::as_const(*accounts)) {
        auto folders = Store::FolderStore(context.profile().database()).folders(account.id);
        if (!folders)
            return context.fail(folders.error());
        if (!first)
            context.console().out(QString());
        first = false;
        context.console().out(QStringLiteral("%1 (%2)").arg(printableLine(account.settings.label()),
                                                            describeWindow(account.settings.window)));
        if (folders->isEmpty()) {
            context.console().out(QStringLiteral("  no folders yet: `heron sync` learns them from the server"));
            continue;
        }
        const QList<TreeRow> rows = folderTree(*folders);
        int nameWidth = 0;
        for (const TreeRow &row : rows)
            nameWidth = std::max(nameWidth, int(2 * row.depth + printableLine(row.name).size()));
        for (const TreeRow &row : rows) {
            const Store::FolderRecord &folder = *row.folder;
            const bool selectable = canHoldMessages(folder);
            const QString mark = !selectable              ? QStringLiteral("[-]")
                                 : folder.selectedForSync ? QStringLiteral("[x]")
                                                          : QStringLiteral("[ ]");
            const QString name = QString(2 * row.depth, QLatin1Char(' ')) + printableLine(row.name);
            QString line = QStringLiteral("  %1 %2").arg(mark, name.leftJustified(nameWidth));
            if (selectable) {
                const QDateTime lastSync = std::max(folder.lastFullSync, folder.lastIncrementalSync);
                line += QStringLiteral("  %1 messages  %2 unread  %3")
                                .arg(folder.messageCount, 6)
                                .arg(folder.unreadCount, 5)
                                .arg(lastSync.isValid() ? QStringLiteral("synced ") + formatTime(lastSync)
                                                        : QStringLiteral("never synced"));
            } else {
                line += QStringLiteral("  (holds no messages)");
            }
            if (!folder.listing.specialUse.isEmpty())
                line += QStringLiteral("  ") + printableLine(folder.listing.specialUse);
            if (!folder.lastError.isEmpty())
                line += QStringLiteral("  last error: ") + printableLine(folder.lastError);
            context.console().out(line);
        }
    }
    return kExitSuccess;
}

int select(Context &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() != 2)
        return context.usage(QStringLiteral("select takes a folder and on or off: heron select Archive on"));
    const QString path = arguments.at(0);
    const QString choice = arguments.at(1).toLower();
    bool selected = false;
    if (choice == QLatin1String("on") || choice == QLatin1String("yes") || choice == QLatin1String("true"))
        selected = true;
    else if (choice != QLatin1String("off") && choice != QLatin1String("no") && choice != QLatin1String("false"))
        return context.usage(QStringLiteral("select takes on or off after the folder, not \"%1\".")
                                     .arg(printableLine(arguments.at(1))));
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    const QString accountName = parser.value(QStringLiteral("account"));

    auto accounts = context.chooseAccounts(accountName);
    if (!accounts)
        return context.fail(accounts.error());
    // Before the first sync of an account its folders are unknown: the choice is kept in its
    // settings and applies when the server first lists the folder.
    if (accounts->size() == 1) {
        Accounts::Account account = accounts->constFirst();
        auto known = Store::FolderStore(context.profile().database()).folders(account.id);
        if (!known)
            return context.fail(known.error());
        if (known->isEmpty()) {
            // INBOX and the \Sent folder are selected when first seen whatever the settings say.
            if (!selected)
                return context.fail(QStringLiteral("%1 has not been synchronized yet, so its folders are unknown. Run "
                                                   "`heron sync --once` first, then deselect %2.")
                                            .arg(account.settings.label(), printableLine(path)));
            QStringList &initial = account.settings.initiallySelected;
            initial.removeIf([&](const QString &p) { return samePath(p, path); });
            initial.append(path);
            if (auto updated = context.profile().updateAccount(account); !updated)
                return context.fail(updated.error());
            context.console().out(QStringLiteral("%1 (%2): selected for sync once the server lists it at the first "
                                                 "sync.")
                                          .arg(printableLine(path), account.settings.label()));
            return kExitSuccess;
        }
    }

    auto folder = context.findFolder(path, accountName);
    if (!folder)
        return context.fail(folder.error());
    auto account = context.accountOfFolder(folder->id);
    if (!account)
        return context.fail(account.error());
    if (selected && !canHoldMessages(*folder))
        return context.fail(QStringLiteral("%1 holds no messages on the server (only other folders), so there is "
                                           "nothing to sync in it.")
                                    .arg(printableLine(folder->listing.path)));
    if (auto changed = Store::FolderStore(context.profile().database()).setSelectedForSync(folder->id, selected);
        !changed)
        return context.fail(changed.error());
    context.console().out(selected ? QStringLiteral("%1 (%2): selected for sync; the next sync fetches it.")
                                             .arg(printableLine(folder->listing.path), account->settings.label())
                                   : QStringLiteral("%1 (%2): not selected for sync any more; the server keeps its "
                                                    "messages.")
                                             .arg(printableLine(folder->listing.path), account->settings.label()));
    return kExitSuccess;
}

int window(Context &context, const QCommandLineParser &parser)
{
    const int given = int(parser.isSet(QStringLiteral("days"))) + int(parser.isSet(QStringLiteral("since"))) +
                      int(parser.isSet(QStringLiteral("off")));
    if (given != 1 || !parser.positionalArguments().isEmpty())
        return context.usage(QStringLiteral("window takes one of --days N, --since YYYY-MM-DD or --off."));
    Accounts::SyncWindow window;
    if (parser.isSet(QStringLiteral("days"))) {
        bool ok = false;
        const int days = parser.value(QStringLiteral("days")).toInt(&ok);
        if (!ok || days < 1 || days > Accounts::SyncWindow::kMaxDays)
            return context.usage(QStringLiteral("--days takes a whole number of days from 1 to %1, not \"%2\".")
                                         .arg(Accounts::SyncWindow::kMaxDays)
                                         .arg(printableLine(parser.value(QStringLiteral("days")))));
        window.kind = Accounts::SyncWindow::Kind::LastDays;
        window.days = days;
    } else if (parser.isSet(QStringLiteral("since"))) {
        const QDate since = QDate::fromString(parser.value(QStringLiteral("since")), Qt::ISODate);
        if (!since.isValid())
            return context.usage(QStringLiteral("--since takes a date as YYYY-MM-DD, not \"%1\".")
                                         .arg(printableLine(parser.value(QStringLiteral("since")))));
        window.kind = Accounts::SyncWindow::Kind::Since;
        window.sinceDate = since;
    }
    if (auto opened = context.openProfile(); !opened)
        return context.fail(opened.error());
    auto accounts = context.chooseAccounts(parser.value(QStringLiteral("account")));
    if (!accounts)
        return context.fail(accounts.error());
    for (Accounts::Account account : std::as_const(*accounts)) {
        account.settings.window = window;
        if (auto updated = context.profile().updateAccount(account); !updated)
            return context.fail(QStringLiteral("%1: %2").arg(account.settings.label(), updated.error().message));
        context.console().out(QStringLiteral("%1: %2.").arg(account.settings.label(), describeWindow(window)));
    }
    context.console().out(window.kind == Accounts::SyncWindow::Kind::Off
                                  ? QStringLiteral("The next sync fetches what the window left out.")
                                  : QStringLiteral("The next sync applies it: older messages are removed from this "
                                                   "computer only, never from the server."));
    return kExitSuccess;
}

}  // namespace Heron::Cli
