#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// The maintenance windows (GET /api/maintenance "schedule", keyed by type): when, the next run
// (next_run_utc, shown in the console's chosen time zone) and the last run's status.
class MaintenanceWindowsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MaintenanceWindowsModel)

public:
    enum Column { TypeColumn, WhenColumn, NextRunColumn, LastRunColumn, TasksColumn, ColumnCount };

    explicit MaintenanceWindowsModel(QObject *parent = nullptr);

    void applySchedule(const QJsonArray &schedule)
    {
        applyItemsKeyedBy(schedule, QStringLiteral("type"));
    }
};

// Maintenance runs (GET /api/maintenance/runs items), newest first by id: type, status, who,
// started, duration and the findings counted by severity.
class MaintenanceRunsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MaintenanceRunsModel)

public:
    enum Column {
        IdColumn,
        TypeColumn,
        StatusColumn,
        TriggeredByColumn,
        StartedColumn,
        DurationColumn,
        FindingsColumn,
        ColumnCount
    };

    explicit MaintenanceRunsModel(QObject *parent = nullptr);
};

} // namespace tf::console
