// RetryPolicy, CircuitBreaker (+ registry) and ResilientCall, with an injected clock and
// sleeper: nothing here waits.
#include "sync/engine/circuitbreaker.h"
#include "sync/engine/resilientcall.h"
#include "sync/engine/retrypolicy.h"

#include <QtTest>

using namespace tf::sync;
using Kind = tf::Error::Kind;
using std::chrono::milliseconds;

class TestResilience final : public QObject
{
    Q_OBJECT

private slots:
    void backoffGrowsExponentiallyUpToTheCeiling();
    void fullJitterStaysWithinTheCeiling();
    void onlyTransientKindsAreRetried();
    void retriesCountAttemptsAndSleeps();
    void permanentErrorsPassAtOnce();
    void downstreamFailuresAreNotTheSystems();
    void breakerTransitions();
    void halfOpenAdmitsOneTrial();
    void registrySharesBreakersAndSnapshots();
};

void TestResilience::backoffGrowsExponentiallyUpToTheCeiling()
{
    RetryPolicy policy;
    policy.baseDelay = milliseconds(100);
    policy.maxDelay = milliseconds(1000);
    policy.jitter = false;
    QCOMPARE(policy.delay(1), milliseconds(100));
    QCOMPARE(policy.delay(2), milliseconds(200));
    QCOMPARE(policy.delay(3), milliseconds(400));
    QCOMPARE(policy.delay(4), milliseconds(800));
    QCOMPARE(policy.delay(5), milliseconds(1000));
    QCOMPARE(policy.delay(500), milliseconds(1000));
}

void TestResilience::fullJitterStaysWithinTheCeiling()
{
    RetryPolicy policy;
    policy.baseDelay = milliseconds(100);
    policy.maxDelay = milliseconds(1000);
    QCOMPARE(policy.delay(3, [] { return 0.0; }), milliseconds(0));
    QCOMPARE(policy.delay(3, [] { return 0.5; }), milliseconds(200));
    QCOMPARE(policy.delay(3, [] { return 0.999999; }), milliseconds(400));
    for (int i = 0; i < 200; ++i) {
        const milliseconds wait = policy.delay(4);
        QVERIFY(wait >= milliseconds(0) && wait <= milliseconds(800));
    }
}

void TestResilience::onlyTransientKindsAreRetried()
{
    QVERIFY(RetryPolicy::isTransient(Kind::Unavailable));
    QVERIFY(RetryPolicy::isTransient(Kind::Timeout));
    for (const Kind kind :
         { Kind::Validation, Kind::NotFound, Kind::Unauthorized, Kind::Internal, Kind::Conflict })
        QVERIFY(!RetryPolicy::isTransient(kind));
}

void TestResilience::retriesCountAttemptsAndSleeps()
{
    RetryPolicy policy;
    policy.attempts = 4;
    policy.jitter = false;
    policy.baseDelay = milliseconds(10);
    QList<milliseconds> sleeps;
    ResilientCall call(policy, nullptr, [&](milliseconds wait) { sleeps << wait; });
    int attempts = 0;
    int restarts = 0;
    call.call(
        QStringLiteral("flaky"),
        [&] {
            if (++attempts < 3)
                throw tf::Error(Kind::Timeout, QStringLiteral("slow"));
        },
        [&] { ++restarts; });
    QCOMPARE(attempts, 3);
    QCOMPARE(restarts, 2);
    QCOMPARE(call.retries(), 2);
    QCOMPARE(sleeps, QList<milliseconds>({ milliseconds(10), milliseconds(20) }));

    attempts = 0;
    try {
        call.call(QStringLiteral("down"), [&] {
            ++attempts;
            throw tf::Error(Kind::Unavailable, QStringLiteral("down"));
        });
        QFAIL("no error");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), Kind::Unavailable);
    }
    QCOMPARE(attempts, 4);
}

void TestResilience::permanentErrorsPassAtOnce()
{
    auto breaker = std::make_shared<CircuitBreaker>(
        QStringLiteral("s"), CircuitBreaker::Settings { 1, milliseconds(1000) });
    ResilientCall call(RetryPolicy {}, breaker, [](milliseconds) { QFAIL("slept"); });
    int attempts = 0;
    try {
        call.call(QStringLiteral("bad"), [&] {
            ++attempts;
            throw tf::Error(Kind::Validation, QStringLiteral("bad"));
        });
        QFAIL("no error");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), Kind::Validation);
    }
    QCOMPARE(attempts, 1);
    QCOMPARE(breaker->state(), CircuitBreaker::State::Closed);
}

