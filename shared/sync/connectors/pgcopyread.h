#pragma once

#include "postgresquery.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace tf::db {
class Database;
}

namespace tf::sync::pg {

// Builds the SELECT of a read from the expressions that read its parameters back.
using SelectBuilder = std::function<QString(const QStringList &params)>;

// Where a read's source hashes come from: none; the SELECT's last column
// (sourceHashExpression); or computed here from the row's fields, the typed hash the server
// would have sent (PgTypedRowHasher; only where PgRanges::typedHashHere() said so).
enum class SourceHash { None, Selected, Computed };

// Throws Validation unless `snapshot` looks like an exported snapshot's name
// ("00000003-00000002-1"): SET TRANSACTION SNAPSHOT takes a literal, not a bound value.
void checkSnapshotName(const QString &snapshot, const QString &label);

// Reads rows through COPY (select) TO STDOUT on the calling thread's connection of `database`:
// `params` are bound as session settings (bindAsSettings), the SELECT must return
// copyList(selection.columns) (then, with SourceHash::Selected, one more column: the row's source
// hash), and each row, parsed by valueFromCopyField into exactly what the query path's cell() gives,
// goes to onRow with its hash (null with SourceHash::None) until onRow returns false. Errors are the query
// path's kinds, their messages starting with `label`. With `snapshot` (an exported snapshot's
// name) the read runs in a REPEATABLE READ transaction under that snapshot.
void copyRows(const db::Database &database, const Selection &selection,
              const QList<QByteArray> &params, const SelectBuilder &buildSelect,
              const QString &label, const RowSink &onRow, SourceHash hash = SourceHash::None,
              const QString &snapshot = {});

} // namespace tf::sync::pg
