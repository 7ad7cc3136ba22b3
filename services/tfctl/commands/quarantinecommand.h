#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl quarantine list <pair> [--status open|replayed|discarded|all] [--json]
// tfctl quarantine show <id>
// tfctl quarantine edit <id> <field>=<value> [...]   (value "null" sets NULL)
// tfctl quarantine replay <id> [...] | --pair <pair>  (all open entries of the pair)
// tfctl quarantine discard <id> [...]
int runQuarantineCommand(const QStringList &arguments);

} // namespace tf::tfctl
