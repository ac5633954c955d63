// SPDX-License-Identifier: GPL-3.0-or-later
#include "migration.h"

namespace Heron::Store {

namespace {

QStringList statements(std::initializer_list<const char *> sql)
{
    QStringList result;
    for (const char *statement : sql)
        result.append(QString::fromUtf8(statement));
    return result;
}

// Version 1: the first schema. Times are milliseconds since the epoch (UTC); flags are the
// MessageFlags bits; address lists are JSON arrays of {"n": name, "e": email}.
Migration version1()
{
    return {1, statements({
                       R"sql(CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    account_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT ''
))sql",
                       R"sql(CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    delimiter TEXT NOT NULL DEFAULT '',
    special_use TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '',
    subscribed INTEGER NOT NULL DEFAULT 0,
    selected_for_sync INTEGER NOT NULL DEFAULT 0,
    uidvalidity INTEGER NOT NULL DEFAULT 0,
    uidnext INTEGER NOT NULL DEFAULT 0,
    highestmodseq INTEGER NOT NULL DEFAULT 0,
    synced_down_to INTEGER NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    unread_count INTEGER NOT NULL DEFAULT 0,
    window_start INTEGER,
    last_full_sync INTEGER,
    last_incremental_sync INTEGER,
    UNIQUE (account_id, path)
))sql",
                       R"sql(CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL CHECK (uid BETWEEN 1 AND 4294967295),
    modseq INTEGER NOT NULL DEFAULT 0,
    flags INTEGER NOT NULL DEFAULT 0,
    keywords TEXT NOT NULL DEFAULT '',
    internal_date INTEGER,
    date INTEGER,
    size INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL DEFAULT '',
    from_addrs TEXT,
    sender_addrs TEXT,
    reply_to_addrs TEXT,
    to_addrs TEXT,
    cc_addrs TEXT,
    bcc_addrs TEXT,
    msgid TEXT NOT NULL DEFAULT '',
    in_reply_to TEXT NOT NULL DEFAULT '',
    refs TEXT NOT NULL DEFAULT '',
    list_id TEXT NOT NULL DEFAULT '',
    body_structure BLOB,
    has_attachments INTEGER NOT NULL DEFAULT 0,
    UNIQUE (folder_id, uid)
))sql",
                       "CREATE INDEX messages_folder_date ON messages(folder_id, date)",
                       "CREATE INDEX messages_msgid ON messages(msgid) WHERE msgid != ''",
                       R"sql(CREATE TABLE message_parts (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    section TEXT NOT NULL,
    mime_type TEXT NOT NULL DEFAULT '',
    charset TEXT NOT NULL DEFAULT '',
    encoding TEXT NOT NULL DEFAULT '',
    disposition TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    content_id TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    is_attachment INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id, section)
) WITHOUT ROWID)sql",
                       // The plain text of a cached body, kept only for the search index.
                       R"sql(CREATE TABLE message_bodies (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    text TEXT NOT NULL
))sql",
                       // Local counts, kept exact by the rows themselves.
                       R"sql(CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
    UPDATE folders SET message_count = message_count + 1,
        unread_count = unread_count + ((NEW.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END)sql",
                       R"sql(CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
    UPDATE folders SET message_count = message_count - 1,
        unread_count = unread_count - ((OLD.flags & 1) = 0)
    WHERE id = OLD.folder_id;
END)sql",
                       R"sql(CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
