#include "recoveryplanscontroller.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "core/paths.h"
#include "ops/recoveryplan.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace tf::gateway {

using auth::Permission;

namespace {

Error invalidField(const QString &field, const QString &message)
{
    return Error(Error::Kind::Validation, message,
                 QJsonObject { { QStringLiteral("errors"), QJsonArray { QJsonObject { { QStringLiteral("field"), field },
                                                                                      { QStringLiteral("message"), message } } } } });
}

} // namespace

RecoveryPlansController::RecoveryPlansController(DatabaseState &database, const ServiceContext &context, QUrl syncUrl, bool tls)
    : m_database(database)
    , m_context(context)
    , m_syncUrl(std::move(syncUrl))
    , m_tls(tls)
{
}

void RecoveryPlansController::registerRoutes(http::Router &router)
{
    router.add("GET", QStringLiteral("/api/recovery-plans"), Permission::RecoveryRead,
               [this](const http::ApiRequest &request) { return list(request); });
    router.add("GET", QStringLiteral("/api/recovery-plans/<name>"), Permission::RecoveryRead,
               [this](const http::ApiRequest &request) { return get(request); });
    router.add("POST", QStringLiteral("/api/recovery-plans"), Permission::RecoveryWrite,
               [this](const http::ApiRequest &request) { return create(request); });
}

http::ApiResponse RecoveryPlansController::list(const http::ApiRequest &) const
{
    const ops::RecoveryPlans plans(paths::recoveryScriptsDir(m_context.dataDir));
    QJsonArray items;
    for (const ops::RecoveryPlan &plan : plans.list())
        items.append(plan.toJson());
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("plans"), items },
                                                 { QStringLiteral("scenarios"), QJsonArray::fromStringList(ops::RecoveryPlans::scenarios()) } });
}

http::ApiResponse RecoveryPlansController::get(const http::ApiRequest &request) const
{
    const ops::RecoveryPlans plans(paths::recoveryScriptsDir(m_context.dataDir));
    const QString name = request.pathParams.value(QStringLiteral("name"));
    QJsonObject body = plans.get(name).toJson();
    body.insert(QStringLiteral("markdown"), plans.markdown(name));
    body.insert(QStringLiteral("script_text"), plans.script(name));
    return http::ApiResponse::json(body);
}

http::ApiResponse RecoveryPlansController::create(const http::ApiRequest &request)
{
    const QJsonObject body = request.jsonBody();
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != QLatin1String("scenario") && it.key() != QLatin1String("components"))
            throw invalidField(it.key(), QStringLiteral("unknown field '%1'; a plan takes scenario and components").arg(it.key().left(64)));
    }
    if (!body.value(QStringLiteral("scenario")).isString())
        throw invalidField(QStringLiteral("scenario"), QStringLiteral("scenario is required: one of %1")
                                                          .arg(ops::RecoveryPlans::scenarios().join(QStringLiteral(", "))));
    ops::RecoveryPlanRequest plan;
    plan.scenario = body.value(QStringLiteral("scenario")).toString();
    if (!ops::RecoveryPlans::scenarios().contains(plan.scenario))
        throw invalidField(QStringLiteral("scenario"), QStringLiteral("unknown scenario '%1'; use %2")
                                                          .arg(plan.scenario.left(64), ops::RecoveryPlans::scenarios().join(QStringLiteral(", "))));
    if (body.contains(QStringLiteral("components"))) {
        if (!body.value(QStringLiteral("components")).isArray())
            throw invalidField(QStringLiteral("components"), QStringLiteral("components must be an array of gateway, syncd, database"));
        for (const QJsonValue &value : body.value(QStringLiteral("components")).toArray()) {
            if (!value.isString() || !ops::RecoveryPlans::componentNames().contains(value.toString())) {
                throw invalidField(QStringLiteral("components"), QStringLiteral("unknown component %1; use %2")
                                                                    .arg(value.isString() ? QStringLiteral("'%1'").arg(value.toString().left(64)) : QStringLiteral("(not a string)"),
                                                                         ops::RecoveryPlans::componentNames().join(QStringLiteral(", "))));
            }
            plan.components << value.toString();
        }
    }
    plan.tfctl = QCoreApplication::applicationDirPath() + QStringLiteral("/tfctl");
    plan.tfctlArguments = { QStringLiteral("--data-dir"), m_context.dataDir };
    if (!m_context.config.configFile().isEmpty())
        plan.tfctlArguments << QStringLiteral("--config") << m_context.config.configFile();
    QString host = QString::fromUtf8(request.header("host"));
    if (host.isEmpty() || host.contains(QLatin1Char('/')) || host.contains(QLatin1Char('@')))
        host = QStringLiteral("127.0.0.1:%1").arg(m_context.port);
    plan.gatewayUrl = QUrl(QStringLiteral("%1://%2").arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"), host));
    plan.syncUrl = m_syncUrl;
    plan.createdBy = request.caller.username.isEmpty() ? QStringLiteral("api") : request.caller.username;

    ops::RecoveryPlans plans(paths::recoveryScriptsDir(m_context.dataDir));
    const ops::RecoveryPlan created = plans.create(plan);
    if (m_database.isOpen()) {
        http::AuditEvent event;
        event.eventType = QStringLiteral("recovery_plan.created");
        event.resourceType = QStringLiteral("recovery_plan");
        event.resourceId = created.name;
        event.description = QStringLiteral("recovery plan for %1 written").arg(created.scenario);
        event.after = created.toJson();
        http::recordAudit(m_database.database().database(), request, event);
    }
    return http::ApiResponse::json(created.toJson(), 201)
        .withHeader("Location", QStringLiteral("/api/recovery-plans/%1").arg(created.name).toUtf8());
}

} // namespace tf::gateway
