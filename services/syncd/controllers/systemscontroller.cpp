#include "systemscontroller.h"

#include "apiparams.h"
#include "backgroundjobs.h"
#include "changeaudit.h"
#include "common/databasestate.h"
#include "common/listquery.h"
#include "common/preconditions.h"
#include "core/errors.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "systemprobe.h"

namespace tf::syncd {

namespace {

// A single system with its ETag.
http::ApiResponse systemResponse(const db::SystemRecord &system, int status = 200)
{
    http::ApiResponse response = http::ApiResponse::json(system.toJson(), status);
    return http::withEtag(response, system.version);
}

// The editable fields of a stored system, as a PUT body would give them (credentials aside:
// they are write-only).
QJsonObject definitionJson(const db::SystemRecord &system)
{
    return { { QStringLiteral("name"), system.name },
             { QStringLiteral("kind"), system.kind },
             { QStringLiteral("description"), system.description },
             { QStringLiteral("settings"), system.settings } };
}

} // namespace

SystemsController::SystemsController(const DatabaseState &database, const SecretBox &secrets,
                                     std::shared_ptr<BackgroundJobs> jobs)
    : m_database(database)
    , m_secrets(secrets)
    , m_jobs(std::move(jobs))
{ }

void SystemsController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/systems"),
               [this](const http::ApiRequest &r) { return list(r); });
    router.add("POST", QStringLiteral("/systems"),
               [this](const http::ApiRequest &r) { return create(r); });
    router.add("GET", QStringLiteral("/systems/<id>"),
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/systems/<id>"),
               [this](const http::ApiRequest &r) { return replace(r); });
    router.add("PATCH", QStringLiteral("/systems/<id>"),
               [this](const http::ApiRequest &r) { return patch(r); });
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

http::ApiResponse SystemsController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request);
    db::SystemRepository systems(m_database.database().database());
    QList<db::SystemRecord> page = systems.page(params.cursorId(), params.limit() + 1);
    const bool more = page.size() > params.limit();
    if (more)
        page.resize(params.limit());
    QJsonArray items;
    for (const db::SystemRecord &system : std::as_const(page))
        items.append(system.toJson());
    return http::listResponse(request, params, items, more ? QString::number(page.last().id) : QString());
}

http::ApiResponse SystemsController::create(const http::ApiRequest &request)
{
    const sync::SystemDefinition definition = sync::SystemDefinition::parse(request.jsonBody());
    db::Database &control = m_database.database().database();
    db::SystemRepository systems(control);
    const qint64 id = sync::SystemRegistry(control, m_secrets).create(definition);
    const db::SystemRecord record = systems.get(id);
    const QJsonObject created = record.toJson();
    auditChange(m_database, request,
                { QStringLiteral("system.created"),
                  QStringLiteral("system"),
                  id,
                  QStringLiteral("system %1 '%2' (%3) created")
                      .arg(id)
                      .arg(definition.name, definition.kind),
                  {},
                  created });
    http::ApiResponse response = systemResponse(record, 201);
    return response.withHeader("Location", QByteArrayLiteral("/systems/") + QByteArray::number(id));
}

http::ApiResponse SystemsController::get(const http::ApiRequest &request) const
{
    http::QueryParams(request, {});
    db::SystemRepository systems(m_database.database().database());
    return systemResponse(systems.get(request.idParam()));
}

http::ApiResponse SystemsController::replace(const http::ApiRequest &request)
{
    const QJsonObject body = request.jsonBody();
    const db::SystemRecord current = db::SystemRepository(m_database.database().database()).get(request.idParam());
    return store(request, body, api::expectedVersion(request, current.version));
}

http::ApiResponse SystemsController::patch(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject patch = request.jsonBody();
    db::Database &control = m_database.database().database();
    const db::SystemRecord current = db::SystemRepository(control).get(id);
    const qint64 expected = api::expectedVersion(request, current.version, current.version);
    QJsonObject merged = http::mergePatch(definitionJson(current), patch);
    merged.remove(QStringLiteral("credentials"));
    const QJsonValue credentials = patch.value(QStringLiteral("credentials"));
    if (credentials.isObject()) {
        // Merged over the stored ones, so {"credentials": {"password": "..."}} keeps the user.
        const QJsonObject stored = sync::SystemRegistry(control, m_secrets).load(id).credentials;
        merged.insert(QStringLiteral("credentials"), http::mergePatch(stored, credentials.toObject()));
    } else if (credentials.isNull()) {
        merged.insert(QStringLiteral("credentials"), QJsonObject()); // null clears them
    } else if (!credentials.isUndefined()) {
        merged.insert(QStringLiteral("credentials"), credentials); // refused by the validation
    }
    // Without If-Match the version read above guards the write: a change made in between is
    // a 412, never silently overwritten.
    return store(request, merged, expected);
}

http::ApiResponse SystemsController::store(const http::ApiRequest &request, const QJsonObject &body,
                                           qint64 expectedVersion)
{
    const qint64 id = request.idParam();
    db::Database &control = m_database.database().database();
    db::SystemRepository systems(control);
    const QJsonObject before = systems.get(id).toJson(); // 404 before 422: the resource must exist
    const sync::SystemDefinition definition = sync::SystemDefinition::parse(body);
    const bool newCredentials = body.contains(QStringLiteral("credentials"));
    sync::SystemRegistry(control, m_secrets).update(id, definition, newCredentials, expectedVersion);
    const db::SystemRecord stored = systems.get(id);
    const QJsonObject after = stored.toJson();
    // The credentials themselves never reach the trail; only that they were replaced.
    auditChange(m_database, request,
                { QStringLiteral("system.updated"), QStringLiteral("system"), id,
                  QStringLiteral("system %1 '%2' updated%3")
                      .arg(id)
                      .arg(definition.name,
                           newCredentials ? QStringLiteral(" (credentials replaced)") : QString()),
                  before, after });
    return systemResponse(stored);
}

http::ApiResponse SystemsController::remove(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    db::Database &control = m_database.database().database();
    const qint64 expected = api::expectedVersion(request, db::SystemRepository(control).get(id).version);
    const db::SystemRecord system = sync::SystemRegistry(control, m_secrets).remove(id, expected);
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
    const http::QueryParams params = http::QueryParams::forList(request);
    const int limit = params.limit();
    const qint64 offset = params.cursorId();
    m_jobs->run(request, reply, [&database, &secrets, id, request, limit, offset] {
        // The system lists its entities whole; pages are slices (the cursor is an offset).
        const QJsonArray all = systemprobe::entities(database.database().database(), secrets, id);
        QJsonArray items;
        for (qint64 i = offset; i < all.size() && items.size() < limit; ++i)
            items.append(all.at(i));
        const qint64 next = offset + items.size();
        return http::listResponse(request, http::QueryParams::forList(request), items,
                                  next < all.size() ? QString::number(next) : QString());
    });
}

} // namespace tf::syncd
