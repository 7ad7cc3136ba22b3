#pragma once

#include "sync/rangechecksums.h"

#include <QByteArrayView>
#include <QList>

#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;
class PgSession;

// Keys per block of the stored block sums: the engine's sub-blocks (HashExecutor::Options::
// subBlockWidth). Its coarse blocks (blockWidth, a multiple) are summed from these by the server.
constexpr qint64 kStateBlockWidth = 10;

// Hash mode by blocks, the state side (BlockStates for PostgresStateStore).
//
// tf_sync_state_blocks_w10(pair_id, entity, block, rows, hashed, a, b) holds the sums of the state
// rows whose source key is an integer, per block of kStateBlockWidth keys, as deltas appended
// by statement triggers on tf_sync_state (with transition tables) in the transaction that
// writes the rows: every writer of state (full, cursor, hash, replay, repair, even plain SQL)
// keeps them exact, a crash loses both or neither, and writers never wait for each other on a
// block. `hashed` counts the rows whose hash is a typed row hash (a decimal int8).
//
// Creates the table, its triggers and the sums of the rows already there when the triggers
// are missing (a state table of a layout before: upgraded in place; the blocks of 100 keys of
// tf_sync_state_blocks, with their triggers and functions, are dropped then), inside the
// caller's transaction, which holds the state tables' advisory lock. The names carry the
// width, so a version of another width keeps its own table and never reads this one.
void createStateBlocks(PgSession &session, const PgCatalog &catalog);

// The transaction-local setting (set_config(..., true)) under which the INSERT triggers on
// tf_sync_state add nothing: set to 'on' around one INSERT whose writer adds the sums of its rows
// itself in the same transaction (insertStagedBlocks), and reset right after it.
constexpr char kStagedBlocksSetting[] = "tf.state_blocks_w10_written";

// A state text (key or hash) as the triggers read it: an int8 when it is the decimal text of
// one (an optional '-', digits, at most 20 characters; leading zeros allowed), else nullopt.
// Text of that form past the int8 range sets *outOfRange: the triggers' cast fails on it.
std::optional<qint64> stateInteger(QByteArrayView text, bool *outOfRange);

// True when the trigger function honours kStagedBlocksSetting (the layout of this version; one
// of the layout before is replaced by createStateBlocks, under a SHARE ROW EXCLUSIVE lock on
// tf_sync_state: asked after a writer's INSERT, the answer holds for that INSERT).
bool deltaFunctionSkipsStaged(PgSession &session, const PgCatalog &catalog, const QString &what);

// Adds the sums of the rows of the staged table `staged` (pg_temp.tf_staged: source_key, hash,
// target_key, and k, h: stateInteger() of source_key and hash, NULL for none) that an INSERT
// from it writes (target_key set) as the triggers would: one set-based statement over int8
// columns, without the triggers' text tests. Params: the pair id and the entity.
void insertStagedBlocks(PgSession &session, const PgCatalog &catalog, const QString &staged, const QString &what,
                        const QList<QByteArray> &pairAndEntity);

// The stored sums per block (RangeSum as PgRanges::blockSums computes them at the source; a
// block with a hash that is not a typed row hash counts -1 rows). The deltas are folded into
// one row per block first when they outnumber the blocks, so a run reads about one row per
// block. A multiple of kStateBlockWidth is summed from the stored blocks by the server (one
// row per coarse block travels); another width is computed from the rows (one scan of the
// entity's state).
std::optional<QHash<qint64, RangeSum>> stateBlockSums(const db::Database &database, const PgCatalog &catalog,
                                                      const QString &pairId, const QString &entity,
                                                      qint64 width);
// The stored sums of just these blocks of kStateBlockWidth keys (the sub-blocks of the coarse
// blocks that differ), through the table's (pair_id, entity, block) index.
QHash<qint64, RangeSum> storedBlockSums(const db::Database &database, const PgCatalog &catalog,
                                        const QString &pairId, const QString &entity, const QList<qint64> &blocks);
// The stored entries of the keys in these blocks, through the state's primary key.
QList<StateEntry> stateBlockEntries(const db::Database &database, const PgCatalog &catalog,
                                    const QString &pairId, const QString &entity, qint64 width,
                                    const QList<qint64> &blocks);

} // namespace tf::sync::pg
