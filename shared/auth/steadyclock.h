#pragma once

#include <QtGlobal>
#include <chrono>
#include <functional>

namespace tf::auth {

// Milliseconds on a monotonic clock. The throttles take one as a parameter so their tests can
// move time without sleeping.
using MonotonicClock = std::function<qint64()>;

inline qint64 steadyNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace tf::auth
