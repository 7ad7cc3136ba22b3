#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl audit verify [--json]
//     Walks the hash chain; exit 0 intact, 1 broken (naming the first broken entry).
// tfctl audit export [--from T] [--to T] [--event-type E] [--severity S] [--user U] [--output FILE]
//     CSV (RFC 4180, every field), oldest first; FILE is written whole or not at all.
// tfctl audit purge --older-than DAYS
//     The retention job: removes entries older than DAYS days, keeping the chain verifiable.
// Each prints a progress line at most every 250 ms.
int runAuditCommand(const QStringList &arguments);

} // namespace tf::tfctl
