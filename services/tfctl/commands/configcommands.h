#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl system add <file.json|->    register an external system (credentials are encrypted)
// tfctl system list                 systems, never their credentials
int runSystemCommand(const QStringList &arguments);

// tfctl pair add <file.json|->      validate and store a sync pair definition
int runPairCommand(const QStringList &arguments);

} // namespace tf::tfctl
