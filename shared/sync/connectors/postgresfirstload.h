#pragma once

#include "sync/connector.h"

namespace tf::sync::pg {

class PgCatalog;
class PgSession;

// A batch's state on a first load (PostgresStateStore::beginFirstLoad: the state of the pair's
// entity was empty when the run began), inside the caller's transaction, with the batch's rows:
// one COPY straight into tf_sync_state (no temporary table, no merge: a key that has state after
// all fails the batch), and the block sums of exactly these rows added by one COPY into
// tf_sync_state_blocks_w10, summed here as the triggers would sum them (they skip this COPY, as
// they skip insertStagedBlocks' INSERT). Where a key or hash is integer text past int8, or the
// trigger function is of the layout before, the triggers sum the rows themselves (and fail as
// they do on such text).
void writeFirstLoadState(PgSession &session, const PgCatalog &catalog, const ChangeBatch &batch,
                         const QString &what);

} // namespace tf::sync::pg
