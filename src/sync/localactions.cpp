// SPDX-License-Identifier: GPL-3.0-or-later
#include "localactions.h"

#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagemetadata.h"
#include "store/messagestore.h"
#include "store/operationjournal.h"
#include "sync/operationpayload.h"
#include "sync/synclogging.h"

#include <QHash>
#include <QSet>

#include <optional>

namespace Heron::Sync {

namespace {

using Store::Operation;

constexpr quint32 kSystemFlagBits = Store::MessageFlags::Seen | Store::MessageFlags::Answered |
                                    Store::MessageFlags::Flagged | Store::MessageFlags::Deleted |
                                    Store::MessageFlags::Draft;

Error invalid(const QString &message)
{
    return makeError(Error::Code::InvalidInput, message);
}

bool hasAttribute(const Store::FolderRecord &folder, QLatin1StringView attribute)
{
    for (const QString &candidate : folder.listing.attributes) {
        if (candidate.compare(attribute, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool isTrash(const Store::FolderRecord &folder)
{
    return folder.listing.specialUse.compare(QLatin1StringView("\\Trash"), Qt::CaseInsensitive) == 0;
}

}  // namespace

Result<QList<qint64>> LocalActions::setFlags(const QList<qint64> &messageIds, quint32 addBits, quint32 removeBits)
{
    return apply(Action::Flag, messageIds, 0, addBits, removeBits);
}

Result<QList<qint64>> LocalActions::move(const QList<qint64> &messageIds, qint64 targetFolderId)
{
    return apply(Action::Move, messageIds, targetFolderId, 0, 0);
}

Result<QList<qint64>> LocalActions::copy(const QList<qint64> &messageIds, qint64 targetFolderId)
{
    return apply(Action::Copy, messageIds, targetFolderId, 0, 0);
}

Result<QList<qint64>> LocalActions::remove(const QList<qint64> &messageIds)
{
    return apply(Action::Remove, messageIds, 0, 0, 0);
}

Result<QList<qint64>> LocalActions::apply(Action action, const QList<qint64> &messageIds, qint64 targetFolderId,
                                          quint32 addBits, quint32 removeBits)
{
    if (messageIds.isEmpty())
        return invalid(QStringLiteral("No message was chosen."));
    if (action == Action::Flag) {
        if ((addBits | removeBits) & ~kSystemFlagBits)
            return invalid(QStringLiteral("Unknown message flags were asked for."));
        if (addBits & removeBits)
            return invalid(QStringLiteral("A flag cannot be set and cleared at once."));
        if ((addBits | removeBits) == 0)
            return invalid(QStringLiteral("No flag to change was given."));
    }

    // The reads run inside the write transaction (BEGIN IMMEDIATE on this thread's connection), so
    // what is journaled is exactly what was there when the change was applied.
    Store::Transaction transaction(m_database, Store::Durability::Full);
    if (!transaction.isActive())
        return transaction.error();

    QList<qint64> ids;
    {
        QSet<qint64> seen;
        for (qint64 id : messageIds) {
            if (!seen.contains(id)) {
                seen.insert(id);
                ids.append(id);
            }
        }
    }

    Store::MessageStore messages(m_database);
    auto locations = messages.locations(ids);
    if (!locations)
        return locations.error();
    if (locations->size() != ids.size()) {
        QSet<qint64> found;
        for (const Store::MessageStore::Location &location : *locations)
            found.insert(location.messageId);
        for (qint64 id : std::as_const(ids)) {
            if (!found.contains(id))
                return invalid(QStringLiteral("The message %1 is not in the store (it may have been removed "
                                              "meanwhile).")
                                       .arg(id));
        }
    }
    const qint64 accountId = locations->constFirst().accountId;
    for (const Store::MessageStore::Location &location : *locations) {
        if (location.accountId != accountId)
            return invalid(QStringLiteral("The messages belong to different accounts; act on one account at a time."));
    }

    // Messages grouped by source folder, folders in the order they first appear.
    QList<qint64> folderOrder;
    QHash<qint64, QList<Store::MessageStore::Location>> byFolder;
    for (const Store::MessageStore::Location &location : *locations) {
        auto it = byFolder.find(location.folderId);
        if (it == byFolder.end()) {
            folderOrder.append(location.folderId);
            it = byFolder.insert(location.folderId, {});
        }
        it->append(location);
    }

    Store::FolderStore folderStore(m_database);
    QHash<qint64, Store::FolderRecord> folders;
    for (qint64 folderId : std::as_const(folderOrder)) {
        auto folder = folderStore.folder(folderId);
        if (!folder)
            return folder.error();
        if (folder->state.uidValidity == 0) {
            return invalid(QStringLiteral("The folder %1 has not been synchronized with the server yet; try again "
                                          "once it has.")
                                   .arg(folder->listing.path));
        }
        folders.insert(folderId, *folder);
    }

    std::optional<Store::FolderRecord> target;
    if (action == Action::Move || action == Action::Copy) {
        auto folder = folderStore.folder(targetFolderId);
        if (!folder)
            return invalid(QStringLiteral("The target folder no longer exists."));
        if (folder->accountId != accountId)
            return invalid(QStringLiteral("The folder %1 belongs to another account; messages can only be moved or "
                                          "copied within one account.")
                                   .arg(folder->listing.path));
        if (hasAttribute(*folder, QLatin1StringView("\\Noselect")) ||
            hasAttribute(*folder, QLatin1StringView("\\NonExistent"))) {
            return invalid(QStringLiteral("The folder %1 cannot hold messages.").arg(folder->listing.path));
        }
        target = *folder;
    } else if (action == Action::Remove) {
        auto accountFolders = folderStore.folders(accountId);
        if (!accountFolders)
            return accountFolders.error();
        for (const Store::FolderRecord &folder : *accountFolders) {
            if (isTrash(folder) && !hasAttribute(folder, QLatin1StringView("\\Noselect")) &&
                !hasAttribute(folder, QLatin1StringView("\\NonExistent"))) {
                target = folder;
                break;
            }
        }
    }

    Store::OperationJournal journal(m_database);
    QList<qint64> operationIds;
    for (qint64 folderId : std::as_const(folderOrder)) {
        const Store::FolderRecord &source = folders[folderId];
        const QList<Store::MessageStore::Location> &located = byFolder[folderId];
        QList<qint64> folderMessageIds;
        QList<quint32> uids;
        for (const Store::MessageStore::Location &location : located) {
            folderMessageIds.append(location.messageId);
            uids.append(location.uid);
        }

        Operation operation;
        operation.accountId = accountId;
        operation.folderId = folderId;
        OperationPayload payload;
        payload.folder = source.listing.path;
        payload.uidValidity = source.state.uidValidity;
        payload.uids = UidSet::fromValues(uids);

        switch (action) {
        case Action::Flag:
            operation.kind = Operation::Kind::Flag;
            payload.addFlags = Store::MessageFlags{addBits, {}}.toStrings();
            payload.removeFlags = Store::MessageFlags{removeBits, {}}.toStrings();
            if (auto changed = messages.changeFlags(transaction, folderMessageIds, addBits, removeBits); !changed)
                return changed.error();
            break;
        case Action::Move:
        case Action::Copy:
            if (folderId == target->id)
                continue;  // already there
            operation.kind = action == Action::Move ? Operation::Kind::Move : Operation::Kind::Copy;
            payload.target = target->listing.path;
            if (action == Action::Move) {
                if (auto removed = messages.removeMessages(transaction, folderMessageIds); !removed)
                    return removed.error();
            }
            break;
        case Action::Remove:
            if (target && folderId != target->id) {
                operation.kind = Operation::Kind::Move;
                payload.target = target->listing.path;
            } else {
                operation.kind = Operation::Kind::Delete;
            }
            if (auto removed = messages.removeMessages(transaction, folderMessageIds); !removed)
                return removed.error();
            break;
        }

        if (auto valid = payload.validate(operation.kind); !valid)
            return valid.error();
        operation.payload = payload.toJson(operation.kind);
        auto appended = journal.append(transaction, operation);
        if (!appended)
            return appended.error();
        operationIds.append(*appended);
    }

    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    qCDebug(lcSync) << "Journaled" << operationIds.size() << "operation(s) for" << ids.size() << "message(s) of account"
                    << accountId;
    return operationIds;
}

}  // namespace Heron::Sync
