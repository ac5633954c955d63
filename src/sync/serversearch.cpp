// SPDX-License-Identifier: GPL-3.0-or-later
#include "serversearch.h"

#include "imap/command.h"
#include "imap/searchjob.h"
#include "imap/session.h"
#include "store/searchquery.h"

namespace Heron::Sync {

namespace {

bool isAscii(const QString &text)
{
    for (QChar c : text) {
        if (c.unicode() > 0x7e)
            return false;
    }
    return true;
}

}  // namespace

std::optional<ServerSearchCriteria> serverSearchCriteria(const Store::SearchQuery &query, const QDateTime &windowStart)
{
    // What the server is asked, each a SEARCH key and its strings; keys are ANDed (RFC 3501 §6.4.4).
    struct Key {
        QByteArray name;
        QStringList strings;  // one for most keys; to: is TO, CC or BCC
    };
    QList<Key> keys;
    for (const QString &word : query.words)
        keys.append({"TEXT", {word}});
    for (const QString &phrase : query.phrases)
        keys.append({"TEXT", {phrase}});
    for (const QString &from : query.from)
        keys.append({"FROM", {from}});
    for (const QString &to : query.to)
        keys.append({"TO", {to}});
    for (const QString &subject : query.subject)
        keys.append({"SUBJECT", {subject}});
    const bool nothingToAsk = keys.isEmpty() && !query.unread.has_value() && !query.flagged &&
                              !query.before.isValid() && !query.after.isValid();
    if (nothingToAsk)
        return std::nullopt;

    ServerSearchCriteria criteria;
    criteria.needsAttachmentFilter = query.hasAttachment;
    bool ascii = true;
    for (const Key &key : std::as_const(keys)) {
        for (const QString &text : key.strings)
            ascii = ascii && isAscii(text);
    }
    if (!ascii)
        criteria.charset = QByteArrayLiteral("UTF-8");
    const QDate windowDay = windowStart.isValid() ? windowStart.toUTC().date() : QDate();
    const std::optional<bool> unread = query.unread;
    const bool flagged = query.flagged;
    const QDate before = query.before;
    const QDate after = query.after;
    criteria.build = [keys, unread, flagged, before, after, windowDay](Imap::Command &command) {
        // Arrived before the window's first day: the window itself is in the store already.
        if (windowDay.isValid())
            command.atom("BEFORE").atom(Imap::SearchJob::formatDate(windowDay));
        for (const Key &key : keys) {
            if (key.name == "TO") {
                // Local to: matches To, Cc and Bcc.
                const QByteArray text = key.strings.constFirst().toUtf8();
                command.atom("OR").atom("TO").quoted(text).atom("OR").atom("CC").quoted(text).atom("BCC").quoted(text);
                continue;
            }
            command.atom(key.name).quoted(key.strings.constFirst().toUtf8());
        }
        if (unread.has_value())
            command.atom(*unread ? "UNSEEN" : "SEEN");
        if (flagged)
            command.atom("FLAGGED");
        if (before.isValid())
            command.atom("SENTBEFORE").atom(Imap::SearchJob::formatDate(before));
        if (after.isValid())
            command.atom("SENTSINCE").atom(Imap::SearchJob::formatDate(after));
    };
    return criteria;
}

}  // namespace Heron::Sync
