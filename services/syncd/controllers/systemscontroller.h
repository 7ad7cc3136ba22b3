#pragma once

#include "common/router.h"

#include <memory>

namespace tf {
class DatabaseState;
class SecretBox;
} // namespace tf

namespace tf::syncd {

class BackgroundJobs;

// /systems: the external systems sync pairs read and write. Credentials are write-only: they
// are accepted in POST and PUT bodies, stored sealed, and never appear in any answer (only
// "has_credentials"). A single system answers with ETag: "<version>"; PUT, PATCH and DELETE
// honour If-Match (412 and no change when stale). Test and entity listing connect to the system, on a BackgroundJobs thread.
class SystemsController final
{
    Q_DISABLE_COPY_MOVE(SystemsController)
public:
    SystemsController(const DatabaseState &database, const SecretBox &secrets,
                      std::shared_ptr<BackgroundJobs> jobs);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse create(const http::ApiRequest &request);
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse replace(const http::ApiRequest &request);
    // RFC 7396 merge patch over the stored definition, then the checks of PUT.
    http::ApiResponse patch(const http::ApiRequest &request);
    // PUT and PATCH: validate `body` as a whole definition and store it when the system is
    // still at expectedVersion (0: any).
    http::ApiResponse store(const http::ApiRequest &request, const QJsonObject &body, qint64 expectedVersion);
    http::ApiResponse remove(const http::ApiRequest &request);
    void test(const http::ApiRequest &request, const http::Router::Reply &reply);
    void entities(const http::ApiRequest &request, const http::Router::Reply &reply);

    const DatabaseState &m_database;
    const SecretBox &m_secrets;
    std::shared_ptr<BackgroundJobs> m_jobs;
};

} // namespace tf::syncd
