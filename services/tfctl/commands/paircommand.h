#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl pair list                          stored pairs
// tfctl pair add <file.json|->             validate and store a sync pair definition
// tfctl pair show <id|name> [--json]       the stored pair and its definition
// tfctl pair edit <id|name> <file.json|->  replace its definition (validated like add)
// tfctl pair remove <id|name>              refused while an operation of it runs
// tfctl pair enable|disable <id|name>      turn its schedule on or off
// tfctl pair test <id|name> [--json]       connect to both systems, describe the entities
// Changes go through sync::PairStore, like the API's, and are audited like the API's.
int runPairCommand(const QStringList &arguments);

} // namespace tf::tfctl
