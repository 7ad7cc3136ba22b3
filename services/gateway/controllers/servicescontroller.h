#pragma once

#include "common/router.h"

#include <QObject>
#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

class JobRegistry;
class SyncSupervisor;

// /api/services (service_recovery.py over HTTP). Both answer 202 with a job (poll
// /api/jobs/<id>); one restart at a time.
//   POST /api/services/sync/restart     the supervisor restarts tf-syncd at once; the job
//                                       ends when a new tf-syncd answers /health (409 when
//                                       tf-syncd is external: restart it where it runs)
//   POST /api/services/gateway/restart  tf-gateway re-executes itself in place (same pid,
//                                       arguments and environment; under systemd the unit
//                                       keeps its main pid) half a second after answering;
//                                       the job completes just before, so poll /health/ready
//                                       until it answers again
// Any other name is 404.
class ServicesController final
{
public:
    struct Hooks
    {
        std::function<void()> stopForRestart; // stops the supervised tf-syncd before the re-exec
        std::function<void()> resumeAfterFailedRestart;
    };

    // nodeId: this gateway's node id, recorded on its restart events (counted per node).
    ServicesController(DatabaseState &database, JobRegistry &jobs, SyncSupervisor *supervisor, QUrl syncUrl,
                       QString nodeId, Hooks hooks, int restartTimeoutMs = 60000);
    ~ServicesController();
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse restart(const http::ApiRequest &request);
    http::ApiResponse restartSync(const http::ApiRequest &request);
    http::ApiResponse restartGateway(const http::ApiRequest &request);
    void reexec();
    void recordGatewayRestart(qint64 pid);
    void audit(const http::ApiRequest &request, const QString &service, const QString &description);

    DatabaseState &m_database;
    JobRegistry &m_jobs;
    SyncSupervisor *m_supervisor;
    QUrl m_syncUrl;
    QString m_nodeId;
    Hooks m_hooks;
    int m_restartTimeoutMs;
    // Jobs may outlive this controller (the registry waits for them at exit): they hold
    // this flag, never `this`.
    std::shared_ptr<std::atomic_bool> m_closing;
    std::unique_ptr<QObject> m_timers; // the delayed re-exec dies with the controller
};

} // namespace tf::gateway
