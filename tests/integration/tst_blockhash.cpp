// Hash mode by blocks (issue 16 item 4) against real PostgreSQL: a PostgreSQL source sums its
// typed row hashes per block of keys in one scan, the target's sync state is summed the same
// way, and only blocks that differ are compared row by row and read. Checked through the
// run's statistics (read = rows of expanded blocks) and a row-by-row comparison of both
// tables: no change reads no row, changes anywhere (negative keys, past the last block, next
// to deletes) are found exactly, --full leaves nothing for the next hash run, and a sync state
// out of step with the data (rows lost or a hash of another kind, as a crash or an older
// version leaves it) is repaired, never trusted.
#include "db/connection.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "db/controldatabase.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kSrc = u"bh src"_s;
const QString kDst = u"bh dst"_s;
constexpr qint64 kWidth = 100; // HashExecutor::Options::blockWidth's default
constexpr qint64 kSub = 10; // HashExecutor::Options::subBlockWidth's default, the stored width
constexpr qint64 kRows = 20000;

QString q(const QString &name)
{
    return QLatin1Char('"') + QString(name).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

} // namespace

class TestBlockHash final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void noChangeRunReadsNoRows();
    void changedRowsAreFoundInTheirBlocks();
    void insertAndDeleteInDifferentBlocks();
    void keyBeyondTheLastBlock();
    void fullThenHashIsANoChangeRun();
    void stateOutOfStepWithTheDataIsRepaired();
    void cursorReconciliationStoresTheSameHashes();
    void stateOfTheLayoutBeforeIsUpgradedInPlace();
    void valuesAreComparedExactly();
    void firstLoadSumsItsOwnBlocksExactly();
    void firstLoadOfKeysThatOnlyLookLikeIntegers();
    void firstLoadUnderTheTriggerFunctionBefore();
    void oneChangedRowReadsOnlyItsSubBlock();
    void deleteAndInsertAtBlockBoundaries();
    void blocksOfTheHundredKeyLayoutAreReplaced();
    void textAndCompositeKeysCompareRows();

private:
    void sql(const QString &statement) { m_admin->execDirect(statement, "test setup"); }
    qint64 scalar(const QString &statement);
    // Source and target tables `name` (ids -250 .. kRows-251, every `step`-th), and their pair.
    PairSpec makePair(const QString &name, qint64 step = 1, ChangeMode mode = ChangeMode::Hash);
    // Source and target tables `name` with these column definitions (no rows), and a pair
    // `pairName` (the tables of makePair, unused) mapping every column to itself.
    PairSpec makeTablePair(const QString &name, const QString &pairName, const QStringList &columns);
    RunResult run(const PairSpec &spec, bool full = false);
    qint64 differences(const QString &name);
    // Blocks whose stored sums differ from a recomputation over the pair's rows of
    // tf_sync_state (written here apart from the product's SQL: a regular expression for
    // integer texts); 0 when they are exact.
    qint64 blockMismatches(const QString &pairId);
    void replaceWithTriggerFunctionBefore();
    // Drops this layout's block table, its triggers and functions (state of a layout before).
    void dropStateBlocks();
    // A new target connector: the next run opens the state tables as a new process would.
    void reopenTarget();
    // A run that finds nothing to compare and writes nothing.
    bool nothingToDo(const PairSpec &spec);
    QString src(const QString &name) const { return q(kSrc) + u"."_s + q(name); }
    QString dst(const QString &name) const { return q(kDst) + u"."_s + q(name); }

    QString m_url;
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<PostgresConnector> m_source;
    std::unique_ptr<PostgresConnector> m_target;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
};

void TestBlockHash::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfblk"_s);
    TF_REQUIRE_POSTGRES(m_url);
    QVERIFY(m_dir.isValid());
    m_admin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_url));
    sql(u"CREATE SCHEMA %1"_s.arg(q(kSrc)));
    sql(u"CREATE SCHEMA %1"_s.arg(q(kDst)));
    m_source = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url }, { u"schema"_s, kSrc } }, {} });
    reopenTarget();
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
}

void TestBlockHash::cleanupTestCase()
{
    m_quarantine.reset();
    m_control.reset();
    m_target.reset();
    m_source.reset();
    m_admin.reset();
}

qint64 TestBlockHash::scalar(const QString &statement)
{
    QSqlQuery query = m_admin->prepare(statement);
    m_admin->exec(query, "test query");
    return query.next() ? query.value(0).toLongLong() : -1;
}

