#pragma once

#include "cdctarget.h"

namespace tf::sync {
class MysqlConnector;
namespace mysql {
class Session;
}
} // namespace tf::sync

namespace tf::sync::cdc {

// tf_cdc_position / tf_cdc_snapshot in a MariaDB/MySQL target database, beside tf_sync_state
// (InnoDB, utf8mb4_bin):
//   tf_cdc_position(pair_id, slot, system_id, timeline, end_lsn BIGINT UNSIGNED, updated_at DATETIME(6))
//   tf_cdc_snapshot(pair_id, slot, started_at DATETIME(6))
// on the connector's write connection. Times are UTC. CREATE TABLE commits implicitly:
// ensureTable() runs before any transaction. Saving an older end LSN changes nothing (false).
class MysqlCdcPositionStore final : public CdcPositions
{
public:
    explicit MysqlCdcPositionStore(mysql::Session &session);

    void ensureTable() override;
    std::optional<StoredPosition> load(const QString &pairId, const QString &slot) override;
    bool save(const QString &pairId, const StoredPosition &position) override;
    void remove(const QString &pairId, const QString &slot) override;
    void markSnapshot(const QString &pairId, const QString &slot) override;
    std::optional<QDateTime> snapshotMark(const QString &pairId, const QString &slot) override;
    void clearSnapshot(const QString &pairId, const QString &slot) override;

private:
    mysql::Session &m_session;
};

// A MariaDB/MySQL target: the connector's write connection, an InnoDB transaction per target
// commit (mysql::SessionTransaction), the position in the database itself.
class MysqlCdcTarget final : public CdcTarget
{
public:
    explicit MysqlCdcTarget(MysqlConnector &target);

    std::unique_ptr<CdcTransaction> begin() override;
    std::unique_ptr<CdcTableWriter> tableWriter(const QString &table, SchemaPtr rowSchema,
                                                const QStringList &keyColumns) override;
    CdcPositions &positions() override { return m_positions; }
    void close() override { } // the connector's session closes with the connector

private:
    MysqlConnector &m_target;
    MysqlCdcPositionStore m_positions;
};

} // namespace tf::sync::cdc
