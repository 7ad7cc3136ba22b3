#pragma once

#include "cdcpairfigures.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf {
class Config;
}

namespace tf::syncd {

// The runbook's thresholds ([alerts] in the configuration). A rule fires when its figure is
// strictly above the threshold, so a negative threshold always fires (handy in tests).
struct AlertThresholds
{
    double cpuPercent = 80;
    double memoryPercent = 80;
    double diskPercent = 85;
    double responseTimeMs = 500;      // p95 over the sample interval
    double failedOperationsPerHour = 5;
    double serviceRestartsPer24h = 3;
    double cdcLagBytes = 1073741824;  // 1 GiB behind pg_current_wal_lsn() (cdc_lag_bytes)
    double cdcInactiveMinutes = 5;    // a cdc slot without walsender or feedback (cdc_slot_inactive)

    // Throws tf::Error(Validation) naming the key, the value and where it came from.
    static AlertThresholds fromConfig(const Config &config);
    QJsonObject toJson() const;
};

// What one sample saw. Figures that need the database are optional: without it their rules
// are not evaluated (an alert is neither raised nor resolved on a guess).
struct Observation
{
    QString source;                   // the host the host figures come from
    double cpuPercent = 0;
    double memoryPercent = 0;
    double diskPercent = 0;
    double responseP95Ms = 0;
    qint64 requests = 0;              // in the interval the p95 covers
    double intervalSeconds = 0;
    bool haveOperationFigures = false;
    int failedOperationsLastHour = 0;
    int serviceRestarts24h = 0;
    bool haveCdcFigures = false;      // the cdc pairs' slots were read (they need the control database)
    QList<CdcPairFigures> cdcPairs;
};

// One rule's finding on one observation.
struct RuleVerdict
{
    QString rule;                     // cpu_percent, memory_percent, ...
    QString source;                   // the host, or "" for cluster-wide rules
    QString severity;
    bool firing = false;
    // Clear enough to resolve an open alert: not firing, and for the sampled host figures (CPU,
    // memory, disk, response time) also below the threshold by kGaugeHysteresis of it, so a
    // figure hovering at its threshold does not raise and resolve an alert by turns.
    bool cleared = true;
    double value = 0;
    double threshold = 0;
    QString message;                  // for the alert row and the log line
    QJsonObject details;
};

namespace alertrules {

// The share of its threshold a sampled host figure must fall below it to resolve its alert.
inline constexpr double kGaugeHysteresis = 0.1;

inline const QString kCpu = QStringLiteral("cpu_percent");
inline const QString kMemory = QStringLiteral("memory_percent");
inline const QString kDisk = QStringLiteral("disk_percent");
inline const QString kResponseTime = QStringLiteral("response_time_ms");
inline const QString kFailedOperations = QStringLiteral("failed_operations_per_hour");
inline const QString kServiceRestarts = QStringLiteral("service_restarts_per_24h");
// Per cdc pair (source "pair:<id>"); docs/cdc.md, "Metrics and alert rules".
inline const QString kCdcLag = QStringLiteral("cdc_lag_bytes");
inline const QString kCdcInactive = QStringLiteral("cdc_slot_inactive");
inline const QString kCdcWalStatus = QStringLiteral("cdc_wal_status");
inline const QString kCdcInactiveMinutesKey = QStringLiteral("cdc_inactive_minutes"); // its [alerts] key

QStringList names();
// A verdict that fires when value > threshold; value and threshold go into the details.
RuleVerdict verdict(const QString &rule, const QString &source, const QString &severity, double value,
                    double threshold, const QString &message, QJsonObject details = {});
QString figure(double value, int decimals = 1); // fixed decimals, for messages
// Pure: the verdict of every rule the observation has figures for.
QList<RuleVerdict> evaluate(const Observation &observation, const AlertThresholds &thresholds);
// "CPU usage back to normal: ..." for a verdict that stopped firing.
QString resolvedMessage(const RuleVerdict &verdict);

// The cdc rules of each pair whose slot was read (cdcalertrules.cpp). A source that did not
// answer gives no verdict: its alerts are neither raised nor resolved on a guess.
QList<RuleVerdict> evaluateCdc(const QList<CdcPairFigures> &pairs, const AlertThresholds &thresholds);
bool isCdcRule(const QString &rule);
QString cdcResolvedMessage(const RuleVerdict &verdict);

} // namespace alertrules

} // namespace tf::syncd
