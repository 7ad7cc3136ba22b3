#include "metricshistorycontroller.h"

#include "common/databasestate.h"
#include "db/repositories/metricsrepository.h"
#include "common/listquery.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace tf::gateway {

namespace {

// "90", "90s", "5m", "1h", "1d" -> seconds; 0 when malformed.
qint64 parseStep(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,9})([smhd]?)$"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return 0;
    const qint64 value = match.captured(1).toLongLong();
    const QString unit = match.captured(2);
    const qint64 factor = unit == QLatin1String("m") ? 60 : unit == QLatin1String("h") ? 3600 : unit == QLatin1String("d") ? 86400 : 1;
    return value * factor;
}

// The smallest step of a round size that keeps the range within `points` buckets.
qint64 defaultStep(qint64 rangeSeconds, int points)
{
    static const qint64 ladder[] = { 1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 };
    for (qint64 step : ladder) {
        if (rangeSeconds / step <= points)
            return step;
    }
    return (rangeSeconds / points / 86400 + 1) * 86400;
}

} // namespace

MetricsHistoryController::MetricsHistoryController(const DatabaseState &database)
    : m_database(database)
{ }

void MetricsHistoryController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/api/metrics/history"), auth::Permission::MetricsRead,
               [this](const http::ApiRequest &r) { return history(r); });
}

const QStringList &MetricsHistoryController::knownMetrics()
{
    // What tf-syncd's collector samples (services/syncd/monitoring/metricscollector.cpp).
    static const QStringList names {
        QStringLiteral("cpu_percent"), QStringLiteral("memory_percent"), QStringLiteral("disk_percent"),
        QStringLiteral("http_requests"), QStringLiteral("http_server_errors"), QStringLiteral("http_p50_ms"),
        QStringLiteral("http_p95_ms"), QStringLiteral("operations_queued"), QStringLiteral("operations_running"),
        QStringLiteral("operations_failed_last_hour"), QStringLiteral("service_restarts_24h"),
        QStringLiteral("pair_rows_per_second"), QStringLiteral("pair_last_duration_s"),
        QStringLiteral("pair_seconds_since_success"), QStringLiteral("pair_failures_last_hour"),
    };
    return names;
}

http::ApiResponse MetricsHistoryController::history(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(
        request, { QStringLiteral("metric"), QStringLiteral("created_after"), QStringLiteral("created_before"),
                   QStringLiteral("step"), QStringLiteral("node") });
    if (!params.has(QStringLiteral("metric")))
        http::QueryParams::invalid(QStringLiteral("metric"),
                                   QStringLiteral("is required; one of: %1").arg(knownMetrics().join(QStringLiteral(", "))));
    const QString metric = params.choice(QStringLiteral("metric"), knownMetrics());
    QDateTime to = params.time(QStringLiteral("created_before"));
    QDateTime from = params.time(QStringLiteral("created_after"));
    if (!to.isValid())
        to = QDateTime::currentDateTimeUtc();
    if (!from.isValid())
        from = to.addSecs(-3600);
    if (from >= to)
        http::QueryParams::invalid(QStringLiteral("created_after"), QStringLiteral("must be earlier than created_before"));
    const qint64 range = from.secsTo(to);
    qint64 step = 0;
    if (params.has(QStringLiteral("step"))) {
        step = parseStep(request.queryValue(QStringLiteral("step")));
        if (step < 1 || step > 366LL * 86400)
            http::QueryParams::invalid(QStringLiteral("step"), QStringLiteral("must be seconds (60) or a duration such as 30s, 5m, 1h, 1d"));
        if (range / step > kMaxBuckets)
            http::QueryParams::invalid(QStringLiteral("step"), QStringLiteral("gives %1 buckets over this range; at most %2 are answered")
                                                                   .arg(range / step).arg(kMaxBuckets));
    } else {
        step = defaultStep(range, kDefaultPoints);
    }
    const QString node = params.text(QStringLiteral("node"));

    // A series per node and label set, in the repository's stable order; the list rule pages
    // over them (the cursor is the position of the next series).
    db::MetricsRepository metrics(m_database.database().database());
    const QList<db::MetricSeries> all = metrics.downsample(metric, from, to, int(step), node);
    const qint64 first = params.cursor().isEmpty() ? 0 : params.cursorId();
    QJsonArray items;
    for (qint64 i = first; i < all.size() && items.size() < params.limit(); ++i) {
        QJsonObject series = all.at(i).toJson();
        series.insert(QStringLiteral("metric"), metric);
        series.insert(QStringLiteral("step"), step);
        series.insert(QStringLiteral("from"), from.toString(Qt::ISODateWithMs));
        series.insert(QStringLiteral("to"), to.toString(Qt::ISODateWithMs));
        items.append(series);
    }
    const qint64 next = first + items.size();
    return http::listResponse(request, params, items, next < all.size() ? QString::number(next) : QString());
}

} // namespace tf::gateway
