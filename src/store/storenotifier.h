// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QList>
#include <QObject>

namespace Heron::Store {

// The changes one transaction made, collected while it runs and published once it commits.
struct ChangeSet {
    QHash<qint64, QList<qint64>> insertedMessages;  // folder id -> message ids
    QHash<qint64, QList<qint64>> changedMessages;
    QHash<qint64, QList<qint64>> removedMessages;
    QList<qint64> changedFolders;  // added, or listing, counts or state changed
    QList<qint64> removedFolders;
    QList<qint64> changedAccounts;  // added or removed

    void folderChanged(qint64 folderId);
    bool isEmpty() const;
    void clear();
};

// Tells models what changed in the store, only after the change is committed. Signals are
// emitted on the writing thread; receivers on other threads get them queued (AutoConnection).
class StoreNotifier : public QObject {
    Q_OBJECT

public:
    explicit StoreNotifier(QObject *parent = nullptr);

    void publish(const ChangeSet &changes);

Q_SIGNALS:
    void messagesInserted(qint64 folderId, const QList<qint64> &messageIds);
    void messagesChanged(qint64 folderId, const QList<qint64> &messageIds);
    void messagesRemoved(qint64 folderId, const QList<qint64> &messageIds);
    void foldersChanged(const QList<qint64> &folderIds);
    void foldersRemoved(const QList<qint64> &folderIds);
    void accountsChanged(const QList<qint64> &accountIds);
};

}  // namespace Heron::Store
