#include "sqlitecdctarget.h"

#include "db/connection.h"
#include "sqlitecdctablewriter.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

namespace {

const QString kPositionTable = QStringLiteral("tf_cdc_position");
const QString kSnapshotTable = QStringLiteral("tf_cdc_snapshot");
// SQLite's clock as the stored times are written: UTC, milliseconds, ISO 8601.
const QString kNow = QStringLiteral("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");

} // namespace

SqliteCdcPositionStore::SqliteCdcPositionStore(const db::Database &target)
    : m_target(target)
{ }

void SqliteCdcPositionStore::ensureTable()
{
    m_target.execDirect(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id TEXT NOT NULL, "
                                       "slot TEXT NOT NULL, system_id TEXT NOT NULL, "
                                       "timeline INTEGER NOT NULL, end_lsn INTEGER NOT NULL, "
                                       "updated_at TEXT NOT NULL, PRIMARY KEY (pair_id, slot))")
                            .arg(kPositionTable),
                        "creating tf_cdc_position");
    m_target.execDirect(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (pair_id TEXT NOT NULL, "
                                       "slot TEXT NOT NULL, started_at TEXT NOT NULL, "
                                       "PRIMARY KEY (pair_id, slot))")
                            .arg(kSnapshotTable),
                        "creating tf_cdc_snapshot");
}

std::optional<StoredPosition> SqliteCdcPositionStore::load(const QString &pairId,
                                                           const QString &slot)
{
    QSqlQuery query = m_target.prepare(QStringLiteral("SELECT system_id, timeline, end_lsn FROM %1 "
                                                      "WHERE pair_id = ? AND slot = ?")
                                           .arg(kPositionTable));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, "reading the cdc position");
    if (!query.next())
        return std::nullopt;
    StoredPosition position;
    position.slot = slot;
    position.systemId = query.value(0).toString();
    position.timeline = query.value(1).toInt();
    position.appliedEnd = Lsn(query.value(2).toLongLong());
    return position;
}

bool SqliteCdcPositionStore::save(const QString &pairId, const StoredPosition &position)
{
    QSqlQuery query = m_target.prepare(
        QStringLiteral("INSERT INTO %1 (pair_id, slot, system_id, timeline, end_lsn, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, %2) ON CONFLICT (pair_id, slot) DO UPDATE SET "
                       "system_id = excluded.system_id, timeline = excluded.timeline, "
                       "end_lsn = excluded.end_lsn, updated_at = excluded.updated_at "
                       "WHERE %1.end_lsn <= excluded.end_lsn")
            .arg(kPositionTable, kNow));
    query.addBindValue(pairId);
    query.addBindValue(position.slot);
    query.addBindValue(position.systemId);
    query.addBindValue(position.timeline);
    query.addBindValue(qint64(position.appliedEnd));
    m_target.exec(query, "saving the cdc position");
    return query.numRowsAffected() > 0;
}

void SqliteCdcPositionStore::removeRow(const QString &table, const QString &pairId,
                                       const QString &slot, const char *what)
{
    QSqlQuery query = m_target.prepare(
        QStringLiteral("DELETE FROM %1 WHERE pair_id = ? AND slot = ?").arg(table));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, what);
}

void SqliteCdcPositionStore::remove(const QString &pairId, const QString &slot)
{
    removeRow(kPositionTable, pairId, slot, "removing the cdc position");
}

void SqliteCdcPositionStore::markSnapshot(const QString &pairId, const QString &slot)
{
    QSqlQuery query = m_target.prepare(QStringLiteral("INSERT INTO %1 (pair_id, slot, started_at) "
                                                      "VALUES (?, ?, %2) ON CONFLICT DO NOTHING")
                                           .arg(kSnapshotTable, kNow));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, "marking a cdc snapshot started");
}

std::optional<QDateTime> SqliteCdcPositionStore::snapshotMark(const QString &pairId,
                                                              const QString &slot)
{
    QSqlQuery query = m_target.prepare(
        QStringLiteral("SELECT started_at FROM %1 WHERE pair_id = ? AND slot = ?")
            .arg(kSnapshotTable));
    query.addBindValue(pairId);
    query.addBindValue(slot);
    m_target.exec(query, "reading the cdc snapshot mark");
    if (!query.next())
        return std::nullopt;
    return QDateTime::fromString(query.value(0).toString(), Qt::ISODateWithMs);
}

void SqliteCdcPositionStore::clearSnapshot(const QString &pairId, const QString &slot)
{
    removeRow(kSnapshotTable, pairId, slot, "clearing the cdc snapshot mark");
}

SqliteCdcTarget::SqliteCdcTarget(const db::Database &target)
    : m_target(target)
    , m_positions(target)
{ }

std::unique_ptr<CdcTransaction> SqliteCdcTarget::begin()
{
    return beginDbTransaction(m_target); // BEGIN IMMEDIATE: the write lock
}

std::unique_ptr<CdcTableWriter> SqliteCdcTarget::tableWriter(const QString &table,
                                                             SchemaPtr rowSchema,
                                                             const QStringList &keyColumns)
{
    return std::make_unique<SqliteCdcTableWriter>(m_target, table, std::move(rowSchema),
                                                  keyColumns);
}

void SqliteCdcTarget::close()
{
    m_target.closeThreadConnection();
}

} // namespace tf::sync::cdc
