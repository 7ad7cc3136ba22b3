#include "connectorfactory.h"

#include "core/errors.h"
#include "sync/connectors/arcgisconnector.h"
#include "sync/connectors/csvconnector.h"
#include "sync/connectors/jsonlconnector.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/ogcapiconnector.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"

namespace tf::sync {

namespace {

// One switch serves both roles; the GIS kinds are sources only.
template<typename Role> std::unique_ptr<Role> make(const SystemSettings &settings)
{
    const QString &kind = settings.kind;
    if (kind == QLatin1String("postgres"))
        return std::make_unique<PostgresConnector>(settings);
    if (kind == QLatin1String("sqlite"))
        return std::make_unique<SqliteConnector>(settings);
    if (kind == QLatin1String("csv"))
        return std::make_unique<CsvConnector>(settings);
    if (kind == QLatin1String("jsonl"))
        return std::make_unique<JsonlConnector>(settings);
    if (kind == QLatin1String("mysql"))
        return std::make_unique<MysqlConnector>(settings);
    if (kind == QLatin1String("odbc") || kind == QLatin1String("sqlserver"))
        return std::make_unique<OdbcConnector>(settings);
    if (kind == QLatin1String("arcgis") || kind == QLatin1String("ogcapi")) {
        // GIS services are sources only.
        if constexpr (std::is_base_of_v<Role, SourceConnector>) {
            if (kind == QLatin1String("arcgis"))
                return std::make_unique<ArcgisConnector>(settings);
            return std::make_unique<OgcapiConnector>(settings);
        } else {
            throw Error(Error::Kind::Validation, QStringLiteral("a system of kind '%1' can only be a source").arg(kind),
                        QJsonObject { { QStringLiteral("field"), QStringLiteral("target_system") } });
        }
    }
    throw Error(Error::Kind::Validation, QStringLiteral("unknown system kind '%1'").arg(kind),
                QJsonObject { { QStringLiteral("field"), QStringLiteral("kind") } });
}

} // namespace

std::unique_ptr<SourceConnector> makeSource(const SystemSettings &settings)
{
    return make<SourceConnector>(settings);
}

std::unique_ptr<TargetConnector> makeTarget(const SystemSettings &settings)
{
    return make<TargetConnector>(settings);
}

} // namespace tf::sync
