#pragma once

#include "steadyclock.h"

#include <QHash>
#include <QList>
#include <QString>

namespace tf::auth {

// Failed-login bans, per username and per client address: after maxFailures failures within
// the window, that username (from anywhere) and that address (for any username) are refused for
// banMs, whatever password they send. Other users and addresses are not affected. Kept in the
// memory of one gateway: several gateways behind a load balancer each count their own.
class LoginThrottle final
{
public:
    struct Settings
    {
        int maxFailures = 5;
        qint64 windowMs = 15 * 60 * 1000;
        qint64 banMs = 15 * 60 * 1000;
    };

    explicit LoginThrottle(Settings settings, MonotonicClock clock = steadyNowMs);

    struct Ban
    {
        qint64 remainingMs = 0; // 0: not banned
        QString subject; // "username" or "address"
    };
    // The ban in force on this username or address, if any.
    Ban banFor(const QString &username, const QString &address);
    // Counts a failure; returns the ban it started (remainingMs 0 when none yet).
    Ban recordFailure(const QString &username, const QString &address);
    // A successful login forgets the failures of both.
    void recordSuccess(const QString &username, const QString &address);

    const Settings &settings() const { return m_settings; }

private:
    struct Entry
    {
        QList<qint64> failures; // times within the window
        qint64 bannedUntil = 0;
    };
    static QString userKey(const QString &username);
    static QString addressKey(const QString &address);
    qint64 remaining(const QString &key, qint64 now) const;
    void count(const QString &key, qint64 now);
    void prune(qint64 now);

    Settings m_settings;
    MonotonicClock m_clock;
    QHash<QString, Entry> m_entries;
    qint64 m_lastPrune = 0;
    qsizetype m_pruneAbove = 10000;
};

} // namespace tf::auth
