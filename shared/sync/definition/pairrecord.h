#pragma once

#include "db/repositories/syncpairrepository.h"
#include "syncpairdefinition.h"

namespace tf::sync {

// The sync_pairs row for a validated definition: its columns (systems, first entity, schedule,
// enabled) are derived from the definition, which is stored whole as JSON.
db::SyncPairRecord pairRecordFrom(const SyncPairDefinition &definition);

// The definition of a stored pair: the JSON column, with the row's name and systems.
SyncPairDefinition definitionOf(const db::SyncPairRecord &record);

} // namespace tf::sync
