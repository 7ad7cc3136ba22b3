#include "cdcschemachangerepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kColumns = QStringLiteral(
    "id, pair_id, table_schema, table_name, old_shape, new_shape, relation_lsn, status, held_at, "
    "decided_at, decided_by, previous_definition");
} // namespace

QJsonObject CdcSchemaChangeRecord::toJson() const
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("pair_id"), pairId },
             { QStringLiteral("table"), QString(tableSchema + QLatin1Char('.') + tableName) },
             { QStringLiteral("old_shape"), oldShape },
             { QStringLiteral("new_shape"), newShape },
             { QStringLiteral("relation_lsn"), relationLsn },
             { QStringLiteral("status"), status },
             { QStringLiteral("held_at"), rows::isoOrNull(heldAt) },
             { QStringLiteral("decided_at"), rows::isoOrNull(decidedAt) },
             { QStringLiteral("decided_by"),
               decidedBy.isEmpty() ? QJsonValue() : QJsonValue(decidedBy) } };
}

CdcSchemaChangeRecord CdcSchemaChangeRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    CdcSchemaChangeRecord record;
    record.id = query.value(0).toLongLong();
    record.pairId = query.value(1).toLongLong();
    record.tableSchema = query.value(2).toString();
    record.tableName = query.value(3).toString();
    record.oldShape = rows::jsonObject(query.value(4));
    record.newShape = rows::jsonObject(query.value(5));
    record.relationLsn = query.value(6).toString();
    record.status = query.value(7).toString();
    record.heldAt = dialect.fromDb(query.value(8));
    record.decidedAt = dialect.fromDb(query.value(9));
    record.decidedBy = query.value(10).toString();
    record.previousDefinition = rows::jsonObject(query.value(11));
    return record;
}

CdcSchemaChangeRecord CdcSchemaChangeRepository::hold(const CdcSchemaChangeRecord &change)
{
    for (const CdcSchemaChangeRecord &open : list(change.pairId, { QStringLiteral("pending") })) {
        if (open.tableSchema == change.tableSchema && open.tableName == change.tableName
            && open.newShape == change.newShape)
            return open;
    }
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO cdc_schema_changes (pair_id, table_schema, table_name, "
                       "old_shape, new_shape, relation_lsn, status, held_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id"));
    query.addBindValue(change.pairId);
    query.addBindValue(change.tableSchema);
    query.addBindValue(change.tableName);
    query.addBindValue(rows::jsonText(change.oldShape));
    query.addBindValue(rows::jsonText(change.newShape));
    query.addBindValue(change.relationLsn);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    m_database.exec(query, "holding a schema change");
    return get(change.pairId, rows::returnedId(m_database, query));
}

CdcSchemaChangeRecord CdcSchemaChangeRepository::get(qint64 pairId, qint64 id) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT %1 FROM cdc_schema_changes WHERE id = ? AND pair_id = ?").arg(kColumns));
    query.addBindValue(id);
    query.addBindValue(pairId);
    m_database.exec(query, "reading a schema change");
    if (!query.next())
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("schema change %1 of sync pair %2 not found").arg(id).arg(pairId));
    return read(query);
}

QList<CdcSchemaChangeRecord> CdcSchemaChangeRepository::list(qint64 pairId,
                                                             const QStringList &statuses) const
{
    QString sql = QStringLiteral("SELECT %1 FROM cdc_schema_changes WHERE pair_id = ?").arg(kColumns);
    if (!statuses.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < statuses.size(); ++i)
            marks << QStringLiteral("?");
        sql += QStringLiteral(" AND status IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    QSqlQuery query = m_database.prepare(sql + QStringLiteral(" ORDER BY id"));
    query.addBindValue(pairId);
    for (const QString &status : statuses)
        query.addBindValue(status);
    m_database.exec(query, "listing schema changes");
    QList<CdcSchemaChangeRecord> records;
    while (query.next())
        records << read(query);
    return records;
}

bool CdcSchemaChangeRepository::decide(qint64 id, const QString &from, const QString &to,
                                       const QString &by, const QJsonObject &previousDefinition)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE cdc_schema_changes SET status = ?, decided_at = COALESCE(decided_at, ?), "
        "decided_by = COALESCE(decided_by, ?), previous_definition = COALESCE(?, previous_definition) "
        "WHERE id = ? AND status = ?"));
    query.addBindValue(to);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(rows::textOrNull(by));
    query.addBindValue(previousDefinition.isEmpty()
                           ? QVariant(QMetaType(QMetaType::QString))
                           : QVariant(rows::jsonText(previousDefinition)));
    query.addBindValue(id);
    query.addBindValue(from);
    m_database.exec(query, "deciding a schema change");
    return query.numRowsAffected() == 1;
}

int CdcSchemaChangeRepository::supersede(qint64 pairId, const QString &by)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE cdc_schema_changes SET status = 'superseded', decided_at = COALESCE(decided_at, ?), "
        "decided_by = COALESCE(decided_by, ?) "
        "WHERE pair_id = ? AND status IN ('pending', 'approved', 'rejected')"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(rows::textOrNull(by));
    query.addBindValue(pairId);
    m_database.exec(query, "superseding schema changes");
    return query.numRowsAffected();
}

std::optional<QJsonObject> CdcSchemaChangeRepository::acceptedShape(qint64 pairId,
                                                                    const QString &schema,
                                                                    const QString &table) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT shape FROM cdc_relation_shapes WHERE pair_id = ? AND table_schema = ? AND table_name = ?"));
    query.addBindValue(pairId);
    query.addBindValue(schema);
    query.addBindValue(table);
    m_database.exec(query, "reading an accepted table shape");
    if (!query.next())
        return std::nullopt;
    return rows::jsonObject(query.value(0));
}

void CdcSchemaChangeRepository::acceptShape(qint64 pairId, const QString &schema,
                                            const QString &table, const QJsonObject &shape)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "INSERT INTO cdc_relation_shapes (pair_id, table_schema, table_name, shape) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (pair_id, table_schema, table_name) DO UPDATE SET shape = excluded.shape"));
    query.addBindValue(pairId);
    query.addBindValue(schema);
    query.addBindValue(table);
    query.addBindValue(rows::jsonText(shape));
    m_database.exec(query, "storing an accepted table shape");
}

void CdcSchemaChangeRepository::forgetShapes(qint64 pairId)
{
    QSqlQuery query = m_database.prepare(QStringLiteral("DELETE FROM cdc_relation_shapes WHERE pair_id = ?"));
    query.addBindValue(pairId);
    m_database.exec(query, "forgetting accepted table shapes");
}

} // namespace tf::db
