#include "operationrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {

const char kColumns[] = "id, pair_id, status, mode, dry_run, trigger, node_id, attempt, progress, "
                        "current_entity, statistics, error, created_at, started_at, finished_at";

OperationRecord readRecord(const QSqlQuery &query, const Dialect &dialect)
{
    OperationRecord r;
    r.id = query.value(0).toLongLong();
    r.pairId = query.value(1).toLongLong();
    r.status = query.value(2).toString();
    r.mode = query.value(3).toString();
    r.dryRun = query.value(4).toBool();
    r.trigger = query.value(5).toString();
    r.nodeId = query.value(6).toString();
    r.attempt = query.value(7).toInt();
    r.progress = query.value(8).toDouble();
    r.currentEntity = query.value(9).toString();
    r.statistics = rows::jsonObject(query.value(10));
    r.error = query.value(11).toString();
    r.createdAt = dialect.fromDb(query.value(12));
    r.startedAt = dialect.fromDb(query.value(13));
    r.finishedAt = dialect.fromDb(query.value(14));
    return r;
}

} // namespace

QJsonObject OperationRecord::toJson() const
{
    return {
        { QStringLiteral("id"), id },
        { QStringLiteral("pair_id"), pairId },
        { QStringLiteral("status"), status },
        { QStringLiteral("mode"), mode },
        { QStringLiteral("dry_run"), dryRun },
        { QStringLiteral("trigger"), trigger },
        { QStringLiteral("node_id"), nodeId },
        { QStringLiteral("attempt"), attempt },
        { QStringLiteral("progress"), progress },
        { QStringLiteral("current_entity"), currentEntity },
        { QStringLiteral("statistics"), statistics },
        { QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error) },
        { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
        { QStringLiteral("started_at"), rows::isoOrNull(startedAt) },
        { QStringLiteral("finished_at"), rows::isoOrNull(finishedAt) },
    };
}

qint64 OperationRepository::start(qint64 pairId, const QString &mode, bool dryRun, const QString &trigger,
                                  const QString &nodeId)
{
    const QVariant now = m_database.dialect().toDb(QDateTime::currentDateTimeUtc());
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO sync_operations (pair_id, status, mode, dry_run, trigger, node_id, attempt, "
        "lease_owner, heartbeat_at, created_at, started_at) "
        "VALUES (?, 'running', ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id"));
    query.addBindValue(pairId);
    query.addBindValue(mode);
    query.addBindValue(dryRun);
    query.addBindValue(trigger);
    query.addBindValue(nodeId);
    query.addBindValue(nodeId);
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(now);
    try {
        m_database.exec(query, "starting a sync operation");
    } catch (const Error &error) {
        if (error.kind() == Error::Kind::Conflict) {
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("sync pair %1 already has a running operation").arg(pairId),
                        QJsonObject { { QStringLiteral("pair_id"), pairId } });
        }
        throw;
    }
    return rows::returnedId(query);
}

void OperationRepository::progress(qint64 id, double percent, const QString &entity, const QJsonObject &statistics)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE sync_operations SET progress = ?, current_entity = ?, statistics = ?, heartbeat_at = ? WHERE id = ?"));
    query.addBindValue(percent);
    query.addBindValue(rows::textOrNull(entity));
    query.addBindValue(rows::jsonText(statistics));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "recording operation progress");
}

void OperationRepository::finish(qint64 id, const QString &status, const QJsonObject &statistics, const QString &error)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE sync_operations SET status = ?, statistics = ?, error = ?, finished_at = ?, "
        "progress = CASE WHEN ? THEN 100 ELSE progress END, lease_owner = NULL WHERE id = ?"));
    query.addBindValue(status);
    query.addBindValue(rows::jsonText(statistics));
    query.addBindValue(rows::textOrNull(error));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(status == QLatin1String("completed") || status == QLatin1String("completed_with_errors"));
    query.addBindValue(id);
    m_database.exec(query, "finishing a sync operation");
}

OperationRecord OperationRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT %1 FROM sync_operations WHERE id = ?").arg(QLatin1String(kColumns)));
    query.addBindValue(id);
    m_database.exec(query, "reading a sync operation");
    if (!query.next())
        throw Error(Error::Kind::NotFound, QStringLiteral("no sync operation %1").arg(id));
    return readRecord(query, m_database.dialect());
}

QList<OperationRecord> OperationRepository::listForPair(qint64 pairId, int limit) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM sync_operations WHERE pair_id = ? ORDER BY id DESC LIMIT ?").arg(QLatin1String(kColumns)));
    query.addBindValue(pairId);
    query.addBindValue(qMax(0, limit));
    m_database.exec(query, "listing sync operations");
    QList<OperationRecord> records;
    while (query.next())
        records << readRecord(query, m_database.dialect());
    return records;
}

} // namespace tf::db
