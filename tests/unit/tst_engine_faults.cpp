// Crash safety by count (STYLE.md): a fault at the Nth apply or read, for every N a run
// makes, followed by a clean run, always converges to target == transform(source) with no
// duplicate and no missed delete. Also: transient faults retried, permanent ones not.
#include "tst_engine_fixture.h"

using namespace tf::test;
using namespace tf::sync;
using Kind = tf::Error::Kind;

class TestEngineFaults final : public QObject
{
    Q_OBJECT

private slots:
    void faultAtEveryStepConverges_data();
    void faultAtEveryStepConverges();
    void lostAcknowledgementIsRetriedIdempotently();
    void transientFaultsAreRetried();
    void permanentFaultsFailAtOnce();
    void openBreakerStopsCalls();

private:
    static void mutate(EngineWorld &world);
};

namespace {

void seedWorld(EngineWorld &world)
{
    for (int id = 1; id <= 7; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("%1").arg(id), id);
}

// The whole state after a clean run: target rows, and one state entry per source row.
void verifyConverged(EngineWorld &world)
{
    COMPARE_ROWS(world.targetRows(), world.expected());
    const auto state = world.state();
    QCOMPARE(state.size(), world.source.rowCount(QStringLiteral("Property")));
    for (const Row &row : world.source.rows(QStringLiteral("Property")))
        QVERIFY(state.contains(row.at(0).toString()));
}

} // namespace

void TestEngineFaults::mutate(EngineWorld &world)
{
    world.putProperty(2, QStringLiteral("p-2-changed"), QStringLiteral("2"), 30);
    world.putProperty(5, QStringLiteral("p-5-changed"), QStringLiteral("5"), 31);
    world.removeProperty(3);
    world.removeProperty(6);
    world.putProperty(8, QStringLiteral("p-8"), QStringLiteral("8"), 32);
    world.putProperty(9, QStringLiteral("p-9"), QStringLiteral("9"), 33);
}

void TestEngineFaults::faultAtEveryStepConverges_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("sourceHashes");
    QTest::addColumn<bool>("onRead");
    QTest::addColumn<bool>("transactional");
    for (const bool onRead : { false, true }) {
        const QString where = onRead ? QStringLiteral("read") : QStringLiteral("apply");
        QTest::newRow(qPrintable(where + QStringLiteral(" hash")))
            << int(ChangeMode::Hash) << false << onRead << true;
        QTest::newRow(qPrintable(where + QStringLiteral(" hash at source")))
            << int(ChangeMode::Hash) << true << onRead << true;
        QTest::newRow(qPrintable(where + QStringLiteral(" cursor")))
            << int(ChangeMode::Cursor) << false << onRead << true;
        QTest::newRow(qPrintable(where + QStringLiteral(" full")))
            << int(ChangeMode::Full) << false << onRead << true;
        QTest::newRow(qPrintable(where + QStringLiteral(" hash, file target")))
            << int(ChangeMode::Hash) << false << onRead << false;
    }
}

void TestEngineFaults::faultAtEveryStepConverges()
{
    QFETCH(int, mode);
    QFETCH(bool, sourceHashes);
    QFETCH(bool, onRead);
    QFETCH(bool, transactional);
    // How many steps a run makes, measured on a run without faults.
    int steps = 0;
    {
        EngineWorld world { ChangeMode(mode) };
        world.pair.entities[0].reconcileEvery = 2;
        world.source.setHashesAtSource(sourceHashes);
        world.target.setTransactional(transactional);
        seedWorld(world);
        QCOMPARE(world.run().status, RunStatus::Completed);
        mutate(world);
        world.source.resetCounters();
        world.target.resetCounters();
        QCOMPARE(world.run().status, RunStatus::Completed);
        steps = onRead ? world.source.counters().reads : world.target.counters().applies;
        QVERIFY(steps >= 3);
    }
    for (int n = 1; n <= steps; ++n) {
        EngineWorld world { ChangeMode(mode) };
        world.pair.entities[0].reconcileEvery = 2;
        world.source.setHashesAtSource(sourceHashes);
        world.target.setTransactional(transactional);
        seedWorld(world);
        QCOMPARE(world.run().status, RunStatus::Completed);
        mutate(world);
        if (onRead)
            world.source.failReadAt(n, Kind::Internal);
        else
            world.target.failApplyAt(n, Kind::Internal);
        const RunResult failed = world.run();
        QVERIFY2(failed.status == RunStatus::Failed,
                 qPrintable(QStringLiteral("step %1 did not fail").arg(n)));

        world.source.clearFaults();
        world.target.clearFaults();
        const RunResult clean = world.run();
        QVERIFY2(clean.status == RunStatus::Completed,
                 qPrintable(QStringLiteral("step %1: %2").arg(n).arg(clean.error)));
        verifyConverged(world);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("did not converge after a fault at step %1").arg(n)));
        world.target.resetCounters();
        QCOMPARE(world.run().status, RunStatus::Completed);
        QCOMPARE(world.target.counters().rowWrites, 0);
    }
}

