#pragma once

#include "cdctarget.h"
#include "slotsafety.h"

#include <QDateTime>
#include <QString>
#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync::cdc {

// Where a cdc pair's target stands: tf_cdc_position(pair_id, slot, system_id, timeline,
// end_lsn, updated_at) in the target's schema, next to tf_sync_state. The executor saves the
// position in the same transaction as the changes it applied, so the target holds exactly the
// transactions up to end_lsn: a restart streams from there and skips what is not past it.
// Queries run on the calling thread's connection of `target`, inside whatever transaction is
// open on it.
class CdcPositionStore final : public CdcPositions
{
public:
    CdcPositionStore(const db::Database &target, const QString &schema);

    // CREATE TABLE IF NOT EXISTS, serialised by an advisory lock (two pairs starting at once).
    void ensureTable() override;
    std::optional<StoredPosition> load(const QString &pairId, const QString &slot) override;
    // Upserts the position. It never moves backwards: an end LSN below the stored one is not
    // saved (false), since that would apply transactions twice after a restart.
    bool save(const QString &pairId, const StoredPosition &position) override;
    void remove(const QString &pairId, const QString &slot) override;

    // tf_cdc_snapshot(pair_id, slot, started_at), created by ensureTable(): set (committed) before
    // a snapshot writes its first row and cleared in the transaction that saves its consistent
    // point. Found set at the next snapshot, it says the target holds rows of an attempt that
    // did not finish (or of a pair that is re-snapshotted), which the new load alone would not
    // remove when their source rows were deleted meanwhile.
    void markSnapshot(const QString &pairId, const QString &slot) override;
    std::optional<QDateTime> snapshotMark(const QString &pairId, const QString &slot) override;
    void clearSnapshot(const QString &pairId, const QString &slot) override;

    const QString &table() const { return m_table; }

private:
    void removeRow(const QString &table, const QString &pairId, const QString &slot, const char *what);

    const db::Database &m_target;
    QString m_table; // "schema"."tf_cdc_position", quoted
    QString m_snapshotTable; // "schema"."tf_cdc_snapshot", quoted
};

} // namespace tf::sync::cdc
