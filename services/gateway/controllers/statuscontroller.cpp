#include "statuscontroller.h"

#include "common/databasestate.h"
#include "common/readinessjson.h"
#include "gateway/syncdclient.h"
#include "gateway/syncsupervisor.h"
#include "tfversion.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

namespace tf::gateway {

StatusController::StatusController(const DatabaseState &database, SyncdClient &syncd,
                                   const SyncSupervisor *supervisor, const QElapsedTimer &uptime,
                                   int statusTimeoutMs)
    : m_database(database)
    , m_syncd(syncd)
    , m_supervisor(supervisor)
    , m_uptime(uptime)
    , m_statusTimeoutMs(statusTimeoutMs)
{
}

void StatusController::registerRoutes(http::Router &router)
{
    router.addAsync("GET", QStringLiteral("/api/status"), auth::Permission::StatusRead,
                    [this](const http::ApiRequest &request, const http::Router::Reply &reply) { status(request, reply); });
    router.add("GET", QStringLiteral("/health"), [this](const http::ApiRequest &) { return health(); }, true);
    router.add("GET", QStringLiteral("/health/live"), [](const http::ApiRequest &) {
        return http::ApiResponse::json(QJsonObject { { QStringLiteral("status"), QStringLiteral("alive") } });
    }, true);
    router.add("GET", QStringLiteral("/health/ready"), [this](const http::ApiRequest &) { return ready(); }, true);
}

void StatusController::status(const http::ApiRequest &, const http::Router::Reply &reply)
{
    const auto readiness = m_database.readiness();
    const QJsonObject database = http::readinessToJson(readiness);
    const QJsonObject gateway {
        { QStringLiteral("status"), QStringLiteral("healthy") },
        { QStringLiteral("latency_ms"), 0 },
        { QStringLiteral("uptime_s"), double(m_uptime.elapsed()) / 1000.0 },
        { QStringLiteral("pid"), QCoreApplication::applicationPid() },
    };
    const QUrl syncUrl = m_syncd.baseUrl();
    const QJsonObject supervision = m_supervisor ? m_supervisor->toJson() : QJsonObject {};

    m_syncd.get(QStringLiteral("/health"), nullptr, [=](const SyncdClient::Result &result) {
        QJsonObject syncd {
            { QStringLiteral("url"), syncUrl.toString() },
            { QStringLiteral("latency_ms"), result.elapsedMs },
            { QStringLiteral("supervised"), m_supervisor != nullptr },
        };
        for (auto it = supervision.constBegin(); it != supervision.constEnd(); ++it)
            syncd.insert(it.key(), it.value());
        if (result.status == 0) {
            syncd.insert(QStringLiteral("status"), QStringLiteral("down"));
            syncd.insert(QStringLiteral("error"), QString(QStringLiteral("tf-syncd unreachable: ") + result.error));
        } else {
            const QJsonObject health = QJsonDocument::fromJson(result.body).object();
            const bool healthy = result.status == 200 && health.value(QStringLiteral("status")).toString() == QLatin1String("healthy");
            syncd.insert(QStringLiteral("status"), healthy ? QStringLiteral("healthy") : QStringLiteral("degraded"));
            syncd.insert(QStringLiteral("node_id"), health.value(QStringLiteral("node_id")));
            syncd.insert(QStringLiteral("version"), health.value(QStringLiteral("version")));
            syncd.insert(QStringLiteral("pid"), health.value(QStringLiteral("pid"))); // the process that answered
            if (!healthy) {
                const QString reason = health.value(QStringLiteral("checks")).toObject()
                                           .value(QStringLiteral("database")).toObject()
                                           .value(QStringLiteral("error")).toString();
                syncd.insert(QStringLiteral("error"), reason.isEmpty() ? QStringLiteral("HTTP %1").arg(result.status) : reason);
            }
        }
        const QString syncStatus = syncd.value(QStringLiteral("status")).toString();
        const QString dbStatus = database.value(QStringLiteral("status")).toString();
        QString overall = QStringLiteral("healthy");
        if (syncStatus == QLatin1String("down") && dbStatus == QLatin1String("down"))
            overall = QStringLiteral("down");
        else if (syncStatus != QLatin1String("healthy") || dbStatus != QLatin1String("healthy"))
            overall = QStringLiteral("degraded");
        reply(http::ApiResponse::json(QJsonObject {
            { QStringLiteral("status"), overall },
            { QStringLiteral("version"), QStringLiteral(TF_VERSION_STRING) },
            { QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
            { QStringLiteral("components"), QJsonObject {
                  { QStringLiteral("gateway"), gateway },
                  { QStringLiteral("syncd"), syncd },
                  { QStringLiteral("database"), database } } },
        }));
    }, m_statusTimeoutMs);
}

http::ApiResponse StatusController::health() const
{
    const auto readiness = m_database.readiness();
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("status"), readiness.ready ? QStringLiteral("healthy") : QStringLiteral("unhealthy") },
        { QStringLiteral("service"), QStringLiteral("tf-gateway") },
        { QStringLiteral("version"), QStringLiteral(TF_VERSION_STRING) },
        { QStringLiteral("uptime_s"), double(m_uptime.elapsed()) / 1000.0 },
        { QStringLiteral("checks"), QJsonObject { { QStringLiteral("database"), http::readinessToJson(readiness) } } },
    }, readiness.ready ? 200 : 503);
}

http::ApiResponse StatusController::ready() const
{
    return http::readinessResponse(m_database.readiness());
}

} // namespace tf::gateway
