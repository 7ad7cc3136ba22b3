#pragma once

#include "common/router.h"

#include <QDateTime>
#include <QJsonArray>
#include <QString>

namespace tf::gateway {

// The GIS demo's parcel layer (`tfctl demo install --gis`, docs/demo-gis.md) as a small
// read-only OGC API - Features service (Part 1: Core, GeoJSON), so the demo's `ogcapi`
// system has a server to read without MapServer or GeoServer. A demo route, not part of the
// product API (not in resources/openapi.yaml): registered only when <data>/demo/
// gis-parcels.geojson exists when the gateway starts, and behind the gateway's
// authentication like every other route (the demo's system carries an API token).
//   GET /demo/ogcapi                                  landing page
//   GET /demo/ogcapi/conformance
//   GET /demo/ogcapi/collections
//   GET /demo/ogcapi/collections/<id>                 only "parcels"
//   GET /demo/ogcapi/collections/<id>/items?f=json&limit=1..10000 (100)&offset=0..
// Items pages carry numberMatched, numberReturned and a `next` link while features remain.
// A bad limit, offset or f is a 400 problem naming the parameter.
class DemoOgcapiController final
{
public:
    explicit DemoOgcapiController(QString dataDir);

    static QString layerPath(const QString &dataDir);
    static bool layerInstalled(const QString &dataDir);
    void registerRoutes(http::Router &router);

    static constexpr int kDefaultLimit = 100;
    static constexpr int kMaxLimit = 10000;

private:
    http::ApiResponse landing(const http::ApiRequest &request) const;
    http::ApiResponse conformance(const http::ApiRequest &request) const;
    http::ApiResponse collections(const http::ApiRequest &request);
    http::ApiResponse collection(const http::ApiRequest &request);
    http::ApiResponse items(const http::ApiRequest &request);
    // The features of the layer file, read again when the file changes.
    const QJsonArray &features();
    QJsonObject collectionJson();

    QString m_path;
    QJsonArray m_features;
    QDateTime m_loadedModified;
    qint64 m_loadedSize = -1;
};

} // namespace tf::gateway