PairSpec TestBlockHash::makePair(const QString &name, qint64 step, ChangeMode mode)
{
    const QString columns = u"(id bigint PRIMARY KEY, name text, amount numeric(12,2), at timestamptz, "
                            "flag boolean, modified timestamptz NOT NULL)"_s;
    sql(u"CREATE TABLE %1 %2"_s.arg(src(name), columns));
    sql(u"CREATE TABLE %1 %2"_s.arg(dst(name), columns));
    sql(u"INSERT INTO %1 SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'row ' || i END, i * 1.25, "
        "timestamptz '2024-01-01 00:00:00.000001+00' + i * interval '1 second', i % 2 = 0, "
        "timestamptz '2024-01-01 00:00:00+00' FROM generate_series(-250, %2 - 251, %3) AS i"_s
            .arg(src(name))
            .arg(kRows)
            .arg(step));
    EntitySpec entity;
    entity.name = name;
    entity.sourceEntity = name;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = name;
    entity.targetKey = { u"id"_s };
    QJsonArray fields;
    for (const QString &column : { u"id"_s, u"name"_s, u"amount"_s, u"at"_s, u"flag"_s, u"modified"_s })
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = mode;
    if (mode == ChangeMode::Cursor) {
        entity.cursorColumn = u"modified"_s;
        entity.reconcileEvery = 1;
    }
    PairSpec spec;
    spec.pairId = u"blocks-"_s + name;
    spec.sourceSystem = u"bh-source"_s;
    spec.targetSystem = u"bh-target"_s;
    spec.batchSize = 1000;
    spec.entities = { entity };
    return spec;
}

PairSpec TestBlockHash::makeTablePair(const QString &name, const QString &pairName, const QStringList &columns)
{
    const QString definition = u"("_s + columns.join(u", "_s) + u")"_s;
    sql(u"CREATE TABLE %1 %2"_s.arg(src(name), definition));
    sql(u"CREATE TABLE %1 %2"_s.arg(dst(name), definition));
    PairSpec spec = makePair(pairName);
    EntitySpec &entity = spec.entities[0];
    entity.name = entity.sourceEntity = entity.targetEntity = name;
    QJsonArray fields;
    for (const QString &column : columns) {
        const QString field = column.section(QLatin1Char(' '), 0, 0);
        fields.append(QJsonObject { { u"target"_s, field }, { u"source"_s, field } });
    }
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    return spec;
}

RunResult TestBlockHash::run(const PairSpec &spec, bool full)
{
    SyncRunner runner(spec, *m_source, *m_target, *m_quarantine);
    RunOptions options;
    options.forceFull = full;
    return runner.run(options);
}

qint64 TestBlockHash::differences(const QString &name)
{
    return scalar(u"SELECT count(*) FROM %1 AS s FULL JOIN %2 AS d ON s.id = d.id WHERE s.id IS NULL "
                  "OR d.id IS NULL OR (s.name, s.amount, s.at, s.flag, s.modified) IS DISTINCT FROM "
                  "(d.name, d.amount, d.at, d.flag, d.modified)"_s.arg(src(name), dst(name)));
}

qint64 TestBlockHash::blockMismatches(const QString &pairId)
{
    const QString integer = u"(%1 ~ '^-?[0-9]+$' AND length(%1) <= 20)"_s;
    return scalar(
        u"WITH s AS (SELECT CASE WHEN k >= 0 THEN k / 10 ELSE (k + 1) / 10 - 1 END AS block,"
        " count(*) AS rows, count(h) AS hashed, COALESCE(sum(CAST(h >> 32 AS int4)), 0) AS a,"
        " COALESCE(sum(CAST((h & 4294967295) - 2147483648 AS int4)), 0) AS b"
        " FROM (SELECT CAST(source_key AS int8) AS k, CASE WHEN %3 THEN CAST(hash AS int8) END AS h"
        " FROM %1.tf_sync_state WHERE pair_id = '%2' AND %4) AS x GROUP BY 1),"
        " t AS (SELECT block, sum(rows) AS rows, sum(hashed) AS hashed, sum(a) AS a, sum(b) AS b"
        " FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%2' GROUP BY block"
        " HAVING sum(rows) <> 0 OR sum(hashed) <> 0 OR sum(a) <> 0 OR sum(b) <> 0)"
        " SELECT count(*) FROM s FULL JOIN t USING (block)"
        " WHERE (s.rows, s.hashed, s.a, s.b) IS DISTINCT FROM (t.rows, t.hashed, t.a, t.b)"_s.arg(
            q(kDst), pairId, integer.arg(u"hash"_s), integer.arg(u"source_key"_s)));
}

