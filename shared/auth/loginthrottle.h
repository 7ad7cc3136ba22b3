#pragma once

#include <QDateTime>
#include <QString>

#include <atomic>
#include <functional>

namespace tf::db {
class Database;
}

namespace tf::auth {

// Milliseconds since 1970 (UTC). Bans are shared by every gateway through the control
// database, so they are kept in wall-clock time; tests pass a clock they move.
using WallClock = std::function<qint64()>;
inline qint64 wallNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Failed-login bans, per username and per client address: after maxFailures failures within
// the window, that username (from anywhere) and that address (for any username) are refused for
// banMs, whatever password they send. Other users and addresses are not affected. Kept in the
// control database (login_failures, login_bans; migration 0015), so every gateway sharing it
// counts the same failures and enforces the same bans.
class LoginThrottle final
{
public:
    struct Settings
    {
        int maxFailures = 5;
        qint64 windowMs = 15 * 60 * 1000;
        qint64 banMs = 15 * 60 * 1000;
    };

    explicit LoginThrottle(Settings settings, WallClock clock = wallNowMs);

    struct Ban
    {
        qint64 remainingMs = 0; // 0: not banned
        QString subject; // "username" or "address"
    };
    // The ban in force on this username or address, if any.
    Ban banFor(const db::Database &database, const QString &username, const QString &address) const;
    // Counts a failure; returns the ban in force after it (remainingMs 0 when none yet).
    Ban recordFailure(const db::Database &database, const QString &username, const QString &address);
    // A successful login forgets the failures of both (a ban in force stays).
    void recordSuccess(const db::Database &database, const QString &username, const QString &address);

    const Settings &settings() const { return m_settings; }

    static QString userKey(const QString &username);
    static QString addressKey(const QString &address);

private:
    void count(const db::Database &database, const QString &key, qint64 now);
    void prune(const db::Database &database, qint64 now);

    Settings m_settings;
    WallClock m_clock;
    std::atomic<qint64> m_lastPrune { 0 };
};

} // namespace tf::auth
