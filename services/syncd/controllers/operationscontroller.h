#pragma once

#include "common/router.h"
#include "sync/queue/operationqueue.h"
#include "syncapicontext.h"

namespace tf::syncd {

// /sync/<pair_id>/start and /sync-operations: queue a run (202; this node's workers are woken),
// list and inspect operations, cancel, retry, read a dry run's change set and an operation's
// log lines. Everything goes
// through sync::OperationQueue; no handler runs a sync itself.
class OperationsController final
{
    Q_DISABLE_COPY_MOVE(OperationsController)
public:
    explicit OperationsController(SyncApiContext context);
    void registerRoutes(http::Router &router);

private:
    // Honours Idempotency-Key (http::IdempotencyStore, scope "sync-operations.start").
    http::ApiResponse start(const http::ApiRequest &request);
    http::ApiResponse startNow(const http::ApiRequest &request, const sync::EnqueueRequest &enqueue);
    // POST /sync-pairs/<id>/verify {"repair": bool}: 202 with the queued verify operation.
    http::ApiResponse verify(const http::ApiRequest &request);
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse cancel(const http::ApiRequest &request);
    http::ApiResponse retry(const http::ApiRequest &request);
    http::ApiResponse changes(const http::ApiRequest &request) const;
    // GET /sync-operations/<id>/logs?after=<line id>: the log lines, oldest first, keyset-paged.
    http::ApiResponse logs(const http::ApiRequest &request) const;

    SyncApiContext m_context;
};

} // namespace tf::syncd
