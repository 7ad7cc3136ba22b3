#pragma once

#include "cdctarget.h"

namespace tf::db {
class Database;
}

namespace tf::sync::cdc {

// tf_cdc_position / tf_cdc_snapshot inside an SQLite target file, beside tf_sync_state:
//   tf_cdc_position(pair_id, slot, system_id, timeline, end_lsn INTEGER, updated_at TEXT)
//   tf_cdc_snapshot(pair_id, slot, started_at TEXT)
// end_lsn is the LSN as a 64-bit integer (so "never backwards" is one comparison); times are
// UTC ISO 8601. No lock is taken: SQLite's write lock (BEGIN IMMEDIATE) serialises writers.
class SqliteCdcPositionStore final : public CdcPositions
{
public:
    explicit SqliteCdcPositionStore(const db::Database &target);

    void ensureTable() override;
    std::optional<StoredPosition> load(const QString &pairId, const QString &slot) override;
    bool save(const QString &pairId, const StoredPosition &position) override;
    void remove(const QString &pairId, const QString &slot) override;
    void markSnapshot(const QString &pairId, const QString &slot) override;
    std::optional<QDateTime> snapshotMark(const QString &pairId, const QString &slot) override;
    void clearSnapshot(const QString &pairId, const QString &slot) override;

private:
    void removeRow(const QString &table, const QString &pairId, const QString &slot,
                   const char *what);

    const db::Database &m_target;
};

// An SQLite target file: the SQLite connector's own connection (one per thread), its
// transactions BEGIN IMMEDIATE, the position in the file itself (SqliteCdcPositionStore).
class SqliteCdcTarget final : public CdcTarget
{
public:
    explicit SqliteCdcTarget(const db::Database &target);

    std::unique_ptr<CdcTransaction> begin() override;
    std::unique_ptr<CdcTableWriter> tableWriter(const QString &table, SchemaPtr rowSchema,
                                                const QStringList &keyColumns) override;
    CdcPositions &positions() override { return m_positions; }
    void close() override;

private:
    const db::Database &m_target;
    SqliteCdcPositionStore m_positions;
};

} // namespace tf::sync::cdc
