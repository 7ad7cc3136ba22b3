// tf_sync_source_checksum of a PostgreSQL sync state (BlockStates::SourceChecksum): the source's
// table checksum a hash run by blocks recorded, and the totals of the state's block sums then.
// One row per (pair, entity), replaced by each record; clear() deletes it with the state.
#include "postgrescatalog.h"
#include "postgresstatestore.h"

#include "db/connection.h"

#include <QSqlQuery>

namespace tf::sync {

std::optional<BlockStates::SourceChecksum> PostgresStateStore::sourceChecksum(const QString &pairId,
                                                                              const QString &entity)
{
    ensureTables();
    QSqlQuery query = m_writes.prepare(QStringLiteral("SELECT checksum, fingerprint, state_blocks, state_rows, state_a,"
                                                      " state_b FROM %1 WHERE pair_id = ? AND entity = ?")
                                           .arg(m_catalog.sourceChecksumTable()));
    query.addBindValue(pairId);
    query.addBindValue(entity);
    m_writes.exec(query, "reading the recorded source checksum");
    if (!query.next())
        return std::nullopt;
    return SourceChecksum { { query.value(0).toString(), query.value(1).toString() },
                            query.value(2).toLongLong(),
                            { query.value(3).toLongLong(), query.value(4).toLongLong(), query.value(5).toLongLong() } };
}

void PostgresStateStore::recordSourceChecksum(const QString &pairId, const QString &entity,
                                              const SourceChecksum &recorded)
{
    ensureTables();
    QSqlQuery query = m_writes.prepare(
        QStringLiteral("INSERT INTO %1 (pair_id, entity, checksum, fingerprint, state_blocks, state_rows, state_a,"
                       " state_b) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pair_id, entity) DO UPDATE SET"
                       " checksum = EXCLUDED.checksum, fingerprint = EXCLUDED.fingerprint,"
                       " state_blocks = EXCLUDED.state_blocks, state_rows = EXCLUDED.state_rows,"
                       " state_a = EXCLUDED.state_a, state_b = EXCLUDED.state_b, recorded_at = now()")
            .arg(m_catalog.sourceChecksumTable()));
    for (const QVariant &value : { QVariant(pairId), QVariant(entity), QVariant(recorded.table.checksum),
                                   QVariant(recorded.table.fingerprint), QVariant(recorded.blocks),
                                   QVariant(recorded.totals.rows), QVariant(recorded.totals.a),
                                   QVariant(recorded.totals.b) })
        query.addBindValue(value);
    m_writes.exec(query, "recording the source checksum");
}

} // namespace tf::sync
