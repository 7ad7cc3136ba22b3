#pragma once

#include "cdcpairfigures.h"

#include <QDateTime>
#include <QHash>
#include <QList>

namespace tf {
class SecretBox;
namespace db {
class Database;
struct DatabaseUrl;
} // namespace db
} // namespace tf

namespace tf::syncd {

// Reads the replication slot of every cdc pair from the pair's source (pg_replication_slots and
// the walsender's pg_stat_replication row), on the collector's thread: lag, retained WAL,
// wal_status, feedback age. A pair that is disabled or whose stream runs on another node is read
// all the same: its slot holds the source's WAL either way. Keeps, per pair, when the slot was
// last seen active, for the feedback age and the inactive rule.
class CdcSlotMonitor final
{
public:
    // Every pair in the control database whose mode is cdc, by id. A source that cannot be
    // opened or answered gives reachable = false and the error; nothing throws but the control
    // database's own failure.
    QList<CdcPairFigures> collect(db::Database &control, const SecretBox &secrets, const QDateTime &now);

    // One slot, read through the source's ordinary connection (closed again before returning).
    // Throws tf::Error when the source does not answer.
    CdcPairFigures read(const CdcPairFigures &pair, const db::DatabaseUrl &source, const QDateTime &now);

private:
    struct Seen
    {
        QDateTime lastFeedback;  // latest walsender reply seen
        QDateTime inactiveSince; // first observation without a walsender, since the last active one
    };
    QHash<qint64, Seen> m_seen;
};

} // namespace tf::syncd
