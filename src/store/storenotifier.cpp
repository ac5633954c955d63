// SPDX-License-Identifier: GPL-3.0-or-later
#include "storenotifier.h"

#include <QSet>

#include <algorithm>

namespace Heron::Store {

namespace {

QList<qint64> without(const QList<qint64> &ids, const QList<qint64> &drop1, const QList<qint64> &drop2 = {})
{
    if (drop1.isEmpty() && drop2.isEmpty())
        return ids;
    QSet<qint64> dropped(drop1.cbegin(), drop1.cend());
    dropped.unite(QSet<qint64>(drop2.cbegin(), drop2.cend()));
    QList<qint64> result;
    result.reserve(ids.size());
    for (qint64 id : ids) {
        if (!dropped.contains(id))
            result.append(id);
    }
    return result;
}

QList<qint64> sortedUnique(QList<qint64> ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

}  // namespace

void ChangeSet::folderChanged(qint64 folderId)
{
    if (!changedFolders.contains(folderId))
        changedFolders.append(folderId);
}

bool ChangeSet::isEmpty() const
{
    return insertedMessages.isEmpty() && changedMessages.isEmpty() && removedMessages.isEmpty() &&
           changedFolders.isEmpty() && removedFolders.isEmpty() && changedAccounts.isEmpty();
}

void ChangeSet::clear()
{
    *this = ChangeSet();
}

StoreNotifier::StoreNotifier(QObject *parent) : QObject(parent) {}

void StoreNotifier::publish(const ChangeSet &changes)
{
    // Removals first, so a model never sees an insert or change for a row it is about to drop;
    // a message inserted and changed in one transaction is announced once, as inserted.
    const QList<qint64> removedFolders = sortedUnique(changes.removedFolders);
    if (!removedFolders.isEmpty())
        Q_EMIT foldersRemoved(removedFolders);
    for (auto it = changes.removedMessages.cbegin(); it != changes.removedMessages.cend(); ++it) {
        if (!it.value().isEmpty() && !removedFolders.contains(it.key()))
            Q_EMIT messagesRemoved(it.key(), it.value());
    }
    for (auto it = changes.insertedMessages.cbegin(); it != changes.insertedMessages.cend(); ++it) {
        const QList<qint64> ids = without(it.value(), changes.removedMessages.value(it.key()));
        if (!ids.isEmpty())
            Q_EMIT messagesInserted(it.key(), ids);
    }
    for (auto it = changes.changedMessages.cbegin(); it != changes.changedMessages.cend(); ++it) {
        const QList<qint64> ids = sortedUnique(
                without(it.value(), changes.insertedMessages.value(it.key()), changes.removedMessages.value(it.key())));
        if (!ids.isEmpty())
            Q_EMIT messagesChanged(it.key(), ids);
    }
    const QList<qint64> changedFolders = without(sortedUnique(changes.changedFolders), removedFolders);
    if (!changedFolders.isEmpty())
        Q_EMIT foldersChanged(changedFolders);
    if (!changes.changedAccounts.isEmpty())
        Q_EMIT accountsChanged(sortedUnique(changes.changedAccounts));
}

}  // namespace Heron::Store
