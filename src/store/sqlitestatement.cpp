// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitestatement.h"

#include "sqlsupport.h"

#include <QSqlDriver>

#include <algorithm>

#include <sqlite3.h>

namespace Heron::Store::Sql {

sqlite3 *handle(const QSqlDatabase &connection)
{
    const QSqlDriver *driver = connection.driver();
    if (driver == nullptr)
        return nullptr;
    const QVariant value = driver->handle();
    if (!value.isValid() || qstrcmp(value.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(value.constData());
}

Result<bool> checkSameLibrary(const QSqlDatabase &connection)
{
    QSqlQuery query(connection);
    if (!query.exec(QStringLiteral("SELECT sqlite_source_id()")) || !query.next())
        return Sql::error(query, QStringLiteral("Cannot ask SQLite for its version"));
    const QString driverSource = query.value(0).toString();
    const QString linkedSource = QString::fromLatin1(sqlite3_sourceid());
    if (driverSource != linkedSource || handle(connection) == nullptr) {
        return makeError(Error::Code::Io,
                         QStringLiteral("Qt's SQLite driver uses SQLite %1, but Heron was built with SQLite %2. Build "
                                        "Qt's SQLite driver with the system's SQLite library (Qt's system-sqlite "
                                        "feature), as Debian, Ubuntu, Fedora and Homebrew do.")
                                 .arg(driverSource, linkedSource));
    }
    return true;
}

Statement::~Statement()
{
    sqlite3_finalize(m_statement);
}

Result<bool> Statement::prepare(sqlite3 *db, const char *sql, const char *context)
{
    if (m_statement != nullptr)
        return true;
    m_db = db;
    m_context = context;
    if (db == nullptr)
        return makeError(Error::Code::Io, QStringLiteral("%1: the store has no open connection").arg(QString::fromLatin1(context)));
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK) {
        const Error failure = error("prepare");
        m_statement = nullptr;
        return failure;
    }
    m_parameters.resize(sqlite3_bind_parameter_count(m_statement));
    return true;
}

void Statement::resetIfRun()
{
    if (m_state != State::Ready) {
        sqlite3_reset(m_statement);
        m_state = State::Ready;
    }
}

QByteArray &Statement::parameterBuffer(int index)
{
    // An index SQLite does not know gets a buffer too; the bind itself then fails as SQLite says.
    const qsizetype slot = std::max(index, 1) - 1;
    if (slot >= m_parameters.size())
        m_parameters.resize(slot + 1);
    return m_parameters[slot];
}

void Statement::bind(int index, qint64 value)
{
    resetIfRun();
    sqlite3_bind_int64(m_statement, index, value);
}

void Statement::bindNull(int index)
{
    resetIfRun();
    sqlite3_bind_null(m_statement, index);
}

void Statement::bindText(int index, const QString &text)
{
    resetIfRun();
    // Encoded here: SQLite's own UTF-16 conversion allocated per value and was slower.
    QByteArray &buffer = parameterBuffer(index);
    buffer.resize(m_encoder.requiredSpace(text.size()));
    char *end = m_encoder.appendToBuffer(buffer.data(), text);
    sqlite3_bind_text64(m_statement, index, buffer.constData(), sqlite3_uint64(end - buffer.constData()),
                        SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::bindBuffer(int index)
{
    const QByteArray &buffer = parameterBuffer(index);
    sqlite3_bind_text64(m_statement, index, buffer.constData(), sqlite3_uint64(buffer.size()), SQLITE_STATIC,
                        SQLITE_UTF8);
}

void Statement::bindNullableText(int index, const QString &text)
{
    if (text.isNull())
        bindNull(index);
    else
        bindText(index, text);
}

void Statement::bindBlob(int index, const QByteArray &bytes)
{
    resetIfRun();
    if (bytes.isNull()) {
        sqlite3_bind_null(m_statement, index);
        return;
    }
    // A shared copy: it keeps the bytes alive, whatever becomes of the caller's array.
    QByteArray &buffer = parameterBuffer(index);
    buffer = bytes;
    sqlite3_bind_blob64(m_statement, index, buffer.constData(), sqlite3_uint64(buffer.size()), SQLITE_STATIC);
}

void Statement::bindDateTime(int index, const QDateTime &value)
{
    if (value.isValid())
        bind(index, value.toMSecsSinceEpoch());
    else
        bindNull(index);
}

Result<bool> Statement::step()
{
    if (m_state == State::Done)
        resetIfRun();
    switch (sqlite3_step(m_statement)) {
    case SQLITE_ROW:
        m_state = State::Row;
        return true;
    case SQLITE_DONE:
        m_state = State::Done;
        return false;
    default: {
        const Error failure = error("run");
        sqlite3_reset(m_statement);
        m_state = State::Ready;
        return failure;
    }
    }
}

Result<bool> Statement::run()
{
    for (;;) {
        auto row = step();
        if (!row)
            return row;
        if (!*row)
            break;
    }
    reset();
    return true;
}

void Statement::reset()
{
    resetIfRun();
}

qint64 Statement::columnInt64(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

std::optional<qint64> Statement::columnNullableInt64(int column) const
{
    if (sqlite3_column_type(m_statement, column) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(m_statement, column);
}

QString Statement::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_statement, column));
}

Error Statement::error(const char *what) const
{
    return makeError(Error::Code::Io, QStringLiteral("%1 (%2): %3")
                                              .arg(QString::fromLatin1(m_context), QString::fromLatin1(what),
                                                   QString::fromUtf8(sqlite3_errmsg(m_db))));
}

}  // namespace Heron::Store::Sql
