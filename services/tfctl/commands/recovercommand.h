#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl recover [--backup FILE] [--no-start] [--no-safety-backup] [--timeout SECONDS] [--json]
// (disaster_recovery.py recover): select and verify the backup, stop the services, restore,
// migrate, start them again, verify health; each step reported as it happens.
int runRecoverCommand(const QStringList &arguments);

} // namespace tf::tfctl
