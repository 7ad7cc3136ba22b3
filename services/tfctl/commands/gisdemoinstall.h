#pragma once

#include "sync/demo/pacsdemogenerator.h"

#include <QElapsedTimer>
#include <QString>

namespace tf::sync {
class SystemRegistry;
}

namespace tf::tfctl {

class ToolContext;

// The --gis part of `tfctl demo install` (docs/demo-gis.md): writes the parcel layer
// (<data>/demo/gis-parcels.geojson, sync::GisDemoLayer, and gis-summary.json beside it) that
// tf-gateway serves at /demo/ogcapi, adds gis_parcels and the parcel_gis_mismatch view to the
// CAMA database, issues a viewer API token for the demo's system, registers an `ogcapi`
// system "GIS parcels (demo)" holding it, and the pair "GIS parcels to CAMA" (hash mode).
struct GisDemoInstall
{
    sync::PacsDemoGenerator::Options options; // those of the PACS demo beside it
    QString gisUrl; // the landing page, http://127.0.0.1:<gateway port>/demo/ogcapi
    QString camaUrl; // sqlite://<path> or postgresql://...
    qint64 camaSystem = 0;

    static const QString kSystemName;
    void run(ToolContext &context, sync::SystemRegistry &systems, const QElapsedTimer &clock) const;
};

// The CAMA database URL of the installed demo's CAMA system (for adding the GIS part later).
QString camaUrlOf(sync::SystemRegistry &systems, qint64 camaSystem);
// The landing page the demo's ogcapi system reads: --gis-url, else the gateway's configured
// port on 127.0.0.1 (5000).
QString defaultGisUrl(const ToolContext &context);

} // namespace tf::tfctl
