#pragma once

#include "sync/rangechecksums.h"

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;

// Hash mode by blocks, the state side (BlockStates for PostgresStateStore): the rows of
// tf_sync_state of one (pair, entity) whose source key is an integer, grouped by block of
// `width` keys in one aggregate query, with the sums PgRanges::blockSums computes at the
// source. Computed from the row state on every call: a block sum is never stored apart from
// the rows it sums, so it cannot run ahead of (or lag behind) them.
QHash<qint64, RangeSum> stateBlockSums(const db::Database &database, const PgCatalog &catalog,
                                       const QString &pairId, const QString &entity, qint64 width);
QList<StateEntry> stateBlockEntries(const db::Database &database, const PgCatalog &catalog,
                                    const QString &pairId, const QString &entity, qint64 width,
                                    const QList<qint64> &blocks);

} // namespace tf::sync::pg
