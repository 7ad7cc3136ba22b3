#include "connectorfactory.h"

#include "core/errors.h"
#include "sync/connectors/csvconnector.h"
#include "sync/connectors/jsonlconnector.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"

namespace tf::sync {

namespace {

// Every kind is both a source and a target today, so one switch serves both roles.
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
