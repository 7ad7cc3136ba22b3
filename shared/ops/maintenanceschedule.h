#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tf::ops {

// The runbook's maintenance windows (seed section 4.2), read in the node's local time like
// the pairs' schedules:
//   weekly     Sundays at 01:00                        "0 1 * * SUN"
//   monthly    the 1st of each month at 02:00          "0 2 1 * *"
//   quarterly  the 15th of Jan, Apr, Jul, Oct at 03:00 "0 3 15 JAN,APR,JUL,OCT *"
enum class MaintenanceKind { Weekly, Monthly, Quarterly };

QString maintenanceKindName(MaintenanceKind kind); // "weekly", "monthly", "quarterly"
// Throws tf::Error(Validation) naming the accepted values, with details {"field": field}.
MaintenanceKind parseMaintenanceKind(const QString &name,
                                     const QString &field = QStringLiteral("type"));
QList<MaintenanceKind> allMaintenanceKinds();
QStringList maintenanceKindNames();

struct MaintenanceWindow
{
    MaintenanceKind kind = MaintenanceKind::Weekly;
    QString cron; // five-field cron expression (local time)
    QString when; // "Sundays at 01:00"
    QStringList tasks; // what a run does, in order
};

MaintenanceWindow maintenanceWindow(MaintenanceKind kind);

// The first window strictly after `after`, in after's time spec (local time for the
// services); invalid never (every window matches within a year).
QDateTime nextMaintenance(MaintenanceKind kind, const QDateTime &after);
// The latest window at or before `at` (the slot a run due now belongs to).
QDateTime previousMaintenance(MaintenanceKind kind, const QDateTime &at);

// "2025-07-15T03:00:00+02:00": the time with its UTC offset (local times are ambiguous alone).
QString isoWithOffset(const QDateTime &time);

// {"type", "cron", "when", "tasks", "next_run"} for one window, next after `now`.
QJsonObject maintenanceWindowJson(MaintenanceKind kind, const QDateTime &now);

} // namespace tf::ops
