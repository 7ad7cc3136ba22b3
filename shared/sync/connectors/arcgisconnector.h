#pragma once

#include "gishttpclient.h"
#include "sync/connector.h"

#include <QHash>

namespace tf::sync {

// An ArcGIS REST FeatureServer (or MapServer) as a source (kind "arcgis"; a source only).
// settings: "url" (the service, e.g. https://host/arcgis/rest/services/Parcels/FeatureServer),
// "timeout_seconds", "max_retries", "page_size", "overlap_seconds" (see gis::HttpSettings);
// credentials: "token", sent as X-Esri-Authorization: Bearer <token>.
//
// Entities are the service's layers and tables, by name (or by id: "0"). describe() reads the
// layer's JSON: its fields become columns (OID/integers -> integer, double/single -> double,
// date -> timestamptz from epoch milliseconds, GUID/GlobalID/string -> text), the key is the
// objectIdField, and a layer with a geometryType gets a last column "geometry" (json: GeoJSON
// text, see arcgis::geoJsonText).
//
// readAll pages by resultOffset/resultRecordCount ordered by the object id when the layer
// supportsPagination, never asking for more than maxRecordCount per page and continuing while
// exceededTransferLimit is true (or, where the service does not send it, until a short page).
// Each page must continue the object id order: a page that repeats or goes back fails the read
// (a service ignoring resultOffset would otherwise repeat rows and lose others). Without
// pagination it reads returnIdsOnly, then the features in objectIds batches.
// Rows come in object id order whatever request.keyColumns says.
//
// Cursor mode works on the layer's edit-date field (editFieldsInfo.editDateField) or any
// integer or date field: readSince asks for rows at or past the checkpoint and keeps those past
// it. cursorHorizon() holds the checkpoint `overlap_seconds` (default 300) behind the present,
// so edits saved late with an older edit date are read again. Deletes in cursor mode are found
// by the pair's key reconciliation (reconcile_every), which diffs the object ids.
class ArcgisConnector final : public SourceConnector
{
public:
    // Throws tf::Error(Validation) naming the field of a bad setting.
    explicit ArcgisConnector(const SystemSettings &settings, gis::HttpClient::Sleeper sleeper = {});
    ~ArcgisConnector() override;

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    bool hashesAtSource() const override { return false; }
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) override;
    CursorHorizon cursorHorizon(const QString &entity, const QString &cursorColumn) override;
    void readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const BatchSink &sink) override;
    qint64 estimateRows(const ReadRequest &request, const QString &cursorColumn,
                        const std::optional<Checkpoint> &after) override;

    int retries() const { return m_client.retries(); }

    struct Layer; // what describe() learnt of a layer

private:
    const Layer &layer(const QString &entity);
    // Reads features with `query` (where, orderByFields... set by the caller) page by page.
    void readPaged(const Layer &layer, const ReadRequest &request, const QString &where,
                   const std::function<bool(const QList<Row> &)> &pages);
    void readByObjectIds(const Layer &layer, const ReadRequest &request, QList<qint64> ids,
                         const std::function<bool(const QList<Row> &)> &pages);
    QList<Row> rowsOf(const Layer &layer, const QJsonObject &answer, QList<qint64> *objectIds);

    gis::HttpClient m_client;
    int m_overlapSeconds = 300;
    QHash<QString, std::shared_ptr<Layer>> m_layers;
};

} // namespace tf::sync
