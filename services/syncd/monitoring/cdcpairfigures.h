#pragma once

#include <QJsonObject>
#include <QString>

namespace tf::syncd {

// One cdc pair's replication slot as the collector last read it from the pair's source
// (docs/cdc.md, "Metrics and alert rules"). Byte figures are -1 when unknown.
struct CdcPairFigures
{
    qint64 pairId = 0;
    QString name;
    QString slot;               // tf_pair_<id>
    bool enabled = false;
    bool reachable = false;     // the source answered
    QString error;              // why it did not (never a credential)
    bool slotExists = false;
    bool active = false;        // a walsender streams from the slot
    qint64 lagBytes = -1;       // pg_current_wal_lsn() - confirmed_flush_lsn
    qint64 retainedBytes = -1;  // pg_current_wal_lsn() - restart_lsn: the WAL the slot holds back
    QString walStatus;          // reserved, extended, unreserved, lost
    // Since the walsender's last reply (pg_stat_replication.reply_time); for an inactive slot,
    // since it was last seen active, or since tf-syncd first saw it inactive. -1 unknown.
    double secondsSinceFeedback = -1;
    double inactiveSeconds = 0; // how long the slot has been seen without a walsender (0 while active)

    bool hasSlotFigures() const { return reachable && slotExists; }
    QJsonObject toJson() const;
};

} // namespace tf::syncd
