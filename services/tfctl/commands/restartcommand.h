#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl restart-api | restart-sync | restart-all [--timeout SECONDS] [--json]
// (service_recovery.py): through systemd when a unit runs the service, through the gateway's
// supervisor for the tf-syncd it supervises, else through the pid files; each waits until
// the service is healthy again or says why not (exit 1).
int runRestartCommand(const QStringList &arguments);

} // namespace tf::tfctl
