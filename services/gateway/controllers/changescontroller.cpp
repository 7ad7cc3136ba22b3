#include "changescontroller.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/changefeedrepository.h"
#include "common/listquery.h"

#include <QHash>
#include <QJsonArray>
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
    // ?cursor= is the position (next_cursor of the last answer); ?since=N, the feed position
    // as a number, is its deprecated alias from before issue 13. ?limit= (the one list rule:
    // default 50, at most 500) caps the changed resources answered one by one: when more
    // changed, the answer is the one "reload" item.
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("since") });
    if (params.has(QStringLiteral("cursor")) && params.has(QStringLiteral("since")))
        http::QueryParams::invalid(QStringLiteral("since"), QStringLiteral("is the deprecated form of cursor; give one of them"));
    std::optional<qint64> position;
    if (params.has(QStringLiteral("cursor"))) {
        bool ok = false;
        const qint64 value = params.cursor().toLongLong(&ok);
        if (!ok || value < 0)
            http::QueryParams::invalid(QStringLiteral("cursor"), QStringLiteral("is not a cursor this route gave out; pass next_cursor unchanged"));
        position = value;
    } else if (params.has(QStringLiteral("since"))) {
        position = params.integer(QStringLiteral("since"), 0, std::numeric_limits<qint64>::max() - 1, 0);
    }
    db::ChangeFeedRepository feed(m_database.database().database());
    db::ChangeSet set = position ? feed.since(*position, params.limit()) : feed.current();
    keepReadable(request.caller, &set);
    QJsonArray items;
    if (set.full) {
        // The feed cannot say what changed (no position yet, pruned past it, or too much):
        // one item tells the client to reload everything, then continue from next_cursor.
        items.append(QJsonObject { { QStringLiteral("resource_type"), QStringLiteral("*") },
                                   { QStringLiteral("resource_id"), QJsonValue() },
                                   { QStringLiteral("action"), QStringLiteral("reload") } });
    } else {
        for (const db::ResourceChange &change : std::as_const(set.changes))
            items.append(change.toJson());
    }
    // The feed has no last page: next_cursor is always the position to poll from. The Link
    // to it carries the cursor alone, not a deprecated since= beside it.
    http::ApiRequest linkBase = request;
    linkBase.query.removeAllQueryItems(QStringLiteral("since"));
    return http::listResponse(linkBase, params, items, QString::number(set.cursor));
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
