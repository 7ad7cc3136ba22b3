#pragma once

#include "sync/engine/runtypes.h"
#include "sync/rangechecksums.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <chrono>
#include <optional>

namespace tf::db {
class Database;
}

namespace tf::sync {

// One key-range chunk of a chunked load, as operation_chunks (migration 0013) holds it.
struct ChunkRecord
{
    qint64 operationId = 0;
    qint64 pairId = 0; // of the operation
    QString entity; // the pair's entity name
    int chunkNo = 0; // 1-based
    int chunkCount = 0;
    KeyRange range;
    QString status; // queued, running, done, failed
    QString nodeId;
    int attempt = 0;
    std::optional<qint64> checkpointKey; // last key whose batch (and state) committed
    bool sweep = false; // the entity had state when planned (a full resync sweeps afterwards)
    bool targetEmpty = false; // the target entity had no row when the chunks were planned
    qint64 rowsDone = 0;
    EntityStats stats;
    QString error;

    QString describe() const; // "chunk 3/8 of parcel"
};

// The chunks of one entity of one operation, counted.
struct ChunkSummary
{
    int total = 0;
    int done = 0;
    int failed = 0;
    qint64 rowsDone = 0;
    qint64 estimate = 0;
    bool sweep = false;
    EntityStats stats; // of every chunk, summed
    QString error; // of a failed chunk
    double fraction() const { return estimate > 0 ? qMin(0.99, double(rowsDone) / double(estimate)) : -1; }
};

// The chunk leases (issue 16 item 5), shared by every tf-syncd node on one control database
// like OperationQueue: a chunk is claimable while its operation runs (not cancelled), when it
// is queued past its backoff or its lease expired (its worker died), and while fewer than the
// pair's workers_per_pair chunks of the operation hold a live lease. PostgreSQL claims with
// FOR UPDATE SKIP LOCKED and checks the limit under an advisory lock of the operation; SQLite
// (one node) claims under BEGIN IMMEDIATE. Each thread uses its own instance.
class ChunkQueue final
{
public:
    explicit ChunkQueue(const db::Database &control);

    struct Plan
    {
        QString entity;
        QList<KeyRange> ranges;
        qint64 estimate = 0;
        int maxWorkers = 1;
        bool sweep = false;
        bool targetEmpty = false; // kept in the chunks' statistics until their first heartbeat
    };
    // Inserts the chunks of plan.entity (all queued).
    void plan(qint64 operationId, const Plan &plan);
    ChunkSummary summary(qint64 operationId, const QString &entity) const;
    // Failed chunks of the entity -> queued (a new attempt of their operation). Returns how many.
    int requeueFailed(qint64 operationId, const QString &entity);

    // operationId 0: a chunk of any running operation; else only of that one.
    std::optional<ChunkRecord> claim(const QString &nodeId, std::chrono::milliseconds lease,
                                     qint64 operationId = 0);
    // Renews the lease and records the checkpoint (nullopt: unchanged) and the stats at it;
    // rowsDone (the progress; -1: stats.read) may run ahead of the checkpoint. False: the
    // lease is lost, or the operation stopped running or a cancel was asked: the worker stops.
    bool heartbeat(const ChunkRecord &chunk, const QString &nodeId, std::chrono::milliseconds lease,
                   std::optional<qint64> checkpointKey, const EntityStats &stats,
                   qint64 rowsDone = -1);
    void finish(const ChunkRecord &chunk, const QString &nodeId, const EntityStats &stats);
    // Back to queued (claimable after delay), or failed for good, with the error.
    void release(const ChunkRecord &chunk, const QString &nodeId, std::chrono::milliseconds delay,
                 const QString &error, bool failed);

    static QJsonObject statsJson(const EntityStats &stats);
    static EntityStats statsFrom(const QJsonObject &json);

private:
    std::optional<ChunkRecord> claimOnce(const QString &nodeId, std::chrono::milliseconds lease,
                                         qint64 operationId);

    const db::Database &m_database;
};

} // namespace tf::sync
