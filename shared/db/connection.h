#pragma once

#include "databaseurl.h"
#include "dialect.h"

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace tf::db {

// "<driver text>: <database text>" of the query's last error, secrets redacted.
QString sqlError(const QSqlQuery &query);

// The control database: a URL, its dialect, and one QSqlDatabase per thread (a QSqlDatabase
// belongs to the thread that opened it). Connections open lazily on first use and are
// removed when their thread ends or this object is destroyed. Thread-safe.
class Database final
{
    Q_DISABLE_COPY_MOVE(Database)
public:
    explicit Database(DatabaseUrl url);
    ~Database();

    // The calling thread's connection, opened on first use. Throws
    // tf::Error(Unavailable, "database unavailable: <driver message>") when it cannot open.
    QSqlDatabase connection() const;
    // Closes and forgets the calling thread's connection; the next call reopens it.
    void closeThreadConnection() const;

    const DatabaseUrl &url() const { return m_url; }
    const Dialect &dialect() const { return m_dialect; }

    // A query prepared on the calling thread's connection; throws on failure.
    QSqlQuery prepare(const QString &sql) const;
    // Executes a prepared query; throws tf::Error mapped from the SQL error on failure.
    void exec(QSqlQuery &query, const char *what) const;
    // Executes a statement without parameters (DDL, BEGIN...); throws on failure.
    void execDirect(const QString &sql, const char *what) const;

    // Throws the tf::Error for a failed query: Unavailable for a lost connection (the
    // thread's connection is dropped so the next call reconnects), Conflict for unique and
    // foreign-key violations, Validation for check violations, InsufficientStorage for a full
    // disk or a read-only database (storagefailure.h), Internal otherwise.
    [[noreturn]] void raise(const QSqlQuery &query, const char *what) const;

private:
    QSqlDatabase open(const QString &name) const;
    void configureSqlite(QSqlDatabase &db) const;

    DatabaseUrl m_url;
    Dialect m_dialect;
    quint64 m_id;
    mutable QMutex m_mutex;
    mutable QSet<QString> m_connectionNames; // on all threads, for removal at destruction
};

// RAII transaction on the calling thread's connection: rolls back on destruction unless
// committed. On SQLite it is BEGIN IMMEDIATE: every transaction here writes, and taking the
// write lock up front lets busy_timeout wait instead of failing on a lock upgrade.
class Transaction final
{
    Q_DISABLE_COPY_MOVE(Transaction)
public:
    explicit Transaction(const Database &database);
    ~Transaction();

    // Serialises transactions that take the same key until commit or rollback: PostgreSQL
    // pg_advisory_xact_lock; a no-op on SQLite, where BEGIN IMMEDIATE already serialises writers.
    void lock(qint64 key);
    void commit();
    void rollback();

private:
    const Database &m_database;
    QString m_connectionName;
    bool m_active = false;
};

// Advisory lock keys (arbitrary constants, unique per purpose).
namespace locks {
inline constexpr qint64 kMigrations = 0x74666d6967726174; // "tfmigrat"
inline constexpr qint64 kAuditChain = 0x7466617564697400; // "tfaudit"
} // namespace locks

} // namespace tf::db
