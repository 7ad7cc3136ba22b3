// Hash mode by blocks against real PostgreSQL (tst_blockhash.h): exact value comparison, first
// loads summing their own blocks, the layouts before upgraded or replaced in place, sub-blocks,
// block boundaries, text and composite keys.
#include "sync/connectors/postgresstatetables.h"
#include "tst_blockhash.h"

#include <QSqlError>
#include <QSqlQuery>

void TestBlockHash::stateOfTheLayoutBeforeIsUpgradedInPlace()
{
    // State written before tf_sync_state_blocks existed (only tf_sync_state and its
    // checkpoints): the next connector sums it once and the next hash run compares blocks.
    const QString name = u"upgraded"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec, true));
    dropStateBlocks();
    reopenTarget();
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    QCOMPARE(hash.totals.unchanged, kRows);
    const QString blocks = u"SELECT %2 FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%3'"_s.arg(q(kDst));
    QCOMPARE(scalar(blocks.arg(u"sum(rows)"_s, spec.pairId)), kRows);
    QCOMPARE(scalar(blocks.arg(u"count(DISTINCT block)"_s, spec.pairId)), kRows / kSub); // -25 .. 1974
    // The triggers keep the upgraded sums: a change is found in its block, then nothing.
    sql(u"UPDATE %1 SET name = 'after the upgrade' WHERE id = 1234"_s.arg(src(name)));
    const RunResult changed = run(spec);
    TF_VERIFY_RUN_COMPLETED(changed);
    QCOMPARE(changed.totals.read, kSub);
    QCOMPARE(changed.totals.updated, 1);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
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
    TF_VERIFY_RUN_COMPLETED(run(spec));
    TF_VERIFY_RUN_COMPLETED(run(spec));
    sql(u"UPDATE %1 SET d = CAST('-0' AS double precision) WHERE id = 110"_s.arg(src(name)));
    sql(u"UPDATE %1 SET n = 1.00 WHERE id = 210"_s.arg(src(name)));
    sql(u"UPDATE %1 SET t = NULL WHERE id = 410"_s.arg(src(name)));
    sql(u"UPDATE %1 SET n = 2 WHERE id = 610"_s.arg(src(name)));
    const RunResult changed = run(spec);
    TF_VERIFY_RUN_COMPLETED(changed);
    QCOMPARE(changed.totals.updated, 3); // 110, 410 and 610; not 210
    QCOMPARE(changed.totals.read, 3 * kSub);
    // (How the target holds -0 and 1.00 is the write path's: this is about finding them.)
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
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
    TF_VERIFY_RUN_COMPLETED(full);
    const QString blocks = u"SELECT %2 FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%3'"_s.arg(q(kDst));
    QCOMPARE(scalar(blocks.arg(u"sum(rows)"_s, spec.pairId)), full.totals.read);
    QCOMPARE(scalar(blocks.arg(u"count(*)"_s, spec.pairId)), scalar(blocks.arg(u"count(DISTINCT block)"_s, spec.pairId)));
    QCOMPARE(blockMismatches(spec.pairId), 0);
    const RunResult hash = run(spec);
    TF_VERIFY_RUN_COMPLETED(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
    sql(u"UPDATE %1 SET name = 'changed' WHERE id = 2000"_s.arg(src(name)));
    sql(u"DELETE FROM %1 WHERE id = 5000"_s.arg(src(name)));
    sql(u"INSERT INTO %1 VALUES (5001, 'new', 1, now(), true, now())"_s.arg(src(name)));
    const RunResult changed = run(spec);
    TF_VERIFY_RUN_COMPLETED(changed);
    QCOMPARE(changed.totals.updated, 1);
    QCOMPARE(changed.totals.inserted, 1);
    QCOMPARE(changed.totals.deleted, 1);
    QCOMPARE(differences(name), 0);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    // A second --full over existing state goes through the merge (and the triggers).
    sql(u"UPDATE %1 SET amount = amount + 1 WHERE id % 500 = 1"_s.arg(src(name)));
    TF_VERIFY_RUN_COMPLETED(run(spec, true));
    QCOMPARE(blockMismatches(spec.pairId), 0);
    QCOMPARE(differences(name), 0);
    const RunResult again = run(spec);
    TF_VERIFY_RUN_COMPLETED(again);
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
    TF_VERIFY_RUN_COMPLETED(full);
    QCOMPARE(full.totals.read, 1651 + 10);
    QCOMPARE(blockMismatches(spec.pairId), 0);
    const QString blocks = u"SELECT sum(rows) FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%2'"_s.arg(q(kDst));
    // '007', '-0', '00000000000000000042' and both ends of int8; not '-', '1e5', ' 5', 'abc', '--1'
    QCOMPARE(scalar(blocks.arg(spec.pairId)), 1651 + 5);
    sql(u"DELETE FROM %1 WHERE id IN ('007', '00000000000000000042', 'abc', '-9223372036854775808')"_s.arg(src(name)));
    sql(u"UPDATE %1 SET v = -v WHERE id IN ('-0', '12', ' 5')"_s.arg(src(name)));
    const RunResult changed = run(spec);
    TF_VERIFY_RUN_COMPLETED(changed);
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
    TF_VERIFY_RUN_COMPLETED(run(makePair(u"state tables"_s, 1000))); // the state tables exist
    replaceWithTriggerFunctionBefore();
    const QString skips = u"SELECT strpos(prosrc, 'current_setting') FROM pg_proc"
                          " WHERE oid = to_regproc('%1.tf_sync_state_blocks_w10_delta')"_s.arg(q(kDst));
    QCOMPARE(scalar(skips), 0);
    TF_VERIFY_RUN_COMPLETED(run(older, true));
    QCOMPARE(blockMismatches(older.pairId), 0);
    QVERIFY(scalar(u"SELECT sum(rows) FROM %1.tf_sync_state_blocks_w10 WHERE pair_id = '%2'"_s.arg(q(kDst), older.pairId)) > 0);

    reopenTarget();
    const PairSpec newer = makePair(u"newer function"_s, 5);
    TF_VERIFY_RUN_COMPLETED(run(newer, true));
    QVERIFY(scalar(skips) > 0);
    QCOMPARE(blockMismatches(newer.pairId), 0);
    QCOMPARE(blockMismatches(older.pairId), 0);
    const RunResult hash = run(newer);
    TF_VERIFY_RUN_COMPLETED(hash);
    QCOMPARE(hash.totals.read, 0);
    QCOMPARE(hash.totals.writes(), 0);
}

