#include "healthcontroller.h"

#include "common/databasestate.h"
#include "common/readinessjson.h"
#include "sync/engine/circuitbreaker.h"
#include "tfversion.h"

#include <QCoreApplication>
#include <QDateTime>

namespace tf::syncd {

HealthController::HealthController(const DatabaseState &database, QString nodeId, const QElapsedTimer &uptime)
    : m_database(database)
    , m_nodeId(std::move(nodeId))
    , m_uptime(uptime)
{
}

void HealthController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/health"), [this](const http::ApiRequest &) { return health(); }, true);
    router.add("GET", QStringLiteral("/health/live"), [this](const http::ApiRequest &) { return live(); }, true);
    router.add("GET", QStringLiteral("/health/ready"), [this](const http::ApiRequest &) { return ready(); }, true);
}

http::ApiResponse HealthController::health() const
{
    const auto readiness = m_database.readiness();
    QJsonObject body {
        { QStringLiteral("status"), readiness.ready ? QStringLiteral("healthy") : QStringLiteral("unhealthy") },
        { QStringLiteral("service"), QStringLiteral("tf-syncd") },
        { QStringLiteral("version"), QStringLiteral(TF_VERSION_STRING) },
        { QStringLiteral("node_id"), m_nodeId },
        { QStringLiteral("pid"), QCoreApplication::applicationPid() },
        { QStringLiteral("uptime_s"), double(m_uptime.elapsed()) / 1000.0 },
        { QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
        { QStringLiteral("checks"), QJsonObject { { QStringLiteral("database"), http::readinessToJson(readiness) } } },
        // An open breaker is shown, not made unhealthy: the node itself still serves.
        { QStringLiteral("circuit_breakers"), sync::CircuitBreakerRegistry::instance().snapshot() },
    };
    if (m_workerState)
        body.insert(QStringLiteral("workers"), m_workerState());
    return http::ApiResponse::json(body, readiness.ready ? 200 : 503);
}

http::ApiResponse HealthController::live() const
{
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("status"), QStringLiteral("alive") },
        { QStringLiteral("pid"), QCoreApplication::applicationPid() },
        { QStringLiteral("uptime_s"), double(m_uptime.elapsed()) / 1000.0 },
    });
}

http::ApiResponse HealthController::ready() const
{
    return http::readinessResponse(m_database.readiness());
}

} // namespace tf::syncd
