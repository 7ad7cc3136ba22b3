#pragma once

#include "cdctarget.h"
#include "sync/connectors/odbccatalog.h"

namespace tf::sync {
class OdbcConnector;
}

namespace tf::sync::cdc {

// A table of an ODBC target of a cdc pair (`kind: odbc`, `kind: sqlserver`), written on the
// connector's connection inside the caller's ODBC transaction, values bound only. Upserts go
// through the connector's own apply() writer (OdbcConnector::writeUpserts: MERGE on SQL Server,
// INSERT ... ON CONFLICT on PostgreSQL and SQLite, DELETE then INSERT elsewhere; as many rows a
// statement as the parameter limit allows), deletes through its batched delete by key; partial
// updates, soft deletes and TRUNCATE (odbccdcstatements.h) bind every value through
// odbc::toParameter and compare through odbc::Dialect::parameter, as apply() does: a streamed
// row is stored exactly as the full load (the snapshot) stores it. Affected-row counts are the
// rows a statement matched (no ODBC database here counts only changed rows).
class OdbcCdcTableWriter final : public CdcTableWriter
{
public:
    // Throws tf::Error(NotFound) without such a table, (Validation) without key columns.
    OdbcCdcTableWriter(OdbcConnector &target, const QString &table, SchemaPtr rowSchema,
                       QStringList keyColumns);

    void upsert(const QList<Row> &rows) override;
    QSet<qsizetype> update(const QList<Row> &rows, const QList<bool> &unchanged) override;
    bool updateAt(const Row &row, const QList<bool> &unchanged, const KeyValues &where) override;
    qint64 remove(const QList<Row> &keyRows, const QString &softDeleteColumn) override;
    qint64 removeAll() override;
    qint64 markAllDeleted(const QString &column) override;

private:
    QVariant parameter(int schemaIndex, const QVariant &value) const;
    void appendKey(QVariantList &values, const KeyValues &key) const;
    QVariant
    flagTrue(const odbc::ColumnInfo &flag) const; // soft_delete's true, as apply() binds it

    OdbcConnector &m_target;
    odbc::Table m_table;
    SchemaPtr m_schema;
    QStringList m_keyColumns;
    QList<int> m_keyIndexes; // in m_schema
    QList<odbc::ColumnInfo> m_keys; // the key columns as the table describes them
};

} // namespace tf::sync::cdc
