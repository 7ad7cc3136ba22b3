#include "cdcexecutor.h"

#include "batchvalidator.h"
#include "cdcentitywriter.h"
#include "cdcschemagate.h"
#include "circuitbreaker.h"
#include "core/errors.h"
#include "db/connection.h"
#include "entityplan.h"
#include "resilientcall.h"
#include "retrypolicy.h"
#include "sync/cdc/cdcpositionstore.h"
#include "sync/cdc/pgreplicationconnection.h"
#include "sync/cdc/pgsourcecatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "syncrunner.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QTimer>
#include <chrono>

Q_LOGGING_CATEGORY(lcCdc, "sync.cdc")

namespace tf::sync {

using namespace cdc;

namespace {

QString unavailableCode()
{
    return Error::codeFor(Error::Kind::Unavailable);
}

QStringList sourceTablesOf(const PairSpec &pair)
{
    QStringList tables;
    for (const EntitySpec &entity : pair.entities)
        tables << entity.sourceEntity;
    return tables;
}

} // namespace

CdcExecutor::CdcExecutor(PairSpec pair, PostgresConnector &source, PostgresConnector &target,
                         QuarantineStore &quarantine, DetachedStateStore controlState)
    : m_pair(std::move(pair))
    , m_source(source)
    , m_target(target)
    , m_quarantine(quarantine)
    , m_controlState(std::move(controlState))
    , m_slot(slotName(m_pair.pairId))
{ }

CdcExecutor::~CdcExecutor() = default;

QString CdcExecutor::slotName(const QString &pairId)
{
    return QStringLiteral("tf_pair_") + pairId;
}

QString CdcExecutor::publicationName(const QString &pairId)
{
    return slotName(pairId) + QStringLiteral("_pub");
}

void CdcExecutor::dropReplication(const db::DatabaseUrl &source, const QString &pairId)
{
    db::Database database(source);
    PgSourceCatalog catalog(database);
    if (catalog.slot(slotName(pairId))) {
        PgReplicationConnection connection(source);
        connection.dropSlot(slotName(pairId));
    }
    catalog.dropPublication(publicationName(pairId));
    database.closeThreadConnection();
}

void CdcExecutor::log(const QString &line) const
{
    qCInfo(lcCdc).noquote() << "pair" << m_pair.pairId << line;
    if (m_options.log)
        m_options.log(line);
}

RunResult CdcExecutor::run(const CdcRunOptions &options)
{
    m_options = options;
    RunResult result;
    try {
        prepare();
        if (m_options.control) {
            m_gate = std::make_unique<CdcSchemaGate>(*m_options.control, m_pair.pairId.toLongLong());
            m_gate->load(); // a pending or rejected change: no streaming until a person acts
        }
        buildWriters();
        auto identify = std::make_unique<PgReplicationConnection>(m_source.url());
        m_server = identify->identifySystem();
        CdcPositionStore positions(*m_targetDb, m_target.schemaName());
        positions.ensureTable();
        const std::optional<StoredPosition> stored = positions.load(m_pair.pairId, m_slot);
        Lsn start = 0;
        std::unique_ptr<PgReplicationConnection> connection;
        if (!stored) {
            connection = std::move(identify);
            emptyUnfinishedSnapshot(positions);
            start = initialSnapshot(connection.get());
        } else {
            m_applied = stored->appliedEnd;
            PgSourceCatalog catalog(*m_sourceDb);
            const SlotVerdict verdict = checkSlot(*stored, catalog.slot(m_slot), m_server);
            if (!verdict.ok()) {
                if (m_options.alert)
                    m_options.alert(QStringLiteral("cdc_slot"),
                                    QStringLiteral("sync pair %1 stopped: %2; repair: %3")
                                        .arg(m_pair.pairId, verdict.message, verdict.repair));
                throw Error(Error::Kind::Conflict,
                            QStringLiteral("%1 (%2); repair: %3")
                                .arg(verdict.message, slotProblemName(verdict.problem),
                                     verdict.repair));
            }
            start = stored->appliedEnd;
            connection = std::move(identify);
            log(QStringLiteral("resuming from %1 on slot %2").arg(formatLsn(start), m_slot));
        }
        if (!m_stopped)
            stream(std::move(connection), start);
    } catch (const Error &error) {
        stopWith(error.message(), error.code());
    } catch (const std::exception &error) {
        stopWith(QString::fromUtf8(error.what()), Error::codeFor(Error::Kind::Internal));
    }
    m_transaction.reset(); // an uncommitted batch rolls back: it is streamed again
    if (m_stream)
        m_stream->stop();
    m_stream.reset();
    result.totals = m_progress.totals;
    if (!m_error.isEmpty()) {
        result.status = RunStatus::Failed;
        result.error = m_error;
        result.errorCode = m_errorCode;
    } else {
        result.status = RunStatus::Cancelled;
    }
    log(QStringLiteral("stopped at %1: %2 transaction(s) applied in %3 commit(s), %4 skipped%5")
            .arg(formatLsn(m_applied))
            .arg(m_progress.transactions)
            .arg(m_progress.commits)
            .arg(m_progress.skipped)
            .arg(m_error.isEmpty() ? QString() : QStringLiteral("; ") + m_error));
    return result;
}

void CdcExecutor::prepare()
{
    m_sourceDb = std::make_unique<db::Database>(m_source.url());
    m_targetDb = std::make_unique<db::Database>(m_target.url());
    m_sourceSchema = m_source.schemaName();
    PgSourceCatalog(*m_sourceDb).ensurePublication(publicationName(m_pair.pairId), m_sourceSchema,
                                                   sourceTablesOf(m_pair));
    m_targetCalls = std::make_unique<ResilientCall>(
        RetryPolicy(), CircuitBreakerRegistry::instance().breaker(m_pair.targetSystem),
        threadSleeper());
}

Lsn CdcExecutor::initialSnapshot(PgReplicationConnection *connection)
{
    PgSourceCatalog catalog(*m_sourceDb);
    if (catalog.slot(m_slot)) {
        // Left by a snapshot that did not finish: its changes are in no target.
        log(QStringLiteral("dropping slot %1 left by an unfinished snapshot").arg(m_slot));
        connection->dropSlot(m_slot);
    }
    const CreatedSlot slot = connection->createSlot(m_slot);
    log(QStringLiteral("snapshot: slot %1 created, consistent point %2; loading the tables under "
                       "snapshot %3")
            .arg(m_slot, formatLsn(slot.consistentPoint), slot.snapshotName));
    {
        db::Transaction mark(*m_targetDb);
        CdcPositionStore(*m_targetDb, m_target.schemaName()).markSnapshot(m_pair.pairId, m_slot);
        mark.commit();
    }
    if (m_gate) {
        // The baseline of schema changes is the shape the copy reads, not the first Relation
        // message streamed: a table altered between the consistent point and its first change
        // is held like any other change.
        m_gate->forgetShapes();
        for (const RelationMessage &relation : PgSourceCatalog(*m_sourceDb).relationsAt(
                 slot.snapshotName, m_sourceSchema, sourceTablesOf(m_pair)))
            m_gate->accept(relation);
    }
    m_source.setReadSnapshot(slot.snapshotName);
    SyncRunner runner(m_pair, m_source, m_target, m_quarantine, m_controlState);
    RunOptions load;
    load.operationId = m_options.operationId;
    // The heartbeat goes on during the load (a snapshot longer than the lease would otherwise
    // lose it to another node): progress every check interval; false or a cancel stops the load.
    std::atomic_bool stopLoad { m_options.cancel && m_options.cancel->load() };
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    load.cancel = &stopLoad;
    load.progress = [&](const RunProgress &) {
        if (m_options.cancel && m_options.cancel->load())
            stopLoad.store(true);
        if (!m_options.progress || sinceProgress.elapsed() < m_options.checkIntervalMs)
            return;
        sinceProgress.restart();
        if (!m_options.progress(m_progress))
            stopLoad.store(true);
    };
    load.forceFull = true;
    const RunResult loaded = runner.run(load);
    m_source.setReadSnapshot({});
    m_progress.totals += loaded.totals;
    if (loaded.status == RunStatus::Failed || loaded.status == RunStatus::Cancelled) {
        // Never "snapshot now, stream from now": the next attempt starts over with a new slot.
        try {
            connection->dropSlot(m_slot);
        } catch (const Error &error) {
            log(QStringLiteral("could not drop slot %1 after the failed snapshot (the next attempt "
                               "drops it): %2")
                    .arg(m_slot, error.message()));
        }
        if (loaded.status == RunStatus::Cancelled) {
            m_stopped = true;
            return 0;
        }
        throw Error(Error::Kind::Unavailable, QStringLiteral("initial snapshot failed, slot dropped: %1")
                                                  .arg(loaded.error));
    }
    db::Transaction transaction(*m_targetDb);
    CdcPositionStore positions(*m_targetDb, m_target.schemaName());
    positions.save(m_pair.pairId, StoredPosition { m_slot, m_server.systemId, m_server.timeline,
                                                   slot.consistentPoint });
    positions.clearSnapshot(m_pair.pairId, m_slot);
    transaction.commit();
    m_applied = slot.consistentPoint;
    log(QStringLiteral("snapshot loaded (%1 read, %2 quarantined); streaming from %3")
            .arg(loaded.totals.read)
            .arg(loaded.totals.quarantined)
            .arg(formatLsn(slot.consistentPoint)));
    return slot.consistentPoint;
}

void CdcExecutor::buildWriters()
{
    const auto writerOf = [this](const EntitySpec &spec) {
        EntityPlan plan = planEntity(spec, ChangeMode::Full, m_source, m_target,
                                     defaultValidatorFactory());
        return std::make_shared<CdcEntityWriter>(m_pair, std::move(plan), m_target, *m_targetCalls,
                                                 *m_targetDb, m_target.schemaName(), m_quarantine);
    };
    for (const EntitySpec &spec : m_pair.entities)
        m_writers << writerOf(spec);
    if (!m_gate)
        return;
    for (const db::CdcSchemaChangeRecord &change : m_gate->approved()) {
        if (const std::optional<EntitySpec> previous
            = CdcSchemaGate::previousEntity(change, m_pair.pairId))
            m_previousWriters.insert(change.tableName, writerOf(*previous));
    }
}

// A snapshot that did not finish (or a pair being re-snapshotted) left rows in the target; the
// new load rewrites every source row but cannot know the rows whose source rows were deleted
// meanwhile (its sync state never listed them). They go first, as a TRUNCATE of the source
// would: deleted, flagged or kept per the entity's delete policy.
void CdcExecutor::emptyUnfinishedSnapshot(CdcPositionStore &positions)
{
    const std::optional<QDateTime> started = positions.snapshotMark(m_pair.pairId, m_slot);
    if (!started)
        return;
    EntityStats removed;
    db::Transaction transaction(*m_targetDb);
    for (const auto &writer : std::as_const(m_writers))
        writer->truncate(removed);
    transaction.commit();
    log(QStringLiteral("snapshot: the attempt started at %1 did not finish; %2 target row(s) it may "
                       "have written removed (or flagged, per the delete policy) before loading "
                       "again")
            .arg(started->toUTC().toString(Qt::ISODate))
            .arg(removed.deleted));
}

void CdcExecutor::stream(std::unique_ptr<PgReplicationConnection> connection, Lsn start)
{
    m_applied = qMax(m_applied, start);
    SourceChangeSink &sink = *this; // private bases: converted here, where they are accessible
    PgReplicationHandler &handler = *this;
    m_decoder = std::make_unique<ChangeDecoder>(sink, start);
    connection->startReplication(m_slot, start, { publicationName(m_pair.pairId) });
    m_stream = std::make_unique<PgReplicationStream>(std::move(connection), handler, start,
                                                     m_options.statusIntervalMs);
    connect(m_stream.get(), &PgReplicationStream::failed, this, [this](const QString &message) {
        stopWith(QStringLiteral("replication stream: ") + message,
                 m_errorCode.isEmpty() ? unavailableCode() : m_errorCode);
    });
    QTimer checks;
    checks.setInterval(m_options.checkIntervalMs);
    connect(&checks, &QTimer::timeout, this, &CdcExecutor::check);
    checks.start();
    QEventLoop loop;
    m_loop = &loop;
    check();
    if (!m_stopped)
        loop.exec();
    m_loop = nullptr;
}

void CdcExecutor::check()
{
    if (m_stopped)
        return;
    if (m_options.cancel && m_options.cancel->load()) {
        stopWith({});
        return;
    }
    try {
        PgSourceCatalog catalog(*m_sourceDb);
        const std::optional<SlotState> slot = catalog.slot(m_slot);
        if (slot) {
            m_progress.lagBytes = slot->lagBytes;
            m_progress.walStatus = slot->walStatus;
        }
        const SlotVerdict verdict = checkSlot(
            StoredPosition { m_slot, m_server.systemId, m_server.timeline, m_applied }, slot,
            m_server);
        if (!verdict.ok()) {
            if (m_options.alert)
                m_options.alert(QStringLiteral("cdc_slot"),
                                QStringLiteral("sync pair %1 stopped: %2; repair: %3")
                                    .arg(m_pair.pairId, verdict.message, verdict.repair));
            stopWith(QStringLiteral("%1; repair: %2").arg(verdict.message, verdict.repair),
                     Error::codeFor(Error::Kind::Conflict));
            return;
        }
    } catch (const Error &error) {
        stopWith(QStringLiteral("checking slot %1: %2").arg(m_slot, error.message()), error.code());
        return;
    }
    report();
}

void CdcExecutor::report()
{
    m_progress.applied = m_applied;
    m_progress.skipped = m_decoder ? m_decoder->skippedTransactions() : 0;
    if (m_options.progress && !m_options.progress(m_progress))
        stopWith({}); // the lease is gone: another node carries on from the stored position
}

void CdcExecutor::stopWith(const QString &error, const QString &code)
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_error = error;
    m_errorCode = error.isEmpty() ? QString() : code;
    if (m_loop)
        m_loop->quit();
}

