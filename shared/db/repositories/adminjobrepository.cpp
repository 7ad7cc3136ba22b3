#include "adminjobrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kSelect = QStringLiteral(
    "SELECT id, kind, status, progress, message, result, error, created_by, created_at, started_at, finished_at "
    "FROM admin_jobs ");

QVariant jsonOrNull(const QJsonObject &object)
{
    return object.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(rows::jsonText(object));
}
} // namespace

AdminJobRow AdminJobRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    AdminJobRow row;
    row.id = query.value(0).toLongLong();
    row.kind = query.value(1).toString();
    row.status = query.value(2).toString();
    row.progress = query.value(3).toDouble();
    row.message = query.value(4).toString();
    row.result = rows::jsonObject(query.value(5));
    row.error = rows::jsonObject(query.value(6));
    row.createdBy = query.value(7).toString();
    row.createdAt = dialect.fromDb(query.value(8));
    row.startedAt = dialect.fromDb(query.value(9));
    row.finishedAt = dialect.fromDb(query.value(10));
    return row;
}

qint64 AdminJobRepository::newestId() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM admin_jobs"));
    m_database.exec(query, "reading the newest admin job id");
    return query.next() ? query.value(0).toLongLong() : 0;
}

void AdminJobRepository::save(const AdminJobRow &row)
{
    const Dialect &dialect = m_database.dialect();
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO admin_jobs (id, kind, status, progress, message, result, error, created_by, created_at, "
        "started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status, progress = excluded.progress, "
        "message = excluded.message, result = excluded.result, error = excluded.error, "
        "created_by = excluded.created_by, created_at = excluded.created_at, started_at = excluded.started_at, "
        "finished_at = excluded.finished_at"));
    query.addBindValue(row.id);
    query.addBindValue(row.kind);
    query.addBindValue(row.status);
    query.addBindValue(row.progress);
    query.addBindValue(rows::nonNull(row.message));
    query.addBindValue(jsonOrNull(row.result));
    query.addBindValue(jsonOrNull(row.error));
    query.addBindValue(rows::nonNull(row.createdBy));
    query.addBindValue(dialect.toDb(row.createdAt));
    query.addBindValue(dialect.toDb(row.startedAt));
    query.addBindValue(dialect.toDb(row.finishedAt));
    m_database.exec(query, "saving an admin job");
}

std::optional<AdminJobRow> AdminJobRepository::find(qint64 id) const
{
    QSqlQuery query = m_database.prepare(kSelect + QStringLiteral("WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading an admin job");
    if (!query.next())
        return std::nullopt;
    return read(query);
}

QList<AdminJobRow> AdminJobRepository::list(const QString &kind, const QString &status, qint64 beforeId,
                                            int limit) const
{
    QString sql = kSelect + QStringLiteral("WHERE 1 = 1");
    if (!kind.isEmpty())
        sql += QStringLiteral(" AND kind = ?");
    if (!status.isEmpty())
        sql += QStringLiteral(" AND status = ?");
    if (beforeId > 0)
        sql += QStringLiteral(" AND id < ?");
    sql += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    QSqlQuery query = m_database.prepare(sql);
    if (!kind.isEmpty())
        query.addBindValue(kind);
    if (!status.isEmpty())
        query.addBindValue(status);
    if (beforeId > 0)
        query.addBindValue(beforeId);
    query.addBindValue(limit);
    m_database.exec(query, "listing admin jobs");
    QList<AdminJobRow> jobs;
    while (query.next())
        jobs.append(read(query));
    return jobs;
}

int AdminJobRepository::markInterrupted(const QList<qint64> &keep, const QString &message)
{
    QSqlQuery running = m_database.prepare(QStringLiteral("SELECT id FROM admin_jobs WHERE status IN ('queued', 'running')"));
    m_database.exec(running, "finding unfinished admin jobs");
    QList<qint64> ids;
    while (running.next()) {
        if (!keep.contains(running.value(0).toLongLong()))
            ids << running.value(0).toLongLong();
    }
    const QString error = rows::jsonText(
        QJsonObject { { QStringLiteral("code"), QStringLiteral("interrupted") }, { QStringLiteral("message"), message } });
    for (qint64 id : std::as_const(ids)) {
        QSqlQuery query = m_database.prepare(QStringLiteral(
            "UPDATE admin_jobs SET status = 'failed', message = ?, error = ?, finished_at = ? "
            "WHERE id = ? AND status IN ('queued', 'running')"));
        query.addBindValue(message);
        query.addBindValue(error);
        query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
        query.addBindValue(id);
        m_database.exec(query, "marking an admin job interrupted");
    }
    return int(ids.size());
}

} // namespace tf::db
