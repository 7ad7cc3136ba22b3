#include "metricsrepository.h"

#include "db/epochbucket.h"
#include "rowhelpers.h"

#include <QHash>
#include <QJsonArray>

#include <limits>

namespace tf::db {

namespace {
const QString kColumns = QStringLiteral("metric, value, labels, created_at, node, resolution_s, sample_count");
constexpr qint64 kRetentionLock = 0x74666d6574726963; // "tfmetric"
constexpr int kHour = 3600;

QDateTime hourStart(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    return QDateTime(utc.date(), QTime(utc.time().hour(), 0), Qt::UTC);
}

// Rows read for the last run: the final statistics nest the totals, progress writes them flat.
qint64 rowsRead(const QJsonObject &statistics)
{
    const QJsonObject totals = statistics.value(QStringLiteral("totals")).toObject();
    const QJsonObject &source = totals.isEmpty() ? statistics : totals;
    return source.value(QStringLiteral("read")).toVariant().toLongLong();
}
} // namespace

QJsonObject MetricSample::toJson() const
{
    return { { QStringLiteral("metric"), metric },
             { QStringLiteral("value"), value },
             { QStringLiteral("labels"), labels },
             { QStringLiteral("timestamp"), rows::isoOrNull(at) },
             { QStringLiteral("node"), node },
             { QStringLiteral("resolution_s"), resolutionSeconds },
             { QStringLiteral("sample_count"), sampleCount } };
}

double PairFigures::secondsSinceSuccess(const QDateTime &now) const
{
    return lastSuccessAt.isValid() ? qMax(0.0, double(lastSuccessAt.msecsTo(now)) / 1000.0) : -1.0;
}

QJsonObject PairFigures::toJson(const QDateTime &now) const
{
    auto orNull = [](double value) { return value < 0 ? QJsonValue() : QJsonValue(value); };
    return { { QStringLiteral("pair_id"), pairId },
             { QStringLiteral("name"), name },
             { QStringLiteral("enabled"), enabled },
             { QStringLiteral("last_status"), lastStatus.isEmpty() ? QJsonValue() : QJsonValue(lastStatus) },
             { QStringLiteral("last_finished_at"), rows::isoOrNull(lastFinishedAt) },
             { QStringLiteral("last_duration_s"), orNull(lastDurationSeconds) },
             { QStringLiteral("last_rows_read"), lastRowsRead },
             { QStringLiteral("last_rows_per_second"), orNull(lastRowsPerSecond) },
             { QStringLiteral("last_success_at"), rows::isoOrNull(lastSuccessAt) },
             { QStringLiteral("seconds_since_success"), orNull(secondsSinceSuccess(now)) },
             { QStringLiteral("failures_last_hour"), failuresLastHour } };
}

QJsonObject MetricSeries::toJson() const
{
    QJsonArray list;
    for (const MetricBucket &point : points) {
        list.append(QJsonObject { { QStringLiteral("t"), rows::isoOrNull(point.start) },
                                  { QStringLiteral("avg"), point.average },
                                  { QStringLiteral("min"), point.minimum },
                                  { QStringLiteral("max"), point.maximum },
                                  { QStringLiteral("samples"), point.samples } });
    }
    return { { QStringLiteral("node"), node }, { QStringLiteral("labels"), labels }, { QStringLiteral("points"), list } };
}

QJsonObject QueueFigures::toJson() const
{
    return { { QStringLiteral("queued"), queued },
             { QStringLiteral("running"), running },
             { QStringLiteral("failed_last_hour"), failedLastHour } };
}

QJsonObject MetricsRepository::RetentionResult::toJson() const
{
    return { { QStringLiteral("raw_rows_folded"), rawRowsFolded },
             { QStringLiteral("buckets_written"), bucketsWritten },
             { QStringLiteral("rows_expired"), rowsExpired } };
}

MetricSample MetricsRepository::read(const QSqlQuery &query) const
{
    MetricSample sample;
    sample.metric = query.value(0).toString();
    sample.value = query.value(1).toDouble();
    sample.labels = rows::jsonObject(query.value(2));
    sample.at = m_database.dialect().fromDb(query.value(3));
    sample.node = query.value(4).toString();
    sample.resolutionSeconds = query.value(5).toInt();
    sample.sampleCount = query.value(6).toInt();
    return sample;
}

void MetricsRepository::insert(const QString &node, const QList<MetricSample> &samples)
{
    if (samples.isEmpty())
        return;
    const Dialect &dialect = m_database.dialect();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Transaction transaction(m_database);
    {
        QSqlQuery query
            = m_database.prepare(QStringLiteral("INSERT INTO system_metrics (created_at, node, "
                                                "metric, value, labels) VALUES (?, ?, ?, ?, ?)"));
        for (const MetricSample &sample : samples) {
            query.bindValue(0, dialect.toDb(sample.at.isValid() ? sample.at : now));
            query.bindValue(1, rows::nonNull(node));
            query.bindValue(2, sample.metric);
            query.bindValue(3, sample.value);
            query.bindValue(4, rows::jsonText(sample.labels));
            m_database.exec(query, "inserting metrics");
        }
    }
    transaction.commit();
}

std::optional<MetricSample> MetricsRepository::latest(const QString &metric) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(
            " FROM system_metrics WHERE metric = ? ORDER BY created_at DESC, id DESC LIMIT 1"));
    query.addBindValue(metric);
    m_database.exec(query, "reading the latest metric");
    if (!query.next())
        return std::nullopt;
    return read(query);
}

