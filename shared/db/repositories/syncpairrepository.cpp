#include "syncpairrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kColumns = QStringLiteral(
    "id, name, description, source_system_id, source_entity, target_system_id, target_entity, "
    "definition, enabled, schedule, next_run_at, created_at, updated_at, version");
} // namespace

QJsonObject SyncPairRecord::toJson() const
{
    // Definitions stored before issue 13 name the systems source_system/target_system; the
    // answer uses the resource's names.
    QJsonObject shown = definition;
    for (const QString &key : { QStringLiteral("source_system"), QStringLiteral("target_system") }) {
        if (shown.contains(key)) {
            shown.insert(key + QStringLiteral("_id"), shown.value(key));
            shown.remove(key);
        }
    }
    return { { QStringLiteral("id"), id },
             { QStringLiteral("name"), name },
             { QStringLiteral("description"), description },
             { QStringLiteral("source_system_id"), sourceSystemId },
             { QStringLiteral("source_entity"), sourceEntity },
             { QStringLiteral("target_system_id"), targetSystemId },
             { QStringLiteral("target_entity"), targetEntity },
             { QStringLiteral("definition"), shown },
             { QStringLiteral("enabled"), enabled },
             { QStringLiteral("schedule"),
               schedule.isEmpty() ? QJsonValue() : QJsonValue(schedule) },
             { QStringLiteral("next_run_at"), rows::isoOrNull(nextRunAt) },
             { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
             { QStringLiteral("updated_at"), rows::isoOrNull(updatedAt) } };
}

SyncPairRecord SyncPairRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    SyncPairRecord record;
    record.id = query.value(0).toLongLong();
    record.name = query.value(1).toString();
    record.description = query.value(2).toString();
    record.sourceSystemId = query.value(3).toLongLong();
    record.sourceEntity = query.value(4).toString();
    record.targetSystemId = query.value(5).toLongLong();
    record.targetEntity = query.value(6).toString();
    record.definition = rows::jsonObject(query.value(7));
    record.enabled = query.value(8).toBool();
    record.schedule = query.value(9).toString();
    record.nextRunAt = dialect.fromDb(query.value(10));
    record.createdAt = dialect.fromDb(query.value(11));
    record.updatedAt = dialect.fromDb(query.value(12));
    record.version = query.value(13).toLongLong();
    return record;
}

void SyncPairRepository::bindContent(QSqlQuery &query, const SyncPairRecord &record) const
{
    query.addBindValue(record.name);
    query.addBindValue(rows::nonNull(record.description));
    query.addBindValue(record.sourceSystemId);
    query.addBindValue(rows::nonNull(record.sourceEntity));
    query.addBindValue(record.targetSystemId);
    query.addBindValue(rows::nonNull(record.targetEntity));
    query.addBindValue(rows::jsonText(record.definition));
    query.addBindValue(record.enabled);
    query.addBindValue(rows::textOrNull(record.schedule));
    query.addBindValue(m_database.dialect().toDb(record.nextRunAt));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc())); // updated_at
}

QList<SyncPairRecord> SyncPairRepository::list() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM sync_pairs ORDER BY name"));
    m_database.exec(query, "listing sync pairs");
    QList<SyncPairRecord> records;
    while (query.next())
        records.append(read(query));
    return records;
}

QList<SyncPairRecord> SyncPairRepository::page(qint64 afterId, int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM sync_pairs WHERE id > ? ORDER BY id LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    m_database.exec(query, "listing sync pairs");
    QList<SyncPairRecord> records;
    while (query.next())
        records.append(read(query));
    return records;
}

SyncPairRecord SyncPairRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM sync_pairs WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading a sync pair");
    if (!query.next())
        rows::notFound("sync pair", id);
    return read(query);
}

qint64 SyncPairRepository::insert(const SyncPairRecord &record)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO sync_pairs (name, description, source_system_id, source_entity, "
        "target_system_id, "
        "target_entity, definition, enabled, schedule, next_run_at, updated_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    bindContent(query, record);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    rows::execNamed(m_database, query, "inserting a sync pair", "sync_pairs", "sync pair", record.name);
    return rows::returnedId(m_database, query);
}

qint64 SyncPairRepository::update(const SyncPairRecord &record, qint64 expectedVersion)
{
    // Compare and set: the version is checked by the UPDATE itself, never read first.
    QSqlQuery query = m_database.prepare(
        QStringLiteral(
            "UPDATE sync_pairs SET name = ?, description = ?, source_system_id = ?, source_entity = ?, "
            "target_system_id = ?, target_entity = ?, definition = ?, enabled = ?, schedule = ?, "
            "next_run_at = ?, updated_at = ?, version = version + 1 WHERE id = ?")
        + (expectedVersion != 0 ? QStringLiteral(" AND version = ?") : QString())
        + QStringLiteral(" RETURNING version"));
    bindContent(query, record);
    query.addBindValue(record.id);
    if (expectedVersion != 0)
        query.addBindValue(expectedVersion);
    rows::execNamed(m_database, query, "updating a sync pair", "sync_pairs", "sync pair", record.name, record.id);
    if (!query.next())
        rows::staleOrMissing("sync pair", get(record.id).version);
    return query.value(0).toLongLong();
}

void SyncPairRepository::remove(qint64 id, qint64 expectedVersion)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("DELETE FROM sync_pairs WHERE id = ?")
        + (expectedVersion != 0 ? QStringLiteral(" AND version = ?") : QString()));
    query.addBindValue(id);
    if (expectedVersion != 0)
        query.addBindValue(expectedVersion);
    m_database.exec(query, "removing a sync pair");
    if (query.numRowsAffected() == 0)
        rows::staleOrMissing("sync pair", get(id).version);
}

} // namespace tf::db
