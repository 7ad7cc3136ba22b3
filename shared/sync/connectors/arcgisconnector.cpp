#include "arcgisconnector.h"

#include "arcgisgeometry.h"
#include "core/errors.h"
#include "gisrows.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace tf::sync {

using gis::Emitter;
using gis::jsonText;

namespace {

constexpr qint64 kMicros1970To2000 = 946684800000000LL;
constexpr int kIdBatch = 200; // objectIds per request: keeps the URL short
const QString kGeometry = QStringLiteral("geometry");

enum class FieldKind { Integer, Double, Text, Date, Json, Skip };

FieldKind fieldKind(const QString &esriType)
{
    static const QHash<QString, FieldKind> kinds {
        { QStringLiteral("esriFieldTypeOID"), FieldKind::Integer },
        { QStringLiteral("esriFieldTypeInteger"), FieldKind::Integer },
        { QStringLiteral("esriFieldTypeSmallInteger"), FieldKind::Integer },
        { QStringLiteral("esriFieldTypeBigInteger"), FieldKind::Integer },
        { QStringLiteral("esriFieldTypeDouble"), FieldKind::Double },
        { QStringLiteral("esriFieldTypeSingle"), FieldKind::Double },
        { QStringLiteral("esriFieldTypeString"), FieldKind::Text },
        { QStringLiteral("esriFieldTypeGUID"), FieldKind::Text },
        { QStringLiteral("esriFieldTypeGlobalID"), FieldKind::Text },
        { QStringLiteral("esriFieldTypeDate"), FieldKind::Date },
        { QStringLiteral("esriFieldTypeGeometry"), FieldKind::Skip }, // the feature's geometry column instead
    };
    return kinds.value(esriType, FieldKind::Json); // blobs, XML, raster...: their JSON, exactly
}

ValueType valueTypeOf(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Integer: return ValueType::Integer;
    case FieldKind::Double: return ValueType::Double;
    case FieldKind::Date: return ValueType::TimestampTz;
    case FieldKind::Json: return ValueType::Json;
    default: return ValueType::Text;
    }
}

QVariant convert(const QJsonValue &value, FieldKind kind)
{
    if (value.isNull() || value.isUndefined())
        return {};
    if (kind != FieldKind::Json) {
        if (const auto zero = gis::negativeZero(value, kind == FieldKind::Double))
            return *zero;
    }
    switch (kind) {
    case FieldKind::Integer:
    case FieldKind::Date: {
        const qint64 number = value.toInteger(std::numeric_limits<qint64>::min());
        if (!value.isDouble() || number == std::numeric_limits<qint64>::min()) {
            return unreadableValue(jsonText(value), kind == FieldKind::Date
                                                        ? QStringLiteral("%1 is not a date in epoch milliseconds").arg(jsonText(value))
                                                        : QStringLiteral("%1 is not an integer").arg(jsonText(value)));
        }
        if (kind == FieldKind::Integer)
            return number;
        return QVariant::fromValue(TimeValue::fromMicros(TimeValue::Kind::TimestampTz, number * 1000 - kMicros1970To2000));
    }
    case FieldKind::Double:
        if (!value.isDouble())
            return unreadableValue(jsonText(value), QStringLiteral("%1 is not a number").arg(jsonText(value)));
        return value.toDouble();
    case FieldKind::Text:
        if (!value.isString())
            return unreadableValue(jsonText(value), QStringLiteral("%1 is not a string").arg(jsonText(value)));
        return value.toString();
    default:
        return jsonText(value);
    }
}

Error badService(const QString &message, const QString &entity)
{
    return Error(Error::Kind::Validation, message, QJsonObject { { QStringLiteral("entity"), entity } });
}

} // namespace

struct ArcgisConnector::Layer
{
    QString entity;
    int id = 0;
    Schema schema;
    QList<FieldKind> kinds; // per schema column, geometry excluded
    QString objectIdField;
    int objectIdIndex = -1;
    int maxRecordCount = 0;
    bool supportsPagination = false;
    bool hasGeometry = false;
    QString editDateField;
};

