#pragma once

#include "db/repositories/syncpairrepository.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/engine/pairspec.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/stateroute.h"

#include <memory>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
} // namespace tf

namespace tf::sync {

// Everything needed to run or replay one stored pair: its record and engine spec, both
// connectors (credentials decrypted in memory only), the control-database state store for
// file targets, and the quarantine.
struct PairRuntime
{
    db::SyncPairRecord record;
    PairSpec spec;
    std::unique_ptr<SourceConnector> source;
    std::unique_ptr<TargetConnector> target;
    std::unique_ptr<ControlDbStateStore> controlState;
    std::unique_ptr<QuarantineStore> quarantine;

    DetachedStateStore detachedState() { return DetachedStateStore::of(*controlState); }
    // The target system read as a source (verify compares what it holds). Every connector
    // kind plays both roles; throws tf::Error(Validation) for one that cannot be read.
    SourceConnector &targetReader();

    // reference: the pair's id or its name. Throws tf::Error (NotFound, Validation...).
    static std::unique_ptr<PairRuntime> open(db::Database &control, const SecretBox &secrets, const QString &reference);
};

// The pair a reference names: its id, or else its exact name. Throws tf::Error(NotFound).
db::SyncPairRecord findPair(db::SyncPairRepository &pairs, const QString &reference);

} // namespace tf::sync
