#include "slotsafety.h"

namespace tf::sync::cdc {

namespace {

SlotVerdict verdict(SlotProblem problem, QString message, QString repair)
{
    return { problem, std::move(message), std::move(repair) };
}

const QString kNewSnapshot
    = QStringLiteral("take a new snapshot (the pair is loaded again, then streams)");
const QString kVerifyOrSnapshot
    = QStringLiteral("verify and repair the pair's tables, or take a new snapshot");

} // namespace

SlotVerdict checkSlot(const StoredPosition &stored, const std::optional<SlotState> &slot,
                      const SystemIdentity &server)
{
    if (!stored.systemId.isEmpty() && server.systemId != stored.systemId) {
        return verdict(SlotProblem::SystemChanged,
                       QStringLiteral("the source is another database cluster (system id %1, "
                                      "the pair streamed from %2): positions stored against "
                                      "the old one mean nothing there")
                           .arg(server.systemId, stored.systemId),
                       kNewSnapshot);
    }
    if (stored.timeline > 0 && server.timeline != stored.timeline) {
        return verdict(SlotProblem::TimelineChanged,
                       QStringLiteral("the source's timeline changed from %1 to %2 (a failover "
                                      "or a recovery): changes after %3 on the old timeline "
                                      "may be missing on the new one")
                           .arg(stored.timeline)
                           .arg(server.timeline)
                           .arg(formatLsn(stored.appliedEnd)),
                       kVerifyOrSnapshot);
    }
    if (!slot) {
        return verdict(SlotProblem::SlotMissing,
                       QStringLiteral("the replication slot %1 is gone: the changes after %2 "
                                      "cannot be streamed any more")
                           .arg(stored.slot, formatLsn(stored.appliedEnd)),
                       kNewSnapshot);
    }
    if (slot->walStatus == QLatin1String("lost")) {
        return verdict(SlotProblem::WalLost,
                       QStringLiteral("the replication slot %1 lost WAL it needed (wal_status "
                                      "lost, max_slot_wal_keep_size exceeded): changes after %2 "
                                      "are gone")
                           .arg(stored.slot, formatLsn(stored.appliedEnd)),
                       kNewSnapshot);
    }
    if (slot->confirmedFlushLsn > stored.appliedEnd) {
        return verdict(
            SlotProblem::AdvancedPastUs,
            QStringLiteral("the replication slot %1 was advanced to %2 by someone "
                           "else, past the pair's position %3: the changes between "
                           "were never applied")
                .arg(stored.slot, formatLsn(slot->confirmedFlushLsn), formatLsn(stored.appliedEnd)),
            kVerifyOrSnapshot);
    }
    return {};
}

QString slotProblemName(SlotProblem problem)
{
    switch (problem) {
    case SlotProblem::None:
        return QStringLiteral("none");
    case SlotProblem::SlotMissing:
        return QStringLiteral("slot_missing");
    case SlotProblem::AdvancedPastUs:
        return QStringLiteral("advanced_past_us");
    case SlotProblem::WalLost:
        return QStringLiteral("wal_lost");
    case SlotProblem::SystemChanged:
        return QStringLiteral("system_changed");
    case SlotProblem::TimelineChanged:
        return QStringLiteral("timeline_changed");
    }
    return QStringLiteral("unknown");
}

} // namespace tf::sync::cdc