ArcgisConnector::ArcgisConnector(const SystemSettings &settings, gis::HttpClient::Sleeper sleeper)
    : m_client(gis::HttpSettings::parse(settings, QByteArrayLiteral("X-Esri-Authorization")), std::move(sleeper))
{
    const QJsonValue overlap = settings.settings.value(QStringLiteral("overlap_seconds"));
    if (overlap.isDouble())
        m_overlapSeconds = overlap.toInt();
}

ArcgisConnector::~ArcgisConnector() = default;

QStringList ArcgisConnector::entities()
{
    const QJsonObject service = m_client.getJson(m_client.settings().url, QUrlQuery { { QStringLiteral("f"), QStringLiteral("json") } });
    QStringList names;
    for (const char *group : { "layers", "tables" }) {
        for (const QJsonValue &layer : service.value(QLatin1String(group)).toArray())
            names << layer.toObject().value(QStringLiteral("name")).toString();
    }
    return names;
}

const ArcgisConnector::Layer &ArcgisConnector::layer(const QString &entity)
{
    if (const auto found = m_layers.value(entity))
        return *found;
    // The entity is a layer's name, or its id.
    bool numeric = false;
    int id = entity.toInt(&numeric);
    if (!numeric || id < 0) {
        const QJsonObject service =
            m_client.getJson(m_client.settings().url, QUrlQuery { { QStringLiteral("f"), QStringLiteral("json") } });
        bool found = false;
        for (const char *group : { "layers", "tables" }) {
            for (const QJsonValue &value : service.value(QLatin1String(group)).toArray()) {
                const QJsonObject layer = value.toObject();
                if (!found && layer.value(QStringLiteral("name")).toString() == entity) {
                    id = layer.value(QStringLiteral("id")).toInt();
                    found = true;
                }
            }
        }
        if (!found) {
            throw Error(Error::Kind::NotFound, QStringLiteral("no layer or table '%1' in %2").arg(entity, m_client.settings().url.toString()),
                        QJsonObject { { QStringLiteral("entity"), entity } });
        }
    }
    const QJsonObject json = m_client.getJson(m_client.resolve(QString::number(id)),
                                              QUrlQuery { { QStringLiteral("f"), QStringLiteral("json") } });
    auto layer = std::make_shared<Layer>();
    layer->entity = entity;
    layer->id = id;
    layer->objectIdField = json.value(QStringLiteral("objectIdField")).toString();
    layer->maxRecordCount = json.value(QStringLiteral("maxRecordCount")).toInt();
    layer->supportsPagination = json.value(QStringLiteral("advancedQueryCapabilities")).toObject()
                                    .value(QStringLiteral("supportsPagination")).toBool()
                                || json.value(QStringLiteral("supportsPagination")).toBool();
    layer->editDateField = json.value(QStringLiteral("editFieldsInfo")).toObject().value(QStringLiteral("editDateField")).toString();
    QList<Column> columns;
    QString firstOid;
    for (const QJsonValue &value : json.value(QStringLiteral("fields")).toArray()) {
        const QJsonObject field = value.toObject();
        const QString type = field.value(QStringLiteral("type")).toString();
        const FieldKind kind = fieldKind(type);
        if (kind == FieldKind::Skip)
            continue;
        const QString name = field.value(QStringLiteral("name")).toString();
        if (type == QLatin1String("esriFieldTypeOID") && firstOid.isEmpty())
            firstOid = name;
        columns << Column { name, valueTypeOf(kind), field.value(QStringLiteral("nullable")).toBool(true) };
        layer->kinds << kind;
    }
    if (layer->objectIdField.isEmpty())
        layer->objectIdField = firstOid;
    layer->hasGeometry = !json.value(QStringLiteral("geometryType")).toString().isEmpty();
    if (layer->hasGeometry)
        columns << Column { kGeometry, ValueType::Json, true };
    layer->schema = Schema(columns);
    layer->objectIdIndex = layer->schema.indexOf(layer->objectIdField);
    if (columns.isEmpty() || layer->objectIdIndex < 0 || layer->kinds.value(layer->objectIdIndex) != FieldKind::Integer) {
        throw badService(QStringLiteral("layer %1 of %2 has no integer object id field: it cannot be read exactly")
                             .arg(entity, m_client.settings().url.toString()), entity);
    }
    m_layers.insert(entity, layer);
    return *layer;
}

