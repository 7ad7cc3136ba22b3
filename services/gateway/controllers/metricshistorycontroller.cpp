#include "metricshistorycontroller.h"

#include "common/databasestate.h"
#include "db/repositories/metricsrepository.h"
#include "queryparameters.h"

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

http::ApiResponse MetricsHistoryController::history(const http::ApiRequest &request) const
{
    query::allowOnly(request, { QStringLiteral("metric"), QStringLiteral("from"), QStringLiteral("to"),
                                QStringLiteral("step"), QStringLiteral("node") });
    static const QRegularExpression metricName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_:.]{0,99}$"));
    const QString metric = request.queryValue(QStringLiteral("metric"));
    if (metric.isEmpty())
        query::badParameter(QStringLiteral("metric"), QStringLiteral("is required, e.g. metric=cpu_percent"));
    if (!metricName.match(metric).hasMatch())
        query::badParameter(QStringLiteral("metric"), QStringLiteral("is not a metric name (letters, digits, _ : .)"));
    QDateTime to = query::time(request, QStringLiteral("to"));
    QDateTime from = query::time(request, QStringLiteral("from"));
    if (!to.isValid())
        to = QDateTime::currentDateTimeUtc();
    if (!from.isValid())
        from = to.addSecs(-3600);
    if (from >= to)
        query::badParameter(QStringLiteral("from"), QStringLiteral("must be earlier than 'to'"));
    const qint64 range = from.secsTo(to);
    qint64 step = 0;
    if (request.query.hasQueryItem(QStringLiteral("step"))) {
        step = parseStep(request.queryValue(QStringLiteral("step")));
        if (step < 1 || step > 366LL * 86400)
            query::badParameter(QStringLiteral("step"), QStringLiteral("must be seconds (60) or a duration such as 30s, 5m, 1h, 1d"));
        if (range / step > kMaxBuckets)
            query::badParameter(QStringLiteral("step"), QStringLiteral("gives %1 buckets over this range; at most %2 are answered")
                                                            .arg(range / step).arg(kMaxBuckets));
    } else {
        step = defaultStep(range, kDefaultPoints);
    }
    const QString node = query::text(request, QStringLiteral("node"));

    db::MetricsRepository metrics(m_database.database().database());
    QJsonArray series;
    for (const db::MetricSeries &one : metrics.downsample(metric, from, to, int(step), node))
        series.append(one.toJson());
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("metric"), metric },
        { QStringLiteral("from"), from.toString(Qt::ISODateWithMs) },
        { QStringLiteral("to"), to.toString(Qt::ISODateWithMs) },
        { QStringLiteral("step"), step },
        { QStringLiteral("series"), series } });
}

} // namespace tf::gateway