void TestEngineFaults::lostAcknowledgementIsRetriedIdempotently()
{
    for (int n = 1; n <= 6; ++n) {
        EngineWorld world;
        seedWorld(world);
        QCOMPARE(world.run().status, RunStatus::Completed);
        mutate(world);
        world.target.failApplyAfterCommitAt(n, Kind::Timeout);
        const RunResult result = world.run();
        QCOMPARE(result.status, RunStatus::Completed);
        verifyConverged(world);
    }
}

void TestEngineFaults::transientFaultsAreRetried()
{
    EngineWorld world;
    seedWorld(world);
    world.target.failApplyAt(2, Kind::Unavailable, 2);
    world.source.failReadAt(1, Kind::Timeout, 1);
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.retries, 3);
    QCOMPARE(world.sleeps.size(), 3);
    for (const auto wait : world.sleeps)
        QVERIFY(wait.count() >= 0 && wait <= world.retry.maxDelay);
    // 7 rows in batches of 2 = 4 applies, plus the 2 that failed.
    QCOMPARE(world.target.counters().applies, 6);
    verifyConverged(world);

    // Still failing after every attempt: the run fails with the transient error.
    EngineWorld stubborn;
    seedWorld(stubborn);
    stubborn.target.failApplyAt(1, Kind::Unavailable, 100);
    const RunResult failed = stubborn.run();
    QCOMPARE(failed.status, RunStatus::Failed);
    QCOMPARE(failed.errorCode, tf::Error::codeFor(Kind::Unavailable));
    QCOMPARE(stubborn.target.counters().applies, stubborn.retry.attempts);
    QCOMPARE(failed.totals.failed, 2);
}

void TestEngineFaults::permanentFaultsFailAtOnce()
{
    for (const Kind kind : { Kind::Validation, Kind::NotFound, Kind::Unauthorized }) {
        EngineWorld world;
        seedWorld(world);
        world.target.failApplyAt(1, kind, 100);
        const RunResult result = world.run();
        QCOMPARE(result.status, RunStatus::Failed);
        QCOMPARE(result.errorCode, tf::Error::codeFor(kind));
        QCOMPARE(result.retries, 0);
        QCOMPARE(world.target.counters().applies, 1);
        QVERIFY(world.sleeps.isEmpty());
        QCOMPARE(world.targetBreaker->state(), CircuitBreaker::State::Closed);
    }
}

void TestEngineFaults::openBreakerStopsCalls()
{
    EngineWorld world;
    seedWorld(world);
    world.retry.attempts = 10;
    world.targetBreaker->setSettings({ 3, std::chrono::milliseconds(60000) });
    world.target.failApplyAt(1, Kind::Unavailable, 100);
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Failed);
    QVERIFY(result.error.contains(QStringLiteral("circuit open")));
    QCOMPARE(world.target.counters().applies, 3); // the fourth attempt never reached the target
    QCOMPARE(world.targetBreaker->state(), CircuitBreaker::State::Open);
}

QTEST_GUILESS_MAIN(TestEngineFaults)
#include "tst_engine_faults.moc"
