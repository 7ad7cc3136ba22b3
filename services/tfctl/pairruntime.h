#pragma once

#include "db/repositories/syncpairrepository.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/engine/pairspec.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/stateroute.h"

#include <memory>

namespace tf::tfctl {

class ToolContext;

// Everything needed to run or replay one stored pair: its record and engine spec, both
// connectors (credentials decrypted in memory only), the control-database state store for
// file targets, and the quarantine.
struct PairRuntime
{
    db::SyncPairRecord record;
    sync::PairSpec spec;
    std::unique_ptr<sync::SourceConnector> source;
    std::unique_ptr<sync::TargetConnector> target;
    std::unique_ptr<sync::ControlDbStateStore> controlState;
    std::unique_ptr<sync::QuarantineStore> quarantine;

    sync::DetachedStateStore detachedState() { return sync::DetachedStateStore::of(*controlState); }

    // reference: the pair's id or its name. Throws tf::Error (NotFound, Validation...).
    static std::unique_ptr<PairRuntime> open(ToolContext &context, const QString &reference);
};

} // namespace tf::tfctl