void CdcExecutor::onMessage(const PgOutputMessage &message, Lsn walStart)
{
    if (m_stopped)
        return;
    // pgoutput sends a Relation message without a position of its own: the transaction's
    // commit LSN stands for it then.
    if (const auto *begin = std::get_if<BeginMessage>(&message))
        m_transactionLsn = begin->finalLsn;
    m_messageLsn = walStart != 0 ? walStart : m_transactionLsn;
    try {
        if (const auto *relation = std::get_if<RelationMessage>(&message);
            relation && m_gate && writerFor(*relation))
            checkRelation(*relation);
        m_decoder->decode(message, walStart);
    } catch (const Error &error) {
        m_errorCode = error.code(); // the stream fails with the message; the kind is kept here
        throw;
    }
}

void CdcExecutor::onKeepalive(Lsn walEnd)
{
    if (m_stopped || m_decoder->inTransaction())
        return;
    try {
        // Source transactions waiting for their commit: the scheduled commit writes them (a
        // keepalive in a busy stream must not cut the batch short).
        if (m_pendingTransactions > 0)
            return;
        if (m_transaction)
            commitTarget(); // a Begin whose transaction the decoder skipped
        if (walEnd <= m_applied)
            return;
        // A busy walsender sends keepalives between transactions: the idle position is saved
        // at most every kIdleSaveMs (confirming it sooner gains nothing).
        if (m_sinceIdleSave.isValid() && m_sinceIdleSave.elapsed() < kIdleSaveMs)
            return;
        // Idle: everything before walEnd has been received and applied (or was not ours).
        // Saved first, then confirmed, so the slot never holds WAL for nothing and never runs
        // ahead of what the target stored.
        db::Transaction transaction(*m_targetDb);
        CdcPositionStore(*m_targetDb, m_target.schemaName())
            .save(m_pair.pairId,
                  StoredPosition { m_slot, m_server.systemId, m_server.timeline, walEnd });
        transaction.commit();
        m_sinceIdleSave.start();
        m_applied = walEnd;
        m_stream->confirmFlushed(walEnd);
    } catch (const Error &error) {
        m_errorCode = error.code();
        throw;
    }
}

