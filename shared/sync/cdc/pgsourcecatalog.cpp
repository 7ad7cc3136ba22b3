#include "pgsourcecatalog.h"

#include "core/errors.h"
#include "db/connection.h"
#include "pgreplicationconnection.h"
#include "sync/connectors/pgcopyread.h"
#include "sync/connectors/postgrestypes.h"

#include <QScopeGuard>

#include <QSqlQuery>
#include <QVariant>

namespace tf::sync::cdc {

namespace {

void checkName(const QString &name)
{
    if (!PgReplicationConnection::isValidSlotName(name))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("'%1' is not a valid slot or publication name").arg(name));
}

} // namespace

PgSourceCatalog::PgSourceCatalog(const db::Database &source)
    : m_source(source)
{ }

void PgSourceCatalog::ensurePublication(const QString &publication, const QString &schema,
                                        const QStringList &tables)
{
    checkName(publication);
    if (tables.isEmpty())
        throw Error(Error::Kind::Validation,
                    QStringLiteral("a publication needs at least one table"));
    QStringList names;
    for (const QString &table : tables)
        names << pg::quoteIdentifier(schema) + QLatin1Char('.') + pg::quoteIdentifier(table);
    QSqlQuery exists
        = m_source.prepare(QStringLiteral("SELECT 1 FROM pg_publication WHERE pubname = ?"));
    exists.addBindValue(publication);
    m_source.exec(exists, "looking up the publication");
    // DDL takes no bound values; the names are identifiers, quoted.
    const QString sql = exists.next() ? QStringLiteral("ALTER PUBLICATION %1 SET TABLE %2")
                                      : QStringLiteral("CREATE PUBLICATION %1 FOR TABLE %2");
    m_source.execDirect(sql.arg(pg::quoteIdentifier(publication), names.join(QStringLiteral(", "))),
                        "creating the publication");
}

void PgSourceCatalog::dropPublication(const QString &publication)
{
    checkName(publication);
    m_source.execDirect(
        QStringLiteral("DROP PUBLICATION IF EXISTS %1").arg(pg::quoteIdentifier(publication)),
        "dropping the publication");
}

std::optional<SlotState> PgSourceCatalog::slot(const QString &slot)
{
    QSqlQuery query = m_source.prepare(QStringLiteral(
        "SELECT slot_name, plugin, active, restart_lsn::text, confirmed_flush_lsn::text, "
        "coalesce(wal_status, ''), pg_current_wal_lsn()::text, "
        "coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint, "
        "coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::bigint "
        "FROM pg_replication_slots WHERE slot_name = ?"));
    query.addBindValue(slot);
    m_source.exec(query, "reading the replication slot");
    if (!query.next())
        return std::nullopt;
    SlotState state;
    state.name = query.value(0).toString();
    state.plugin = query.value(1).toString();
    state.active = query.value(2).toBool();
    state.restartLsn = parseLsn(query.value(3).toString()).value_or(0);
    state.confirmedFlushLsn = parseLsn(query.value(4).toString()).value_or(0);
    state.walStatus = query.value(5).toString();
    state.currentWalLsn = parseLsn(query.value(6).toString()).value_or(0);
    state.retainedBytes = query.value(7).toLongLong();
    state.lagBytes = query.value(8).toLongLong();
    return state;
}

QList<RelationMessage> PgSourceCatalog::relationsAt(const QString &snapshot, const QString &schema,
                                                   const QStringList &tables)
{
    const QString label = QStringLiteral("reading the snapshot's table shapes");
    pg::checkSnapshotName(snapshot, label);
    m_source.execDirect(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
                        "reading the snapshot's table shapes");
    auto rollback = qScopeGuard([this] {
        try {
            m_source.execDirect(QStringLiteral("ROLLBACK"), "ending the snapshot read");
        } catch (const Error &) { // already failing; the connection is dropped or reset
        }
    });
    m_source.execDirect(QStringLiteral("SET TRANSACTION SNAPSHOT '%1'").arg(snapshot),
                        "importing the exported snapshot");
    // pgoutput (PostgreSQL 15 logicalrep_write_attrs) sends the columns that are not dropped
    // or generated, in attnum order, flagged as key when the identity is FULL or the column is
    // in the replica identity index (the primary key for DEFAULT, unless deferrable).
    QSqlQuery query = m_source.prepare(QStringLiteral(
        "SELECT c.relreplident::text, a.attname::text, a.atttypid::bigint, a.atttypmod, "
        "c.relreplident = 'f' OR EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid "
        "AND i.indisvalid AND ((c.relreplident = 'd' AND i.indisprimary AND i.indimmediate) "
        "OR (c.relreplident = 'i' AND i.indisreplident)) AND a.attnum = ANY (i.indkey)) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid "
        "WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attgenerated = '' ORDER BY a.attnum"));
    QList<RelationMessage> relations;
    for (const QString &table : tables) {
        query.bindValue(0, schema);
        query.bindValue(1, table);
        m_source.exec(query, "reading a table's shape under the snapshot");
        RelationMessage relation;
        relation.schema = schema;
        relation.name = table;
        while (query.next()) {
            const QByteArray identity = query.value(0).toString().toLatin1();
            relation.replicaIdentity = identity.isEmpty() ? 'd' : identity.at(0);
            relation.columns << RelationColumn { query.value(4).toBool(), query.value(1).toString(),
                                                 quint32(query.value(2).toLongLong()),
                                                 query.value(3).toInt() };
        }
        if (!relation.columns.isEmpty())
            relations << relation;
    }
    return relations;
}

QStringList PgSourceCatalog::slotNames(const QString &prefix)
{
    QSqlQuery query = m_source.prepare(QStringLiteral(
        "SELECT slot_name FROM pg_replication_slots WHERE starts_with(slot_name, ?) ORDER BY 1"));
    query.addBindValue(prefix);
    m_source.exec(query, "listing the replication slots");
    QStringList names;
    while (query.next())
        names << query.value(0).toString();
    return names;
}

} // namespace tf::sync::cdc
