#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl demo install [--parcels N] [--seed S] [--if-missing] [--cama-url postgresql://...]
// Generates a PACS-style legacy database (<data>/demo/pacs.db), creates the CAMA target
// schema (<data>/demo/cama.db, or a PostgreSQL database given by --cama-url), registers both
// systems and the four demo pairs.
int runDemoCommand(const QStringList &arguments);

} // namespace tf::tfctl
