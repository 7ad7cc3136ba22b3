#pragma once

#include "sidethread.h"
#include "sync/rangechecksums.h"

#include <atomic>

namespace tf::sync {

// Finds the key ranges where two databases differ without moving their rows: both sides
// checksum the same ranges concurrently, each in its own database; equal ranges are done,
// different ones are cut at the source's quantiles (kFanOut parts) and checksummed again,
// until a differing range is small enough to compare row by row (kLeafRows). The whole
// range is cut from the start, so identical tables cost one sort of the source's keys and
// one checksum scan per side, and so does the first level of tables that differ.
class RangeBisector final
{
public:
    static constexpr int kFanOut = 32;
    static constexpr qint64 kLeafRows = 4096;
    static constexpr qint64 kMaxFirstParts = 4096; // the first cut of a differing table
    static constexpr qint64 kCheapFirstParts = 16384; // the first cut when splitting is free

    struct Side
    {
        RangeChecksums *ranges = nullptr;
        ReadRequest request; // the hashed columns, in the order both sides share; one key column
        RangeHash hash = RangeHash::Text; // the same on both sides
    };
    struct Result
    {
        qint64 sourceRows = 0;
        qint64 targetRows = 0;
        QList<KeyRange> differing; // ascending, disjoint
        int queries = 0; // checksum and split queries per side
    };

    // The source's queries run on `thread`, the target's on the calling thread.
    RangeBisector(SideThread &thread, Side source, Side target, const std::atomic_bool *cancel = nullptr);

    Result run();

private:
    SideThread &m_thread;
    Side m_source;
    Side m_target;
    const std::atomic_bool *m_cancel;
    int m_queries = 0;
};

} // namespace tf::sync
