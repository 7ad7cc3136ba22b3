#include "jobscontroller.h"

#include "common/listquery.h"
#include "core/errors.h"
#include "gateway/jobs/jobregistry.h"

#include <QJsonArray>

namespace tf::gateway {

JobsController::JobsController(const JobRegistry &jobs)
    : m_jobs(jobs)
{ }

void JobsController::registerRoutes(http::Router &router)
{
    // Whoever may see backups may follow the jobs (operators, auditors, admins).
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/jobs"), Permission::BackupsRead,
               [this](const http::ApiRequest &request) { return list(request); });
    router.add("GET", QStringLiteral("/api/jobs/<id>"), Permission::BackupsRead,
               [this](const http::ApiRequest &request) { return get(request); });
}

http::ApiResponse JobsController::jobResponse(const QJsonObject &job, int status)
{
    http::ApiResponse response = http::ApiResponse::json(job, status);
    if (!JobRegistry::isFinished(job.value(QStringLiteral("status")).toString()))
        response.withHeader("Retry-After", QByteArray::number(kPollSeconds));
    return response;
}

http::ApiResponse JobsController::accepted(const QJsonObject &job)
{
    return jobResponse(job, 202).withHeader(
        "Location", "/api/jobs/" + QByteArray::number(job.value(QStringLiteral("id")).toInteger()));
}

http::ApiResponse JobsController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request, { QStringLiteral("kind"), QStringLiteral("status") });
    const QString kind = params.choice(QStringLiteral("kind"), { QStringLiteral("backup"), QStringLiteral("restore"),
                                                                 QStringLiteral("maintenance"), QStringLiteral("restart") });
    const QString status = params.choice(QStringLiteral("status"),
                                         { QStringLiteral("queued"), QStringLiteral("running"), QStringLiteral("completed"),
                                           QStringLiteral("failed"), QStringLiteral("cancelled") });
    const QList<QJsonObject> jobs = m_jobs.list(kind, status, params.cursorId(), params.limit() + 1);
    QJsonArray items;
    for (qsizetype i = 0; i < jobs.size() && i < params.limit(); ++i)
        items.append(jobs.at(i));
    const QString next = jobs.size() > params.limit()
        ? QString::number(jobs.at(params.limit() - 1).value(QStringLiteral("id")).toInteger())
        : QString();
    return http::listResponse(request, params, items, next);
}

http::ApiResponse JobsController::get(const http::ApiRequest &request) const
{
    http::QueryParams(request, {});
    return jobResponse(m_jobs.job(request.idParam()));
}

} // namespace tf::gateway
