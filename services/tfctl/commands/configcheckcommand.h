#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl config check [FILE]: validates an INI file as the services would read it (every key
// known, with the line of the first unknown one), or the file tfctl itself would use.
int runConfigCommand(const QStringList &arguments);

} // namespace tf::tfctl
