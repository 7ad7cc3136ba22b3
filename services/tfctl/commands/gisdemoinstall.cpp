#include "gisdemoinstall.h"

#include "auth/bearertoken.h"
#include "common/auditlog.h"
#include "core/errors.h"
#include "core/paths.h"
#include "core/redact.h"
#include "db/controldatabase.h"
#include "db/repositories/tokenrepository.h"
#include "demoinstallsteps.h"
#include "sync/demo/gisdemolayer.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "tfctl/platformlocation.h"
#include "tfctl/toolcontext.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tf::tfctl {

const QString GisDemoInstall::kSystemName = QStringLiteral("GIS parcels (demo)");

namespace {

const QString kTokenName = QStringLiteral("GIS demo layer (tfctl demo install --gis)");

// A viewer token for the demo's ogcapi system: the gateway's demo route keeps its
// authentication, and the connector sends credentials.token as a bearer token.
QString issueDemoToken(ToolContext &context)
{
    db::Database &control = context.database().database();
    db::TokenRepository tokens(control);
    if (const auto existing = tokens.findActiveApiToken(kTokenName))
        tokens.revoke(existing->id); // its value is not kept anywhere: a new one replaces it
    const auth::IssuedToken token = auth::issueToken(auth::TokenKind::ApiToken);
    db::NewToken row;
    row.name = kTokenName;
    row.kind = auth::tokenKindName(auth::TokenKind::ApiToken);
    row.tokenHash = token.hash;
    row.prefix = token.prefix;
    row.role = QStringLiteral("viewer");
    row.createdBy = QStringLiteral("tfctl demo install");
    const db::TokenRecord created = tokens.create(row);
    platform::audit(
        context.database(),
        { QStringLiteral("token.created"),
          QStringLiteral("info"),
          QStringLiteral("token"),
          QString::number(created.id),
          0,
          QStringLiteral("API token %1 '%2' (%3) created with role viewer by the demo install")
              .arg(created.id)
              .arg(created.name, created.prefix),
          {},
          created.toJson() });
    return token.value;
}

} // namespace

void GisDemoInstall::run(ToolContext &context, sync::SystemRegistry &systems,
                         const QElapsedTimer &clock) const
{
    const QString demoDir = paths::ensureDir(context.service().dataDir + QStringLiteral("/demo"));
    demo::step(clock,
               QStringLiteral("generating the GIS parcel layer (%1 PACS parcels, seed %2)")
                   .arg(options.parcels)
                   .arg(options.seed));
    const sync::GisDemoLayer layer = sync::GisDemoLayer::generate(options);
    const QString layerPath
        = demoDir + QLatin1Char('/') + QLatin1String(sync::GisDemoLayer::kLayerFile);
    paths::writeFileAtomically(layerPath,
                               QJsonDocument(layer.collection).toJson(QJsonDocument::Compact));
    paths::writeFileAtomically(demoDir + QLatin1Char('/')
                                   + QLatin1String(sync::GisDemoLayer::kSummaryFile),
                               QJsonDocument(layer.summaryJson()).toJson(QJsonDocument::Indented));
    demo::step(
        clock,
        QStringLiteral("  %1 features into %2: %3 parcels only in GIS, %4 PACS parcels left out")
            .arg(layer.collection.value(QStringLiteral("features")).toArray().size())
            .arg(layerPath)
            .arg(layer.gisOnly.size())
            .arg(layer.pacsOnly.size()));

    const bool postgres = camaUrl.startsWith(QLatin1String("postgres"));
    demo::step(clock,
               QStringLiteral("adding gis_parcels and the parcel_gis_mismatch view to %1")
                   .arg(redactUrl(camaUrl)));
    demo::applySchema(camaUrl,
                      postgres ? QStringLiteral(":/demo/cama_gis_postgres.sql")
                               : QStringLiteral(":/demo/cama_gis_sqlite.sql"));

    sync::SystemDefinition gis;
    gis.name = kSystemName;
    gis.kind = QStringLiteral("ogcapi");
    gis.description = QStringLiteral(
        "The GIS demo's parcel layer, served by tf-gateway at /demo/ogcapi (demo route)");
    gis.settings
        = QJsonObject { { QStringLiteral("url"), gisUrl }, { QStringLiteral("page_size"), 1000 } };
    gis.credentials = QJsonObject { { QStringLiteral("token"), issueDemoToken(context) } };
    const qint64 gisId = systems.create(gis);
    demo::step(
        clock,
        QStringLiteral("registered system %1 \"%2\" (%3, a viewer API token in its credentials)")
            .arg(gisId)
            .arg(kSystemName, gisUrl));

    const QJsonObject pair
        = QJsonDocument::fromJson(demo::resource(QStringLiteral(":/demo/pairs/gis_parcels.json")))
              .object();
    const qint64 pairId = demo::addPair(context, pair, gisId, camaSystem);
    demo::step(clock,
               QStringLiteral("added sync pair %1 \"%2\"")
                   .arg(pairId)
                   .arg(pair.value(QStringLiteral("name")).toString()));
}

QString camaUrlOf(sync::SystemRegistry &systems, qint64 camaSystem)
{
    const sync::SystemDefinition cama = systems.load(camaSystem);
    if (cama.kind == QLatin1String("sqlite"))
        return QStringLiteral("sqlite://") + cama.settings.value(QStringLiteral("path")).toString();
    if (cama.kind == QLatin1String("postgres") && cama.settings.contains(QStringLiteral("url")))
        return cama.settings.value(QStringLiteral("url")).toString();
    throw Error(Error::Kind::Validation,
                QStringLiteral("the demo's CAMA system %1 was changed (kind %2); install the GIS "
                               "demo with a new --data-dir")
                    .arg(camaSystem)
                    .arg(cama.kind));
}

QString defaultGisUrl(const ToolContext &context)
{
    const Config &config = context.service().config;
    QString port = config.string(QStringLiteral("gateway/port")).trimmed();
    if (port.isEmpty())
        port = config.string(QStringLiteral("server/port")).trimmed();
    if (port.isEmpty() || port == QLatin1String("0"))
        port = QStringLiteral("5000");
    return QStringLiteral("http://127.0.0.1:%1/demo/ogcapi").arg(port);
}

} // namespace tf::tfctl
