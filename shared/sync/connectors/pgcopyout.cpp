#include "pgcopyout.h"

#include "core/errors.h"
#include "postgressession.h"

#include <libpq-fe.h>
#include <memory>

namespace tf::sync::pg {

namespace {

struct ResultDeleter
{
    void operator()(PGresult *result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

} // namespace

PgCopyOut::PgCopyOut(PgSession &session, const QByteArray &copySql, QString what)
    : m_session(session)
    , m_what(std::move(what))
{
    const Result result(PQexec(m_session.handle(), copySql.constData()));
    if (!result || PQresultStatus(result.get()) != PGRES_COPY_OUT)
        raise(result.get());
    m_open = true;
}

PgCopyOut::~PgCopyOut()
{
    releaseLine();
    PGconn *conn = m_session.handle();
    if (!m_open || !conn)
        return;
    // Stop the server rather than read the rest of the table: a cancel ends the COPY with an
    // error, which the drain below swallows.
    if (PGcancel *cancel = PQgetCancel(conn)) {
        char error[256];
        PQcancel(cancel, error, int(sizeof error));
        PQfreeCancel(cancel);
    }
    char *line = nullptr;
    while (PQgetCopyData(conn, &line, 0) > 0)
        PQfreemem(line);
    while (PGresult *result = PQgetResult(conn))
        PQclear(result);
}

void PgCopyOut::releaseLine()
{
    if (m_line) {
        PQfreemem(m_line);
        m_line = nullptr;
    }
}

bool PgCopyOut::next(QByteArrayView *line)
{
    releaseLine();
    if (!m_open)
        return false;
    PGconn *conn = m_session.handle();
    const int length = PQgetCopyData(conn, &m_line, 0);
    if (length > 0) {
        // Each call returns exactly one row, ending in its newline.
        const qsizetype size = m_line[length - 1] == '\n' ? length - 1 : length;
        *line = QByteArrayView(m_line, size);
        return true;
    }
    m_open = false;
    if (length == -2)
        raise(nullptr);
    // -1: the COPY is done; its result says whether it succeeded.
    Result result(PQgetResult(conn));
    const bool ok = result && PQresultStatus(result.get()) == PGRES_COMMAND_OK;
    Result failure = ok ? nullptr : std::move(result);
    while (PGresult *extra = PQgetResult(conn))
        PQclear(extra);
    if (!ok)
        raise(failure.get());
    return false;
}

void PgCopyOut::raise(const PGresult *result)
{
    m_open = false;
    try {
        m_session.raise(result, m_what);
    } catch (const Error &error) {
        // A read's data and constraint errors are the server's, not the row's: the kinds
        // stay those of the query path (only lost connections and locks are retried).
        if (error.kind() == Error::Kind::Validation)
            throw Error(Error::Kind::Internal, QStringLiteral("database error while ") + error.message(),
                        error.details());
        throw;
    }
}

QStringList bindAsSettings(PgSession &session, const QList<QByteArray> &values, const QString &what)
{
    QStringList reads;
    QStringList sets;
    QList<QByteArray> params;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (values.at(i).isNull()) {
            reads << QStringLiteral("NULL");
            continue;
        }
        const QString name = QStringLiteral("tf.read_%1").arg(i);
        params << values.at(i);
        sets << QStringLiteral("set_config('%1', $%2, false)").arg(name).arg(params.size());
        reads << QStringLiteral("current_setting('%1')").arg(name);
    }
    if (!sets.isEmpty())
        session.exec(QStringLiteral("SELECT %1").arg(sets.join(QLatin1String(", "))).toUtf8(), what,
                     params);
    return reads;
}

} // namespace tf::sync::pg
