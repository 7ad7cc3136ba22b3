#include "cdcpositionstore.h"

#include "db/connection.h"
#include "sync/connectors/postgressession.h"
#include "sync/connectors/postgrestemptables.h"
#include "sync/connectors/postgrestypes.h"

#include <QSqlQuery>
#include <QVariant>

namespace tf::sync::cdc {

namespace {

// pg_advisory_xact_lock key of the table's creation ("tfcdcpos").
constexpr qint64 kCreateLock = 0x7466636463706f73;

} // namespace

CdcPositionStore::CdcPositionStore(const db::Database &target, const QString &schema)
    : m_target(target)
    , m_table(pg::quoteIdentifier(schema) + QStringLiteral(".tf_cdc_position"))
    , m_snapshotTable(pg::quoteIdentifier(schema) + QStringLiteral(".tf_cdc_snapshot"))
{ }

void CdcPositionStore::ensureTable()
{
    db::Transaction transaction(m_target);
    transaction.lock(kCreateLock);
    m_target.execDirect(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id text NOT NULL, "
                                       "slot text NOT NULL, system_id text NOT NULL, "
                                       "timeline integer NOT NULL, end_lsn pg_lsn NOT NULL, "
                                       "updated_at timestamptz NOT NULL DEFAULT now(), "
                                       "PRIMARY KEY (pair_id, slot))")
                            .arg(m_table),
                        "creating tf_cdc_position");
    m_target.execDirect(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id text NOT NULL, "
                                       "slot text NOT NULL, "
                                       "started_at timestamptz NOT NULL DEFAULT now(), "
                                       "PRIMARY KEY (pair_id, slot))")
                            .arg(m_snapshotTable),
                        "creating tf_cdc_snapshot");
    transaction.commit();
}

std::optional<StoredPosition> CdcPositionStore::load(const QString &pairId, const QString &slot)
{
    QSqlQuery query
        = m_target.prepare(QStringLiteral("SELECT system_id, timeline, end_lsn::text FROM %1 "
                                          "WHERE pair_id = ? AND slot = ?")
                               .arg(m_table));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, "reading the cdc position");
    if (!query.next())
        return std::nullopt;
    StoredPosition position;
    position.slot = slot;
    position.systemId = query.value(0).toString();
    position.timeline = query.value(1).toInt();
    position.appliedEnd = parseLsn(query.value(2).toString()).value_or(0);
    return position;
}

bool CdcPositionStore::save(const QString &pairId, const StoredPosition &position)
{
    // One round trip (PQexecParams): this runs in every target commit of the stream.
    pg::PgSession session(m_target);
    return pg::queryIntegers(
               session,
               QStringLiteral("WITH w AS (INSERT INTO %1 AS p (pair_id, slot, system_id, timeline, "
                              "end_lsn) VALUES ($1, $2, $3, $4, CAST($5 AS pg_lsn)) "
                              "ON CONFLICT (pair_id, slot) DO UPDATE SET system_id = "
                              "EXCLUDED.system_id, timeline = EXCLUDED.timeline, end_lsn = "
                              "EXCLUDED.end_lsn, updated_at = now() WHERE p.end_lsn <= "
                              "EXCLUDED.end_lsn RETURNING 1) SELECT count(*) FROM w")
                   .arg(m_table)
                   .toUtf8(),
               QStringLiteral("saving the cdc position"),
               { pairId.toUtf8(), position.slot.toUtf8(), position.systemId.toUtf8(),
                 QByteArray::number(position.timeline), formatLsn(position.appliedEnd).toUtf8() })
               .value(0)
        > 0;
}

void CdcPositionStore::removeRow(const QString &table, const QString &pairId, const QString &slot,
                                 const char *what)
{
    QSqlQuery query
        = m_target.prepare(QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND slot = ?").arg(table));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, what);
}

void CdcPositionStore::remove(const QString &pairId, const QString &slot)
{
    removeRow(m_table, pairId, slot, "removing the cdc position");
}

void CdcPositionStore::markSnapshot(const QString &pairId, const QString &slot)
{
    QSqlQuery query = m_target.prepare(
        QStringLiteral("INSERT INTO %1 (pair_id, slot) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .arg(m_snapshotTable));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, "marking a cdc snapshot started");
}

std::optional<QDateTime> CdcPositionStore::snapshotMark(const QString &pairId, const QString &slot)
{
    QSqlQuery query = m_target.prepare(
        QStringLiteral("SELECT started_at FROM %1 WHERE pair_id = ? AND slot = ?").arg(m_snapshotTable));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, "reading the cdc snapshot mark");
    if (!query.next())
        return std::nullopt;
    return query.value(0).toDateTime();
}

void CdcPositionStore::clearSnapshot(const QString &pairId, const QString &slot)
{
    removeRow(m_snapshotTable, pairId, slot, "clearing the cdc snapshot mark");
}

} // namespace tf::sync::cdc
