#include "recovery.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "core/paths.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "db/migrator.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRecovery, "ops.recovery")

namespace tf::ops {

void logRecoveryEvent(const QString &dataDir, const QString &type, const QString &description,
                      const QString &status, const QJsonObject &details)
{
    QJsonObject event {
        { QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
        { QStringLiteral("event_type"), type },
        { QStringLiteral("description"), description },
        { QStringLiteral("status"), status },
    };
    if (!details.isEmpty())
        event.insert(QStringLiteral("details"), details);
    try {
        QFile file(paths::ensureDir(paths::recoveryScriptsDir(dataDir)) + QStringLiteral("/recovery.log"));
        if (file.open(QIODevice::WriteOnly | QIODevice::Append))
            file.write(json::compact(event) + '\n');
    } catch (const Error &error) {
        qCWarning(lcRecovery).noquote() << "recovery log not written:" << error.message();
    }
    qCInfo(lcRecovery).noquote() << QStringLiteral("RECOVERY: %1 - %2 - %3").arg(type, description, status);
}

QJsonObject RecoverStep::toJson() const
{
    return QJsonObject {
        { QStringLiteral("step"), number },
        { QStringLiteral("name"), name },
        { QStringLiteral("status"), status },
        { QStringLiteral("detail"), detail },
        { QStringLiteral("elapsed_ms"), elapsedMs },
    };
}

QJsonObject RecoverResult::toJson() const
{
    QJsonArray stepList;
    for (const RecoverStep &step : steps)
        stepList.append(step.toJson());
    QJsonObject object {
        { QStringLiteral("ok"), ok },
        { QStringLiteral("steps"), stepList },
        { QStringLiteral("backup"), backup.name.isEmpty() ? QJsonValue() : QJsonValue(backup.toJson()) },
        { QStringLiteral("safety_backup"), safetyBackup },
        { QStringLiteral("schema_version"), schemaVersion },
    };
    if (health.checkedAt.isValid())
        object.insert(QStringLiteral("health"), health.toJson());
    if (!error.isEmpty())
        object.insert(QStringLiteral("error"), error);
    return object;
}

DisasterRecovery::DisasterRecovery(ServiceControl &services, HealthCheck::Targets targets, RecoverOptions options)
    : m_services(services)
    , m_targets(std::move(targets))
    , m_options(std::move(options))
{
}

RecoverResult DisasterRecovery::recover(const StepReport &report, const ProgressFn &progress)
{
    RecoverResult result;
    int number = 0;
    QElapsedTimer clock;
    RecoverStep current;
    const auto begin = [&](const QString &name) {
        current = RecoverStep();
        current.number = ++number;
        current.name = name;
        current.status = QStringLiteral("running");
        clock.start();
        report(current);
    };
    const auto end = [&](const QString &status, const QString &detail) {
        current.status = status;
        current.detail = detail;
        current.elapsedMs = clock.elapsed();
        result.steps << current;
        report(current);
    };

    const QString dataDir = m_options.dataDir;
    logRecoveryEvent(dataDir, QStringLiteral("full_recovery_start"), QStringLiteral("Starting full system recovery procedure"),
                     QStringLiteral("info"));
    BackupManager backups(m_options.databaseUrl, paths::backupsDir(dataDir));
    bool stoppedAny = false;
    QString createdEmpty; // the SQLite file this recovery created to restore into
    bool restoreDone = false;
    ServiceControl::Stopped stopped;
    try {
        begin(QStringLiteral("select backup"));
        if (m_options.backup.isEmpty()) {
            const QList<BackupInfo> all = backups.list();
            for (const BackupInfo &info : all) {
                if (info.verified) {
                    result.backup = info;
                    break;
                }
            }
            if (result.backup.name.isEmpty()) {
                throw Error(Error::Kind::NotFound,
                            all.isEmpty() ? QStringLiteral("no backups in %1").arg(backups.backupsDir())
                                          : QStringLiteral("none of the %1 backups in %2 passes verification (newest: %3)")
                                                .arg(all.size()).arg(backups.backupsDir(), all.first().problem));
            }
        } else {
            result.backup = backups.verify(m_options.backup, true);
            if (!result.backup.verified)
                throw Error(Error::Kind::Validation, QStringLiteral("backup %1 fails verification: %2").arg(m_options.backup, result.backup.problem));
        }
        end(QStringLiteral("done"), QStringLiteral("%1 (%2, schema %3, created %4), verified")
                                        .arg(result.backup.name, result.backup.backend)
                                        .arg(result.backup.schemaVersion)
                                        .arg(result.backup.createdAt.toUTC().toString(Qt::ISODate)));

        begin(QStringLiteral("stop services"));
        if (m_options.startServices) {
            stopped = m_services.stopAll();
            stoppedAny = stopped.gateway.running() || stopped.sync.running();
            QStringList what;
            if (stopped.gateway.running())
                what << QStringLiteral("tf-gateway pid %1").arg(stopped.gateway.pid);
            if (stopped.sync.running())
                what << QStringLiteral("tf-syncd pid %1").arg(stopped.sync.pid);
            end(QStringLiteral("done"), what.isEmpty() ? QStringLiteral("nothing was running") : QStringLiteral("stopped ") + what.join(QStringLiteral(", ")));
        } else {
            end(QStringLiteral("skipped"), QStringLiteral("--no-start: services left as they are"));
        }

        begin(QStringLiteral("restore"));
        RestoreOptions restoreOptions;
        restoreOptions.allowExternal = true;
        const db::DatabaseUrl url = db::DatabaseUrl::parse(m_options.databaseUrl);
        // A control database that is gone has nothing worth a safety backup.
        const bool missing = !url.isPostgres() && !QFileInfo::exists(url.sqlitePath);
        restoreOptions.safetyBackup = m_options.safetyBackup && !missing;
        if (missing) {
            // The restore replaces the tables of a database: give it an empty one to work on.
            if (progress)
                progress(0.0, QStringLiteral("%1 is missing: creating an empty control database to restore into").arg(url.sqlitePath));
            db::ControlDatabase::open(url, true);
            createdEmpty = url.sqlitePath;
        }
        const RestoreResult restored = backups.restore(result.backup.path, restoreOptions, progress);
        result.safetyBackup = restored.safetyBackup;
        restoreDone = true;
        logRecoveryEvent(dataDir, QStringLiteral("database_restore"), QStringLiteral("Restored database from %1").arg(result.backup.name),
                         QStringLiteral("success"), restored.toJson());
        end(QStringLiteral("done"), QStringLiteral("restored %1%2").arg(result.backup.name,
                                        restored.safetyBackup.isEmpty() ? QStringLiteral(" (no safety backup: nothing to keep)")
                                                                        : QStringLiteral("; the data it replaced is in %1").arg(restored.safetyBackup)));

        begin(QStringLiteral("migrate"));
        {
            auto control = db::ControlDatabase::open(m_options.databaseUrl, true);
            result.schemaVersion = db::Migrator::currentVersion(control->database());
        }
        end(QStringLiteral("done"), QStringLiteral("schema at version %1 (backup had %2)").arg(result.schemaVersion).arg(result.backup.schemaVersion));

        begin(QStringLiteral("start services"));
        if (m_options.startServices) {
            QStringList what;
            for (const RestartOutcome &outcome : m_services.startAgain(stopped)) {
                what << outcome.detail;
                logRecoveryEvent(dataDir, outcome.program == QLatin1String("tf-syncd") ? QStringLiteral("syncservice_restart") : QStringLiteral("api_gateway_restart"),
                                 outcome.program == QLatin1String("tf-syncd") ? QStringLiteral("SyncService restarted successfully")
                                                                             : QStringLiteral("API Gateway restarted successfully"),
                                 QStringLiteral("success"), outcome.toJson());
            }
            stoppedAny = false;
            end(QStringLiteral("done"), what.join(QStringLiteral("; ")));
        } else {
            end(QStringLiteral("skipped"), QStringLiteral("--no-start"));
        }

        begin(QStringLiteral("verify health"));
        if (m_options.startServices) {
            HealthCheck::Targets targets = m_targets;
            const RunningProcess gateway = m_services.gateway();
            const RunningProcess sync = m_services.sync();
            targets.gatewayUrl = m_services.gatewayUrl(gateway);
            targets.syncUrl = m_services.syncUrl(sync);
            targets.gatewayPid = gateway.pid;
            targets.syncPid = sync.pid;
            result.health = HealthCheck::run(targets);
            if (result.health.overall != QLatin1String("healthy")) {
                QStringList problems;
                for (const ComponentHealth &component : std::as_const(result.health.components)) {
                    if (component.status != QLatin1String("healthy"))
                        problems << QStringLiteral("%1 %2: %3").arg(component.name, component.status, component.error);
                }
                throw Error(Error::Kind::Unavailable, QStringLiteral("system %1 after recovery: %2")
                                                          .arg(result.health.overall, problems.join(QStringLiteral("; "))));
            }
            end(QStringLiteral("done"), QStringLiteral("gateway, syncd and database healthy"));
        } else {
            result.health = HealthReport();
            const ComponentHealth database = HealthCheck::probeDatabase(m_options.databaseUrl);
            if (database.status != QLatin1String("healthy"))
                throw Error(Error::Kind::Unavailable, QStringLiteral("database %1 after recovery: %2").arg(database.status, database.error));
            end(QStringLiteral("done"), QStringLiteral("database healthy (%1); services not started").arg(database.detail));
        }
        result.ok = true;
        logRecoveryEvent(dataDir, QStringLiteral("full_recovery_complete"), QStringLiteral("Full system recovery completed successfully"),
                         QStringLiteral("success"), QJsonObject { { QStringLiteral("backup"), result.backup.name } });
    } catch (const Error &error) {
        result.error = error.message();
        result.badInput = number == 1 && !m_options.backup.isEmpty()
            && (error.kind() == Error::Kind::NotFound || error.kind() == Error::Kind::BadRequest
                || error.kind() == Error::Kind::Validation);
        end(QStringLiteral("failed"), error.message());
        logRecoveryEvent(dataDir, QStringLiteral("full_recovery_complete"), QStringLiteral("Full system recovery failed at step '%1': %2").arg(current.name, error.message()),
                         QStringLiteral("failure"));
        if (!createdEmpty.isEmpty() && !restoreDone) {
            // Leave things as they were: no empty database the services would take for the real one.
            for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
                QFile::remove(createdEmpty + suffix);
        }
        const bool databaseMissing = [this] {
            try {
                const db::DatabaseUrl url = db::DatabaseUrl::parse(m_options.databaseUrl);
                return !url.isPostgres() && !QFileInfo::exists(url.sqlitePath);
            } catch (const Error &) {
                return false;
            }
        }();
        if (stoppedAny && databaseMissing) {
            result.error += QStringLiteral(" (the services stay stopped: the control database is missing and they would "
                                           "start on an empty one; run `tfctl recover --backup FILE` with a good backup)");
        } else if (stoppedAny) {
            // Do not leave the system down because a later step failed.
            try {
                m_services.startAgain(stopped);
                result.error += QStringLiteral(" (the services were started again as they were)");
            } catch (const Error &startError) {
                result.error += QStringLiteral(" (starting the services again failed too: %1)").arg(startError.message());
            }
        }
    }
    return result;
}

} // namespace tf::ops
