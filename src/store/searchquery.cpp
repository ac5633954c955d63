// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchquery.h"

#include "database.h"
#include "messagemetadata.h"
#include "messagestore.h"
#include "sqlsupport.h"

#include <QVariantList>

#include <cmath>

namespace Heron::Store {

namespace {

// One whitespace-separated piece of the query: a bare word, a "quoted phrase", or key:value
// (whose value may be quoted).
struct Token {
    QString key;  // lower case; empty for a plain word or phrase
    QString value;
    QString raw;  // as typed, for an unknown key searched as words
    bool quoted = false;
};

bool isSpace(QChar c)
{
    return c.isSpace() || c.category() == QChar::Other_Control;
}

// A key is a run of ASCII letters before the first ':' ("from:", "subject:"); "10:30" or
// "http://x" have no key that could be known and stay words.
QString keyOf(const QString &word)
{
    const qsizetype colon = word.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return {};
    for (qsizetype i = 0; i < colon; ++i) {
        const char16_t c = word.at(i).unicode();
        if (!((c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')))
            return {};
    }
    return word.left(colon).toLower();
}

QList<Token> tokenize(const QString &text)
{
    QList<Token> tokens;
    qsizetype i = 0;
    const qsizetype n = text.size();
    // Reads a quoted string starting after its opening quote; an unterminated one runs to the end.
    auto readQuoted = [&]() {
        QString value;
        while (i < n && text.at(i) != QLatin1Char('"'))
            value.append(text.at(i++));
        if (i < n)
            ++i;  // the closing quote
        return value;
    };
    while (i < n) {
        if (isSpace(text.at(i))) {
            ++i;
            continue;
        }
        Token token;
        const qsizetype start = i;
        if (text.at(i) == QLatin1Char('"')) {
            ++i;
            token.value = readQuoted();
            token.quoted = true;
            token.raw = text.mid(start, i - start);
            tokens.append(token);
            continue;
        }
        QString word;
        while (i < n && !isSpace(text.at(i))) {
            // key:"a quoted value"
            if (text.at(i) == QLatin1Char('"') && word.endsWith(QLatin1Char(':')) && !keyOf(word).isEmpty() &&
                word.indexOf(QLatin1Char(':')) == word.size() - 1) {
                ++i;
                token.key = keyOf(word);
                token.value = readQuoted();
                token.quoted = true;
                break;
            }
            word.append(text.at(i++));
        }
        token.raw = text.mid(start, i - start);
        if (!token.quoted) {
            token.key = keyOf(word);
            token.value = token.key.isEmpty() ? word : word.mid(word.indexOf(QLatin1Char(':')) + 1);
        }
        tokens.append(token);
    }
    return tokens;
}

const QStringList kKeys = {QStringLiteral("from"),  QStringLiteral("to"),    QStringLiteral("subject"),
                           QStringLiteral("has"),   QStringLiteral("is"),    QStringLiteral("before"),
                           QStringLiteral("after"), QStringLiteral("folder")};

bool isKnownKey(const QString &key)
{
    return kKeys.contains(key);
}

QString exampleFor(const QString &key)
{
    if (key == QLatin1String("is"))
        return QStringLiteral("is:unread");
    if (key == QLatin1String("has"))
        return QStringLiteral("has:attachment");
    if (key == QLatin1String("before") || key == QLatin1String("after"))
        return key + QStringLiteral(":2024-03-31");
    if (key == QLatin1String("folder"))
        return QStringLiteral("folder:INBOX");
    if (key == QLatin1String("subject"))
        return QStringLiteral("subject:invoice");
    return key + QStringLiteral(":anna");
}

Result<QDate> parseDate(const QString &key, const QString &value)
{
    QDate date = QDate::fromString(value, QStringLiteral("yyyy-MM-dd"));
    if (!date.isValid())
        date = QDate::fromString(value, QStringLiteral("yyyy/MM/dd"));
    if (!date.isValid())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("%1: needs a date written as year-month-day, like %1:2024-03-31; \"%2\" is "
                                        "not one.")
                                 .arg(key, value));
    return date;
}

// "%" and "_" are LIKE wildcards; escaped with '\' (the statement says ESCAPE '\').
QString likePattern(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped.append(QLatin1Char('%'));
    for (QChar c : text) {
        if (c == QLatin1Char('\\') || c == QLatin1Char('%') || c == QLatin1Char('_'))
            escaped.append(QLatin1Char('\\'));
        escaped.append(c);
    }
    escaped.append(QLatin1Char('%'));
    return escaped;
}

QString withoutControls(const QString &text)
{
    QString result;
    result.reserve(text.size());
    for (QChar c : text) {
        if (c.category() != QChar::Other_Control)
            result.append(c);
    }
    return result;
}

// When a message was sent, as the user sees it: the Date header, else the arrival time. The index
// messages_when is on exactly this expression, so the statements must spell it the same way.
const QString kWhen = QStringLiteral("coalesce(m.date, m.internal_date)");

// True when every name or address holding text holds it as written in its JSON text:
// appendAddressesJson() escapes only quotes, backslashes and control characters.
bool isVerbatimInJson(const QString &text)
{
    for (QChar c : text) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\') || c.unicode() < 0x20)
            return false;
    }
    return true;
}

// The conditions of a query besides its full text, on messages AS m and folders AS f, with the
// values they bind in order.
struct Conditions {
    QStringList sql;
    QVariantList values;
};

Conditions conditionsOf(const SearchQuery &query, qint64 accountId)
{
    Conditions conditions;
    if (accountId != 0) {
        conditions.sql.append(QStringLiteral("f.account_id = ?"));
        conditions.values.append(accountId);
    }
    // Names and addresses as substrings (LIKE: ASCII letters in any case), from the JSON arrays of
    // {"n": name, "e": email} the messages table keeps. Parsing the JSON of every message costs
    // seconds on a big store, so the JSON text is first tested as it is, which rejects most
    // messages at once; SQLite tests conditions without a subquery first.
    const QString addressMatch = QStringLiteral("(coalesce(json_extract(a.value, '$.n'), '') LIKE ? ESCAPE '\\' "
                                                "OR coalesce(json_extract(a.value, '$.e'), '') LIKE ? ESCAPE '\\')");
    const auto addAddressCondition = [&](const QString &text, const QStringList &columns) {
        const QString pattern = likePattern(text);
        if (isVerbatimInJson(text)) {
            QStringList anyColumn;
            for (const QString &column : columns) {
                anyColumn.append(QStringLiteral("m.%1 LIKE ? ESCAPE '\\'").arg(column));
                conditions.values.append(pattern);
            }
            conditions.sql.append(QLatin1Char('(') + anyColumn.join(QStringLiteral(" OR ")) + QLatin1Char(')'));
        }
        QStringList lists;
        for (const QString &column : columns)
            lists.append(QStringLiteral("SELECT value FROM json_each(m.%1)").arg(column));
        conditions.sql.append(QStringLiteral("EXISTS (SELECT 1 FROM (") + lists.join(QStringLiteral(" UNION ALL ")) +
                              QStringLiteral(") AS a WHERE ") + addressMatch + QLatin1Char(')'));
        conditions.values.append(pattern);
        conditions.values.append(pattern);
    };
    for (const QString &from : query.from)
        addAddressCondition(from, {QStringLiteral("from_addrs")});
    for (const QString &to : query.to)
        addAddressCondition(to, {QStringLiteral("to_addrs"), QStringLiteral("cc_addrs"), QStringLiteral("bcc_addrs")});
    if (query.hasAttachment)
        conditions.sql.append(QStringLiteral("m.has_attachments != 0"));
    if (query.unread.has_value()) {
        conditions.sql.append(*query.unread ? QStringLiteral("(m.flags & ?) = 0")
                                            : QStringLiteral("(m.flags & ?) != 0"));
        conditions.values.append(qint64(MessageFlags::Seen));
    }
    if (query.flagged) {
        conditions.sql.append(QStringLiteral("(m.flags & ?) != 0"));
        conditions.values.append(qint64(MessageFlags::Flagged));
    }
    // Days as the user lives them: from local midnight to local midnight.
    if (query.before.isValid()) {
        conditions.sql.append(kWhen + QStringLiteral(" < ?"));
        conditions.values.append(query.before.startOfDay().toMSecsSinceEpoch());
    }
    if (query.after.isValid()) {
        conditions.sql.append(kWhen + QStringLiteral(" >= ?"));
        conditions.values.append(query.after.startOfDay().toMSecsSinceEpoch());
    }
    if (!query.folder.isEmpty()) {
        // INBOX is case-insensitive (RFC 3501 §5.1); every other name is compared exactly.
        if (query.folder.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0) {
            conditions.sql.append(QStringLiteral("upper(f.path) = 'INBOX'"));
        } else {
            conditions.sql.append(QStringLiteral("f.path = ?"));
            conditions.values.append(query.folder);
        }
    }
    return conditions;
}

Result<QList<qint64>> selectIds(Database &database, const QString &sql, const QVariantList &values)
{
    QSqlQuery statement(database.connection());
    statement.setForwardOnly(true);
    if (!statement.prepare(sql))
        return Sql::error(statement, QStringLiteral("Cannot prepare the search"));
    for (const QVariant &value : values)
        statement.addBindValue(value);
    if (!statement.exec())
        return Sql::error(statement, QStringLiteral("Cannot search"));
    QList<qint64> ids;
    while (statement.next())
        ids.append(statement.value(0).toLongLong());
    return ids;
}

Result<qint64> selectNumber(Database &database, const QString &sql, const QVariantList &values)
{
    auto numbers = selectIds(database, sql, values);
    if (!numbers)
        return numbers.error();
    return numbers->value(0);
}

// Both plans let FTS5 find the matches. MatchesFirst then reads the row of each, scattered over
// the table (about 3 µs a match on a million messages), and sorts them. NewestFirst puts the
// matches' ids in a set (about 0.3 µs each) and walks the date index until limit of them are
// found: about limit x stored / matches entries when matches are spread over time (about 0.1 µs
// each). So NewestFirst is the cheaper one when matches exceed sqrt(limit x stored / 27). Counting
// the matches up to that bound is cheap: FTS5 reads only its own index for it.
Result<SearchPlan> cheapestPlan(Database &database, const QString &match, int limit)
{
    if (limit <= 0)
        return SearchPlan::MatchesFirst;  // every match is wanted
    auto stored = selectNumber(database, QStringLiteral("SELECT coalesce(sum(message_count), 0) FROM folders"), {});
    if (!stored)
        return stored.error();
    const auto bound = qint64(std::sqrt(double(limit) * double(*stored) / 27.0));
    auto matches = selectNumber(database,
                                QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM message_search "
                                               "WHERE message_search MATCH ? LIMIT ?)"),
                                {match, bound + 1});
    if (!matches)
        return makeError(Error::Code::Io, QStringLiteral("Cannot search: ") + matches.error().message);
    return *matches > bound ? SearchPlan::NewestFirst : SearchPlan::MatchesFirst;
}

}  // namespace

QString ftsString(const QString &text)
{
    QString cleaned = withoutControls(text);
    cleaned.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + cleaned + QLatin1Char('"');
}

bool SearchQuery::isEmpty() const
{
    return words.isEmpty() && phrases.isEmpty() && from.isEmpty() && to.isEmpty() && subject.isEmpty() &&
           !hasAttachment && !unread.has_value() && !flagged && !before.isValid() && !after.isValid() &&
           folder.isEmpty();
}

QString SearchQuery::matchExpression() const
{
    QStringList parts;
    for (const QString &phrase : phrases)
        parts.append(ftsString(phrase));
    for (qsizetype i = 0; i < words.size(); ++i) {
        // The last word may still be being typed: "mül" finds "Müller".
        parts.append(ftsString(words.at(i)) + (i == words.size() - 1 ? QStringLiteral("*") : QString()));
    }
    for (const QString &text : subject)
        parts.append(QStringLiteral("{subject} : ") + ftsString(text));
    // Juxtaposed phrases are combined with AND (FTS5 implicit AND).
    return parts.join(QLatin1Char(' '));
}

Result<SearchQuery> SearchQuery::parse(const QString &text)
{
    const QList<Token> tokens = tokenize(text);
    if (tokens.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("Type what to search for: words, \"a phrase\", from:, to:, subject:, "
                                        "has:attachment, is:unread, is:flagged, before:, after:."));
    SearchQuery query;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        Token token = tokens.at(i);
        if (token.key.isEmpty() || !isKnownKey(token.key)) {
            const QString value = token.key.isEmpty() ? token.value : token.raw;
            if (withoutControls(value).trimmed().isEmpty())
                continue;
            if (token.quoted && token.key.isEmpty())
                query.phrases.append(value);
            else
                query.words.append(value);
            continue;
        }
        // "from: anna" means from:anna; a key with nothing after it at all is a mistake.
        if (token.value.isEmpty() && !token.quoted && i + 1 < tokens.size() &&
            (tokens.at(i + 1).key.isEmpty() || !isKnownKey(tokens.at(i + 1).key))) {
            ++i;
            token.value = tokens.at(i).key.isEmpty() ? tokens.at(i).value : tokens.at(i).raw;
            token.quoted = tokens.at(i).quoted;
        }
        const QString value = withoutControls(token.value).trimmed();
        if (value.isEmpty())
            return makeError(
                    Error::Code::InvalidInput,
                    QStringLiteral("%1: needs a value after it, like %2.").arg(token.key, exampleFor(token.key)));
        if (token.key == QLatin1String("from")) {
            query.from.append(value);
        } else if (token.key == QLatin1String("to")) {
            query.to.append(value);
        } else if (token.key == QLatin1String("subject")) {
            query.subject.append(value);
        } else if (token.key == QLatin1String("folder")) {
            query.folder = value;
        } else if (token.key == QLatin1String("has")) {
            const QString what = value.toLower();
            if (what != QLatin1String("attachment") && what != QLatin1String("attachments"))
                return makeError(Error::Code::InvalidInput,
                                 QStringLiteral("has: knows only has:attachment, not has:%1.").arg(value));
            query.hasAttachment = true;
        } else if (token.key == QLatin1String("is")) {
            const QString what = value.toLower();
            if (what == QLatin1String("unread"))
                query.unread = true;
            else if (what == QLatin1String("read"))
                query.unread = false;
            else if (what == QLatin1String("flagged") || what == QLatin1String("starred"))
                query.flagged = true;
            else
                return makeError(Error::Code::InvalidInput,
                                 QStringLiteral("is: knows is:unread, is:read and is:flagged, not is:%1.").arg(value));
        } else if (token.key == QLatin1String("before") || token.key == QLatin1String("after")) {
            auto date = parseDate(token.key, value);
            if (!date)
                return date.error();
            (token.key == QLatin1String("before") ? query.before : query.after) = *date;
        }
    }
    if (query.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QStringLiteral("Nothing to search for in \"%1\": type words, \"a phrase\" or a condition "
                                        "such as from:anna.")
                                 .arg(withoutControls(text).simplified()));
    return query;
}

