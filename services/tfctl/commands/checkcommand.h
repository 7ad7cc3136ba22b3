#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl check [--json] [--gateway-url URL] [--sync-url URL] [--timeout SECONDS]
// (service_recovery.py check): gateway, syncd and database in a table; exit code 0 healthy,
// 1 degraded, 2 down.
int runCheckCommand(const QStringList &arguments);

} // namespace tf::tfctl
