// SyncRunner in hash and full mode against FakeSystem: every change kind, delete policies,
// dry run, cancellation, non-transactional targets, dependency order, memory.
#include "tst_engine_fixture.h"

using namespace tf::test;
using namespace tf::sync;

class TestEngine final : public QObject
{
    Q_OBJECT

private slots:
    void everyChangeKind_data();
    void everyChangeKind();
    void unusedColumnIsNotAChange();
    void deletePolicies_data();
    void deletePolicies();
    void dryRunWritesNothingAndListsChanges();
    void cancellationKeepsStateConsistent();
    void nonTransactionalTargetWritesStateAfterEndEntity();
    void parentsRunBeforeChildrenAndReferencesAreChecked();
    void progressAfterEveryBatch();
    void progressWithinAnEntityFromTheEstimate_data();
    void progressWithinAnEntityFromTheEstimate();
    void memoryStaysWithinOneBatch();

private:
    static void seed(EngineWorld &world);
};

void TestEngine::seed(EngineWorld &world)
{
    world.putProperty(1, QStringLiteral(" p-1 "), QStringLiteral("1.5"));
    world.putProperty(2, QStringLiteral("p-2"), QStringLiteral("2"));
    world.putProperty(3, QStringLiteral("p-3"), QStringLiteral("3.25"));
    world.putProperty(4, QStringLiteral("p-4"), QStringLiteral("0"));
    world.putProperty(5, QStringLiteral("p-5"), QStringLiteral("5"));
}

void TestEngine::everyChangeKind_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("sourceHashes");
    QTest::newRow("hash, engine hashes") << int(ChangeMode::Hash) << false;
    QTest::newRow("hash, source hashes") << int(ChangeMode::Hash) << true;
    QTest::newRow("full") << int(ChangeMode::Full) << false;
}

void TestEngine::everyChangeKind()
{
    QFETCH(int, mode);
    QFETCH(bool, sourceHashes);
    EngineWorld world { ChangeMode(mode) };
    world.source.setHashesAtSource(sourceHashes);
    seed(world);
    const bool full = ChangeMode(mode) == ChangeMode::Full;

    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.read, 5);
    QCOMPARE(result.totals.inserted, 5);
    QCOMPARE(result.totals.writes(), 5);
    COMPARE_ROWS(world.targetRows(), world.expected());
    QCOMPARE(world.state().size(), 5);

    world.putProperty(2, QStringLiteral("p-2b"), QStringLiteral("2")); // update
    world.removeProperty(4); // delete
    world.putProperty(6, QStringLiteral("p-6"), QStringLiteral("6")); // insert
    world.target.resetCounters();
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.deleted, 1);
    QCOMPARE(result.totals.updated, full ? 4 : 1); // full rewrites every row
    QCOMPARE(result.totals.unchanged, full ? 0 : 3);
    QCOMPARE(world.target.counters().rowWrites, 3); // only real changes touch the target
    COMPARE_ROWS(world.targetRows(), world.expected());
    QCOMPARE(world.state().size(), 5);
    QVERIFY(!world.state().contains(QStringLiteral("4")));

    world.target.resetCounters();
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(world.target.counters().rowWrites, 0);
    if (!full) {
        QCOMPARE(result.totals.writes(), 0);
        QCOMPARE(result.totals.unchanged, 5);
        QCOMPARE(world.target.counters().applies, 0);
    }
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngine::unusedColumnIsNotAChange()
{
    EngineWorld world;
    seed(world);
    QCOMPARE(world.run().status, RunStatus::Completed);
    world.putProperty(3, QStringLiteral("p-3"), QStringLiteral("3.25"), 0,
                      QStringLiteral("a note nobody maps"));
    const RunResult result = world.run();
    QCOMPARE(result.totals.writes(), 0);
    QCOMPARE(result.totals.unchanged, 5);
}

void TestEngine::deletePolicies_data()
{
    QTest::addColumn<int>("action");
    QTest::newRow("propagate") << int(DeleteAction::Propagate);
    QTest::newRow("soft_delete") << int(DeleteAction::SoftDelete);
    QTest::newRow("ignore") << int(DeleteAction::Ignore);
}

void TestEngine::deletePolicies()
{
    QFETCH(int, action);
    EngineWorld world;
    world.pair.entities[0].deleteAction = DeleteAction(action);
    seed(world);
    QCOMPARE(world.run().status, RunStatus::Completed);
    const QList<Row> before = world.targetRows();

    world.removeProperty(2);
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.deleted, DeleteAction(action) == DeleteAction::Ignore ? 0 : 1);
    QVERIFY(!world.state().contains(QStringLiteral("2"))); // every policy drops the state
    QCOMPARE(world.state().size(), 4);

    QList<Row> expected = before;
    if (DeleteAction(action) == DeleteAction::Propagate)
        expected.removeAt(1);
    else if (DeleteAction(action) == DeleteAction::SoftDelete)
        expected[1][3] = true; // only the flag changes: the rest of the row is kept
    COMPARE_ROWS(world.targetRows(), expected);

    // The row coming back is an insert again, flag reset by the mapping.
    world.putProperty(2, QStringLiteral("p-2"), QStringLiteral("2"));
    QCOMPARE(world.run().totals.inserted, 1);
    COMPARE_ROWS(world.targetRows(), before);
}

