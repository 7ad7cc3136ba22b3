#include "readinessjson.h"

#include "apiresponse.h"

namespace tf::http {

QJsonObject readinessToJson(const db::ControlDatabase::Readiness &readiness)
{
    QJsonObject object {
        { QStringLiteral("status"), readiness.ready ? QStringLiteral("healthy") : QStringLiteral("down") },
        { QStringLiteral("backend"), readiness.backend },
        { QStringLiteral("latency_ms"), readiness.latencyMs },
        { QStringLiteral("schema_version"), readiness.schemaVersion },
        { QStringLiteral("latest_version"), readiness.latestVersion },
    };
    if (!readiness.ready)
        object.insert(QStringLiteral("error"), readiness.reason);
    return object;
}

ApiResponse readinessResponse(const db::ControlDatabase::Readiness &readiness)
{
    QJsonObject body {
        { QStringLiteral("status"), readiness.ready ? QStringLiteral("ready") : QStringLiteral("not_ready") },
        { QStringLiteral("database"), readinessToJson(readiness) },
    };
    if (!readiness.ready)
        body.insert(QStringLiteral("reason"), readiness.reason);
    return ApiResponse::json(body, readiness.ready ? 200 : 503);
}

} // namespace tf::http
