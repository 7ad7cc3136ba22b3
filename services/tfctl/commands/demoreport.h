#pragma once

namespace tf {
class CommandLine;
}

namespace tf::tfctl {

// tfctl demo report [--limit N] [--json]: the parcels that exist in only one of the two
// systems of the GIS demo, read from the CAMA database's parcel_gis_mismatch view (so after
// the PACS property pair and the GIS pair have run): counts per side and the first N parcel
// numbers of each, GIS-only ones marked when their PACS property row is held in quarantine
// (the demo breaks a few on purpose; <data>/demo/gis-summary.json names them).
int runDemoReport(const CommandLine &commandLine);

} // namespace tf::tfctl
