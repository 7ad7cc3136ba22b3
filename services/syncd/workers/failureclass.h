#pragma once

#include <QString>
#include <chrono>

namespace tf::syncd {

// Whether a failed sync is worth another attempt. Transient: the network, a lost
// connection, a deadlock or serialization failure, a timeout, an open circuit breaker
// (tf::Error Unavailable / Timeout), a full disk or read-only database (InsufficientStorage:
// an operator frees space and the retry succeeds). Permanent: everything a person must fix first (a bad
// mapping, a missing table, wrong credentials, validation): retrying would fail the same way.
enum class FailureClass { Transient, Permanent };

// code: tf::Error::code() of the failure ("service_unavailable", "timeout", ...).
FailureClass classifyFailure(const QString &code, const QString &message);
QString failureClassName(FailureClass failure);
// Whether the failure is a full disk or read-only database (the alert names its path).
bool isStorageFailure(const QString &code, const QString &message);

// Exponential backoff with jitter for the attempt that just failed (1-based):
// base * 2^(attempt-1), capped at max, then scaled by a random factor in [0.8, 1.2) so nodes
// that failed together do not retry together.
std::chrono::milliseconds retryDelay(int attempt, std::chrono::milliseconds base,
                                     std::chrono::milliseconds max);

} // namespace tf::syncd
