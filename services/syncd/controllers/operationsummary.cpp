#include "operationsummary.h"

#include "common/listquery.h"
#include "db/connection.h"
#include "db/epochbucket.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QSqlQuery>

namespace tf::syncd {

http::ApiResponse OperationSummary::answer(const db::Database &database, const http::ApiRequest &request)
{
    const http::QueryParams params(request, { QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("bucket") });
    const QString bucket = params.choice(QStringLiteral("bucket"), { QStringLiteral("hour"), QStringLiteral("day") });
    const bool byDay = bucket == QLatin1String("day");
    const qint64 step = byDay ? 86400 : 3600;
    QDateTime to = params.time(QStringLiteral("to"));
    if (!to.isValid())
        to = QDateTime::currentDateTimeUtc();
    QDateTime from = params.time(QStringLiteral("from"));
    if (!from.isValid())
        from = to.addSecs(-24 * 3600);
    from = from.toUTC();
    to = to.toUTC();
    if (from >= to)
        http::QueryParams::invalid(QStringLiteral("from"), QStringLiteral("must be before to"));
    const qint64 first = from.toSecsSinceEpoch() / step;
    const qint64 last = (to.toSecsSinceEpoch() - 1) / step;
    const qint64 maxBuckets = byDay ? MaxDayBuckets : MaxHourBuckets;
    if (last - first + 1 > maxBuckets)
        http::QueryParams::invalid(QStringLiteral("to"),
                                   QStringLiteral("the range spans more than %1 %2s").arg(maxBuckets).arg(byDay ? QStringLiteral("day") : QStringLiteral("hour")));

    // Only constant fragments are pasted; every value is bound.
    QSqlQuery query = database.prepare(
        QStringLiteral("SELECT %1 AS bucket, "
                       "SUM(CASE WHEN status = 'failed' THEN 0 ELSE 1 END), "
                       "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) FROM sync_operations "
                       "WHERE status IN ('completed', 'completed_with_errors', 'failed') "
                       "AND finished_at >= ? AND finished_at < ? GROUP BY bucket ORDER BY bucket")
            .arg(db::epochBucketSql(database.dialect(), QStringLiteral("finished_at"))));
    query.addBindValue(step);
    query.addBindValue(database.dialect().toDb(from));
    query.addBindValue(database.dialect().toDb(to));
    database.exec(query, "summing sync operations");
    QMap<qint64, QPair<qint64, qint64>> counts;
    while (query.next())
        counts.insert(query.value(0).toLongLong(), { query.value(1).toLongLong(), query.value(2).toLongLong() });
    query.finish();

    QJsonArray buckets;
    qint64 succeeded = 0;
    qint64 failed = 0;
    for (qint64 b = first; b <= last; ++b) {
        const QPair<qint64, qint64> n = counts.value(b);
        succeeded += n.first;
        failed += n.second;
        buckets.append(QJsonObject {
            { QStringLiteral("start"), QDateTime::fromSecsSinceEpoch(b * step, Qt::UTC).toString(Qt::ISODate) },
            { QStringLiteral("succeeded"), n.first },
            { QStringLiteral("failed"), n.second } });
    }
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("from"), from.toString(Qt::ISODateWithMs) },
        { QStringLiteral("to"), to.toString(Qt::ISODateWithMs) },
        { QStringLiteral("bucket"), byDay ? QStringLiteral("day") : QStringLiteral("hour") },
        { QStringLiteral("succeeded"), succeeded },
        { QStringLiteral("failed"), failed },
        { QStringLiteral("buckets"), buckets } });
}

} // namespace tf::syncd
