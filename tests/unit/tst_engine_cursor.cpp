// SyncRunner in cursor mode: the first run loaded in full and checkpointed at the newest
// cursor below the horizon, checkpoints that move with the data, ties on the cursor, deletes
// found by periodic key reconciliation, resume after a failed batch.
#include "tst_engine_fixture.h"

using namespace tf::test;
using namespace tf::sync;

class TestEngineCursor final : public QObject
{
    Q_OBJECT

private slots:
    void insertsAndUpdatesPastTheCheckpoint();
    void tiesOnTheCursorAreBrokenByKey();
    void reconciliationFindsDeletes();
    void failedBatchResumesFromItsCheckpoint();
    void firstRunLoadsInFullAndCheckpointsTheNewestCursor();
    void firstRunCheckpointStaysBelowTheHorizon();
    void firstRunUnderAHeldHorizonReadsByCursor();
    void failedFirstRunLeavesNoCheckpointAndLoadsAgain();
};

void TestEngineCursor::insertsAndUpdatesPastTheCheckpoint()
{
    EngineWorld world(ChangeMode::Cursor);
    world.putProperty(1, QStringLiteral("p-1"), QStringLiteral("1"), 1);
    world.putProperty(2, QStringLiteral("p-2"), QStringLiteral("2"), 2);
    world.putProperty(3, QStringLiteral("p-3"), QStringLiteral("3"), 3);
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 3);
    COMPARE_ROWS(world.targetRows(), world.expected());
    const auto checkpoint
        = world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property"));
    QVERIFY(checkpoint.has_value());
    QCOMPARE(checkpoint->cursor.toDateTime(), at(3));
    QCOMPARE(checkpoint->key, KeyValues { 3 });

    world.putProperty(1, QStringLiteral("p-1b"), QStringLiteral("1"), 10); // update, newer cursor
    world.putProperty(4, QStringLiteral("p-4"), QStringLiteral("4"), 11); // insert
    result = world.run();
    QCOMPARE(result.totals.read, 2);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.updated, 1);
    COMPARE_ROWS(world.targetRows(), world.expected());
    QCOMPARE(world.state().size(), 4);

    world.target.resetCounters();
    result = world.run();
    QCOMPARE(result.totals.read, 0);
    QCOMPARE(result.totals.writes(), 0);
    QCOMPARE(world.target.counters().rowWrites, 0);
}

