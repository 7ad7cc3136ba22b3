#pragma once

#include "pacsdemogenerator.h"

#include <QJsonObject>
#include <QStringList>

namespace tf::sync {

// The parcel layer of the GIS demo (`tfctl demo install --gis`): a GeoJSON FeatureCollection
// of square parcel polygons (CRS84) laid on a grid east of Kennewick, WA, numbered like the
// PACS demo of the same options (the same generator and seed), with a few parcels on one side
// only, on purpose:
// - gisOnly: parcels the GIS has and PACS never had (numbers past the PACS county's);
// - pacsOnly: PACS parcels the GIS layer leaves out;
// - pacsQuarantined: PACS parcels whose property row is broken on purpose (the demo's
//   property pair quarantines it), present in the GIS: in CAMA they look GIS-only until the
//   quarantined row is fixed and replayed.
// Each feature: id (1..N, the OBJECTID), properties parcel_number (text) and gis_acres (the
// PACS acreage as a double; 0.25 where the PACS value is broken), geometry a Polygon of that
// area. Deterministic: the same options always give the same bytes.
struct GisDemoLayer
{
    QJsonObject collection; // the FeatureCollection
    QStringList gisOnly;
    QStringList pacsOnly;
    QStringList pacsQuarantined;

    static GisDemoLayer generate(const PacsDemoGenerator::Options &options);
    // What a test or `tfctl demo report` needs to know besides the features.
    QJsonObject summaryJson() const;

    static constexpr const char *kLayerFile = "gis-parcels.geojson"; // in <data>/demo
    static constexpr const char *kSummaryFile = "gis-summary.json";
};

} // namespace tf::sync
