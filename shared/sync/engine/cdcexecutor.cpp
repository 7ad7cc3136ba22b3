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
#include "sync/cdc/cdctarget.h"
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

} // namespace

CdcExecutor::CdcExecutor(PairSpec pair, PostgresConnector &source, TargetConnector &target,
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

QStringList CdcExecutor::sourceTables() const
{
    QStringList tables;
    for (const EntitySpec &entity : m_pair.entities)
        tables << entity.sourceEntity;
    return tables;
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
        CdcPositions &positions = m_cdcTarget->positions();
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
    m_cdcTarget = openCdcTarget(m_target); // first: a target cdc cannot write to fails here
    m_sourceSchema = m_source.schemaName();
    PgSourceCatalog(*m_sourceDb).ensurePublication(publicationName(m_pair.pairId), m_sourceSchema,
                                                   sourceTables());
    m_targetCalls = std::make_unique<ResilientCall>(
        RetryPolicy(), CircuitBreakerRegistry::instance().breaker(m_pair.targetSystem),
        threadSleeper());
}

void CdcExecutor::buildWriters()
{
    const auto writerOf = [this](const EntitySpec &spec) {
        EntityPlan plan = planEntity(spec, ChangeMode::Full, m_source, m_target,
                                     defaultValidatorFactory());
        return std::make_shared<CdcEntityWriter>(m_pair, std::move(plan), m_target, *m_targetCalls,
                                                 *m_cdcTarget, m_quarantine);
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
        const std::unique_ptr<CdcTransaction> transaction = m_cdcTarget->begin();
        m_cdcTarget->positions().save(
            m_pair.pairId, StoredPosition { m_slot, m_server.systemId, m_server.timeline, walEnd });
        transaction->commit();
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
        m_transaction = m_cdcTarget->begin();
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
        m_cdcTarget->positions().save(
            m_pair.pairId,
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

} // namespace tf::sync
