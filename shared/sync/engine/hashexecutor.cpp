#include "hashexecutor.h"

#include "stagingsession.h"
#include "stateroute.h"

#include "sync/blockstates.h"
#include "sync/verify/sidethread.h"

#include <QHash>
#include <QLoggingCategory>
#include <QScopeGuard>

#include <algorithm>
#include <optional>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcHashExecutor, "sync.hash")

HashExecutor::HashExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                           StateRoute &state, BatchPipeline &pipeline, EntityStats &stats)
    : m_context(context)
    , m_plan(plan)
    , m_source(source)
    , m_state(state)
    , m_pipeline(pipeline)
    , m_stats(stats)
{ }

void HashExecutor::run(const Options &options)
{
    const bool sourceHashes = !options.engineHashes && m_source.hashesAtSource();
    if (sourceHashes && runByBlocks(options))
        return;
    StagingSession staging(m_state.store(), m_context.pair().pairId, m_plan.spec.name);
    m_staging = &staging;
    const qint64 staged = stage(sourceHashes);
    m_context.throwIfCancelled();
    qint64 changed = 0;
    qint64 seen = 0;
    m_state.store().diff(
        m_context.pair().batchSize, [&](const QList<StateStore::KeyChange> &changes) {
            m_context.holding(changes.size());
            applyChanges(changes, options, sourceHashes);
            for (const StateStore::KeyChange &change : changes)
                changed += change.kind != StateStore::ChangeKind::Delete && !options.deletesOnly;
            seen += changes.size();
            // The diff holds at most every staged key: changes seen over keys staged is a lower
            // bound of the work done, exact for an initial load, and never reaches 100% early.
            m_context.reportProgress(m_stats, staged > 0 ? qMin(0.99, double(seen) / double(staged)) : -1);
            return !m_context.cancelRequested();
        });
    m_staging = nullptr;
    m_context.throwIfCancelled();
    if (options.countRows) {
        m_stats.read += staged;
        m_stats.unchanged += qMax<qint64>(0, staged - changed);
    }
}

void HashExecutor::applyChanges(const QList<StateStore::KeyChange> &changes, const Options &options,
                                bool sourceHashes)
{
    QList<StateStore::KeyChange> gone;
    QList<StateStore::KeyChange> upserts;
    for (const StateStore::KeyChange &change : changes)
        (change.kind == StateStore::ChangeKind::Delete ? gone : upserts) << change;
    m_pipeline.remove(gone);
    if (!options.deletesOnly && !upserts.isEmpty())
        upsertChanged(upserts, sourceHashes);
}

namespace {

// [block * width, (block + 1) * width) of each block (ascending), adjacent blocks merged; an
// end past int8 is open (block + 1 cannot overflow: block <= max / width).
QList<KeyRange> keyRangesOf(qint64 width, const QList<qint64> &blocks)
{
    const auto firstKey = [width](qint64 of) -> std::optional<QString> {
        qint64 key = 0;
        if (__builtin_mul_overflow(of, width, &key))
            return std::nullopt;
        return QString::number(key);
    };
    QList<KeyRange> ranges;
    for (const qint64 block : blocks) {
        if (!ranges.isEmpty() && ranges.constLast().to && ranges.constLast().to == firstKey(block))
            ranges.last().to = firstKey(block + 1);
        else
            ranges << KeyRange { firstKey(block), firstKey(block + 1) };
    }
    return ranges;
}

// Keys of blocks whose sums differ between the two sides (a block on one side only included).
QList<qint64> differingBlocks(const QHash<qint64, RangeSum> &source, const QHash<qint64, RangeSum> &state)
{
    QList<qint64> differing;
    for (auto it = source.cbegin(); it != source.cend(); ++it) {
        if (state.value(it.key()) != it.value())
            differing << it.key();
    }
    for (auto it = state.cbegin(); it != state.cend(); ++it) {
        if (!source.contains(it.key()))
            differing << it.key(); // every row of it gone at the source
    }
    std::sort(differing.begin(), differing.end());
    return differing;
}

bool sameChecksum(const BlockStates::SourceChecksum &recorded, const BlockStates::SourceChecksum &now)
{
    return !recorded.table.checksum.isEmpty() && recorded.table == now.table && recorded.blocks == now.blocks
        && recorded.totals == now.totals;
}

// Source queries over key ranges carry at most this many ranges (an index range scan each).
constexpr qsizetype kRangesPerQuery = 1000;

} // namespace

