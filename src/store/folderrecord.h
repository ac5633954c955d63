// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace Heron::Store {

// A folder as LIST reports it (RFC 3501 §7.2.2, RFC 6154 special-use), name already decoded.
struct FolderListing {
    QString path;            // decoded from modified UTF-7, hierarchy kept with the delimiter
    QString delimiter;       // empty for a flat namespace
    QString specialUse;      // "\Sent", "\Drafts", ... or empty
    QStringList attributes;  // the other LIST attributes ("\Noselect", "\HasChildren", ...)
    bool subscribed = false;

    bool operator==(const FolderListing &) const = default;
};

// How far the local copy of a folder is synchronized. uidNext, highestModSeq and syncedDownTo
// only ever change together with the message rows they describe (FolderStore::applySyncBatch).
struct FolderState {
    quint32 uidValidity = 0;
    quint32 uidNext = 0;
    quint64 highestModSeq = 0;
    quint32 syncedDownTo = 0;  // the lowest UID whose metadata is stored; 0 when nothing is
    quint32 serverMessages = 0;  // the server's MESSAGES (EXISTS) at this point

    bool operator==(const FolderState &) const = default;
};

// One stored folder: its listing, the user's choices and its synchronization state.
struct FolderRecord {
    qint64 id = 0;
    qint64 accountId = 0;
    FolderListing listing;
    bool selectedForSync = false;
    FolderState state;
    int messageCount = 0;   // messages stored locally
    int unreadCount = 0;    // of those, without \Seen
    QDateTime windowStart;  // invalid when the whole folder is kept
    QDateTime lastFullSync;
    QDateTime lastIncrementalSync;
    QString syncStrategy;  // what the last round used ("qresync", "condstore", "plain"); empty before
    QString lastError;     // how the last round failed, in plain words; empty when it succeeded
};

}  // namespace Heron::Store