WHEN (OLD.flags & 1) != (NEW.flags & 1) BEGIN
    UPDATE folders SET unread_count = unread_count + ((NEW.flags & 1) = 0) - ((OLD.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END)sql",
                       // Full-text search: an external-content FTS5 index over this view, so subject, names
                       // and addresses are not stored twice. The triggers below keep the index equal to the
                       // view: the old values are removed ('delete') before a change, the new ones added after.
                       R"sql(CREATE VIEW message_search_source AS
SELECT m.id AS id, m.subject AS subject,
    (SELECT group_concat(coalesce(json_extract(a.value, '$.n'), '') || ' '
                         || coalesce(json_extract(a.value, '$.e'), ''), ' ')
     FROM (SELECT value FROM json_each(m.from_addrs)
           UNION ALL SELECT value FROM json_each(m.sender_addrs)
           UNION ALL SELECT value FROM json_each(m.reply_to_addrs)
           UNION ALL SELECT value FROM json_each(m.to_addrs)
           UNION ALL SELECT value FROM json_each(m.cc_addrs)
           UNION ALL SELECT value FROM json_each(m.bcc_addrs)) AS a) AS addresses,
    b.text AS body
FROM messages AS m LEFT JOIN message_bodies AS b ON b.message_id = m.id)sql",
                       R"sql(CREATE VIRTUAL TABLE message_search USING fts5(
    subject, addresses, body,
    content = 'message_search_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
))sql",
                       R"sql(CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.id;
END)sql",
                       R"sql(CREATE TRIGGER messages_search_before_update
BEFORE UPDATE OF subject, from_addrs, sender_addrs, reply_to_addrs, to_addrs, cc_addrs, bcc_addrs ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, body FROM message_search_source WHERE id = OLD.id;
END)sql",
                       R"sql(CREATE TRIGGER messages_search_after_update
AFTER UPDATE OF subject, from_addrs, sender_addrs, reply_to_addrs, to_addrs, cc_addrs, bcc_addrs ON messages BEGIN
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.id;
END)sql",
                       R"sql(CREATE TRIGGER messages_search_delete BEFORE DELETE ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, body FROM message_search_source WHERE id = OLD.id;
END)sql",
                       // Body rows change only after their message exists, so the indexed values before the
                       // change are the view's subject and addresses with the old body (NULL when none).
                       R"sql(CREATE TRIGGER message_bodies_search_insert AFTER INSERT ON message_bodies BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, NULL FROM message_search_source WHERE id = NEW.message_id;
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.message_id;
END)sql",
                       R"sql(CREATE TRIGGER message_bodies_search_update AFTER UPDATE ON message_bodies BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, OLD.text FROM message_search_source WHERE id = OLD.message_id;
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.message_id;
END)sql",
                       // When the message itself is deleted its row is already gone here (the cascade runs after
                       // the delete), so the view yields nothing and the message's own trigger did the work.
                       R"sql(CREATE TRIGGER message_bodies_search_delete AFTER DELETE ON message_bodies BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, OLD.text FROM message_search_source WHERE id = OLD.message_id;
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = OLD.message_id;
END)sql",
                       // The content cache's index; the file name is derived from cache_key (a keyed hash),
                       // so no server string ever reaches a path.
                       R"sql(CREATE TABLE content_cache (
    cache_key TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    section TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_access INTEGER NOT NULL,
    UNIQUE (folder_id, uidvalidity, uid, section)
))sql",
                       "CREATE INDEX content_cache_lru ON content_cache(last_access)",
                       // The offline operation journal, replayed in id order. A folder that disappears leaves
                       // its operations with folder_id NULL for the sync layer to park, never silently dropped.
                       R"sql(CREATE TABLE operations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder_id INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('flag', 'move', 'copy', 'delete', 'append')),
    payload BLOB NOT NULL DEFAULT x'',
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'in-flight', 'done', 'failed', 'parked')),
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
))sql",
                       "CREATE INDEX operations_account_state ON operations(account_id, state, id)",
               })};
}

