// Full sync PostgreSQL -> PostgreSQL (issue 16, "set-based state"): inserted, updated and
// unchanged come from the write itself and are exact over a partly filled target; the state
// is written once at the end and never ahead of the data, except on a first load, whose batches
// commit their state with them (equal to the staged path's, block sums included); an empty target
// is filled by plain inserts, where a duplicate key fails its batch; quarantined rows keep their
// stored state.
#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "pgsyncworld.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/postgresstatestore.h"
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
    void firstLoadWritesEachBatchsStateWithIt();
    void firstLoadStateAndBlocksEqualTheStagedPath();
    void firstLoadStoppedHasStateOfExactlyItsRows_data();
    void firstLoadStoppedHasStateOfExactlyItsRows();

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
    // Target rows no state row names plus state rows naming no target row.
    qint64 stateMismatches(const QString &name);
    qint64 pendingKeys(const QString &pairId);
    // The pair's block sums as stored (deltas folded), as text "block:rows,hashed,a,b;...".
    QString storedBlocks(const QString &pairId);
    QString stateText(const QString &pairId);

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

qint64 TestFullSync::stateMismatches(const QString &name)
{
    return scalar(u"SELECT count(*) FROM %1.%2 AS t WHERE NOT EXISTS (SELECT 1 FROM %1.tf_sync_state AS s"
                  " WHERE s.pair_id = ? AND s.target_key = t.id::text)"_s.arg(q(kDst), q(name)),
                  { name })
        + scalar(u"SELECT count(*) FROM %1.tf_sync_state AS s WHERE s.pair_id = ? AND NOT EXISTS"
                 " (SELECT 1 FROM %1.%2 AS t WHERE s.target_key = t.id::text)"_s.arg(q(kDst), q(name)),
                 { name });
}

qint64 TestFullSync::pendingKeys(const QString &pairId)
{
    return scalar(u"SELECT count(*) FROM %1.tf_sync_pending AS p, unnest(p.target_keys) AS k WHERE pair_id = ?"_s.arg(
                      q(kDst)),
                  { pairId });
}

QString TestFullSync::storedBlocks(const QString &pairId)
{
    QSqlQuery query = m_world.admin->prepare(
        u"SELECT string_agg(concat(block, ':', r, ',', h, ',', a, ',', b), ';' ORDER BY block) FROM"
        " (SELECT block, sum(rows) AS r, sum(hashed) AS h, sum(a) AS a, sum(b) AS b FROM"
        " %1.tf_sync_state_blocks_w10 WHERE pair_id = ? GROUP BY block HAVING sum(rows) <> 0) AS s"_s.arg(q(kDst)));
    query.addBindValue(pairId);
    m_world.admin->exec(query, "test query");
    return query.next() ? query.value(0).toString() : QString();
}

