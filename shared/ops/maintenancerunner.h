#pragma once

#include "maintenancereport.h"
#include "performancereview.h"
#include "securityaudit.h"

#include <QDateTime>
#include <QString>
#include <functional>

namespace tf {
class Config;
}
namespace tf::db {
class Database;
}

namespace tf::ops {

using ProgressFn = std::function<void(double fraction, const QString &message)>;

// What a maintenance run needs to know of its installation ([maintenance] keys beside the
// common ones).
struct MaintenanceSettings
{
    QString dataDir;
    QString databaseUrl;
    QString binDir; // where tf-gateway, tf-syncd and tfctl are installed
    QString nodeId;
    int logRetentionDays = 7; // logging/retention_days
    int backupKeep = 8; // maintenance/backup_keep: weekly backups kept (newest)
    int backupMaxAgeDays = 0; // maintenance/backup_max_age_days (0: no age limit)
    int reviewDays = 90; // maintenance/review_days: the performance review's period
    ReviewThresholds thresholds; // [alerts]
    SecurityAuditInputs security;

    // Throws tf::Error(Validation) naming a bad key.
    static MaintenanceSettings fromConfig(const Config &config, const QString &dataDir,
                                          const QString &databaseUrl, const QString &nodeId);
};

struct MaintenanceRequest
{
    MaintenanceKind kind = MaintenanceKind::Weekly;
    QString triggeredBy; // "tfctl:<user>", "schedule", an API user
    QString address; // the caller's address for the audit trail ("" for local)
    QDateTime scheduledFor; // the schedule slot; invalid for runs started by hand
};

// Runs one maintenance window's tasks (maintenanceWindow(kind).tasks), each measured and
// reported even when another fails; writes the report to maintenance_runs, to
// <data>/reports/maintenance-<type>-<time>-<id>.md and .json, and to the audit trail
// (event "maintenance.completed").
class MaintenanceRunner final
{
    Q_DISABLE_COPY_MOVE(MaintenanceRunner)
public:
    MaintenanceRunner(db::Database &database, MaintenanceSettings settings);

    // Claims the run (see MaintenanceRunStore::begin: Conflict when one of the kind runs or
    // the slot is taken) and returns its id.
    qint64 claim(const MaintenanceRequest &request);
    // Executes a claimed run. Never throws for a failing task (it is in the report).
    MaintenanceReport execute(qint64 runId, const MaintenanceRequest &request,
                              const ProgressFn &progress = {});
    // claim() + execute().
    MaintenanceReport run(const MaintenanceRequest &request, const ProgressFn &progress = {});

private:
    void runStep(MaintenanceReport &report, int index, int count, const QString &name,
                 const std::function<void(StepResult &, const ProgressFn &)> &body,
                 const ProgressFn &progress);
    void weekly(MaintenanceReport &report, const ProgressFn &progress);
    void monthly(MaintenanceReport &report, const ProgressFn &progress);
    void quarterly(MaintenanceReport &report, const ProgressFn &progress);
    void writeReportFiles(MaintenanceReport &report) const;
    void recordAudit(const MaintenanceReport &report, const MaintenanceRequest &request) const;

    db::Database &m_database;
    MaintenanceSettings m_settings;
};

} // namespace tf::ops
