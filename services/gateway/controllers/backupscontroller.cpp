#include "backupscontroller.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "core/paths.h"
#include "common/listquery.h"
#include "contentetag.h"
#include "gateway/auth/bodyfields.h"
#include "gateway/jobs/jobregistry.h"
#include "jobscontroller.h"
#include "ops/backupmanager.h"
#include "ops/backupmanifest.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace tf::gateway {

namespace {

const QString kDatabaseJobs = QStringLiteral("database");

QString actorOf(const http::ApiRequest &request)
{
    return request.caller.username.isEmpty() ? QStringLiteral("anonymous")
                                             : request.caller.username;
}

// The body may be empty; when present it is a JSON object with only the named fields.
fields::BodyCheck optionalBody(const http::ApiRequest &request, const QStringList &allowed)
{
    fields::BodyCheck check(request.body.trimmed().isEmpty() ? QJsonObject() : request.jsonBody());
    check.allowOnly(allowed);
    return check;
}

QByteArray manifestEtag(const ops::BackupInfo &backup)
{
    return contentEtag(QJsonDocument(backup.manifest).toJson(QJsonDocument::Compact));
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
               [this](const http::ApiRequest &request) { return list(request); });
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

http::ApiResponse BackupsController::list(const http::ApiRequest &request) const
{
    // Newest first (created_at, then name); the cursor is the last item's "<created_at>|<name>".
    const http::QueryParams params = http::QueryParams::forList(request);
    QDateTime afterTime;
    QString afterName;
    if (!params.cursor().isEmpty()) {
        const qsizetype bar = params.cursor().indexOf(QLatin1Char('|'));
        afterTime = QDateTime::fromString(params.cursor().left(bar), Qt::ISODateWithMs);
        afterName = params.cursor().mid(bar + 1);
        if (bar <= 0 || afterName.isEmpty())
            http::QueryParams::invalid(QStringLiteral("cursor"), QStringLiteral("is not a cursor this route gave out; pass next_cursor unchanged"));
    }
    const ops::BackupManager manager(m_context.databaseUrl, backupsDir());
    QJsonArray items;
    QString next;
    // New files are hashed on the job pool, not on this HTTP thread: "verified": null until then.
    const auto onJobPool = [this](std::function<void()> work) { m_jobs.runInBackground(std::move(work)); };
    for (const ops::BackupInfo &backup : manager.list(onJobPool)) {
        if (!afterName.isEmpty()
            && (backup.createdAt > afterTime || (backup.createdAt == afterTime && backup.name >= afterName)))
            continue;
        if (items.size() == params.limit()) {
            const QJsonObject last = items.last().toObject();
            next = last.value(QStringLiteral("created_at")).toString() + QLatin1Char('|') + last.value(QStringLiteral("name")).toString();
            break;
        }
        items.append(backup.toJson());
    }
    return http::listResponse(request, params, items, next);
}

http::ApiResponse BackupsController::get(const http::ApiRequest &request) const
{
    const QString name = existingName(request);
    const ops::BackupInfo backup
        = ops::BackupManager(m_context.databaseUrl, backupsDir()).verify(name);
    QJsonObject object = backup.toJson();
    object.insert(QStringLiteral("manifest"), backup.manifest);
    return http::ApiResponse::json(object).withHeader("ETag", manifestEtag(backup));
}

http::ApiResponse BackupsController::create(const http::ApiRequest &request)
{
    fields::BodyCheck check = optionalBody(request, { QStringLiteral("label") });
    const QString label = check.optionalString(QStringLiteral("label")).value_or(QString());
    check.validate(QStringLiteral("label"), [&] { ops::checkBackupLabel(label); }); // 422 now rather than a failed job
    check.finish();

    const DatabaseState *state = &m_database;
    const QString databaseUrl = m_context.databaseUrl;
    const QString dir = backupsDir();
    const http::ApiRequest origin = request;
    const JobRegistry::Action action { QStringLiteral("backup"), label, kDatabaseJobs, actorOf(request),
                                       QStringLiteral("backup queued") };
    return JobsController::accepted(m_jobs.start(action,
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
        }).job);
}

http::ApiResponse BackupsController::restore(const http::ApiRequest &request)
{
    const QString name = existingName(request);
    fields::BodyCheck check = optionalBody(request, { QStringLiteral("safety_backup") });
    ops::RestoreOptions options;
    options.safetyBackup = check.optionalBool(QStringLiteral("safety_backup")).value_or(true);
    check.finish();

    const DatabaseState *state = &m_database;
    const QString databaseUrl = m_context.databaseUrl;
    const QString dir = backupsDir();
    const http::ApiRequest origin = request;
    const JobRegistry::Action action { QStringLiteral("restore"),
                                       name + (options.safetyBackup ? QStringLiteral("|safety") : QString()),
                                       kDatabaseJobs, actorOf(request), QStringLiteral("restore of %1 queued").arg(name) };
    return JobsController::accepted(m_jobs.start(action,
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
        }).job);
}

http::ApiResponse BackupsController::remove(const http::ApiRequest &request)
{
    const QString name = existingName(request);
    const qint64 size = QFileInfo(backupsDir() + QLatin1Char('/') + name).size();
    ops::BackupManager manager(m_context.databaseUrl, backupsDir());
    if (!request.header("if-match").isEmpty())
        checkIfMatchContent(request, manifestEtag(manager.verify(name)));
    manager.remove(name);
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