void CdcExecutor::openTargetTransaction()
{
    if (!m_transaction)
        m_transaction = std::make_unique<db::Transaction>(*m_targetDb);
}

void CdcExecutor::beginTransaction(const BeginMessage &)
{
    m_changesInTransaction = false;
    openTargetTransaction();
}

CdcEntityWriter *CdcExecutor::writerFor(const RelationMessage &relation)
{
    if (relation.schema != m_sourceSchema)
        return nullptr;
    if (const auto previous = m_previousWriters.constFind(relation.name);
        previous != m_previousWriters.cend())
        return previous->get();
    for (const auto &writer : std::as_const(m_writers)) {
        if (writer->plan().spec.sourceEntity == relation.name)
            return writer.get();
    }
    return nullptr;
}

void CdcExecutor::change(const SourceChange &change)
{
    m_changesInTransaction = true;
    openTargetTransaction();
    if (change.kind == SourceChange::Kind::Truncate) {
        flushWriters(); // the writes before it land first
        for (const RelationPtr &relation : change.truncated) {
            if (CdcEntityWriter *writer = writerFor(*relation))
                writer->truncate(m_progress.totals);
        }
        return;
    }
    CdcEntityWriter *writer = writerFor(*change.relation);
    if (!writer)
        return;
    if (m_heldWriter && m_heldWriter != writer)
        m_heldWriter->flush(m_progress.totals); // tables written in the source's order
    m_heldWriter = writer;
    writer->apply(change, m_options.operationId, m_progress.totals);
}

