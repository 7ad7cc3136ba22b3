// QuarantineStore over a real SQLite control database, and the engine's use of it: bad rows
// kept with their rule and message, their state not advanced, edit + replay, discard,
// re-detection without duplicates, invalid_rows = fail.
#include "sync/engine/quarantinereplayer.h"
#include "tst_engine_fixture.h"

using namespace tf::test;
using namespace tf::sync;

class TestQuarantine final : public QObject
{
    Q_OBJECT

private slots:
    void storeRoundTripAndPaging();
    void redetectionUpdatesInsteadOfDuplicating();
    void badRowsAreQuarantinedAndTheirStateNotAdvanced();
    void editAndReplayLands();
    void replayOfAStillInvalidRowStaysOpen();
    void fixedSourceRowIsPickedUp();
    void discardRemovesFromTheOpenList();
    void invalidRowsFailTheRun();
    void keyListedButNotReadableIsQuarantined_data();
    void keyListedButNotReadableIsQuarantined();

private:
    static QuarantineStore::Record record(const QString &key, const QByteArray &hash = "h1");
    static void seedWithTwoBadRows(EngineWorld &world);
};

QuarantineStore::Record TestQuarantine::record(const QString &key, const QByteArray &hash)
{
    QuarantineStore::Record r;
    r.pairId = QStringLiteral("p");
    r.operationId = 7;
    r.entity = QStringLiteral("property");
    r.sourceKey = key;
    r.sourceRow = QJsonObject { { QStringLiteral("PropertyID"), key } };
    r.transformedRow = QJsonObject { { QStringLiteral("acreage"), -1 } };
    r.sourceHash = hash;
    r.errors = { { QStringLiteral("acreage"), QStringLiteral("min_value"),
                   QStringLiteral("acreage must be at least 0") },
                 { QStringLiteral("parcel_number"), QStringLiteral("required"),
                   QStringLiteral("parcel_number is required") } };
    return r;
}

void TestQuarantine::seedWithTwoBadRows(EngineWorld &world)
{
    world.putProperty(1, QStringLiteral("p-1"), QStringLiteral("1"));
    world.putProperty(2, QStringLiteral("p-2"), QStringLiteral("abc")); // mapping: not a number
    world.putProperty(3, QStringLiteral("p-3"), QStringLiteral("-3.5")); // validation: min_value
    world.putProperty(4, QStringLiteral("p-4"), QStringLiteral("4"));
}

void TestQuarantine::storeRoundTripAndPaging()
{
    EngineWorld world;
    QuarantineStore &store = *world.quarantine;
    QList<qint64> ids;
    for (int i = 1; i <= 5; ++i)
        ids << store.record(record(QString::number(i)));
    const QuarantineEntry entry = store.get(ids.at(0));
    QCOMPARE(entry.pairId, QStringLiteral("p"));
    QCOMPARE(entry.operationId, 7);
    QCOMPARE(entry.rule, QStringLiteral("min_value"));
    QCOMPARE(entry.field, QStringLiteral("acreage"));
    QCOMPARE(entry.message,
             QStringLiteral("acreage must be at least 0; parcel_number is required"));
    QCOMPARE(entry.status, QStringLiteral("open"));
    QCOMPARE(entry.attempts, 1);
    QCOMPARE(entry.sourceHash, QByteArray("h1"));
    QCOMPARE(entry.transformedRow.value(QStringLiteral("acreage")).toInt(), -1);
    QVERIFY(entry.createdAt.isValid());

    QuarantineStore::Page page = store.list(QStringLiteral("p"), QStringLiteral("open"), 2);
    QList<qint64> seen;
    while (true) {
        for (const QuarantineEntry &e : page.entries)
            seen << e.id;
        if (page.nextAfterId == 0)
            break;
        page = store.list(QStringLiteral("p"), QStringLiteral("open"), 2, page.nextAfterId);
    }
    QCOMPARE(seen, ids);
    QCOMPARE(store.list(QStringLiteral("other"), {}, 10).entries.size(), 0);
    QCOMPARE(store.countOpen(QStringLiteral("p")), 5);

    store.edit(ids.at(1), QJsonObject { { QStringLiteral("acreage"), 2 } });
    QCOMPARE(store.get(ids.at(1)).transformedRow.value(QStringLiteral("acreage")).toInt(), 2);
    try {
        store.get(999999);
        QFAIL("no NotFound");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::NotFound);
    }
    store.markReplayed(ids.at(2));
    try {
        store.edit(ids.at(2), {});
        QFAIL("no Conflict");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Conflict);
    }
}