Result<QList<qint64>> runSearch(Database &database, const SearchQuery &query, int limit, qint64 accountId,
                                SearchPlan plan)
{
    if (query.isEmpty())
        return makeError(Error::Code::InvalidInput, QStringLiteral("Nothing to search for."));
    // Messages stored since the store was last idle are found too.
    if (auto indexed = MessageStore(database).indexPendingSearch(); !indexed)
        return indexed.error();

    const QString match = query.matchExpression();
    if (match.isEmpty()) {
        // No full-text matches to start from.
        plan = SearchPlan::NewestFirst;
    } else if (plan == SearchPlan::Cheapest) {
        auto cheapest = cheapestPlan(database, match, limit);
        if (!cheapest)
            return cheapest.error();
        plan = *cheapest;
    }

    Conditions conditions = conditionsOf(query, accountId);
    QString sql;
    if (plan == SearchPlan::MatchesFirst) {
        // CROSS JOIN keeps the full-text index the outer loop: each of its matches is looked up
        // once by id (a match whose message is gone, awaiting purgeSearchRemovals, finds none).
        sql = QStringLiteral("SELECT m.id FROM message_search CROSS JOIN messages AS m ON m.id = message_search.rowid "
                             "JOIN folders AS f ON f.id = m.folder_id");
        // The expression is made of FTS5 strings only (ftsString), and is bound, never spliced in.
        conditions.sql.prepend(QStringLiteral("message_search MATCH ?"));
        conditions.values.prepend(match);
    } else {
        if (match.isEmpty()) {
            // SQLite walks messages_when for the order when nothing narrows the messages better;
            // with its statistics it may prefer the folder index for a small folder.
            sql = QStringLiteral("SELECT m.id FROM messages AS m JOIN folders AS f ON f.id = m.folder_id");
        } else {
            // The matches are collected once into a set; the unary + keeps them from being the
            // outer loop, so the index walk stays newest first and stops at the limit.
            sql = QStringLiteral("SELECT m.id FROM messages AS m INDEXED BY messages_when "
                                 "JOIN folders AS f ON f.id = m.folder_id");
            conditions.sql.prepend(
                    QStringLiteral("+m.id IN (SELECT rowid FROM message_search WHERE message_search MATCH ?)"));
            conditions.values.prepend(match);
        }
    }
    if (!conditions.sql.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.sql.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY ") + kWhen + QStringLiteral(" DESC, m.id DESC LIMIT ?");
    conditions.values.append(limit > 0 ? limit : -1);
    return selectIds(database, sql, conditions.values);
}

}  // namespace Heron::Store
