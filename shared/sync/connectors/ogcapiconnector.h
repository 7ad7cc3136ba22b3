#pragma once

#include "gishttpclient.h"
#include "sync/connector.h"

#include <QHash>

namespace tf::sync {

// An OGC API - Features service as a source (kind "ogcapi"; a source only).
// settings: "url" (the landing page, e.g. https://host/cgi-bin/mapserv/parcels/ogcapi),
// "timeout_seconds", "max_retries", "page_size" (the `limit` asked for, default 1000) (see
// gis::HttpSettings); credentials: "token", sent as Authorization: Bearer <token>.
//
// Entities are the collections by id. OGC API Features has no schema a client can rely on,
// so describe() reads the first page: the columns are "id" (the feature id: integer when every
// id of the page is one, else text), then the properties in order of first appearance, typed
// from their JSON values (integers -> integer, other numbers -> double, true/false -> boolean,
// strings -> text, objects and arrays -> json), and "geometry" (json: the GeoJSON text as the
// service sent it, re-serialised compactly). A later value that does not fit its column is an
// unreadable value (the row is quarantined naming the column), never altered.
//
// Reads follow the `next` links from the first items page, never computing offsets: servers
// differ in how they page. A feature id seen on an earlier page fails the read (a server whose
// `next` link advances while it ignores the offset, as MapServer 8.0 does on GeoPackage layers,
// would otherwise repeat rows and silently lose others), and so does a total that differs from
// the first page's numberMatched. Rows come in the service's order; readByKeys and readSince
// scan the collection (cursor mode keeps and sorts only the rows past the checkpoint).
//
// "protocol": "wfs" reads a WFS 2.0 service instead ("url" is then the service endpoint, e.g.
// https://host/cgi-bin/mapserv, and "wfs_parameters" extra query items such as {"map":
// "parcels"}: the url itself may not hold a query). GetCapabilities must offer result paging and a
// GeoJSON GetFeature outputFormat (GML is not read); pages are GetFeature STARTINDEX/COUNT
// (COUNT: page_size, at most CountDefault), sorted by "id_property" (required: the property
// that identifies a feature, read as the "id" column) when the server implements sorting, and
// the total comes from a RESULTTYPE=hits request. The same checks as above apply: a repeated
// id, or a total different from numberMatched, fails the read.
class OgcapiConnector final : public SourceConnector
{
public:
    // Throws tf::Error(Validation) naming the field of a bad setting.
    explicit OgcapiConnector(const SystemSettings &settings, gis::HttpClient::Sleeper sleeper = {});
    ~OgcapiConnector() override;

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    bool hashesAtSource() const override { return false; }
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) override;
    void readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const BatchSink &sink) override;
    qint64 estimateRows(const ReadRequest &request, const QString &cursorColumn,
                        const std::optional<Checkpoint> &after) override;

    struct Collection;
    struct WfsPlan;

    // Problems with the ogcapi-only settings ("protocol", "id_property", "wfs_parameters") as (field, message).
    static QList<QPair<QString, QString>> settingsProblems(const QJsonObject &settings);

private:
    const Collection &collection(const QString &entity);
    QUrl itemsUrl(const QString &entity, int limit) const;
    // WFS: the capabilities (read once) and a GetFeature URL of one page.
    const WfsPlan &wfsPlan();
    QUrl wfsPageUrl(const QString &typeName, qint64 start, int count);
    // The first page of the collection as a FeatureCollection object.
    QJsonObject firstPage(const QString &entity, int limit);
    int pageLimit(); // features asked per page (WFS: at most CountDefault)
    // Every feature of the collection as full rows, page by page, checked as described above.
    void scan(const Collection &c, const std::function<bool(const QList<Row> &)> &pages);

    gis::HttpClient m_client;
    bool m_wfs = false;
    QString m_idProperty; // wfs: the property that is the feature id
    QJsonObject m_wfsParameters; // wfs: extra query items (e.g. MapServer's map)
    std::shared_ptr<WfsPlan> m_wfsPlan;
    QHash<QString, std::shared_ptr<Collection>> m_collections;
};

} // namespace tf::sync
