// The alert rules of cdc pairs: replication lag, an inactive slot, a slot whose WAL is no
// longer reserved (docs/cdc.md, "Metrics and alert rules").
#include "alertrules.h"

namespace tf::syncd::alertrules {

namespace {

QString source(const CdcPairFigures &pair)
{
    return QStringLiteral("pair:%1").arg(pair.pairId);
}

QString subject(const CdcPairFigures &pair)
{
    return QStringLiteral("slot %1 of sync pair %2 '%3'").arg(pair.slot).arg(pair.pairId).arg(pair.name);
}

QJsonObject details(const CdcPairFigures &pair)
{
    return { { QStringLiteral("pair_id"), pair.pairId },
             { QStringLiteral("slot"), pair.slot },
             { QStringLiteral("active"), pair.active },
             { QStringLiteral("lag_bytes"), pair.lagBytes },
             { QStringLiteral("retained_wal_bytes"), pair.retainedBytes },
             { QStringLiteral("wal_status"), pair.walStatus } };
}

QString walRisk(const QString &status)
{
    if (status == QLatin1String("lost"))
        return QStringLiteral("the WAL it needs is gone: the pair cannot resume and needs a new snapshot");
    return QStringLiteral("it holds more WAL than max_slot_wal_keep_size and the next checkpoint may "
                          "remove what it needs: start the pair's stream now");
}

} // namespace

bool isCdcRule(const QString &rule)
{
    return rule == kCdcLag || rule == kCdcInactive || rule == kCdcWalStatus;
}

QList<RuleVerdict> evaluateCdc(const QList<CdcPairFigures> &pairs, const AlertThresholds &t)
{
    QList<RuleVerdict> verdicts;
    for (const CdcPairFigures &pair : pairs) {
        if (!pair.hasSlotFigures())
            continue;
        const QString who = subject(pair);
        verdicts.append(verdict(kCdcLag, source(pair), QStringLiteral("warning"), double(pair.lagBytes), t.cdcLagBytes,
                                QStringLiteral("Replication lag above threshold: %1 is %2 bytes behind the "
                                               "source's WAL > %3 bytes")
                                    .arg(who)
                                    .arg(pair.lagBytes)
                                    .arg(figure(t.cdcLagBytes, 0)),
                                details(pair)));
        const double minutes = pair.inactiveSeconds / 60.0;
        verdicts.append(verdict(kCdcInactive, source(pair), QStringLiteral("warning"), minutes, t.cdcInactiveMinutes,
                                QStringLiteral("Replication slot inactive: %1 has had no walsender for %2 "
                                               "minutes > %3 and holds %4 bytes of WAL; enable the pair or "
                                               "see its operation")
                                    .arg(who, figure(minutes), figure(t.cdcInactiveMinutes))
                                    .arg(pair.retainedBytes),
                                details(pair)));
        const bool atRisk = pair.walStatus == QLatin1String("unreserved") || pair.walStatus == QLatin1String("lost");
        verdicts.append(verdict(kCdcWalStatus, source(pair), QStringLiteral("critical"), atRisk ? 1 : 0, 0,
                                QStringLiteral("Replication slot WAL %1: %2 is wal_status '%3'; %4")
                                    .arg(pair.walStatus == QLatin1String("lost") ? QStringLiteral("lost")
                                                                                 : QStringLiteral("at risk"),
                                         who, pair.walStatus, walRisk(pair.walStatus)),
                                details(pair)));
    }
    return verdicts;
}

QString cdcResolvedMessage(const RuleVerdict &v)
{
    const QString pair = v.source;
    if (v.rule == kCdcLag)
        return QStringLiteral("Replication lag back to normal: %1 bytes <= %2 bytes on %3")
            .arg(figure(v.value, 0), figure(v.threshold, 0), pair);
    if (v.rule == kCdcInactive)
        return QStringLiteral("Replication slot active again on %1").arg(pair);
    return QStringLiteral("Replication slot WAL reserved again on %1 (wal_status '%2')")
        .arg(pair, v.details.value(QStringLiteral("wal_status")).toString());
}

} // namespace tf::syncd::alertrules
