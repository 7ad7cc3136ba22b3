#pragma once

#include "core/errors.h"
#include "core/jsonutil.h"
#include "db/connection.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QVariant>

// Small conversions shared by the repositories. JSON columns are compact text on both
// backends; API timestamps are ISO-8601 UTC with milliseconds.
namespace tf::db::rows {

inline QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(json::compact(object));
}

inline QJsonObject jsonObject(const QVariant &value)
{
    return value.isNull() ? QJsonObject()
                          : QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

// An empty (not NULL) string for NOT NULL text columns.
inline QString nonNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

// A NULL for an empty string; QPSQL needs the NULL typed.
inline QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

inline QJsonValue isoOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

// Reads the id of an INSERT ... RETURNING id and finishes the statement (SQLite keeps it
// active otherwise, which would hold up COMMIT).
inline qint64 returnedId(QSqlQuery &query)
{
    if (!query.next())
        throw Error(Error::Kind::Internal, QStringLiteral("INSERT returned no id"));
    const qint64 id = query.value(0).toLongLong();
    query.finish();
    return id;
}

[[noreturn]] inline void notFound(const char *what, qint64 id)
{
    throw Error(Error::Kind::NotFound,
                QStringLiteral("%1 %2 not found").arg(QLatin1String(what)).arg(id));
}

} // namespace tf::db::rows
