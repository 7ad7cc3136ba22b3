#pragma once

#include "circuitbreaker.h"
#include "retrypolicy.h"

#include <QString>
#include <exception>
#include <functional>
#include <memory>

namespace tf::sync {

// Thrown through a connector's read by the engine's own batch processing (transform, apply
// to the target...), so that the read's retry loop and circuit breaker never mistake a
// failure of the *target* for one of the source. Unwrapped by ResilientCall::call().
struct DownstreamFailure
{
    std::exception_ptr error;
};

// Wraps a sink so anything it throws travels as a DownstreamFailure.
template<typename Sink> auto downstream(Sink sink)
{
    return [sink = std::move(sink)](const auto &batch) -> bool {
        try {
            return sink(batch);
        } catch (...) {
            throw DownstreamFailure { std::current_exception() };
        }
    };
}

// One external system's calls: its circuit breaker, then the retry policy for transient
// errors. Permanent errors pass through at once and do not count against the breaker (the
// system answered). An open breaker fails the call with Unavailable without calling.
class ResilientCall final
{
public:
    ResilientCall(RetryPolicy policy, std::shared_ptr<CircuitBreaker> breaker, Sleeper sleeper);

    // Runs fn, retrying it per the policy. beforeRetry runs before each new attempt (a
    // restarted stream resets what the failed attempt had counted).
    void call(const QString &what, const std::function<void()> &fn,
              const std::function<void()> &beforeRetry = {});

    int retries() const { return m_retries; }

private:
    RetryPolicy m_policy;
    std::shared_ptr<CircuitBreaker> m_breaker;
    Sleeper m_sleeper;
    int m_retries = 0;
};

} // namespace tf::sync
