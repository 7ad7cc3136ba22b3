#include "backupscontroller.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "core/paths.h"
#include "gateway/jobs/jobregistry.h"
#include "ops/backupmanager.h"
#include "ops/backupmanifest.h"

#include <QFileInfo>
#include <QJsonArray>

namespace tf::gateway {

namespace {

const QString kDatabaseJobs = QStringLiteral("database");

QString actorOf(const http::ApiRequest &request)
{
    return request.caller.username.isEmpty() ? QStringLiteral("anonymous")
                                             : request.caller.username;
}

// The body may be empty; when present it is a JSON object with only the named fields.
QJsonObject optionalBody(const http::ApiRequest &request, const QStringList &fields)
{
    if (request.body.trimmed().isEmpty())
        return {};
    const QJsonObject body = request.jsonBody();
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        if (!fields.contains(it.key()))
            throw Error(Error::Kind::Validation,
                        QStringLiteral("unknown field '%1'; allowed: %2")
                            .arg(it.key().left(64), fields.join(QStringLiteral(", "))),
                        QJsonObject { { QStringLiteral("field"), it.key().left(64) } });
    }
    return body;
}

http::ApiResponse accepted(const QJsonObject &job)
{
    const QString id = job.value(QStringLiteral("id")).toString();
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("job"), job } }, 202)
        .withHeader("Location", QStringLiteral("/api/jobs/%1").arg(id).toUtf8());
}

} // namespace

BackupsController::BackupsController(const DatabaseState &database, JobRegistry &jobs,
                                     const ServiceContext &context)
    : m_database(database)
    , m_jobs(jobs)
    , m_context(context)
{ }

void BackupsController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/backups"), Permission::BackupsRead,
               [this](const http::ApiRequest &) { return list(); });
    router.add("POST", QStringLiteral("/api/backups"), Permission::BackupsCreate,
               [this](const http::ApiRequest &request) { return create(request); });
    router.add("POST", QStringLiteral("/api/backups/<name>/restore"), Permission::BackupsRestore,
               [this](const http::ApiRequest &request) { return restore(request); });
    // <*name>: a name with separators still reaches the handler, to be refused with 400.
    router.add("GET", QStringLiteral("/api/backups/<*name>"), Permission::BackupsRead,
               [this](const http::ApiRequest &request) { return get(request); });
    router.add("DELETE", QStringLiteral("/api/backups/<*name>"), Permission::BackupsDelete,
               [this](const http::ApiRequest &request) { return remove(request); });
}

QString BackupsController::backupsDir() const
{
    return paths::backupsDir(m_context.dataDir);
}

QString BackupsController::existingName(const http::ApiRequest &request) const
{
    const QString name = request.pathParams.value(QStringLiteral("name"));
    ops::checkBackupName(name);
    if (!ops::isBackupDataFile(name))
        throw Error(
            Error::Kind::BadRequest,
            QStringLiteral("'%1' is not a backup: backup files end in .dump or .sqlite").arg(name));
    if (!QFileInfo(backupsDir() + QLatin1Char('/') + name).isFile())
        throw Error(Error::Kind::NotFound, QStringLiteral("no backup named '%1'").arg(name));
    return name;
}

http::ApiResponse BackupsController::list() const
{
    const ops::BackupManager manager(m_context.databaseUrl, backupsDir());
    QJsonArray backups;
    for (const ops::BackupInfo &backup : manager.list())
        backups.append(backup.toJson());
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("backups"), backups },
                                                 { QStringLiteral("count"), backups.size() } });
}

http::ApiResponse BackupsController::get(const http::ApiRequest &request) const
{
    const QString name = existingName(request);
    const ops::BackupInfo backup
        = ops::BackupManager(m_context.databaseUrl, backupsDir()).verify(name);
    QJsonObject object = backup.toJson();
    object.insert(QStringLiteral("manifest"), backup.manifest);
    return http::ApiResponse::json(object);
}

