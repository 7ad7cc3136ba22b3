#include "demoogcapicontroller.h"

#include "common/listquery.h"
#include "core/errors.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <limits>

namespace tf::gateway {

namespace {

const QString kBase = QStringLiteral("/demo/ogcapi");
const QString kCollection = QStringLiteral("parcels");
const QString kGeoJson = QStringLiteral("application/geo+json");
const QString kJson = QStringLiteral("application/json");

QJsonObject link(const QString &href, const QString &rel, const QString &type,
                 const QString &title = {})
{
    QJsonObject out { { QStringLiteral("href"), href },
                      { QStringLiteral("rel"), rel },
                      { QStringLiteral("type"), type } };
    if (!title.isEmpty())
        out.insert(QStringLiteral("title"), title);
    return out;
}

// Only ?f=json (or no f): the service speaks JSON and GeoJSON only.
void checkFormat(const http::QueryParams &params)
{
    if (params.has(QStringLiteral("f")))
        params.choice(QStringLiteral("f"), { QStringLiteral("json") });
}

} // namespace

DemoOgcapiController::DemoOgcapiController(QString dataDir)
    : m_path(layerPath(dataDir))
{ }

QString DemoOgcapiController::layerPath(const QString &dataDir)
{
    return dataDir + QStringLiteral("/demo/gis-parcels.geojson");
}

bool DemoOgcapiController::layerInstalled(const QString &dataDir)
{
    return QFileInfo::exists(layerPath(dataDir));
}

void DemoOgcapiController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    router.add("GET", kBase, Permission::PairsRead,
               [this](const http::ApiRequest &r) { return landing(r); });
    router.add("GET", kBase + QStringLiteral("/conformance"), Permission::PairsRead,
               [this](const http::ApiRequest &r) { return conformance(r); });
    router.add("GET", kBase + QStringLiteral("/collections"), Permission::PairsRead,
               [this](const http::ApiRequest &r) { return collections(r); });
    router.add("GET", kBase + QStringLiteral("/collections/<id>"), Permission::PairsRead,
               [this](const http::ApiRequest &r) { return collection(r); });
    router.add("GET", kBase + QStringLiteral("/collections/<id>/items"), Permission::PairsRead,
               [this](const http::ApiRequest &r) { return items(r); });
}

const QJsonArray &DemoOgcapiController::features()
{
    const QFileInfo info(m_path);
    if (!info.exists())
        throw Error(
            Error::Kind::NotFound,
            QStringLiteral("the GIS demo layer is not installed (tfctl demo install --gis)"));
    if (info.lastModified() == m_loadedModified && info.size() == m_loadedSize)
        return m_features;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(Error::Kind::Internal,
                    QStringLiteral("cannot read the GIS demo layer %1").arg(m_path));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject() || !document.object().value(QStringLiteral("features")).isArray())
        throw Error(Error::Kind::Internal,
                    QStringLiteral("the GIS demo layer %1 is not a FeatureCollection").arg(m_path));
    m_features = document.object().value(QStringLiteral("features")).toArray();
    m_loadedModified = info.lastModified();
    m_loadedSize = info.size();
    return m_features;
}

QJsonObject DemoOgcapiController::collectionJson()
{
    const QString self = kBase + QStringLiteral("/collections/") + kCollection;
    return QJsonObject {
        { QStringLiteral("id"), kCollection },
        { QStringLiteral("title"), QStringLiteral("Parcels (TerraFusion GIS demo)") },
        { QStringLiteral("itemType"), QStringLiteral("feature") },
        { QStringLiteral("crs"),
          QJsonArray { QStringLiteral("http://www.opengis.net/def/crs/OGC/1.3/CRS84") } },
        { QStringLiteral("links"),
          QJsonArray { link(self, QStringLiteral("self"), kJson),
                       link(self + QStringLiteral("/items?f=json"), QStringLiteral("items"),
                            kGeoJson, QStringLiteral("the parcels")) } },
    };
}

