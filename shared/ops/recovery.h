#pragma once

#include "backupmanager.h"
#include "healthcheck.h"
#include "servicecontrol.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace tf::ops {

// Appends one event to <data>/recovery_scripts/recovery.log (JSON lines, as the runbook's
// disaster_recovery.py kept it) and logs "RECOVERY: <type> - <description> - <status>".
void logRecoveryEvent(const QString &dataDir, const QString &type, const QString &description,
                      const QString &status, const QJsonObject &details = {});

struct RecoverOptions
{
    QString dataDir;
    QString databaseUrl;
    QString backup;            // name or path; empty: the newest verified backup
    bool startServices = true; // false: restore and migrate only (--no-start)
    bool safetyBackup = true;  // back up what is there first (skipped when there is nothing)
};

struct RecoverStep
{
    int number = 0;
    QString name;     // "select backup", "stop services", "restore", "migrate", "start services", "verify health"
    QString status;   // "running", "done", "skipped", "failed"
    QString detail;
    qint64 elapsedMs = 0;
    QJsonObject toJson() const;
};

struct RecoverResult
{
    bool ok = false;
    QList<RecoverStep> steps;
    BackupInfo backup;
    QString safetyBackup;
    int schemaVersion = 0;
    HealthReport health;
    QString error;
    bool badInput = false; // the backup the operator named does not exist or is not a backup
    QJsonObject toJson() const;
};

// `tfctl recover [--backup FILE]`: select and verify the backup (before anything is touched),
// stop the services, restore, migrate, start them the way they ran, verify health. Each step
// is reported as it starts and ends. When a step after the stop fails, the services are
// started again as they were (best effort) and the failure is returned.
class DisasterRecovery final
{
public:
    using StepReport = std::function<void(const RecoverStep &step)>;

    DisasterRecovery(ServiceControl &services, HealthCheck::Targets targets, RecoverOptions options);

    static constexpr int kSteps = 6;
    RecoverResult recover(const StepReport &report, const ProgressFn &progress = {});

private:
    ServiceControl &m_services;
    HealthCheck::Targets m_targets;
    RecoverOptions m_options;
};

} // namespace tf::ops
