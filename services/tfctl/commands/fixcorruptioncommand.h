#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl fix-corruption <entity_type> [--validation SCRIPT] [--dry-run] [--json]
// (disaster_recovery.py fix-corruption). Exit code 0 when everything found was repaired or
// set aside (and SCRIPT, if given, exited 0); 1 when something is left for a person or the
// script refused the result (the changes are then undone); 2 for bad usage.
int runFixCorruptionCommand(const QStringList &arguments);

} // namespace tf::tfctl
