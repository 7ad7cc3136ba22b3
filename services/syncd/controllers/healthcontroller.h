#pragma once

#include "common/router.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace tf {
class DatabaseState;
}

namespace tf::syncd {

// GET /health, /health/live, /health/ready: the only routes open without credentials.
// /health shows the node id, the database check, every external system's circuit breaker
// and, once the workers register it, their state. /health/ready answers only for the
// database (a load balancer needs "can it serve", not "is every system up").
class HealthController final
{
public:
    using WorkerState = std::function<QJsonObject()>; // quick, thread-safe, never throws

    HealthController(const DatabaseState &database, QString nodeId, const QElapsedTimer &uptime);
    void registerRoutes(http::Router &router);
    void setWorkerState(WorkerState workerState) { m_workerState = std::move(workerState); }

private:
    http::ApiResponse health() const;
    http::ApiResponse live() const;
    http::ApiResponse ready() const;

    const DatabaseState &m_database;
    QString m_nodeId;
    const QElapsedTimer &m_uptime;
    WorkerState m_workerState;
};

} // namespace tf::syncd