void TestBlockHash::oneChangedRowReadsOnlyItsSubBlock()
{
    // A change in one row of a block of kWidth keys: both servers sum that block's sub-blocks,
    // and only the sub-block holding the row is compared row by row (read counts its rows).
    const QString name = u"one row"_s;
    const PairSpec spec = makePair(name);
    TF_VERIFY_RUN_COMPLETED(run(spec));
    sql(u"UPDATE %1 SET name = 'one' WHERE id = 4567"_s.arg(src(name)));
    const RunResult one = run(spec);
    TF_VERIFY_RUN_COMPLETED(one);
    QCOMPARE(one.totals.updated, 1);
    QCOMPARE(one.totals.read, kSub);
    QCOMPARE(one.totals.unchanged, kRows - 1);
    QCOMPARE(differences(name), 0);
    // Two sub-blocks of one block (its first and its last): both, and nothing between.
    sql(u"UPDATE %1 SET flag = NOT flag WHERE id IN (4500, 4599)"_s.arg(src(name)));
    const RunResult ends = run(spec);
    TF_VERIFY_RUN_COMPLETED(ends);
    QCOMPARE(ends.totals.updated, 2);
    QCOMPARE(ends.totals.read, 2 * kSub);
    // Two rows of one sub-block: its rows once.
    sql(u"UPDATE %1 SET amount = -amount WHERE id IN (4511, 4519)"_s.arg(src(name)));
    const RunResult same = run(spec);
    TF_VERIFY_RUN_COMPLETED(same);
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
    TF_VERIFY_RUN_COMPLETED(run(spec));
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
        TF_VERIFY_RUN_COMPLETED(result);
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
    TF_VERIFY_RUN_COMPLETED(run(spec, true));
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
    TF_VERIFY_RUN_COMPLETED(hash);
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
    TF_VERIFY_RUN_COMPLETED(changed);
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
        TF_VERIFY_RUN_COMPLETED(run(spec));
        sql(u"UPDATE %1 SET v = 'changed' WHERE k = 'key 5'"_s.arg(src(c.name)));
        sql(u"DELETE FROM %1 WHERE k = 'key 7'"_s.arg(src(c.name)));
        sql(u"INSERT INTO %1 %2"_s.arg(src(c.name), QString(c.rows).replace(u"(1, 300)"_s, u"(1000, 1000)"_s)));
        const RunResult result = run(spec);
        TF_VERIFY_RUN_COMPLETED(result);
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
        TF_VERIFY_RUN_COMPLETED(again);
        QCOMPARE(again.totals.writes(), 0);
    }
}

