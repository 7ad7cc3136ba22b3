#include "loginthrottle.h"

namespace tf::auth {

namespace {
constexpr qsizetype kPruneAbove = 10000; // entries kept before old ones are swept early
}

LoginThrottle::LoginThrottle(Settings settings, MonotonicClock clock)
    : m_settings(settings)
    , m_clock(std::move(clock))
{ }

QString LoginThrottle::userKey(const QString &username)
{
    // Bounded, so a hostile username cannot grow memory; case-folded so "Admin" counts as "admin".
    return QStringLiteral("u:") + username.left(64).toLower();
}

QString LoginThrottle::addressKey(const QString &address)
{
    return QStringLiteral("a:") + address;
}

qint64 LoginThrottle::remaining(const QString &key, qint64 now) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.constEnd() || it->bannedUntil <= now)
        return 0;
    return it->bannedUntil - now;
}

LoginThrottle::Ban LoginThrottle::banFor(const QString &username, const QString &address)
{
    const qint64 now = m_clock();
    Ban ban;
    const qint64 user = remaining(userKey(username), now);
    const qint64 from = remaining(addressKey(address), now);
    if (user >= from && user > 0) {
        ban.remainingMs = user;
        ban.subject = QStringLiteral("username");
    } else if (from > 0) {
        ban.remainingMs = from;
        ban.subject = QStringLiteral("address");
    }
    return ban;
}

void LoginThrottle::count(const QString &key, qint64 now)
{
    Entry &entry = m_entries[key];
    entry.failures.removeIf([&](qint64 at) { return now - at >= m_settings.windowMs; });
    entry.failures.append(now);
    if (entry.failures.size() >= m_settings.maxFailures) {
        entry.bannedUntil = now + m_settings.banMs;
        entry.failures.clear();
    }
}

LoginThrottle::Ban LoginThrottle::recordFailure(const QString &username, const QString &address)
{
    const qint64 now = m_clock();
    prune(now);
    count(userKey(username), now);
    count(addressKey(address), now);
    return banFor(username, address);
}

void LoginThrottle::recordSuccess(const QString &username, const QString &address)
{
    for (const QString &key : { userKey(username), addressKey(address) }) {
        auto it = m_entries.find(key);
        if (it != m_entries.end() && it->bannedUntil <= m_clock())
            m_entries.erase(it);
    }
}

void LoginThrottle::prune(qint64 now)
{
    if (m_entries.size() < m_pruneAbove && now - m_lastPrune < m_settings.windowMs)
        return;
    m_lastPrune = now;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const bool banned = it->bannedUntil > now;
        const bool recent
            = !it->failures.isEmpty() && now - it->failures.constLast() < m_settings.windowMs;
        if (!banned && !recent)
            it = m_entries.erase(it);
        else
            ++it;
    }
    // Many live entries: sweep again only when their number has doubled (amortised O(1)).
    m_pruneAbove = qMax(kPruneAbove, m_entries.size() * 2);
}

} // namespace tf::auth
