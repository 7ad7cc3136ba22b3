#pragma once

#include "core/errors.h"

#include <chrono>
#include <functional>

namespace tf::sync {

// How often and how patiently a failed call to an external system is tried again.
// Exponential backoff with full jitter: the wait before retry n is uniform in
// [0, min(maxDelay, baseDelay * 2^(n-1))], so many workers retrying one database spread out.
// Only transient kinds (Unavailable, Timeout) are retried; anything else is permanent.
struct RetryPolicy
{
    int attempts = 4; // total tries, first one included
    std::chrono::milliseconds baseDelay { 200 };
    std::chrono::milliseconds maxDelay { 10000 };
    bool jitter = true;

    static bool isTransient(const Error &error);
    static bool isTransient(Error::Kind kind);

    // The upper bound of the wait before retry `retry` (1 = first retry).
    std::chrono::milliseconds ceiling(int retry) const;
    // The wait itself: ceiling() when jitter is off, else uniform in [0, ceiling()], drawn with
    // `random` (returns [0, 1)); the default draws from QRandomGenerator::global().
    std::chrono::milliseconds delay(int retry, const std::function<double()> &random = {}) const;
};

// Waiting is injected so tests never sleep; the default blocks the calling thread.
using Sleeper = std::function<void(std::chrono::milliseconds)>;
Sleeper threadSleeper();

} // namespace tf::sync