void TestResilience::downstreamFailuresAreNotTheSystems()
{
    auto breaker = std::make_shared<CircuitBreaker>(
        QStringLiteral("s"), CircuitBreaker::Settings { 1, milliseconds(1000) });
    ResilientCall call(RetryPolicy {}, breaker, [](milliseconds) { QFAIL("slept"); });
    int attempts = 0;
    const auto sink = downstream([](const int &) -> bool {
        throw tf::Error(Kind::Unavailable, QStringLiteral("target down"));
    });
    try {
        call.call(QStringLiteral("read"), [&] {
            ++attempts;
            sink(1);
        });
        QFAIL("no error");
    } catch (const tf::Error &error) {
        QCOMPARE(error.message(), QStringLiteral("target down"));
    }
    QCOMPARE(attempts, 1);
    QCOMPARE(breaker->state(), CircuitBreaker::State::Closed);
}

void TestResilience::breakerTransitions()
{
    milliseconds now(0);
    CircuitBreaker breaker(QStringLiteral("pacs"), { 3, milliseconds(500) }, [&] { return now; });
    QCOMPARE(breaker.state(), CircuitBreaker::State::Closed);
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess(); // consecutive failures only
    QCOMPARE(breaker.consecutiveFailures(), 0);
    for (int i = 0; i < 3; ++i) {
        QVERIFY(breaker.allowRequest());
        breaker.recordFailure();
    }
    QCOMPARE(breaker.state(), CircuitBreaker::State::Open);
    QVERIFY(!breaker.allowRequest());
    now = milliseconds(499);
    QVERIFY(!breaker.allowRequest());
    now = milliseconds(500);
    QVERIFY(breaker.allowRequest());
    QCOMPARE(breaker.state(), CircuitBreaker::State::HalfOpen);
    breaker.recordFailure(); // the trial failed: open for another cool-down
    QCOMPARE(breaker.state(), CircuitBreaker::State::Open);
    QVERIFY(!breaker.allowRequest());
    now = milliseconds(1000);
    QVERIFY(breaker.allowRequest());
    breaker.recordSuccess();
    QCOMPARE(breaker.state(), CircuitBreaker::State::Closed);
    QVERIFY(breaker.allowRequest());
}

void TestResilience::halfOpenAdmitsOneTrial()
{
    milliseconds now(0);
    CircuitBreaker breaker(QStringLiteral("cama"), { 1, milliseconds(10) }, [&] { return now; });
    breaker.recordFailure();
    now = milliseconds(10);
    QVERIFY(breaker.allowRequest());
    QVERIFY(!breaker.allowRequest()); // a second caller while the trial runs
    breaker.recordSuccess();
    QVERIFY(breaker.allowRequest());

    // An open breaker fails a ResilientCall without calling.
    breaker.recordFailure();
    auto shared = std::shared_ptr<CircuitBreaker>(&breaker, [](CircuitBreaker *) {});
    ResilientCall call(RetryPolicy {}, shared, [](milliseconds) {});
    bool called = false;
    try {
        call.call(QStringLiteral("x"), [&] { called = true; });
        QFAIL("no error");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), Kind::Unavailable);
        QCOMPARE(error.details().value(QStringLiteral("circuit")).toString(),
                 QStringLiteral("open"));
    }
    QVERIFY(!called);
}

void TestResilience::registrySharesBreakersAndSnapshots()
{
    auto &registry = CircuitBreakerRegistry::instance();
    registry.clear();
    registry.setDefaultSettings({ 2, milliseconds(1000) });
    const auto a = registry.breaker(QStringLiteral("1"));
    QCOMPARE(registry.breaker(QStringLiteral("1")).get(), a.get());
    registry.breaker(QStringLiteral("2"));
    a->recordFailure();
    a->recordFailure();
    const QJsonObject snapshot = registry.snapshot();
    QCOMPARE(snapshot.size(), 2);
    QCOMPARE(
        snapshot.value(QStringLiteral("1")).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("open"));
    QCOMPARE(snapshot.value(QStringLiteral("1"))
                 .toObject()
                 .value(QStringLiteral("consecutive_failures"))
                 .toInt(),
             2);
    QCOMPARE(
        snapshot.value(QStringLiteral("2")).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("closed"));
    registry.clear();
}

QTEST_GUILESS_MAIN(TestResilience)
#include "tst_resilience.moc"
