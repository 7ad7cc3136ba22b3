#pragma once

#include "cdctarget.h"

namespace tf::sync {
class OdbcConnector;
namespace odbc {
class Session;
}
} // namespace tf::sync

namespace tf::sync::cdc {

// tf_cdc_position / tf_cdc_snapshot in an ODBC target database (`kind: odbc`, `kind:
// sqlserver`), beside tf_odbc_sync_state, on the connector's own connection (odbccdcstatements.h
// has the SQL):
//   tf_cdc_position(pair_id, slot, system_id, timeline, end_lsn BIGINT, updated_at)
//   tf_cdc_snapshot(pair_id, slot, started_at)
// Times are UTC ISO 8601 text (the client's clock: the databases share no time function).
// ensureTable() creates what the driver's catalog does not list, outside any transaction (some
// databases commit DDL implicitly). Saving an older end LSN changes nothing (false).
class OdbcCdcPositionStore final : public CdcPositions
{
public:
    explicit OdbcCdcPositionStore(odbc::Session &session);

    void ensureTable() override;
    std::optional<StoredPosition> load(const QString &pairId, const QString &slot) override;
    bool save(const QString &pairId, const StoredPosition &position) override;
    void remove(const QString &pairId, const QString &slot) override;
    void markSnapshot(const QString &pairId, const QString &slot) override;
    std::optional<QDateTime> snapshotMark(const QString &pairId, const QString &slot) override;
    void clearSnapshot(const QString &pairId, const QString &slot) override;

private:
    odbc::Session &m_session;
};

// An ODBC target: the connector's connection, one ODBC transaction (autocommit off) per target
// commit (odbc::SessionTransaction), the position in the database itself. On SQL Server the
// connection's row counts are turned on and its isolation set to READ COMMITTED before each
// transaction.
class OdbcCdcTarget final : public CdcTarget
{
public:
    explicit OdbcCdcTarget(OdbcConnector &target);

    std::unique_ptr<CdcTransaction> begin() override;
    std::unique_ptr<CdcTableWriter> tableWriter(const QString &table, SchemaPtr rowSchema,
                                                const QStringList &keyColumns) override;
    CdcPositions &positions() override { return m_positions; }
    void close() override { } // the connector's session closes with the connector

private:
    OdbcConnector &m_target;
    OdbcCdcPositionStore m_positions;
};

} // namespace tf::sync::cdc
