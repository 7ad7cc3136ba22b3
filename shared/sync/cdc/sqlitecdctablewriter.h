#pragma once

#include "cdctarget.h"
#include "sync/connectors/sqlitetable.h"

class QSqlQuery;

namespace tf::db {
class Database;
}

namespace tf::sync::cdc {

// A table of an SQLite target of a cdc pair, written inside the caller's BEGIN IMMEDIATE
// transaction with bound values only. Upserts and deletes go through the SQLite connector's own
// batch writer (sqlite::writeBatch: INSERT ... ON CONFLICT (key) DO UPDATE, DELETE by key); partial
// updates and soft deletes bind every value through sqlite::boundValue. Either way a streamed row
// is stored exactly as the full load (the snapshot) stores it.
class SqliteCdcTableWriter final : public CdcTableWriter
{
public:
    // Throws tf::Error(NotFound) without such a table, (Validation) without key columns.
    SqliteCdcTableWriter(const db::Database &target, const QString &table, SchemaPtr rowSchema,
                         QStringList keyColumns);

    void upsert(const QList<Row> &rows) override;
    QSet<qsizetype> update(const QList<Row> &rows, const QList<bool> &unchanged) override;
    bool updateAt(const Row &row, const QList<bool> &unchanged, const KeyValues &where) override;
    qint64 remove(const QList<Row> &keyRows, const QString &softDeleteColumn) override;
    qint64 removeAll() override;
    qint64 markAllDeleted(const QString &column) override;

private:
    QString quoted(const QString &name) const;
    QString keyCondition() const;
    // Binds `key` from position `first` on (typed as the row schema's key columns).
    void bindKey(QSqlQuery &query, int first, const KeyValues &key) const;
    QVariant bound(int column, const QVariant &value) const;
    QVariant boundTrue(const QString &column) const; // soft_delete's flag, as the column stores it
    qint64 changeCount(const QString &sql, const char *what, const QList<QVariant> &values) const;

    const db::Database &m_target;
    sqlite::Table m_table;
    SchemaPtr m_schema;
    QStringList m_keyColumns;
    QList<int> m_keyIndexes; // in m_schema
};

} // namespace tf::sync::cdc
