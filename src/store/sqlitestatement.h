// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringEncoder>

#include <optional>

struct sqlite3;
struct sqlite3_stmt;

// A prepared statement run on the SQLite handle under a Qt Sql connection, for the store's
// hottest writes (MessageRows::Writer): binding through QSqlQuery builds a QVariant and a
// placeholder name per value and hands SQLite UTF-16 to convert, which was most of the cost of
// storing a message's metadata. Statements share the connection's transaction. Not part of the
// store's interface.
namespace Heron::Store::Sql {

// The sqlite3 handle of a connection opened by Database, or nullptr when the driver gives none.
// Database::open checks that Qt's SQLite driver and Heron use the same SQLite library: a handle
// of another copy of SQLite must never reach these functions.
sqlite3 *handle(const QSqlDatabase &connection);

// Whether the SQLite library Qt's driver uses is the one Heron is linked against (same source
// id, seen through the connection); the error says which two differ.
Result<bool> checkSameLibrary(const QSqlDatabase &connection);

class Statement {
public:
    Statement() = default;
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    // Prepares sql once; later calls return at once. context names the statement in errors.
    Result<bool> prepare(sqlite3 *db, const char *sql, const char *context);
    bool isPrepared() const { return m_statement != nullptr; }

    // Parameters are numbered from 1, in the order of the statement's "?".
    void bind(int index, qint64 value);
    void bindNull(int index);
    // A null QString is bound as '' (for NOT NULL columns), not as SQL NULL.
    void bindText(int index, const QString &text);
    // A null QString is bound as SQL NULL.
    void bindNullableText(int index, const QString &text);
    // A null QByteArray is bound as SQL NULL.
    void bindBlob(int index, const QByteArray &bytes);
    // Binds the UTF-8 text that write(QByteArray &) appends to the parameter's own buffer, emptied
    // first: text built for the statement, such as JSON, is neither copied nor converted.
    template <typename Write>
    void bindUtf8With(int index, Write &&write)
    {
        resetIfRun();
        QByteArray &buffer = parameterBuffer(index);
        buffer.resize(0);
        write(buffer);
        bindBuffer(index);
    }
    // Milliseconds since the epoch, or NULL for an invalid date.
    void bindDateTime(int index, const QDateTime &value);

    // Runs the statement one step: true when a row is ready (read it with the column functions),
    // false when it has finished. Binding again, or stepping again after false, starts it over.
    Result<bool> step();
    // Runs a statement that returns no rows to its end and resets it.
    Result<bool> run();
    // Ends the current run (after a row was read) so that the statement can be bound again.
    void reset();

    qint64 columnInt64(int column) const;
    // nullopt for SQL NULL.
    std::optional<qint64> columnNullableInt64(int column) const;
    QString columnText(int column) const;

private:
    Error error(const char *what) const;
    void resetIfRun();
    QByteArray &parameterBuffer(int index);
    // Binds parameterBuffer(index) as UTF-8 text.
    void bindBuffer(int index);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    const char *m_context = "";
    // Ready: bindable and not started; Row: a row is readable; Done: finished, reset on next use.
    enum class State { Ready, Row, Done };
    State m_state = State::Ready;
    QStringEncoder m_encoder{QStringEncoder::Utf8, QStringEncoder::Flag::Stateless};
    // One buffer per parameter, bound without a copy (SQLITE_STATIC): it stays as it is until
    // that parameter is bound again, which only happens once the statement is reset.
    QList<QByteArray> m_parameters;
};

}  // namespace Heron::Store::Sql
