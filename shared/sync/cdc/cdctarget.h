#pragma once

#include "slotsafety.h"
#include "sync/row.h"

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync {
class TargetConnector;
}

namespace tf::sync::cdc {

// One target table of a cdc pair, as the stream writes it: runs of changes of one kind, in the
// order the source made them, inside the target transaction the caller opened (the one that also
// saves the position). Rows come in the row schema's column order (the mapped target columns);
// key rows hold values in the key columns only. Values are written exactly as the target
// connector's full load writes them, so the snapshot's rows and the streamed rows are identical.
class CdcTableWriter
{
public:
    virtual ~CdcTableWriter() = default;

    // Insert, or overwrite every column of the row with the same key (the last row of a key wins).
    virtual void upsert(const QList<Row> &rows) = 0;
    // Sets the columns not flagged unchanged (unchanged TOAST values: left untouched) on the
    // rows with the rows' keys. Returns the indexes of the rows whose key the table does not
    // hold: nothing is written for them (the caller cannot write them whole: it quarantines them).
    virtual QSet<qsizetype> update(const QList<Row> &rows, const QList<bool> &unchanged) = 0;
    // The same for one row found under `where` (the old key of a key change); false: not there.
    virtual bool updateAt(const Row &row, const QList<bool> &unchanged, const KeyValues &where) = 0;
    // Deletes, or (softDeleteColumn not empty: soft_delete) sets that column to true on, the rows
    // with these keys. Returns the rows found.
    virtual qint64 remove(const QList<Row> &keyRows, const QString &softDeleteColumn) = 0;
    // TRUNCATE of the source table: every row deleted, or flagged. Rows affected.
    virtual qint64 removeAll() = 0;
    virtual qint64 markAllDeleted(const QString &column) = 0;
};

// The key of a row whose key columns are at `keyIndexes`.
KeyValues keyOfRow(const Row &row, const QList<int> &keyIndexes);
// CdcTableWriter::update() row by row: updateAt() under each row's own key; the rows not found.
QSet<qsizetype> updateEach(CdcTableWriter &writer, const QList<Row> &rows,
                           const QList<bool> &unchanged, const QList<int> &keyIndexes);

// Where a cdc pair's target stands, stored in the target itself (tf_cdc_position) and saved in
// the same target transaction as the changes it covers; and the mark of a snapshot under way
// (tf_cdc_snapshot). Calls run inside whatever transaction is open on the target.
class CdcPositions
{
public:
    virtual ~CdcPositions() = default;

    // Creates the two tables where they do not exist yet.
    virtual void ensureTable() = 0;
    virtual std::optional<StoredPosition> load(const QString &pairId, const QString &slot) = 0;
    // Upserts the position; never backwards: an end LSN below the stored one is not saved (false).
    virtual bool save(const QString &pairId, const StoredPosition &position) = 0;
    virtual void remove(const QString &pairId, const QString &slot) = 0;
    // Set (committed) before a snapshot writes its first row, cleared in the transaction that
    // saves its consistent point.
    virtual void markSnapshot(const QString &pairId, const QString &slot) = 0;
    virtual std::optional<QDateTime> snapshotMark(const QString &pairId, const QString &slot) = 0;
    virtual void clearSnapshot(const QString &pairId, const QString &slot) = 0;
};

// An open target transaction: commit() makes its writes durable; destroyed uncommitted, it
// rolls them back.
class CdcTransaction
{
public:
    virtual ~CdcTransaction() = default;
    virtual void commit() = 0;
};

// A QtSql target's transaction (db::Transaction: BEGIN, or BEGIN IMMEDIATE on SQLite).
std::unique_ptr<CdcTransaction> beginDbTransaction(const db::Database &database);

// The target side of a cdc pair: one transactional target database, its table writers and its
// position store. openCdcTarget() picks the implementation by the target connector's kind.
// Used from one thread (the stream's).
class CdcTarget
{
public:
    virtual ~CdcTarget() = default;

    // Opens the target transaction.
    virtual std::unique_ptr<CdcTransaction> begin() = 0;
    // `table` in the target (a PostgreSQL target: in its schema); rows in `rowSchema` order.
    // Throws tf::Error(Validation) without key columns.
    virtual std::unique_ptr<CdcTableWriter> tableWriter(const QString &table, SchemaPtr rowSchema,
                                                        const QStringList &keyColumns) = 0;
    virtual CdcPositions &positions() = 0;
    // Closes this thread's connection (a caller on a short-lived thread).
    virtual void close() = 0;
};

// The target kinds cdc streams into ("postgres", "sqlite", "mysql", "odbc", "sqlserver"):
// transactional, with a CdcTarget.
QStringList cdcTargetKinds();

// The CdcTarget of a target connector. Throws tf::Error(Validation) naming what is needed when
// cdc cannot write to it (a file target, or a kind without an implementation).
std::unique_ptr<CdcTarget> openCdcTarget(TargetConnector &target);

} // namespace tf::sync::cdc
