#pragma once

#include "sqlitetable.h"
#include "sync/connector.h"

namespace tf::db {
class Database;
}

namespace tf::sync::sqlite {

// Writes a batch's upserts and deletes into `table` inside the caller's open transaction:
//   INSERT INTO t (...) VALUES (...) ON CONFLICT (key) DO UPDATE SET ...
//     WHERE (t.c, ...) IS NOT (excluded.c, ...)       -- unchanged rows stay untouched
//   DELETE FROM t WHERE k1 = ? AND k2 = ?
// each prepared once per batch and re-used for every row. Throws tf::Error(Validation) when
// the key is not a PRIMARY KEY or UNIQUE constraint of the table, a column is unknown, a
// decimal would be rounded by the column's affinity, or a constraint is violated (the
// message names the constraint and the row's key). Returns the rows the deletes found.
qint64 writeBatch(const db::Database &database, const Table &table, const ChangeBatch &batch);

// A model value of `column` (the written rows' schema) as writeBatch binds it: toStored(), after
// refusing (tf::Error Validation) a decimal the column's affinity would round. cdc's streamed
// writes (SqliteCdcTableWriter) bind through it, so they store what the full load stores.
QVariant boundValue(const Table &table, const Column &column, const QVariant &value);

} // namespace tf::sync::sqlite