// Version 2: what the sync engine and the command line keep besides the rows of version 1.
// - accounts.settings: the account's settings as JSON (server, user, window, sync options), so
//   that removing an account removes them with its rows.
// - folders.server_messages: the server's MESSAGES at the sync point, so an unchanged STATUS can
//   be recognised even when a sliding window keeps fewer messages locally.
// - folders.sync_strategy and last_error: what the last round used and how it ended, for display.
// - messages.is_report: a multipart/report delivery-status message (a bounce, RFC 3464).
// - An index on (folder, internal date) for the window purge and date-ordered lists.
Migration version2()
{
    return {2, statements({
                       "ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'",
                       "ALTER TABLE folders ADD COLUMN server_messages INTEGER NOT NULL DEFAULT 0",
                       "ALTER TABLE folders ADD COLUMN sync_strategy TEXT NOT NULL DEFAULT ''",
                       "ALTER TABLE folders ADD COLUMN last_error TEXT NOT NULL DEFAULT ''",
                       "ALTER TABLE messages ADD COLUMN is_report INTEGER NOT NULL DEFAULT 0",
                       "CREATE INDEX messages_folder_internal_date ON messages(folder_id, internal_date)",
               })};
}

// Version 3: the search index keeps its own text and is written by MessageRows::Writer, not by
// triggers. The triggers of version 1 rebuilt the addresses from JSON for every row, and each
// statement that fired them opened a savepoint, which makes FTS5 flush its pending terms: one
// index segment per message. Now the writer adds a batch's rows to the index in plain one-row
// statements just before the batch commits, so the index is flushed once per transaction.
// - message_search: an ordinary FTS5 table (subject, addresses, body) whose rowid is the
//   message id; addresses are "name email" of every address of the message.
// - message_bodies is folded into it: a cached body's text lives only in the index.
// - message_search_expected: what the index should hold for each message (subject and
//   addresses), used by the integrity check only.
Migration version3()
{
    return {3, statements({
                       "DROP TRIGGER messages_search_insert",
                       "DROP TRIGGER messages_search_before_update",
                       "DROP TRIGGER messages_search_after_update",
                       "DROP TRIGGER messages_search_delete",
                       "DROP TRIGGER message_bodies_search_insert",
                       "DROP TRIGGER message_bodies_search_update",
                       "DROP TRIGGER message_bodies_search_delete",
                       R"sql(CREATE VIRTUAL TABLE message_search_v3 USING fts5(
    subject, addresses, body,
    tokenize = 'unicode61 remove_diacritics 2'
))sql",
                       R"sql(INSERT INTO message_search_v3(rowid, subject, addresses, body)
    SELECT id, subject, coalesce(addresses, ''), body FROM message_search_source)sql",
                       "DROP TABLE message_search",
                       "DROP VIEW message_search_source",
                       "DROP TABLE message_bodies",
                       "ALTER TABLE message_search_v3 RENAME TO message_search",
                       R"sql(CREATE VIEW message_search_expected AS
SELECT m.id AS id, m.subject AS subject,
    coalesce((SELECT group_concat(coalesce(json_extract(a.value, '$.n'), '') || ' '
                                  || coalesce(json_extract(a.value, '$.e'), ''), ' ')
              FROM (SELECT value FROM json_each(m.from_addrs)
                    UNION ALL SELECT value FROM json_each(m.sender_addrs)
                    UNION ALL SELECT value FROM json_each(m.reply_to_addrs)
                    UNION ALL SELECT value FROM json_each(m.to_addrs)
                    UNION ALL SELECT value FROM json_each(m.cc_addrs)
                    UNION ALL SELECT value FROM json_each(m.bcc_addrs)) AS a), '') AS addresses
FROM messages AS m)sql",
               })};
}

// Version 4: removing a message from the search index is deferred. FTS5 must re-read and
// re-tokenize a row's text to remove it, which made a resync that expunges 1,000 messages of a
// big folder spend a fifth of its time there. The writer now records the ids of removed
// messages in search_removed; the sync engine purges their index rows when it goes idle
// (MessageStore::purgeSearchRemovals), and searches only return ids of stored messages.
Migration version4()
{
    return {4, statements({
                       "CREATE TABLE search_removed (id INTEGER PRIMARY KEY)",
               })};
}