bool HashExecutor::runByBlocks(const Options &options)
{
    auto *ranges = dynamic_cast<RangeChecksums *>(&m_source);
    auto *blocks = dynamic_cast<BlockStates *>(&m_state.store());
    if (!ranges || !blocks || options.blockWidth < 1 || m_plan.sourceKeyTypes.size() != 1
        || m_plan.sourceKeyTypes.constFirst() != ValueType::Integer)
        return false;
    const QString &pairId = m_context.pair().pairId;
    const QString &entity = m_plan.spec.name;
    const qint64 width = options.blockWidth;
    const ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    auto *tableChecksums = dynamic_cast<TableChecksums *>(&m_source);
    // The state's sums (and the source checksum recorded with them) on a thread and connection
    // of their own while the source scans: the two servers work at once.
    struct Stored
    {
        std::optional<QHash<qint64, RangeSum>> sums;
        std::optional<BlockStates::SourceChecksum> recorded;
    };
    SideThread side;
    std::future<Stored> stateFuture = side.run([&] {
        Stored stored { blocks->blockSums(pairId, entity, width), std::nullopt };
        if (tableChecksums)
            stored.recorded = blocks->sourceChecksum(pairId, entity);
        return stored;
    });
    // The source's table checksum in the snapshot its block sums are then read in (closed at
    // the latest when this function returns).
    std::optional<TableChecksum> checksum;
    const auto closeSnapshot = qScopeGuard([&] {
        if (checksum)
            tableChecksums->closeChecksumSnapshot();
    });
    if (tableChecksums) {
        m_context.source().call(QStringLiteral("checksumming %1").arg(m_plan.spec.sourceEntity), [&] {
            if (checksum)
                tableChecksums->closeChecksumSnapshot();
            checksum = tableChecksums->openChecksumSnapshot(request);
        });
    }
    const Stored stored = stateFuture.get();
    const std::optional<QHash<qint64, RangeSum>> &stateSums = stored.sums;
    if (!stateSums || stateSums->isEmpty())
        return false;
    const BlockStates::SourceChecksum now { checksum.value_or(TableChecksum {}), stateSums->size(),
                                            totalOf(*stateSums) };
    if (checksum && stored.recorded && sameChecksum(*stored.recorded, now)) {
        // Neither the table nor the state has changed since the state last equalled the table.
        qCInfo(lcHashExecutor, "%s: the source's table checksum and the sync state are unchanged since they last"
               " matched (%s): nothing to compare", qPrintable(entity), qPrintable(now.table.checksum));
        if (options.countRows)
            m_stats.unchanged += now.totals.rows;
        return true;
    }
    std::optional<QHash<qint64, RangeSum>> sourceSums;
    m_context.source().call(QStringLiteral("checksumming blocks of %1").arg(m_plan.spec.sourceEntity),
                            [&] { sourceSums = ranges->blockSums(request, width); });
    // Every read of the snapshot is done; the checksum describes the rows just summed only when
    // the snapshot held throughout.
    const bool sameSnapshot = checksum && tableChecksums->closeChecksumSnapshot();
    checksum.reset();
    if (!sourceSums)
        return false;
    m_context.throwIfCancelled();

    const QList<qint64> differing = differingBlocks(*sourceSums, *stateSums);
    if (differing.isEmpty() && sameSnapshot) {
        // The state equals the table as checksummed: what the next run compares with.
        blocks->recordSourceChecksum(pairId, entity, now);
    }
    qint64 total = 0;
    for (const RangeSum &sum : *sourceSums)
        total += sum.rows;
    const auto coarseRows = [&](qint64 block) {
        return qMax(sourceSums->value(block).rows, stateSums->value(block).rows);
    };
    qint64 differingRows = 0;
    for (const qint64 block : differing)
        differingRows += coarseRows(block);
    // Most of the table differs (a first run over old state, a mass update): one row-hash
    // pass over everything costs less than expanding block after block.
    if (differingRows > total / 4 + 1000)
        return false;

    BlockRun done;
    const qint64 sub = options.subBlockWidth;
    if (sub < 1 || sub >= width || width % sub != 0) {
        expandBlocks(side, request, width, differing, coarseRows, options, done);
    } else {
        // Two levels: the sub-blocks of the coarse blocks that differ, summed by both servers
        // (the source over those key ranges only), and only the sub-blocks that differ compared
        // row by row. With changes spread thinly, nearly every coarse block holds one, and
        // its other rows need not travel.
        const qint64 ratio = width / sub;
        constexpr qsizetype kCoarsePerChunk = 1000; // sums held: at most 1000 * ratio per side
        for (qsizetype start = 0; start < differing.size(); start += kCoarsePerChunk) {
            const QList<qint64> chunk = differing.mid(start, kCoarsePerChunk);
            QList<qint64> subBlocks;
            subBlocks.reserve(chunk.size() * ratio);
            for (const qint64 block : chunk) {
                for (qint64 i = 0; i < ratio; ++i)
                    subBlocks << block * ratio + i; // |block| <= max / width: no overflow
            }
            std::future<std::optional<QHash<qint64, RangeSum>>> storedFuture
                = side.run([&, subBlocks] { return blocks->blockSumsOf(pairId, entity, sub, subBlocks); });
            const QList<KeyRange> coarseRanges = keyRangesOf(width, chunk);
            std::optional<QHash<qint64, RangeSum>> sourceSub = QHash<qint64, RangeSum> {};
            for (qsizetype from = 0; sourceSub && from < coarseRanges.size(); from += kRangesPerQuery) {
                m_context.source().call(QStringLiteral("checksumming blocks of %1").arg(m_plan.spec.sourceEntity), [&] {
                    const std::optional<QHash<qint64, RangeSum>> part
                        = ranges->blockSumsWithin(request, sub, coarseRanges.mid(from, kRangesPerQuery));
                    if (part)
                        sourceSub->insert(*part);
                    else
                        sourceSub.reset();
                });
            }
            const std::optional<QHash<qint64, RangeSum>> storedSub = storedFuture.get();
            m_context.throwIfCancelled();
            if (!sourceSub || !storedSub) {
                // This source or store cannot sum sub-blocks: the coarse blocks row by row.
                expandBlocks(side, request, width, chunk, coarseRows, options, done);
            } else {
                m_context.holding(sourceSub->size() + storedSub->size());
                const QList<qint64> differingSub = differingBlocks(*sourceSub, *storedSub);
                done.subBlocks += differingSub.size();
                expandBlocks(side, request, sub, differingSub,
                             [&](qint64 block) {
                                 return qMax(sourceSub->value(block).rows, storedSub->value(block).rows);
                             },
                             options, done);
            }
            m_context.reportProgress(m_stats, qMin(0.99, double(start + chunk.size()) / double(differing.size())));
        }
    }
    qCDebug(lcHashExecutor, "%s: %lld blocks of %lld keys, %lld differ (%lld sub-blocks of %lld), %lld rows compared,"
            " %lld changed",
            qPrintable(entity), qint64(sourceSums->size()), width, qint64(differing.size()), done.subBlocks, sub,
            done.looked, done.changed);
    if (options.countRows) {
        // Rows looked at: those of the (sub-)blocks that differ; every other row is unchanged.
        m_stats.read += done.looked;
        m_stats.unchanged += qMax<qint64>(0, total - done.changed);
    }
    return true;
}

