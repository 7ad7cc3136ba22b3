// Full sync PostgreSQL -> PostgreSQL (issue 16, "set-based state"): inserted, updated and
// unchanged come from the write itself and are exact over a partly filled target; the state
// is written once at the end and never ahead of the data; an empty target is filled by plain
// inserts, where a duplicate key fails its batch; quarantined rows keep their stored state.
#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "pgsyncworld.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kSrc = u"fs src"_s;
const QString kDst = u"fs dst"_s;

QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\""))
        + QLatin1Char('"');
}

QString describe(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace

class TestFullSync final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void partlyFilledTargetCountsEachKind();
    void emptyTargetIsFilledByPlainInserts();
    void duplicateKeyIntoEmptyTargetFailsItsBatch();
    void quarantinedRowsKeepTheirState();
    void emptiedTargetWithStoredStateStillDeletes();
    void runStoppedBeforeItsStateLeavesNoRowBehind_data();
    void runStoppedBeforeItsStateLeavesNoRowBehind();

private:
    void sql(const QString &statement) { m_world.admin->execDirect(statement, "test setup"); }
    qint64 scalar(const QString &statement, const QVariantList &values = {});
    void createTables(const QString &name, bool sourceKey = true);
    PairSpec pair(const QString &name) const;
    RunResult run(const PairSpec &spec);
    qint64 stateRows(const QString &pairId)
    {
        return scalar(u"SELECT count(*) FROM %1.tf_sync_state WHERE pair_id = ?"_s.arg(q(kDst)),
                      { pairId });
    }
    // Rows of source and target that differ (either side without an identical row).
    qint64 differences(const QString &name);

    QString m_url;
    tf::test::PgSyncWorld m_world;
};

void TestFullSync::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tffull"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_world.open(m_url, kSrc, kDst));
}

void TestFullSync::cleanupTestCase()
{
    m_world.close();
}

qint64 TestFullSync::scalar(const QString &statement, const QVariantList &values)
{
    QSqlQuery query = m_world.admin->prepare(statement);
    for (const QVariant &value : values)
        query.addBindValue(value);
    m_world.admin->exec(query, "test query");
    return query.next() ? query.value(0).toLongLong() : -1;
}

void TestFullSync::createTables(const QString &name, bool sourceKey)
{
    sql(u"CREATE TABLE %1.%2 (id int8 %3, val numeric(12,2), note text)"_s.arg(
        q(kSrc), q(name), sourceKey ? u"PRIMARY KEY"_s : QString()));
    sql(u"CREATE TABLE %1.%2 (id int8 PRIMARY KEY, val numeric(12,2), note text)"_s.arg(q(kDst),
                                                                                        q(name)));
}

PairSpec TestFullSync::pair(const QString &name) const
{
    EntitySpec entity;
    entity.name = name;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"val"_s, u"note"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = ChangeMode::Full;
    PairSpec spec;
    spec.pairId = name;
    spec.sourceSystem = name + u"-source"_s;
    spec.targetSystem = name + u"-target"_s;
    spec.batchSize = 7; // several batches, and the kinds mix within them
    spec.entities = { entity };
    return spec;
}

RunResult TestFullSync::run(const PairSpec &spec)
{
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
    return runner.run({});
}

qint64 TestFullSync::differences(const QString &name)
{
    return scalar(
               u"SELECT count(*) FROM (SELECT * FROM %1.%3 EXCEPT SELECT * FROM %2.%3) AS a"_s.arg(
                   q(kSrc), q(kDst), q(name)))
        + scalar(
               u"SELECT count(*) FROM (SELECT * FROM %2.%3 EXCEPT SELECT * FROM %1.%3) AS a"_s.arg(
                   q(kSrc), q(kDst), q(name)));
}

