#pragma once

#include "sync/engine/circuitbreaker.h"

#include <QString>
#include <chrono>

namespace tf {
class Config;
}

namespace tf::syncd {

// The [sync] settings of the worker pool, the reaper and the scheduler.
struct WorkerSettings
{
    int workers = 2; // sync/workers (0: this node runs no syncs)
    std::chrono::milliseconds pollInterval { 500 }; // sync/poll_interval_ms
    std::chrono::milliseconds lease { 30000 }; // sync/lease_ms
    std::chrono::milliseconds heartbeat { 10000 }; // sync/heartbeat_ms (default lease / 3)
    int maxAttempts = 3; // sync/max_attempts
    std::chrono::milliseconds retryBase { 5000 }; // sync/retry_base_ms: first backoff
    std::chrono::milliseconds retryMax { 300000 }; // sync/retry_max_ms: backoff cap
    std::chrono::milliseconds schedulerInterval { 15000 }; // sync/scheduler_interval_ms
    bool scheduler = true; // sync/scheduler
    // sync/chunk_rows: a full run, or a first run, of an entity estimated at this many rows or
    // more is loaded in key-range chunks of about this size that any worker can claim
    // (PostgreSQL sources with one integer key column), when two chunks can run at once
    // (ChunkCoordinator::chunksCanOverlap). 0: never chunked.
    qint64 chunkRows = 250000;
    // sync/circuit_failure_threshold and sync/circuit_cooldown_ms: the circuit breaker every
    // pair shares per external system opens after that many consecutive transient failures and
    // lets one trial call through after the cool-down.
    sync::CircuitBreakerSettings circuit;
    // Not configuration: <data>/maintenance.lock; while it exists (a restore is running) no
    // worker claims an operation (ops::MaintenancePause). Empty: never paused.
    QString pauseFile;

    // Reads the keys above (absent ones keep their defaults); throws tf::Error(Validation)
    // naming the key for a bad value.
    static WorkerSettings fromConfig(const Config &config);
};

} // namespace tf::syncd
