#pragma once

#include "common/router.h"

namespace tf {
class DatabaseState;
}

namespace tf::syncd {

// GET /systems and GET /sync-pairs: what the control database holds. (Editing arrives with
// the sync engine's API.)
class CatalogController final
{
public:
    explicit CatalogController(const DatabaseState &database);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse systems() const;
    http::ApiResponse syncPairs() const;

    const DatabaseState &m_database;
};

} // namespace tf::syncd