QList<MetricSample> MetricsRepository::series(const QString &metric, const QDateTime &from,
                                              const QDateTime &to) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT ") + kColumns
        + QStringLiteral(
            " FROM system_metrics WHERE metric = ? AND created_at >= ? AND created_at <= ? "
            "ORDER BY created_at, id"));
    query.addBindValue(metric);
    query.addBindValue(m_database.dialect().toDb(from));
    query.addBindValue(m_database.dialect().toDb(to));
    m_database.exec(query, "reading a metric series");
    QList<MetricSample> samples;
    while (query.next())
        samples.append(read(query));
    return samples;
}

QList<MetricSeries> MetricsRepository::downsample(const QString &metric, const QDateTime &from,
                                                  const QDateTime &to, int stepSeconds, const QString &node) const
{
    const Dialect &dialect = m_database.dialect();
    const qint64 step = qMax(1, stepSeconds);
    // The bucket number: whole seconds since the epoch, divided by the step.
    const QString bucket = epochBucketSql(dialect, QStringLiteral("created_at"));
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT node, labels, %1 AS bucket, SUM(value * sample_count) / SUM(sample_count), "
                       "MIN(value), MAX(value), SUM(sample_count) FROM system_metrics "
                       "WHERE metric = ? AND created_at >= ? AND created_at < ?%2 "
                       "GROUP BY node, labels, bucket ORDER BY node, labels, bucket")
            .arg(bucket, node.isEmpty() ? QString() : QStringLiteral(" AND node = ?")));
    query.addBindValue(step);
    query.addBindValue(metric);
    query.addBindValue(dialect.toDb(from));
    query.addBindValue(dialect.toDb(to));
    if (!node.isEmpty())
        query.addBindValue(node);
    m_database.exec(query, "downsampling a metric series");
    QList<MetricSeries> series;
    QString lastKey;
    while (query.next()) {
        const QString seriesNode = query.value(0).toString();
        const QString labels = query.value(1).toString();
        const QString key = seriesNode + QChar(0x1f) + labels;
        if (series.isEmpty() || key != lastKey) {
            series.append(MetricSeries { seriesNode, rows::jsonObject(labels), {} });
            lastKey = key;
        }
        MetricBucket point;
        point.start = QDateTime::fromSecsSinceEpoch(query.value(2).toLongLong() * step, Qt::UTC);
        point.average = query.value(3).toDouble();
        point.minimum = query.value(4).toDouble();
        point.maximum = query.value(5).toDouble();
        point.samples = query.value(6).toLongLong();
        series.last().points.append(point);
    }
    return series;
}