void CdcExecutor::flushWriters()
{
    for (const auto &writer : std::as_const(m_writers))
        writer->flush(m_progress.totals);
    m_heldWriter = nullptr;
}

void CdcExecutor::commitTransaction(const CommitMessage &commit)
{
    m_pendingEnd = commit.endLsn;
    ++m_pendingTransactions;
    if (m_options.latency)
        m_pendingCommitTimes.append(commit.commitTime);
    ++m_progress.transactions;
    if (m_pendingTransactions >= m_options.maxTransactionsPerCommit)
        commitTarget();
    else
        scheduleCommit();
}

// Runs once the frames already received have been handled: while the stream is busy, the
// source transactions that arrived together share one target commit.
void CdcExecutor::scheduleCommit()
{
    if (m_commitScheduled)
        return;
    m_commitScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_commitScheduled = false;
        if (m_stopped || !m_transaction || m_decoder->inTransaction() || m_pendingTransactions == 0)
            return; // mid-transaction: its own commit schedules the next try
        try {
            commitTarget();
        } catch (const Error &error) {
            stopWith(QStringLiteral("committing streamed changes: ") + error.message(),
                     error.code());
        }
    });
}

void CdcExecutor::commitTarget()
{
    if (!m_transaction)
        return;
    flushWriters();
    if (m_pendingTransactions > 0) {
        CdcPositionStore(*m_targetDb, m_target.schemaName())
            .save(m_pair.pairId,
                  StoredPosition { m_slot, m_server.systemId, m_server.timeline, m_pendingEnd });
    }
    m_transaction->commit();
    m_transaction.reset();
    if (m_pendingTransactions > 0) {
        m_applied = qMax(m_applied, m_pendingEnd);
        ++m_progress.commits;
        m_stream->confirmFlushed(m_applied);
    }
    m_pendingTransactions = 0;
    if (m_gate) {
        for (const qint64 id : std::as_const(m_passedChanges))
            m_gate->markApplied(id);
        m_passedChanges.clear();
    }
    reportLatency();
}

