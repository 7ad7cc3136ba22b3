#pragma once

#include <QStringList>

namespace tf::tfctl {

// The runbook's three commands (seed section 3.4, backup_utilities.py):
// tfctl backup [--label L] [--keep N] [--max-age-days D]   back up the control database
// tfctl list [--json]                                      the backups, newest first, verified
// tfctl restore <name|file> [--yes] [--allow-external] [--no-safety-backup]
int runBackupCommand(const QStringList &arguments);
int runListCommand(const QStringList &arguments);
int runRestoreCommand(const QStringList &arguments);

} // namespace tf::tfctl
