#include "orphanslots.h"

#include "core/errors.h"
#include "db/connection.h"
#include "db/databaseurl.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "sync/cdc/pgsourcecatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/systems/systemregistry.h"

#include <QHash>
#include <QSet>

namespace tf::ops {

namespace {

// Slots belong to a server (a cluster), not to a database: systems on one server share them.
QString serverOf(const db::DatabaseUrl &url)
{
    return url.host.toLower() + QLatin1Char(':') + QString::number(url.port > 0 ? url.port : 5432);
}

} // namespace

QString OrphanSlot::dropStatement() const
{
    return QStringLiteral("SELECT pg_drop_replication_slot('%1');").arg(slot);
}

QList<OrphanSlot> findOrphanSlots(db::Database &control, const SecretBox &secrets, QStringList *unreachable)
{
    auto notChecked = [unreachable](const db::SystemRecord &system, const Error &error) {
        if (unreachable)
            unreachable->append(QStringLiteral("system %1 '%2': %3").arg(system.id).arg(system.name, error.message()));
    };
    sync::SystemRegistry registry(control, secrets);
    QHash<qint64, db::DatabaseUrl> urls; // the PostgreSQL systems
    QList<db::SystemRecord> postgres;
    for (const db::SystemRecord &system : db::SystemRepository(control).list()) {
        if (system.kind != QLatin1String("postgres"))
            continue;
        try {
            urls.insert(system.id, sync::PostgresConnector::urlFromSettings(registry.settings(system.id)));
            postgres.append(system);
        } catch (const Error &error) {
            notChecked(system, error);
        }
    }

    // server + slot name of every cdc pair whose source is a PostgreSQL system.
    QSet<QString> owned;
    QHash<QString, qint64> pairOfSlot;
    QSet<qint64> cdcPairs;
    for (const db::SyncPairRecord &pair : db::SyncPairRepository(control).list()) {
        if (pair.definition.value(QStringLiteral("mode")).toString() != QLatin1String("cdc"))
            continue;
        cdcPairs.insert(pair.id);
        if (urls.contains(pair.sourceSystemId))
            owned.insert(serverOf(urls.value(pair.sourceSystemId)) + QLatin1Char('/')
                         + sync::CdcExecutor::slotName(QString::number(pair.id)));
    }

    QList<OrphanSlot> orphans;
    QSet<QString> askedServers;
    for (const db::SystemRecord &system : std::as_const(postgres)) {
        const db::DatabaseUrl &url = urls[system.id];
        const QString server = serverOf(url);
        if (askedServers.contains(server))
            continue;
        try {
            db::Database source(url);
            sync::cdc::PgSourceCatalog catalog(source);
            for (const QString &name : catalog.slotNames(QStringLiteral("tf_"))) {
                if (owned.contains(server + QLatin1Char('/') + name))
                    continue;
                OrphanSlot orphan;
                orphan.slot = name;
                orphan.systemId = system.id;
                orphan.systemName = system.name;
                const QString prefix = sync::CdcExecutor::slotName(QString());
                bool numbered = false;
                const qint64 pairId = name.startsWith(prefix) ? name.mid(prefix.size()).toLongLong(&numbered) : 0;
                if (!numbered)
                    orphan.reason = QStringLiteral("not named after a sync pair");
                else if (!cdcPairs.contains(pairId))
                    orphan.reason = QStringLiteral("pair %1 does not exist or is not a cdc pair").arg(pairId);
                else
                    orphan.reason = QStringLiteral("pair %1 streams from another server").arg(pairId);
                if (const auto state = catalog.slot(name)) {
                    orphan.retainedBytes = state->retainedBytes;
                    orphan.active = state->active;
                }
                orphans.append(orphan);
            }
            source.closeThreadConnection();
            askedServers.insert(server);
        } catch (const Error &error) {
            notChecked(system, error);
        }
    }
    return orphans;
}

} // namespace tf::ops
