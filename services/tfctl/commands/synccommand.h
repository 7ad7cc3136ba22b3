#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl sync run <pair> [--dry-run] [--full] [--json]   run one pair now, with progress lines
// tfctl sync list                                        the configured pairs
int runSyncCommand(const QStringList &arguments);

} // namespace tf::tfctl