EntityDescription ArcgisConnector::describe(const QString &entity)
{
    const Layer &l = layer(entity);
    return EntityDescription { entity, l.schema, { l.objectIdField } };
}

QList<Row> ArcgisConnector::rowsOf(const Layer &l, const QJsonObject &answer, QList<qint64> *objectIds)
{
    const QJsonValue features = answer.value(QStringLiteral("features"));
    if (!features.isArray())
        throw badService(QStringLiteral("layer %1 answered a query without \"features\"").arg(l.entity), l.entity);
    QList<Row> rows;
    rows.reserve(features.toArray().size());
    for (const QJsonValue &value : features.toArray()) {
        const QJsonObject feature = value.toObject();
        const QJsonObject attributes = feature.value(QStringLiteral("attributes")).toObject();
        Row row;
        row.reserve(l.schema.size());
        for (int i = 0; i < l.kinds.size(); ++i)
            row << convert(attributes.value(l.schema.at(i).name), l.kinds.at(i));
        if (l.hasGeometry) {
            const QJsonValue geometry = feature.value(QStringLiteral("geometry"));
            if (geometry.isNull() || geometry.isUndefined()) {
                row << QVariant();
            } else {
                try {
                    const QString text = arcgis::geoJsonText(geometry.toObject());
                    row << (text.isNull() ? QVariant() : QVariant(text));
                } catch (const Error &error) {
                    const QString text = jsonText(geometry);
                    const bool negativeZero = text != QString::fromUtf8(QJsonDocument(geometry.toObject()).toJson(QJsonDocument::Compact));
                    row << unreadableValue(text, negativeZero ? QStringLiteral("a coordinate is a negative zero, which the Esri to GeoJSON "
                                                                               "conversion cannot keep (%1)").arg(error.message())
                                                              : error.message());
                }
            }
        }
        const QVariant id = row.at(l.objectIdIndex);
        if (id.typeId() != QMetaType::LongLong) {
            throw badService(QStringLiteral("layer %1 sent a feature without a readable %2").arg(l.entity, l.objectIdField),
                             l.entity);
        }
        objectIds->append(id.toLongLong());
        rows << std::move(row);
    }
    return rows;
}

void ArcgisConnector::readPaged(const Layer &l, const ReadRequest &request, const QString &where,
                                const std::function<bool(const QList<Row> &)> &pages)
{
    Q_UNUSED(request);
    int limit = m_client.settings().pageSize > 0 ? m_client.settings().pageSize : l.maxRecordCount;
    if (l.maxRecordCount > 0)
        limit = qMin(limit, l.maxRecordCount);
    if (limit <= 0)
        limit = 1000;
    const QUrl url = m_client.resolve(QStringLiteral("%1/query").arg(l.id));
    qint64 offset = 0;
    std::optional<qint64> last;
    for (;;) {
        const QUrlQuery query { { QStringLiteral("where"), where },
                                { QStringLiteral("outFields"), QStringLiteral("*") },
                                { QStringLiteral("orderByFields"), l.objectIdField + QStringLiteral(" ASC") },
                                { QStringLiteral("resultOffset"), QString::number(offset) },
                                { QStringLiteral("resultRecordCount"), QString::number(limit) },
                                { QStringLiteral("returnGeometry"), QStringLiteral("true") },
                                { QStringLiteral("f"), QStringLiteral("json") } };
        const QJsonObject answer = m_client.getJson(url, query);
        QList<qint64> ids;
        const QList<Row> rows = rowsOf(l, answer, &ids);
        for (const qint64 id : std::as_const(ids)) {
            if (last && id <= *last) {
                throw badService(QStringLiteral("layer %1: the page at resultOffset %2 holds %3 %4 after %4 %5; the service "
                                                "does not page in object id order (offset ignored?), rows would be lost")
                                     .arg(l.entity).arg(offset).arg(l.objectIdField).arg(id).arg(*last),
                                 l.entity);
            }
            last = id;
        }
        if (!rows.isEmpty() && !pages(rows))
            return;
        offset += rows.size();
        const QJsonValue exceeded = answer.value(QStringLiteral("exceededTransferLimit"));
        if (exceeded.isBool()) {
            if (!exceeded.toBool())
                return;
            if (rows.isEmpty()) {
                throw badService(QStringLiteral("layer %1: an empty page at resultOffset %2 says more rows follow")
                                     .arg(l.entity).arg(offset),
                                 l.entity);
            }
        } else if (rows.size() < limit) {
            return;
        }
    }
}

