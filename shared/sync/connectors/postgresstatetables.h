#pragma once

#include "sync/connector.h"

#include <QByteArray>
#include <QList>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

class PgCatalog;
class PgSession;
class PgTempTables;

// The sync-state tables in the target's schema, next to the data they describe:
//   tf_sync_state(pair_id, entity, source_key, hash, target_key)
//       unique key kStateKeyIndex: stateKeyColumns(), a fixed-width scope of (pair_id, entity),
//       length(source_key), source_key, then pair_id and entity
//   tf_sync_checkpoint(pair_id, entity, cursor_value, cursor_type, key_text, updated_at)
//   tf_sync_state_blocks: block sums of tf_sync_state, kept by its triggers
//       (postgresblockstate.h)
// A checkpoint stores its cursor as canonicalValue() text with the value's type name, and its
// key as a JSON array of [type, canonical text] pairs, so both come back with their types.

inline constexpr char kStateKeyIndex[] = "tf_sync_state_scoped_key";
// The key of the layout before ((pair_id, entity, length(source_key), source_key)), dropped
// once kStateKeyIndex is made.
inline constexpr char kStateKeyIndexBefore[] = "tf_sync_state_key";

// kStateKeyIndex's columns and expressions, for CREATE INDEX and ON CONFLICT. Its first is
// the scope hashtextextended(pair_id || '/' || entity, 0): a fixed-width int8 in front lets
// the server compare the next columns without walking the two texts before them, and keeps
// one pair's entity together. pair_id and entity last make the key exact, whatever the hash.
QString stateKeyColumns();

// The rows of `alias` (empty: the table's own columns) of one pair's entity, through the key's
// scope: the scope's expression (so kStateKeyIndex serves), then pair_id and entity
// themselves. With "?" parameters bind the pair, the entity, the pair, the entity.
QString stateScopeIs(const QString &alias, const QString &pairParameter, const QString &entityParameter);

// The state rows of an array of key texts (parameter `keysParameter`, "$3" or "?"), probed
// through kStateKeyIndex: "FROM <state> AS s JOIN stateKeysFrom(p) ON stateScopeIs(s, ...)
// AND stateKeyMatches()" (or DELETE ... USING). A key given twice matches twice.
QString stateKeysFrom(const QString &keysParameter);
QString stateKeyMatches();

// The stored state of `keys` (key texts, each at most once) of one pair's entity, in no order.
QList<StateEntry> stateEntriesOf(const db::Database &database, const PgCatalog &catalog, const QString &pairId,
                                 const QString &entity, const QList<QByteArray> &keys, const QString &what);

// CREATE TABLE IF NOT EXISTS for all three (createStateBlocks), in a transaction of its own,
// serialised by an advisory lock so two connectors starting at once do not collide.
void createStateTables(PgSession &session, const PgCatalog &catalog);

// The temporary tables writeBatchState needs for `batch` (empty names for none), made once per
// connection: call before the batch's transaction begins.
struct StateTempTables
{
    QString upserts;
};
StateTempTables stateTempTables(PgSession &session, PgTempTables &temps, const ChangeBatch &batch);

// Writes a batch's stateUpserts, stateDeletes and checkpoint inside the caller's transaction:
// COPY into the temporary table, then one INSERT ... ON CONFLICT; one DELETE by a key array.
void writeBatchState(PgSession &session, const PgCatalog &catalog, const ChangeBatch &batch,
                     const StateTempTables &temps);

// Upserts one checkpoint row (in whatever transaction the session is in).
void writeCheckpoint(PgSession &session, const PgCatalog &catalog, const QString &pairId,
                     const QString &entity, const Checkpoint &checkpoint);

// Checkpoint <-> its three text columns. decodeCheckpoint throws tf::Error(Internal) on text
// it did not write.
struct CheckpointText
{
    QByteArray cursorValue; // null for a NULL cursor
    QByteArray cursorType;
    QByteArray keyText;
};
CheckpointText encodeCheckpoint(const Checkpoint &checkpoint);
Checkpoint decodeCheckpoint(const QString &cursorValue, const QString &cursorType,
                            const QString &keyText);

} // namespace tf::sync::pg
