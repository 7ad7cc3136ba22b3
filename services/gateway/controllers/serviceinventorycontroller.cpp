#include "serviceinventorycontroller.h"

#include "common/databasestate.h"
#include "common/listquery.h"
#include "core/errors.h"
#include "db/repositories/rowhelpers.h"
#include "db/repositories/serviceeventrepository.h"
#include "db/repositories/servicenoderepository.h"
#include "gateway/syncdclient.h"
#include "gateway/syncsupervisor.h"
#include "tfversion.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcServiceInventory, "gateway.services")

namespace tf::gateway {

namespace {
const QString kGatewayService = QStringLiteral("tf-gateway");
const QString kSyncService = QStringLiteral("tf-syncd");
} // namespace

ServiceInventoryController::ServiceInventoryController(const DatabaseState &database,
                                                       SyncdClient &syncd,
                                                       const SyncSupervisor *supervisor,
                                                       const QElapsedTimer &uptime, QString nodeId,
                                                       int statusTimeoutMs)
    : m_database(database)
    , m_syncd(syncd)
    , m_supervisor(supervisor)
    , m_uptime(uptime)
    , m_nodeId(std::move(nodeId))
    , m_statusTimeoutMs(statusTimeoutMs)
{ }

void ServiceInventoryController::registerRoutes(http::Router &router)
{
    router.addAsync("GET", QStringLiteral("/api/services"), auth::Permission::StatusRead,
                    [this](const http::ApiRequest &request, const http::Router::Reply &reply) {
                        services(request, reply);
                    });
    router.add("GET", QStringLiteral("/api/services/events"), auth::Permission::StatusRead,
               [this](const http::ApiRequest &request) { return events(request); });
}

int ServiceInventoryController::restartsIn24h(const QString &service, const QStringList &nodes) const
{
    if (!m_database.isOpen())
        return -1;
    try {
        db::ServiceEventRepository events(m_database.database().database());
        const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-24 * 3600);
        return events.countSince(service, QStringLiteral("restarted"), since, nodes);
    } catch (const Error &error) {
        qCWarning(lcServiceInventory).noquote() << "restarts not counted:" << error.message();
        return -1;
    }
}

QList<db::ServiceNodeRecord> ServiceInventoryController::registeredNodes() const
{
    if (!m_database.isOpen())
        return {};
    try {
        return db::ServiceNodeRepository(m_database.database().database()).list();
    } catch (const Error &error) {
        qCWarning(lcServiceInventory).noquote() << "node registry not read:" << error.message();
        return {};
    }
}

QJsonArray ServiceInventoryController::inventory(QJsonObject gateway, QJsonObject sync) const
{
    // The live view of this gateway and its tf-syncd first; every other registered node after
    // them. A registered row of a live one only adds what the live view does not know.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto count = [](int restarts) { return restarts < 0 ? QJsonValue() : QJsonValue(restarts); };
    const QString syncNode = sync.value(QStringLiteral("node")).toString();
    // The supervisor records tf-syncd's restarts under the gateway's node id.
    QStringList syncRecorders { syncNode };
    if (m_supervisor)
        syncRecorders << m_nodeId;
    sync.insert(QStringLiteral("restarts_24h"), count(restartsIn24h(kSyncService, syncRecorders)));
    gateway.insert(QStringLiteral("restarts_24h"), count(restartsIn24h(kGatewayService, { m_nodeId })));
    QJsonArray others;
    for (const db::ServiceNodeRecord &node : registeredNodes()) {
        const QJsonObject registered = nodeJson(node, now);
        QJsonObject *live = node.service == kGatewayService && node.nodeId == m_nodeId ? &gateway
            : node.service == kSyncService && !syncNode.isEmpty() && node.nodeId == syncNode ? &sync
                                                                                               : nullptr;
        if (live) {
            for (auto it = registered.begin(); it != registered.end(); ++it)
                if (!live->contains(it.key()))
                    live->insert(it.key(), it.value());
            continue;
        }
        QJsonObject item = registered;
        QStringList recorders { node.nodeId };
        if (!node.supervisor.isEmpty())
            recorders << node.supervisor;
        item.insert(QStringLiteral("restarts_24h"), count(restartsIn24h(node.service, recorders)));
        others.append(item);
    }
    QJsonArray all { gateway, sync };
    for (const QJsonValue &item : std::as_const(others))
        all.append(item);
    return all;
}