void ArcgisConnector::readByObjectIds(const Layer &l, const ReadRequest &request, QList<qint64> ids,
                                      const std::function<bool(const QList<Row> &)> &pages)
{
    Q_UNUSED(request);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    int batch = m_client.settings().pageSize > 0 ? m_client.settings().pageSize : kIdBatch;
    batch = qMin(batch, kIdBatch);
    if (l.maxRecordCount > 0)
        batch = qMin(batch, l.maxRecordCount);
    const QUrl url = m_client.resolve(QStringLiteral("%1/query").arg(l.id));
    for (qsizetype start = 0; start < ids.size(); start += batch) {
        const QList<qint64> wanted = ids.mid(start, batch);
        QStringList texts;
        for (const qint64 id : wanted)
            texts << QString::number(id);
        const QUrlQuery query { { QStringLiteral("objectIds"), texts.join(QLatin1Char(',')) },
                                { QStringLiteral("outFields"), QStringLiteral("*") },
                                { QStringLiteral("returnGeometry"), QStringLiteral("true") },
                                { QStringLiteral("f"), QStringLiteral("json") } };
        QList<qint64> got;
        QList<Row> rows = rowsOf(l, m_client.getJson(url, query), &got);
        // A feature we did not ask for, or one sent twice, means the answer cannot be trusted.
        const QSet<qint64> asked(wanted.begin(), wanted.end());
        QSet<qint64> seen;
        for (const qint64 id : std::as_const(got)) {
            if (!asked.contains(id) || seen.contains(id)) {
                throw badService(QStringLiteral("layer %1 answered objectIds with %2 %3, %4")
                                     .arg(l.entity, l.objectIdField).arg(id)
                                     .arg(asked.contains(id) ? QStringLiteral("twice") : QStringLiteral("which was not asked for")),
                                 l.entity);
            }
            seen.insert(id);
        }
        const int oid = l.objectIdIndex;
        std::sort(rows.begin(), rows.end(), [oid](const Row &a, const Row &b) { return a.at(oid).toLongLong() < b.at(oid).toLongLong(); });
        if (!rows.isEmpty() && !pages(rows))
            return;
    }
}

void ArcgisConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const Layer &l = layer(request.entity);
    Emitter emitter(l.schema, request, sink);
    const auto pages = [&](const QList<Row> &rows) { return emitter.add(rows); };
    if (l.supportsPagination) {
        readPaged(l, request, QStringLiteral("1=1"), pages);
    } else {
        const QJsonObject answer = m_client.getJson(m_client.resolve(QStringLiteral("%1/query").arg(l.id)),
                                                    QUrlQuery { { QStringLiteral("where"), QStringLiteral("1=1") },
                                                                { QStringLiteral("returnIdsOnly"), QStringLiteral("true") },
                                                                { QStringLiteral("f"), QStringLiteral("json") } });
        const QJsonValue list = answer.value(QStringLiteral("objectIds"));
        if (!list.isArray() && !list.isNull())
            throw badService(QStringLiteral("layer %1 answered returnIdsOnly without \"objectIds\"").arg(l.entity), l.entity);
        QList<qint64> ids;
        for (const QJsonValue &id : list.toArray()) {
            if (!id.isDouble())
                throw badService(QStringLiteral("layer %1 listed an object id that is not a number").arg(l.entity), l.entity);
            ids << id.toInteger();
        }
        readByObjectIds(l, request, ids, pages);
    }
    emitter.flush();
}

void ArcgisConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink)
{
    const Layer &l = layer(request.entity);
    const QStringList keyColumns = request.keyColumns.isEmpty() ? QStringList { l.objectIdField } : request.keyColumns;
    Emitter emitter(l.schema, request, sink);
    if (keyColumns == QStringList { l.objectIdField }) {
        QList<qint64> ids;
        for (const KeyValues &key : keys) {
            bool ok = false;
            const qint64 id = key.value(0).toLongLong(&ok);
            if (ok)
                ids << id;
        }
        readByObjectIds(l, request, ids, [&](const QList<Row> &rows) { return emitter.add(rows); });
    } else {
        // Another key (a parcel number): one scan, keeping the wanted keys.
        const gis::KeyFilter filter(l.schema, keyColumns, keys);
        ReadRequest all = request;
        all.columns.clear();
        const auto keep = [&](const QList<Row> &rows) { return emitter.add(filter.keep(rows)); };
        if (l.supportsPagination)
            readPaged(l, all, QStringLiteral("1=1"), keep);
        else
            throw Error(Error::Kind::Validation, QStringLiteral("layer %1 cannot page: read it by %2").arg(l.entity, l.objectIdField));
    }
    emitter.flush();
}

CursorHorizon ArcgisConnector::cursorHorizon(const QString &entity, const QString &cursorColumn)
{
    const Layer &l = layer(entity);
    const int index = l.schema.indexOf(cursorColumn);
    if (index < 0 || l.schema.at(index).type != ValueType::TimestampTz)
        return {};
    // Edits stamped up to overlap_seconds before now may still arrive: the checkpoint stays below.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch() - qint64(m_overlapSeconds) * 1000;
    return CursorHorizon { CursorHorizon::Kind::Below,
                           QVariant::fromValue(TimeValue::fromMicros(TimeValue::Kind::TimestampTz, nowMs * 1000 - kMicros1970To2000)) };
}

namespace {

// The where clause of a cursor read: rows at or past the checkpoint's cursor (ties are sorted
// out by key afterwards). The value is ours (a number or a formatted time), never user text.
QString sinceWhere(const Schema &schema, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const QString &entity)
{
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    const int index = schema.indexOf(cursorColumn);
    if (index < 0 || !plainName.match(cursorColumn).hasMatch()
        || (schema.at(index).type != ValueType::TimestampTz && schema.at(index).type != ValueType::Integer)) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("layer %1: cursor column '%2' must be an integer or date field").arg(entity, cursorColumn),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("cursor_column") } });
    }
    if (!after || after->cursor.isNull() || !after->cursor.isValid())
        return QStringLiteral("1=1");
    if (schema.at(index).type == ValueType::Integer)
        return QStringLiteral("%1 >= %2").arg(cursorColumn).arg(after->cursor.toLongLong());
    const QDateTime time = timeValueOf(after->cursor, ValueType::TimestampTz).toQDateTime().toUTC();
    return QStringLiteral("%1 >= timestamp '%2'").arg(cursorColumn, time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
}

} // namespace

void ArcgisConnector::readSince(const ReadRequest &request, const QString &cursorColumn,
                                const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const Layer &l = layer(request.entity);
    const QString where = sinceWhere(l.schema, cursorColumn, after, l.entity);
    gis::SinceCollector since(l.schema, l.entity, cursorColumn,
                              request.keyColumns.isEmpty() ? QStringList { l.objectIdField } : request.keyColumns, after);
    const auto collect = [&](const QList<Row> &rows) { return since.add(rows); };
    ReadRequest all = request;
    all.columns.clear();
    if (l.supportsPagination)
        readPaged(l, all, where, collect);
    else
        readAll(all, [&](const RowBatch &batch) { return collect(batch.rows); });
    since.emitSorted(request, sink);
}

qint64 ArcgisConnector::estimateRows(const ReadRequest &request, const QString &cursorColumn,
                                     const std::optional<Checkpoint> &after)
{
    try {
        const Layer &l = layer(request.entity);
        const QString where = cursorColumn.isEmpty() ? QStringLiteral("1=1") : sinceWhere(l.schema, cursorColumn, after, l.entity);
        const QJsonObject answer = m_client.getJson(m_client.resolve(QStringLiteral("%1/query").arg(l.id)),
                                                    QUrlQuery { { QStringLiteral("where"), where },
                                                                { QStringLiteral("returnCountOnly"), QStringLiteral("true") },
                                                                { QStringLiteral("f"), QStringLiteral("json") } });
        const QJsonValue count = answer.value(QStringLiteral("count"));
        return count.isDouble() ? count.toInteger() : kUnknownRows;
    } catch (const Error &) {
        return kUnknownRows; // progress only: the read itself reports the problem
    }
}

} // namespace tf::sync
