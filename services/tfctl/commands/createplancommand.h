#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl create-plan <service_outage|data_corruption|complete_failure> [--components LIST] [--json]
// (disaster_recovery.py create-plan): a Markdown runbook and an executable script of its
// tfctl steps in <data>/recovery_scripts/.
int runCreatePlanCommand(const QStringList &arguments);

} // namespace tf::tfctl
