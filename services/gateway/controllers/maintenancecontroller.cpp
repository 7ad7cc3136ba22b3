#include "maintenancecontroller.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "gateway/jobs/jobregistry.h"
#include "ops/maintenancerunner.h"
#include "ops/maintenancerunstore.h"
#include "ops/maintenanceschedule.h"

#include <QJsonArray>
#include <QTimeZone>

namespace tf::gateway {

namespace {

[[noreturn]] void badParameter(const QString &name, const QString &problem)
{
    throw Error(Error::Kind::BadRequest, QStringLiteral("query parameter %1 %2").arg(name, problem),
                QJsonObject { { QStringLiteral("parameter"), name } });
}

QString actorOf(const http::ApiRequest &request)
{
    return request.caller.username.isEmpty() ? QStringLiteral("anonymous")
                                             : request.caller.username;
}

QString addressOf(const http::ApiRequest &request)
{
    const QHostAddress address
        = request.caller.address.isNull() ? request.remoteAddress : request.caller.address;
    return address.toString();
}

} // namespace

MaintenanceController::MaintenanceController(const DatabaseState &database, JobRegistry &jobs,
                                             const ServiceContext &context)
    : m_database(database)
    , m_jobs(jobs)
    , m_context(context)
{ }

void MaintenanceController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/maintenance"), Permission::MaintenanceRead,
               [this](const http::ApiRequest &r) { return overview(r); });
    router.add("GET", QStringLiteral("/api/maintenance/runs/<id>"), Permission::MaintenanceRead,
               [this](const http::ApiRequest &r) { return run(r); });
    router.add("POST", QStringLiteral("/api/maintenance/run"), Permission::MaintenanceRun,
               [this](const http::ApiRequest &r) { return start(r); });
}

http::ApiResponse MaintenanceController::overview(const http::ApiRequest &request) const
{
    const QString type = request.queryValue(QStringLiteral("type"));
    if (!type.isEmpty() && !ops::maintenanceKindNames().contains(type))
        badParameter(QStringLiteral("type"),
                     QStringLiteral("must be weekly, monthly or quarterly"));
    int limit = 20;
    const QString limitText = request.queryValue(QStringLiteral("limit"));
    if (!limitText.isEmpty()) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > 200)
            badParameter(QStringLiteral("limit"),
                         QStringLiteral("must be an integer from 1 to 200"));
    }
    db::Database &database = m_database.database().database();
    ops::MaintenanceRunStore store(database);
    const QDateTime now = QDateTime::currentDateTime();
    QJsonArray schedule;
    for (ops::MaintenanceKind kind : ops::allMaintenanceKinds()) {
        QJsonObject window = ops::maintenanceWindowJson(kind, now);
        const auto last = store.lastFinished(kind);
        window.insert(QStringLiteral("last_run"),
                      last ? QJsonValue(last->toJson(false)) : QJsonValue());
        schedule.append(window);
    }
    QJsonArray runs;
    for (const ops::MaintenanceRunRecord &record : store.list(limit, type))
        runs.append(record.toJson(false));
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("time_zone"), QString::fromUtf8(QTimeZone::systemTimeZoneId()) },
        { QStringLiteral("now"), ops::isoWithOffset(now) },
        { QStringLiteral("schedule"), schedule },
        { QStringLiteral("runs"), runs },
    });
}

http::ApiResponse MaintenanceController::run(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const auto record = ops::MaintenanceRunStore(m_database.database().database()).get(id);
    if (!record)
        throw Error(Error::Kind::NotFound, QStringLiteral("maintenance run %1 not found").arg(id));
    return http::ApiResponse::json(record->toJson(true));
}

http::ApiResponse MaintenanceController::start(const http::ApiRequest &request)
{
    const QJsonObject body = request.jsonBody();
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        if (it.key() != QLatin1String("type"))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("unknown field '%1'; the body is {\"type\": ...}")
                            .arg(it.key().left(64)),
                        QJsonObject { { QStringLiteral("field"), it.key().left(64) } });
    }
    const QJsonValue typeValue = body.value(QStringLiteral("type"));
    if (!typeValue.isString())
        throw Error(Error::Kind::Validation,
                    QStringLiteral("type is required: weekly, monthly or quarterly"),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("type") } });
    const ops::MaintenanceKind kind = ops::parseMaintenanceKind(typeValue.toString());

    ops::MaintenanceSettings settings = ops::MaintenanceSettings::fromConfig(
        m_context.config, m_context.dataDir, m_context.databaseUrl, m_context.nodeId);
    ops::MaintenanceRequest maintenance;
    maintenance.kind = kind;
    maintenance.triggeredBy = actorOf(request);
    maintenance.address = addressOf(request);
    // Claimed here, so a run of this type already going is a 409 at once rather than a
    // failed job later.
    db::Database &database = m_database.database().database();
    const qint64 runId = ops::MaintenanceRunner(database, settings).claim(maintenance);

    const DatabaseState *state = &m_database;
    QJsonObject job;
    try {
        // Weekly (backup) and monthly (VACUUM) work on the whole database: not beside a
        // backup or a restore job.
        const QString exclusive
            = kind == ops::MaintenanceKind::Quarterly ? QString() : QStringLiteral("database");
        job = m_jobs.start(
            QStringLiteral("maintenance.") + ops::maintenanceKindName(kind),
            maintenance.triggeredBy,
            [state, settings, maintenance, runId](JobRegistry::Context &context) {
                db::Database &control = state->database().database();
                ops::MaintenanceRunner runner(control, settings);
                const ops::MaintenanceReport report = runner.execute(
                    runId, maintenance, [&context](double fraction, const QString &message) {
                        context.progress(fraction, message);
                    });
                control.closeThreadConnection();
                QJsonArray steps;
                for (const ops::StepResult &step : report.steps)
                    steps.append(QJsonObject { { QStringLiteral("name"), step.name },
                                               { QStringLiteral("status"), step.status },
                                               { QStringLiteral("summary"), step.summary } });
                return QJsonObject { { QStringLiteral("run_id"), runId },
                                     { QStringLiteral("status"), report.status },
                                     { QStringLiteral("finding_counts"), report.findingCounts() },
                                     { QStringLiteral("steps"), steps },
                                     { QStringLiteral("markdown_path"), report.markdownPath } };
            },
            exclusive);
    } catch (const Error &error) {
        ops::MaintenanceRunStore(database).finish(runId, QStringLiteral("cancelled"), {},
                                                  error.message());
        throw;
    }
    const QString jobId = job.value(QStringLiteral("id")).toString();
    return http::ApiResponse::json(
               QJsonObject { { QStringLiteral("job"), job },
                             { QStringLiteral("run_id"), runId },
                             { QStringLiteral("run"),
                               QStringLiteral("/api/maintenance/runs/%1").arg(runId) } },
               202)
        .withHeader("Location", QStringLiteral("/api/jobs/%1").arg(jobId).toUtf8());
}

} // namespace tf::gateway