void HashExecutor::expandBlocks(SideThread &side, const ReadRequest &request, qint64 width,
                                const QList<qint64> &differing, const std::function<qint64(qint64)> &rowsOf,
                                const Options &options, BlockRun &done)
{
    auto *ranges = dynamic_cast<RangeChecksums *>(&m_source);
    auto *blocks = dynamic_cast<BlockStates *>(&m_state.store());
    const QString &pairId = m_context.pair().pairId;
    const QString &entity = m_plan.spec.name;
    // Blocks expanded a chunk at a time (memory bounded by the chunk, not the table): the
    // source's (key, hash) of their rows and the stored entries, compared in memory.
    constexpr qint64 kRowsPerChunk = 100000;
    for (qsizetype start = 0, end = 0; start < differing.size(); start = end) {
        qint64 chunkRows = 0;
        for (end = start; end < differing.size() && (end == start || chunkRows < kRowsPerChunk); ++end)
            chunkRows += rowsOf(differing.at(end));
        const QList<qint64> chunk = differing.mid(start, end - start);
        const QList<KeyRange> keyRanges = keyRangesOf(width, chunk);
        // The stored entries on the side thread while the source hashes the same blocks' rows.
        std::future<QList<StateEntry>> storedFuture
            = side.run([&, chunk] { return blocks->blockEntries(pairId, entity, width, chunk); });
        QHash<QString, qint64> sourceHashes;
        for (qsizetype from = 0; from < keyRanges.size(); from += kRangesPerQuery) {
            m_context.source().call(QStringLiteral("hashing rows of %1").arg(m_plan.spec.sourceEntity), [&] {
                sourceHashes.insert(ranges->rangeHashes(request, keyRanges.mid(from, kRangesPerQuery), RangeHash::Typed));
            });
        }
        const QList<StateEntry> stored = storedFuture.get();
        m_context.holding(sourceHashes.size() + stored.size());
        done.looked += sourceHashes.size();
        QList<StateStore::KeyChange> changes;
        for (const StateEntry &entry : stored) {
            const auto found = sourceHashes.constFind(entry.sourceKey);
            if (found == sourceHashes.cend()) {
                changes << StateStore::KeyChange { StateStore::ChangeKind::Delete, entry.sourceKey, entry.hash,
                                                   entry.targetKey };
                continue;
            }
            const QByteArray hash = QByteArray::number(found.value());
            if (hash != entry.hash)
                changes << StateStore::KeyChange { StateStore::ChangeKind::Update, entry.sourceKey, hash,
                                                   entry.targetKey };
            sourceHashes.erase(found);
        }
        for (auto it = sourceHashes.cbegin(); it != sourceHashes.cend(); ++it)
            changes << StateStore::KeyChange { StateStore::ChangeKind::Insert, it.key(),
                                               QByteArray::number(it.value()), QString() };
        for (qsizetype from = 0; from < changes.size(); from += m_context.pair().batchSize) {
            const QList<StateStore::KeyChange> batch = changes.mid(from, m_context.pair().batchSize);
            applyChanges(batch, options, true);
            for (const StateStore::KeyChange &change : batch)
                done.changed += change.kind != StateStore::ChangeKind::Delete && !options.deletesOnly;
        }
        m_context.throwIfCancelled();
    }
}