qint64 MetricsRepository::count(int resolutionSeconds) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT COUNT(*) FROM system_metrics WHERE resolution_s = ?"));
    query.addBindValue(resolutionSeconds);
    m_database.exec(query, "counting metrics");
    return query.next() ? query.value(0).toLongLong() : 0;
}

MetricsRepository::RetentionResult MetricsRepository::applyRetention(const QDateTime &rawBefore,
                                                                     const QDateTime &expireBefore)
{
    struct Bucket
    {
        QString node;
        QString metric;
        QString labels;
        QDateTime hour;
        double sum = 0;
        qint64 count = 0;
    };
    const Dialect &dialect = m_database.dialect();
    const QDateTime cutoff = hourStart(rawBefore);
    RetentionResult result;

    Transaction transaction(m_database);
    transaction.lock(kRetentionLock); // a second node waits, then finds nothing left to fold
    {
        // Expired rows go first, so nothing is averaged only to be deleted.
        QSqlQuery expire = m_database.prepare(QStringLiteral("DELETE FROM system_metrics WHERE created_at < ?"));
        expire.addBindValue(dialect.toDb(expireBefore));
        m_database.exec(expire, "deleting expired metrics");
        result.rowsExpired = expire.numRowsAffected();
    }
    QHash<QString, Bucket> buckets;
    {
        QSqlQuery query(m_database.connection());
        query.setForwardOnly(true); // streams: memory holds the buckets, not the rows
        if (!query.prepare(QStringLiteral("SELECT node, metric, labels, created_at, value FROM system_metrics "
                                          "WHERE resolution_s = 0 AND created_at < ?")))
            m_database.raise(query, "preparing the metrics retention");
        query.addBindValue(dialect.toDb(cutoff));
        m_database.exec(query, "reading raw metrics to fold");
        while (query.next()) {
            const QDateTime hour = hourStart(dialect.fromDb(query.value(3)));
            const QString node = query.value(0).toString();
            const QString metric = query.value(1).toString();
            const QString labels = query.value(2).toString();
            const QString key = node + QChar(0x1f) + metric + QChar(0x1f) + labels + QChar(0x1f)
                + QString::number(hour.toSecsSinceEpoch());
            Bucket &bucket = buckets[key];
            if (bucket.count == 0) {
                bucket.node = node;
                bucket.metric = metric;
                bucket.labels = labels;
                bucket.hour = hour;
            }
            bucket.sum += query.value(4).toDouble();
            ++bucket.count;
            ++result.rawRowsFolded;
        }
        query.finish();
    }
    if (!buckets.isEmpty()) {
        QSqlQuery insert = m_database.prepare(QStringLiteral(
            "INSERT INTO system_metrics (created_at, node, metric, value, labels, resolution_s, sample_count) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)"));
        for (const Bucket &bucket : std::as_const(buckets)) {
            insert.bindValue(0, dialect.toDb(bucket.hour));
            insert.bindValue(1, bucket.node);
            insert.bindValue(2, bucket.metric);
            insert.bindValue(3, bucket.sum / double(bucket.count));
            insert.bindValue(4, bucket.labels);
            insert.bindValue(5, kHour);
            insert.bindValue(6, int(qMin<qint64>(bucket.count, std::numeric_limits<int>::max())));
            m_database.exec(insert, "writing hourly metric averages");
            ++result.bucketsWritten;
        }
        QSqlQuery remove = m_database.prepare(
            QStringLiteral("DELETE FROM system_metrics WHERE resolution_s = 0 AND created_at < ?"));
        remove.addBindValue(dialect.toDb(cutoff));
        m_database.exec(remove, "deleting folded raw metrics");
    }
    transaction.commit();
    return result;
}