void TestBlockHash::stateKeyOfTheLayoutBeforeIsReplaced()
{
    // State tables of the layouts before: PRIMARY KEY (pair_id, entity, source_key), then the
    // unique key ordered by length (tf_sync_state_key). The next connector adds the scoped key
    // (tf_sync_state_scoped_key) and drops the one before; the stored rows stay, runs find
    // changes, deletes and inserts through the new key, and a key is still stored once.
    const QString schema = q(kDst);
    const QString state = schema + u".tf_sync_state"_s;
    const struct
    {
        QString name;
        QString before;
    } layouts[] = {
        { u"pkeylayout"_s, u"ALTER TABLE %1 ADD PRIMARY KEY (pair_id, entity, source_key)"_s },
        { u"lengthlayout"_s,
          u"CREATE UNIQUE INDEX tf_sync_state_key ON %1 (pair_id, entity, length(source_key), source_key)"_s },
    };
    const auto count = [&](const QString &index) {
        return scalar(u"SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('%1.%2')"
                      " AND indisunique AND indrelid = to_regclass('%3')"_s.arg(schema, index, state));
    };
    for (const auto &layout : layouts) {
        const QString &name = layout.name;
        const PairSpec spec = makePair(name);
        TF_VERIFY_RUN_COMPLETED(run(spec, true));
        QCOMPARE(scalar(u"SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass('%1') AND contype = 'p'"_s.arg(state)), 0);
        QCOMPARE(count(u"tf_sync_state_scoped_key"_s), 1);
        sql(u"DROP INDEX %1.tf_sync_state_scoped_key"_s.arg(schema));
        sql(layout.before.arg(state));

        reopenTarget();
        const RunResult hash = run(spec);
        TF_VERIFY_RUN_COMPLETED(hash);
        QCOMPARE(hash.totals.writes(), 0);
        QCOMPARE(hash.totals.unchanged, kRows);
        QCOMPARE(scalar(u"SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass('%1') AND contype = 'p'"_s.arg(state)), 0);
        QCOMPARE(count(u"tf_sync_state_scoped_key"_s), 1);
        QCOMPARE(count(u"tf_sync_state_key"_s), 0);
        QCOMPARE(scalar(u"SELECT count(*) FROM %1 WHERE pair_id = '%2'"_s.arg(state, spec.pairId)), kRows);

        sql(u"UPDATE %1 SET name = 'under the new key' WHERE id = 1234"_s.arg(src(name)));
        sql(u"DELETE FROM %1 WHERE id IN (9, 10, 99, 100, 101)"_s.arg(src(name)));
        sql(u"INSERT INTO %1 (id, name, modified) VALUES (100000, 'past every key', now())"_s.arg(src(name)));
        const RunResult changed = run(spec);
        TF_VERIFY_RUN_COMPLETED(changed);
        QCOMPARE(changed.totals.updated, 1);
        QCOMPARE(changed.totals.deleted, 5);
        QCOMPARE(changed.totals.inserted, 1);
        QCOMPARE(differences(name), 0);
        QCOMPARE(blockMismatches(spec.pairId), 0);
        QCOMPARE(scalar(u"SELECT count(*) FROM %1 WHERE pair_id = '%2' AND source_key IN ('9', '10', '99', '100', '101')"_s
                            .arg(state, spec.pairId)),
                 0);
        QVERIFY_THROWS_EXCEPTION(tf::Error, sql(u"INSERT INTO %1 SELECT * FROM %1 WHERE pair_id = '%2' AND source_key = '1234'"_s
                                                    .arg(state, spec.pairId)));
        const RunResult again = run(spec);
        TF_VERIFY_RUN_COMPLETED(again);
        QCOMPARE(again.totals.writes(), 0);
    }

    // Lookups by key and by pair go through the scoped key: the statements' scope expression
    // is the index's own (a different collation or spelling would leave it unused).
    sql(u"ANALYZE %1"_s.arg(state));
    const auto plan = [&](const QString &statement) {
        QString text;
        QSqlQuery query(m_admin->connection());
        if (!query.exec(u"EXPLAIN "_s + statement))
            return query.lastError().text();
        while (query.next())
            text += query.value(0).toString() + u"\n"_s;
        return text;
    };
    const QString scope = tf::sync::pg::stateScopeIs(u"s"_s, u"'blocks-pkeylayout'"_s, u"'t'"_s);
    const QString byKeys = plan(u"SELECT s.hash FROM %1 JOIN %2 AS s ON %3 AND %4"_s.arg(
        tf::sync::pg::stateKeysFrom(u"'{1,22,333}'"_s), state, scope, tf::sync::pg::stateKeyMatches()));
    QVERIFY2(byKeys.contains(u"tf_sync_state_scoped_key"_s), qPrintable(byKeys));
    sql(u"SET enable_seqscan = off"_s);
    const QString byPair = plan(u"SELECT 1 FROM %1 AS s WHERE %2 LIMIT 1"_s.arg(state, scope));
    sql(u"SET enable_seqscan = on"_s);
    QVERIFY2(byPair.contains(u"tf_sync_state_scoped_key"_s), qPrintable(byPair));
}
