#pragma once

#include "pairspec.h"
#include "runtypes.h"
#include "stateroute.h"
#include "sync/cdc/changedecoder.h"
#include "sync/cdc/pgreplicationstream.h"
#include "sync/cdc/slotsafety.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QObject>
#include <atomic>
#include <functional>
#include <memory>

class QEventLoop;

namespace tf::db {
class Database;
class Transaction;
struct DatabaseUrl;
} // namespace tf::db

namespace tf::sync {

namespace cdc {
class CdcPositions;
class CdcTarget;
class CdcTransaction;
} // namespace cdc
class CdcEntityWriter;
class CdcSchemaGate;
class PostgresConnector;
class TargetConnector;
class QuarantineStore;
class ResilientCall;

// What a cdc run reports while it streams (after every target commit and on every check).
struct CdcProgress
{
    cdc::Lsn applied = 0; // end LSN of the last source transaction (or idle position) committed
    qint64 transactions = 0; // source transactions applied by this run
    qint64 commits = 0; // target commits (several small source transactions share one when busy)
    qint64 skipped = 0; // source transactions at or before the stored position (a restart)
    qint64 lagBytes = -1; // the slot's pg_current_wal_lsn() - confirmed_flush_lsn, -1 unknown
    QString walStatus;
    EntityStats totals;
};

struct CdcRunOptions
{
    qint64 operationId = 0;
    const std::atomic_bool *cancel = nullptr; // checked every checkIntervalMs: ends the run
    // After each target commit and each check; false (the lease is lost) ends the run.
    std::function<bool(const CdcProgress &)> progress;
    std::function<void(const QString &rule, const QString &message)> alert;
    std::function<void(const QString &line)> log; // operation log lines
    // After each target commit, once per source transaction it holds: seconds from the source
    // commit (pgoutput Commit timestamp) to the end of the target commit (metrics).
    std::function<void(double seconds)> latency;
    int statusIntervalMs = 10000; // standby status updates
    int checkIntervalMs = 5000; // cancel, slot check, progress
    int maxTransactionsPerCommit = 500; // small source transactions batched when busy
    // The control database, for the pair's held schema changes (cdc_schema_changes, CdcSchemaGate).
    // nullptr: a schema change only stops the run (tests of the stream alone).
    const db::Database *control = nullptr;
};

// cdc mode (docs/cdc.md, "Exactly once"): a PostgreSQL source followed through its logical
// replication slot into a transactional target: PostgreSQL, SQLite, MySQL/MariaDB or ODBC (cdc::CdcTarget).
//
// First run (no stored position): the pair's publication, then a slot with an exported
// snapshot; the tables are loaded whole by SyncRunner (the full-load path, mapping, validation,
// quarantine) with the source's reads under that snapshot; the slot's consistent point is then
// saved in the target's tf_cdc_position and streaming starts there. A failure during the load drops the slot:
// the next attempt starts over, never from "now".
//
// Streaming: every source transaction is applied inside one target transaction that also
// saves (pair, slot, end LSN); the stream is told flush = that LSN only after the commit.
// While the stream is busy, consecutive source transactions share a target transaction (never
// splitting one); a large transaction is written as it arrives, never held in memory. Idle
// keepalive positions are saved, then confirmed. A restart streams from the stored position
// and the decoder skips every transaction that ends at or before it. The slot is checked
// (checkSlot) before streaming and every check interval: a problem ends the run with an alert
// (rule "cdc_slot") naming the repair.
//
// run() blocks, running an event loop on the calling thread, until cancelled, the lease is
// lost, or a failure; it never throws.
class CdcExecutor final : public QObject,
                          private cdc::PgReplicationHandler,
                          private cdc::SourceChangeSink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CdcExecutor)
public:
    // target: any kind cdc::openCdcTarget() accepts (PostgreSQL, SQLite); run() fails with
    // Validation for another.
    CdcExecutor(PairSpec pair, PostgresConnector &source, TargetConnector &target,
                QuarantineStore &quarantine, DetachedStateStore controlState = {});
    ~CdcExecutor() override;

    RunResult run(const CdcRunOptions &options);

    // "tf_pair_<id>" and "tf_pair_<id>_pub" (docs/cdc.md, Names).
    static QString slotName(const QString &pairId);
    static QString publicationName(const QString &pairId);
    // A deleted pair's slot and publication, where they exist. Throws tf::Error.
    static void dropReplication(const db::DatabaseUrl &source, const QString &pairId);

