#include "alertscontroller.h"

#include "common/databasestate.h"
#include "common/listquery.h"
#include "db/repositories/alertrepository.h"
#include "syncd/controllers/apiparams.h"
#include "syncd/controllers/changeaudit.h"

namespace tf::syncd {

AlertsController::AlertsController(const DatabaseState &database)
    : m_database(database)
{
}

void AlertsController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/alerts"), [this](const http::ApiRequest &r) { return list(r); });
    router.add("POST", QStringLiteral("/alerts/<id>/acknowledge"), [this](const http::ApiRequest &r) { return acknowledge(r); });
}

http::ApiResponse AlertsController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("status") });
    db::AlertRepository::ListFilter filter;
    filter.status = params.choice(QStringLiteral("status"),
                                  { QStringLiteral("raised"), QStringLiteral("acknowledged"), QStringLiteral("resolved"),
                                    QStringLiteral("open"), QStringLiteral("all") });
    filter.limit = params.limit();
    filter.beforeId = params.cursorId(); // newest first: the next page has smaller ids
    // One row more than asked tells whether another page follows.
    filter.limit += 1;
    QList<db::AlertRecord> alerts = db::AlertRepository(m_database.database().database()).list(filter);
    qint64 nextCursor = 0;
    if (alerts.size() == filter.limit) {
        alerts.removeLast();
        nextCursor = alerts.constLast().id;
    }
    QJsonArray items;
    for (const db::AlertRecord &alert : std::as_const(alerts))
        items.append(alert.toJson());
    return http::listResponse(request, params, items, nextCursor > 0 ? QString::number(nextCursor) : QString());
}

http::ApiResponse AlertsController::acknowledge(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const QJsonObject body = api::optionalBody(request);
    const QJsonValue by = body.value(QStringLiteral("by"));
    if (!by.isUndefined() && !by.isNull() && !by.isString())
        api::failField(QStringLiteral("cannot acknowledge the alert"), QStringLiteral("by"), QStringLiteral("must be a string"));
    // Through the gateway the person acknowledging is known (the forwarded actor, whose role
    // is a user role) and is who gets named; "by" names someone only on direct service calls.
    const http::Caller &caller = request.caller;
    const bool person = !caller.username.isEmpty() && !caller.role.isEmpty()
        && caller.role != QLatin1String("service");
    const QString acknowledgedBy = person ? caller.username : by.toString();
    const db::AlertRecord alert = db::AlertRepository(m_database.database().database())
                                      .acknowledge(id, acknowledgedBy.left(200));
    auditChange(
        m_database, request,
        { QStringLiteral("alert.acknowledged"),
          QStringLiteral("alert"),
          id,
          QStringLiteral("alert %1 (%2, %3) acknowledged").arg(id).arg(alert.rule, alert.severity),
          {},
          QJsonObject { { QStringLiteral("status"), alert.status },
                        { QStringLiteral("acknowledged_by"), alert.acknowledgedBy } } });
    return http::ApiResponse::json(alert.toJson());
}

} // namespace tf::syncd
