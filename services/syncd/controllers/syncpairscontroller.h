#pragma once

#include "common/router.h"
#include "syncapicontext.h"

namespace tf::db {
struct SyncPairRecord;
}

namespace tf::syncd {

// /sync-pairs: create, read, replace, delete, enable, disable and test sync pairs. A body is
// a SyncPairDefinition JSON; an invalid one answers 422 with details.errors [{field, message}]
// naming every bad field, including source_system/target_system when those systems do not
// exist. Testing connects to both systems, on a BackgroundJobs thread. The changes and their
// checks are sync::PairStore's, shared with `tfctl pair`; this class audits and answers.
class SyncPairsController final
{
    Q_DISABLE_COPY_MOVE(SyncPairsController)
public:
    explicit SyncPairsController(SyncApiContext context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list() const;
    http::ApiResponse create(const http::ApiRequest &request);
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse replace(const http::ApiRequest &request);
    http::ApiResponse remove(const http::ApiRequest &request);
    http::ApiResponse setEnabled(const http::ApiRequest &request, bool enabled);
    void test(const http::ApiRequest &request, const http::Router::Reply &reply);

    // The stored row plus next_run_at, the last operation and the open quarantine count.
    QJsonObject detail(const db::SyncPairRecord &record) const;

    SyncApiContext m_context;
};

} // namespace tf::syncd