http::ApiResponse DemoOgcapiController::landing(const http::ApiRequest &request) const
{
    checkFormat(http::QueryParams(request, { QStringLiteral("f") }));
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("title"), QStringLiteral("TerraFusion GIS demo (OGC API - Features)") },
        { QStringLiteral("description"),
          QStringLiteral("The demo parcel layer of tfctl demo install --gis; a demo route, not "
                         "part of the product API") },
        { QStringLiteral("links"),
          QJsonArray {
              link(kBase, QStringLiteral("self"), kJson),
              link(kBase + QStringLiteral("/conformance"), QStringLiteral("conformance"), kJson),
              link(kBase + QStringLiteral("/collections"), QStringLiteral("data"), kJson) } },
    });
}

http::ApiResponse DemoOgcapiController::conformance(const http::ApiRequest &request) const
{
    checkFormat(http::QueryParams(request, { QStringLiteral("f") }));
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("conformsTo"),
          QJsonArray {
              QStringLiteral("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"),
              QStringLiteral("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson") } },
    });
}

http::ApiResponse DemoOgcapiController::collections(const http::ApiRequest &request)
{
    checkFormat(http::QueryParams(request, { QStringLiteral("f") }));
    features(); // 404 when the layer file went away
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("collections"), QJsonArray { collectionJson() } },
        { QStringLiteral("links"),
          QJsonArray {
              link(kBase + QStringLiteral("/collections"), QStringLiteral("self"), kJson) } },
    });
}

http::ApiResponse DemoOgcapiController::collection(const http::ApiRequest &request)
{
    checkFormat(http::QueryParams(request, { QStringLiteral("f") }));
    if (request.pathParams.value(QStringLiteral("id")) != kCollection)
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("the GIS demo has one collection: %1").arg(kCollection));
    features();
    return http::ApiResponse::json(collectionJson());
}

http::ApiResponse DemoOgcapiController::items(const http::ApiRequest &request)
{
    const http::QueryParams params(
        request, { QStringLiteral("f"), QStringLiteral("limit"), QStringLiteral("offset") });
    checkFormat(params);
    const qint64 limit = params.integer(QStringLiteral("limit"), 1, kMaxLimit, kDefaultLimit);
    const qint64 offset
        = params.integer(QStringLiteral("offset"), 0, std::numeric_limits<int>::max(), 0);
    if (request.pathParams.value(QStringLiteral("id")) != kCollection)
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("the GIS demo has one collection: %1").arg(kCollection));
    const QJsonArray &all = features();
    const qint64 matched = all.size();
    QJsonArray page;
    for (qint64 i = offset; i < qMin(matched, offset + limit); ++i)
        page.append(all.at(i));

    const QString items
        = kBase + QStringLiteral("/collections/") + kCollection + QStringLiteral("/items");
    const auto pageHref = [&](qint64 at) -> QString { // a QString, not a builder over a temporary
        return items + QStringLiteral("?f=json&limit=%1&offset=%2").arg(limit).arg(at);
    };
    QJsonArray links { link(pageHref(offset), QStringLiteral("self"), kGeoJson) };
    if (offset + limit < matched)
        links.append(link(pageHref(offset + limit), QStringLiteral("next"), kGeoJson,
                          QStringLiteral("next page")));
    if (offset > 0)
        links.append(link(pageHref(qMax<qint64>(0, offset - limit)), QStringLiteral("prev"),
                          kGeoJson, QStringLiteral("previous page")));
    const QJsonObject answer {
        { QStringLiteral("type"), QStringLiteral("FeatureCollection") },
        { QStringLiteral("numberMatched"), matched },
        { QStringLiteral("numberReturned"), page.size() },
        { QStringLiteral("timeStamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
        { QStringLiteral("features"), page },
        { QStringLiteral("links"), links },
    };
    return http::ApiResponse::raw(QJsonDocument(answer).toJson(QJsonDocument::Compact),
                                  kGeoJson.toUtf8());
}

} // namespace tf::gateway
