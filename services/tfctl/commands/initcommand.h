#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl init [--if-missing] [--data-dir DIR] [--database URL]
// Creates a new platform where the configuration points: the data directory (0700), the
// control database (migrated to this version's schema) and secret.key (0600), the key that
// encrypts the systems' credentials. The only tfctl command that creates them. An existing
// platform is left alone: exit 2, or 0 with --if-missing.
int runInitCommand(const QStringList &arguments);

} // namespace tf::tfctl