void TestQuarantine::redetectionUpdatesInsteadOfDuplicating()
{
    EngineWorld world;
    QuarantineStore &store = *world.quarantine;
    const qint64 id = store.record(record(QStringLiteral("1")));
    QCOMPARE(store.record(record(QStringLiteral("1"))), id);
    QCOMPARE(store.get(id).attempts, 2);
    QCOMPARE(store.list(QStringLiteral("p"), {}, 10).entries.size(), 1);

    // Discarded stays discarded while the row is the same; a changed row reopens it.
    store.discard(id);
    store.record(record(QStringLiteral("1")));
    QCOMPARE(store.get(id).status, QStringLiteral("discarded"));
    store.record(record(QStringLiteral("1"), "h2"));
    QCOMPARE(store.get(id).status, QStringLiteral("open"));
}

void TestQuarantine::badRowsAreQuarantinedAndTheirStateNotAdvanced()
{
    EngineWorld world;
    seedWithTwoBadRows(world);
    RunOptions options;
    options.operationId = 42;
    RunResult result = world.run(options);
    QCOMPARE(result.status, RunStatus::CompletedWithErrors);
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.quarantined, 2);
    QCOMPARE(world.state().keys(), QStringList({ QStringLiteral("1"), QStringLiteral("4") }));
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), 2);

    const auto entries
        = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries;
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).sourceKey, QStringLiteral("2"));
    QCOMPARE(entries.at(0).rule, QStringLiteral("mapping"));
    QCOMPARE(entries.at(0).field, QStringLiteral("acreage"));
    QVERIFY2(entries.at(0).message.contains(QStringLiteral("abc")),
             qPrintable(entries.at(0).message));
    QCOMPARE(entries.at(0).operationId, 42);
    QCOMPARE(entries.at(0).sourceRow.value(QStringLiteral("Acreage")).toString(),
             QStringLiteral("abc"));
    QCOMPARE(entries.at(1).sourceKey, QStringLiteral("3"));
    QCOMPARE(entries.at(1).rule, QStringLiteral("min_value"));
    QCOMPARE(entries.at(1).field, QStringLiteral("acreage"));
    QVERIFY(!entries.at(1).message.isEmpty());
    QCOMPARE(entries.at(1).transformedRow.value(QStringLiteral("parcel_number")).toString(),
             QStringLiteral("P-3"));

    // Not advanced: the next run looks at them again (and finds them still broken).
    result = world.run();
    QCOMPARE(result.totals.quarantined, 2);
    QCOMPARE(result.totals.unchanged, 2);
    QCOMPARE(world.quarantine->list(world.pair.pairId, {}, 10).entries.size(), 2);
    QCOMPARE(world.quarantine->get(entries.at(0).id).attempts, 2);
}

void TestQuarantine::editAndReplayLands()
{
    EngineWorld world;
    seedWithTwoBadRows(world);
    QCOMPARE(world.run().status, RunStatus::CompletedWithErrors);
    const QuarantineEntry entry
        = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries.at(1);
    QJsonObject edited = entry.transformedRow;
    edited.insert(QStringLiteral("acreage"), 3.5);
    world.quarantine->edit(entry.id, edited);

    QuarantineReplayer replayer(world.pair, world.source, world.target, *world.quarantine);
    const auto outcomes = replayer.replay({ entry.id });
    QCOMPARE(outcomes.size(), 1);
    QVERIFY2(outcomes.at(0).replayed, qPrintable(outcomes.at(0).error));
    QCOMPARE(world.quarantine->get(entry.id).status, QStringLiteral("replayed"));
    QCOMPARE(world.target.row(QStringLiteral("cama_property"), { 3 }),
             std::optional<Row>(Row { 3, QStringLiteral("P-3"), 3.5, false }));
    QVERIFY(world.state().contains(QStringLiteral("3")));

    // Synced now: the next run neither rewrites nor re-quarantines it.
    world.target.resetCounters();
    const RunResult result = world.run();
    QCOMPARE(result.totals.quarantined, 1); // only row 2 is still broken
    QCOMPARE(world.target.counters().rowWrites, 0);
    QCOMPARE(world.quarantine->get(entry.id).status, QStringLiteral("replayed"));
    QCOMPARE(world.quarantine->countOpen(world.pair.pairId), 1);

    // Replaying a replayed entry is refused, not repeated.
    const auto again = replayer.replay({ entry.id });
    QVERIFY(!again.at(0).replayed);
    QVERIFY(!again.at(0).error.isEmpty());
}

