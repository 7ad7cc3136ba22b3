#pragma once

#include "maintenancereport.h"

#include <QString>

namespace tf::db {
class Database;
}

namespace tf::ops {

// The smaller maintenance tasks, each filling a StepResult (data, Markdown, findings).

// Weekly ("update packages"): the installed programs beside this one, their versions
// against this binary's, then the schema: pending migrations applied.
void checkBinaries(StepResult &step, const QString &binDir);
void applyPendingMigrations(StepResult &step, db::Database &database);

// Monthly: free space where the data, the backups and the logs live, and how much each of
// those folders takes; usage above diskPercent is a finding (seed threshold 85%).
void checkDiskSpace(StepResult &step, const QString &dataDir, double diskPercent,
                    qint64 databaseBytes);

} // namespace tf::ops