void TestEngineCursor::tiesOnTheCursorAreBrokenByKey()
{
    EngineWorld world(ChangeMode::Cursor);
    world.putProperty(100, QStringLiteral("p-100"), QStringLiteral("1"), 1);
    QCOMPARE(world.run().totals.inserted, 1); // the first run loads in full
    // Seven rows on one cursor value, read two at a time: a checkpoint on the cursor alone
    // would skip or repeat rows at every batch boundary.
    for (int id = 1; id <= 7; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), 5);
    RunResult result = world.run();
    QCOMPARE(result.totals.read, 7);
    QCOMPARE(result.totals.inserted, 7);
    COMPARE_ROWS(world.targetRows(), world.expected());

    world.putProperty(8, QStringLiteral("p-8"), QStringLiteral("1"), 5); // same cursor, higher key
    world.putProperty(0, QStringLiteral("p-0"), QStringLiteral("1"), 6);
    result = world.run();
    QCOMPARE(result.totals.read, 2);
    QCOMPARE(result.totals.inserted, 2);
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngineCursor::reconciliationFindsDeletes()
{
    EngineWorld world(ChangeMode::Cursor);
    world.pair.entities[0].reconcileEvery = 3;
    for (int id = 1; id <= 5; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), id);
    QCOMPARE(world.run().status, RunStatus::Completed); // run 1

    world.removeProperty(2);
    RunResult result = world.run(); // run 2: the cursor cannot see the delete
    QCOMPARE(result.totals.deleted, 0);
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), 5);

    world.removeProperty(4);
    world.putProperty(6, QStringLiteral("p-6"), QStringLiteral("6"), 20);
    result = world.run(); // run 3: reconciliation
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.deleted, 2);
    QCOMPARE(result.totals.updated, 0); // cursor rows and reconciliation agree on hashes
    COMPARE_ROWS(world.targetRows(), world.expected());
    QCOMPARE(world.state().keys(),
             QStringList({ QStringLiteral("1"), QStringLiteral("3"), QStringLiteral("5"),
                           QStringLiteral("6") }));

    // The count starts over: the next delete waits for run 6.
    world.removeProperty(1);
    QCOMPARE(world.run().totals.deleted, 0);
    QCOMPARE(world.run().totals.deleted, 0);
    QCOMPARE(world.run().totals.deleted, 1);
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngineCursor::failedBatchResumesFromItsCheckpoint()
{
    EngineWorld world(ChangeMode::Cursor);
    world.putProperty(1, QStringLiteral("p-1"), QStringLiteral("1"), 1);
    QCOMPARE(world.run().status, RunStatus::Completed); // the first run loads in full
    for (int id = 2; id <= 7; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), id);
    world.target.failApplyAt(2, tf::Error::Kind::Internal);
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(result.errorCode, tf::Error::codeFor(tf::Error::Kind::Internal));
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), 3);
    QCOMPARE(
        world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property"))->key,
        KeyValues { 3 }); // not ahead of the data

    world.target.clearFaults();
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.read, 4);
    QCOMPARE(result.totals.inserted, 4);
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngineCursor::firstRunLoadsInFullAndCheckpointsTheNewestCursor()
{
    EngineWorld world(ChangeMode::Cursor);
    // Key order is not cursor order: the newest cursor (minute 9, keys 2 and 4) is not the
    // last row read.
    const int minutes[] = { 7, 9, 2, 9, 4 };
    for (int id = 1; id <= 5; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), minutes[id - 1]);
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 5);
    QCOMPARE(world.source.counters().readAllCalls, 1);
    COMPARE_ROWS(world.targetRows(), world.expected());
    const auto checkpoint
        = world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property"));
    QVERIFY(checkpoint.has_value());
    QCOMPARE(checkpoint->cursor.toDateTime(), at(9));
    QCOMPARE(checkpoint->key, KeyValues { 4 }); // the last key at that cursor value
    QCOMPARE(world.state().size(), 5);

    // The next runs read by cursor, past the checkpoint only.
    world.putProperty(3, QStringLiteral("p-3b"), QStringLiteral("1"), 12);
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(world.source.counters().readAllCalls, 1);
    QCOMPARE(result.totals.read, 1);
    QCOMPARE(result.totals.updated, 1);
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngineCursor::firstRunCheckpointStaysBelowTheHorizon()
{
    EngineWorld world(ChangeMode::Cursor);
    // A transaction open since minute 8 may still commit rows stamped from minute 8 on.
    world.source.setCursorHorizon(CursorHorizon { CursorHorizon::Kind::Below, at(8) });
    const int minutes[] = { 7, 9, 2 };
    for (int id = 1; id <= 3; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), minutes[id - 1]);
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 3);
    const auto checkpoint
        = world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property"));
    QVERIFY(checkpoint.has_value());
    QCOMPARE(checkpoint->cursor.toDateTime(), at(7)); // not 9: above the horizon
    QCOMPARE(checkpoint->key, KeyValues { 1 });

    // The late transaction commits a row stamped minute 8: the next run finds it.
    world.source.setCursorHorizon({});
    world.putProperty(4, QStringLiteral("p-4"), QStringLiteral("1"), 8);
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 1);
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngineCursor::firstRunUnderAHeldHorizonReadsByCursor()
{
    EngineWorld world(ChangeMode::Cursor);
    // A horizon that holds the checkpoint back: a full load could store none either, so the
    // first run reads by cursor as every other run does.
    world.source.setCursorHorizon(CursorHorizon { CursorHorizon::Kind::Hold, {} });
    for (int id = 1; id <= 3; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), id);
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 3);
    QCOMPARE(world.source.counters().readAllCalls, 0);
    QVERIFY(!world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property")));
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngineCursor::failedFirstRunLeavesNoCheckpointAndLoadsAgain()
{
    EngineWorld world(ChangeMode::Cursor);
    for (int id = 1; id <= 6; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("1"), id);
    world.target.failApplyAt(2, tf::Error::Kind::Internal);
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Failed);
    // The rows read in key order give no checkpoint that the written ones cover: none is stored.
    QVERIFY(!world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property")));

    world.target.clearFaults();
    world.removeProperty(1); // gone before the second attempt: its written row goes too
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(world.source.counters().readAllCalls, 2);
    COMPARE_ROWS(world.targetRows(), world.expected());
    const auto checkpoint
        = world.target.memoryState().checkpoint(world.pair.pairId, QStringLiteral("property"));
    QVERIFY(checkpoint.has_value());
    QCOMPARE(checkpoint->cursor.toDateTime(), at(6));
    QCOMPARE(checkpoint->key, KeyValues { 6 });
}

QTEST_GUILESS_MAIN(TestEngineCursor)
#include "tst_engine_cursor.moc"