void TestBlockHash::dropStateBlocks()
{
    const QString state = q(kDst) + u".tf_sync_state"_s;
    for (const char *trigger : { "insert", "update", "delete", "truncate" })
        sql(u"DROP TRIGGER tf_sync_state_blocks_w10_%1 ON %2"_s.arg(QLatin1String(trigger), state));
    sql(u"DROP TABLE %1.tf_sync_state_blocks_w10"_s.arg(q(kDst)));
    sql(u"DROP FUNCTION %1.tf_sync_state_blocks_w10_delta(), %1.tf_sync_state_blocks_w10_truncate()"_s.arg(q(kDst)));
}

void TestBlockHash::reopenTarget()
{
    m_target = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url }, { u"schema"_s, kDst } }, {} });
}

bool TestBlockHash::nothingToDo(const PairSpec &spec)
{
    const RunResult result = run(spec);
    return result.status == RunStatus::Completed && result.totals.read == 0 && result.totals.writes() == 0;
}

void TestBlockHash::replaceWithTriggerFunctionBefore()
{
    // The function as the layout before wrote it: no writer sums its own rows.
    sql(u"DO $d$ DECLARE body text; BEGIN"
        " SELECT prosrc INTO body FROM pg_proc WHERE oid = to_regproc('%1.tf_sync_state_blocks_w10_delta');"
        " body := regexp_replace(body, 'IF current_setting[^;]*; END IF;', '');"
        " EXECUTE format('CREATE OR REPLACE FUNCTION %1.tf_sync_state_blocks_w10_delta() RETURNS trigger"
        " LANGUAGE plpgsql AS %L', body); END $d$"_s.arg(q(kDst)));
}

#define RUN_OK(expression)                                                                             \
    do {                                                                                               \
        const RunResult checked_ = (expression);                                                       \
        QVERIFY2(checked_.status == RunStatus::Completed, qPrintable(checked_.error));                 \
    } while (false)

void TestBlockHash::noChangeRunReadsNoRows()
{
    const PairSpec spec = makePair(u"nochange"_s);
    const RunResult first = run(spec); // no state yet: every key staged, every row inserted
    RUN_OK(first);
    QCOMPARE(first.totals.inserted, kRows);
    QCOMPARE(differences(u"nochange"_s), 0);
    const RunResult second = run(spec);
    RUN_OK(second);
    QCOMPARE(second.totals.read, 0);
    QCOMPARE(second.totals.writes(), 0);
    QCOMPARE(second.totals.unchanged, kRows);
    QCOMPARE(second.maxRowsHeld, 0);
}

void TestBlockHash::changedRowsAreFoundInTheirBlocks()
{
    const QString name = u"changed"_s;
    const PairSpec spec = makePair(name);
    RUN_OK(run(spec));
    // Blocks -2 (keys -200..-101), -1 (-100..-1), 0 and 123 (12300..12399).
    sql(u"UPDATE %1 SET amount = amount + 0.01 WHERE id IN (-101, -1, 0)"_s.arg(src(name)));
    sql(u"UPDATE %1 SET at = at + interval '1 microsecond' WHERE id = 12345"_s.arg(src(name)));
    const RunResult result = run(spec);
    RUN_OK(result);
    QCOMPARE(result.totals.updated, 4);
    QCOMPARE(result.totals.inserted + result.totals.deleted, 0);
    QCOMPARE(result.totals.read, 4 * kSub); // the rows of the four sub-blocks, no more
    QCOMPARE(result.totals.unchanged, kRows - 4);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    RUN_OK(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

void TestBlockHash::insertAndDeleteInDifferentBlocks()
{
    const QString name = u"gaps"_s;
    const PairSpec spec = makePair(name, 2); // even keys only (-250 is even)
    RUN_OK(run(spec));
    sql(u"DELETE FROM %1 WHERE id = 500"_s.arg(src(name))); // block 5, sub-block 50
    sql(u"INSERT INTO %1 VALUES (7001, 'new', 1, now(), true, now())"_s.arg(src(name))); // block 70, sub-block 700
    const RunResult result = run(spec);
    RUN_OK(result);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.deleted, 1);
    QCOMPARE(result.totals.updated, 0);
    QCOMPARE(result.totals.read, kSub / 2 - 1 + kSub / 2 + 1); // both sub-blocks' source rows
    QCOMPARE(differences(name), 0);
    QCOMPARE(scalar(u"SELECT count(*) FROM %1 WHERE id IN (500, 7001)"_s.arg(dst(name))), 1);
    // A whole block gone at the source: known only from the state's sums.
    sql(u"DELETE FROM %1 WHERE id >= 1000 AND id < 1100"_s.arg(src(name)));
    const RunResult emptied = run(spec);
    RUN_OK(emptied);
    QCOMPARE(emptied.totals.deleted, kWidth / 2);
    QCOMPARE(emptied.totals.read, 0);
    QCOMPARE(differences(name), 0);
}

void TestBlockHash::keyBeyondTheLastBlock()
{
    const QString name = u"beyond"_s;
    const PairSpec spec = makePair(name);
    RUN_OK(run(spec));
    sql(u"INSERT INTO %1 VALUES (9223372036854775807, 'last', 2, now(), false, now()),"
        " (-9223372036854775808, 'first', 3, now(), true, now())"_s.arg(src(name)));
    const RunResult result = run(spec);
    RUN_OK(result);
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.read, 2);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    RUN_OK(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.unchanged, kRows + 2);
}

