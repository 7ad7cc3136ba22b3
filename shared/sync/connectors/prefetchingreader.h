#pragma once

#include "postgresquery.h"
#include "sync/connector.h"

#include <functional>

namespace tf::sync::pg {

// Reads on its own thread while the caller's thread consumes: `produce` runs on a new thread
// (so a database read there opens its own connection, closed when the thread ends) and hands
// rows to the RowSink it gets; they are grouped into batches of batchSize and queued, at most
// `depth` batches, for `sink`, which runs on the calling thread. Memory stays bounded: the
// queue, the batch being filled and the batch being consumed.
//
// Behaves like calling `produce` directly: when `sink` returns false, the producer's RowSink
// returns false from then on and run() returns once the producer has stopped; an error the
// producer throws reaches the caller unchanged after the batches read before it; an error
// `sink` throws stops the producer and is rethrown.
class PrefetchingBatchSource final
{
public:
    // addRow's hash (null for none) goes to RowBatch::hashes. An empty row is no row: it hands
    // on the rows gathered so far as a batch at once (a producer with more to do after its last
    // row, which the consumer need not wait for).
    using RowProducer = std::function<void(const RowSink &addRow)>;

    static void run(SchemaPtr schema, int batchSize, const RowProducer &produce,
                    const BatchSink &sink, int depth = 2);
};

} // namespace tf::sync::pg
