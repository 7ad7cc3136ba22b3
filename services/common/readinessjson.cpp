#include "readinessjson.h"

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

} // namespace tf::http
