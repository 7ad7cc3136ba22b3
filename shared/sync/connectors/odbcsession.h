#pragma once

#include "odbcdialect.h"
#include "sync/connector.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace tf::sync::odbc {

// A `kind: odbc` or `kind: sqlserver` system's settings.
//   odbc:      {"connection_string": "Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=db;Database=cama"}
//              The driver is named by its file, so no odbcinst.ini entry is needed. No UID/PWD
//              in it: credentials user, password are appended (never logged).
//   sqlserver: {"host": "pacs.county.local", "port": 1433, "database": "PACS"}, optional "driver"
//              (default: FreeTDS, /usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so); credentials
//              user, password. TDS_Version=7.4 and ClientCharset=UTF-8 are always sent.
struct Settings
{
    bool sqlServer = false;
    QString connectionString; // without credentials
    QString host;             // sqlserver
    int port = 1433;          // sqlserver
    QString user;
    QString password;         // never logged

    // Throws tf::Error(Validation) naming the field.
    static Settings parse(const SystemSettings &settings);
    // The connection string with credentials, for the driver only.
    QString connectString() const;
    // "odbc:Driver=...;Server=..." or "sqlserver://user@host:port/database": safe for logs.
    QString describe() const;
};

inline const QString kFreeTdsDriver = QStringLiteral("/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so");

// Problems of a definition's settings (`kind` "odbc" or "sqlserver"): (field, message) pairs.
QList<QPair<QString, QString>> settingsProblems(const QString &kind, const QJsonObject &settings);

// One QODBC connection (reads and writes; a QSqlDatabase belongs to its thread). Queries are
// forward-only and read decimals with QSql::HighPrecision, as text, never a double.
class Session final
{
    Q_DISABLE_COPY_MOVE(Session)
public:
    explicit Session(Settings settings);
    ~Session();

    const Settings &settings() const { return m_settings; }
    QSqlDatabase connection();
    // Known once connected.
    const Dialect &dialect();

    // A prepared statement with positional values, executed; throws a mapped tf::Error.
    QSqlQuery run(const QString &sql, const QVariantList &values, const char *what);
    void execDirect(const QString &sql, const char *what);
    [[noreturn]] void raise(const QSqlQuery &query, const char *what);

    void begin();
    void commit();
    void rollback();

private:
    QSqlDatabase open();

    Settings m_settings;
    QString m_name;
    Dialect m_dialect { Dbms::Generic };
};

// RAII transaction: rolled back unless committed.
class SessionTransaction final
{
    Q_DISABLE_COPY_MOVE(SessionTransaction)
public:
    explicit SessionTransaction(Session &session);
    ~SessionTransaction();
    void commit();

private:
    Session &m_session;
    bool m_active = false;
};

} // namespace tf::sync::odbc
