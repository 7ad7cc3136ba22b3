#pragma once

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

// libpq on the calling thread's QPSQL connection of a Database. QtSql has no COPY and hides
// SQLSTATE details (constraint names); the write path talks to libpq directly for both.
// Never use it while a forward-only QSqlQuery is still streaming on the same connection.
class PgSession final
{
    Q_DISABLE_COPY_MOVE(PgSession)
public:
    explicit PgSession(const db::Database &database);

    // One statement; parameters are sent as text values (a null QByteArray is NULL).
    void exec(const QByteArray &sql, const QString &what, const QList<QByteArray> &params = {});
    // Rolls back the open transaction, if any, without throwing: used on a path that is
    // already failing.
    void rollbackQuietly() noexcept;

    PGconn *handle() const { return m_conn; }

    // Throws the tf::Error for a failed result: Unavailable when the connection is lost (the
    // thread's connection is dropped so the next call reconnects), Validation for constraint
    // and data errors (naming the constraint), Timeout for lock and serialisation failures,
    // Internal otherwise. The message is PostgreSQL's primary message (an invalid-input error
    // quotes the offending value), never its DETAIL, which can hold a whole row.
    [[noreturn]] void raise(const PGresult *result, const QString &what);

private:
    const db::Database &m_database;
    QSqlDatabase m_connection; // keeps the handle open while we use it
    PGconn *m_conn = nullptr;
};

// COPY ... FROM STDIN in text format. Append fields to buffer(), call endRow() after each
// row; data goes to the server in chunks of about 1 MB, so memory stays flat.
class PgCopyIn final
{
    Q_DISABLE_COPY_MOVE(PgCopyIn)
public:
    PgCopyIn(PgSession &session, const QByteArray &copySql, QString what);
    ~PgCopyIn(); // aborts the COPY when finish() was not reached

    QByteArray &buffer() { return m_buffer; }
    void endRow();
    // `rows` rows of data already in the COPY's format (a binary COPY's, built whole), sent
    // after what the buffer holds.
    void send(const QByteArray &data, qint64 rows);
    qint64 rows() const { return m_rows; }
    void finish();

private:
    void flush();

    PgSession &m_session;
    QString m_what;
    QByteArray m_buffer;
    qint64 m_rows = 0;
    bool m_open = false;
};

// BEGIN ... COMMIT through a PgSession; rolls back on destruction unless committed.
class PgTransaction final
{
    Q_DISABLE_COPY_MOVE(PgTransaction)
public:
    explicit PgTransaction(PgSession &session);
    ~PgTransaction();
    void commit();

private:
    PgSession &m_session;
    bool m_active = false;
};

} // namespace tf::sync::pg
