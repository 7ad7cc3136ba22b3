#pragma once

#include "databaseurl.h"

#include <QDateTime>
#include <QString>
#include <QVariant>

namespace tf::db {

// Every SQL difference between PostgreSQL and SQLite lives here, so repositories and the
// migrator stay backend-blind.
//
// Timestamps are UTC on both backends: PostgreSQL `timestamptz`; SQLite TEXT
// "yyyy-MM-ddTHH:mm:ss.zzzZ" (fixed width, so text order is time order). JSON columns are
// compact text on both. Booleans: PostgreSQL boolean, SQLite INTEGER 0/1 (both read back
// through QVariant::toBool()).
class Dialect final
{
public:
    using Backend = DatabaseUrl::Backend;

    explicit Dialect(Backend backend)
        : m_backend(backend)
    { }

    Backend backend() const { return m_backend; }
    bool isPostgres() const { return m_backend == Backend::Postgres; }
    QString name() const; // "postgres" or "sqlite"

    // "name" with embedded quotes doubled. Identifiers never come from input in this layer;
    // this is for names built from constants.
    QString quoteIdentifier(const QString &identifier) const;
    QString migrationsResourceDir() const; // ":/migrations/postgres" or ":/migrations/sqlite"
    QString currentTimestampSql() const; // an SQL expression of the dialect's timestamp form
    QString timestampType() const; // column type for a timestamp
    bool supportsSkipLocked() const { return isPostgres(); }

    // Bind and read timestamps; an invalid QDateTime is NULL and NULL reads back invalid.
    QVariant toDb(const QDateTime &value) const;
    QDateTime fromDb(const QVariant &value) const;

    // A typed NULL for binding (QPSQL needs the type to format the parameter).
    static QVariant nullOf(QMetaType::Type type) { return QVariant(QMetaType(type)); }

private:
    Backend m_backend;
};

} // namespace tf::db
