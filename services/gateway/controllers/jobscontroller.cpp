#include "jobscontroller.h"

#include "core/errors.h"
#include "gateway/jobs/jobregistry.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace tf::gateway {

JobsController::JobsController(const JobRegistry &jobs)
    : m_jobs(jobs)
{ }

void JobsController::registerRoutes(http::Router &router)
{
    // Whoever may see backups may follow the jobs (operators, auditors, admins).
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/jobs"), Permission::BackupsRead,
               [this](const http::ApiRequest &) { return list(); });
    router.add("GET", QStringLiteral("/api/jobs/<id>"), Permission::BackupsRead,
               [this](const http::ApiRequest &request) { return get(request); });
}

http::ApiResponse JobsController::list() const
{
    QJsonArray jobs;
    for (const QJsonObject &job : m_jobs.jobs())
        jobs.append(job);
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("jobs"), jobs }, { QStringLiteral("count"), jobs.size() } });
}

http::ApiResponse JobsController::get(const http::ApiRequest &request) const
{
    const QString id = request.pathParams.value(QStringLiteral("id"));
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    if (!uuid.match(id).hasMatch())
        throw Error(Error::Kind::NotFound, QStringLiteral("no job with id '%1'").arg(id.left(64)));
    return http::ApiResponse::json(m_jobs.job(id));
}

} // namespace tf::gateway
