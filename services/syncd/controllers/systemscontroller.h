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
// "has_credentials"). Test and entity listing connect to the system, on a BackgroundJobs thread.
class SystemsController final
{
    Q_DISABLE_COPY_MOVE(SystemsController)
public:
    SystemsController(const DatabaseState &database, const SecretBox &secrets,
                      std::shared_ptr<BackgroundJobs> jobs);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list() const;
    http::ApiResponse create(const http::ApiRequest &request);
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse replace(const http::ApiRequest &request);
    http::ApiResponse remove(const http::ApiRequest &request);
    void test(const http::ApiRequest &request, const http::Router::Reply &reply);
    void entities(const http::ApiRequest &request, const http::Router::Reply &reply);

    const DatabaseState &m_database;
    const SecretBox &m_secrets;
    std::shared_ptr<BackgroundJobs> m_jobs;
};

} // namespace tf::syncd