qint64 HashExecutor::stage(bool sourceHashes)
{
    qint64 staged = 0;
    const ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    StateStore &store = m_state.store();
    const auto restart = [&] {
        staged = 0;
        m_staging->restart();
    };
    if (sourceHashes) {
        m_context.source().call(
            QStringLiteral("reading key hashes of %1").arg(m_plan.spec.sourceEntity),
            [&] {
                m_source.readKeyHashes(
                    request, downstream([&](const QList<KeyHash> &list) {
                        m_context.holding(list.size());
                        QList<QPair<QString, QByteArray>> pairs;
                        pairs.reserve(list.size());
                        for (const KeyHash &keyHash : list)
                            pairs.append(
                                { keyText(keyHash.key, m_plan.sourceKeyTypes), keyHash.hash });
                        store.stage(pairs);
                        staged += pairs.size();
                        return !m_context.cancelRequested();
                    }));
            },
            restart);
        return staged;
    }
    m_context.source().call(
        QStringLiteral("reading %1").arg(m_plan.spec.sourceEntity),
        [&] {
            m_source.readAll(request, downstream([&](const RowBatch &batch) {
                                 const QList<Row> rows = m_plan.conform(batch);
                                 m_context.holding(rows.size());
                                 store.stage(m_plan.keyHashes(rows));
                                 staged += rows.size();
                                 return !m_context.cancelRequested();
                             }));
        },
        restart);
    return staged;
}

void HashExecutor::upsertChanged(const QList<StateStore::KeyChange> &changes, bool sourceHashes)
{
    QHash<QString, int> bySourceKey; // one diff batch: bounded
    QList<KeyValues> keys;
    keys.reserve(changes.size());
    for (int i = 0; i < changes.size(); ++i) {
        bySourceKey.insert(changes.at(i).sourceKey, i);
        keys << keyFromText(changes.at(i).sourceKey, m_plan.sourceKeyTypes);
    }
    QList<Row> rows;
    QList<QByteArray> rowHashes; // the source's hash of each row read, when it has them
    ReadRequest request = m_plan.readRequest(m_context.pair().batchSize);
    request.withSourceHashes = sourceHashes;
    m_context.source().call(
        QStringLiteral("reading changed rows of %1").arg(m_plan.spec.sourceEntity), [&] {
            rows.clear();
            rowHashes.clear();
            m_source.readByKeys(request, keys, [&](const RowBatch &batch) {
                const QList<Row> conformed = m_plan.conform(batch);
                rows << conformed;
                rowHashes << (batch.hashes.size() == conformed.size()
                                  ? batch.hashes
                                  : QList<QByteArray>(conformed.size()));
                return true;
            });
        });
    m_context.holding(rows.size());
    QList<QByteArray> hashes;
    QList<BatchPipeline::Known> kinds;
    QList<Row> found;
    QList<bool> read(changes.size(), false);
    for (qsizetype r = 0; r < rows.size(); ++r) {
        const Row &row = rows.at(r);
        const int index = bySourceKey.value(m_plan.sourceKeyText(row), -1);
        if (index < 0)
            continue; // not asked for (a connector returning extra rows)
        read[index] = true;
        const StateStore::KeyChange &change = changes.at(index);
        found << row;
        // The hash of the row as read (it may have changed since it was listed), else the listed one.
        hashes << (!sourceHashes ? m_plan.hash(row) : rowHashes.at(r).isNull() ? change.hash : rowHashes.at(r));
        kinds << (change.kind == StateStore::ChangeKind::Insert ? BatchPipeline::Known::Insert
                                                                : BatchPipeline::Known::Update);
    }
    m_pipeline.upsert(found, hashes, kinds, BatchPipeline::Known::Update);
    // A key listed but not read back is never skipped in silence: it is quarantined with the
    // reason (or fails the run under invalid_rows: fail). Its state does not move, so a row
    // deleted since staging is simply gone next run, and any other row is read again.
    for (int i = 0; i < changes.size(); ++i) {
        if (!read.at(i))
            m_pipeline.quarantineUnreadable(keys.at(i), changes.at(i).sourceKey, changes.at(i).hash);
    }
}

} // namespace tf::sync
