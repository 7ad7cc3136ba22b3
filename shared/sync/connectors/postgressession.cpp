#include "postgressession.h"

#include "core/errors.h"
#include "core/redact.h"
#include "db/connection.h"
#include "sync/byteappend.h"

#include <QJsonObject>
#include <QSqlDriver>
#include <QVariant>
#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace tf::sync::pg {

namespace {

constexpr qsizetype kCopyChunkBytes = 1 << 20;

struct ResultDeleter
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

QString field(const PGresult *result, int code)
{
    const char *value = result ? PQresultErrorField(result, code) : nullptr;
    return value ? QString::fromUtf8(value) : QString();
}

bool isLock(const QString &state)
{
    return state == QLatin1String("40001") || state == QLatin1String("40P01")
        || state == QLatin1String("55P03");
}

} // namespace

PgSession::PgSession(const db::Database &database)
    : m_database(database)
    , m_connection(database.connection())
{
    const QVariant handle = m_connection.driver()->handle();
    // QPSQL registers the handle's metatype by its struct name on some builds.
    const bool isLibpq
        = qstrcmp(handle.typeName(), "PGconn*") == 0 || qstrcmp(handle.typeName(), "pg_conn*") == 0;
    if (!isLibpq || !*static_cast<PGconn *const *>(handle.data())) {
        throw Error(Error::Kind::Internal,
                    QStringLiteral(
                        "the connection is not a PostgreSQL (QPSQL) connection: its handle is %1")
                        .arg(QLatin1String(handle.typeName())));
    }
    m_conn = *static_cast<PGconn *const *>(handle.data());
}

void PgSession::exec(const QByteArray &sql, const QString &what, const QList<QByteArray> &params)
{
    std::vector<const char *> values;
    values.reserve(size_t(params.size()));
    for (const QByteArray &param : params)
        values.push_back(param.isNull() ? nullptr : param.constData());
    const Result result(PQexecParams(m_conn, sql.constData(), int(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        raise(result.get(), what);
}

void PgSession::rollbackQuietly() noexcept
{
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK || PQtransactionStatus(m_conn) == PQTRANS_IDLE)
        return;
    PQclear(PQexec(m_conn, "ROLLBACK"));
}

void PgSession::raise(const PGresult *result, const QString &what)
{
    const QString state = field(result, PG_DIAG_SQLSTATE);
    QString primary = field(result, PG_DIAG_MESSAGE_PRIMARY);
    if (primary.isEmpty())
        primary = QString::fromUtf8(PQerrorMessage(m_conn)).trimmed();
    primary = redactSecrets(primary);
    const QString constraint = field(result, PG_DIAG_CONSTRAINT_NAME);
    QJsonObject details { { QStringLiteral("sqlstate"), state } };
    for (const auto &[code, name] : { std::pair { PG_DIAG_CONSTRAINT_NAME, "constraint" },
                                      std::pair { PG_DIAG_TABLE_NAME, "table" },
                                      std::pair { PG_DIAG_COLUMN_NAME, "column" } }) {
        const QString value = field(result, code);
        if (!value.isEmpty())
            details.insert(QLatin1String(name), value);
    }
    QString message = what + QStringLiteral(": ") + primary;
    if (!constraint.isEmpty() && !primary.contains(constraint))
        message += QStringLiteral(" (constraint \"%1\")").arg(constraint);

    const bool lost = PQstatus(m_conn) != CONNECTION_OK || state.startsWith(QLatin1String("08"))
        || state.startsWith(QLatin1String("57P"));
    if (lost) {
        // Drop the thread's connection so the next call reconnects; our copy must go first.
        m_conn = nullptr;
        m_connection = QSqlDatabase();
        m_database.closeThreadConnection();
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("database unavailable while ") + message, details);
    }
    if (state.startsWith(QLatin1String("23")) || state.startsWith(QLatin1String("22"))
        || state == QLatin1String("42P10") || state == QLatin1String("42703")
        || state == QLatin1String("42P01") || state == QLatin1String("42804"))
        throw Error(Error::Kind::Validation, message, details);
    if (isLock(state))
        throw Error(Error::Kind::Timeout, QStringLiteral("database busy while ") + message,
                    details);
    throw Error(Error::Kind::Internal, QStringLiteral("database error while ") + message, details);
}

PgCopyIn::PgCopyIn(PgSession &session, const QByteArray &copySql, QString what)
    : m_session(session)
    , m_what(std::move(what))
{
    const Result result(PQexec(m_session.handle(), copySql.constData()));
    if (!result || PQresultStatus(result.get()) != PGRES_COPY_IN)
        m_session.raise(result.get(), m_what);
    m_open = true;
    m_buffer.reserve(kCopyChunkBytes + kCopyChunkBytes / 4);
}

PgCopyIn::~PgCopyIn()
{
    if (!m_open || !m_session.handle())
        return;
    // Ends the COPY with an error so the server discards it; the transaction then fails and
    // is rolled back by its owner.
    PGconn *conn = m_session.handle();
    if (PQputCopyEnd(conn, "aborted by the client") == 1) {
        while (PGresult *result = PQgetResult(conn))
            PQclear(result);
    }
}

void PgCopyIn::endRow()
{
    appendByte(m_buffer, '\n');
    ++m_rows;
    if (m_buffer.size() >= kCopyChunkBytes)
        flush();
}

void PgCopyIn::send(const QByteArray &data, qint64 rows)
{
    flush();
    for (qsizetype at = 0; at < data.size(); at += kCopyChunkBytes) {
        const qsizetype size = qMin(kCopyChunkBytes, data.size() - at);
        if (PQputCopyData(m_session.handle(), data.constData() + at, int(size)) != 1) {
            m_open = false;
            const Result result(PQgetResult(m_session.handle()));
            m_session.raise(result.get(), m_what);
        }
    }
    m_rows += rows;
}

void PgCopyIn::flush()
{
    if (m_buffer.isEmpty())
        return;
    if (PQputCopyData(m_session.handle(), m_buffer.constData(), int(m_buffer.size())) != 1) {
        m_open = false;
        const Result result(PQgetResult(m_session.handle()));
        m_session.raise(result.get(), m_what);
    }
    m_buffer.resize(0); // keeps the chunk's memory (clear() would free it, and every chunk
                        // would grow again from nothing: reallocations and fresh pages)
}

void PgCopyIn::finish()
{
    flush();
    m_open = false;
    PGconn *conn = m_session.handle();
    if (PQputCopyEnd(conn, nullptr) != 1)
        m_session.raise(nullptr, m_what);
    Result result(PQgetResult(conn));
    const bool ok = result && PQresultStatus(result.get()) == PGRES_COMMAND_OK;
    Result failure = ok ? nullptr : std::move(result);
    while (PGresult *extra = PQgetResult(conn))
        PQclear(extra);
    if (!ok)
        m_session.raise(failure.get(), m_what);
}

PgTransaction::PgTransaction(PgSession &session)
    : m_session(session)
{
    m_session.exec("BEGIN", QStringLiteral("beginning a transaction"));
    m_active = true;
}

PgTransaction::~PgTransaction()
{
    if (m_active)
        m_session.rollbackQuietly();
}

void PgTransaction::commit()
{
    m_active = false;
    m_session.exec("COMMIT", QStringLiteral("committing"));
}

} // namespace tf::sync::pg
