#pragma once

#include "batchpipeline.h"

#include <functional>

namespace tf::sync {

class SideThread;
class StagingSession;
class StateRoute;

// Hash mode: stage every source (key, hash), diff against the stored state, then write
// only what differs.
//
// By blocks (a PostgreSQL source with typed hashes, one integer key, state in PostgreSQL):
// the source sums its row hashes per block of keys in one aggregate scan, the state store
// sums the stored hashes the same way, and only blocks whose sums differ are looked into: both
// sides sum those blocks' sub-blocks, and only sub-blocks whose sums differ are compared row
// by row (key hashes), then read. A run with no change moves no row.
//
// Sources that hash at the source (hashesAtSource()) stream just keys and hashes, and the
// changed rows are fetched with readByKeys, one diff batch at a time. Other sources are
// read twice: a first readAll pass hashes each row and keeps nothing but its batch; the
// diff then fetches the changed rows with readByKeys. A second read of the changed rows is
// the price of memory that never grows with the table (keeping rows until the diff would
// hold the whole table). The hash stored is the one of the row actually written, so a row
// changed between the passes is simply seen as changed again next run.
class HashExecutor final
{
public:
    struct Options
    {
        bool engineHashes = false; // hash readAll rows even if the source could (cursor state)
        bool deletesOnly = false; // apply only deletes (full mode wrote every row already)
        bool countRows = true; // add staged rows to read/unchanged (not when reconciling)
        // Hash mode by blocks: keys per block (block = floor(key / blockWidth)); 0 = rows only.
        qint64 blockWidth = 100;
        // Keys per sub-block (a divisor of blockWidth; 0 = one level): the blocks that differ
        // are narrowed down to their sub-blocks that differ before rows are compared.
        qint64 subBlockWidth = 10;
    };

    HashExecutor(RunContext &context, const EntityPlan &plan, SourceConnector &source,
                 StateRoute &state, BatchPipeline &pipeline, EntityStats &stats);

    void run(const Options &options);

private:
    // Compares block sums of the source with those of the stored state and expands only the
    // blocks that differ. False (nothing done) when the source, the state store or the key
    // cannot, or when no state is stored yet (the row comparison then costs no more).
    bool runByBlocks(const Options &options);
    struct BlockRun
    {
        qint64 looked = 0; // source rows compared row by row
        qint64 changed = 0; // rows upserted
        qint64 subBlocks = 0; // sub-blocks that differed
    };
    // Compares the rows of these blocks of `width` keys (ascending): the source's key hashes
    // against the stored entries, a chunk of blocks at a time (rowsOf: a block's rows at most),
    // and applies what differs.
    void expandBlocks(SideThread &side, const ReadRequest &request, qint64 width, const QList<qint64> &blocks,
                      const std::function<qint64(qint64)> &rowsOf, const Options &options, BlockRun &done);
    void applyChanges(const QList<StateStore::KeyChange> &changes, const Options &options, bool sourceHashes);
    qint64 stage(bool sourceHashes);
    void upsertChanged(const QList<StateStore::KeyChange> &changes, bool sourceHashes);

    RunContext &m_context;
    const EntityPlan &m_plan;
    SourceConnector &m_source;
    StateRoute &m_state;
    BatchPipeline &m_pipeline;
    EntityStats &m_stats;
    StagingSession *m_staging = nullptr;
};

} // namespace tf::sync
