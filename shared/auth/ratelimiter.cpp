#include "ratelimiter.h"

#include <cmath>

namespace tf::auth {

RateLimiter::RateLimiter(double ratePerSecond, double burst, MonotonicClock clock)
    : m_rate(qMax(ratePerSecond, 0.0))
    , m_burst(qMax(burst, 1.0))
    , m_clock(std::move(clock))
{ }

RateLimiter::State RateLimiter::stateOf(double tokens) const
{
    State state;
    state.limit = qint64(std::floor(m_burst));
    state.remaining = qMax<qint64>(0, qint64(std::floor(tokens)));
    state.resetSeconds = qint64(std::ceil(qMax(0.0, m_burst - tokens) / m_rate - 1e-9));
    return state;
}

RateLimiter::State RateLimiter::peek(const QString &key) const
{
    if (!enabled())
        return {};
    const auto it = m_buckets.constFind(key);
    if (it == m_buckets.constEnd())
        return stateOf(m_burst);
    return stateOf(qMin(m_burst, it->tokens + double(m_clock() - it->updatedMs) * m_rate / 1000.0));
}

qint64 RateLimiter::take(const QString &key, State *state)
{
    if (!enabled())
        return 0;
    const qint64 now = m_clock();
    prune(now);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket { m_burst, now });
    Bucket &bucket = *it;
    bucket.tokens = qMin(m_burst, bucket.tokens + double(now - bucket.updatedMs) * m_rate / 1000.0);
    bucket.updatedMs = now;
    const bool allowed = bucket.tokens >= 1.0;
    if (allowed)
        bucket.tokens -= 1.0;
    if (state)
        *state = stateOf(bucket.tokens);
    if (allowed)
        return 0;
    return qMax<qint64>(1, qint64(std::ceil((1.0 - bucket.tokens) * 1000.0 / m_rate)));
}

void RateLimiter::prune(qint64 now)
{
    // A bucket that would be full again carries no information: forget it, so memory follows
    // the number of recent callers, not of all callers ever seen.
    if (now - m_lastPrune < 10000 && m_buckets.size() < m_pruneAbove)
        return;
    m_lastPrune = now;
    const double refillMs = m_burst * 1000.0 / m_rate;
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (double(now - it->updatedMs) >= refillMs)
            it = m_buckets.erase(it);
        else
            ++it;
    }
    m_pruneAbove = qMax<qsizetype>(10000, m_buckets.size() * 2);
}

} // namespace tf::auth
