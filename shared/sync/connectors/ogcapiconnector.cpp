#include "ogcapiconnector.h"

#include "core/errors.h"
#include "gisrows.h"
#include "wfscapabilities.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

namespace tf::sync {

using gis::Emitter;
using gis::jsonText;

namespace {

Q_LOGGING_CATEGORY(lcOgc, "tf.sync.ogcapi")

constexpr int kDefaultLimit = 1000;
const QString kId = QStringLiteral("id");
const QString kGeometry = QStringLiteral("geometry");

Error badService(const QString &message, const QString &entity)
{
    return Error(Error::Kind::Validation, message, QJsonObject { { QStringLiteral("entity"), entity } });
}

// The column type all these sample values fit, exactly.
ValueType typeOf(const QList<QJsonValue> &values)
{
    bool integers = true, numbers = true, booleans = true, strings = true, any = false;
    for (const QJsonValue &v : values) {
        if (v.isNull() || v.isUndefined())
            continue;
        any = true;
        const bool negativeZero = gis::isNegativeZero(v); // a double, never an integer or a string
        const bool integral = v.isDouble() && v.toInteger(std::numeric_limits<qint64>::min()) != std::numeric_limits<qint64>::min();
        integers = integers && integral;
        numbers = numbers && (v.isDouble() || negativeZero);
        booleans = booleans && v.isBool();
        strings = strings && v.isString() && !negativeZero;
    }
    if (!any || (strings && !numbers))
        return ValueType::Text;
    if (integers)
        return ValueType::Integer;
    if (numbers)
        return ValueType::Double;
    if (booleans)
        return ValueType::Boolean;
    return ValueType::Json;
}

QVariant convert(const QJsonValue &value, ValueType type)
{
    if (value.isNull() || value.isUndefined())
        return {};
    if (type != ValueType::Json) {
        if (const auto zero = gis::negativeZero(value, type == ValueType::Double))
            return *zero;
    }
    switch (type) {
    case ValueType::Integer: {
        const qint64 number = value.toInteger(std::numeric_limits<qint64>::min());
        if (value.isDouble() && number != std::numeric_limits<qint64>::min())
            return number;
        return unreadableValue(jsonText(value), QStringLiteral("%1 is not an integer").arg(jsonText(value)));
    }
    case ValueType::Double:
        if (value.isDouble())
            return value.toDouble();
        return unreadableValue(jsonText(value), QStringLiteral("%1 is not a number").arg(jsonText(value)));
    case ValueType::Boolean:
        if (value.isBool())
            return value.toBool();
        return unreadableValue(jsonText(value), QStringLiteral("%1 is not true or false").arg(jsonText(value)));
    case ValueType::Text:
        if (value.isString())
            return value.toString();
        return unreadableValue(jsonText(value), QStringLiteral("%1 is not a string").arg(jsonText(value)));
    default:
        return jsonText(value);
    }
}

// The href of the page's "next" link (a JSON one when there are several), resolved, or empty.
QUrl nextLink(const QJsonObject &page, const QUrl &current)
{
    QUrl best;
    int bestRank = -1;
    for (const QJsonValue &value : page.value(QStringLiteral("links")).toArray()) {
        const QJsonObject link = value.toObject();
        if (link.value(QStringLiteral("rel")).toString() != QLatin1String("next"))
            continue;
        const QString type = link.value(QStringLiteral("type")).toString();
        const int rank = type == QLatin1String("application/geo+json") ? 3
                         : type.contains(QLatin1String("json"))      ? 2
                         : type.isEmpty()                             ? 1
                                                                      : 0; // text/html: not for us
        if (rank > bestRank) {
            bestRank = rank;
            best = current.resolved(QUrl(link.value(QStringLiteral("href")).toString()));
        }
    }
    return bestRank > 0 ? best : QUrl();
}

QString protocolOf(const QJsonObject &settings)
{
    return settings.value(QStringLiteral("protocol")).toString(QStringLiteral("ogcapi"));
}

// WFS answers have no feature id the client can rely on: the id_property becomes the id.
void takeIds(QJsonObject &page, const QString &idProperty)
{
    QJsonArray features = page.value(QStringLiteral("features")).toArray();
    for (qsizetype i = 0; i < features.size(); ++i) {
        QJsonObject feature = features.at(i).toObject();
        QJsonObject properties = feature.value(QStringLiteral("properties")).toObject();
        feature.insert(kId, properties.take(idProperty));
        feature.insert(QStringLiteral("properties"), properties);
        features[i] = feature;
    }
    if (page.value(QStringLiteral("features")).isArray())
        page.insert(QStringLiteral("features"), features);
}

} // namespace

struct OgcapiConnector::WfsPlan
{
    gis::WfsCapabilities caps;
};

namespace {

// The service URL with the wfs_parameters and these WFS items as its query.
QUrl wfsUrl(const QUrl &service, const QJsonObject &extra, const QList<QPair<QString, QString>> &items)
{
    QUrlQuery query;
    for (auto it = extra.begin(); it != extra.end(); ++it)
        query.addQueryItem(it.key(), it.value().toString());
    for (const auto &[name, value] : items)
        query.addQueryItem(name, value);
    QUrl url = service;
    url.setQuery(QString::fromUtf8(QUrl::toPercentEncoding(query.query(QUrl::FullyDecoded), "=&")));
    return url;
}

} // namespace

struct OgcapiConnector::Collection
{
    QString id;
    Schema schema; // id, properties..., geometry
};

OgcapiConnector::OgcapiConnector(const SystemSettings &settings, gis::HttpClient::Sleeper sleeper)
    : m_client(gis::HttpSettings::parse(settings, QByteArrayLiteral("Authorization")), std::move(sleeper))
{
    const auto problems = settingsProblems(settings.settings);
    if (!problems.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("settings.%1: %2").arg(problems.first().first, problems.first().second),
                    QJsonObject { { QStringLiteral("field"), QString(QStringLiteral("settings.") + problems.first().first) } });
    m_wfs = protocolOf(settings.settings) == QLatin1String("wfs");
    m_idProperty = settings.settings.value(QStringLiteral("id_property")).toString();
    m_wfsParameters = settings.settings.value(QStringLiteral("wfs_parameters")).toObject();
}

int OgcapiConnector::pageLimit()
{
    const int limit = m_client.settings().pageSize > 0 ? m_client.settings().pageSize : kDefaultLimit;
    if (m_wfs && wfsPlan().caps.countDefault > 0)
        return qMin(limit, wfsPlan().caps.countDefault);
    return limit;
}

const OgcapiConnector::WfsPlan &OgcapiConnector::wfsPlan()
{
    if (m_wfsPlan)
        return *m_wfsPlan;
    const QUrl url = wfsUrl(m_client.settings().url, m_wfsParameters,
                            { { QStringLiteral("SERVICE"), QStringLiteral("WFS") }, { QStringLiteral("VERSION"), QStringLiteral("2.0.0") },
                              { QStringLiteral("REQUEST"), QStringLiteral("GetCapabilities") } });
    auto plan = std::make_shared<WfsPlan>();
    plan->caps = gis::WfsCapabilities::parse(m_client.getBytes(url));
    const QString service = m_client.settings().url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    if (!plan->caps.resultPaging)
        throw Error(Error::Kind::Validation, QStringLiteral("WFS service %1 does not implement result paging (STARTINDEX/COUNT); "
                                                            "a layer larger than one answer cannot be read exactly").arg(service));
    if (plan->caps.geojsonFormat.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("WFS service %1 offers no GeoJSON outputFormat for GetFeature; "
                                                            "GML is not read (add a GeoJSON output format to the service)").arg(service));
    if (!plan->caps.sorting)
        qCWarning(lcOgc).noquote() << "WFS service" << service << "does not implement sorting: pages come in the server's order";
    m_wfsPlan = plan;
    return *plan;
}

QUrl OgcapiConnector::wfsPageUrl(const QString &typeName, qint64 start, int count)
{
    const WfsPlan &plan = wfsPlan();
    QList<QPair<QString, QString>> items { { QStringLiteral("SERVICE"), QStringLiteral("WFS") },
                                           { QStringLiteral("VERSION"), QStringLiteral("2.0.0") },
                                           { QStringLiteral("REQUEST"), QStringLiteral("GetFeature") },
                                           { QStringLiteral("TYPENAMES"), typeName } };
    if (count < 0) {
        items.append({ QStringLiteral("RESULTTYPE"), QStringLiteral("hits") });
    } else {
        items.append({ QStringLiteral("OUTPUTFORMAT"), plan.caps.geojsonFormat });
        items.append({ QStringLiteral("STARTINDEX"), QString::number(start) });
        items.append({ QStringLiteral("COUNT"), QString::number(count) });
        if (plan.caps.sorting)
            items.append({ QStringLiteral("SORTBY"), m_idProperty + QStringLiteral(" ASC") });
    }
    return wfsUrl(m_client.settings().url, m_wfsParameters, items);
}

QJsonObject OgcapiConnector::firstPage(const QString &entity, int limit)
{
    if (!m_wfs)
        return m_client.getJson(itemsUrl(entity, limit));
    QJsonObject page = m_client.getJson(wfsPageUrl(entity, 0, limit));
    takeIds(page, m_idProperty);
    return page;
}

OgcapiConnector::~OgcapiConnector() = default;

QStringList OgcapiConnector::entities()
{
    if (m_wfs) {
        QStringList names;
        for (const QString &name : wfsPlan().caps.typeNames)
            names << name.section(QLatin1Char(':'), -1); // ms:parcels -> parcels: servers take both
        return names;
    }
    const QJsonObject answer = m_client.getJson(m_client.resolve(QStringLiteral("collections")),
                                                QUrlQuery { { QStringLiteral("f"), QStringLiteral("json") } });
    QStringList ids;
    for (const QJsonValue &value : answer.value(QStringLiteral("collections")).toArray())
        ids << value.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

QUrl OgcapiConnector::itemsUrl(const QString &entity, int limit) const
{
    QUrl url = m_client.resolve(QStringLiteral("collections/%1/items").arg(QString::fromUtf8(QUrl::toPercentEncoding(entity))));
    url.setQuery(QUrlQuery { { QStringLiteral("f"), QStringLiteral("json") }, { QStringLiteral("limit"), QString::number(limit) } });
    return url;
}

const OgcapiConnector::Collection &OgcapiConnector::collection(const QString &entity)
{
    if (const auto found = m_collections.value(entity))
        return *found;
    if (entity.isEmpty() || entity.contains(QLatin1Char('/')))
        throw Error(Error::Kind::Validation, QStringLiteral("'%1' cannot name a collection").arg(entity));
    const QJsonObject page = firstPage(entity, pageLimit());
    QStringList names;
    QHash<QString, QList<QJsonValue>> samples;
    QList<QJsonValue> ids;
    for (const QJsonValue &value : page.value(QStringLiteral("features")).toArray()) {
        const QJsonObject feature = value.toObject();
        ids << feature.value(kId);
        const QJsonObject properties = feature.value(QStringLiteral("properties")).toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            if (!samples.contains(it.key()))
                names << it.key();
            samples[it.key()] << it.value();
        }
    }
    if (!page.value(QStringLiteral("features")).isArray())
        throw badService(QStringLiteral("collection %1 answered its items without \"features\"").arg(entity), entity);
    QList<Column> columns;
    const ValueType idType = typeOf(ids) == ValueType::Integer ? ValueType::Integer : ValueType::Text;
    columns << Column { kId, idType, false };
    for (const QString &name : std::as_const(names)) {
        if (name == kId || name == kGeometry) {
            throw badService(QStringLiteral("collection %1 has a property named '%2', which would hide the feature's own")
                                 .arg(entity, name), entity);
        }
        columns << Column { name, typeOf(samples.value(name)), true };
    }
    columns << Column { kGeometry, ValueType::Json, true };
    auto c = std::make_shared<Collection>();
    c->id = entity;
    c->schema = Schema(columns);
    m_collections.insert(entity, c);
    return *c;
}

EntityDescription OgcapiConnector::describe(const QString &entity)
{
    const Collection &c = collection(entity);
    return EntityDescription { entity, c.schema, { kId } };
}

void OgcapiConnector::scan(const Collection &c, const std::function<bool(const QList<Row> &)> &pages)
{
    const int limit = pageLimit();
    const ValueType idType = c.schema.at(0).type;
    QSet<QString> seen;
    QSet<QString> visited;
    std::optional<qint64> matched;
    qint64 start = 0; // wfs: STARTINDEX of the page
    if (m_wfs)
        matched = gis::wfsNumberMatched(m_client.getBytes(wfsPageUrl(c.id, 0, -1)));
    QUrl url = m_wfs ? wfsPageUrl(c.id, 0, limit) : itemsUrl(c.id, limit);
    int pageNumber = 0;
    while (url.isValid() && !url.isEmpty()) {
        ++pageNumber;
        if (visited.contains(url.toString()))
            throw badService(QStringLiteral("collection %1: page %2's next link points back to an earlier page").arg(c.id).arg(pageNumber), c.id);
        visited.insert(url.toString());
        QJsonObject page = m_client.getJson(url);
        if (m_wfs)
            takeIds(page, m_idProperty);
        const QJsonValue features = page.value(QStringLiteral("features"));
        if (!features.isArray())
            throw badService(QStringLiteral("collection %1: page %2 has no \"features\"").arg(c.id).arg(pageNumber), c.id);
        if (pageNumber == 1 && page.value(QStringLiteral("numberMatched")).isDouble())
            matched = page.value(QStringLiteral("numberMatched")).toInteger();
        const QJsonValue returned = page.value(QStringLiteral("numberReturned"));
        if (returned.isDouble() && returned.toInteger() != features.toArray().size()) {
            throw badService(QStringLiteral("collection %1: page %2 says numberReturned %3 but holds %4 features")
                                 .arg(c.id).arg(pageNumber).arg(returned.toInteger()).arg(features.toArray().size()), c.id);
        }
        if (m_wfs && features.toArray().size() > limit) {
            throw badService(QStringLiteral("collection %1: page %2 holds %3 features for COUNT=%4: the server ignores COUNT")
                                 .arg(c.id).arg(pageNumber).arg(features.toArray().size()).arg(limit), c.id);
        }
        QList<Row> rows;
        rows.reserve(features.toArray().size());
        for (const QJsonValue &value : features.toArray()) {
            const QJsonObject feature = value.toObject();
            const QJsonValue idValue = feature.value(kId);
            QVariant id = idType == ValueType::Text && idValue.isDouble() ? QVariant(jsonText(idValue)) : convert(idValue, idType);
            if (id.isNull() || unreadableOf(id))
                throw badService(QStringLiteral("collection %1: a feature on page %2 has no usable id (%3)").arg(c.id).arg(pageNumber).arg(jsonText(idValue)), c.id);
            const QString idText = id.toString();
            if (seen.contains(idText)) {
                throw badService(QStringLiteral("collection %1: feature id %2 came again on page %3: the server's paging is broken "
                                                "(MapServer 8.0 ignores the offset on GeoPackage layers while its next links advance); "
                                                "rows would be lost")
                                     .arg(c.id, idText).arg(pageNumber),
                                 c.id);
            }
            seen.insert(idText);
            const QJsonObject properties = feature.value(QStringLiteral("properties")).toObject();
            for (auto it = properties.begin(); it != properties.end(); ++it) {
                if (c.schema.indexOf(it.key()) < 0) {
                    throw badService(QStringLiteral("collection %1: feature %2 has a property '%3' the first page did not have; "
                                                    "set page_size to cover a feature with every property")
                                         .arg(c.id, idText, it.key()), c.id);
                }
            }
            Row row;
            row.reserve(c.schema.size());
            row << id;
            for (int i = 1; i + 1 < c.schema.size(); ++i)
                row << convert(properties.value(c.schema.at(i).name), c.schema.at(i).type);
            const QJsonValue geometry = feature.value(kGeometry);
            row << (geometry.isObject() ? QVariant(jsonText(geometry)) : QVariant());
            rows << std::move(row);
        }
        if (!rows.isEmpty() && !pages(rows))
            return;
        if (m_wfs) {
            // A full page may have a next one; a short page is the last.
            start += rows.size();
            url = rows.size() == limit ? wfsPageUrl(c.id, start, limit) : QUrl();
        } else {
            url = nextLink(page, url);
        }
        if (rows.isEmpty() && url.isValid() && !url.isEmpty())
            throw badService(QStringLiteral("collection %1: an empty page %2 links to a next one").arg(c.id).arg(pageNumber), c.id);
    }
    if (matched && *matched != seen.size()) {
        throw badService(QStringLiteral("collection %1: the pages held %2 features, numberMatched says %3; rows would be lost")
                             .arg(c.id).arg(seen.size()).arg(*matched), c.id);
    }
}

void OgcapiConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const Collection &c = collection(request.entity);
    Emitter emitter(c.schema, request, sink);
    bool more = true;
    scan(c, [&](const QList<Row> &rows) { return more = emitter.add(rows); });
    if (more)
        emitter.flush();
}

void OgcapiConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink)
{
    const Collection &c = collection(request.entity);
    const gis::KeyFilter filter(c.schema, request.keyColumns.isEmpty() ? QStringList { kId } : request.keyColumns, keys);
    Emitter emitter(c.schema, request, sink);
    bool more = true;
    scan(c, [&](const QList<Row> &rows) { return more = emitter.add(filter.keep(rows)); });
    if (more)
        emitter.flush();
}

void OgcapiConnector::readSince(const ReadRequest &request, const QString &cursorColumn,
                                const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const Collection &c = collection(request.entity);
    gis::SinceCollector since(c.schema, c.id, cursorColumn, request.keyColumns.isEmpty() ? QStringList { kId } : request.keyColumns,
                              after);
    scan(c, [&](const QList<Row> &rows) { return since.add(rows); });
    since.emitSorted(request, sink);
}

qint64 OgcapiConnector::estimateRows(const ReadRequest &request, const QString &cursorColumn,
                                     const std::optional<Checkpoint> &)
{
    if (!cursorColumn.isEmpty())
        return kUnknownRows;
    try {
        if (m_wfs) {
            const std::optional<qint64> matched = gis::wfsNumberMatched(m_client.getBytes(wfsPageUrl(request.entity, 0, -1)));
            return matched ? *matched : kUnknownRows;
        }
        const QJsonObject page = m_client.getJson(itemsUrl(request.entity, 1));
        const QJsonValue matched = page.value(QStringLiteral("numberMatched"));
        return matched.isDouble() ? matched.toInteger() : kUnknownRows;
    } catch (const Error &) {
        return kUnknownRows; // progress only: the read itself reports the problem
    }
}

} // namespace tf::sync
