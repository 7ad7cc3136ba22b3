#pragma once

#include <QJsonObject>
#include <QString>

namespace tf::sync::arcgis {

// An Esri JSON geometry ({"x","y"}, {"points"}, {"paths"}, {"rings"}, with optional z/m) as
// GeoJSON text (RFC 7946 member names, compact). Coordinates are carried exactly (a double
// is written in its shortest form that reads back as the same double); positions keep every
// value the service sent, in order (x, y, then z and m when present). Rings keep the order and orientation the service sent;
// each clockwise (Esri outer) ring starts a polygon and each counter-clockwise ring is a hole
// of the outer ring that contains its first vertex (or of the last outer ring when none does).
// An empty geometry ({} or NaN x) is a null. Throws tf::Error(Validation) for a geometry of
// none of these shapes.
QString geoJsonText(const QJsonObject &esriGeometry);

} // namespace tf::sync::arcgis
