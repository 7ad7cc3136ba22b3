#pragma once

#include "common/router.h"

#include <QElapsedTimer>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class SyncdClient;
class SyncSupervisor;

// GET /api/status: gateway, syncd and database, each with status and latency, and overall.
// GET /health, /health/live, /health/ready of the gateway itself.
class StatusController final
{
public:
    StatusController(const DatabaseState &database, SyncdClient &syncd, const SyncSupervisor *supervisor,
                     const QElapsedTimer &uptime, int statusTimeoutMs);
    void registerRoutes(http::Router &router);

private:
    void status(const http::ApiRequest &request, const http::Router::Reply &reply);
    http::ApiResponse health() const;
    http::ApiResponse ready() const;

    const DatabaseState &m_database;
    SyncdClient &m_syncd;
    const SyncSupervisor *m_supervisor;
    const QElapsedTimer &m_uptime;
    int m_statusTimeoutMs;
};

} // namespace tf::gateway
