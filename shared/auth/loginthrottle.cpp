#include "loginthrottle.h"

#include "db/connection.h"

#include <QSqlQuery>
#include <QVariant>

namespace tf::auth {

LoginThrottle::LoginThrottle(Settings settings, WallClock clock)
    : m_settings(settings)
    , m_clock(std::move(clock))
{ }

QString LoginThrottle::userKey(const QString &username)
{
    // Bounded, so a hostile username cannot grow the table's rows; case-folded so "Admin"
    // counts as "admin".
    return QStringLiteral("u:") + username.left(64).toLower();
}

QString LoginThrottle::addressKey(const QString &address)
{
    return QStringLiteral("a:") + address;
}

LoginThrottle::Ban LoginThrottle::banFor(const db::Database &database, const QString &username,
                                         const QString &address) const
{
    const qint64 now = m_clock();
    const QString user = userKey(username);
    QSqlQuery query = database.prepare(QStringLiteral(
        "SELECT subject, banned_until_ms FROM login_bans WHERE subject IN (?, ?) AND banned_until_ms > ?"));
    query.addBindValue(user);
    query.addBindValue(addressKey(address));
    query.addBindValue(now);
    database.exec(query, "reading login bans");
    qint64 userRemaining = 0;
    qint64 addressRemaining = 0;
    while (query.next()) {
        const qint64 remaining = query.value(1).toLongLong() - now;
        (query.value(0).toString() == user ? userRemaining : addressRemaining) = remaining;
    }
    Ban ban;
    if (userRemaining >= addressRemaining && userRemaining > 0) {
        ban.remainingMs = userRemaining;
        ban.subject = QStringLiteral("username");
    } else if (addressRemaining > 0) {
        ban.remainingMs = addressRemaining;
        ban.subject = QStringLiteral("address");
    }
    return ban;
}

void LoginThrottle::count(const db::Database &database, const QString &key, qint64 now)
{
    QSqlQuery insert = database.prepare(
        QStringLiteral("INSERT INTO login_failures (subject, failed_at_ms) VALUES (?, ?)"));
    insert.addBindValue(key);
    insert.addBindValue(now);
    database.exec(insert, "counting a failed login");
    QSqlQuery recent = database.prepare(
        QStringLiteral("SELECT COUNT(*) FROM login_failures WHERE subject = ? AND failed_at_ms > ?"));
    recent.addBindValue(key);
    recent.addBindValue(now - m_settings.windowMs);
    database.exec(recent, "counting failed logins");
    const qint64 failures = recent.next() ? recent.value(0).toLongLong() : 0;
    recent.finish();
    if (failures < m_settings.maxFailures)
        return;
    QSqlQuery ban = database.prepare(QStringLiteral(
        "INSERT INTO login_bans (subject, banned_until_ms) VALUES (?, ?) "
        "ON CONFLICT (subject) DO UPDATE SET banned_until_ms = excluded.banned_until_ms"));
    ban.addBindValue(key);
    ban.addBindValue(now + m_settings.banMs);
    database.exec(ban, "banning logins");
    // After the ban the count starts again from zero.
    QSqlQuery forget = database.prepare(QStringLiteral("DELETE FROM login_failures WHERE subject = ?"));
    forget.addBindValue(key);
    database.exec(forget, "resetting failed logins");
}

LoginThrottle::Ban LoginThrottle::recordFailure(const db::Database &database, const QString &username,
                                                const QString &address)
{
    const qint64 now = m_clock();
    {
        // One transaction: two gateways counting the same subject at once see each other's rows.
        db::Transaction transaction(database);
        count(database, userKey(username), now);
        count(database, addressKey(address), now);
        prune(database, now);
        transaction.commit();
    }
    return banFor(database, username, address);
}

void LoginThrottle::recordSuccess(const db::Database &database, const QString &username,
                                  const QString &address)
{
    for (const QString &key : { userKey(username), addressKey(address) }) {
        QSqlQuery forget = database.prepare(QStringLiteral(
            "DELETE FROM login_failures WHERE subject = ? AND NOT EXISTS "
            "(SELECT 1 FROM login_bans WHERE subject = ? AND banned_until_ms > ?)"));
        forget.addBindValue(key);
        forget.addBindValue(key);
        forget.addBindValue(m_clock());
        database.exec(forget, "forgetting failed logins");
    }
}

void LoginThrottle::prune(const db::Database &database, qint64 now)
{
    // Failures out of the window and bans over: at most once a window per gateway, so many
    // attackers cost rows for one window at most.
    if (now - m_lastPrune.load() < m_settings.windowMs)
        return;
    m_lastPrune = now;
    QSqlQuery failures = database.prepare(QStringLiteral("DELETE FROM login_failures WHERE failed_at_ms <= ?"));
    failures.addBindValue(now - m_settings.windowMs);
    database.exec(failures, "pruning failed logins");
    QSqlQuery bans = database.prepare(QStringLiteral("DELETE FROM login_bans WHERE banned_until_ms <= ?"));
    bans.addBindValue(now);
    database.exec(bans, "pruning login bans");
}

} // namespace tf::auth