void TestEngine::dryRunWritesNothingAndListsChanges()
{
    EngineWorld world;
    seed(world);
    QCOMPARE(world.run().status, RunStatus::Completed);
    const QList<Row> target = world.targetRows();
    const auto state = world.state();

    world.putProperty(1, QStringLiteral("p-1-new"), QStringLiteral("1.5"));
    world.removeProperty(5);
    world.putProperty(7, QStringLiteral("p-7"), QStringLiteral("7"));
    world.putProperty(8, QStringLiteral("p-8"), QStringLiteral("-1")); // invalid
    world.target.resetCounters();
    RunOptions options;
    options.dryRun = true;
    RunResult result = world.run(options);

    QCOMPARE(result.status, RunStatus::CompletedWithErrors);
    QCOMPARE(world.target.counters().applies, 0);
    COMPARE_ROWS(world.targetRows(), target);
    QCOMPARE(world.state().keys(), state.keys());
    QCOMPARE(world.quarantine->list(world.pair.pairId, {}, 10).entries.size(), 0);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.updated, 1);
    QCOMPARE(result.totals.deleted, 1);
    QCOMPARE(result.totals.quarantined, 1);
    QCOMPARE(result.plannedChanges, 4);
    QStringList listed;
    for (const PlannedChange &change : result.changes)
        listed << change.kind + QLatin1Char(':') + change.key;
    listed.sort();
    QCOMPARE(listed,
             QStringList({ QStringLiteral("delete:5"), QStringLiteral("insert:7"),
                           QStringLiteral("invalid:8"), QStringLiteral("update:1") }));
    for (const PlannedChange &change : result.changes) {
        if (change.kind == QLatin1String("update"))
            QCOMPARE(change.row.value(QStringLiteral("parcel_number")).toString(),
                     QStringLiteral("P-1-NEW"));
    }

    options.changeLimit = 2;
    result = world.run(options);
    QCOMPARE(result.changes.size(), 2);
    QCOMPARE(result.plannedChanges, 4);
}

void TestEngine::cancellationKeepsStateConsistent()
{
    EngineWorld world;
    for (int id = 1; id <= 9; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("%1").arg(id));
    std::atomic_bool cancel { false };
    RunOptions options;
    options.cancel = &cancel;
    int batches = 0;
    options.progress = [&](const RunProgress &) {
        if (++batches == 2)
            cancel = true;
    };
    RunResult result = world.run(options);
    QCOMPARE(result.status, RunStatus::Cancelled);
    // What was applied is whole: each state entry has its target row, and nothing else landed.
    const auto state = world.state();
    QVERIFY(!state.isEmpty());
    QVERIFY(state.size() < 9);
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), state.size());
    for (const StateEntry &entry : state)
        QVERIFY(world.target.row(QStringLiteral("cama_property"), { entry.targetKey.toLongLong() })
                    .has_value());

    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 9 - state.size());
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestEngine::nonTransactionalTargetWritesStateAfterEndEntity()
{
    EngineWorld world;
    world.target.setTransactional(false);
    seed(world);
    QCOMPARE(world.run().status, RunStatus::Completed);
    COMPARE_ROWS(world.targetRows(), world.expected());
    QCOMPARE(world.controlState.entries(world.pair.pairId, QStringLiteral("property")).size(), 5);
    QCOMPARE(
        world.target.memoryState().entries(world.pair.pairId, QStringLiteral("property")).size(),
        0);

    // A failure before endEntity(true): neither the data nor its state become visible.
    world.putProperty(6, QStringLiteral("p-6"), QStringLiteral("6"));
    world.putProperty(7, QStringLiteral("p-7"), QStringLiteral("7"));
    world.putProperty(8, QStringLiteral("p-8"), QStringLiteral("8"));
    const QList<Row> before = world.targetRows();
    world.target.failApplyAt(2, tf::Error::Kind::Internal);
    QCOMPARE(world.run().status, RunStatus::Failed);
    COMPARE_ROWS(world.targetRows(), before);
    QCOMPARE(world.state().size(), 5);

    world.target.clearFaults();
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 3);
    COMPARE_ROWS(world.targetRows(), world.expected());
    QCOMPARE(world.state().size(), 8);
}

