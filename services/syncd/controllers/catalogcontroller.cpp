#include "catalogcontroller.h"

#include "common/databasestate.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"

#include <QJsonArray>

namespace tf::syncd {

CatalogController::CatalogController(const DatabaseState &database)
    : m_database(database)
{
}

void CatalogController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/systems"), [this](const http::ApiRequest &) { return systems(); });
    router.add("GET", QStringLiteral("/sync-pairs"), [this](const http::ApiRequest &) { return syncPairs(); });
}

http::ApiResponse CatalogController::systems() const
{
    db::SystemRepository repository(m_database.database().database());
    QJsonArray items;
    for (const auto &system : repository.list())
        items.append(system.toJson());
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("items"), items },
                                                 { QStringLiteral("count"), items.size() } });
}

http::ApiResponse CatalogController::syncPairs() const
{
    db::SyncPairRepository repository(m_database.database().database());
    QJsonArray items;
    for (const auto &pair : repository.list())
        items.append(pair.toJson());
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("items"), items },
                                                 { QStringLiteral("count"), items.size() } });
}

} // namespace tf::syncd
