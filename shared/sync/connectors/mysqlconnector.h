#pragma once

#include "mysqlcatalog.h"
#include "sync/connector.h"
#include "sync/rangechecksums.h"
#include "sync/tablechecksums.h"

#include <QHash>
#include <QSqlQuery>

#include <memory>

namespace tf::sync {

namespace mysql {
class Session;
class StateStore;
struct PagedRead;
} // namespace mysql

// A MySQL or MariaDB database (`kind: mysql`) as source and target, through QMYSQL.
// docs/connectors/mysql.md describes settings, modes, the type mapping and the limits.
//
// Reading: a read from the start is one SELECT ordered by key, streamed on libmariadb's C API
// (mysql_use_result, mysqlstream.h) inside one consistent-snapshot transaction. QMYSQL buffers
// every result set whole (mysql_store_result), so a read past a checkpoint is paged by key
// (keyset pagination, batchSize rows a page) in one such transaction: memory stays at a few
// batches either way and every row comes from the same snapshot. readAll, readSince and
// readKeyHashes read on a thread and connection of their own, a batch or two ahead of the
// engine (PrefetchingBatchSource). Values arrive as text the
// server builds (mysqlvalues.h), so DECIMAL keeps every digit and DATETIME(6) its
// microseconds. Hash mode hashes on the server (MD5 over the same text), so unchanged rows
// do not travel; with a single integer key and the state in PostgreSQL it goes by blocks
// (RangeChecksums::blockSums, mysqlblocks.cpp): one aggregate scan of the table, and only
// blocks whose sums differ from the stored ones are hashed row by row and read.
//
// Writing: one InnoDB transaction per batch: multi-row INSERT ... ON DUPLICATE KEY UPDATE,
// deletes by DELETE ... JOIN a staging table, the sync state (tf_sync_state,
// tf_sync_checkpoint) and the checkpoint. Affected rows (1 insert, 2 update, 0 unchanged)
// give the write counts.
class MysqlConnector final : public SourceConnector, public TargetConnector, public RangeChecksums,
                             public TableChecksums
{
    Q_DISABLE_COPY_MOVE(MysqlConnector)
public:
    // Throws tf::Error(Validation) naming a bad setting; connects on first use.
    explicit MysqlConnector(const SystemSettings &settings);
    ~MysqlConnector() override;

    EntityDescription describe(const QString &entity) override;
    QStringList entities() override;

    void readAll(const ReadRequest &request, const BatchSink &sink) override;
    bool hashesAtSource() const override { return true; }
    void readKeyHashes(const ReadRequest &request, const KeyHashSink &sink) override;
    QByteArray hashRow(const Row &row, const Schema &schema) const override;
    void readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink) override;
    // Date and time cursors: the start of the oldest transaction of another connection
    // (information_schema.innodb_trx, which needs the PROCESS privilege), or now. Other
    // cursors hold the checkpoint while another connection has a transaction open.
    CursorHorizon cursorHorizon(const QString &entity, const QString &cursorColumn) override;
    void readSince(const ReadRequest &request, const QString &cursorColumn, const std::optional<Checkpoint> &after,
                   const BatchSink &sink) override;
    // information_schema.TABLES.TABLE_ROWS (InnoDB's estimate); past a checkpoint unknown.
    qint64 estimateRows(const ReadRequest &request, const QString &cursorColumn,
                        const std::optional<Checkpoint> &after) override;

    // Hash mode by blocks (mysqlblocks.cpp). Only blockSums and rangeHashes are offered:
    // canRangeBy is false, so verify never compares these MD5-based sums with another system's.
    bool canRangeBy(const QString &, const QString &) override { return false; }
    bool typedRangeHash() override { return true; }
    QList<RangeSum> rangeSums(const ReadRequest &request, const KeyRange &range, const QStringList &splits,
                              RangeHash hash) override;
    bool splitsCheaply(const ReadRequest &) override { return false; }
    QStringList splitPoints(const ReadRequest &request, const KeyRange &range, int parts) override;
    QHash<QString, qint64> rangeHashes(const ReadRequest &request, const QList<KeyRange> &ranges,
                                       RangeHash hash) override;
    std::optional<QHash<qint64, RangeSum>> blockSums(const ReadRequest &request, qint64 width) override;
    // CHECKSUM TABLE in a consistent snapshot on the read connection, which blockSums then reads
    // in (mysqlchecksum.cpp): MariaDB and InnoDB tables with a block key only (MariaDB's InnoDB
    // checksums the snapshot's rows; MySQL's was not verified, so it gets none).
    std::optional<TableChecksum> openChecksumSnapshot(const ReadRequest &request) override;
    bool closeChecksumSnapshot() noexcept override;
    void checksumNextRead(const ReadRequest &request) override;
    std::optional<TableChecksum> readChecksum() override { return std::exchange(m_readChecksum, std::nullopt); }

    bool isTransactional() const override { return true; }
    void apply(const ChangeBatch &batch) override;
    bool countsWrites() const override { return true; }
    bool isEmpty(const QString &entity) override;
    StateStore &stateStore() override;
    QList<FieldError> unrepresentable(const QString &entity, const Schema &schema, const Row &row) override;
    bool hasUniqueKey(const QString &entity, const QStringList &columns) override;
    QSet<QString> existingValues(const QString &entity, const QString &column, ValueType type,
                                 const QList<QVariant> &values) override;

    // For cdc (cdc::MysqlCdcTarget), on the same write connection and with the same encoding as
    // apply(): the session, a table as described, and apply()'s upsert half (INSERT ... ON
    // DUPLICATE KEY UPDATE) inside the caller's open write transaction.
    mysql::Session &session() { return *m_session; }
    // Reads from the start (readAll, readKeyHashes, a readSince without checkpoint) stream one
    // SELECT on libmariadb (mysqlstream.h); off, they go by keyset pages through QMYSQL as reads
    // past a checkpoint do. On by default; tests and the benchmark compare the two.
    void setStreamedReads(bool on) { m_streamedReads = on; }
    const mysql::Table &table(const QString &entity);
    void writeUpserts(const ChangeBatch &batch);

private:
    void readMaxPacket();
    mysql::StateStore &ownStateStore();
    QList<mysql::ColumnInfo> selected(const mysql::Table &table, const QStringList &columns) const;
    // The single signed integer key column of a read, or nullptr (blocks need one).
    const mysql::ColumnInfo *blockKey(const ReadRequest &request);
    // The fingerprint of what the row hashes of `request` cover, when its table has a checksum
    // (MariaDB, InnoDB, a block key); nullopt otherwise (mysqlchecksum.cpp).
    std::optional<QString> checksumFingerprint(const ReadRequest &request);
    void writeRows(const mysql::Table &table, const ChangeBatch &batch, WriteCounts *counts);
    void deleteRows(const mysql::Table &table, const ChangeBatch &batch);

    std::unique_ptr<mysql::Session> m_session;
    std::unique_ptr<mysql::StateStore> m_stateStore;
    QHash<QString, mysql::Table> m_tables;
    qint64 m_maxPacket = 0;
    bool m_streamedReads = true;
    std::optional<bool> m_mariaDb;
    qint64 m_snapshotConnection = 0; // the read connection's id while a checksum snapshot is open
    // checksumNextRead's request (entity in `checksum`, and the fingerprint), and the checksum of
    // the last read that took one.
    std::optional<TableChecksum> m_nextReadChecksum;
    std::optional<TableChecksum> m_readChecksum;
};

} // namespace tf::sync
