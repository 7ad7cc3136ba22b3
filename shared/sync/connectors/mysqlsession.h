#pragma once

#include "sync/connector.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace tf::sync::mysql {

// How a zero date ('0000-00-00', or a date with month or day 0, which MySQL accepts in
// non-strict modes) is read. Never silently NULL: by default the row is quarantined with the
// reason; `zero_date` in the settings maps it explicitly ("null" or a date "YYYY-MM-DD").
struct ZeroDate
{
    bool mapped = false;   // false: quarantine the row (rule source_type)
    QString date;          // mapped: "YYYY-MM-DD", or empty for NULL
};

// A `kind: mysql` system's settings (MySQL 5.7+ or MariaDB 10.5+):
//   {"host": "db.example.org", "port": 3306, "database": "cama"}   credentials user, password
//   optional "socket" (a Unix socket path instead of host/port), "zero_date"
struct Settings
{
    QString host;
    int port = 3306;
    QString socket;
    QString database;
    QString user;
    QString password; // never logged
    ZeroDate zeroDate;

    // Throws tf::Error(Validation) naming the field ("database", "port", "zero_date").
    static Settings parse(const SystemSettings &settings);
    // "mysql://user@host:port/database": safe for logs and messages.
    QString describe() const;
};

// Problems of a definition's settings, for SystemDefinition's checks: (field, message) pairs.
QList<QPair<QString, QString>> settingsProblems(const QJsonObject &settings);

// Every connection's setup (Session and the streamed read, mysqlstream.h): the session's
// sql_mode and time_zone, then the isolation level.
extern const QString kSessionSetup;
extern const QString kIsolation;

// Throws the tf::Error for MySQL error `code` (Unavailable when a retry can cure it or the
// connection is gone, Conflict, Validation, else Internal), "MySQL <what>: <text>".
[[noreturn]] void raiseError(const Settings &settings, int code, const QString &text, bool connectionError,
                             const char *what);

// Two connections to one server: one for reads (a consistent-snapshot transaction per read,
// paged by key) and one for writes (the InnoDB transaction that writes rows and sync state).
// A QSqlDatabase belongs to its thread: one session is used from one thread at a time.
//
// Every connection runs with sql_mode ANSI_QUOTES (identifiers quoted with "), strict
// tables, NO_AUTO_VALUE_ON_ZERO (a key 0 is written as 0), time_zone +00:00 (TIMESTAMP
// columns are read and written in UTC) and utf8mb4. CLIENT_FOUND_ROWS stays off, so an
// upsert's affected rows tell an insert (1), an update (2) and an unchanged row (0) apart.
class Session final
{
    Q_DISABLE_COPY_MOVE(Session)
public:
    enum class Role { Read, Write };

    explicit Session(Settings settings);
    ~Session();

    const Settings &settings() const { return m_settings; }
    QSqlDatabase connection(Role role);
    // The server's id of a connection (CONNECTION_ID()), 0 when it is not open.
    qint64 connectionId(Role role) const;

    // A prepared statement with positional values, executed; throws a mapped tf::Error.
    QSqlQuery run(Role role, const QString &sql, const QVariantList &values, const char *what);
    // A statement without values (DDL, COMMIT...).
    void execDirect(Role role, const QString &sql, const char *what);
    [[noreturn]] void raise(Role role, const QSqlQuery &query, const char *what);

    // Quoted identifier ("name", with " doubled; ANSI_QUOTES is on).
    static QString quote(const QString &name);

private:
    QString name(Role role) const;
    QSqlDatabase open(Role role);

    Settings m_settings;
    quint64 m_id;
    qint64 m_connectionIds[2] = { 0, 0 };
};

// RAII transaction on one connection of a session: rolled back unless committed.
class SessionTransaction final
{
    Q_DISABLE_COPY_MOVE(SessionTransaction)
public:
    // readSnapshot: START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY (every page of a
    // read sees the same rows); otherwise a read-write transaction.
    SessionTransaction(Session &session, Session::Role role, bool readSnapshot = false);
    ~SessionTransaction();
    void commit();

private:
    Session &m_session;
    Session::Role m_role;
    bool m_active = false;
};

} // namespace tf::sync::mysql
