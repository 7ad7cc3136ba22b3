#pragma once

#include "rangechecksums.h"
#include "tablechecksums.h"

#include <QHash>

#include <optional>

namespace tf::sync {

// Block sums added up (what tells that a side's blocks are unchanged as a whole).
inline RangeSum totalOf(const QHash<qint64, RangeSum> &sums)
{
    RangeSum total;
    for (const RangeSum &sum : sums) {
        total.rows += sum.rows;
        total.a += sum.a;
        total.b += sum.b;
    }
    return total;
}

// Optional capability of a StateStore, for hash mode by blocks: the stored state read per
// block of `width` integer keys (block = floor(key / width)). Block sums always describe
// exactly the state committed: no crash, and no other mode writing state (full, cursor,
// quarantine replay, repair), can leave a block sum that hides a row (PostgreSQL keeps them
// with triggers in the transaction that writes the rows: postgresblockstate.h).
class BlockStates
{
public:
    virtual ~BlockStates() = default;

    // Sums of the stored hashes per block (RangeSum as RangeChecksums adds typed row hashes).
    // A block holding a hash that is not a typed row hash counts -1 rows, so it never equals a
    // source block. Empty optional: this store cannot.
    virtual std::optional<QHash<qint64, RangeSum>> blockSums(const QString &pairId, const QString &entity,
                                                             qint64 width) = 0;
    // Sums of just these blocks of `width` keys (blocks without rows absent), for the second
    // level: the sub-blocks of the coarse blocks that differ. Empty optional: this store cannot
    // at this width (the caller then compares the coarse blocks row by row).
    virtual std::optional<QHash<qint64, RangeSum>> blockSumsOf(const QString &pairId, const QString &entity,
                                                               qint64 width, const QList<qint64> &blocks) = 0;
    // The stored entries (source key, hash, target key) of the keys in these blocks.
    virtual QList<StateEntry> blockEntries(const QString &pairId, const QString &entity, qint64 width,
                                           const QList<qint64> &blocks) = 0;

    // What a hash run by blocks records when the source's block sums equalled every stored one
    // and the source also gave its table checksum (TableChecksums) in the same snapshot: that
    // checksum, and the totals of the state's blocks then. A later run whose source checksum and
    // state totals are both unchanged has nothing to compare. A store without it returns
    // nullopt and records nothing.
    struct SourceChecksum
    {
        TableChecksum table;
        qint64 blocks = 0;  // blocks of the state
        RangeSum totals;    // the state's block sums added up
    };
    virtual std::optional<SourceChecksum> sourceChecksum(const QString &pairId, const QString &entity)
    {
        Q_UNUSED(pairId);
        Q_UNUSED(entity);
        return std::nullopt;
    }
    virtual void recordSourceChecksum(const QString &pairId, const QString &entity, const SourceChecksum &recorded)
    {
        Q_UNUSED(pairId);
        Q_UNUSED(entity);
        Q_UNUSED(recorded);
    }
};

} // namespace tf::sync
