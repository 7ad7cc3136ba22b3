#pragma once

#include "maintenancereport.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf {
class Config;
}
namespace tf::db {
class Database;
}

namespace tf::ops {

// The runbook's alert thresholds ([alerts] keys, seed section 7.1), against which the
// quarterly review judges the measured figures.
struct ReviewThresholds
{
    double cpuPercent = 80;
    double memoryPercent = 80;
    double diskPercent = 85;
    double responseTimeMs = 500;
    double failedOperationsPerHour = 5;
    double serviceRestartsPer24h = 3;
    double successRatePercent = 95; // maintenance/min_success_rate_percent

    static ReviewThresholds fromConfig(const Config &config);
};

struct MetricSummary
{
    QString metric;
    qint64 samples = 0; // raw samples (hourly averages count for the samples they fold)
    double average = 0; // weighted by sample_count
    double minimum = 0;
    double maximum = 0;
    double latest = 0;
};

struct PairReview
{
    qint64 pairId = 0;
    QString name;
    qint64 runs = 0; // finished, not dry runs
    qint64 completed = 0; // completed + completed_with_errors
    qint64 failed = 0;
    qint64 cancelled = 0;
    double successRate = -1; // percent of completed among completed + failed; -1: none
    double p50Seconds = -1; // nearest-rank, over runs with both start and finish
    double p95Seconds = -1;
    qint64 rowsRead = 0;
    double rowsPerSecond = -1; // rows read / seconds run, over the window
};

struct PerformanceReview
{
    QDateTime from;
    QDateTime to;
    QList<MetricSummary> metrics; // unlabelled metrics, by name
    QJsonObject operationsByStatus; // status -> count (dry runs left out)
    qint64 operationsFinished = 0;
    double successRate = -1;
    double p50Seconds = -1;
    double p95Seconds = -1;
    QList<PairReview> pairs; // by name
    qint64 serviceRestarts = 0;
    int worstRestartDay = 0; // most restarts in one UTC day
    QList<Finding> findings;

    const MetricSummary *metric(const QString &name) const;
    QJsonObject toJson() const;
    QStringList markdown() const;
};

// Builds the review from what system_metrics, sync_operations and service_events hold for
// [from, to]; judges it against the thresholds.
PerformanceReview reviewPerformance(db::Database &database, const QDateTime &from,
                                    const QDateTime &to, const ReviewThresholds &thresholds);

} // namespace tf::ops
