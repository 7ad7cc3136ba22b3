#pragma once

#include "pairspec.h"
#include "runtypes.h"

namespace tf::sync {

class RunContext;
class SourceConnector;
class StateRoute;
class TargetConnector;
struct EntityPlan;

// SyncRunner's hook for loading an entity in key-range chunks (issue 16 item 5): tf-syncd
// installs one that splits a large full or first load into leased chunks any worker can run
// (ChunkCoordinator), or that runs one claimed chunk (ChunkWorker). Without one, or when it
// declines, the mode's executor runs as always.
class ChunkedLoad
{
public:
    virtual ~ChunkedLoad() = default;

    // Called for each entity of a real run whose state commits with the data, after the
    // target entity began. True: the entity was loaded (stats filled); false: run it as usual.
    virtual bool load(RunContext &context, const EntityPlan &plan, ChangeMode mode,
                      SourceConnector &source, TargetConnector &target, StateRoute &state,
                      EntityStats &stats)
        = 0;
};

} // namespace tf::sync
