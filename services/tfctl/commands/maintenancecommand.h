#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl maintenance run --type weekly|monthly|quarterly [--json]   one window's tasks now
// tfctl maintenance next [--now 2025-07-14T12:00:00] [--json]       when each window runs next
// tfctl maintenance history [--type T] [--limit N] [--json]         the last runs
int runMaintenanceCommand(const QStringList &arguments);

} // namespace tf::tfctl
