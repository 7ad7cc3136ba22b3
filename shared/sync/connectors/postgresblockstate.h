#pragma once

#include "sync/rangechecksums.h"

#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;
class PgSession;

// Keys per block of the stored block sums (the engine's default, HashExecutor::Options).
constexpr qint64 kStateBlockWidth = 100;

// Hash mode by blocks, the state side (BlockStates for PostgresStateStore).
//
// tf_sync_state_blocks(pair_id, entity, block, rows, hashed, a, b) holds the sums of the state
// rows whose source key is an integer, per block of kStateBlockWidth keys, as deltas appended
// by statement triggers on tf_sync_state (with transition tables) in the transaction that
// writes the rows: every writer of state (full, cursor, hash, replay, repair, even plain SQL)
// keeps them exact, a crash loses both or neither, and writers never wait for each other on a
// block. `hashed` counts the rows whose hash is a typed row hash (a decimal int8).
//
// Creates the table, its triggers and the sums of the rows already there when the triggers
// are missing (a state table of the layout before: upgraded in place), inside the caller's
// transaction, which holds the state tables' advisory lock.
void createStateBlocks(PgSession &session, const PgCatalog &catalog);

// The stored sums per block (RangeSum as PgRanges::blockSums computes them at the source; a
// block with a hash that is not a typed row hash counts -1 rows). The deltas are folded into
// one row per block first when they outnumber the blocks, so a run reads about one row per
// block. Another width is computed from the rows (one scan of the entity's state).
std::optional<QHash<qint64, RangeSum>> stateBlockSums(const db::Database &database, const PgCatalog &catalog,
                                                      const QString &pairId, const QString &entity,
                                                      qint64 width);
// The stored entries of the keys in these blocks, through the state's primary key.
QList<StateEntry> stateBlockEntries(const db::Database &database, const PgCatalog &catalog,
                                    const QString &pairId, const QString &entity, qint64 width,
                                    const QList<qint64> &blocks);

} // namespace tf::sync::pg
