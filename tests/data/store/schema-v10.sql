-- SPDX-License-Identifier: GPL-3.0-or-later
-- A store as schema version 10 left it, frozen: never edit this file when the schema changes;
-- add schema-v<N>.sql for a new version instead. Statements are separated by lines holding
-- only ";". Read by tests/unit/store/tst_database.cpp (earlierVersionFileIsMigrated).
PRAGMA application_id = 1212502606
;
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)
;
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
;
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    account_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT ''
)
;
CREATE TABLE folders (
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
)
;
CREATE TABLE messages (
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
)
;
CREATE INDEX messages_folder_date ON messages(folder_id, date)
;
CREATE INDEX messages_msgid ON messages(msgid) WHERE msgid != ''
;
CREATE TABLE message_parts (
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
) WITHOUT ROWID
;
CREATE TABLE message_bodies (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    text TEXT NOT NULL
)
;
CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
    UPDATE folders SET message_count = message_count + 1,
        unread_count = unread_count + ((NEW.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END
;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
    UPDATE folders SET message_count = message_count - 1,
        unread_count = unread_count - ((OLD.flags & 1) = 0)
    WHERE id = OLD.folder_id;
END
;
CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
WHEN (OLD.flags & 1) != (NEW.flags & 1) BEGIN
    UPDATE folders SET unread_count = unread_count + ((NEW.flags & 1) = 0) - ((OLD.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END
;
CREATE VIEW message_search_source AS
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
FROM messages AS m LEFT JOIN message_bodies AS b ON b.message_id = m.id
;
CREATE VIRTUAL TABLE message_search USING fts5(
    subject, addresses, body,
    content = 'message_search_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
)
;
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.id;
END
;
CREATE TRIGGER messages_search_before_update
BEFORE UPDATE OF subject, from_addrs, sender_addrs, reply_to_addrs, to_addrs, cc_addrs, bcc_addrs ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, body FROM message_search_source WHERE id = OLD.id;
END
;
CREATE TRIGGER messages_search_after_update
AFTER UPDATE OF subject, from_addrs, sender_addrs, reply_to_addrs, to_addrs, cc_addrs, bcc_addrs ON messages BEGIN
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.id;
END
;
CREATE TRIGGER messages_search_delete BEFORE DELETE ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, body FROM message_search_source WHERE id = OLD.id;
END
;
CREATE TRIGGER message_bodies_search_insert AFTER INSERT ON message_bodies BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, NULL FROM message_search_source WHERE id = NEW.message_id;
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.message_id;
END
;
CREATE TRIGGER message_bodies_search_update AFTER UPDATE ON message_bodies BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, OLD.text FROM message_search_source WHERE id = OLD.message_id;
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = NEW.message_id;
END
;
CREATE TRIGGER message_bodies_search_delete AFTER DELETE ON message_bodies BEGIN
    INSERT INTO message_search(message_search, rowid, subject, addresses, body)
        SELECT 'delete', id, subject, addresses, OLD.text FROM message_search_source WHERE id = OLD.message_id;
    INSERT INTO message_search(rowid, subject, addresses, body)
        SELECT id, subject, addresses, body FROM message_search_source WHERE id = OLD.message_id;
END
;
CREATE TABLE content_cache (
    cache_key TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    section TEXT NOT NULL,
    size INTEGER NOT NULL,
    last_access INTEGER NOT NULL,
    UNIQUE (folder_id, uidvalidity, uid, section)
)
;
CREATE INDEX content_cache_lru ON content_cache(last_access)
;
CREATE TABLE operations (
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
)
;
CREATE INDEX operations_account_state ON operations(account_id, state, id)
;
ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'
;
ALTER TABLE folders ADD COLUMN server_messages INTEGER NOT NULL DEFAULT 0
;
ALTER TABLE folders ADD COLUMN sync_strategy TEXT NOT NULL DEFAULT ''
;
ALTER TABLE folders ADD COLUMN last_error TEXT NOT NULL DEFAULT ''
;
ALTER TABLE messages ADD COLUMN is_report INTEGER NOT NULL DEFAULT 0
;
CREATE INDEX messages_folder_internal_date ON messages(folder_id, internal_date)
;
INSERT INTO schema_migrations (version, applied) VALUES (1, 1700000000000)
;
INSERT INTO schema_migrations (version, applied) VALUES (2, 1710000000000)
;
INSERT INTO accounts (id, account_key, display_name) VALUES (1, 'alice@example.org', 'Alice')
;
INSERT INTO folders (id, account_id, path, delimiter, special_use, attributes, subscribed, selected_for_sync,
    uidvalidity, uidnext, highestmodseq, synced_down_to, window_start, last_full_sync, last_incremental_sync)
VALUES (1, 1, 'INBOX', '/', '', '\HasNoChildren', 1, 1, 1234, 3, 10, 1, NULL, 1700000000000, 1700000100000)
;
INSERT INTO messages (id, folder_id, uid, modseq, flags, keywords, internal_date, date, size, subject, from_addrs,
    sender_addrs, reply_to_addrs, to_addrs, cc_addrs, bcc_addrs, msgid, in_reply_to, refs, list_id, body_structure,
    has_attachments)
VALUES (1, 1, 1, 9, 1, '$Forwarded', 1699999990000, 1699999980000, 2048, 'Welcome to the list',
    '[{"n":"List Robot","e":"robot@lists.example.org"}]', NULL, NULL, '[{"n":"Alice","e":"alice@example.org"}]',
    NULL, NULL, '<welcome@lists.example.org>', '', '', 'dev.lists.example.org', NULL, 0)
;
INSERT INTO messages (id, folder_id, uid, modseq, flags, keywords, internal_date, date, size, subject, from_addrs,
    sender_addrs, reply_to_addrs, to_addrs, cc_addrs, bcc_addrs, msgid, in_reply_to, refs, list_id, body_structure,
    has_attachments)
VALUES (2, 1, 2, 10, 0, '', 1700000050000, 1700000040000, 50000, 'Quarterly report',
    '[{"n":"Jürgen Müller","e":"jm@example.de"}]', NULL, NULL, '[{"n":"Alice","e":"alice@example.org"}]',
    '[{"n":"","e":"team@example.de"}]', NULL, '<q3@example.de>', '<welcome@lists.example.org>',
    '<welcome@lists.example.org>', '', X'7B7D', 1)
;
INSERT INTO message_parts (message_id, section, mime_type, charset, encoding, disposition, file_name, content_id,
    size, is_attachment)
VALUES (2, '2', 'application/pdf', '', 'base64', 'attachment', 'Bericht Q3.pdf', '', 48000, 1)
;
INSERT INTO message_bodies (message_id, text) VALUES (1, 'Thanks for joining the list')
;
INSERT INTO content_cache (cache_key, account_id, folder_id, uidvalidity, uid, section, size, last_access)
VALUES ('9f86d081884c7d659a2feaa0c55ad015', 1, 1, 1234, 1, '1', 27, 1700000200000)
;
INSERT INTO operations (id, account_id, folder_id, kind, payload, state, created, updated, attempts, last_error)
VALUES (1, 1, 1, 'flag', '{"uids":[2],"add":["\\Seen"]}', 'pending', 1700000300000, 1700000300000, 0, '')
;
DROP TRIGGER messages_search_insert
;
DROP TRIGGER messages_search_before_update
;
DROP TRIGGER messages_search_after_update
;
DROP TRIGGER messages_search_delete
;
DROP TRIGGER message_bodies_search_insert
;
DROP TRIGGER message_bodies_search_update
;
DROP TRIGGER message_bodies_search_delete
;
CREATE VIRTUAL TABLE message_search_v3 USING fts5(
    subject, addresses, body,
    tokenize = 'unicode61 remove_diacritics 2'
)
;
INSERT INTO message_search_v3(rowid, subject, addresses, body)
    SELECT id, subject, coalesce(addresses, ''), body FROM message_search_source
;
DROP TABLE message_search
;
DROP VIEW message_search_source
;
DROP TABLE message_bodies
;
ALTER TABLE message_search_v3 RENAME TO message_search
;
CREATE VIEW message_search_expected AS
SELECT m.id AS id, m.subject AS subject,
    coalesce((SELECT group_concat(coalesce(json_extract(a.value, '$.n'), '') || ' '
                                  || coalesce(json_extract(a.value, '$.e'), ''), ' ')
              FROM (SELECT value FROM json_each(m.from_addrs)
                    UNION ALL SELECT value FROM json_each(m.sender_addrs)
                    UNION ALL SELECT value FROM json_each(m.reply_to_addrs)
                    UNION ALL SELECT value FROM json_each(m.to_addrs)
                    UNION ALL SELECT value FROM json_each(m.cc_addrs)
                    UNION ALL SELECT value FROM json_each(m.bcc_addrs)) AS a), '') AS addresses
FROM messages AS m
;
INSERT INTO schema_migrations (version, applied) VALUES (3, 1720000000000)
;
CREATE TABLE search_removed (id INTEGER PRIMARY KEY)
;
INSERT INTO schema_migrations (version, applied) VALUES (4, 1730000000000)
;
DROP INDEX messages_folder_date
;
CREATE INDEX messages_folder_sent ON messages(folder_id, coalesce(date, internal_date))
;
CREATE INDEX messages_when ON messages(coalesce(date, internal_date))
;
INSERT INTO schema_migrations (version, applied) VALUES (5, 1763700000000)
;
ALTER TABLE messages ADD COLUMN server_hit INTEGER NOT NULL DEFAULT 0
;
CREATE INDEX messages_server_hits ON messages(folder_id) WHERE server_hit != 0
;
DROP TRIGGER messages_count_delete
;
DROP TRIGGER messages_count_seen
;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages WHEN OLD.server_hit = 0 BEGIN
    UPDATE folders SET message_count = message_count - 1,
        unread_count = unread_count - ((OLD.flags & 1) = 0)
    WHERE id = OLD.folder_id;
END
;
CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
WHEN OLD.server_hit = 0 AND NEW.server_hit = 0 AND (OLD.flags & 1) != (NEW.flags & 1) BEGIN
    UPDATE folders SET unread_count = unread_count + ((NEW.flags & 1) = 0) - ((OLD.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END
;
CREATE TRIGGER messages_count_server_hit AFTER UPDATE OF server_hit ON messages
WHEN (OLD.server_hit = 0) != (NEW.server_hit = 0) BEGIN
    UPDATE folders SET message_count = message_count + (NEW.server_hit = 0) - (OLD.server_hit = 0),
        unread_count = unread_count + (((NEW.flags & 1) = 0) AND NEW.server_hit = 0)
                                    - (((OLD.flags & 1) = 0) AND OLD.server_hit = 0)
    WHERE id = NEW.folder_id;
END
;
INSERT INTO schema_migrations (version, applied) VALUES (6, 1763800000000)
;
DROP TRIGGER messages_count_insert
;
INSERT INTO schema_migrations (version, applied) VALUES (7, 1763900000000)
;
DROP TRIGGER messages_count_delete
;
ALTER TABLE messages ADD COLUMN msgid_key INTEGER
;
UPDATE messages SET msgid_key = -3599024291172772618 WHERE id = 1
;
UPDATE messages SET msgid_key = 4701185448295285916 WHERE id = 2
;
DROP INDEX messages_msgid
;
CREATE INDEX messages_msgid_key ON messages(msgid_key) WHERE msgid_key IS NOT NULL
;
ALTER TABLE messages ADD COLUMN parts TEXT
;
UPDATE messages SET parts = (
    SELECT json_group_array(json_array(section, mime_type, charset, encoding, disposition, file_name,
                                       content_id, size, is_attachment))
    FROM message_parts WHERE message_id = messages.id)
WHERE id IN (SELECT message_id FROM message_parts)
;
DROP TABLE message_parts
;
INSERT INTO schema_migrations (version, applied) VALUES (8, 1764000000000)
;
CREATE TABLE search_pending (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    addresses TEXT NOT NULL
)
;
INSERT INTO schema_migrations (version, applied) VALUES (9, 1764100000000)
;
DELETE FROM message_search WHERE rowid = 2
;
INSERT INTO search_pending (id, subject, addresses) SELECT id, subject, addresses FROM message_search_expected WHERE id = 2
;
CREATE TABLE search_pending_ids (id INTEGER PRIMARY KEY)
;
INSERT INTO search_pending_ids (id) SELECT id FROM search_pending
;
DROP TABLE search_pending
;
ALTER TABLE search_pending_ids RENAME TO search_pending
;
INSERT INTO schema_migrations (version, applied) VALUES (10, 1764200000000)
;
INSERT INTO store_meta (key, value) VALUES ('clean_shutdown', '1')
;