http::ApiResponse BackupsController::create(const http::ApiRequest &request)
{
    const QJsonObject body = optionalBody(request, { QStringLiteral("label") });
    const QJsonValue labelValue = body.value(QStringLiteral("label"));
    if (!labelValue.isUndefined() && !labelValue.isString())
        throw Error(Error::Kind::Validation, QStringLiteral("label must be a string"),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("label") } });
    const QString label = labelValue.toString();
    ops::checkBackupLabel(label); // 422 now rather than a failed job

    const DatabaseState *state = &m_database;
    const QString databaseUrl = m_context.databaseUrl;
    const QString dir = backupsDir();
    const http::ApiRequest origin = request;
    return accepted(m_jobs.start(
        QStringLiteral("backup.create"), actorOf(request),
        [state, databaseUrl, dir, label, origin](JobRegistry::Context &context) {
            ops::BackupManager manager(databaseUrl, dir);
            const ops::BackupInfo backup
                = manager.create(label, [&context](double fraction, const QString &message) {
                      context.progress(fraction, message);
                  });
            db::Database &control = state->database().database();
            http::recordAudit(control, origin,
                              { QStringLiteral("backup.created"),
                                QStringLiteral("info"),
                                QStringLiteral("backup"),
                                backup.name,
                                0,
                                QStringLiteral("backup %1 created").arg(backup.name),
                                {},
                                backup.toJson() });
            control.closeThreadConnection();
            return backup.toJson();
        },
        kDatabaseJobs));
}

http::ApiResponse BackupsController::restore(const http::ApiRequest &request)
{
    const QString name = existingName(request);
    const QJsonObject body = optionalBody(request, { QStringLiteral("safety_backup") });
    const QJsonValue safetyValue = body.value(QStringLiteral("safety_backup"));
    if (!safetyValue.isUndefined() && !safetyValue.isBool())
        throw Error(Error::Kind::Validation, QStringLiteral("safety_backup must be true or false"),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("safety_backup") } });
    ops::RestoreOptions options;
    options.safetyBackup = safetyValue.toBool(true);

    const DatabaseState *state = &m_database;
    const QString databaseUrl = m_context.databaseUrl;
    const QString dir = backupsDir();
    const http::ApiRequest origin = request;
    return accepted(m_jobs.start(
        QStringLiteral("backup.restore"), actorOf(request),
        [state, databaseUrl, dir, name, options, origin](JobRegistry::Context &context) {
            ops::BackupManager manager(databaseUrl, dir);
            const ops::RestoreResult result = manager.restore(
                name, options, [&context](double fraction, const QString &message) {
                    context.progress(fraction, message);
                });
            // Into the restored audit trail: who brought it back, and from what.
            db::Database &control = state->database().database();
            http::recordAudit(control, origin,
                              { QStringLiteral("backup.restored"),
                                QStringLiteral("warning"),
                                QStringLiteral("backup"),
                                name,
                                0,
                                QStringLiteral("control database restored from %1%2")
                                    .arg(name,
                                         result.safetyBackup.isEmpty()
                                             ? QStringLiteral(" (no safety backup)")
                                             : QStringLiteral("; the data from before is in %1")
                                                   .arg(result.safetyBackup)),
                                {},
                                result.toJson() });
            control.closeThreadConnection();
            return result.toJson();
        },
        kDatabaseJobs));
}

http::ApiResponse BackupsController::remove(const http::ApiRequest &request)
{
    const QString name = existingName(request);
    const qint64 size = QFileInfo(backupsDir() + QLatin1Char('/') + name).size();
    ops::BackupManager(m_context.databaseUrl, backupsDir()).remove(name);
    http::recordAudit(
        m_database.database().database(), request,
        { QStringLiteral("backup.deleted"),
          QStringLiteral("info"),
          QStringLiteral("backup"),
          name,
          0,
          QStringLiteral("backup %1 deleted").arg(name),
          QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("size_bytes"), size } },
          {} });
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("deleted"), true } });
}

} // namespace tf::gateway