void CdcExecutor::reportLatency()
{
    if (m_pendingCommitTimes.isEmpty())
        return;
    const qint64 appliedMicros = std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
    const qint64 appliedPgMicros = appliedMicros + cdc::toPgEpochMicros(0); // Unix -> 2000 epoch
    for (const qint64 committed : std::as_const(m_pendingCommitTimes))
        m_options.latency(double(appliedPgMicros - committed) / 1e6);
    m_pendingCommitTimes.clear();
}

// A streamed table's Relation message, before the decoder sees it. The approved shape of a held
// change switches the table to the current definition (the change is applied once the target
// committed past it). The first one of a session is compared with the shape the pair last
// accepted: a table altered while the pair was stopped is held too. Later ones in the session
// reach relationChanged() through the decoder.
void CdcExecutor::checkRelation(const RelationMessage &relation)
{
    const bool first = !m_seenRelations.contains(relation.relationId);
    m_seenRelations.insert(relation.relationId);
    if (const auto change = m_gate->approvedFor(relation)) {
        m_previousWriters.remove(relation.name);
        m_gate->accept(relation);
        if (!m_passedChanges.contains(change->id)) {
            m_passedChanges << change->id;
            log(QStringLiteral("schema change %1 on %2.%3 (approved) streamed past at %4")
                    .arg(change->id)
                    .arg(relation.schema, relation.name, formatLsn(m_messageLsn)));
        }
        return;
    }
    if (!first)
        return;
    const std::optional<QJsonObject> accepted = m_gate->acceptedShape(relation);
    if (!accepted)
        m_gate->accept(relation);
    else if (*accepted != CdcSchemaGate::shapeOf(relation))
        holdChange(*accepted, relation);
}

