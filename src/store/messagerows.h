// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/messagemetadata.h"
#include "store/sqlitestatement.h"
#include "store/syncbatch.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <optional>

// Reading and writing rows of messages; shared by FolderStore and
// MessageStore, not part of the store's interface.
namespace Heron::Store::MessageRows {

// The key of a Message-ID (migration version 8): a 64-bit FNV-1a hash of the Message-ID's UTF-8,
// as messages.msgid_key and message_ids (migration version 11). Lookups compare msgid as well, so
// a collision costs a row read, never a wrong answer.
qint64 messageIdKey(QByteArrayView utf8);
// The key of the message's Message-ID; nullopt when it has none (msgid_key is NULL then).
std::optional<qint64> keyOf(const MessageMetadata &message);
// Makes messageIdKey() callable in SQL on the connection, as heron_msgid_key(text), for the
// migration that fills msgid_key in.
Result<bool> registerFunctions(sqlite3 *db);

// Appends an address list as the JSON of the *_addrs columns, in UTF-8: [{"n": name, "e": email}].
void appendAddressesJson(QByteArray &json, const QList<Address> &addresses);
QList<Address> addressesFromJson(const QString &json);

// The column list that fromQuery() expects, in order, for "SELECT <columns> FROM messages".
QString selectColumns();
MessageMetadata fromQuery(const QSqlQuery &query);
// A message's parts from messages.parts (migration version 8), in section order.
QList<MessagePart> partsFromJson(const QString &json);

// The addresses as the search index holds them: "name email" of every address, in the order
// from, sender, reply-to, to, cc, bcc (the order of the message_search_expected view).
QString searchAddresses(const MessageMetadata &message);

// Removes the rows that the search index and message_ids hold for the messages that `owner`, a
// condition on "messages AS m" with one parameter bound to ownerId, picks. For the messages that
// go with their folder or account (ON DELETE CASCADE): those rows are not theirs.
Result<bool> removeIndexRows(const QSqlDatabase &db, const QString &owner, qint64 ownerId);

// A stored message of a folder, by UID.
struct StoredUid {
    quint32 uid = 0;
    qint64 id = 0;
};
// The folder's stored messages whose UIDs are in `uids`, server hits (migration version 6) among
// them unless skipped. Ranges take a statement each; single UIDs (a VANISHED list of scattered
// expunges) go kUidsPerStatement to a statement.
Result<QList<StoredUid>> storedUids(sqlite3 *db, qint64 folderId, const UidSet &uids, bool skipServerHits);
constexpr qsizetype kUidsPerStatement = 500;

// Prepared statements for a run of writes inside one transaction. The search index follows the
// rows only when finish() runs: call it after the last write and before the commit.
class Writer {
public:
    explicit Writer(const QSqlDatabase &db);

    struct Upserted {
        qint64 id = 0;
        bool inserted = false;
    };
    // Inserts the message, or replaces the stored one with the same folder and UID.
    Result<Upserted> upsert(qint64 folderId, const MessageMetadata &message);

    struct FlagsApplied {
        qint64 id = 0;
        bool changed = false;  // flags or keywords differ from what was stored
    };
    // nullopt when no message with that UID is stored.
    Result<std::optional<FlagsApplied>> applyFlags(qint64 folderId, const FlagChange &change);

    // Removes the messages, and their Message-ID keys from message_ids: one statement per
    // kRemoveChunk ids, so SQLite journals each page the removals touch once per chunk, not once
    // per message.
    Result<bool> remove(const QList<qint64> &messageIds);
    static constexpr qsizetype kRemoveChunk = 250;

    // Brings the folders' counts up to date with the rows inserted and removed, then the search
    // index in step with the rows written so far. New messages are listed in search_pending
    // (migration version 10) and indexed later with the text of their rows; a changed message that
    // is not waiting gets its index row rewritten. One-row statements in a row, after every multi-row statement of the
    // transaction: FTS5 then keeps the terms in memory until the commit instead of writing a
    // segment per message. Removed messages leave search_pending and are listed in search_removed
    // (migration version 4), except when SQLite gave a removed message's id to a new one: then
    // its old index row goes first.
    Result<bool> finish();

private:
    // What finish() does to the search index, in the order the rows were written.
    struct SearchOp {
        enum class Kind { Insert, Update, Remove };
        Kind kind = Kind::Insert;
        qint64 id = 0;
        QString subject;    // Update only
        QString addresses;  // Update only
    };

    // Rows inserted or removed and not yet in their folder's counts (migrations 7 and 8).
    struct CountDelta {
        qint64 folderId = 0;
        qint64 messages = 0;
        qint64 unread = 0;
    };

    void addCounts(qint64 folderId, qint64 messages, qint64 unread);
    Result<bool> applyCounts();

    // Looks up the stored row of a UID (id, flags, keywords, msgid_key), ready to be read when true.
    Result<bool> findRow(qint64 folderId, quint32 uid);
    // Moves a message's row of message_ids from one key to another (migration version 11); a
    // nullopt key is no row.
    Result<bool> rekey(qint64 id, std::optional<qint64> before, std::optional<qint64> after);

    sqlite3 *m_db = nullptr;
    Sql::Statement m_findRow;
    Sql::Statement m_insert;
    Sql::Statement m_update;
    Sql::Statement m_updateFlags;
    Sql::Statement m_deleteChunk;
    Sql::Statement m_largestRemoved;
    Sql::Statement m_pendingInsert;
    Sql::Statement m_pendingFind;
    Sql::Statement m_pendingRemove;
    Sql::Statement m_searchUpdate;
    Sql::Statement m_searchRemoved;
    Sql::Statement m_searchReuse;
    Sql::Statement m_searchReuseRemoved;
    Sql::Statement m_addCounts;
    Sql::Statement m_forgetKey;
    Sql::Statement m_rememberKey;
    QList<SearchOp> m_searchOps;
    QList<CountDelta> m_countDeltas;
};

}  // namespace Heron::Store::MessageRows