void TestFullSync::partlyFilledTargetCountsEachKind()
{
    const QString name = u"partly filled"_s;
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i * 1.5, 'n' || i FROM generate_series(1, 50) i"_s.arg(
        q(kSrc), q(name)));
    // 1..10 identical, 11..20 different (each in another column), 21..50 missing.
    sql(u"INSERT INTO %1.%2 SELECT i, i * 1.5, 'n' || i FROM generate_series(1, 10) i"_s.arg(
        q(kDst), q(name)));
    sql(u"INSERT INTO %1.%2 SELECT i, CASE WHEN i % 2 = 0 THEN i * 1.5 END,"
        " CASE WHEN i % 2 = 1 THEN 'n' || i ELSE 'old' END FROM generate_series(11, 20) i"_s.arg(
            q(kDst), q(name)));

    RunResult result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.read, 50);
    QCOMPARE(result.totals.inserted, 30);
    QCOMPARE(result.totals.updated, 10);
    QCOMPARE(result.totals.unchanged, 10);
    QCOMPARE(result.totals.deleted, 0);
    QCOMPARE(differences(name), 0);
    QCOMPARE(stateRows(name), 50);

    // Nothing changed: every row is unchanged, and the state is as it was.
    result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 0);
    QCOMPARE(result.totals.updated, 0);
    QCOMPARE(result.totals.unchanged, 50);
    QCOMPARE(result.totals.writes(), 0);

    // One of each: the deleted key leaves target and state.
    sql(u"UPDATE %1.%2 SET note = 'changed' WHERE id = 3"_s.arg(q(kSrc), q(name)));
    sql(u"DELETE FROM %1.%2 WHERE id = 4"_s.arg(q(kSrc), q(name)));
    sql(u"INSERT INTO %1.%2 VALUES (51, 1, 'new')"_s.arg(q(kSrc), q(name)));
    result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.read, 50);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.updated, 1);
    QCOMPARE(result.totals.deleted, 1);
    QCOMPARE(result.totals.unchanged, 48);
    QCOMPARE(differences(name), 0);
    QCOMPARE(stateRows(name), 50);
    QCOMPARE(scalar(u"SELECT count(*) FROM %1.tf_sync_state WHERE pair_id = ? AND source_key = "
                    "target_key"_s.arg(q(kDst)),
                    { name }),
             50);

    // The state the full runs left is exact: a hash run finds nothing to do, then one change.
    PairSpec hash = pair(name);
    hash.entities[0].mode = ChangeMode::Hash;
    result = run(hash);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.writes(), 0);
    QCOMPARE(result.totals.unchanged, 50);
    sql(u"UPDATE %1.%2 SET val = 0 WHERE id = 3"_s.arg(q(kSrc), q(name)));
    result = run(hash);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.updated, 1);
    QCOMPARE(result.totals.writes(), 1);
    QCOMPARE(differences(name), 0);
}

void TestFullSync::emptyTargetIsFilledByPlainInserts()
{
    const QString name = u"empty target"_s;
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i * 0.25, repeat('x', i % 5) FROM generate_series(1, 40) i"_s
            .arg(q(kSrc), q(name)));
    const RunResult result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 40);
    QCOMPARE(result.totals.writes(), 40);
    QCOMPARE(differences(name), 0);
    QCOMPARE(stateRows(name), 40);
    // Plain inserts: no row version was ever updated.
    QCOMPARE(scalar(u"SELECT count(*) FROM %1.%2 WHERE xmax <> 0"_s.arg(q(kDst), q(name))), 0);
}

void TestFullSync::duplicateKeyIntoEmptyTargetFailsItsBatch()
{
    const QString name = u"duplicate key"_s;
    createTables(name, false);
    // Key 10 twice, in the second batch of 7.
    sql(u"INSERT INTO %1.%2 SELECT i, i, 'n' || i FROM generate_series(1, 20) i"_s.arg(q(kSrc),
                                                                                       q(name)));
    sql(u"INSERT INTO %1.%2 VALUES (10, 99, 'again')"_s.arg(q(kSrc), q(name)));
    const RunResult result = run(pair(name));
    QCOMPARE(result.status, RunStatus::Failed);
    QCOMPARE(result.errorCode, tf::Error::codeFor(tf::Error::Kind::Validation));
    // The rows of the failed batch only (written on the writer thread, counted on the run's).
    QCOMPARE(result.totals.failed, 7);
    QVERIFY2(result.error.contains(u"duplicate"_s) || result.error.contains(u"unique"_s),
             qPrintable(result.error));
    // The first batch committed; the failing one left nothing; the state is not ahead.
    QCOMPARE(scalar(u"SELECT count(*) FROM %1.%2"_s.arg(q(kDst), q(name))), 7);
    QCOMPARE(scalar(u"SELECT max(id) FROM %1.%2"_s.arg(q(kDst), q(name))), 7);
    QCOMPARE(stateRows(name), 0);

    // The source fixed, the next run (target no longer empty) completes exactly.
    sql(u"DELETE FROM %1.%2 WHERE note = 'again'"_s.arg(q(kSrc), q(name)));
    const RunResult fixed = run(pair(name));
    QVERIFY2(fixed.status == RunStatus::Completed, qPrintable(describe(fixed)));
    QCOMPARE(fixed.totals.inserted, 13);
    QCOMPARE(fixed.totals.unchanged, 7);
    QCOMPARE(differences(name), 0);
    QCOMPARE(stateRows(name), 20);
}

void TestFullSync::quarantinedRowsKeepTheirState()
{
    const QString name = u"quarantined"_s;
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i, 'n' || i FROM generate_series(1, 20) i"_s.arg(q(kSrc),
                                                                                       q(name)));
    PairSpec spec = pair(name);
    RunResult result = run(spec);
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(stateRows(name), 20);
    const QString hashOf5
        = u"SELECT hash FROM %1.tf_sync_state WHERE pair_id = ? AND source_key = '5'"_s.arg(
            q(kDst));
    QSqlQuery query = m_world.admin->prepare(hashOf5);
    query.addBindValue(name);
    m_world.admin->exec(query, "test query");
    QVERIFY(query.next());
    const QString storedHash = query.value(0).toString();
    QVERIFY(!storedHash.isEmpty());

    // Rows 1..5 become invalid: quarantined, not written, not deleted; their state stays.
    sql(u"UPDATE %1.%2 SET val = 1000 + id WHERE id <= 5"_s.arg(q(kSrc), q(name)));
    spec.entities[0].validation = QJsonArray { QJsonObject {
        { u"field"_s, u"val"_s }, { u"rule"_s, u"max_value"_s }, { u"value"_s, 100 } } };
    result = run(spec);
    QVERIFY2(result.status == RunStatus::CompletedWithErrors, qPrintable(describe(result)));
    QCOMPARE(result.totals.quarantined, 5);
    QCOMPARE(result.totals.unchanged, 15);
    QCOMPARE(result.totals.deleted, 0);
    QCOMPARE(stateRows(name), 20);
    QCOMPARE(
        scalar(u"SELECT count(*) FROM %1.%2 WHERE id <= 5 AND val < 100"_s.arg(q(kDst), q(name))),
        5);
    query.addBindValue(name);
    m_world.admin->exec(query, "test query");
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), storedHash);
}

