#include "cdctarget.h"

#include "cdctablekeys.h"
#include "core/errors.h"
#include "db/connection.h"
#include "mysqlcdctarget.h"
#include "odbccdctarget.h"
#include "pgcdctarget.h"
#include "sqlitecdctarget.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"

namespace tf::sync::cdc {

namespace {

class DbTransaction final : public CdcTransaction
{
public:
    explicit DbTransaction(const db::Database &database)
        : m_transaction(database)
    { }
    void commit() override { m_transaction.commit(); }

private:
    db::Transaction m_transaction;
};

} // namespace

QList<int> keyIndexesOf(const Schema &rowSchema, const QStringList &keyColumns, const QString &table)
{
    const QList<int> indexes = rowSchema.indexesOf(keyColumns);
    if (keyColumns.isEmpty() || indexes.size() != keyColumns.size())
        throw Error(Error::Kind::Validation,
                    QStringLiteral("writing changes to '%1': the rows lack key columns (%2)")
                        .arg(table, keyColumns.join(QStringLiteral(", "))));
    return indexes;
}

ChangeBatch upsertBatch(const QString &entity, const QStringList &keyColumns, SchemaPtr rowSchema,
                        const QList<Row> &rows)
{
    ChangeBatch batch;
    batch.entity = entity;
    batch.keyColumns = keyColumns;
    batch.schema = std::move(rowSchema);
    batch.upserts = rows;
    return batch;
}

KeyValues keyOfRow(const Row &row, const QList<int> &keyIndexes)
{
    KeyValues key;
    for (const int index : keyIndexes)
        key << row.value(index);
    return key;
}

QSet<qsizetype> updateEach(CdcTableWriter &writer, const QList<Row> &rows,
                           const QList<bool> &unchanged, const QList<int> &keyIndexes)
{
    QSet<qsizetype> missing;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (!writer.updateAt(rows.at(i), unchanged, keyOfRow(rows.at(i), keyIndexes)))
            missing.insert(i);
    }
    return missing;
}

std::unique_ptr<CdcTransaction> beginDbTransaction(const db::Database &database)
{
    return std::make_unique<DbTransaction>(database);
}

QStringList cdcTargetKinds()
{
    return { QStringLiteral("postgres"), QStringLiteral("sqlite"), QStringLiteral("mysql"), QStringLiteral("odbc"),
             QStringLiteral("sqlserver") };
}

// The one place that maps a target connector to its CdcTarget.
std::unique_ptr<CdcTarget> openCdcTarget(TargetConnector &target)
{
    if (auto *postgres = dynamic_cast<PostgresConnector *>(&target))
        return std::make_unique<PgCdcTarget>(postgres->url(), postgres->schemaName());
    if (auto *sqlite = dynamic_cast<SqliteConnector *>(&target))
        return std::make_unique<SqliteCdcTarget>(sqlite->database());
    if (auto *mysql = dynamic_cast<MysqlConnector *>(&target))
        return std::make_unique<MysqlCdcTarget>(*mysql);
    if (auto *odbc = dynamic_cast<OdbcConnector *>(&target)) // kind odbc and kind sqlserver
        return std::make_unique<OdbcCdcTarget>(*odbc);
    throw Error(Error::Kind::Validation,
                QStringLiteral("mode cdc writes only to a transactional target of kind %1 (each "
                               "source transaction and its position in one target transaction)")
                    .arg(cdcTargetKinds().join(QStringLiteral(", "))));
}

} // namespace tf::sync::cdc
