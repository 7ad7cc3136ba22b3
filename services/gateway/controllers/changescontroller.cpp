#include "changescontroller.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/changefeedrepository.h"
#include "queryparameters.h"

#include <QHash>
#include <QLoggingCategory>

#include <algorithm>

#include <limits>

Q_LOGGING_CATEGORY(lcGatewayChanges, "gateway.changes")

namespace tf::gateway {

namespace {

constexpr int kPruneIntervalMs = 60 * 1000;

// What reading each kind of resource needs: a caller is told only about resources it may read.
auth::Permission readPermission(const QString &resourceType)
{
    using auth::Permission;
    static const QHash<QString, Permission> permissions {
        { QStringLiteral("sync_pair"), Permission::PairsRead },
        { QStringLiteral("system"), Permission::PairsRead },
        { QStringLiteral("sync_operation"), Permission::OperationsRead },
        { QStringLiteral("alert"), Permission::AlertsRead },
        { QStringLiteral("quarantine_entry"), Permission::QuarantineRead },
        { QStringLiteral("user"), Permission::UsersRead },
        { QStringLiteral("api_token"), Permission::TokensRead },
        { QStringLiteral("backup"), Permission::BackupsRead },
        { QStringLiteral("maintenance_run"), Permission::MaintenanceRead },
        { QStringLiteral("audit_entry"), Permission::AuditRead },
    };
    return permissions.value(resourceType, Permission::StatusRead);
}

void keepReadable(const http::Caller &caller, db::ChangeSet *set)
{
    auth::Role role;
    if (!caller.authenticated || !auth::parseRole(caller.role, &role) || role == auth::Role::Service)
        return; // no user role to narrow by (the request filter already let the call in)
    set->changes.erase(std::remove_if(set->changes.begin(), set->changes.end(),
                                      [role](const db::ResourceChange &change) {
                                          return !auth::roleAllows(role, readPermission(change.resourceType));
                                      }),
                       set->changes.end());
}

} // namespace

ChangesController::ChangesController(const DatabaseState &database)
    : m_database(database)
{
    m_pruneTimer.setInterval(kPruneIntervalMs);
    QObject::connect(&m_pruneTimer, &QTimer::timeout, [this] { prune(); });
}

void ChangesController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/api/changes"), auth::Permission::StatusRead,
               [this](const http::ApiRequest &r) { return changes(r); });
    m_pruneTimer.start();
}

http::ApiResponse ChangesController::changes(const http::ApiRequest &request) const
{
    query::allowOnly(request, { QStringLiteral("since") });
    db::ChangeFeedRepository feed(m_database.database().database());
    if (!request.query.hasQueryItem(QStringLiteral("since")))
        return http::ApiResponse::json(feed.current().toJson());
    const qint64 since = query::integer(request, QStringLiteral("since"), 0, std::numeric_limits<qint64>::max() - 1, 0);
    db::ChangeSet set = feed.since(since);
    keepReadable(request.caller, &set);
    return http::ApiResponse::json(set.toJson());
}

void ChangesController::prune()
{
    if (!m_database.isOpen())
        return;
    try {
        db::ChangeFeedRepository feed(m_database.database().database());
        const auto result = feed.prune(QDateTime::currentDateTimeUtc().addSecs(-3600LL * db::ChangeFeedRepository::kDefaultMaxAgeHours),
                                       db::ChangeFeedRepository::kDefaultMaxRows);
        if (result.removed > 0)
            qCDebug(lcGatewayChanges) << "change feed pruned:" << result.removed << "rows, through id" << result.prunedThrough;
    } catch (const Error &error) {
        qCWarning(lcGatewayChanges).noquote() << "change feed not pruned:" << error.message();
    }
}

} // namespace tf::gateway
