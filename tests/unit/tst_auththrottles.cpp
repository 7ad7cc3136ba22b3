// The failed-login ban (in a migrated control database, shared by every gateway using it) and
// the token-bucket rate limiter, on a clock the test moves.
#include "auth/loginthrottle.h"
#include "auth/ratelimiter.h"
#include "db/controldatabase.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace tf::auth;

class TestAuthThrottles final : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 1000000;
    MonotonicClock clock()
    {
        return [this] { return m_now; };
    }
    static constexpr qint64 kMinute = 60 * 1000;

    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    const tf::db::Database &db() const { return m_control->database(); }

    LoginThrottle throttle()
    {
        LoginThrottle::Settings settings;
        settings.maxFailures = 5;
        settings.windowMs = 15 * kMinute;
        settings.banMs = 15 * kMinute;
        return LoginThrottle(settings, clock());
    }

    qint64 rows(const char *table)
    {
        QSqlQuery query = db().prepare(QStringLiteral("SELECT COUNT(*) FROM ") + QLatin1String(table));
        db().exec(query, "counting");
        const qint64 n = query.next() ? query.value(0).toLongLong() : -1;
        query.finish();
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_control = tf::db::ControlDatabase::open(QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("control.db")));
    }

    void fifthFailureBansUserAndAddress()
    {
        LoginThrottle t = throttle();
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(
                t.recordFailure(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1")).remainingMs,
                0);
            QCOMPARE(t.banFor(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1")).remainingMs, 0);
            m_now += 1000;
        }
        const LoginThrottle::Ban started
            = t.recordFailure(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1"));
        QCOMPARE(started.remainingMs, 15 * kMinute);

        // The user, from anywhere; the address, for anyone.
        QCOMPARE(t.banFor(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.2")).subject,
                 QStringLiteral("username"));
        QCOMPARE(t.banFor(db(), QStringLiteral("ALICE"), QStringLiteral("10.0.0.2")).subject,
                 QStringLiteral("username"));
        QCOMPARE(t.banFor(db(), QStringLiteral("bob"), QStringLiteral("10.0.0.1")).subject,
                 QStringLiteral("address"));
        // Everybody else is untouched.
        QCOMPARE(t.banFor(db(), QStringLiteral("bob"), QStringLiteral("10.0.0.2")).remainingMs, 0);

        // A success does not lift a ban in force.
        t.recordSuccess(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1"));
        QVERIFY(t.banFor(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.2")).remainingMs > 0);

        m_now += 15 * kMinute - 1;
        QCOMPARE(t.banFor(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1")).remainingMs, 1);
        m_now += 1;
        QCOMPARE(t.banFor(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1")).remainingMs, 0);
        // After the ban the count starts again from zero.
        QCOMPARE(t.recordFailure(db(), QStringLiteral("alice"), QStringLiteral("10.0.0.1")).remainingMs,
                 0);
    }

    void failuresOutsideTheWindowDoNotCount()
    {
        LoginThrottle t = throttle();
        for (int i = 0; i < 4; ++i)
            t.recordFailure(db(), QStringLiteral("carol"), QStringLiteral("10.0.0.3"));
        m_now += 15 * kMinute;
        QCOMPARE(t.recordFailure(db(), QStringLiteral("carol"), QStringLiteral("10.0.0.3")).remainingMs,
                 0);
        QCOMPARE(t.banFor(db(), QStringLiteral("carol"), QStringLiteral("10.0.0.3")).remainingMs, 0);
    }

    void successForgetsFailures()
    {
        LoginThrottle t = throttle();
        for (int i = 0; i < 4; ++i)
            t.recordFailure(db(), QStringLiteral("dave"), QStringLiteral("10.0.0.4"));
        t.recordSuccess(db(), QStringLiteral("dave"), QStringLiteral("10.0.0.4"));
        for (int i = 0; i < 4; ++i)
            QCOMPARE(
                t.recordFailure(db(), QStringLiteral("dave"), QStringLiteral("10.0.0.4")).remainingMs, 0);
    }

    void manyAttackersStayBounded()
    {
        LoginThrottle t = throttle();
        for (int i = 0; i < 500; ++i)
            t.recordFailure(db(), QStringLiteral("user%1").arg(i),
                            QStringLiteral("10.1.%1.%2").arg(i / 256).arg(i % 256));
        QVERIFY(rows("login_failures") >= 1000);
        m_now += 16 * kMinute;
        t.recordFailure(db(), QStringLiteral("last"), QStringLiteral("10.9.9.9"));
        QCOMPARE(t.banFor(db(), QStringLiteral("user1"), QStringLiteral("10.1.0.1")).remainingMs, 0);
        // Rows out of the window are gone: only the last failure's two are left.
        QCOMPARE(rows("login_failures"), 2);
    }

    // Another gateway on the same control database (another LoginThrottle) sees the ban and
    // the failures counted by the first.
    void everyGatewaySharesTheBans()
    {
        LoginThrottle first = throttle();
        LoginThrottle second = throttle();
        for (int i = 0; i < 2; ++i)
            first.recordFailure(db(), QStringLiteral("erin"), QStringLiteral("10.0.0.5"));
        for (int i = 0; i < 2; ++i)
            second.recordFailure(db(), QStringLiteral("erin"), QStringLiteral("10.0.0.6"));
        QCOMPARE(second.banFor(db(), QStringLiteral("erin"), QStringLiteral("10.0.0.7")).remainingMs, 0);
        QCOMPARE(first.recordFailure(db(), QStringLiteral("erin"), QStringLiteral("10.0.0.8")).subject, QStringLiteral("username"));
        const LoginThrottle::Ban seen = second.banFor(db(), QStringLiteral("Erin"), QStringLiteral("10.0.0.9"));
        QCOMPARE(seen.subject, QStringLiteral("username"));
        QCOMPARE(seen.remainingMs, 15 * kMinute);
    }

    void bucketAllowsBurstThenRate()
    {
        RateLimiter limiter(10, 20, clock()); // 10/s, burst 20
        QVERIFY(limiter.enabled());
        for (int i = 0; i < 20; ++i)
            QCOMPARE(limiter.take(QStringLiteral("a")), 0);
        const qint64 wait = limiter.take(QStringLiteral("a"));
        QVERIFY(wait > 0 && wait <= 100);
        QCOMPARE(limiter.take(QStringLiteral("b")), 0); // other keys have their own bucket
        m_now += 100;
        QCOMPARE(limiter.take(QStringLiteral("a")), 0);
        QVERIFY(limiter.take(QStringLiteral("a")) > 0);
        m_now += 10000; // refills to the burst, not beyond
        for (int i = 0; i < 20; ++i)
            QCOMPARE(limiter.take(QStringLiteral("a")), 0);
        QVERIFY(limiter.take(QStringLiteral("a")) > 0);
    }

    void zeroRateIsOff()
    {
        RateLimiter limiter(0, 1, clock());
        QVERIFY(!limiter.enabled());
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(limiter.take(QStringLiteral("a")), 0);
    }

    void slowRateAsksForSeconds()
    {
        RateLimiter limiter(1, 1, clock());
        QCOMPARE(limiter.take(QStringLiteral("a")), 0);
        const qint64 wait = limiter.take(QStringLiteral("a"));
        QVERIFY(wait > 900 && wait <= 1000);
    }
};

QTEST_GUILESS_MAIN(TestAuthThrottles)
#include "tst_auththrottles.moc"
