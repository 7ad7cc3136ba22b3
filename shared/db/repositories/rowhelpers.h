#pragma once

#include "core/errors.h"
#include "core/jsonutil.h"
#include "db/connection.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
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

// Reads the id of an INSERT ... RETURNING id and completes the statement. It steps past the
// row instead of only finishing it: outside a transaction SQLite commits when the statement
// completes, and a COMMIT that fails there (a full disk) is reported by that step alone;
// finish() would drop the error and the caller would announce a row that was never stored.
inline qint64 returnedId(const Database &database, QSqlQuery &query)
{
    if (!query.next()) {
        if (query.lastError().isValid())
            database.raise(query, "inserting a row");
        throw Error(Error::Kind::Internal, QStringLiteral("INSERT returned no id"));
    }
    const qint64 id = query.value(0).toLongLong();
    if (!query.next() && query.lastError().isValid())
        database.raise(query, "committing an inserted row");
    query.finish();
    return id;
}

[[noreturn]] inline void notFound(const char *what, qint64 id)
{
    throw Error(Error::Kind::NotFound,
                QStringLiteral("%1 %2 not found").arg(QLatin1String(what)).arg(id));
}

// A compare-and-set UPDATE or DELETE changed nothing although the row exists (the caller
// read get() to learn that): its version is no longer the expected one.
[[noreturn]] inline void staleOrMissing(const char *what, qint64 currentVersion)
{
    const QString etag = QStringLiteral("\"%1\"").arg(currentVersion);
    throw Error(Error::Kind::PreconditionFailed, QStringLiteral("precondition_failed"),
                QStringLiteral("the %1 was changed meanwhile (now at version %2); read it again, reapply your "
                               "change and send the new ETag in If-Match")
                    .arg(QLatin1String(what), etag),
                QJsonObject { { QStringLiteral("current_etag"), etag } });
}

// Runs an INSERT or UPDATE of a row with a unique name. A duplicate name becomes a Conflict
// that says so in words ("a sync pair named "X" already exists (id 3)", details.field =
// "name") instead of the database's constraint text; any other failure is rethrown as is.
// table and noun are literals of ours, never input.
inline void execNamed(const Database &database, QSqlQuery &query, const char *what, const char *table,
                      const char *noun, const QString &name, qint64 selfId = 0)
{
    try {
        database.exec(query, what);
    } catch (const Error &error) {
        if (error.kind() != Error::Kind::Conflict)
            throw;
        qint64 existing = 0;
        try { // inside a failed PostgreSQL transaction the lookup fails too: keep the original
            QSqlQuery lookup = database.prepare(QStringLiteral("SELECT id FROM %1 WHERE name = ?").arg(QLatin1String(table)));
            lookup.addBindValue(name);
            database.exec(lookup, "looking up a name");
            if (lookup.next())
                existing = lookup.value(0).toLongLong();
        } catch (const Error &) {
            existing = 0;
        }
        if (existing == 0 || existing == selfId)
            throw;
        throw Error(Error::Kind::Conflict, QStringLiteral("name_taken"),
                    QStringLiteral("a %1 named \"%2\" already exists (id %3)").arg(QLatin1String(noun), name).arg(existing),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("name") },
                                  { QStringLiteral("existing_id"), existing } });
    }
}

} // namespace tf::db::rows
