#include "performancereview.h"

#include "core/config.h"
#include "db/connection.h"
#include "db/repositories/rowhelpers.h"

#include <QHash>
#include <QJsonArray>
#include <QSqlQuery>
#include <cmath>

namespace tf::ops {

namespace {

double thresholdOr(const Config &config, const QString &key, double fallback)
{
    if (!config.contains(key) || config.string(key).trimmed().isEmpty())
        return fallback;
    bool ok = false;
    const double value = config.string(key).trimmed().toDouble(&ok);
    return ok ? value : fallback;
}

double round2(double value)
{
    return value < 0 ? value : std::round(value * 100) / 100;
}

QString fixed(double value, int decimals = 1)
{
    return value < 0 ? QStringLiteral("-") : QString::number(value, 'f', decimals);
}

qint64 rowsRead(const QJsonObject &statistics)
{
    const QJsonObject totals = statistics.value(QStringLiteral("totals")).toObject();
    return (totals.isEmpty() ? statistics : totals).value(QStringLiteral("read")).toInteger();
}

Finding finding(const QString &severity, const QString &code, const QString &message,
                const QJsonObject &details = {})
{
    return Finding { severity, QStringLiteral("performance"), code, message, details };
}

void judgeMetric(PerformanceReview &review, const QString &metric, const QString &label,
                 double threshold, const QString &unit, const QString &severity)
{
    const MetricSummary *summary = review.metric(metric);
    if (!summary || summary->samples == 0)
        return;
    const QJsonObject details { { QStringLiteral("metric"), metric },
                                { QStringLiteral("average"), round2(summary->average) },
                                { QStringLiteral("maximum"), round2(summary->maximum) },
                                { QStringLiteral("threshold"), threshold } };
    if (summary->average > threshold)
        review.findings << finding(
            severity, metric + QStringLiteral("_average_high"),
            QStringLiteral("%1 averaged %2%3 over the period, above the %4%3 threshold")
                .arg(label, fixed(summary->average), unit, fixed(threshold, 0)),
            details);
    else if (summary->maximum > threshold)
        review.findings << finding(
            QStringLiteral("low"), metric + QStringLiteral("_peak_high"),
            QStringLiteral("%1 peaked at %2%3 (threshold %4%3), average %5%3")
                .arg(label, fixed(summary->maximum), unit, fixed(threshold, 0),
                     fixed(summary->average)),
            details);
}

} // namespace

ReviewThresholds ReviewThresholds::fromConfig(const Config &config)
{
    ReviewThresholds t;
    t.cpuPercent = thresholdOr(config, QStringLiteral("alerts/cpu_percent"), t.cpuPercent);
    t.memoryPercent = thresholdOr(config, QStringLiteral("alerts/memory_percent"), t.memoryPercent);
    t.diskPercent = thresholdOr(config, QStringLiteral("alerts/disk_percent"), t.diskPercent);
    t.responseTimeMs
        = thresholdOr(config, QStringLiteral("alerts/response_time_ms"), t.responseTimeMs);
    t.failedOperationsPerHour = thresholdOr(
        config, QStringLiteral("alerts/failed_operations_per_hour"), t.failedOperationsPerHour);
    t.serviceRestartsPer24h = thresholdOr(config, QStringLiteral("alerts/service_restarts_per_24h"),
                                          t.serviceRestartsPer24h);
    t.successRatePercent = thresholdOr(
        config, QStringLiteral("maintenance/min_success_rate_percent"), t.successRatePercent);
    return t;
}

const MetricSummary *PerformanceReview::metric(const QString &name) const
{
    for (const MetricSummary &summary : metrics) {
        if (summary.metric == name)
            return &summary;
    }
    return nullptr;
}

QJsonObject PerformanceReview::toJson() const
{
    QJsonObject metricObject;
    for (const MetricSummary &m : metrics)
        metricObject.insert(m.metric,
                            QJsonObject { { QStringLiteral("samples"), m.samples },
                                          { QStringLiteral("average"), round2(m.average) },
                                          { QStringLiteral("min"), round2(m.minimum) },
                                          { QStringLiteral("max"), round2(m.maximum) },
                                          { QStringLiteral("latest"), round2(m.latest) } });
    QJsonArray pairArray;
    for (const PairReview &p : pairs)
        pairArray.append(
            QJsonObject { { QStringLiteral("pair_id"), p.pairId },
                          { QStringLiteral("name"), p.name },
                          { QStringLiteral("runs"), p.runs },
                          { QStringLiteral("completed"), p.completed },
                          { QStringLiteral("failed"), p.failed },
                          { QStringLiteral("cancelled"), p.cancelled },
                          { QStringLiteral("success_rate_percent"), round2(p.successRate) },
                          { QStringLiteral("p50_seconds"), round2(p.p50Seconds) },
                          { QStringLiteral("p95_seconds"), round2(p.p95Seconds) },
                          { QStringLiteral("rows_read"), p.rowsRead },
                          { QStringLiteral("rows_per_second"), round2(p.rowsPerSecond) } });
    return { { QStringLiteral("from"), from.toUTC().toString(Qt::ISODate) },
             { QStringLiteral("to"), to.toUTC().toString(Qt::ISODate) },
             { QStringLiteral("metrics"), metricObject },
             { QStringLiteral("operations"),
               QJsonObject { { QStringLiteral("by_status"), operationsByStatus },
                             { QStringLiteral("finished"), operationsFinished },
                             { QStringLiteral("success_rate_percent"), round2(successRate) },
                             { QStringLiteral("p50_seconds"), round2(p50Seconds) },
                             { QStringLiteral("p95_seconds"), round2(p95Seconds) } } },
             { QStringLiteral("pairs"), pairArray },
             { QStringLiteral("service_restarts"), serviceRestarts },
             { QStringLiteral("worst_restart_day"), worstRestartDay } };
}

QStringList PerformanceReview::markdown() const
{
    QStringList lines;
    lines << QStringLiteral("Period: %1 to %2 (UTC).")
                 .arg(from.toUTC().toString(Qt::ISODate), to.toUTC().toString(Qt::ISODate));
    lines << QString() << QStringLiteral("| metric | samples | average | min | max | latest |")
          << QStringLiteral("|---|---:|---:|---:|---:|---:|");
    for (const MetricSummary &m : metrics)
        lines << QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |")
                     .arg(m.metric)
                     .arg(m.samples)
                     .arg(fixed(m.average, 2), fixed(m.minimum, 2), fixed(m.maximum, 2),
                          fixed(m.latest, 2));
    if (metrics.isEmpty())
        lines << QStringLiteral("| (no samples in the period) | | | | | |");
    lines << QString()
          << QStringLiteral("Sync operations finished: %1, success rate %2%, duration p50 %3 s, "
                            "p95 %4 s; service restarts: %5.")
                 .arg(operationsFinished)
                 .arg(fixed(successRate), fixed(p50Seconds, 2), fixed(p95Seconds, 2))
                 .arg(serviceRestarts);
    lines << QString()
          << QStringLiteral(
                 "| pair | runs | failed | success % | p50 s | p95 s | rows read | rows/s |")
          << QStringLiteral("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const PairReview &p : pairs)
        lines << QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 |")
                     .arg(p.name)
                     .arg(p.runs)
                     .arg(p.failed)
                     .arg(fixed(p.successRate), fixed(p.p50Seconds, 2), fixed(p.p95Seconds, 2))
                     .arg(p.rowsRead)
                     .arg(fixed(p.rowsPerSecond));
    return lines;
}

PerformanceReview reviewPerformance(db::Database &database, const QDateTime &from,
                                    const QDateTime &to, const ReviewThresholds &thresholds)
{
    const db::Dialect &dialect = database.dialect();
    PerformanceReview review;
    review.from = from;
    review.to = to;

    // Metrics without labels (host and service figures); per-pair series come from the
    // operations themselves below.
    QSqlQuery metrics = database.prepare(
        QStringLiteral("SELECT metric, SUM(sample_count), SUM(value * sample_count) / "
                       "SUM(sample_count), MIN(value), MAX(value) "
                       "FROM system_metrics WHERE created_at >= ? AND created_at <= ? AND labels = "
                       "'{}' GROUP BY metric ORDER BY metric"));
    metrics.addBindValue(dialect.toDb(from));
    metrics.addBindValue(dialect.toDb(to));
    database.exec(metrics, "summarising metrics");
    while (metrics.next()) {
        MetricSummary summary;
        summary.metric = metrics.value(0).toString();
        summary.samples = metrics.value(1).toLongLong();
        summary.average = metrics.value(2).toDouble();
        summary.minimum = metrics.value(3).toDouble();
        summary.maximum = metrics.value(4).toDouble();
        review.metrics << summary;
    }
    for (MetricSummary &summary : review.metrics) {
        QSqlQuery latest = database.prepare(
            QStringLiteral("SELECT value FROM system_metrics WHERE metric = ? AND labels = '{}' "
                           "AND created_at >= ? AND created_at <= ? "
                           "ORDER BY created_at DESC, id DESC LIMIT 1"));
        latest.addBindValue(summary.metric);
        latest.addBindValue(dialect.toDb(from));
        latest.addBindValue(dialect.toDb(to));
        database.exec(latest, "reading the latest sample");
        if (latest.next())
            summary.latest = latest.value(0).toDouble();
        latest.finish();
    }

    // Finished operations of the period (dry runs are trials, not service).
    QSqlQuery operations = database.prepare(QStringLiteral(
        "SELECT o.pair_id, COALESCE(p.name, ''), o.status, o.started_at, o.finished_at, "
        "o.statistics "
        "FROM sync_operations o LEFT JOIN sync_pairs p ON p.id = o.pair_id "
        "WHERE o.finished_at >= ? AND o.finished_at <= ? AND o.dry_run = ? ORDER BY o.id"));
    operations.addBindValue(dialect.toDb(from));
    operations.addBindValue(dialect.toDb(to));
    operations.addBindValue(false);
    database.exec(operations, "reading the period's operations");
    QHash<qint64, PairReview> pairs;
    QHash<qint64, QList<double>> durations;
    QHash<qint64, double> secondsRun;
    QList<double> allDurations;
    qint64 completedTotal = 0, failedTotal = 0;
    while (operations.next()) {
        const qint64 pairId = operations.value(0).toLongLong();
        PairReview &pair = pairs[pairId];
        pair.pairId = pairId;
        pair.name = operations.value(1).toString();
        const QString status = operations.value(2).toString();
        review.operationsByStatus.insert(status,
                                         review.operationsByStatus.value(status).toInt() + 1);
        ++review.operationsFinished;
        ++pair.runs;
        if (status == QLatin1String("completed")
            || status == QLatin1String("completed_with_errors")) {
            ++pair.completed;
            ++completedTotal;
        } else if (status == QLatin1String("failed")) {
            ++pair.failed;
            ++failedTotal;
        } else if (status == QLatin1String("cancelled")) {
            ++pair.cancelled;
        }
        const QDateTime started = dialect.fromDb(operations.value(3));
        const QDateTime finished = dialect.fromDb(operations.value(4));
        pair.rowsRead += rowsRead(db::rows::jsonObject(operations.value(5)));
        if (started.isValid() && finished.isValid() && finished >= started) {
            const double seconds = started.msecsTo(finished) / 1000.0;
            durations[pairId] << seconds;
            allDurations << seconds;
            secondsRun[pairId] += seconds;
        }
    }
    if (completedTotal + failedTotal > 0)
        review.successRate = 100.0 * completedTotal / double(completedTotal + failedTotal);
    review.p50Seconds = percentile(allDurations, 50);
    review.p95Seconds = percentile(allDurations, 95);
    for (auto it = pairs.begin(); it != pairs.end(); ++it) {
        PairReview &pair = it.value();
        if (pair.completed + pair.failed > 0)
            pair.successRate = 100.0 * pair.completed / double(pair.completed + pair.failed);
        pair.p50Seconds = percentile(durations.value(pair.pairId), 50);
        pair.p95Seconds = percentile(durations.value(pair.pairId), 95);
        if (secondsRun.value(pair.pairId) > 0)
            pair.rowsPerSecond = double(pair.rowsRead) / secondsRun.value(pair.pairId);
        review.pairs << pair;
    }
    std::sort(review.pairs.begin(), review.pairs.end(),
              [](const PairReview &a, const PairReview &b) {
                  return a.name == b.name ? a.pairId < b.pairId : a.name < b.name;
              });

    // Restarts of tf-syncd recorded by the gateway's supervisor, per UTC day.
    QSqlQuery restarts
        = database.prepare(QStringLiteral("SELECT created_at FROM service_events WHERE event = "
                                          "'restarted' AND created_at >= ? AND created_at <= ?"));
    restarts.addBindValue(dialect.toDb(from));
    restarts.addBindValue(dialect.toDb(to));
    database.exec(restarts, "reading restarts");
    QHash<QDate, int> perDay;
    while (restarts.next()) {
        ++review.serviceRestarts;
        const int count = ++perDay[dialect.fromDb(restarts.value(0)).toUTC().date()];
        review.worstRestartDay = qMax(review.worstRestartDay, count);
    }

    judgeMetric(review, QStringLiteral("cpu_percent"), QStringLiteral("CPU usage"),
                thresholds.cpuPercent, QStringLiteral("%"), QStringLiteral("medium"));
    judgeMetric(review, QStringLiteral("memory_percent"), QStringLiteral("Memory usage"),
                thresholds.memoryPercent, QStringLiteral("%"), QStringLiteral("medium"));
    judgeMetric(review, QStringLiteral("disk_percent"), QStringLiteral("Disk usage"),
                thresholds.diskPercent, QStringLiteral("%"), QStringLiteral("high"));
    judgeMetric(review, QStringLiteral("http_p95_ms"),
                QStringLiteral("Service response time (p95)"), thresholds.responseTimeMs,
                QStringLiteral(" ms"), QStringLiteral("medium"));
    if (review.successRate >= 0 && review.successRate < thresholds.successRatePercent)
        review.findings << finding(
            QStringLiteral("medium"), QStringLiteral("success_rate_low"),
            QStringLiteral("%1% of sync operations succeeded (%2 failed of %3), below %4%")
                .arg(fixed(review.successRate))
                .arg(failedTotal)
                .arg(completedTotal + failedTotal)
                .arg(fixed(thresholds.successRatePercent, 0)));
    for (const PairReview &pair : std::as_const(review.pairs)) {
        if (pair.successRate >= 0 && pair.successRate < thresholds.successRatePercent)
            review.findings << finding(QStringLiteral("medium"),
                                       QStringLiteral("pair_success_rate_low"),
                                       QStringLiteral("sync pair %1 \"%2\": %3 of %4 runs failed")
                                           .arg(pair.pairId)
                                           .arg(pair.name)
                                           .arg(pair.failed)
                                           .arg(pair.completed + pair.failed),
                                       QJsonObject { { QStringLiteral("pair_id"), pair.pairId } });
    }
    if (review.worstRestartDay > thresholds.serviceRestartsPer24h)
        review.findings << finding(
            QStringLiteral("medium"), QStringLiteral("service_restarts_high"),
            QStringLiteral("tf-syncd was restarted %1 times in one day (threshold %2 in 24 hours)")
                .arg(review.worstRestartDay)
                .arg(fixed(thresholds.serviceRestartsPer24h, 0)));
    return review;
}

} // namespace tf::ops