QString TestFullSync::stateText(const QString &pairId)
{
    QSqlQuery query = m_world.admin->prepare(
        u"SELECT string_agg(concat(source_key, '|', hash, '|', target_key), ';' ORDER BY source_key)"
        " FROM %1.tf_sync_state WHERE pair_id = ?"_s.arg(q(kDst)));
    query.addBindValue(pairId);
    m_world.admin->exec(query, "test query");
    return query.next() ? query.value(0).toString() : QString();
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
    // The first batch committed, with its state (a first load); the failing one (keys 8 - 13,
    // 10 twice) left nothing. A first load writes on two threads: the third batch (14 - 20),
    // written beside the failing one, may have committed too, whole and with its state.
    const qint64 rows = scalar(u"SELECT count(*) FROM %1.%2"_s.arg(q(kDst), q(name)));
    QCOMPARE(scalar(u"SELECT count(*) FROM %1.%2 WHERE id BETWEEN 1 AND 7"_s.arg(q(kDst), q(name))), 7);
    QCOMPARE(scalar(u"SELECT count(*) FROM %1.%2 WHERE id BETWEEN 8 AND 13"_s.arg(q(kDst), q(name))), 0);
    QVERIFY2(rows == 7 || (rows == 14 && scalar(u"SELECT count(*) FROM %1.%2 WHERE id BETWEEN 14 AND 20"_s.arg(
                                                        q(kDst), q(name))) == 7),
             qPrintable(QString::number(rows)));
    QCOMPARE(stateRows(name), rows);
    QCOMPARE(stateMismatches(name), 0);
    QCOMPARE(pendingKeys(name), 0);

    // The source fixed, the next run (target no longer empty) completes exactly.
    sql(u"DELETE FROM %1.%2 WHERE note = 'again'"_s.arg(q(kSrc), q(name)));
    const RunResult fixed = run(pair(name));
    QVERIFY2(fixed.status == RunStatus::Completed, qPrintable(describe(fixed)));
    QCOMPARE(fixed.totals.inserted, 20 - rows);
    QCOMPARE(fixed.totals.unchanged, rows);
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
    PairSpec spec = pair(name);
    spec.entities[0].deleteAction = DeleteAction(deleteAction);
    // Not a first load (whose batches carry their state): one row synced before, read last.
    sql(u"INSERT INTO %1.%2 VALUES (1000, 1, 'before')"_s.arg(q(kSrc), q(name)));
    QCOMPARE(run(spec).status, RunStatus::Completed);
    QCOMPARE(stateRows(name), 1);
    sql(u"INSERT INTO %1.%2 SELECT i, i, 'n' || i FROM generate_series(1, 40) i"_s.arg(q(kSrc), q(name)));
    std::atomic_bool stop { false };
    RunOptions stopping;
    stopping.cancel = &stop;
    stopping.progress = [&](const RunProgress &progress) { stop = progress.totals.read >= 14; };
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
    const RunResult stopped = runner.run(stopping);
    QVERIFY2(stopped.status == RunStatus::Cancelled, qPrintable(describe(stopped)));
    const qint64 written = scalar(u"SELECT count(*) FROM %1.%2 WHERE id < 1000"_s.arg(q(kDst), q(name)));
    QVERIFY2(written >= 14 && written < 40, qPrintable(QString::number(written)));
    QCOMPARE(stateRows(name), 1);
    const QString pending = u"SELECT count(*) FROM %1.tf_sync_pending AS p, unnest(p.target_keys) AS k WHERE pair_id = ?"_s.arg(q(kDst));
    QCOMPARE(scalar(pending, { name }), written);

    // Three of the rows written go from the source, one changes; then a run of another mode.
    sql(u"DELETE FROM %1.%2 WHERE id IN (2, 5, 11)"_s.arg(q(kSrc), q(name)));
    sql(u"UPDATE %1.%2 SET note = 'changed' WHERE id = 3"_s.arg(q(kSrc), q(name)));
    spec.entities[0].mode = ChangeMode(next);
    const RunResult after = run(spec);
    QVERIFY2(after.status == RunStatus::Completed, qPrintable(describe(after)));
    QCOMPARE(scalar(pending, { name }), 0);
    QCOMPARE(stateRows(name), 38);
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

// A first load (no state yet) writes each batch's state in the batch's own transaction: nothing
// is ahead of its state, so no pending list; the block sums are those of the state's rows.
void TestFullSync::firstLoadWritesEachBatchsStateWithIt()
{
    const QString name = u"first load"_s;
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i * 0.5, 'n' || i FROM generate_series(-30, 30) i"_s.arg(q(kSrc), q(name)));
    const RunResult result = run(pair(name));
    QVERIFY2(result.status == RunStatus::Completed, qPrintable(describe(result)));
    QCOMPARE(result.totals.inserted, 61);
    QCOMPARE(differences(name), 0);
    QCOMPARE(stateRows(name), 61);
    QCOMPARE(stateMismatches(name), 0);
    QCOMPARE(pendingKeys(name), 0);
    // The sums the triggers give the same rows, written again by plain SQL.
    sql(u"CREATE TABLE %1.fl_copy AS SELECT * FROM %1.tf_sync_state WHERE pair_id = 'first load'"_s.arg(q(kDst)));
    sql(u"UPDATE %1.fl_copy SET pair_id = 'first load, by triggers'"_s.arg(q(kDst)));
    sql(u"INSERT INTO %1.tf_sync_state SELECT * FROM %1.fl_copy"_s.arg(q(kDst)));
    QVERIFY(!storedBlocks(name).isEmpty());
    QCOMPARE(storedBlocks(name), storedBlocks(u"first load, by triggers"_s));
    // The next run changes nothing.
    const RunResult again = run(pair(name));
    QVERIFY2(again.status == RunStatus::Completed && again.totals.writes() == 0, qPrintable(describe(again)));
    QCOMPARE(again.totals.unchanged, 61);
}

// The state and block sums of a first load's batches are those of the staged path (stageWritten,
// then applyStaged's plain INSERT with its own sums) and of the triggers (a batch's usual state
// write), for every kind of key and hash text the sums tell apart.
void TestFullSync::firstLoadStateAndBlocksEqualTheStagedPath()
{
    auto &store = dynamic_cast<PostgresStateStore &>(m_world.dst->stateStore());
    const QString entity = u"blocks"_s;
    QList<StateEntry> entries;
    const QList<QByteArray> hashes { "0", "-1", "9223372036854775807", "-9223372036854775808", "4294967295",
                                     "-4294967296", "0012", "d41d8cd98f00b204e9800998ecf8427e", "", "-", "12a" };
    const QStringList keys { u"0"_s, u"9"_s, u"10"_s, u"-1"_s, u"-10"_s, u"-11"_s, u"007"_s, u"-0"_s,
                             u"9223372036854775807"_s, u"-9223372036854775808"_s, u"abc"_s, u""_s, u"-"_s,
                             u"12a"_s, u"x\\ty"_s, u"ä1"_s };
    for (int i = 0; i < 300; ++i) {
        const QString key = i < keys.size() ? keys.at(i) : QString::number(i * 7 - 1000);
        const QByteArray hash = i < hashes.size() ? hashes.at(i)
                                                  : QByteArray::number(qint64((quint64(i) * 0x9E3779B97F4A7C15ULL) ^ quint64(i << 3)));
        entries << StateEntry { key, hash, u"t"_s + key };
    }
    const auto batchOf = [&](const QString &pairId, const QList<StateEntry> &state) {
        ChangeBatch batch;
        batch.pairId = pairId;
        batch.entity = entity;
        batch.stateEntity = entity;
        batch.stateUpserts = state;
        return batch;
    };
    // The first load's way, in two batches.
    QVERIFY(store.beginFirstLoad(u"fl new"_s, entity));
    m_world.dst->apply(batchOf(u"fl new"_s, entries.mid(0, 150)));
    m_world.dst->apply(batchOf(u"fl new"_s, entries.mid(150)));
    store.endFirstLoad(u"fl new"_s, entity, true);
    // The staged way.
    store.beginStaging(u"fl staged"_s, entity);
    store.stageWritten(entries.mid(0, 150));
    store.stageWritten(entries.mid(150));
    store.applyStaged();
    store.endStaging();
    // The triggers' way.
    m_world.dst->apply(batchOf(u"fl triggers"_s, entries));

    QCOMPARE(stateRows(u"fl new"_s), entries.size());
    QCOMPARE(stateText(u"fl new"_s), stateText(u"fl staged"_s));
    QCOMPARE(stateText(u"fl new"_s), stateText(u"fl triggers"_s));
    QVERIFY(!storedBlocks(u"fl new"_s).isEmpty());
    QCOMPARE(storedBlocks(u"fl new"_s), storedBlocks(u"fl staged"_s));
    QCOMPARE(storedBlocks(u"fl new"_s), storedBlocks(u"fl triggers"_s));

    // The state is not empty now: no first load; a key with state fails a first load's batch.
    QVERIFY(!store.beginFirstLoad(u"fl new"_s, entity));
    QVERIFY(store.beginFirstLoad(u"fl again"_s, entity));
    m_world.dst->apply(batchOf(u"fl again"_s, entries.mid(0, 5)));
    QVERIFY_THROWS_EXCEPTION(tf::Error, m_world.dst->apply(batchOf(u"fl again"_s, entries.mid(4, 5))));
    // Integer text past int8 fails as the triggers fail on it, and leaves nothing.
    const QList<StateEntry> tooLarge { StateEntry { u"99999999999999999999"_s, "1", u"t"_s } };
    QVERIFY_THROWS_EXCEPTION(tf::Error, m_world.dst->apply(batchOf(u"fl again"_s, tooLarge)));
    store.endFirstLoad(u"fl again"_s, entity, false);
    QVERIFY_THROWS_EXCEPTION(tf::Error, m_world.dst->apply(batchOf(u"fl triggers 2"_s, tooLarge)));
    QCOMPARE(stateRows(u"fl again"_s), 5);
    QCOMPARE(storedBlocks(u"fl again"_s).isEmpty(), false);
}

void TestFullSync::firstLoadStoppedHasStateOfExactlyItsRows_data()
{
    QTest::addColumn<int>("next");
    QTest::newRow("then full") << int(ChangeMode::Full);
    QTest::newRow("then hash") << int(ChangeMode::Hash);
}

// A first load stopped after some batches (a cancel here; kills in tst_crashsafety): the state
// names exactly the rows committed, nothing is pending, and the next run makes target and state
// exact.
void TestFullSync::firstLoadStoppedHasStateOfExactlyItsRows()
{
    QFETCH(int, next);
    const QString name = u"first load stopped %1"_s.arg(next);
    createTables(name);
    sql(u"INSERT INTO %1.%2 SELECT i, i, 'n' || i FROM generate_series(1, 40) i"_s.arg(q(kSrc), q(name)));
    PairSpec spec = pair(name);
    std::atomic_bool stop { false };
    RunOptions stopping;
    stopping.cancel = &stop;
    stopping.progress = [&](const RunProgress &progress) { stop = progress.totals.read >= 14; };
    SyncRunner runner(spec, *m_world.src, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
    const RunResult stopped = runner.run(stopping);
    QVERIFY2(stopped.status == RunStatus::Cancelled, qPrintable(describe(stopped)));
    const qint64 written = scalar(u"SELECT count(*) FROM %1.%2"_s.arg(q(kDst), q(name)));
    QVERIFY2(written >= 14 && written < 40, qPrintable(QString::number(written)));
    QCOMPARE(stateRows(name), written);
    QCOMPARE(stateMismatches(name), 0);
    QCOMPARE(pendingKeys(name), 0);

    sql(u"DELETE FROM %1.%2 WHERE id IN (2, 5, 11)"_s.arg(q(kSrc), q(name)));
    sql(u"UPDATE %1.%2 SET note = 'changed' WHERE id = 3"_s.arg(q(kSrc), q(name)));
    spec.entities[0].mode = ChangeMode(next);
    const RunResult after = run(spec);
    QVERIFY2(after.status == RunStatus::Completed, qPrintable(describe(after)));
    QCOMPARE(after.totals.deleted, 3);
    QCOMPARE(differences(name), 0);
    QCOMPARE(stateRows(name), 37);
    QCOMPARE(stateMismatches(name), 0);
    QCOMPARE(pendingKeys(name), 0);
    const RunResult again = run(spec);
    QVERIFY2(again.status == RunStatus::Completed && again.totals.writes() == 0, qPrintable(describe(again)));
}

QTEST_GUILESS_MAIN(TestFullSync)
#include "tst_fullsync.moc"
