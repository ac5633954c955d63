// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Heron::Store {

class Database;

// A search as a user types it, parsed into what the store can match:
//
//   words and "quoted phrases"   full text over subject, names and addresses, and cached body text
//   from:x  to:x  subject:x      x in From; in To, Cc or Bcc; in the subject ("from:"Anna M"" quotes)
//   has:attachment               is:unread  is:read  is:flagged
//   before:YYYY-MM-DD            sent before that day (the Date header, else the arrival time)
//   after:YYYY-MM-DD             sent on that day or later
//   folder:PATH                  only that folder (decoded path, "INBOX" in any case)
//
// Terms are combined with AND. An unknown "key:value" is searched as words, so a URL or a time
// of day need no quoting. Nothing the user types is ever passed on as FTS5 or SQL syntax.
struct SearchQuery {
    QStringList words;    // bare words, in order; the last one also matches as a prefix
    QStringList phrases;  // "quoted phrases", matched as consecutive words
    QStringList from;     // each must match a From name or address (substring)
    QStringList to;       // each must match a To, Cc or Bcc name or address (substring)
    QStringList subject;  // each must match words of the subject
    bool hasAttachment = false;
    std::optional<bool> unread;  // is:unread (true) or is:read (false); the later one wins
    bool flagged = false;
    QDate before;  // invalid when not given
    QDate after;
    QString folder;

    // True when the query has no condition at all.
    bool isEmpty() const;
    // The FTS5 MATCH expression for the full-text part (words, phrases, subject), empty when
    // there is none. Every user string in it is an FTS5 string ("..." with quotes doubled), so
    // operators such as OR, NEAR or column filters typed by the user are only words.
    QString matchExpression() const;

    // Fails only on input that cannot mean anything sensible: a blank query, a date that is not
    // a calendar date, a key without a value, an unknown is:/has: value. The message says what
    // to type instead.
    static Result<SearchQuery> parse(const QString &text);
};

// "text" as an FTS5 string (https://sqlite.org/fts5.html, "FTS5 Strings"): wrapped in double
// quotes, inner quotes doubled, control characters dropped. Whatever it holds, it is one string.
QString ftsString(const QString &text);

// How runSearch finds the newest matches; every plan gives the same result, at its own cost.
enum class SearchPlan {
    Cheapest,     // chosen per query from the number of full-text matches (what callers want)
    MatchesFirst, // every message the full-text part matches, checked, then sorted: cheap for few
    NewestFirst,  // messages newest first (an index), each checked, until the limit is reached
};

// The ids of the messages matching the query, newest first (the Date header, else the arrival
// time; the larger id first among equal times), at most limit (all when limit <= 0); only the
// account's when accountId is not 0. Every user string is bound as a parameter. An empty query
// is an error. plan is for tests and benchmarks that compare the plans.
Result<QList<qint64>> runSearch(Database &database, const SearchQuery &query, int limit = 500, qint64 accountId = 0,
                                SearchPlan plan = SearchPlan::Cheapest);

}  // namespace Heron::Store
