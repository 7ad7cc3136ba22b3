#pragma once

#include "auth/steadyclock.h"
#include "common/apirequest.h"

#include <QDateTime>
#include <QHash>

namespace tf {
class DatabaseState;
}

namespace tf::gateway {

// Turns a bearer token into a caller: looks its SHA-256 up in api_tokens (sessions and API
// tokens alike) and refuses unknown, revoked and expired tokens and the sessions of disabled
// users. Answers are cached for a few seconds so a polling console does not cost a query per
// request; changes made through this gateway (logout, revoke, user disabled, deleted or
// given a new password) call forgetAll() and take effect at once. Another gateway's changes
// take effect within the cache time. last_used_at is written at most once a minute per token.
class Authenticator final
{
public:
    static constexpr qint64 kCacheMs = 5000;
    static constexpr qint64 kTouchIntervalMs = 60000;

    explicit Authenticator(const DatabaseState &database,
                           auth::MonotonicClock clock = auth::steadyNowMs);

    // Throws tf::Error(Unauthorized) for a token that is not (or no longer) good, and
    // tf::Error(Unavailable) while the control database cannot be reached.
    http::Caller authenticate(const QByteArray &token, const QHostAddress &address);
    void forgetAll();

private:
    struct Cached
    {
        http::Caller caller;
        QDateTime expiresAt;
        qint64 cachedAtMs = 0;
    };
    http::Caller lookUp(const QString &hash, QDateTime *expiresAt);
    void touch(qint64 tokenId, qint64 nowMs);

    const DatabaseState &m_database;
    auth::MonotonicClock m_clock;
    QHash<QString, Cached> m_cache; // token hash -> caller
    QHash<qint64, qint64> m_lastTouchMs; // token id -> when last_used_at was written
};

} // namespace tf::gateway
