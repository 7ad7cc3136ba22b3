#pragma once

#include "steadyclock.h"

#include <QHash>
#include <QString>

namespace tf::auth {

// A token bucket per key (a credential or a client address): ratePerSecond tokens flow in, up
// to burst; each request takes one. A rate of 0 turns the limiter off.
class RateLimiter final
{
public:
    RateLimiter(double ratePerSecond, double burst, MonotonicClock clock = steadyNowMs);

    bool enabled() const { return m_rate > 0; }
    // What a caller's bucket holds, for RateLimit-Limit / -Remaining / -Reset headers.
    struct State
    {
        qint64 limit = 0;        // burst, whole requests
        qint64 remaining = 0;    // whole tokens left
        qint64 resetSeconds = 0; // until the bucket is full again (rounded up)
    };

    // 0 when the request may go ahead (one token taken); else the milliseconds until a token
    // will be there. `state`, when given, receives the bucket after the request.
    qint64 take(const QString &key, State *state = nullptr);
    // The bucket as it is now, taking nothing (a key never seen: full).
    State peek(const QString &key) const;

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    void prune(qint64 now);
    State stateOf(double tokens) const;

    double m_rate;
    double m_burst;
    MonotonicClock m_clock;
    QHash<QString, Bucket> m_buckets;
    qint64 m_lastPrune = 0;
    qsizetype m_pruneAbove = 10000;
};

} // namespace tf::auth
