#pragma once

#include "sync/row.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tf::db {
class Database;
}

namespace tf::sync::cdc {

// One target table of a cdc pair, as its writers see it: the quoted name, the schema of the
// mapped rows and the key. Throws tf::Error (Validation) without key columns.
class CdcTargetTable
{
protected:
    // table: the target table's name in schema; rows come in `rowSchema`'s column order.
    CdcTargetTable(const db::Database &target, const QString &schema, const QString &table,
                   SchemaPtr rowSchema, QStringList keyColumns);

    const db::Database &m_target;
    QString m_table; // "schema"."table"
    SchemaPtr m_schema;
    QStringList m_keyColumns;
    QList<int> m_keyIndexes; // in m_schema
};

// Writes one table's mapped changes to a PostgreSQL target inside the caller's transaction
// (the one that also saves the position), one statement per row (one round trip: libpq's
// PQexecParams on the connection's handle), every value bound as its PostgreSQL input text
// (pg::inputText). Unlike a batch apply it opens no transaction of its own, and an update can
// leave columns untouched: the values the source did not send.
class CdcTargetWriter final : private CdcTargetTable
{
public:
    // As CdcTargetTable.
    CdcTargetWriter(const db::Database &target, const QString &schema, const QString &table,
                    SchemaPtr rowSchema, QStringList keyColumns);

    // Insert, or overwrite every column of the row with the same key.
    void upsert(const Row &row);
    // Sets the columns not flagged unchanged on the row whose key is `where` (the old key of
    // a key change, else the row's own). False when no row has that key: the caller cannot
    // write the row whole (it lacks the unchanged values) and quarantines it.
    bool update(const Row &row, const QList<bool> &unchanged, const KeyValues &where);
    // Deletes the row with this key; false when there was none.
    bool remove(const KeyValues &key);
    // soft_delete: sets `column` to true on the row with this key; whether it was there.
    bool markDeleted(const KeyValues &key, const QString &column);
    // TRUNCATE of the source table: every row deleted, or (soft_delete) flagged. Rows affected.
    qint64 removeAll();
    qint64 markAllDeleted(const QString &column);

private:
    QByteArray bound(const QVariant &value, int column) const;
    QString keyCondition(int firstParameter) const;
    void appendKey(QList<QByteArray> &params, const KeyValues &key) const;
    // Rows `statement` returns (a DML statement with RETURNING, or a SELECT).
    qint64 count(const QString &statement, const char *what,
                 const QList<QByteArray> &params = {}) const;
};

} // namespace tf::sync::cdc
