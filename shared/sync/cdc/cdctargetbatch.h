#pragma once

#include "cdctargetwriter.h"
#include "sync/row.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace tf::db {
class Database;
}

namespace tf::sync::cdc {

// The set-based twin of CdcTargetWriter for a run of many changes of one kind to one table
// (a large or busy source transaction): the rows go by COPY into a temporary table, then one
// statement merges them, inside the caller's transaction (the one that also saves the
// position). The temporary table lives until that transaction ends (ON COMMIT DROP), so a
// rolled-back batch leaves nothing behind. Values are written as the full load's COPY writes
// them (pg::appendCopyField). Where a key appears more than once in a run, its last row wins,
// as it would statement by statement.
class CdcTargetBatch final : private CdcTargetTable
{
public:
    // As CdcTargetTable.
    CdcTargetBatch(const db::Database &target, const QString &schema, const QString &table,
                   SchemaPtr rowSchema, QStringList keyColumns);

    // INSERT ... ON CONFLICT (key) DO UPDATE of every column.
    void upsert(const QList<Row> &rows);
    // Sets the columns not flagged unchanged on the rows with the rows' keys. Returns the
    // indexes of the rows whose key the table does not hold (nothing written for them).
    QSet<qsizetype> update(const QList<Row> &rows, const QList<bool> &unchanged);
    // Deletes, or (softDeleteColumn not empty) flags, the rows with these keys (rows in
    // rowSchema order; only the key columns are read). Rows found.
    qint64 remove(const QList<Row> &keys, const QString &softDeleteColumn = {});

private:
    QString stage(const QList<Row> &rows, bool keysOnly); // COPY; returns the temp table
    QString keyMatch(const QString &left, const QString &right) const;
    QString lastPerKey(const QString &temp, const QString &columns) const;

    QString m_temp;
};

} // namespace tf::sync::cdc
