#include "alertrules.h"

#include "core/config.h"
#include "core/errors.h"

namespace tf::syncd {

namespace {

double thresholdFrom(const Config &config, const QString &name, double fallback)
{
    const QString key = QStringLiteral("alerts/") + name;
    const QString text = config.string(key).trimmed();
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !qIsFinite(value)) {
        const Config::Entry entry = config.entry(key);
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 (from %2): '%3' is not a number").arg(key, entry.source, text.left(64)));
    }
    return value;
}

} // namespace

AlertThresholds AlertThresholds::fromConfig(const Config &config)
{
    AlertThresholds t;
    t.cpuPercent = thresholdFrom(config, alertrules::kCpu, t.cpuPercent);
    t.memoryPercent = thresholdFrom(config, alertrules::kMemory, t.memoryPercent);
    t.diskPercent = thresholdFrom(config, alertrules::kDisk, t.diskPercent);
    t.responseTimeMs = thresholdFrom(config, alertrules::kResponseTime, t.responseTimeMs);
    t.failedOperationsPerHour = thresholdFrom(config, alertrules::kFailedOperations, t.failedOperationsPerHour);
    t.serviceRestartsPer24h = thresholdFrom(config, alertrules::kServiceRestarts, t.serviceRestartsPer24h);
    t.cdcLagBytes = thresholdFrom(config, alertrules::kCdcLag, t.cdcLagBytes);
    t.cdcInactiveMinutes = thresholdFrom(config, alertrules::kCdcInactiveMinutesKey, t.cdcInactiveMinutes);
    return t;
}

QJsonObject AlertThresholds::toJson() const
{
    return { { alertrules::kCpu, cpuPercent },
             { alertrules::kMemory, memoryPercent },
             { alertrules::kDisk, diskPercent },
             { alertrules::kResponseTime, responseTimeMs },
             { alertrules::kFailedOperations, failedOperationsPerHour },
             { alertrules::kServiceRestarts, serviceRestartsPer24h },
             { alertrules::kCdcLag, cdcLagBytes },
             { alertrules::kCdcInactiveMinutesKey, cdcInactiveMinutes } };
}

namespace alertrules {

QString figure(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

RuleVerdict verdict(const QString &rule, const QString &source, const QString &severity, double value,
                    double threshold, const QString &message, QJsonObject details)
{
    RuleVerdict v;
    v.rule = rule;
    v.source = source;
    v.severity = severity;
    v.value = value;
    v.threshold = threshold;
    v.firing = value > threshold;
    v.cleared = !v.firing;
    v.message = message;
    details.insert(QStringLiteral("value"), value);
    details.insert(QStringLiteral("threshold"), threshold);
    v.details = details;
    return v;
}

QStringList names()
{
    return { kCpu, kMemory, kDisk, kResponseTime, kFailedOperations, kServiceRestarts,
             kCdcLag, kCdcInactive, kCdcWalStatus };
}

QList<RuleVerdict> evaluate(const Observation &o, const AlertThresholds &t)
{
    // The first words of the CPU, memory and disk messages are the runbook's log lines.
    QList<RuleVerdict> verdicts {
        verdict(kCpu, o.source, QStringLiteral("warning"), o.cpuPercent, t.cpuPercent,
                QStringLiteral("CPU usage above threshold: %1% > %2% on %3")
                    .arg(figure(o.cpuPercent), figure(t.cpuPercent), o.source)),
        verdict(kMemory, o.source, QStringLiteral("warning"), o.memoryPercent, t.memoryPercent,
                QStringLiteral("Memory usage above threshold: %1% > %2% on %3")
                    .arg(figure(o.memoryPercent), figure(t.memoryPercent), o.source)),
        verdict(kDisk, o.source, QStringLiteral("critical"), o.diskPercent, t.diskPercent,
                QStringLiteral("Disk usage above threshold: %1% > %2% on %3 (the data directory's disk)")
                    .arg(figure(o.diskPercent), figure(t.diskPercent), o.source)),
        verdict(kResponseTime, o.source, QStringLiteral("warning"), o.responseP95Ms, t.responseTimeMs,
                QStringLiteral("Response time above threshold: p95 %1 ms > %2 ms on %3 (%4 requests in %5 s)")
                    .arg(figure(o.responseP95Ms), figure(t.responseTimeMs), o.source)
                    .arg(o.requests)
                    .arg(figure(o.intervalSeconds, 0)),
                { { QStringLiteral("requests"), o.requests }, { QStringLiteral("interval_s"), o.intervalSeconds } }),
    };
    // The sampled host figures resolve only well below their threshold (the counts of the
    // cluster-wide rules and the cdc figures as soon as they are at or below it).
    for (RuleVerdict &v : verdicts)
        v.cleared = v.value <= v.threshold - qAbs(v.threshold) * kGaugeHysteresis;
    if (o.haveOperationFigures) {
        verdicts.append(verdict(kFailedOperations, QString(), QStringLiteral("critical"), o.failedOperationsLastHour,
                                t.failedOperationsPerHour,
                                QStringLiteral("Failed sync operations above threshold: %1 failed in the last hour > %2; "
                                               "see GET /sync-operations?status=failed")
                                    .arg(o.failedOperationsLastHour)
                                    .arg(figure(t.failedOperationsPerHour, 0))));
        verdicts.append(verdict(kServiceRestarts, QString(), QStringLiteral("critical"), o.serviceRestarts24h,
                                t.serviceRestartsPer24h,
                                QStringLiteral("Service restarts above threshold: tf-syncd restarted %1 times in 24 hours > %2; "
                                               "see the service_events table and the tf-syncd log")
                                    .arg(o.serviceRestarts24h)
                                    .arg(figure(t.serviceRestartsPer24h, 0))));
    }
    if (o.haveCdcFigures)
        verdicts.append(evaluateCdc(o.cdcPairs, t));
    return verdicts;
}

QString resolvedMessage(const RuleVerdict &v)
{
    if (isCdcRule(v.rule))
        return cdcResolvedMessage(v);
    static const QHash<QString, QString> subjects {
        { kCpu, QStringLiteral("CPU usage") },
        { kMemory, QStringLiteral("Memory usage") },
        { kDisk, QStringLiteral("Disk usage") },
        { kResponseTime, QStringLiteral("Response time") },
        { kFailedOperations, QStringLiteral("Failed sync operations") },
        { kServiceRestarts, QStringLiteral("Service restarts") },
    };
    const bool gauge = v.rule == kCpu || v.rule == kMemory || v.rule == kDisk || v.rule == kResponseTime;
    return QStringLiteral("%1 back to normal: %2 <= %3%4")
        .arg(subjects.value(v.rule, v.rule), figure(v.value),
             figure(gauge ? v.threshold - qAbs(v.threshold) * kGaugeHysteresis : v.threshold),
             v.source.isEmpty() ? QString() : QStringLiteral(" on ") + v.source);
}

} // namespace alertrules

} // namespace tf::syncd
