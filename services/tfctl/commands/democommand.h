#pragma once

#include <QStringList>

namespace tf::tfctl {

// tfctl demo install [--parcels N] [--seed S] [--if-missing] [--cama-url postgresql://...] [--gis [--gis-url URL]]
// Generates a PACS-style legacy database (<data>/demo/pacs.db), creates the CAMA target
// schema (<data>/demo/cama.db, or a PostgreSQL database given by --cama-url), registers both
// systems and the four demo pairs. --gis adds the GIS demo (gisdemoinstall.h): a parcel layer
// tf-gateway serves at /demo/ogcapi, an ogcapi system and the pair "GIS parcels to CAMA".
// tfctl demo report [--limit N] [--json]: the parcels on one side only (demoreport.h).
int runDemoCommand(const QStringList &arguments);

} // namespace tf::tfctl
