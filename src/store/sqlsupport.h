// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

// Small helpers shared by the store's .cpp files; not part of the store's interface.
namespace Heron::Store::Sql {

inline Error error(const QSqlError &sqlError, const QString &context)
{
    return makeError(Error::Code::Io, context + QStringLiteral(": ") + sqlError.text());
}

inline Error error(const QSqlQuery &query, const QString &context)
{
    return error(query.lastError(), context);
}

// Executes one statement that returns no rows.
inline Result<bool> execute(const QSqlDatabase &connection, const QString &statement)
{
    QSqlQuery query(connection);
    if (!query.exec(statement))
        return error(query, statement.left(80).simplified());
    return true;
}

inline QVariant fromDateTime(const QDateTime &value)
{
    return value.isValid() ? QVariant(value.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

inline QDateTime toDateTime(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

// Text for a NOT NULL column: a null QString would be bound as SQL NULL.
inline QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

inline QVariant nullableId(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

}  // namespace Heron::Store::Sql
