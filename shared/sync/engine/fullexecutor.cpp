#include "fullexecutor.h"

#include "sync/blockstates.h"
#include "sync/firstloads.h"
#include "sync/tablechecksums.h"

#include "hashexecutor.h"
#include "stagingsession.h"
#include "stateroute.h"
#include "writerthread.h"

#include <QScopeGuard>
#include <QUuid>
#include <optional>

namespace tf::sync {

FullExecutor::FullExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                           StateRoute &state, BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

bool FullExecutor::targetEmpty()
{
    if (m_context.dryRun())
        return false;
    bool empty = false;
    m_context.target().call(QStringLiteral("looking into %1").arg(m_plan.spec.targetEntity),
                            [&] { empty = m_pipeline.target().isEmpty(m_plan.spec.targetEntity); });
    return empty;
}

void FullExecutor::stageBatch(const QList<Row> &rows, const QList<QByteArray> &sourceHashes)
{
    if (!m_stagedState) {
        QList<QPair<QString, QByteArray>> keyHashes = m_plan.keyHashes(rows, sourceHashes);
        // Staged before the write: a key the source yields twice fails here, before any row.
        m_state.store().stage(keyHashes);
        m_pipeline.upsert(rows, hashesOf(keyHashes), {}, BatchPipeline::Known::Upsert);
        return;
    }
    // The rows' hashes (the source's, else computed here). Their key texts are made once, by
    // the write's transform (StateEntry::sourceKey); only a batch with rows not written
    // (quarantined) makes them again, for those rows' staging.
    const QList<QByteArray> hashes = sourceHashes.size() == rows.size()
        ? sourceHashes
        : hashesOf(m_plan.keyHashes(rows, sourceHashes));
    if (m_firstLoad) {
        // The state goes with the batch (FirstLoads): nothing to stage, also for rows not
        // written (no diff follows a first load).
        if (m_writer)
            m_pipeline.upsertPipelined(*m_writer, rows, hashes, [](const QList<StateEntry> &) { });
        else
            m_pipeline.upsert(rows, hashes, {}, BatchPipeline::Known::Upsert);
        return;
    }
    if (m_writer) {
        m_pipeline.upsertPipelined(*m_writer, rows, hashes,
                                   [this, rows, hashes](const QList<StateEntry> &written) {
                                       stageWritten(written, rows, hashes);
                                   });
        return;
    }
    const QList<StateEntry> written
        = m_pipeline.upsert(rows, hashes, {}, BatchPipeline::Known::Upsert);
    stageWritten(written, rows, hashes);
}

// Staged after the write committed, with the target keys of the rows written; the rows not
// written (quarantined) are staged without, so they are no deletes and keep their stored state.
void FullExecutor::stageWritten(const QList<StateEntry> &written, const QList<Row> &rows,
                                const QList<QByteArray> &hashes)
{
    QList<QPair<QString, QByteArray>> notWritten;
    if (written.size() != rows.size()) {
        QList<QPair<QString, QByteArray>> keyHashes = m_plan.keyHashes(rows, hashes);
        QSet<QString> writtenKeys;
        writtenKeys.reserve(written.size());
        for (const StateEntry &entry : written)
            writtenKeys.insert(entry.sourceKey);
        for (auto &keyHash : keyHashes) {
            if (!writtenKeys.contains(keyHash.first))
                notWritten << std::move(keyHash);
        }
    }
    m_state.store().stageWritten(written);
    m_state.store().stage(notWritten);
}

QList<QByteArray> FullExecutor::hashesOf(const QList<QPair<QString, QByteArray>> &keyHashes)
{
    QList<QByteArray> hashes;
    hashes.reserve(keyHashes.size());
    for (const auto &keyHash : keyHashes)
        hashes << keyHash.second;
    return hashes;
}

void FullExecutor::run()
{
    StagingSession staging(m_state.store(), m_context.pair().pairId, m_plan.spec.name);
    const EntityStats before = m_stats;
    ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    // The hash hash mode compares, from the source itself: the first hash run after a full
    // one then finds nothing to do.
    request.withSourceHashes = m_source.hashesAtSource();
    m_stagedState
        = m_state.stateTravelsWithData() && m_state.store().stagesState() && !m_context.dryRun();
    m_pipeline.setStateStaged(m_stagedState);
    // Each attempt of the read lists its rows under its own id: an attempt's list is forgotten
    // once its state is written; a failed attempt's stays for settlePending (a row it wrote
    // may be gone from the source by the next attempt).
    QString attempt;
    const auto newAttempt = [&] {
        if (!m_stagedState)
            return;
        attempt = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_pipeline.setPendingRun(attempt);
    };
    newAttempt();
    const bool intoEmpty = targetEmpty();
    m_pipeline.setIntoEmpty(intoEmpty);
    // A first load (empty target, no stored state) can have no deletes: the diff that looks
    // for them is skipped. Counted only when the target is empty, so re-runs pay nothing.
    bool stateBefore = true;
    // A first load whose store can write each batch's state with it.
    auto *firstLoads = m_stagedState ? dynamic_cast<FirstLoads *>(&m_state.store()) : nullptr;
    m_firstLoad = false;
    if (firstLoads) {
        m_context.target().call(QStringLiteral("looking into the sync state of %1").arg(m_plan.spec.name), [&] {
            m_firstLoad = firstLoads->beginFirstLoad(m_context.pair().pairId, m_plan.spec.name);
        });
    }
    // Ended on every way out (a cancel, an error); endFirstLoad(true) below when complete.
    const auto endFirstLoad = qScopeGuard([&] {
        if (m_firstLoad)
            firstLoads->endFirstLoad(m_context.pair().pairId, m_plan.spec.name, false);
        m_firstLoad = false;
    });
    const auto leaveFirstLoad = [&] {
        // Back to staged state: the rows written so far have state, so the diff runs at the end.
        if (!m_firstLoad)
            return;
        firstLoads->endFirstLoad(m_context.pair().pairId, m_plan.spec.name, false);
        m_firstLoad = false;
        m_pipeline.setStateStaged(true);
        stateBefore = true;
    };
    if (m_firstLoad) {
        m_pipeline.setStateStaged(false); // the batches carry their state
        m_pipeline.setPendingRun({});
        stateBefore = false;
    } else if (intoEmpty && m_stagedState) {
        m_context.target().call(
            QStringLiteral("counting the sync state of %1").arg(m_plan.spec.name), [&] {
                stateBefore = m_state.store().count(m_context.pair().pairId, m_plan.spec.name) > 0;
            });
    }
    // A source that keeps a table checksum takes it in the read's snapshot; recorded with the
    // state's block totals when the state then equals the rows read (recordChecksum), so the
    // first hash run after this one need not scan (HashExecutor::runByBlocks).
    auto *tableChecksums = dynamic_cast<TableChecksums *>(&m_source);
    auto *blocks = dynamic_cast<BlockStates *>(&m_state.store());
    const bool checksumRead = tableChecksums && blocks && m_stagedState && m_plan.sourceKeyTypes.size() == 1
        && m_plan.sourceKeyTypes.constFirst() == ValueType::Integer;
    if (checksumRead) {
        m_context.source().call(QStringLiteral("checksumming %1").arg(m_plan.spec.sourceEntity),
                                [&] { tableChecksums->checksumNextRead(request); });
    }
    bool restarted = false;
    bool diffFound = false; // the diff after the read found a change: recorded by the next hash run
    const auto recordChecksum = [&] {
        if (!checksumRead || restarted || diffFound || m_stats.quarantined != before.quarantined
            || m_stats.failed != before.failed)
            return;
        const std::optional<TableChecksum> checksum = tableChecksums->readChecksum();
        if (!checksum)
            return;
        m_context.target().call(QStringLiteral("recording the source checksum of %1").arg(m_plan.spec.name), [&] {
            const QString &pairId = m_context.pair().pairId;
            const std::optional<QHash<qint64, RangeSum>> sums
                = blocks->blockSums(pairId, m_plan.spec.name, HashExecutor::Options {}.blockWidth);
            if (sums && !sums->isEmpty())
                blocks->recordSourceChecksum(pairId, m_plan.spec.name, { *checksum, sums->size(), totalOf(*sums) });
        });
    };
    m_context.expectRows(m_source, request);
    // Where the state is staged after each commit and the write counts its rows, the batches
    // are written on a thread of their own (its own target connection) while this thread
    // reads and transforms the next ones.
    // A first load writes on two threads (two connections, each batch its own transaction with
    // its state): a batch's data and state COPYs then overlap the next batch's.
    std::optional<WriterThread> writer;
    if (m_stagedState && m_pipeline.target().countsWrites())
        writer.emplace(kWriteQueueDepth, m_firstLoad ? kFirstLoadWriters : 1);
    m_writer = writer ? &*writer : nullptr;
    const auto forgetWriter = qScopeGuard([this] { m_writer = nullptr; });
    const auto restart = [&] {
        // Rows already written stay written (upserts); counting starts over with the read,
        // and the target is no longer empty. The batches of the failed attempt are written
        // first, so none is staged into the new session.
        if (m_writer)
            m_writer->drain();
        m_stats = before;
        m_pipeline.setIntoEmpty(false);
        staging.restart();
        leaveFirstLoad();
        newAttempt();
        restarted = true;
    };
    m_context.source().call(
        QStringLiteral("reading %1").arg(m_plan.spec.sourceEntity),
        [&] {
            m_source.readAll(request, downstream([&](const RowBatch &batch) {
                                 const QList<Row> rows = m_plan.conform(batch);
                                 if (m_observer)
                                     m_observer(rows);
                                 stageBatch(rows, batch.hashes);
                                 m_stats.read += rows.size();
                                 m_context.reportProgress(
                                     m_stats, m_context.readFraction(m_stats.read - before.read));
                                 return !m_context.cancelRequested();
                             }));
        },
        restart);
    // Every batch read is written (also when cancelled, as without the writer thread); a write
    // error surfaces here unchanged.
    if (m_writer)
        m_writer->drain();
    m_pipeline.setIntoEmpty(false);
    m_context.throwIfCancelled();

    if (m_firstLoad) {
        // Every batch committed its state with its rows: nothing is left to write.
        m_firstLoad = false;
        m_context.target().call(QStringLiteral("writing the sync state of %1").arg(m_plan.spec.name),
                                [&] { firstLoads->endFirstLoad(m_context.pair().pairId, m_plan.spec.name, true); });
        recordChecksum();
        return;
    }
    // Every batch staged here has committed: the state follows the data it describes.
    if (m_stagedState) {
        m_context.target().call(
            QStringLiteral("writing the sync state of %1").arg(m_plan.spec.name),
            [&] { m_state.store().applyStaged(); });
        // Every row of this attempt has its state now: its list goes (a kill before this
        // leaves a list whose keys the state names, which settling finds accounted for).
        m_context.target().call(QStringLiteral("forgetting the pending rows of %1").arg(m_plan.spec.name), [&] {
            m_state.store().clearPending(m_context.pair().pairId, m_plan.spec.name, attempt);
        });
        if (!stateBefore) {
            recordChecksum();
            return;
        }
    }

    m_state.store().diff(m_context.pair().batchSize,
                         [&](const QList<StateStore::KeyChange> &changes) {
                             m_context.holding(changes.size());
                             QList<StateStore::KeyChange> gone;
                             diffFound = diffFound || !changes.isEmpty();
                             for (const StateStore::KeyChange &change : changes) {
                                 // Inserts/updates here are quarantined rows, whose state stays as
                                 // it was.
                                 if (change.kind == StateStore::ChangeKind::Delete)
                                     gone << change;
                             }
                             m_pipeline.remove(gone);
                             return !m_context.cancelRequested();
                         });
    m_context.throwIfCancelled();
    recordChecksum();
}

} // namespace tf::sync