private:
    // cdcexecutor.cpp: the stream; cdcexecutorsnapshot.cpp: the initial snapshot;
    // cdcexecutorschema.cpp: held schema changes.
    void prepare();
    cdc::Lsn initialSnapshot(cdc::PgReplicationConnection *connection);
    void stream(std::unique_ptr<cdc::PgReplicationConnection> connection, cdc::Lsn start);
    void check();
    void report();
    void log(const QString &line) const;
    QStringList sourceTables() const; // the pair's source tables (its publication)

    // PgReplicationHandler
    void onMessage(const cdc::PgOutputMessage &message, cdc::Lsn walStart) override;
    void onKeepalive(cdc::Lsn walEnd) override;
    // SourceChangeSink
    void beginTransaction(const cdc::BeginMessage &begin) override;
    void change(const cdc::SourceChange &change) override;
    void commitTransaction(const cdc::CommitMessage &commit) override;
    void relationChanged(const cdc::RelationPtr &before, const cdc::RelationPtr &after) override;
    void checkRelation(const cdc::RelationMessage &relation);
    [[noreturn]] void holdChange(const QJsonObject &before, const cdc::RelationMessage &after);

    void buildWriters();
    void emptyUnfinishedSnapshot(cdc::CdcPositions &positions);
    void openTargetTransaction();
    void commitTarget(); // writes the held changes, saves the position, commits, confirms
    void flushWriters();
    void reportLatency(); // of the source transactions the target commit just held
    void scheduleCommit();
    void stopWith(const QString &error, const QString &code = {});
    CdcEntityWriter *writerFor(const cdc::RelationMessage &relation);

    PairSpec m_pair;
    PostgresConnector &m_source;
    TargetConnector &m_target;
    QuarantineStore &m_quarantine;
    DetachedStateStore m_controlState;
    CdcRunOptions m_options;
    QString m_slot;
    QString m_sourceSchema;
    cdc::SystemIdentity m_server;

    std::unique_ptr<db::Database> m_sourceDb; // catalog: publication, slot state
    std::unique_ptr<cdc::CdcTarget> m_cdcTarget; // the stream's writes and positions
    std::unique_ptr<ResilientCall> m_targetCalls;
    QList<std::shared_ptr<CdcEntityWriter>> m_writers; // in m_pair.entities order
    // Approved schema changes not streamed past yet: the table's changes before the new shape
    // arrives are mapped with the definition the approval replaced (by source table name).
    QHash<QString, std::shared_ptr<CdcEntityWriter>> m_previousWriters;
    std::unique_ptr<CdcSchemaGate> m_gate;
    QList<qint64> m_passedChanges; // approved changes streamed past, applied at the next commit
    QSet<quint32> m_seenRelations; // relation ids described in this session
    cdc::Lsn m_messageLsn = 0; // walStart of the message being handled (else m_transactionLsn)
    cdc::Lsn m_transactionLsn = 0; // the commit LSN of the source transaction being read
    bool m_changesInTransaction = false; // the current source transaction wrote to the target
    CdcEntityWriter *m_heldWriter = nullptr; // the writer holding a run of changes, if any
    std::unique_ptr<cdc::ChangeDecoder> m_decoder;
    std::unique_ptr<cdc::PgReplicationStream> m_stream;
    std::unique_ptr<cdc::CdcTransaction> m_transaction; // the open target transaction, if any
    cdc::Lsn m_pendingEnd = 0; // end LSN of the last source transaction in m_transaction
    int m_pendingTransactions = 0;
    QList<qint64> m_pendingCommitTimes; // source commit times (pg epoch µs), when latency is asked
    bool m_commitScheduled = false;
    cdc::Lsn m_applied = 0; // saved and committed
    QElapsedTimer m_sinceIdleSave; // the last idle (keepalive) position saved
    static constexpr qint64 kIdleSaveMs = 1000;
    CdcProgress m_progress;
    QString m_error;
    QString m_errorCode;
    bool m_stopped = false;
    QEventLoop *m_loop = nullptr;
};

} // namespace tf::sync