// Version 5: indexes on when a message was sent as lists and searches show it (the Date header,
// else the arrival time). Per folder, the message list reads a folder's newest page by walking
// the index instead of sorting the whole folder; across folders, a search for a common word walks
// it newest first and stops at its limit instead of sorting every match, and before: and after:
// become ranges of it. The per-folder one replaces the index on the Date header alone, which
// nothing used.
Migration version5()
{
    return {5, statements({
                       "DROP INDEX messages_folder_date",
                       "CREATE INDEX messages_folder_sent ON messages(folder_id, coalesce(date, internal_date))",
                       "CREATE INDEX messages_when ON messages(coalesce(date, internal_date))",
               })};
}

// Version 6: messages found by a search on the server in the part of a folder the sliding window
// leaves out. They are stored like the others so that they can be listed, opened and acted on,
// and marked, so that the window's purge and the UID comparisons of the sync leave them alone
// until the search that found them is over (FolderStore::storeServerHits, dropServerHits).
Migration version6()
{
    return {6, statements({
                       "ALTER TABLE messages ADD COLUMN server_hit INTEGER NOT NULL DEFAULT 0",
                       "CREATE INDEX messages_server_hits ON messages(folder_id) WHERE server_hit != 0",
                       // A folder's counts are those of the messages the sync keeps: the sync
                       // compares them with the server's. A row is inserted as an ordinary message
                       // and counted; marking it a hit takes it out of the counts again.
                       "DROP TRIGGER messages_count_delete",
                       "DROP TRIGGER messages_count_seen",
                       R"sql(CREATE TRIGGER messages_count_delete AFTER DELETE ON messages WHEN OLD.server_hit = 0 BEGIN
    UPDATE folders SET message_count = message_count - 1,
        unread_count = unread_count - ((OLD.flags & 1) = 0)
    WHERE id = OLD.folder_id;
END)sql",
                       // A hit that becomes ordinary in the same UPDATE as a flag change is counted
                       // by messages_count_server_hit alone, with its new flags.
                       R"sql(CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
WHEN OLD.server_hit = 0 AND NEW.server_hit = 0 AND (OLD.flags & 1) != (NEW.flags & 1) BEGIN
    UPDATE folders SET unread_count = unread_count + ((NEW.flags & 1) = 0) - ((OLD.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END)sql",
                       R"sql(CREATE TRIGGER messages_count_server_hit AFTER UPDATE OF server_hit ON messages
WHEN (OLD.server_hit = 0) != (NEW.server_hit = 0) BEGIN
    UPDATE folders SET message_count = message_count + (NEW.server_hit = 0) - (OLD.server_hit = 0),
        unread_count = unread_count + (((NEW.flags & 1) = 0) AND NEW.server_hit = 0)
                                    - (((OLD.flags & 1) = 0) AND OLD.server_hit = 0)
    WHERE id = NEW.folder_id;
END)sql",
               })};
}

// Version 7: a folder's counts grow by what MessageRows::Writer inserted, once per transaction,
// instead of by a trigger per row. The trigger made every INSERT a multi-row write that may abort
// (the folder's foreign key), so SQLite kept a statement journal for each message: the original of
// every page the insert touched, a quarter of an initial sync's store time. Every insert goes
// through the writer; removals and flag changes keep their triggers.
Migration version7()
{
    return {7, statements({
                       "DROP TRIGGER messages_count_insert",
               })};
}

