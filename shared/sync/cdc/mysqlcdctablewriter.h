#pragma once

#include "cdctarget.h"
#include "sync/connectors/mysqlcatalog.h"

namespace tf::sync {
class MysqlConnector;
}

namespace tf::sync::cdc {

// A table of a MariaDB/MySQL target of a cdc pair, written on the connector's write connection
// inside the caller's InnoDB transaction, values bound only. Upserts go through the connector's
// own apply() writer (MysqlConnector::writeUpserts: INSERT ... ON DUPLICATE KEY UPDATE); partial
// updates, deletes and soft deletes bind every value through mysql::toParameter and compare keys
// through mysql::parameterExpression, as apply() does: a streamed row is stored exactly as the
// full load (the snapshot) stores it. Affected rows count only rows an UPDATE changed
// (CLIENT_FOUND_ROWS is off), so a row's presence is read first (SELECT ... FOR UPDATE). A key
// MariaDB cannot hold (its row was quarantined) matches no row: never bound, never clamped.
class MysqlCdcTableWriter final : public CdcTableWriter
{
public:
    // Throws tf::Error(NotFound) without such a table, (Validation) without key columns.
    MysqlCdcTableWriter(MysqlConnector &target, const QString &table, SchemaPtr rowSchema,
                        QStringList keyColumns);

    void upsert(const QList<Row> &rows) override;
    QSet<qsizetype> update(const QList<Row> &rows, const QList<bool> &unchanged) override;
    bool updateAt(const Row &row, const QList<bool> &unchanged, const KeyValues &where) override;
    qint64 remove(const QList<Row> &keyRows, const QString &softDeleteColumn) override;
    qint64 removeAll() override;
    qint64 markAllDeleted(const QString &column) override;

private:
    QString keyCondition() const;
    void appendKey(QVariantList &values, const KeyValues &key) const;
    // False when MariaDB cannot hold a part of `key` (a year past 9999, 40 integer digits):
    // no row has it, and bound it would be compared as what MariaDB makes of it (40 digits as
    // DECIMAL(65,30)'s largest value, with a warning), which may be another row's key.
    bool holdable(const KeyValues &key) const;
    bool exists(const KeyValues &key); // false for a key not holdable()
    QVariant flagTrue(const QString &column) const; // soft_delete's true, as apply() binds it
    qint64 changed(const QString &sql, const QVariantList &values, const char *what);

    MysqlConnector &m_target;
    mysql::Table m_table;
    SchemaPtr m_schema;
    QStringList m_keyColumns;
    QList<int> m_keyIndexes; // in m_schema
};

} // namespace tf::sync::cdc
