#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl user list [--json] | add <name> --role R | set-role <name> <role>
//          | disable <name> | enable <name> | reset-password <name>
// Users of the gateway, managed on the control database directly: the way back in when every
// administrator password is lost. Needs root or the account that owns the data directory
// (the service account). A new or reset password is random, printed once, and must be
// changed at the next sign-in (or read from --password-file). Every change is audited; the
// last enabled administrator cannot be disabled or demoted.
int runUserCommand(const QStringList &arguments);

} // namespace tf::tfctl