// An empty target does not mean a first load: with state stored from an earlier run, the
// diff for deletes still runs (only an empty target with no state skips it).
void TestFullSync::emptiedTargetWithStoredStateStillDeletes()
{
    const QString name = u"emptied target"_s;
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i, 'n' || i FROM generate_series(1, 12) i"_s.arg(q(kSrc),
                                                                                       q(name)));
    RunResult result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 12);
    QCOMPARE(result.totals.deleted, 0);
    QCOMPARE(stateRows(name), 12);

    sql(u"DELETE FROM %1.%2"_s.arg(q(kDst), q(name)));
    sql(u"DELETE FROM %1.%2 WHERE id IN (4, 9)"_s.arg(q(kSrc), q(name)));
    result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 10);
    QCOMPARE(result.totals.deleted, 2);
    QCOMPARE(stateRows(name), 10);
    QCOMPARE(differences(name), 0);
}

void TestFullSync::runStoppedBeforeItsStateLeavesNoRowBehind_data()
{
    QTest::addColumn<int>("next");
    QTest::addColumn<int>("deleteAction");
    QTest::newRow("then full") << int(ChangeMode::Full) << int(DeleteAction::Propagate);
    QTest::newRow("then hash") << int(ChangeMode::Hash) << int(DeleteAction::Propagate);
    QTest::newRow("then hash, deletes ignored") << int(ChangeMode::Hash) << int(DeleteAction::Ignore);
}

// A full run stopped after some batches committed and before its state was written (a cancel
// here; a kill in tst_crashsafety): its rows are in the target, no state names them. Source
// rows among them deleted before the next run are gone from the target after it (the crash
// harness found them left behind for good: no state, so no run ever looked for them), per the
// delete policy; the rows still in the source are accounted for, and the pending list is empty.
void TestFullSync::runStoppedBeforeItsStateLeavesNoRowBehind()
{
    QFETCH(int, next);
    QFETCH(int, deleteAction);
    const QString name = u"stopped %1 %2"_s.arg(next).arg(deleteAction);
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i, 'n' || i FROM generate_series(1, 40) i"_s.arg(q(kSrc), q(name)));
    PairSpec spec = pair(name);
    spec.entities[0].deleteAction = DeleteAction(deleteAction);
    std::atomic_bool stop { false };
    RunOptions stopping;
    stopping.cancel = &stop;
    stopping.progress = [&](const RunProgress &progress) { stop = progress.totals.read >= 14; };
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
    const RunResult stopped = runner.run(stopping);
    QVERIFY2(stopped.status == RunStatus::Cancelled, qPrintable(describe(stopped)));
    const qint64 written = scalar(u"SELECT count(*) FROM %1.%2"_s.arg(q(kDst), q(name)));
    QVERIFY2(written >= 14 && written < 40, qPrintable(QString::number(written)));
    QCOMPARE(stateRows(name), 0);
    const QString pending = u"SELECT count(*) FROM %1.tf_sync_pending AS p, unnest(p.target_keys) AS k WHERE pair_id = ?"_s.arg(q(kDst));
    QCOMPARE(scalar(pending, { name }), written);

    // Three of the rows written go from the source, one changes; then a run of another mode.
    sql(u"DELETE FROM %1.%2 WHERE id IN (2, 5, 11)"_s.arg(q(kSrc), q(name)));
    sql(u"UPDATE %1.%2 SET note = 'changed' WHERE id = 3"_s.arg(q(kSrc), q(name)));
    spec.entities[0].mode = ChangeMode(next);
    const RunResult after = run(spec);
    QVERIFY2(after.status == RunStatus::Completed, qPrintable(describe(after)));
    QCOMPARE(scalar(pending, { name }), 0);
    QCOMPARE(stateRows(name), 37);
    if (DeleteAction(deleteAction) == DeleteAction::Ignore) {
        QCOMPARE(after.totals.deleted, 0);
        QCOMPARE(differences(name), 3); // kept, as the policy says
        return;
    }
    QCOMPARE(after.totals.deleted, 3);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    QVERIFY2(again.status == RunStatus::Completed && again.totals.writes() == 0, qPrintable(describe(again)));
}

QTEST_GUILESS_MAIN(TestFullSync)
#include "tst_fullsync.moc"