QJsonObject ServiceInventoryController::nodeJson(const db::ServiceNodeRecord &node, const QDateTime &now)
{
    const QString status = node.statusAt(now);
    return {
        // Unique among the items, and not a name /api/services/<name>/restart accepts.
        { QStringLiteral("name"), QStringLiteral("%1@%2").arg(node.service, node.nodeId) },
        { QStringLiteral("service"), node.service },
        { QStringLiteral("node"), node.nodeId },
        { QStringLiteral("status"), status },
        { QStringLiteral("host"), node.host },
        { QStringLiteral("pid"), node.pid },
        { QStringLiteral("url"), node.url },
        { QStringLiteral("version"), node.version },
        { QStringLiteral("supervised"), !node.supervisor.isEmpty() },
        { QStringLiteral("uptime_s"), status == QLatin1String("running")
              ? QJsonValue(double(node.startedAt.msecsTo(now)) / 1000.0) : QJsonValue() },
        { QStringLiteral("started_at"), db::rows::isoOrNull(node.startedAt) },
        { QStringLiteral("heartbeat_at"), db::rows::isoOrNull(node.heartbeatAt) },
    };
}

void ServiceInventoryController::services(const http::ApiRequest &request,
                                          const http::Router::Reply &reply)
{
    // A list like every other: limit and cursor (the index to start at).
    const http::QueryParams first = http::QueryParams::forList(request);
    const qint64 start = first.cursorId();
    const QJsonObject gateway {
        { QStringLiteral("name"), QStringLiteral("gateway") },
        { QStringLiteral("service"), kGatewayService },
        { QStringLiteral("node"), m_nodeId },
        { QStringLiteral("status"), QStringLiteral("running") },
        { QStringLiteral("pid"), QCoreApplication::applicationPid() },
        { QStringLiteral("uptime_s"), double(m_uptime.elapsed()) / 1000.0 },
        { QStringLiteral("version"), QStringLiteral(TF_VERSION_STRING) },
        { QStringLiteral("supervised"), false },
    };
    QJsonObject sync {
        { QStringLiteral("name"), QStringLiteral("sync") },
        { QStringLiteral("service"), kSyncService },
        { QStringLiteral("url"), m_syncd.baseUrl().toString() },
        { QStringLiteral("supervised"), m_supervisor != nullptr },
    };
    if (m_supervisor) {
        const QJsonObject supervision = m_supervisor->toJson();
        sync.insert(QStringLiteral("state"), supervision.value(QStringLiteral("state")));
        sync.insert(QStringLiteral("pid"), supervision.value(QStringLiteral("pid")));
        if (supervision.contains(QStringLiteral("last_error")))
            sync.insert(QStringLiteral("error"), supervision.value(QStringLiteral("last_error")));
    }
    m_syncd.get(
        QStringLiteral("/health"), nullptr,
        [this, gateway, sync, reply, request, start](const SyncdClient::Result &result) mutable {
            if (result.status == 0) {
                sync.insert(QStringLiteral("status"), QStringLiteral("down"));
                sync.insert(QStringLiteral("error"),
                            QString(QStringLiteral("tf-syncd unreachable: ") + result.error));
            } else {
                const QJsonObject health = QJsonDocument::fromJson(result.body).object();
                const bool healthy = result.status == 200
                    && health.value(QStringLiteral("status")).toString()
                        == QLatin1String("healthy");
                sync.insert(QStringLiteral("status"),
                            healthy ? QStringLiteral("running") : QStringLiteral("degraded"));
                for (const char *key : { "node_id", "pid", "uptime_s", "version" })
                    sync.insert(key == QByteArrayView("node_id") ? QStringLiteral("node")
                                                                 : QString::fromLatin1(key),
                                health.value(QLatin1String(key)));
            }
            const http::QueryParams params = http::QueryParams::forList(request);
            const QJsonArray all = inventory(gateway, sync);
            QJsonArray items;
            for (qsizetype i = start; i < all.size() && items.size() < params.limit(); ++i)
                items.append(all.at(i));
            const qint64 end = start + items.size();
            reply(http::listResponse(request, params, items,
                                     end < all.size() ? QString::number(end) : QString()));
        },
        m_statusTimeoutMs);
}

http::ApiResponse ServiceInventoryController::events(const http::ApiRequest &request) const
{
    const http::QueryParams params
        = http::QueryParams::forList(request, { QStringLiteral("service") });
    const QString service
        = params.choice(QStringLiteral("service"), { kGatewayService, kSyncService });
    const QList<db::ServiceEventRecord> records
        = db::ServiceEventRepository(m_database.database().database())
              .page(service, params.cursorId(), params.limit() + 1);
    QJsonArray items;
    for (qsizetype i = 0; i < records.size() && i < params.limit(); ++i)
        items.append(records.at(i).toJson());
    const QString next = records.size() > params.limit()
        ? QString::number(records.at(params.limit() - 1).id)
        : QString();
    return http::listResponse(request, params, items, next);
}

} // namespace tf::gateway
