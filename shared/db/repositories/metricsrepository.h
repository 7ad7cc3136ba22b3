#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace tf::db {

struct MetricSample
{
    QString metric;
    double value = 0.0;
    QJsonObject labels;
    QDateTime at; // set to now by insert() when invalid
    QString node; // filled when read back
    int resolutionSeconds = 0; // read back: 0 raw, 3600 an hourly average
    int sampleCount = 1;       // read back: raw samples an average stands for

    QJsonObject toJson() const;
};

// One bucket of a downsampled series: the samples taken in [start, start + step).
struct MetricBucket
{
    QDateTime start;
    double average = 0.0; // weighted by sample_count, so hourly averages count as what they stand for
    double minimum = 0.0;
    double maximum = 0.0;
    qint64 samples = 0;   // raw samples the bucket stands for
};

// One node's (and label set's) series of a metric, for charts.
struct MetricSeries
{
    QString node;
    QJsonObject labels;
    QList<MetricBucket> points; // oldest first; buckets without samples are left out

    QJsonObject toJson() const;
};

// What sync_operations says about one pair, for the metrics and their alerts.
struct PairFigures
{
    qint64 pairId = 0;
    QString name;
    bool enabled = true;
    QString lastStatus;            // of the newest finished run (dry runs left out); empty: none
    QDateTime lastFinishedAt;
    double lastDurationSeconds = -1; // -1: no finished run
    qint64 lastRowsRead = 0;
    double lastRowsPerSecond = -1;   // -1: no finished run
    QDateTime lastSuccessAt;       // completed or completed_with_errors; invalid: never
    int failuresLastHour = 0;

    // Seconds from the last success to `now`; -1 when the pair never succeeded.
    double secondsSinceSuccess(const QDateTime &now) const;
    QJsonObject toJson(const QDateTime &now) const;
};

struct QueueFigures
{
    int queued = 0;
    int running = 0;
    int failedLastHour = 0;

    QJsonObject toJson() const;
};

// The `system_metrics` table: time series written by the metrics collector, with retention:
// raw samples older than a cut-off are folded into hourly averages, and everything older than
// the hourly retention is deleted. Also the read-only figures the collector takes from
// sync_operations.
class MetricsRepository final
{
    Q_DISABLE_COPY_MOVE(MetricsRepository)
public:
    explicit MetricsRepository(const Database &database)
        : m_database(database)
    { }

    // All samples in one transaction (one fsync, and readers never see half a scrape).
    void insert(const QString &node, const QList<MetricSample> &samples);
    std::optional<MetricSample> latest(const QString &metric) const;
    // Samples with from <= at <= to, oldest first; raw samples and hourly averages alike.
    QList<MetricSample> series(const QString &metric, const QDateTime &from,
                               const QDateTime &to) const;
    // Downsampled for charts: one bucket per stepSeconds (aligned to the Unix epoch) per node
    // and label set, for from <= at < to, computed by the database (the answer's size depends
    // on the buckets, not on the samples). node filters when not empty. Over hourly averages
    // minimum and maximum are those of the averages.
    QList<MetricSeries> downsample(const QString &metric, const QDateTime &from, const QDateTime &to,
                                   int stepSeconds, const QString &node = QString()) const;
    // Rows of one resolution (0 raw, 3600 hourly), for tests and the operations guide.
    qint64 count(int resolutionSeconds) const;

    struct RetentionResult
    {
        qint64 rawRowsFolded = 0;  // raw rows replaced by averages
        qint64 bucketsWritten = 0; // hourly rows written
        qint64 rowsExpired = 0;    // rows past the hourly retention, deleted

        QJsonObject toJson() const;
    };
    // Folds raw samples (every node's) taken before `rawBefore` (rounded down to the hour, so
    // only whole hours are folded and a bucket is never written twice) into one average per
    // node, metric, labels and hour; deletes every row taken before `expireBefore`. One
    // transaction, serialised across nodes.
    RetentionResult applyRetention(const QDateTime &rawBefore, const QDateTime &expireBefore);

    QueueFigures queueFigures(const QDateTime &now) const;
    // Every pair, by name.
    QList<PairFigures> pairFigures(const QDateTime &now) const;

private:
    MetricSample read(const QSqlQuery &query) const;

    const Database &m_database;
};

} // namespace tf::db
