#pragma once

#include "sync/rangechecksums.h"

namespace tf::sync {

// Optional capability of a source whose entities can be loaded in key-range chunks by
// several workers at once (issue 16 item 5): PostgreSQL. Only single-column integer keys are
// chunked; the cut itself is RangeChecksums::splitPoints (equal widths between the key's least
// and greatest value), the same that verify uses.
class ChunkSource
{
public:
    virtual ~ChunkSource() = default;

    // The entity's row count as the statistics estimate it (a count when there are none).
    virtual qint64 estimateRows(const QString &entity) = 0;
    // True when request.keyColumns is one integer column: the ranges are then exact integers.
    virtual bool chunksBy(const ReadRequest &request) = 0;
    // The rows with range.from <= key < range.to (absent end: unbounded), ordered by key, in
    // batches of request.batchSize, exactly as readAll would deliver them.
    virtual void readKeyRange(const ReadRequest &request, const KeyRange &range,
                              const BatchSink &sink) = 0;
};

} // namespace tf::sync
