#pragma once

#include "lsn.h"
#include "pgreplicationconnection.h"
#include "pgsourcecatalog.h"

#include <QString>
#include <optional>

namespace tf::sync::cdc {

// What a cdc pair stored with its last target commit: where it stands and on which server.
struct StoredPosition
{
    QString slot;
    QString systemId;
    int timeline = 0;
    Lsn appliedEnd = 0; // end LSN of the last transaction (or keepalive position) committed
};

// Why a cdc pair cannot simply resume. Each one stops the pair: streaming on would lose or
// repeat changes without anyone noticing.
enum class SlotProblem {
    None,
    SlotMissing, // dropped behind our back: its changes are gone
    AdvancedPastUs, // confirmed_flush_lsn ahead of our position: someone skipped changes
    WalLost, // wal_status 'lost': the server removed WAL the slot still needed
    SystemChanged, // another cluster answers (a restore, a different server)
    TimelineChanged, // a failover or point-in-time recovery
};

struct SlotVerdict
{
    SlotProblem problem = SlotProblem::None;
    QString message; // for the alert and the operation log: what happened, with positions
    QString repair; // what to do about it
    bool ok() const { return problem == SlotProblem::None; }
};

// Checks the slot and the server against what the pair stored, before streaming and
// periodically while it streams. We store a position before confirming it to the server, so
// the slot's confirmed_flush_lsn never passes ours unless someone else moved it.
SlotVerdict checkSlot(const StoredPosition &stored, const std::optional<SlotState> &slot,
                      const SystemIdentity &server);

// A stable name for metrics and API answers: none, slot_missing, advanced_past_us, wal_lost,
// system_changed, timeline_changed.
QString slotProblemName(SlotProblem problem);

} // namespace tf::sync::cdc
