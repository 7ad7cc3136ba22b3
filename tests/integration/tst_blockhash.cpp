// Hash mode by blocks against real PostgreSQL: the fixture and the runs over one layout (no
// change, changes in their blocks, keys past the last block, --full then hash, state out of
// step, cursor reconciliation). tst_blockhash_layouts.cpp: values, first loads, layouts before.
#include "tst_blockhash.h"

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

void TestBlockHash::noChangeRunReadsNoRows()
{
    const PairSpec spec = makePair(u"nochange"_s);
    const RunResult first = run(spec); // no state yet: every key staged, every row inserted
    TF_VERIFY_RUN_COMPLETED(first);
    QCOMPARE(first.totals.inserted, kRows);
    QCOMPARE(differences(u"nochange"_s), 0);
    const RunResult second = run(spec);
    TF_VERIFY_RUN_COMPLETED(second);
    QCOMPARE(second.totals.read, 0);
    QCOMPARE(second.totals.writes(), 0);
    QCOMPARE(second.totals.unchanged, kRows);
    QCOMPARE(second.maxRowsHeld, 0);
}

void TestBlockHash::changedRowsAreFoundInTheirBlocks()
{
    const QString name = u"changed"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    // Blocks -2 (keys -200..-101), -1 (-100..-1), 0 and 123 (12300..12399).
    sql(u"UPDATE %1 SET amount = amount + 0.01 WHERE id IN (-101, -1, 0)"_s.arg(src(name)));
    sql(u"UPDATE %1 SET at = at + interval '1 microsecond' WHERE id = 12345"_s.arg(src(name)));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(result.totals.updated, 4);
    QCOMPARE(result.totals.inserted + result.totals.deleted, 0);
    QCOMPARE(result.totals.read, 4 * kSub); // the rows of the four sub-blocks, no more
    QCOMPARE(result.totals.unchanged, kRows - 4);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

void TestBlockHash::insertAndDeleteInDifferentBlocks()
{
    const QString name = u"gaps"_s;
    const PairSpec spec = makePair(name, 2); // even keys only (-250 is even)
    TF_VERIFY_RUN_COMPLETED(run(spec));
    sql(u"DELETE FROM %1 WHERE id = 500"_s.arg(src(name))); // block 5, sub-block 50
    sql(u"INSERT INTO %1 VALUES (7001, 'new', 1, now(), true, now())"_s.arg(src(name))); // block 70, sub-block 700
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(result.totals.inserted, 1);
    QCOMPARE(result.totals.deleted, 1);
    QCOMPARE(result.totals.updated, 0);
    QCOMPARE(result.totals.read, kSub / 2 - 1 + kSub / 2 + 1); // both sub-blocks' source rows
    QCOMPARE(differences(name), 0);
    QCOMPARE(scalar(u"SELECT count(*) FROM %1 WHERE id IN (500, 7001)"_s.arg(dst(name))), 1);
    // A whole block gone at the source: known only from the state's sums.
    sql(u"DELETE FROM %1 WHERE id >= 1000 AND id < 1100"_s.arg(src(name)));
    const RunResult emptied = run(spec);
    TF_VERIFY_RUN_COMPLETED(emptied);
    QCOMPARE(emptied.totals.deleted, kWidth / 2);
    QCOMPARE(emptied.totals.read, 0);
    QCOMPARE(differences(name), 0);
}

void TestBlockHash::keyBeyondTheLastBlock()
{
    const QString name = u"beyond"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    sql(u"INSERT INTO %1 VALUES (9223372036854775807, 'last', 2, now(), false, now()),"
        " (-9223372036854775808, 'first', 3, now(), true, now())"_s.arg(src(name)));
    const RunResult result = run(spec);
    TF_VERIFY_RUN_COMPLETED(result);
    QCOMPARE(result.totals.inserted, 2);
    QCOMPARE(result.totals.read, 2);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.unchanged, kRows + 2);
}

void TestBlockHash::fullThenHashIsANoChangeRun()
{
    const QString name = u"full first"_s;
    const PairSpec spec = makePair(name);
    const RunResult full = run(spec, true);
    TF_VERIFY_RUN_COMPLETED(full);
    QCOMPARE(full.totals.read, kRows);
    // The full run stored the source's own hash of every row: nothing to compare row by row.
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
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
    TF_VERIFY_RUN_COMPLETED(run(spec));
    const QString state = q(kDst) + u".tf_sync_state"_s;
    const QString where = u"pair_id = '%1' AND entity = '%2'"_s.arg(spec.pairId, name);
    sql(u"DELETE FROM %1 WHERE %2 AND source_key = '300'"_s.arg(state, where));
    sql(u"UPDATE %1 SET hash = md5('older kind') WHERE %2 AND source_key = '4000'"_s.arg(state, where));
    sql(u"UPDATE %1 SET name = 'tampered' WHERE id = 4000"_s.arg(dst(name)));
    sql(u"UPDATE %1 SET flag = NOT flag WHERE id = 9000"_s.arg(src(name)));
    const RunResult repaired = run(spec);
    TF_VERIFY_RUN_COMPLETED(repaired);
    QCOMPARE(repaired.totals.read, 3 * kSub);
    QCOMPARE(repaired.totals.inserted + repaired.totals.updated, 3);
    QCOMPARE(differences(name), 0);
    // The source changed back after a run wrote its state: the block's sum is the one of an
    // earlier run again, and the state's is not.
    sql(u"UPDATE %1 SET flag = NOT flag WHERE id = 9000"_s.arg(src(name)));
    const RunResult back = run(spec);
    TF_VERIFY_RUN_COMPLETED(back);
    QCOMPARE(back.totals.read, kSub);
    QCOMPARE(back.totals.updated, 1);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
    QCOMPARE(again.totals.read, 0);
    QCOMPARE(again.totals.writes(), 0);
}

void TestBlockHash::cursorReconciliationStoresTheSameHashes()
{
    // Cursor runs and their key reconciliation store the source's hashes too: a hash run
    // after them has nothing to compare, and the reconciliation itself goes by blocks.
    const QString name = u"cursor"_s;
    PairSpec spec = makePair(name, 1, ChangeMode::Cursor);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    sql(u"UPDATE %1 SET name = 'moved', modified = now() WHERE id = 777"_s.arg(src(name)));
    sql(u"DELETE FROM %1 WHERE id = 15000"_s.arg(src(name))); // found by the reconciliation only
    const RunResult cursor = run(spec);
    TF_VERIFY_RUN_COMPLETED(cursor);
    QCOMPARE(cursor.totals.deleted, 1);
    QCOMPARE(differences(name), 0);
    spec.entities[0].mode = ChangeMode::Hash;
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows - 1);
}

QTEST_GUILESS_MAIN(TestBlockHash)
