#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl tune optimize-db [--json]                   measure, VACUUM/ANALYZE/REINDEX, measure again
// tfctl tune optimize-api [--endpoint URL] [--duration S] [--token T] [--dry-run]
// tfctl tune optimize-sync [--pair P] [--batch-sizes 500,1000,...] [--trial-seconds S] [--dry-run]
// tfctl tune optimize-all                           the three above
// tfctl tune test --endpoint URL [--concurrency N] [--duration S] [--token T] [--json]
int runTuneCommand(const QStringList &arguments);

} // namespace tf::tfctl