void TestQuarantine::replayOfAStillInvalidRowStaysOpen()
{
    EngineWorld world;
    seedWithTwoBadRows(world);
    QCOMPARE(world.run().status, RunStatus::CompletedWithErrors);
    const QuarantineEntry entry
        = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries.at(1);
    QuarantineReplayer replayer(world.pair, world.source, world.target, *world.quarantine);
    const auto outcomes = replayer.replay({ entry.id });
    QVERIFY(!outcomes.at(0).replayed);
    QCOMPARE(outcomes.at(0).errors.size(), 1);
    QCOMPARE(outcomes.at(0).errors.at(0).rule, QStringLiteral("min_value"));
    const QuarantineEntry after = world.quarantine->get(entry.id);
    QCOMPARE(after.status, QStringLiteral("open"));
    QCOMPARE(after.attempts, entry.attempts + 1);
    QVERIFY(!world.target.row(QStringLiteral("cama_property"), { 3 }).has_value());
}

void TestQuarantine::fixedSourceRowIsPickedUp()
{
    EngineWorld world;
    seedWithTwoBadRows(world);
    QCOMPARE(world.run().status, RunStatus::CompletedWithErrors);
    world.putProperty(2, QStringLiteral("p-2"), QStringLiteral("2"));
    world.putProperty(3, QStringLiteral("p-3"), QStringLiteral("3"));
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.inserted, 2);
    COMPARE_ROWS(world.targetRows(), world.expected());
}

void TestQuarantine::discardRemovesFromTheOpenList()
{
    EngineWorld world;
    seedWithTwoBadRows(world);
    QCOMPARE(world.run().status, RunStatus::CompletedWithErrors);
    const auto open = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries;
    world.quarantine->discard(open.at(0).id);
    const auto after
        = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries;
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.at(0).id, open.at(1).id);
    QCOMPARE(
        world.quarantine->list(world.pair.pairId, QStringLiteral("discarded"), 10).entries.size(),
        1);

    // Seen again unchanged by the next run: still discarded, still one entry.
    QCOMPARE(world.run().totals.quarantined, 2);
    QCOMPARE(world.quarantine->get(open.at(0).id).status, QStringLiteral("discarded"));
    QCOMPARE(world.quarantine->list(world.pair.pairId, {}, 10).entries.size(), 2);
}

void TestQuarantine::keyListedButNotReadableIsQuarantined_data()
{
    QTest::addColumn<bool>("hashesAtSource");
    QTest::newRow("source hashes") << true;
    QTest::newRow("engine hashes") << false;
}

void TestQuarantine::keyListedButNotReadableIsQuarantined()
{
    // Hash mode lists keys first and reads the changed rows by key afterwards; a row gone in
    // between (or a key the source cannot match) is reported, never skipped in silence.
    QFETCH(bool, hashesAtSource);
    EngineWorld world;
    world.source.setHashesAtSource(hashesAtSource);
    world.putProperty(1, QStringLiteral("p-1"), QStringLiteral("1.5"));
    world.putProperty(2, QStringLiteral("p-2"), QStringLiteral("2.5"));
    world.putProperty(3, QStringLiteral("p-3"), QStringLiteral("3.5"));
    world.source.setBeforeReadByKeys([&] { world.removeProperty(2); });
    RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::CompletedWithErrors);
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.quarantined, 1);
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), 2);
    const auto entries = world.quarantine->list(world.pair.pairId, QStringLiteral("open"), 10).entries;
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).sourceKey, QStringLiteral("2"));
    QCOMPARE(entries.at(0).rule, QStringLiteral("missing_at_source"));
    QCOMPARE(entries.at(0).field, QStringLiteral("PropertyID"));
    QVERIFY2(entries.at(0).message.contains(QStringLiteral("returned no row")), qPrintable(entries.at(0).message));
    QCOMPARE(world.state().keys(), QStringList({ QStringLiteral("1"), QStringLiteral("3") }));

    // The row is gone for good: the next run has nothing to do for it.
    world.source.setBeforeReadByKeys({});
    result = world.run();
    QCOMPARE(result.status, RunStatus::Completed);
    QCOMPARE(result.totals.writes(), 0);
}

void TestQuarantine::invalidRowsFailTheRun()
{
    EngineWorld world;
    world.pair.invalidRows = InvalidRowPolicy::Fail;
    world.pair.batchSize = 10;
    seedWithTwoBadRows(world);
    const RunResult result = world.run();
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(result.errorCode, tf::Error::codeFor(tf::Error::Kind::Validation));
    QVERIFY2(result.error.contains(QStringLiteral("row 2")), qPrintable(result.error));
    QCOMPARE(world.target.rowCount(QStringLiteral("cama_property")), 0);
    QCOMPARE(world.state().size(), 0);
    QCOMPARE(world.quarantine->list(world.pair.pairId, {}, 10).entries.size(), 0);
}

QTEST_GUILESS_MAIN(TestQuarantine)
#include "tst_quarantine.moc"
