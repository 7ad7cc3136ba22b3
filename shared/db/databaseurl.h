#pragma once

#include <QHash>
#include <QString>

namespace tf::db {

// Where the control database lives, parsed once from DATABASE_URL (or a plain file path).
//   postgresql://user:pa%40ss@host:5432/db?sslmode=require&connect_timeout=3
//   postgres:///db?host=/var/run/postgresql          (socket directory)
//   sqlite:///var/lib/terrafusion/terrafusion.db     (absolute)
//   sqlite:data/terrafusion.db                       (relative to the working directory)
//   /var/lib/terrafusion/terrafusion.db, local.db    (plain paths mean SQLite)
struct DatabaseUrl
{
    enum class Backend { Postgres, Sqlite };

    Backend backend = Backend::Sqlite;
    QString host; // name, address, or socket directory (starts with '/'); empty = libpq default
    int port = -1; // 5432 for Postgres when absent
    QString user;
    QString password; // decoded; never logged
    QString database;
    QString sqlitePath;
    QHash<QString, QString> options; // libpq options from the query string (sslmode, ...)

    // Throws tf::Error(Validation, "database URL: <what is wrong>"); the message never
    // contains the password.
    static DatabaseUrl parse(const QString &text);

    // The URL with the password replaced by ***: safe for logs and API answers.
    QString redacted() const;
    QString driverName() const; // QPSQL or QSQLITE
    // QSqlDatabase::setConnectOptions() string. Postgres: the query options plus defaults
    // connect_timeout=5 (a bad host fails fast) and application_name=terrafusion.
    // SQLite: QSQLITE_BUSY_TIMEOUT.
    QString connectOptions() const;

    bool isPostgres() const { return backend == Backend::Postgres; }
};

} // namespace tf::db
