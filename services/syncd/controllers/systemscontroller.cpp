#include "systemscontroller.h"

#include "apiparams.h"
#include "backgroundjobs.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "systemprobe.h"

namespace tf::syncd {


SystemsController::SystemsController(const DatabaseState &database, const SecretBox &secrets,
                                     std::shared_ptr<BackgroundJobs> jobs)
    : m_database(database)
    , m_secrets(secrets)
    , m_jobs(std::move(jobs))
{ }

void SystemsController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/systems"),
               [this](const http::ApiRequest &) { return list(); });
    router.add("POST", QStringLiteral("/systems"),
               [this](const http::ApiRequest &r) { return create(r); });
    router.add("GET", QStringLiteral("/systems/<id>"),
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/systems/<id>"),
               [this](const http::ApiRequest &r) { return replace(r); });
    router.add("DELETE", QStringLiteral("/systems/<id>"),
               [this](const http::ApiRequest &r) { return remove(r); });
    router.addAsync(
        "POST", QStringLiteral("/systems/<id>/test"),
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { test(r, reply); });
    router.addAsync("GET", QStringLiteral("/systems/<id>/entities"),
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) {
                        entities(r, reply);
                    });
}

http::ApiResponse SystemsController::list() const
{
    db::SystemRepository systems(m_database.database().database());
    QJsonArray items;
    for (const db::SystemRecord &system : systems.list())
        items.append(system.toJson());
    QJsonObject body = api::page(items);
    body.insert(QStringLiteral("count"), items.size());
    return http::ApiResponse::json(body);
}

http::ApiResponse SystemsController::create(const http::ApiRequest &request)
{
    const sync::SystemDefinition definition = sync::SystemDefinition::parse(request.jsonBody());
    db::Database &control = m_database.database().database();
    db::SystemRepository systems(control);
    const qint64 id = sync::SystemRegistry(control, m_secrets).create(definition);
    const QJsonObject created = systems.get(id).toJson();
    auditChange(m_database, request,
                { QStringLiteral("system.created"),
                  QStringLiteral("system"),
                  id,
                  QStringLiteral("system %1 '%2' (%3) created")
                      .arg(id)
                      .arg(definition.name, definition.kind),
                  {},
                  created });
    return http::ApiResponse::json(created, 201)
        .withHeader("Location", QByteArrayLiteral("/systems/") + QByteArray::number(id));
}

http::ApiResponse SystemsController::get(const http::ApiRequest &request) const
{
    db::SystemRepository systems(m_database.database().database());
    return http::ApiResponse::json(systems.get(request.idParam()).toJson());
}

http::ApiResponse SystemsController::replace(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    db::Database &control = m_database.database().database();
    db::SystemRepository systems(control);
    const QJsonObject before = systems.get(id).toJson(); // 404 before 422: the resource must exist
    const sync::SystemDefinition definition = sync::SystemDefinition::parse(body);
    const bool newCredentials = body.contains(QStringLiteral("credentials"));
    sync::SystemRegistry(control, m_secrets).update(id, definition, newCredentials);
    const QJsonObject after = systems.get(id).toJson();
    // The credentials themselves never reach the trail; only that they were replaced.
    auditChange(m_database, request,
                { QStringLiteral("system.updated"), QStringLiteral("system"), id,
                  QStringLiteral("system %1 '%2' updated%3")
                      .arg(id)
                      .arg(definition.name,
                           newCredentials ? QStringLiteral(" (credentials replaced)") : QString()),
                  before, after });
    return http::ApiResponse::json(after);
}

http::ApiResponse SystemsController::remove(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    db::Database &control = m_database.database().database();
    const db::SystemRecord system = sync::SystemRegistry(control, m_secrets).remove(id);
    auditChange(m_database, request,
                { QStringLiteral("system.deleted"),
                  QStringLiteral("system"),
                  id,
                  QStringLiteral("system %1 '%2' deleted").arg(id).arg(system.name),
                  system.toJson(),
                  {} });
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("deleted"), true } });
}

void SystemsController::test(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    const qint64 id = request.idParam();
    db::SystemRepository(m_database.database().database()).get(id); // 404 at once
    const DatabaseState &database = m_database;
    const SecretBox &secrets = m_secrets;
    m_jobs->run(request, reply, [&database, &secrets, id] {
        return http::ApiResponse::json(
            systemprobe::test(database.database().database(), secrets, id));
    });
}

void SystemsController::entities(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    const qint64 id = request.idParam();
    db::SystemRepository(m_database.database().database()).get(id);
    const DatabaseState &database = m_database;
    const SecretBox &secrets = m_secrets;
    m_jobs->run(request, reply, [&database, &secrets, id] {
        QJsonObject body
            = api::page(systemprobe::entities(database.database().database(), secrets, id));
        body.insert(QStringLiteral("system_id"), id);
        return http::ApiResponse::json(body);
    });
}

} // namespace tf::syncd