void TestBlockHash::fullThenHashIsANoChangeRun()
{
    const QString name = u"full first"_s;
    const PairSpec spec = makePair(name);
    const RunResult full = run(spec, true);
    RUN_OK(full);
    QCOMPARE(full.totals.read, kRows);
    // The full run stored the source's own hash of every row: nothing to compare row by row.
    const RunResult hash = run(spec);
    RUN_OK(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows);
    QCOMPARE(differences(name), 0);
}

void TestBlockHash::stateOutOfStepWithTheDataIsRepaired()
{
    // Block sums are summed from the row state on every run, never stored apart from it: state
    // that lags the data (a crash between a batch's data and a later state write, rows whose
    // hash an older version or the engine computed) makes its block differ, and the block is
    // compared row by row.
    const QString name = u"out of step"_s;
    const PairSpec spec = makePair(name);
    RUN_OK(run(spec));
    const QString state = q(kDst) + u".tf_sync_state"_s;
    const QString where = u"pair_id = '%1' AND entity = '%2'"_s.arg(spec.pairId, name);
    sql(u"DELETE FROM %1 WHERE %2 AND source_key = '300'"_s.arg(state, where));
    sql(u"UPDATE %1 SET hash = md5('older kind') WHERE %2 AND source_key = '4000'"_s.arg(state, where));
    sql(u"UPDATE %1 SET name = 'tampered' WHERE id = 4000"_s.arg(dst(name)));
    sql(u"UPDATE %1 SET flag = NOT flag WHERE id = 9000"_s.arg(src(name)));
    const RunResult repaired = run(spec);
    RUN_OK(repaired);
    QCOMPARE(repaired.totals.read, 3 * kSub);
    QCOMPARE(repaired.totals.inserted + repaired.totals.updated, 3);
    QCOMPARE(differences(name), 0);
    // The source changed back after a run wrote its state: the block's sum is the one of an
    // earlier run again, and the state's is not.
    sql(u"UPDATE %1 SET flag = NOT flag WHERE id = 9000"_s.arg(src(name)));
    const RunResult back = run(spec);
    RUN_OK(back);
    QCOMPARE(back.totals.read, kSub);
    QCOMPARE(back.totals.updated, 1);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    RUN_OK(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

void TestBlockHash::cursorReconciliationStoresTheSameHashes()
{
    // Cursor runs and their key reconciliation store the source's hashes too: a hash run
    // after them has nothing to compare, and the reconciliation itself goes by blocks.
    const QString name = u"cursor"_s;
    PairSpec spec = makePair(name, 1, ChangeMode::Cursor);
    RUN_OK(run(spec));
    sql(u"UPDATE %1 SET name = 'moved', modified = now() WHERE id = 777"_s.arg(src(name)));
    sql(u"DELETE FROM %1 WHERE id = 15000"_s.arg(src(name))); // found by the reconciliation only
    const RunResult cursor = run(spec);
    RUN_OK(cursor);
    QCOMPARE(cursor.totals.deleted, 1);
    QCOMPARE(differences(name), 0);
    spec.entities[0].mode = ChangeMode::Hash;
    const RunResult hash = run(spec);
    RUN_OK(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows - 1);
}

void TestBlockHash::stateOfTheLayoutBeforeIsUpgradedInPlace()
{
    // State written before tf_sync_state_blocks existed (only tf_sync_state and its
    // checkpoints): the next connector sums it once and the next hash run compares blocks.
    const QString name = u"upgraded"_s;
    const PairSpec spec = makePair(name);
    RUN_OK(run(spec, true));
    dropStateBlocks();
    reopenTarget();
    const RunResult hash = run(spec);
    RUN_OK(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows);
    const QString blocks = u"SELECT %2 FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%3'"_s.arg(q(kDst));
    QCOMPARE(scalar(blocks.arg(u"sum(rows)"_s, spec.pairId)), kRows);
    QCOMPARE(scalar(blocks.arg(u"count(DISTINCT block)"_s, spec.pairId)), kRows / kSub); // -25 .. 1974
    // The triggers keep the upgraded sums: a change is found in its block, then nothing.
    sql(u"UPDATE %1 SET name = 'after the upgrade' WHERE id = 1234"_s.arg(src(name)));
    const RunResult changed = run(spec);
    RUN_OK(changed);
    QCOMPARE(changed.totals.read, kSub);
    QCOMPARE(changed.totals.updated, 1);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    RUN_OK(again);
    QCOMPARE(again.totals.read, 0);
}

void TestBlockHash::valuesAreComparedExactly()
{
    // Values that compare equal but are not the same value (-0 and 0, '' and NULL): each change
    // is found. A decimal's scale is not part of its value (the row model holds decimals as
    // canonicalDecimal(), without trailing zeros, so no target could receive 1.00 apart from
    // 1.0): a change of scale alone is no change, or rows written by a repair would differ
    // from their source for ever.
    const QString name = u"exact"_s;
    const PairSpec spec = makeTablePair(name, u"exact pair"_s,
                                        { u"id bigint PRIMARY KEY"_s, u"d double precision"_s, u"n numeric"_s, u"t text"_s });
    sql(u"INSERT INTO %1 SELECT i, 0, 1.0, '' FROM generate_series(1, 1000) AS i"_s.arg(src(name)));
    RUN_OK(run(spec));
    RUN_OK(run(spec));
    sql(u"UPDATE %1 SET d = CAST('-0' AS double precision) WHERE id = 110"_s.arg(src(name)));
    sql(u"UPDATE %1 SET n = 1.00 WHERE id = 210"_s.arg(src(name)));
    sql(u"UPDATE %1 SET t = NULL WHERE id = 410"_s.arg(src(name)));
    sql(u"UPDATE %1 SET n = 2 WHERE id = 610"_s.arg(src(name)));
    const RunResult changed = run(spec);
    RUN_OK(changed);
    QCOMPARE(changed.totals.updated, 3); // 110, 410 and 610; not 210
    QCOMPARE(changed.totals.read, 3 * kSub);
    // (How the target holds -0 and 1.00 is the write path's: this is about finding them.)
    const RunResult again = run(spec);
    RUN_OK(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

void TestBlockHash::firstLoadSumsItsOwnBlocksExactly()
{
    // A first load writes its state with one INSERT whose block sums come from the staged
    // int8 key and hash (the triggers skip it): they equal a recomputation from the rows, the
    // next hash run finds nothing, and the triggers keep them exact for every later writer.
    const QString name = u"first load"_s;
    const PairSpec spec = makePair(name, 3);
    const RunResult full = run(spec, true);
    RUN_OK(full);
    const QString blocks = u"SELECT %2 FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%3'"_s.arg(q(kDst));
    QCOMPARE(scalar(blocks.arg(u"sum(rows)"_s, spec.pairId)), full.totals.read);
    QCOMPARE(scalar(blocks.arg(u"count(*)"_s, spec.pairId)), scalar(blocks.arg(u"count(DISTINCT block)"_s, spec.pairId)));
    QCOMPARE(blockMismatches(spec.pairId), 0);
    const RunResult hash = run(spec);
    RUN_OK(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    sql(u"UPDATE %1 SET name = 'changed' WHERE id = 2000"_s.arg(src(name)));
    sql(u"DELETE FROM %1 WHERE id = 5000"_s.arg(src(name)));
    sql(u"INSERT INTO %1 VALUES (5001, 'new', 1, now(), true, now())"_s.arg(src(name)));
    const RunResult changed = run(spec);
    RUN_OK(changed);
    QCOMPARE(changed.totals.updated, 1);
    QCOMPARE(changed.totals.inserted, 1);
    QCOMPARE(changed.totals.deleted, 1);
    QCOMPARE(differences(name), 0);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    // A second --full over existing state goes through the merge (and the triggers).
    sql(u"UPDATE %1 SET amount = amount + 1 WHERE id % 500 = 1"_s.arg(src(name)));
    RUN_OK(run(spec, true));
    QCOMPARE(blockMismatches(spec.pairId), 0);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    RUN_OK(again);
    QCOMPARE(again.totals.read, 0);
}

void TestBlockHash::firstLoadOfKeysThatOnlyLookLikeIntegers()
{
    // Text keys: the first load's own sums read a key as the triggers do ('007' and
    // '00000000000000000042' are integers to them, ' 5', '1e5', '-' and '--1' are not), so the
    // triggers' later deltas of the same keys cancel them exactly.
    const QString name = u"text keys"_s;
    const PairSpec spec = makeTablePair(name, u"text keys pair"_s, { u"id text PRIMARY KEY"_s, u"v integer"_s });
    sql(u"INSERT INTO %1 SELECT CAST(i AS text), i FROM generate_series(-150, 1500) AS i"_s.arg(src(name)));
    sql(u"INSERT INTO %1 VALUES ('007', 1), ('-0', 2), ('-', 3), ('1e5', 4), (' 5', 5), ('abc', 6),"
        " ('00000000000000000042', 8), ('9223372036854775807', 9), ('-9223372036854775808', 10), ('--1', 11)"_s
            .arg(src(name)));
    const RunResult full = run(spec, true);
    RUN_OK(full);
    QCOMPARE(full.totals.read, 1651 + 10);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    const QString blocks = u"SELECT sum(rows) FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%2'"_s.arg(q(kDst));
    // '007', '-0', '00000000000000000042' and both ends of int8; not '-', '1e5', ' 5', 'abc', '--1'
    QCOMPARE(scalar(blocks.arg(spec.pairId)), 1651 + 5);
    sql(u"DELETE FROM %1 WHERE id IN ('007', '00000000000000000042', 'abc', '-9223372036854775808')"_s.arg(src(name)));
    sql(u"UPDATE %1 SET v = -v WHERE id IN ('-0', '12', ' 5')"_s.arg(src(name)));
    const RunResult changed = run(spec);
    RUN_OK(changed);
    QCOMPARE(changed.totals.deleted, 4);
    QCOMPARE(changed.totals.updated, 3);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    QCOMPARE(scalar(blocks.arg(spec.pairId)), 1651 + 2);
}

void TestBlockHash::firstLoadUnderTheTriggerFunctionBefore()
{
    // A trigger function of the layout before (another version wrote it meanwhile) sums the
    // first load's rows itself: the load then adds no sums of its own (not twice). A
    // connector of this version replaces the function in place, and its first load sums itself.
    const PairSpec older = makePair(u"older function"_s, 7);
    RUN_OK(run(makePair(u"state tables"_s, 1000))); // the state tables exist
    replaceWithTriggerFunctionBefore();
    const QString skips = u"SELECT strpos(prosrc, 'current_setting') FROM pg_proc"
                          " WHERE oid = to_regproc('%1.tf_sync_state_blocks_w10_delta')"_s.arg(q(kDst));
    QCOMPARE(scalar(skips), 0);
    RUN_OK(run(older, true));
    QCOMPARE(blockMismatches(older.pairId), 0);
    QVERIFY(scalar(u"SELECT sum(rows) FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%2'"_s.arg(q(kDst), older.pairId)) > 0);

    reopenTarget();
    const PairSpec newer = makePair(u"newer function"_s, 5);
    RUN_OK(run(newer, true));
    QVERIFY(scalar(skips) > 0);
    QCOMPARE(blockMismatches(newer.pairId), 0);
    QCOMPARE(blockMismatches(older.pairId), 0);
    const RunResult hash = run(newer);
    RUN_OK(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
}

void TestBlockHash::oneChangedRowReadsOnlyItsSubBlock()
{
    // A change in one row of a block of kWidth keys: both servers sum that block's sub-blocks,
    // and only the sub-block holding the row is compared row by row (read counts its rows).
    const QString name = u"one row"_s;
    const PairSpec spec = makePair(name);
    RUN_OK(run(spec));
    sql(u"UPDATE %1 SET name = 'one' WHERE id = 4567"_s.arg(src(name)));
    const RunResult one = run(spec);
    RUN_OK(one);
    QCOMPARE(one.totals.updated, 1);
    QCOMPARE(one.totals.read, kSub);
    QCOMPARE(one.totals.unchanged, kRows - 1);
    QCOMPARE(differences(name), 0);
    // Two sub-blocks of one block (its first and its last): both, and nothing between.
    sql(u"UPDATE %1 SET flag = NOT flag WHERE id IN (4500, 4599)"_s.arg(src(name)));
    const RunResult ends = run(spec);
    RUN_OK(ends);
    QCOMPARE(ends.totals.updated, 2);
    QCOMPARE(ends.totals.read, 2 * kSub);
    // Two rows of one sub-block: its rows once.
    sql(u"UPDATE %1 SET amount = -amount WHERE id IN (4511, 4519)"_s.arg(src(name)));
    const RunResult same = run(spec);
    RUN_OK(same);
    QCOMPARE(same.totals.updated, 2);
    QCOMPARE(same.totals.read, kSub);
    QCOMPARE(differences(name), 0);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    QVERIFY(nothingToDo(spec));
}

void TestBlockHash::deleteAndInsertAtBlockBoundaries()
{
    // Even keys only: a sub-block of kSub keys holds kSub / 2 rows. Each step deletes the last
    // row before a boundary and inserts a key just after it.
    const QString name = u"boundaries"_s;
    const PairSpec spec = makePair(name, 2);
    RUN_OK(run(spec));
    struct Step
    {
        int deleted;
        int inserted;
        const char *where;
    };
    const Step steps[] = {
        { 98, 101, "between two blocks (sub-blocks 9 and 10)" },
        { 48, 51, "between two sub-blocks of one block (4 and 5)" },
        { -2, 1, "between negative and positive keys (sub-blocks -1 and 0)" },
        { -102, -99, "between two negative blocks (sub-blocks -11 and -10)" },
    };
    for (const Step &step : steps) {
        sql(u"DELETE FROM %1 WHERE id = %2"_s.arg(src(name)).arg(step.deleted));
        sql(u"INSERT INTO %1 VALUES (%2, 'new', 1, now(), true, now())"_s.arg(src(name)).arg(step.inserted));
        const RunResult result = run(spec);
        RUN_OK(result);
        QVERIFY2(result.totals.deleted == 1 && result.totals.inserted == 1 && result.totals.updated == 0, step.where);
        // The sub-block before the boundary has one row less, the one after one more.
        QVERIFY2(result.totals.read == kSub / 2 - 1 + kSub / 2 + 1, step.where);
        QVERIFY2(differences(name) == 0, step.where);
        QVERIFY2(blockMismatches(spec.pairId) == 0, step.where);
    }
    QVERIFY(nothingToDo(spec));
}

void TestBlockHash::blocksOfTheHundredKeyLayoutAreReplaced()
{
    // A state table of the layout before (blocks of 100 keys in tf_sync_state_blocks, with its
    // triggers and functions): a connector of this version drops them, sums the stored rows
    // into its own blocks of kSub keys, and the next hash run finds nothing to compare.
    const QString name = u"hundred"_s;
    const PairSpec spec = makePair(name);
    RUN_OK(run(spec, true));
    const QString schema = q(kDst);
    const QString state = schema + u".tf_sync_state"_s;
    dropStateBlocks();
    sql(u"CREATE TABLE %1.tf_sync_state_blocks (pair_id text, entity text, block int8, rows int8, hashed int8,"
        " a int8, b int8)"_s.arg(schema));
    sql(u"INSERT INTO %1.tf_sync_state_blocks VALUES ('%2', '%3', 0, 100, 100, 1, 2)"_s.arg(schema, spec.pairId, name));
    sql(u"CREATE FUNCTION %1.tf_sync_state_blocks_delta() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
        " INSERT INTO %1.tf_sync_state_blocks VALUES ('x', 'x', 0, 1, 1, 0, 0); RETURN NULL; END $f$"_s.arg(schema));
    sql(u"CREATE FUNCTION %1.tf_sync_state_blocks_truncate() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
        " RETURN NULL; END $f$"_s.arg(schema));
    for (const char *event : { "INSERT", "UPDATE", "DELETE" }) {
        sql(u"CREATE TRIGGER tf_sync_state_blocks_%1 AFTER %2 ON %3 FOR EACH STATEMENT EXECUTE FUNCTION"
            " %4.tf_sync_state_blocks_delta()"_s.arg(QString::fromLatin1(event).toLower(), QLatin1String(event),
                                                      state, schema));
    }
    sql(u"CREATE TRIGGER tf_sync_state_blocks_truncate AFTER TRUNCATE ON %1 FOR EACH STATEMENT EXECUTE FUNCTION"
        " %2.tf_sync_state_blocks_truncate()"_s.arg(state, schema));

    reopenTarget();
    const RunResult hash = run(spec);
    RUN_OK(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows);
    QCOMPARE(scalar(u"SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('%1') AND tgname IN"
                    " ('tf_sync_state_blocks_insert', 'tf_sync_state_blocks_update', 'tf_sync_state_blocks_delete',"
                    " 'tf_sync_state_blocks_truncate')"_s.arg(state)),
             0);
    QCOMPARE(scalar(u"SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('%1')"
                    " AND tgname LIKE 'tf_sync_state_blocks_w10_%'"_s.arg(state)),
             4);
    QCOMPARE(scalar(u"SELECT count(*) FROM pg_class WHERE oid = to_regclass('%1.tf_sync_state_blocks')"_s.arg(schema)), 0);
    QCOMPARE(scalar(u"SELECT count(*) FROM pg_proc WHERE oid IN (to_regproc('%1.tf_sync_state_blocks_delta'),"
                    " to_regproc('%1.tf_sync_state_blocks_truncate'))"_s.arg(schema)),
             0);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    sql(u"UPDATE %1 SET name = 'after the upgrade' WHERE id = 1234"_s.arg(src(name)));
    const RunResult changed = run(spec);
    RUN_OK(changed);
    QCOMPARE(changed.totals.read, kSub);
    QCOMPARE(changed.totals.updated, 1);
    QCOMPARE(differences(name), 0);
    QCOMPARE(blockMismatches(spec.pairId), 0);
}

void TestBlockHash::textAndCompositeKeysCompareRows()
{
    // Blocks need one integer key; a text key and a composite key (integer and text) compare
    // every row's hash instead, and find each change exactly.
    struct Case
    {
        QString name;
        QStringList key;
        QStringList columns;
        QString rows;
    };
    const QList<Case> cases {
        { u"text key"_s, { u"k"_s }, { u"k text"_s, u"v text"_s },
          u"SELECT 'key ' || i, 'value ' || i FROM generate_series(1, 300) AS i"_s },
        { u"composite key"_s, { u"a"_s, u"k"_s }, { u"a integer"_s, u"k text"_s, u"v text"_s },
          u"SELECT i % 7, 'key ' || i, 'value ' || i FROM generate_series(1, 300) AS i"_s },
    };
    for (const Case &c : cases) {
        PairSpec spec = makeTablePair(c.name, c.name + u" pair"_s, c.columns);
        spec.entities[0].sourceKey = c.key;
        spec.entities[0].targetKey = c.key;
        const QString keyList = c.key.join(u", "_s);
        sql(u"ALTER TABLE %1 ADD PRIMARY KEY (%2)"_s.arg(src(c.name), keyList));
        sql(u"ALTER TABLE %1 ADD PRIMARY KEY (%2)"_s.arg(dst(c.name), keyList));
        sql(u"INSERT INTO %1 %2"_s.arg(src(c.name), c.rows));
        RUN_OK(run(spec));
        sql(u"UPDATE %1 SET v = 'changed' WHERE k = 'key 5'"_s.arg(src(c.name)));
        sql(u"DELETE FROM %1 WHERE k = 'key 7'"_s.arg(src(c.name)));
        sql(u"INSERT INTO %1 %2"_s.arg(src(c.name), QString(c.rows).replace(u"(1, 300)"_s, u"(1000, 1000)"_s)));
        const RunResult result = run(spec);
        RUN_OK(result);
        QCOMPARE(result.totals.updated, 1);
        QCOMPARE(result.totals.inserted, 1);
        QCOMPARE(result.totals.deleted, 1);
        QCOMPARE(result.totals.read, 300); // every row's (key, hash)
        QStringList same;
        for (const QString &key : c.key)
            same << u"s.%1 = d.%1"_s.arg(key);
        QCOMPARE(scalar(u"SELECT count(*) FROM %1 AS s FULL JOIN %2 AS d ON %3 WHERE s.k IS NULL OR d.k IS NULL"
                        " OR s.v IS DISTINCT FROM d.v"_s.arg(src(c.name), dst(c.name), same.join(u" AND "_s))),
                 0);
        const RunResult again = run(spec);
        RUN_OK(again);
        QCOMPARE(again.totals.writes(), 0);
    }
}

QTEST_GUILESS_MAIN(TestBlockHash)
#include "tst_blockhash.moc"
