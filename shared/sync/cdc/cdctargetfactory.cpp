#include "cdctarget.h"

#include "core/errors.h"
#include "pgcdctarget.h"
#include "sqlitecdctarget.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"

namespace tf::sync::cdc {

QStringList cdcTargetKinds()
{
    return { QStringLiteral("postgres"), QStringLiteral("sqlite") };
}

// The one place that maps a target connector to its CdcTarget.
std::unique_ptr<CdcTarget> openCdcTarget(TargetConnector &target)
{
    if (auto *postgres = dynamic_cast<PostgresConnector *>(&target))
        return std::make_unique<PgCdcTarget>(postgres->url(), postgres->schemaName());
    if (auto *sqlite = dynamic_cast<SqliteConnector *>(&target))
        return std::make_unique<SqliteCdcTarget>(sqlite->database());
    throw Error(Error::Kind::Validation,
                QStringLiteral("mode cdc writes only to a transactional target of kind %1 (each "
                               "source transaction and its position in one target transaction)")
                    .arg(cdcTargetKinds().join(QStringLiteral(" or "))));
}

} // namespace tf::sync::cdc
