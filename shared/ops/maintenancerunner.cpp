#include "maintenancerunner.h"

#include "backupmanager.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/paths.h"
#include "databaseoptimizer.h"
#include "db/connection.h"
#include "db/repositories/auditrepository.h"
#include "logmaintenance.h"
#include "maintenancechecks.h"
#include "maintenancerunstore.h"
#include "operationsreport.h"
#include "tfversion.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

Q_LOGGING_CATEGORY(lcMaintenance, "ops.maintenance")

namespace tf::ops {

namespace {

int intSetting(const Config &config, const QString &key, int fallback, int min, int max)
{
    if (!config.contains(key) || config.string(key).trimmed().isEmpty())
        return fallback;
    return config.integer(key, min, max);
}

// Keeps the run's heartbeat fresh while a task reports nothing for a long time (a VACUUM, a
// large backup), on its own thread and connection, so other nodes do not take it for dead.
class HeartbeatKeeper final
{
public:
    HeartbeatKeeper(db::Database &database, qint64 runId)
        : m_thread([this, &database, runId] {
            std::unique_lock<std::mutex> lock(m_mutex);
            while (!m_wake.wait_for(lock, std::chrono::seconds(60), [this] { return m_done; })) {
                try {
                    QSqlQuery query = database.prepare(
                        QStringLiteral("UPDATE maintenance_runs SET heartbeat_at = ? WHERE id = ? "
                                       "AND status = 'running'"));
                    query.addBindValue(database.dialect().toDb(QDateTime::currentDateTimeUtc()));
                    query.addBindValue(runId);
                    database.exec(query, "renewing the maintenance heartbeat");
                } catch (const Error &) {
                    // Busy (SQLite VACUUM holds the file) or a blip: the next beat tries again.
                }
            }
            database.closeThreadConnection();
        })
    { }
    ~HeartbeatKeeper()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_done = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_done = false;
    std::thread m_thread;
};

} // namespace

MaintenanceSettings MaintenanceSettings::fromConfig(const Config &config, const QString &dataDir,
                                                    const QString &databaseUrl,
                                                    const QString &nodeId)
{
    MaintenanceSettings settings;
    settings.dataDir = dataDir;
    settings.databaseUrl = databaseUrl;
    settings.nodeId = nodeId;
    settings.binDir = config.string(QStringLiteral("maintenance/bin_dir")).trimmed();
    if (settings.binDir.isEmpty())
        settings.binDir = QCoreApplication::applicationDirPath();
    settings.logRetentionDays
        = intSetting(config, QStringLiteral("logging/retention_days"), 7, 1, 3650);
    settings.backupKeep = intSetting(config, QStringLiteral("maintenance/backup_keep"), 8, 1, 1000);
    settings.backupMaxAgeDays
        = intSetting(config, QStringLiteral("maintenance/backup_max_age_days"), 0, 0, 36500);
    settings.reviewDays
        = intSetting(config, QStringLiteral("maintenance/review_days"), 90, 1, 3650);
    settings.thresholds = ReviewThresholds::fromConfig(config);
    settings.security = SecurityAuditInputs::fromConfig(config, dataDir);
    return settings;
}

MaintenanceRunner::MaintenanceRunner(db::Database &database, MaintenanceSettings settings)
    : m_database(database)
    , m_settings(std::move(settings))
{ }

qint64 MaintenanceRunner::claim(const MaintenanceRequest &request)
{
    return MaintenanceRunStore(m_database)
        .begin(request.kind, request.triggeredBy, m_settings.nodeId, request.scheduledFor);
}

MaintenanceReport MaintenanceRunner::run(const MaintenanceRequest &request,
                                         const ProgressFn &progress)
{
    return execute(claim(request), request, progress);
}

MaintenanceReport MaintenanceRunner::execute(qint64 runId, const MaintenanceRequest &request,
                                             const ProgressFn &progress)
{
    MaintenanceRunStore store(m_database);
    MaintenanceReport report;
    report.runId = runId;
    report.kind = request.kind;
    report.triggeredBy = request.triggeredBy;
    report.node = m_settings.nodeId;
    report.scheduledFor = request.scheduledFor;
    report.startedAt = QDateTime::currentDateTimeUtc();
    const QString kindName = maintenanceKindName(request.kind);
    qCInfo(lcMaintenance, "%s maintenance run %lld started (triggered by %s)", qPrintable(kindName),
           static_cast<long long>(runId), qPrintable(request.triggeredBy));

    QElapsedTimer sinceBeat;
    sinceBeat.start();
    const ProgressFn tracked = [&](double fraction, const QString &message) {
        if (progress)
            progress(fraction, message);
        if (sinceBeat.elapsed() < 1000 && fraction < 1.0)
            return;
        sinceBeat.restart();
        try {
            store.heartbeat(runId, fraction, message);
        } catch (const Error &) {
            // Progress is advisory.
        }
    };
    {
        HeartbeatKeeper keeper(m_database, runId);
        switch (request.kind) {
        case MaintenanceKind::Weekly:
            weekly(report, tracked);
            break;
        case MaintenanceKind::Monthly:
            monthly(report, tracked);
            break;
        case MaintenanceKind::Quarterly:
            quarterly(report, tracked);
            break;
        }
    }
    int failed = 0;
    for (const StepResult &step : std::as_const(report.steps))
        failed += step.status == QLatin1String("failed") ? 1 : 0;
    report.status = failed == 0         ? QStringLiteral("completed")
        : failed == report.steps.size() ? QStringLiteral("failed")
                                        : QStringLiteral("completed_with_errors");
    report.finishedAt = QDateTime::currentDateTimeUtc();
    try {
        writeReportFiles(report);
    } catch (const Error &error) {
        qCWarning(lcMaintenance, "maintenance report of run %lld not written to disk: %s",
                  static_cast<long long>(runId), qPrintable(error.message()));
    }
    const QJsonObject counts = report.findingCounts();
    const QString message
        = QStringLiteral("%1: %2 of %3 tasks ok; findings: %4 critical, %5 high, %6 medium, %7 low")
              .arg(report.status)
              .arg(report.steps.size() - failed)
              .arg(report.steps.size())
              .arg(counts.value(QStringLiteral("critical")).toInt())
              .arg(counts.value(QStringLiteral("high")).toInt())
              .arg(counts.value(QStringLiteral("medium")).toInt())
              .arg(counts.value(QStringLiteral("low")).toInt());
    store.finish(runId, report.status, report.toJson(), message);
    recordAudit(report, request);
    if (progress)
        progress(1.0, message);
    if (failed > 0)
        qCWarning(lcMaintenance, "%s maintenance run %lld finished in %.1f s: %s",
                  qPrintable(kindName), static_cast<long long>(runId),
                  report.startedAt.msecsTo(report.finishedAt) / 1000.0, qPrintable(message));
    else
        qCInfo(lcMaintenance, "%s maintenance run %lld finished in %.1f s: %s",
               qPrintable(kindName), static_cast<long long>(runId),
               report.startedAt.msecsTo(report.finishedAt) / 1000.0, qPrintable(message));
    return report;
}

void MaintenanceRunner::runStep(MaintenanceReport &report, int index, int count,
                                const QString &name,
                                const std::function<void(StepResult &, const ProgressFn &)> &body,
                                const ProgressFn &progress)
{
    StepResult step;
    step.name = name;
    const double base = double(index) / count;
    const ProgressFn scoped = [&](double fraction, const QString &message) {
        progress(base + qBound(0.0, fraction, 1.0) / count,
                 QStringLiteral("%1: %2").arg(name, message));
    };
    scoped(0, QStringLiteral("started"));
    QElapsedTimer timer;
    timer.start();
    try {
        body(step, scoped);
        if (step.status == QLatin1String("ok") && !step.findings.isEmpty()) {
            for (const Finding &finding : std::as_const(step.findings)) {
                if (Finding::rank(finding.severity) >= Finding::rank(QStringLiteral("medium")))
                    step.status = QStringLiteral("warning");
            }
        }
    } catch (const Error &error) {
        step.status = QStringLiteral("failed");
        step.summary = error.message();
        step.findings << Finding { QStringLiteral("high"),
                                   QStringLiteral("maintenance"),
                                   QStringLiteral("task_failed"),
                                   QStringLiteral("%1 failed: %2").arg(name, error.message()),
                                   {} };
        qCWarning(lcMaintenance, "maintenance task \"%s\" failed: %s", qPrintable(name),
                  qPrintable(error.message()));
    }
    step.durationMs = timer.elapsed();
    report.steps << step;
}

void MaintenanceRunner::weekly(MaintenanceReport &report, const ProgressFn &progress)
{
    const QStringList tasks = maintenanceWindow(MaintenanceKind::Weekly).tasks;
    runStep(
        report, 0, 3, tasks.at(0),
        [&](StepResult &step, const ProgressFn &) {
            checkBinaries(step, m_settings.binDir);
            applyPendingMigrations(step, m_database);
            const QJsonObject schema = step.data.value(QStringLiteral("schema")).toObject();
            step.summary
                = QStringLiteral("version %1; schema at %2 of %3, %4 migration(s) applied.")
                      .arg(QStringLiteral(TF_VERSION_STRING))
                      .arg(schema.value(QStringLiteral("version_after")).toInt())
                      .arg(schema.value(QStringLiteral("latest")).toInt())
                      .arg(schema.value(QStringLiteral("applied")).toInt());
        },
        progress);
    runStep(
        report, 1, 3, tasks.at(1),
        [&](StepResult &step, const ProgressFn &) {
            const LogCleanup cleanup
                = cleanLogs(paths::logsDir(m_settings.dataDir), m_settings.logRetentionDays);
            step.data = cleanup.toJson();
            step.data.insert(QStringLiteral("retention_days"), m_settings.logRetentionDays);
            step.summary
                = QStringLiteral("removed %1 log file(s) older than %2 days (%3); kept %4 (%5).")
                      .arg(cleanup.removed.size())
                      .arg(m_settings.logRetentionDays)
                      .arg(humanBytes(cleanup.bytesFreed))
                      .arg(cleanup.kept)
                      .arg(humanBytes(cleanup.bytesKept));
            for (const QString &name : cleanup.removed)
                step.markdown << QStringLiteral("- removed %1").arg(name);
        },
        progress);
    runStep(
        report, 2, 3, tasks.at(2),
        [&](StepResult &step, const ProgressFn &stepProgress) {
            BackupManager backups(m_settings.databaseUrl, paths::backupsDir(m_settings.dataDir));
            const BackupInfo backup = backups.create(QStringLiteral("weekly"),
                                                     [&](double fraction, const QString &message) {
                                                         stepProgress(fraction * 0.9, message);
                                                     });
            stepProgress(0.95, QStringLiteral("applying retention"));
            const QStringList removed
                = backups.applyRetention(m_settings.backupKeep, m_settings.backupMaxAgeDays);
            QJsonObject backupJson = backup.toJson();
            backupJson.insert(QStringLiteral("path"), backup.path);
            step.data.insert(QStringLiteral("backup"), backupJson);
            step.data.insert(
                QStringLiteral("retention"),
                QJsonObject { { QStringLiteral("keep"), m_settings.backupKeep },
                              { QStringLiteral("max_age_days"), m_settings.backupMaxAgeDays },
                              { QStringLiteral("removed"), QJsonArray::fromStringList(removed) } });
            step.summary
                = QStringLiteral("backup %1 (%2, %3 verified); %4 old backup(s) removed.")
                      .arg(backup.name, humanBytes(backup.sizeBytes),
                           backup.verified ? QStringLiteral("checksum") : QStringLiteral("NOT"))
                      .arg(removed.size());
            if (!backup.verified)
                step.findings << Finding { QStringLiteral("high"),
                                           QStringLiteral("backup"),
                                           QStringLiteral("backup_unverified"),
                                           QStringLiteral("the weekly backup %1 did not verify: %2")
                                               .arg(backup.name, backup.problem),
                                           {} };
            step.markdown << QStringLiteral("- file: %1").arg(backup.path);
            for (const QString &name : removed)
                step.markdown << QStringLiteral("- removed by retention: %1").arg(name);
        },
        progress);
}

void MaintenanceRunner::monthly(MaintenanceReport &report, const ProgressFn &progress)
{
    const QStringList tasks = maintenanceWindow(MaintenanceKind::Monthly).tasks;
    qint64 databaseBytes = 0;
    runStep(
        report, 0, 3, tasks.at(0),
        [&](StepResult &step, const ProgressFn &stepProgress) {
            const OptimizeResult result = DatabaseOptimizer(m_database).optimize(stepProgress);
            databaseBytes = result.after.databaseBytes;
            step.data = result.toJson();
            step.markdown = result.markdown();
            step.findings = result.findings;
            step.summary = QStringLiteral("%1 -> %2; %3.")
                               .arg(humanBytes(result.before.databaseBytes),
                                    humanBytes(result.after.databaseBytes),
                                    result.actions.join(QStringLiteral("; ")));
        },
        progress);
    runStep(
        report, 1, 3, tasks.at(1),
        [&](StepResult &step, const ProgressFn &) {
            checkDiskSpace(step, m_settings.dataDir, m_settings.thresholds.diskPercent,
                           databaseBytes);
            const QJsonArray volumes = step.data.value(QStringLiteral("volumes")).toArray();
            QStringList parts;
            for (const QJsonValue &volume : volumes)
                parts << QStringLiteral("%1 %2% used")
                             .arg(volume.toObject().value(QStringLiteral("root")).toString(),
                                  QString::number(volume.toObject()
                                                      .value(QStringLiteral("used_percent"))
                                                      .toDouble(),
                                                  'f', 1));
            step.summary = parts.join(QStringLiteral(", ")) + QLatin1Char('.');
        },
        progress);
    runStep(
        report, 2, 3, tasks.at(2),
        [&](StepResult &step, const ProgressFn &) {
            const LogRotation rotation
                = rotateLogs(paths::logsDir(m_settings.dataDir), m_settings.logRetentionDays);
            step.data = rotation.toJson();
            step.summary = QStringLiteral("%1 undated file(s) rotated (%2); %3 file(s) past %4 "
                                          "days removed; %5 program(s) logging.")
                               .arg(rotation.rotated.size())
                               .arg(humanBytes(rotation.bytesRotated))
                               .arg(rotation.cleanup.removed.size())
                               .arg(m_settings.logRetentionDays)
                               .arg(rotation.programs.size());
            step.markdown << QStringLiteral("| program | files | size | oldest | newest |")
                          << QStringLiteral("|---|---:|---:|---|---|");
            for (auto it = rotation.programs.constBegin(); it != rotation.programs.constEnd();
                 ++it) {
                const QJsonObject entry = it.value().toObject();
                step.markdown << QStringLiteral("| %1 | %2 | %3 | %4 | %5 |")
                                     .arg(it.key())
                                     .arg(entry.value(QStringLiteral("files")).toInt())
                                     .arg(humanBytes(
                                              entry.value(QStringLiteral("bytes")).toInteger()),
                                          entry.value(QStringLiteral("oldest")).toString(),
                                          entry.value(QStringLiteral("newest")).toString());
            }
        },
        progress);
}

void MaintenanceRunner::quarterly(MaintenanceReport &report, const ProgressFn &progress)
{
    const QStringList tasks = maintenanceWindow(MaintenanceKind::Quarterly).tasks;
    runStep(
        report, 0, 3, tasks.at(0),
        [&](StepResult &step, const ProgressFn &) {
            const QDateTime to = QDateTime::currentDateTimeUtc();
            const PerformanceReview review = reviewPerformance(
                m_database, to.addDays(-m_settings.reviewDays), to, m_settings.thresholds);
            step.data = review.toJson();
            step.markdown = review.markdown();
            step.findings = review.findings;
            step.summary
                = QStringLiteral(
                      "last %1 days: %2 operations, success rate %3%, p95 %4 s; %5 metric series.")
                      .arg(m_settings.reviewDays)
                      .arg(review.operationsFinished)
                      .arg(review.successRate < 0 ? QStringLiteral("-")
                                                  : QString::number(review.successRate, 'f', 1),
                           review.p95Seconds < 0 ? QStringLiteral("-")
                                                 : QString::number(review.p95Seconds, 'f', 2))
                      .arg(review.metrics.size());
        },
        progress);
    runStep(
        report, 1, 3, tasks.at(1),
        [&](StepResult &step, const ProgressFn &) {
            const SecurityAudit audit = auditSecurity(m_database, m_settings.security);
            step.data = audit.toJson();
            step.markdown = audit.markdown();
            step.findings = audit.findings;
            step.summary = QStringLiteral("%1 finding(s).").arg(audit.findings.size());
        },
        progress);
    runStep(
        report, 2, 3, tasks.at(2),
        [&](StepResult &step, const ProgressFn &) {
            OperationsReport operations
                = buildOperationsReport(m_database, m_settings.dataDir, m_settings.databaseUrl);
            writeOperationsReport(operations, m_settings.dataDir);
            step.data = QJsonObject { { QStringLiteral("markdown_path"), operations.markdownPath },
                                      { QStringLiteral("json_path"), operations.jsonPath },
                                      { QStringLiteral("report"), operations.data } };
            step.summary = QStringLiteral("wrote %1.").arg(operations.markdownPath);
            step.markdown << QStringLiteral("Refreshed %1 and %2.")
                                 .arg(operations.markdownPath, operations.jsonPath);
        },
        progress);
}

void MaintenanceRunner::writeReportFiles(MaintenanceReport &report) const
{
    const QString dir = paths::ensureDir(m_settings.dataDir + QStringLiteral("/reports"));
    const QString stem
        = QStringLiteral("%1/maintenance-%2-%3-%4")
              .arg(dir, maintenanceKindName(report.kind),
                   report.startedAt.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss")))
              .arg(report.runId);
    report.markdownPath = stem + QStringLiteral(".md");
    report.jsonPath = stem + QStringLiteral(".json");
    if (!paths::writeFileAtomically(report.markdownPath, report.toMarkdown().toUtf8() + '\n')
        || !paths::writeFileAtomically(
            report.jsonPath, QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented)))
        throw Error(Error::Kind::Internal, QStringLiteral("cannot write %1").arg(stem));
}

void MaintenanceRunner::recordAudit(const MaintenanceReport &report,
                                    const MaintenanceRequest &request) const
{
    const QJsonObject counts = report.findingCounts();
    QJsonArray steps;
    for (const StepResult &step : report.steps)
        steps.append(QJsonObject { { QStringLiteral("name"), step.name },
                                   { QStringLiteral("status"), step.status },
                                   { QStringLiteral("summary"), step.summary } });
    db::AuditEntry entry;
    entry.eventType = QStringLiteral("maintenance.completed");
    entry.severity = report.status == QLatin1String("completed")
            && counts.value(QStringLiteral("critical")).toInt()
                    + counts.value(QStringLiteral("high")).toInt()
                == 0
        ? QStringLiteral("info")
        : QStringLiteral("warning");
    entry.resourceType = QStringLiteral("maintenance_run");
    entry.resourceId = QString::number(report.runId);
    entry.description
        = QStringLiteral("%1 maintenance %2").arg(maintenanceKindName(report.kind), report.status);
    entry.newState = QJsonObject { { QStringLiteral("type"), maintenanceKindName(report.kind) },
                                   { QStringLiteral("status"), report.status },
                                   { QStringLiteral("finding_counts"), counts },
                                   { QStringLiteral("steps"), steps },
                                   { QStringLiteral("report"), report.markdownPath } };
    entry.username = request.triggeredBy;
    entry.ipAddress = request.address;
    try {
        db::AuditRepository(m_database).append(std::move(entry));
    } catch (const Error &error) {
        qCWarning(lcMaintenance, "audit entry maintenance.completed not stored: %s",
                  qPrintable(error.message()));
    }
}

} // namespace tf::ops
