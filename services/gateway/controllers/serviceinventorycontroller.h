#pragma once

#include "common/router.h"
#include "db/repositories/servicenoderepository.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class SyncdClient;
class SyncSupervisor;

// What runs and what it did (the read side of /api/services; restarts are ServicesController):
//   GET /api/services         the gateway and its tf-syncd (live), then every other node of the
//                             registry (service_nodes: running, stale or stopped): status, node,
//                             host, pid, uptime, version, heartbeat and restarts in the last 24 h
//                             (service_events "restarted" recorded under the node or its
//                             supervising gateway; the runbook's threshold is 3). tf-syncd is
//                             asked /health with the status timeout, so this never hangs.
//   GET /api/services/events  service_events, newest first (keyset on id), ?service= filter
// Both need status:read, like /api/status.
class ServiceInventoryController final
{
public:
    ServiceInventoryController(const DatabaseState &database, SyncdClient &syncd,
                               const SyncSupervisor *supervisor, const QElapsedTimer &uptime,
                               QString nodeId, int statusTimeoutMs);
    void registerRoutes(http::Router &router);

private:
    void services(const http::ApiRequest &request, const http::Router::Reply &reply);
    http::ApiResponse events(const http::ApiRequest &request) const;
    // "restarted" events of the service recorded under one of the nodes; -1 without a database.
    int restartsIn24h(const QString &service, const QStringList &nodes) const;
    QList<db::ServiceNodeRecord> registeredNodes() const; // empty without a database
    QJsonArray inventory(QJsonObject gateway, QJsonObject sync) const;
    static QJsonObject nodeJson(const db::ServiceNodeRecord &node, const QDateTime &now);

    const DatabaseState &m_database;
    SyncdClient &m_syncd;
    const SyncSupervisor *m_supervisor;
    const QElapsedTimer &m_uptime;
    QString m_nodeId;
    int m_statusTimeoutMs;
};

} // namespace tf::gateway
