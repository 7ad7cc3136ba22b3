#include "mysqlcdctarget.h"

#include "mysqlcdctablewriter.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/mysqlsession.h"

#include <QSqlQuery>

namespace tf::sync::cdc {

using mysql::Session;

namespace {

constexpr Session::Role kWrite = Session::Role::Write;

class MysqlTransaction final : public CdcTransaction
{
public:
    explicit MysqlTransaction(Session &session)
        : m_transaction(session, kWrite)
    { }
    void commit() override { m_transaction.commit(); }

private:
    mysql::SessionTransaction m_transaction;
};

} // namespace

MysqlCdcPositionStore::MysqlCdcPositionStore(Session &session)
    : m_session(session)
{ }

void MysqlCdcPositionStore::ensureTable()
{
    m_session.execDirect(kWrite,
                         QStringLiteral("CREATE TABLE IF NOT EXISTS tf_cdc_position (pair_id VARCHAR(191) NOT NULL, "
                                        "slot VARCHAR(191) NOT NULL, system_id VARCHAR(64) NOT NULL, "
                                        "timeline INT NOT NULL, end_lsn BIGINT UNSIGNED NOT NULL, "
                                        "updated_at DATETIME(6) NOT NULL, PRIMARY KEY (pair_id, slot)) "
                                        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
                         "creating tf_cdc_position");
    m_session.execDirect(kWrite,
                         QStringLiteral("CREATE TABLE IF NOT EXISTS tf_cdc_snapshot (pair_id VARCHAR(191) NOT NULL, "
                                        "slot VARCHAR(191) NOT NULL, started_at DATETIME(6) NOT NULL, "
                                        "PRIMARY KEY (pair_id, slot)) "
                                        "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
                         "creating tf_cdc_snapshot");
}

std::optional<StoredPosition> MysqlCdcPositionStore::load(const QString &pairId, const QString &slot)
{
    QSqlQuery query = m_session.run(kWrite,
                                    QStringLiteral("SELECT system_id, timeline, CAST(end_lsn AS CHAR) "
                                                   "FROM tf_cdc_position WHERE pair_id = ? AND slot = ?"),
                                    { pairId, slot }, "reading the cdc position");
    if (!query.next())
        return std::nullopt;
    StoredPosition position;
    position.slot = slot;
    position.systemId = query.value(0).toString();
    position.timeline = query.value(1).toInt();
    position.appliedEnd = query.value(2).toString().toULongLong();
    return position;
}

bool MysqlCdcPositionStore::save(const QString &pairId, const StoredPosition &position)
{
    // ON DUPLICATE KEY UPDATE assigns left to right: end_lsn last, so the conditions before it
    // still compare with the stored one. An older end LSN changes nothing: 0 rows affected.
    const QString newer = QStringLiteral("end_lsn <= VALUES(end_lsn)");
    QSqlQuery query = m_session.run(
        kWrite,
        QStringLiteral("INSERT INTO tf_cdc_position (pair_id, slot, system_id, timeline, end_lsn, "
                       "updated_at) VALUES (?, ?, ?, ?, CAST(? AS UNSIGNED), UTC_TIMESTAMP(6)) "
                       "ON DUPLICATE KEY UPDATE system_id = IF(%1, VALUES(system_id), system_id), "
                       "timeline = IF(%1, VALUES(timeline), timeline), "
                       "updated_at = IF(%1, VALUES(updated_at), updated_at), "
                       "end_lsn = IF(%1, VALUES(end_lsn), end_lsn)")
            .arg(newer),
        { pairId, position.slot, position.systemId, position.timeline,
          QString::number(position.appliedEnd) },
        "saving the cdc position");
    return query.numRowsAffected() > 0;
}

void MysqlCdcPositionStore::remove(const QString &pairId, const QString &slot)
{
    m_session.run(kWrite, QStringLiteral("DELETE FROM tf_cdc_position WHERE pair_id = ? AND slot = ?"),
                  { pairId, slot }, "removing the cdc position");
}

void MysqlCdcPositionStore::markSnapshot(const QString &pairId, const QString &slot)
{
    m_session.run(kWrite,
                  QStringLiteral("INSERT IGNORE INTO tf_cdc_snapshot (pair_id, slot, started_at) "
                                 "VALUES (?, ?, UTC_TIMESTAMP(6))"),
                  { pairId, slot }, "marking a cdc snapshot started");
}

std::optional<QDateTime> MysqlCdcPositionStore::snapshotMark(const QString &pairId,
                                                             const QString &slot)
{
    QSqlQuery query = m_session.run(kWrite,
                                    QStringLiteral("SELECT DATE_FORMAT(started_at, '%Y-%m-%dT%H:%i:%s.%fZ') "
                                                   "FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?"),
                                    { pairId, slot }, "reading the cdc snapshot mark");
    if (!query.next())
        return std::nullopt;
    return QDateTime::fromString(query.value(0).toString(), Qt::ISODateWithMs);
}

void MysqlCdcPositionStore::clearSnapshot(const QString &pairId, const QString &slot)
{
    m_session.run(kWrite, QStringLiteral("DELETE FROM tf_cdc_snapshot WHERE pair_id = ? AND slot = ?"),
                  { pairId, slot }, "clearing the cdc snapshot mark");
}

MysqlCdcTarget::MysqlCdcTarget(MysqlConnector &target)
    : m_target(target)
    , m_positions(target.session())
{ }

std::unique_ptr<CdcTransaction> MysqlCdcTarget::begin()
{
    return std::make_unique<MysqlTransaction>(m_target.session());
}

std::unique_ptr<CdcTableWriter> MysqlCdcTarget::tableWriter(const QString &table,
                                                            SchemaPtr rowSchema,
                                                            const QStringList &keyColumns)
{
    return std::make_unique<MysqlCdcTableWriter>(m_target, table, std::move(rowSchema), keyColumns);
}

} // namespace tf::sync::cdc