// Version 8: a message's parts live in its own row, as messages.parts, a JSON array with one array
// per part: [section, MIME type, charset, transfer encoding, disposition, file name, Content-ID,
// size, is attachment (0 or 1)]; NULL when the body structure named none. The parts are only ever
// read and written with their message, never queried across messages, and as a table of their own
// they were a second B-tree beside the messages: one more row per part for an initial sync to
// insert, and for a resync that removes scattered messages, one more page to read and rewrite per
// message removed (a fifth of the pages of such a round).
// The count trigger on DELETE goes too, for the reason of version 7: it made SQLite keep a
// statement journal for each DELETE of many rows, and for a resync that removes 1,000 scattered
// messages that journal (the original of every page touched) spilled to a temporary file. The
// writer takes removed rows out of the counts, read with DELETE ... RETURNING.
// The index on Message-IDs holds a 64-bit hash of each (messages.msgid_key, filled in by the
// writer and here by heron_msgid_key(), MessageRows::registerFunctions) instead of the text: a
// third of the size, so fewer of its pages for scattered removals to rewrite.
Migration version8()
{
    return {8, statements({
                       "DROP TRIGGER messages_count_delete",
                       "ALTER TABLE messages ADD COLUMN msgid_key INTEGER",
                       "UPDATE messages SET msgid_key = heron_msgid_key(msgid) WHERE msgid != ''",
                       "DROP INDEX messages_msgid",
                       "CREATE INDEX messages_msgid_key ON messages(msgid_key) WHERE msgid_key IS NOT NULL",
                       "ALTER TABLE messages ADD COLUMN parts TEXT",
                       R"sql(UPDATE messages SET parts = (
    SELECT json_group_array(json_array(section, mime_type, charset, encoding, disposition, file_name,
                                       content_id, size, is_attachment))
    FROM message_parts WHERE message_id = messages.id)
WHERE id IN (SELECT message_id FROM message_parts))sql",
                       "DROP TABLE message_parts",
               })};
}

// Version 9: new messages wait in search_pending, with the text to index, until the store is idle
// (MessageStore::indexPendingSearch): adding a row to the full-text index tokenizes its text and
// merges index segments, a third of the store's time in an initial sync, which the messages'
// own rows should not wait for. A search indexes what is pending first, so it never misses a
// stored message.
Migration version9()
{
    return {9, statements({
                       R"sql(CREATE TABLE search_pending (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    addresses TEXT NOT NULL
))sql",
               })};
}

// Version 10: search_pending holds only the ids of the messages waiting; they are indexed with
// the text of their rows as the store has it then (message_search_expected). Writing each new
// message's subject and addresses a second time, as text built for the index, was a tenth of the
// writer's time in an initial sync, and a change to a waiting message no longer has to follow it.
Migration version10()
{
    return {10, statements({
                        "CREATE TABLE search_pending_ids (id INTEGER PRIMARY KEY)",
                        "INSERT INTO search_pending_ids (id) SELECT id FROM search_pending",
                        "DROP TABLE search_pending",
                        "ALTER TABLE search_pending_ids RENAME TO search_pending",
                })};
}

// Version 11: the index on Message-ID keys (version 8) becomes a table of its own, message_ids,
// filled for new messages when the store is idle. The keys are hashes, so every transaction of an
// initial sync inserted its 2,000 keys all over that index and wrote nearly all of its pages again:
// a quarter of the write-ahead log and of the writer's time for a 100,000-message folder. A
// message waiting in search_pending may be missing from message_ids; lookups read the waiting
// messages' keys from their rows (MessageStore::idsForMessageId), and the idle pass adds them all,
// in key order, in one transaction (MessageStore::indexPendingMessageIds). The writer keeps the
// table in step when a message is removed or its Message-ID changes.
Migration version11()
{
    return {11, statements({
                        "DROP INDEX messages_msgid_key",
                        R"sql(CREATE TABLE message_ids (
    msgid_key INTEGER NOT NULL,
    id INTEGER NOT NULL,
    PRIMARY KEY (msgid_key, id)
) WITHOUT ROWID)sql",
                        "INSERT INTO message_ids (msgid_key, id) "
                        "SELECT msgid_key, id FROM messages WHERE msgid_key IS NOT NULL ORDER BY 1, 2",
                })};
}

}  // namespace

QList<Migration> Migrations::all()
{
    return {version1(), version2(), version3(), version4(), version5(),
            version6(), version7(), version8(), version9(), version10(), version11()};
}

int Migrations::latestVersion()
{
    return all().constLast().version;
}

}  // namespace Heron::Store
