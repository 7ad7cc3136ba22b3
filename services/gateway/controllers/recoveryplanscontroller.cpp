#include "recoveryplanscontroller.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "common/listquery.h"
#include "contentetag.h"
#include "core/paths.h"
#include "gateway/auth/bodyfields.h"
#include "ops/recoveryplan.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace tf::gateway {

using auth::Permission;

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

http::ApiResponse RecoveryPlansController::list(const http::ApiRequest &request) const
{
    // Newest first; the cursor is the last plan's name (names are unique).
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("scenario") });
    const QString scenario = params.choice(QStringLiteral("scenario"), ops::RecoveryPlans::scenarios());
    const ops::RecoveryPlans plans(paths::recoveryScriptsDir(m_context.dataDir));
    QJsonArray items;
    QString next;
    bool reached = params.cursor().isEmpty();
    for (const ops::RecoveryPlan &plan : plans.list()) {
        if (!reached) {
            reached = plan.name == params.cursor();
            continue;
        }
        if (!scenario.isEmpty() && plan.scenario != scenario)
            continue;
        if (items.size() == params.limit()) {
            next = items.last().toObject().value(QStringLiteral("name")).toString();
            break;
        }
        items.append(plan.toJson());
    }
    if (!reached) // the plan the cursor names is gone (deleted on disk) or never was
        http::QueryParams::invalid(QStringLiteral("cursor"), QStringLiteral("names no plan (any more); start again without it"));
    return http::listResponse(request, params, items, next);
}

http::ApiResponse RecoveryPlansController::get(const http::ApiRequest &request) const
{
    const ops::RecoveryPlans plans(paths::recoveryScriptsDir(m_context.dataDir));
    const QString name = request.pathParams.value(QStringLiteral("name"));
    QJsonObject body = plans.get(name).toJson();
    const QString markdown = plans.markdown(name);
    const QString script = plans.script(name);
    body.insert(QStringLiteral("markdown"), markdown);
    body.insert(QStringLiteral("script_text"), script);
    // Plans are immutable files: a strong tag of what they hold.
    return http::ApiResponse::json(body).withHeader("ETag", contentEtag((markdown + QChar(0) + script).toUtf8()));
}

http::ApiResponse RecoveryPlansController::create(const http::ApiRequest &request)
{
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("scenario"), QStringLiteral("components") });
    ops::RecoveryPlanRequest plan;
    plan.scenario = check.requiredString(QStringLiteral("scenario"));
    if (!check.hasProblem(QStringLiteral("scenario")) && !ops::RecoveryPlans::scenarios().contains(plan.scenario))
        check.problem(QStringLiteral("scenario"), QStringLiteral("invalid_choice"),
                      QStringLiteral("unknown scenario '%1'; use %2")
                          .arg(plan.scenario.left(64), ops::RecoveryPlans::scenarios().join(QStringLiteral(", "))));
    const QJsonValue components = check.body().value(QStringLiteral("components"));
    if (!components.isUndefined() && !components.isArray()) {
        check.problem(QStringLiteral("components"), QStringLiteral("invalid_type"),
                      QStringLiteral("must be an array of %1").arg(ops::RecoveryPlans::componentNames().join(QStringLiteral(", "))));
    } else {
        const QJsonArray list = components.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonValue value = list.at(i);
            if (!value.isString() || !ops::RecoveryPlans::componentNames().contains(value.toString())) {
                check.problem(QStringLiteral("components[%1]").arg(i), QStringLiteral("invalid_choice"),
                              QStringLiteral("unknown component %1; use %2")
                                  .arg(value.isString() ? QStringLiteral("'%1'").arg(value.toString().left(64)) : QStringLiteral("(not a string)"),
                                       ops::RecoveryPlans::componentNames().join(QStringLiteral(", "))));
                continue;
            }
            plan.components << value.toString();
        }
    }
    check.finish();
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
