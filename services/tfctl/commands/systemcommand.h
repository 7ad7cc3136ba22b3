#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl system list                         systems, never their credentials
// tfctl system add <file.json|->            register an external system (credentials encrypted)
// tfctl system show <id|name> [--json]      one system; credentials are never shown
// tfctl system edit <id|name> <file.json|-> replace its definition (credentials kept unless given)
// tfctl system remove <id|name>             refused (exit 2) while a sync pair uses it
// tfctl system test <id|name> [--json]      connect and list its entities: OK or the reason
// Every change is audited like the API's (system.created/updated/deleted).
int runSystemCommand(const QStringList &arguments);

} // namespace tf::tfctl
