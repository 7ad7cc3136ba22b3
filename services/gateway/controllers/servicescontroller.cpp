#include "servicescontroller.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/serviceeventrepository.h"
#include "gateway/jobs/jobregistry.h"
#include "jobscontroller.h"
#include "gateway/syncsupervisor.h"
#include "ops/healthcheck.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

Q_LOGGING_CATEGORY(lcServices, "gateway.services")

namespace tf::gateway {

using auth::Permission;

namespace {

const QString kJobKind = QStringLiteral("restart");
const QString kExclusive = QStringLiteral("services");

} // namespace

ServicesController::ServicesController(DatabaseState &database, JobRegistry &jobs, SyncSupervisor *supervisor, QUrl syncUrl,
                                       QString nodeId, Hooks hooks, int restartTimeoutMs)
    : m_database(database)
    , m_jobs(jobs)
    , m_supervisor(supervisor)
    , m_syncUrl(std::move(syncUrl))
    , m_nodeId(std::move(nodeId))
    , m_hooks(std::move(hooks))
    , m_restartTimeoutMs(restartTimeoutMs)
    , m_closing(std::make_shared<std::atomic_bool>(false))
    , m_timers(std::make_unique<QObject>())
{
}

ServicesController::~ServicesController()
{
    m_closing->store(true);
}

void ServicesController::registerRoutes(http::Router &router)
{
    router.add("POST", QStringLiteral("/api/services/<name>/restart"), Permission::ServicesRestart,
               [this](const http::ApiRequest &request) { return restart(request); });
}

http::ApiResponse ServicesController::restart(const http::ApiRequest &request)
{
    const QString name = request.pathParams.value(QStringLiteral("name"));
    if (name == QLatin1String("sync"))
        return restartSync(request);
    if (name == QLatin1String("gateway"))
        return restartGateway(request);
    throw Error(Error::Kind::NotFound, QStringLiteral("unknown service '%1'; services: gateway, sync").arg(name.left(64)),
                QJsonObject { { QStringLiteral("field"), QStringLiteral("name") } });
}

void ServicesController::audit(const http::ApiRequest &request, const QString &service, const QString &description)
{
    if (!m_database.isOpen()) {
        qCWarning(lcServices).noquote() << "audit entry not stored (database not available):" << description;
        return;
    }
    http::AuditEvent event;
    event.eventType = QStringLiteral("service.restart_requested");
    event.severity = QStringLiteral("warning");
    event.resourceType = QStringLiteral("service");
    event.resourceId = service;
    event.description = description;
    http::recordAudit(m_database.database().database(), request, event);
}

http::ApiResponse ServicesController::restartSync(const http::ApiRequest &request)
{
    if (!m_supervisor) {
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("tf-syncd at %1 is not supervised by this gateway; restart it where it runs "
                                   "(systemctl restart tf-syncd, or tfctl restart-sync on its host)")
                        .arg(m_syncUrl.toString()));
    }
    const qint64 oldPid = m_supervisor->pid();
    QUrl url = m_syncUrl;
    url.setPath(QStringLiteral("/health"));
    const int timeoutMs = m_restartTimeoutMs;
    const std::shared_ptr<std::atomic_bool> closing = m_closing;
    // Done when the supervisor has seen the new child live, so its "restarted" event is
    // recorded (GET /api/services counts it) before the job says completed.
    const std::shared_ptr<const std::atomic<qint64>> supervisedPid = m_supervisor->livePid();
    const JobRegistry::Action action { kJobKind, QStringLiteral("sync"), kExclusive, request.caller.username,
                                       QStringLiteral("restart of tf-syncd queued") };
    if (const std::optional<QJsonObject> running = m_jobs.admit(action))
        return JobsController::accepted(*running); // joined: restarted and audited once
    const QJsonObject job = m_jobs.start(action, [=](JobRegistry::Context &context) {
        QElapsedTimer clock;
        clock.start();
        context.progress(0.1, oldPid > 0 ? QStringLiteral("stopping tf-syncd (pid %1)").arg(oldPid) : QStringLiteral("starting tf-syncd"));
        QDeadlineTimer deadline(timeoutMs);
        QString last = QStringLiteral("no answer yet");
        while (!deadline.hasExpired() && !closing->load()) {
            const ops::HttpProbe probe = ops::httpGet(url, 2000);
            const qint64 pid = probe.json().value(QStringLiteral("pid")).toInteger();
            if (probe.status == 200 && pid > 0 && pid != oldPid && supervisedPid->load() == pid) {
                return QJsonObject { { QStringLiteral("service"), QStringLiteral("sync") },
                                     { QStringLiteral("old_pid"), oldPid },
                                     { QStringLiteral("new_pid"), pid },
                                     { QStringLiteral("elapsed_ms"), clock.elapsed() } };
            }
            last = probe.status == 0 ? probe.error
                : pid == oldPid     ? QStringLiteral("the old tf-syncd (pid %1) still answers").arg(oldPid)
                : probe.status == 200 && pid > 0
                ? QStringLiteral("tf-syncd (pid %1) answers; the supervisor has not seen it live yet").arg(pid)
                : QStringLiteral("HTTP %1 from /health").arg(probe.status);
            context.progress(0.5, QStringLiteral("waiting for a new tf-syncd to answer /health: %1").arg(last));
            QThread::msleep(200);
        }
        throw Error(Error::Kind::Timeout, QStringLiteral("tf-syncd is not healthy again after %1 s: %2").arg(timeoutMs / 1000).arg(last));
    }).job;
    m_supervisor->restart();
    audit(request, QStringLiteral("sync"), QStringLiteral("restart of tf-syncd (pid %1) requested").arg(oldPid));
    return JobsController::accepted(job);
}

