#pragma once

#include <QJsonValue>

namespace tf::db {
class Database;
struct SyncPairRecord;
} // namespace tf::db

namespace tf::syncd {

// The `cdc` object of GET /api/sync-pairs/{id}: what the pair's latest streaming operation
// reported in its heartbeat (every 5 s): position, transactions, lag, wal_status and the
// commit-to-apply latency. Null for a pair of another mode; for a cdc pair that never
// streamed, {"streaming": false} with null figures.
QJsonValue cdcPairView(const db::Database &control, const db::SyncPairRecord &pair);

} // namespace tf::syncd