void CdcExecutor::relationChanged(const RelationPtr &before, const RelationPtr &after)
{
    if (!writerFor(*after))
        return;
    if (m_gate && m_gate->approvedFor(*after))
        return; // approved: checkRelation() switched the table to the current definition
    holdChange(CdcSchemaGate::shapeOf(*before), *after);
}

void CdcExecutor::holdChange(const QJsonObject &before, const RelationMessage &after)
{
    QString held;
    if (m_gate) {
        // The source transactions before this one are kept (the next run starts after them);
        // this one is rolled back unless it wrote nothing yet, and streamed again after the
        // decision.
        if (m_transaction && !m_changesInTransaction && m_pendingTransactions > 0)
            commitTarget();
        const db::CdcSchemaChangeRecord change = m_gate->hold(before, after, m_messageLsn);
        held = QStringLiteral(" (schema change %1; approve or reject it: "
                              "/api/sync-pairs/%2/schema-changes/%1)")
                   .arg(change.id)
                   .arg(m_pair.pairId);
    }
    const QString message
        = QStringLiteral("Schema change on %1.%2 held for approval: its columns, types or identity "
                         "changed while sync pair %3 streamed; the pair stopped before applying "
                         "the change%4")
              .arg(after.schema, after.name, m_pair.pairId, held);
    if (m_options.alert)
        m_options.alert(QStringLiteral("cdc_schema_change"), message);
    throw Error(Error::Kind::Conflict, message);
}

} // namespace tf::sync
