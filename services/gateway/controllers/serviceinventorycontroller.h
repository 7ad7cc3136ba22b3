#pragma once

#include "common/router.h"

#include <QElapsedTimer>
#include <QString>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class SyncdClient;
class SyncSupervisor;

// What runs and what it did (the read side of /api/services; restarts are ServicesController):
//   GET /api/services         the gateway and its tf-syncd: status, node, pid, uptime, version
//                             and restarts in the last 24 h (service_events "restarted", written
//                             for every relaunch, requested or not; the runbook's threshold is 3).
//                             tf-syncd is asked /health with the status timeout, so this never
//                             hangs.
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
    int restartsIn24h(const QString &service) const; // -1 when the database is not there

    const DatabaseState &m_database;
    SyncdClient &m_syncd;
    const SyncSupervisor *m_supervisor;
    const QElapsedTimer &m_uptime;
    QString m_nodeId;
    int m_statusTimeoutMs;
};

} // namespace tf::gateway
