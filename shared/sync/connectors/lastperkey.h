#pragma once

#include "core/errors.h"
#include "sync/connector.h"

#include <functional>

namespace tf::sync {

// Shared by the database targets' writers and state stores (MySQL, ODBC, control database).

// The last row of each key, in the order keys first appear: one multi-row statement must not
// touch a row twice.
QList<Row> lastRowPerKey(const QList<Row> &rows, const QList<int> &keyIndexes, const QList<ValueType> &keyTypes);
// The last state entry of each source key, in the order keys first appear.
QList<StateEntry> lastStatePerKey(const QList<StateEntry> &entries);
// The change a diff table's kind column means: 0 insert, 1 update, otherwise delete.
StateStore::ChangeKind changeKindOf(qint64 kind);
// What staging one source key twice (a unique-key conflict) is reported as.
Error duplicateSourceKey(const QString &entity);
// Runs `stage`, which stages source keys of `entity`, reporting a unique-key conflict
// (Error::Kind::Conflict) as duplicateSourceKey(entity).
void stageUniqueKeys(const QString &entity, const std::function<void()> &stage);
// lastRowPerKey for the key columns named in `schema`.
QList<Row> lastRowPerKey(const QList<Row> &rows, const Schema &schema, const QStringList &keyColumns);

} // namespace tf::sync