void TestEngine::parentsRunBeforeChildrenAndReferencesAreChecked()
{
    EngineWorld world;
    world.addOwners();
    seed(world);
    world.putOwner(10, 1, QStringLiteral("Ann"));
    world.putOwner(11, 5, QStringLiteral("Bob"));
    world.putOwner(12, 99, QStringLiteral("Nobody's")); // no such property
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::CompletedWithErrors);
    QCOMPARE(result.entities.size(), 2);
    QCOMPARE(result.entities.at(0).first, QStringLiteral("property"));
    QCOMPARE(result.entities.at(1).second.inserted, 2);
    QCOMPARE(result.entities.at(1).second.quarantined, 1);
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_owner")), 2);
    const auto open = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries;
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).rule, QStringLiteral("reference"));
    QCOMPARE(open.at(0).sourceKey, QStringLiteral("12"));
}

void TestEngine::progressAfterEveryBatch()
{
    EngineWorld world(ChangeMode::Full);
    seed(world);
    QList<RunProgress> reports;
    RunOptions options;
    options.progress = [&](const RunProgress &progress) { reports << progress; };
    QCOMPARE(world.run(options).status, RunStatus::Completed);
    // 5 rows in batches of 2: three batches, then the entity's end.
    QCOMPARE(reports.size(), 4);
    QCOMPARE(reports.at(0).entity, QStringLiteral("property"));
    QCOMPARE(reports.at(0).entityStats.read, 2);
    QCOMPARE(reports.at(2).totals.inserted, 5);
    QCOMPARE(reports.constLast().percent, 100.0);
}

void TestEngine::progressWithinAnEntityFromTheEstimate_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<qint64>("estimate");
    QTest::newRow("full, exact") << int(ChangeMode::Full) << qint64(20);
    QTest::newRow("cursor, exact") << int(ChangeMode::Cursor) << qint64(20);
    QTest::newRow("full, far too low") << int(ChangeMode::Full) << qint64(3);
    QTest::newRow("cursor, far too low") << int(ChangeMode::Cursor) << qint64(1);
    QTest::newRow("full, zero") << int(ChangeMode::Full) << qint64(0);
    QTest::newRow("full, too high") << int(ChangeMode::Full) << qint64(1000);
}

void TestEngine::progressWithinAnEntityFromTheEstimate()
{
    QFETCH(int, mode);
    QFETCH(qint64, estimate);
    EngineWorld world { ChangeMode(mode) };
    for (int id = 1; id <= 20; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("%1").arg(id), id);
    world.source.setEstimatedRows(estimate);
    QList<RunProgress> reports;
    RunOptions options;
    options.progress = [&](const RunProgress &progress) { reports << progress; };
    QCOMPARE(world.run(options).status, RunStatus::Completed);
    // 20 rows in batches of 2: ten reports during the read, then the entity's end.
    QVERIFY2(reports.size() >= 11, qPrintable(QString::number(reports.size())));
    QCOMPARE(reports.constLast().percent, 100.0);
    QCOMPARE(reports.constLast().etaSeconds, 0.0);
    double previous = 0;
    for (qsizetype i = 0; i + 1 < reports.size(); ++i) {
        const RunProgress &report = reports.at(i);
        // Never unknown, never 100 % before the end, never backwards.
        QVERIFY2(report.percent > 0 && report.percent <= 99.0,
                 qPrintable(QStringLiteral("report %1: %2").arg(i).arg(report.percent)));
        QVERIFY(report.percent >= previous);
        QVERIFY(report.etaSeconds >= 0);
        if (estimate == 20 && i > 0 && i < 10) // exact: every batch moves it
            QVERIFY2(report.percent > previous, qPrintable(QString::number(report.percent)));
        previous = report.percent;
    }
    if (estimate == 20)
        QCOMPARE(reports.at(4).percent, 50.0); // 10 of 20 rows read
}

void TestEngine::memoryStaysWithinOneBatch()
{
    EngineWorld world;
    world.pair.batchSize = 5000;
    world.pair.entities[0].validation = {};
    for (int id = 1; id <= 200000; ++id)
        world.putProperty(id, QStringLiteral("p-%1").arg(id), QStringLiteral("%1").arg(id % 1000));
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 200000);
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), 200000);
    QVERIFY2(result.maxRowsHeld <= 5000, qPrintable(QString::number(result.maxRowsHeld)));
    QVERIFY(world.target.counters().largestApply <= 5000);

    for (int id = 1; id <= 200000; id += 1000)
        world.putProperty(id, QStringLiteral("changed"), QStringLiteral("1"));
    result = world.run();
    QCOMPARE(result.totals.updated, 200);
    QCOMPARE(result.totals.unchanged, 199800);
    QVERIFY2(result.maxRowsHeld <= 5000, qPrintable(QString::number(result.maxRowsHeld)));
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
