#include "maintenancecontroller.h"

#include "common/databasestate.h"
#include "core/errors.h"
#include "common/listquery.h"
#include "gateway/auth/bodyfields.h"
#include "gateway/jobs/jobregistry.h"
#include "jobscontroller.h"
#include "ops/maintenancerunner.h"
#include "ops/maintenancerunstore.h"
#include "ops/maintenanceschedule.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTimeZone>

namespace tf::gateway {

namespace {

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
    router.add("GET", QStringLiteral("/api/maintenance/runs"), Permission::MaintenanceRead,
               [this](const http::ApiRequest &r) { return runs(r); });
    router.add("GET", QStringLiteral("/api/maintenance/runs/<id>"), Permission::MaintenanceRead,
               [this](const http::ApiRequest &r) { return run(r); });
    router.add("POST", QStringLiteral("/api/maintenance/run"), Permission::MaintenanceRun,
               [this](const http::ApiRequest &r) { return start(r); });
}

http::ApiResponse MaintenanceController::overview(const http::ApiRequest &request) const
{
    http::QueryParams(request, {});
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
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("time_zone"), QString::fromUtf8(QTimeZone::systemTimeZoneId()) },
        { QStringLiteral("now"), ops::isoWithOffset(now) },
        { QStringLiteral("schedule"), schedule },
    });
}

http::ApiResponse MaintenanceController::runs(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("type") });
    const QString type = params.choice(QStringLiteral("type"), ops::maintenanceKindNames());
    const QList<ops::MaintenanceRunRecord> records
        = ops::MaintenanceRunStore(m_database.database().database()).list(params.limit() + 1, type, params.cursorId());
    QJsonArray items;
    for (qsizetype i = 0; i < records.size() && i < params.limit(); ++i)
        items.append(records.at(i).toJson(false));
    const QString next = records.size() > params.limit() ? QString::number(records.at(params.limit() - 1).id) : QString();
    return http::listResponse(request, params, items, next);
}

http::ApiResponse MaintenanceController::run(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const auto record = ops::MaintenanceRunStore(m_database.database().database()).get(id);
    if (!record)
        throw Error(Error::Kind::NotFound, QStringLiteral("maintenance run %1 not found").arg(id));
    QJsonObject body = record->toJson(true);
    body.insert(QStringLiteral("markdown"), reportMarkdown(body.value(QStringLiteral("report")).toObject()
                                                                .value(QStringLiteral("markdown_path")).toString()));
    return http::ApiResponse::json(body);
}

QJsonValue MaintenanceController::reportMarkdown(const QString &path) const
{
    // Only a report of <data>/reports, and not an unbounded one: the path comes from the table.
    constexpr qint64 kMaxBytes = 2 * 1024 * 1024;
    const QString reports = QDir(m_context.dataDir).absoluteFilePath(QStringLiteral("reports"));
    const QFileInfo info(path);
    if (path.isEmpty() || QDir::cleanPath(info.absolutePath()) != QDir::cleanPath(reports) || !info.isFile()
        || info.size() > kMaxBytes)
        return QJsonValue::Null;
    QFile file(info.absoluteFilePath());
    if (!file.open(QIODevice::ReadOnly))
        return QJsonValue::Null;
    return QString::fromUtf8(file.readAll());
}

http::ApiResponse MaintenanceController::start(const http::ApiRequest &request)
{
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("type") });
    const QString type = check.requiredString(QStringLiteral("type"));
    if (!check.hasProblem(QStringLiteral("type")) && !ops::maintenanceKindNames().contains(type))
        check.problem(QStringLiteral("type"), QStringLiteral("invalid_choice"),
                      QStringLiteral("must be one of %1").arg(ops::maintenanceKindNames().join(QStringLiteral(", "))));
    check.finish();
    const ops::MaintenanceKind kind = ops::parseMaintenanceKind(type);

    // Weekly (backup) and monthly (VACUUM) work on the whole database: not beside a backup or
    // a restore job. The same type while it runs joins the running job.
    JobRegistry::Action action;
    action.kind = QStringLiteral("maintenance");
    action.signature = type;
    action.group = kind == ops::MaintenanceKind::Quarterly ? QString() : QStringLiteral("database");
    action.createdBy = actorOf(request);
    if (const std::optional<QJsonObject> running = m_jobs.admit(action))
        return JobsController::accepted(*running);

    ops::MaintenanceSettings settings = ops::MaintenanceSettings::fromConfig(
        m_context.config, m_context.dataDir, m_context.databaseUrl, m_context.nodeId);
    ops::MaintenanceRequest maintenance;
    maintenance.kind = kind;
    maintenance.triggeredBy = actorOf(request);
    maintenance.address = addressOf(request);
    // Claimed here, so a run of this type already going elsewhere (a scheduled one on a
    // tf-syncd node) is a 409 at once rather than a failed job later.
    db::Database &database = m_database.database().database();
    const qint64 runId = ops::MaintenanceRunner(database, settings).claim(maintenance);
    action.message = QStringLiteral("%1 maintenance run %2 queued (/api/maintenance/runs/%2)").arg(type).arg(runId);

    const DatabaseState *state = &m_database;
    JobRegistry::Started started;
    try {
        started = m_jobs.start(action, [state, settings, maintenance, runId](JobRegistry::Context &context) {
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
        });
    } catch (const Error &error) {
        ops::MaintenanceRunStore(database).finish(runId, QStringLiteral("cancelled"), {},
                                                  error.message());
        throw;
    }
    // The run this job fills, beside the job itself.
    return JobsController::accepted(started.job)
        .withHeader("Link", QStringLiteral("</api/maintenance/runs/%1>; rel=\"related\"").arg(runId).toUtf8());
}

} // namespace tf::gateway
