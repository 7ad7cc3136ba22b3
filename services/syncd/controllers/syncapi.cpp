#include "syncapi.h"

#include "backgroundjobs.h"
#include "common/databasestate.h"
#include "common/listquery.h"
#include "operationscontroller.h"
#include "quarantinecontroller.h"
#include "schemachangescontroller.h"
#include "sync/queue/operationqueue.h"
#include "syncapicontext.h"
#include "syncpairscontroller.h"
#include "systemscontroller.h"

#include <memory>

namespace tf::syncd {

namespace {

// One OperationQueue per thread over whichever control database is open now (DatabaseState
// may reopen it after an outage).
std::function<sync::OperationQueue &()> queueOver(const DatabaseState &database)
{
    return [&database]() -> sync::OperationQueue & {
        thread_local std::unique_ptr<sync::OperationQueue> queue;
        thread_local const db::Database *queueDatabase = nullptr;
        const db::Database &current = database.database().database();
        if (!queue || queueDatabase != &current) {
            queue = std::make_unique<sync::OperationQueue>(current);
            queueDatabase = &current;
        }
        return *queue;
    };
}

// Keeps a controller alive for as long as any of its routes is: its routes are registered in
// a scratch router, then copied with a shared_ptr to it. Matching a pattern against itself
// finds exactly that route ("<id>" as text only matches a parameter or the same literal).
template<typename Controller>
void registerOwned(http::Router &router, std::shared_ptr<Controller> controller)
{
    http::Router routes;
    controller->registerRoutes(routes);
    for (const http::Router::RouteInfo &info : routes.routes()) {
        const http::Router::Match match = routes.match(info.method, info.pattern);
        router.addAsync(
            info.method, info.pattern,
            [controller, handler = *match.handler, method = info.method](const http::ApiRequest &request,
                                                                         const http::Router::Reply &reply) {
                // Changes take no query parameters: an unknown one is a 400, never ignored
                // (GET routes name the ones they take themselves).
                if (method != "GET" && method != "HEAD")
                    http::QueryParams(request, {});
                handler(request, reply);
            },
            info.open);
    }
}

} // namespace

void registerSyncApi(http::Router &router, SyncApiDependencies deps)
{
    SyncApiContext context {
        deps.database,    deps.secrets, deps.queue ? deps.queue : queueOver(deps.database),
        deps.wakeWorkers, deps.nodeId,  std::make_shared<BackgroundJobs>(),
        deps.pairDeleted
    };
    registerOwned(router,
                  std::make_shared<SystemsController>(deps.database, deps.secrets, context.jobs));
    registerOwned(router, std::make_shared<SyncPairsController>(context));
    registerOwned(router, std::make_shared<OperationsController>(context));
    registerOwned(router, std::make_shared<QuarantineController>(context));
    registerOwned(router, std::make_shared<SchemaChangesController>(context));
}

} // namespace tf::syncd
