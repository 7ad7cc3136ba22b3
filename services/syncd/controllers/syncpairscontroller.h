#pragma once

#include "common/router.h"
#include "sync/definition/pairstore.h"
#include "syncapicontext.h"

namespace tf::db {
struct SyncPairRecord;
}

namespace tf::syncd {

// /sync-pairs: create, read, replace, delete, enable, disable and test sync pairs. A body is
// a SyncPairDefinition JSON; an invalid one answers 422 with details.errors [{field, message}]
// naming every bad field, including source_system_id/target_system_id when those systems do
// not exist. A single pair answers with ETag: "<version>"; PUT, PATCH (RFC 7396 merge patch)
// and DELETE honour If-Match (412 and no change when stale). Testing connects to both systems, on a BackgroundJobs thread. The changes and their
// checks are sync::PairStore's, shared with `tfctl pair`; this class audits and answers.
class SyncPairsController final
{
    Q_DISABLE_COPY_MOVE(SyncPairsController)
public:
    explicit SyncPairsController(SyncApiContext context);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse create(const http::ApiRequest &request);
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse replace(const http::ApiRequest &request);
    // RFC 7396 merge patch over the stored definition, then the checks of PUT.
    http::ApiResponse patch(const http::ApiRequest &request);
    // Audits a PUT or PATCH and answers with the pair and its new ETag.
    http::ApiResponse updated(const http::ApiRequest &request, const sync::PairStore::Change &change);
    http::ApiResponse remove(const http::ApiRequest &request);
    QString dropCdcReplication(const db::SyncPairRecord &record) const;
    http::ApiResponse setEnabled(const http::ApiRequest &request, bool enabled);
    void test(const http::ApiRequest &request, const http::Router::Reply &reply);
    void preview(const http::ApiRequest &request, const http::Router::Reply &reply);

    // The stored row plus next_run_at, the last operation and the open quarantine count.
    QJsonObject detail(const db::SyncPairRecord &record) const;
    // detail() with ETag: "<version>".
    http::ApiResponse single(const db::SyncPairRecord &record, int status = 200) const;

    SyncApiContext m_context;
};

} // namespace tf::syncd