http::ApiResponse ServicesController::restartGateway(const http::ApiRequest &request)
{
    const JobRegistry::Action action { kJobKind, QStringLiteral("gateway"), kExclusive, request.caller.username,
                                       QStringLiteral("restart of tf-gateway queued") };
    if (const std::optional<QJsonObject> running = m_jobs.admit(action))
        return JobsController::accepted(*running);
    // The re-exec ends every job of this process: refuse while one runs.
    if (const std::optional<QJsonObject> other = m_jobs.anyUnfinished()) {
        throw Error(Error::Kind::Conflict, QStringLiteral("job_running"),
                    QStringLiteral("job %1 (%2) is still running; restart the gateway when it has finished")
                        .arg(other->value(QStringLiteral("id")).toInteger())
                        .arg(other->value(QStringLiteral("kind")).toString()),
                    QJsonObject { { QStringLiteral("job_id"), other->value(QStringLiteral("id")) } });
    }
    const qint64 pid = QCoreApplication::applicationPid();
    const QJsonObject job = m_jobs.start(action, [pid](JobRegistry::Context &context) {
        context.progress(0.5, QStringLiteral("tf-gateway re-executes itself in place (pid %1)").arg(pid));
        return QJsonObject { { QStringLiteral("service"), QStringLiteral("gateway") },
                             { QStringLiteral("pid"), pid },
                             { QStringLiteral("method"), QStringLiteral("re-exec") },
                             { QStringLiteral("poll"), QStringLiteral("/health/ready") } };
    }).job;
    audit(request, QStringLiteral("gateway"), QStringLiteral("restart of tf-gateway (pid %1) requested").arg(pid));
    recordGatewayRestart(pid);
    const qint64 jobId = job.value(QStringLiteral("id")).toInteger();
    m_jobs.waitFor(jobId, 2000);
    // Half a second for this answer to reach the client before the process image is replaced.
    QTimer::singleShot(500, m_timers.get(), [this] { reexec(); });
    return JobsController::accepted(m_jobs.job(jobId));
}

void ServicesController::recordGatewayRestart(qint64 pid)
{
    // GET /api/services counts it into the gateway's restarts in 24 h.
    if (!m_database.isOpen())
        return;
    try {
        db::ServiceEventRepository(m_database.database().database())
            .record(QStringLiteral("tf-gateway"), QStringLiteral("restarted"),
                    QStringLiteral("tf-gateway re-executes itself in place on request"), QJsonObject { { QStringLiteral("pid"), pid } },
                    m_nodeId);
    } catch (const Error &error) {
        qCWarning(lcServices).noquote() << "service event not stored:" << error.message();
    }
}

void ServicesController::reexec()
{
    QString program = QCoreApplication::applicationFilePath();
    program.remove(QStringLiteral(" (deleted)")); // upgraded in place: run the new binary
    const QStringList arguments = QCoreApplication::arguments();
    qCWarning(lcServices).noquote() << "tf-gateway restarting on request: re-executing" << program;
    if (m_hooks.stopForRestart)
        m_hooks.stopForRestart();
    // Only stdin, stdout and stderr survive the exec: the listening socket and the database
    // files must not stay open in the new image.
    for (const QString &entry : QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot)) {
        const int fd = entry.toInt();
        if (fd > 2)
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    QList<QByteArray> data;
    for (const QString &argument : arguments)
        data << argument.toLocal8Bit();
    std::vector<char *> argv;
    for (QByteArray &item : data)
        argv.push_back(item.data());
    argv.push_back(nullptr);
    ::execv(QFile::encodeName(program).constData(), argv.data());
    qCCritical(lcServices).noquote() << "tf-gateway could not re-execute itself:" << QString::fromLocal8Bit(std::strerror(errno))
                                     << "- it keeps running";
    if (m_hooks.resumeAfterFailedRestart)
        m_hooks.resumeAfterFailedRestart();
}

} // namespace tf::gateway
