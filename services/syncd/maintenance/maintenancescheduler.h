#pragma once

#include "common/servicecontext.h"
#include "ops/maintenancerunner.h"
#include "syncd/workers/periodictask.h"

#include <QDateTime>
#include <QSet>
#include <chrono>

namespace tf {
class DatabaseState;
namespace db {
class Database;
}
} // namespace tf

namespace tf::syncd {

// The runbook's maintenance windows run inside tf-syncd (seed section 4.2): weekly on Sundays
// at 01:00, monthly on the 1st at 02:00, quarterly on the 15th of Jan, Apr, Jul and Oct at
// 03:00, in the node's local time zone (the same reading as the pairs' cron schedules).
//
// Each window fires once however many nodes share the database: the run's row in
// maintenance_runs carries its slot (scheduled_for), and a unique index lets only the first
// node's insert through; the others see the slot taken and do nothing. A window that fell
// while this node was down is made up at start when it is less than catch_up_hours old and
// the installation has run maintenance before (a fresh database does not start its life
// with a backup and a VACUUM). The run happens on this task's own thread.
//
// [maintenance] enabled (true), check_interval_ms (60000), catch_up_hours (12).
class MaintenanceScheduler final
{
    Q_DISABLE_COPY_MOVE(MaintenanceScheduler)
public:
    struct Settings
    {
        bool enabled = true;
        std::chrono::milliseconds interval { 60000 };
        int catchUpHours = 12;
        // Throws tf::Error(Validation) naming a bad key.
        static Settings fromConfig(const Config &config);
    };

    MaintenanceScheduler(const DatabaseState &database, const ServiceContext &context,
                         Settings settings);
    ~MaintenanceScheduler();

    void start();
    void stop();
    bool enabled() const { return m_settings.enabled; }

    // One pass at `now` (local time): runs each window that is due and not yet claimed;
    // returns the ids of the runs this node executed. Public for tests.
    QList<qint64> tick(db::Database &control, const QDateTime &now);

private:
    void tickIfOpen();
    bool hasEarlierRuns(db::Database &control, const QDateTime &before) const;

    const DatabaseState &m_database;
    ops::MaintenanceSettings m_maintenance;
    Settings m_settings;
    QDateTime m_startedAt;
    QSet<QString> m_reported; // "<type>@<slot>" missed windows already logged
    PeriodicTask m_task;
};

} // namespace tf::syncd
