#pragma once

#include "sync/queue/chunkqueue.h"
#include "workersettings.h"

#include <QString>
#include <atomic>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
} // namespace tf

namespace tf::syncd {

// Runs one chunk a pool worker claimed (ChunkQueue::claim) on the calling thread: opens the
// pair (its connectors belong to this thread), runs SyncRunner over the chunk's entity with a
// ChunkedLoad that reads only the chunk's key range from its checkpoint on, and records the
// outcome: done; back in the queue (lease lost, the node stopping, or a transient failure
// with attempts left, after a backoff); or failed, which fails the operation through its
// coordinator.
class ChunkWorker final
{
public:
    struct Context
    {
        db::Database &control;
        const SecretBox &secrets;
        QString nodeId;
        WorkerSettings settings;
        const std::atomic_bool &stopping;
    };

    explicit ChunkWorker(Context context);
    void run(const sync::ChunkRecord &chunk);

private:
    Context m_context;
};

} // namespace tf::syncd
