#include "postgrescatalog.h"

#include "core/errors.h"
#include "db/connection.h"

#include <QMutexLocker>
#include <QSqlQuery>

namespace tf::sync::pg {

namespace {

const QString kColumnsSql = QStringLiteral(
    "SELECT a.attname, format_type(a.atttypid, NULL),"
    " CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END, a.attnotnull,"
    " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END"
    " FROM pg_catalog.pg_attribute a"
    " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
    " LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype"
    " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    " AND a.attnum > 0 AND NOT a.attisdropped"
    " ORDER BY a.attnum");

const QString kPrimaryKeySql = QStringLiteral(
    "SELECT a.attname FROM pg_catalog.pg_index i"
    " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
    " WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary"
    " ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)");

const QString kUniqueKeysSql = QStringLiteral(
    "SELECT i.indexrelid, a.attname FROM pg_catalog.pg_index i"
    " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
    " WHERE n.nspname = ? AND c.relname = ? AND i.indisunique AND i.indpred IS NULL"
    " AND NOT (0 = ANY(CAST(i.indkey AS int2[])))"
    " ORDER BY i.indexrelid, array_position(CAST(i.indkey AS int2[]), a.attnum)");

const QString kTablesSql
    = QStringLiteral("SELECT c.relname FROM pg_catalog.pg_class c"
                     " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                     " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                     " AND c.relname NOT IN ('tf_sync_state', 'tf_sync_checkpoint', 'tf_sync_state_blocks',"
                     " 'tf_sync_state_blocks_w10', 'tf_sync_pending', 'tf_sync_source_checksum')"
                     " ORDER BY c.relname");

} // namespace

PgCatalog::PgCatalog(const db::Database &database, QString schema)
    : m_database(database)
    , m_schema(std::move(schema))
{ }

PgTable PgCatalog::table(const QString &name, bool refresh)
{
    {
        QMutexLocker locker(&m_mutex);
        const auto it = m_cache.constFind(name);
        if (!refresh && it != m_cache.cend())
            return it.value();
    }
    PgTable loaded = load(name);
    QMutexLocker locker(&m_mutex);
    m_cache.insert(name, loaded);
    return loaded;
}

PgTable PgCatalog::load(const QString &name) const
{
    PgTable table;
    table.schema = m_schema;
    table.name = name;

    QSqlQuery columns = m_database.prepare(kColumnsSql);
    columns.addBindValue(m_schema);
    columns.addBindValue(name);
    m_database.exec(columns, "describing a table");
    while (columns.next()) {
        PgColumn column;
        column.name = columns.value(0).toString();
        column.sqlType = columns.value(1).toString();
        column.baseName = columns.value(2).toString();
        column.type = valueTypeForPgType(column.baseName);
        column.nullable = !columns.value(3).toBool();
        column.typmod = columns.value(4).toInt();
        table.columns << column;
    }
    if (table.columns.isEmpty()) {
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("PostgreSQL table %1 does not exist (or has no columns)")
                        .arg(table.qualifiedName()),
                    QJsonObject { { QStringLiteral("schema"), m_schema },
                                  { QStringLiteral("table"), name } });
    }

    QSqlQuery key = m_database.prepare(kPrimaryKeySql);
    key.addBindValue(m_schema);
    key.addBindValue(name);
    m_database.exec(key, "reading a primary key");
    while (key.next())
        table.primaryKey << key.value(0).toString();
    return table;
}

QList<QStringList> PgCatalog::uniqueKeys(const QString &name) const
{
    QSqlQuery query = m_database.prepare(kUniqueKeysSql);
    query.addBindValue(m_schema);
    query.addBindValue(name);
    m_database.exec(query, "reading unique indexes");
    QList<QStringList> keys;
    qint64 index = -1;
    while (query.next()) {
        const qint64 oid = query.value(0).toLongLong();
        if (oid != index || keys.isEmpty()) {
            keys << QStringList();
            index = oid;
        }
        keys.last() << query.value(1).toString();
    }
    return keys;
}

QStringList PgCatalog::tables() const
{
    QSqlQuery query = m_database.prepare(kTablesSql);
    query.addBindValue(m_schema);
    m_database.exec(query, "listing tables");
    QStringList names;
    while (query.next())
        names << query.value(0).toString();
    return names;
}

QString PgCatalog::stateTable() const
{
    return quoteIdentifier(m_schema) + QStringLiteral(".tf_sync_state");
}

QString PgCatalog::checkpointTable() const
{
    return quoteIdentifier(m_schema) + QStringLiteral(".tf_sync_checkpoint");
}

QString PgCatalog::pendingTable() const
{
    return quoteIdentifier(m_schema) + QStringLiteral(".tf_sync_pending");
}

QString PgCatalog::stateBlocksTable() const
{
    return quoteIdentifier(m_schema) + QStringLiteral(".tf_sync_state_blocks_w10");
}

QString PgCatalog::sourceChecksumTable() const
{
    return quoteIdentifier(m_schema) + QStringLiteral(".tf_sync_source_checksum");
}

QString PgCatalog::schemaObject(const QString &name) const
{
    return quoteIdentifier(m_schema) + QLatin1Char('.') + quoteIdentifier(name);
}

} // namespace tf::sync::pg
