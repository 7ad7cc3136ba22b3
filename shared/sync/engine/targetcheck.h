#pragma once

#include "pairspec.h"
#include "runtypes.h"
#include "sync/connector.h"

namespace tf::sync {

// What a dry run checks before it reads a row, so that it passes only where the real run
// can write (issue 12, section 6). For each entity of the pair: the target table exists;
// every mapped column exists and the type of the value the mapping hands it can be stored
// in it (valueTypeFits); the target key columns are mapped; and a primary key or unique
// constraint covers exactly the target key (upserts by key need it). Every problem is
// returned, not only the first. Failures to reach a system (not a missing table) throw.
QList<TargetProblem> checkTarget(const PairSpec &pair, SourceConnector &source, TargetConnector &target);

// Whether some values of type `from` can be stored in a column of type `to` (the per-row
// coercion may still refuse a single value, which is then quarantined). False only where
// no value could ever fit, e.g. a date into an integer column.
bool valueTypeFits(ValueType from, ValueType to);

} // namespace tf::sync
