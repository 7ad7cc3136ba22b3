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

private:
    const Collection &collection(const QString &entity);
    QUrl itemsUrl(const QString &entity, int limit) const;
    // Every feature of the collection as full rows, page by page, checked as described above.
    void scan(const Collection &c, const std::function<bool(const QList<Row> &)> &pages);

    gis::HttpClient m_client;
    QHash<QString, std::shared_ptr<Collection>> m_collections;
};

} // namespace tf::sync