QueueFigures MetricsRepository::queueFigures(const QDateTime &now) const
{
    QueueFigures figures;
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "SELECT status, COUNT(*) FROM sync_operations WHERE status IN ('queued', 'running') GROUP BY status"));
    m_database.exec(query, "counting queued operations");
    while (query.next()) {
        if (query.value(0).toString() == QLatin1String("queued"))
            figures.queued = query.value(1).toInt();
        else
            figures.running = query.value(1).toInt();
    }
    QSqlQuery failed = m_database.prepare(
        QStringLiteral("SELECT COUNT(*) FROM sync_operations WHERE status = 'failed' AND finished_at >= ?"));
    failed.addBindValue(m_database.dialect().toDb(now.addSecs(-kHour)));
    m_database.exec(failed, "counting failed operations");
    figures.failedLastHour = failed.next() ? failed.value(0).toInt() : 0;
    return figures;
}

QList<PairFigures> MetricsRepository::pairFigures(const QDateTime &now) const
{
    const Dialect &dialect = m_database.dialect();
    QList<PairFigures> pairs;
    QHash<qint64, int> index;
    {
        QSqlQuery query = m_database.prepare(QStringLiteral("SELECT id, name, enabled FROM sync_pairs ORDER BY name"));
        m_database.exec(query, "listing pairs for metrics");
        while (query.next()) {
            PairFigures figures;
            figures.pairId = query.value(0).toLongLong();
            figures.name = query.value(1).toString();
            figures.enabled = query.value(2).toBool();
            index.insert(figures.pairId, int(pairs.size()));
            pairs.append(figures);
        }
    }
    {
        QSqlQuery query = m_database.prepare(QStringLiteral(
            "SELECT pair_id, COUNT(*) FROM sync_operations WHERE status = 'failed' AND finished_at >= ? "
            "GROUP BY pair_id"));
        query.addBindValue(dialect.toDb(now.addSecs(-kHour)));
        m_database.exec(query, "counting failures per pair");
        while (query.next()) {
            const int at = index.value(query.value(0).toLongLong(), -1);
            if (at >= 0)
                pairs[at].failuresLastHour = query.value(1).toInt();
        }
    }
    // Two indexed lookups per pair (sync_operations_pair_created_idx): the newest finished
    // run, and the newest success. Dry runs write nothing, so they count as neither.
    QSqlQuery last = m_database.prepare(QStringLiteral(
        "SELECT status, statistics, started_at, finished_at FROM sync_operations "
        "WHERE pair_id = ? AND dry_run = ? AND status IN ('completed', 'completed_with_errors', 'failed') "
        "ORDER BY created_at DESC, id DESC LIMIT 1"));
    QSqlQuery success = m_database.prepare(QStringLiteral(
        "SELECT finished_at FROM sync_operations "
        "WHERE pair_id = ? AND dry_run = ? AND status IN ('completed', 'completed_with_errors') "
        "ORDER BY created_at DESC, id DESC LIMIT 1"));
    for (PairFigures &figures : pairs) {
        last.bindValue(0, figures.pairId);
        last.bindValue(1, false);
        m_database.exec(last, "reading a pair's last run");
        if (last.next()) {
            figures.lastStatus = last.value(0).toString();
            figures.lastRowsRead = rowsRead(rows::jsonObject(last.value(1)));
            const QDateTime started = dialect.fromDb(last.value(2));
            figures.lastFinishedAt = dialect.fromDb(last.value(3));
            if (started.isValid() && figures.lastFinishedAt.isValid()) {
                figures.lastDurationSeconds = qMax(0.0, double(started.msecsTo(figures.lastFinishedAt)) / 1000.0);
                // A run faster than a millisecond still read its rows: count it as 1 ms.
                figures.lastRowsPerSecond = double(figures.lastRowsRead) / qMax(0.001, figures.lastDurationSeconds);
            }
        }
        last.finish();
        success.bindValue(0, figures.pairId);
        success.bindValue(1, false);
        m_database.exec(success, "reading a pair's last success");
        if (success.next())
            figures.lastSuccessAt = dialect.fromDb(success.value(0));
        success.finish();
    }
    return pairs;
}

} // namespace tf::db
