// Writing into MySQL/MariaDB, and the type matrix through the engine with MariaDB as source and
// as target (MariaDB -> PostgreSQL -> MariaDB, and MariaDB -> MariaDB, in every mode).
#include "tst_mysqlconnector.h"

#include "core/errors.h"
#include "sync/connectors/postgresconnector.h"

namespace {

ChangeBatch batchFor(MysqlConnector &connector, const QString &entity, const QList<Row> &rows)
{
    ChangeBatch batch;
    batch.pairId = u"writes"_s;
    batch.entity = entity;
    const EntityDescription d = connector.describe(entity);
    batch.keyColumns = d.keyColumns;
    batch.schema = std::make_shared<const Schema>(d.schema);
    batch.upserts = rows;
    return batch;
}

} // namespace

RunResult TestMysqlConnector::run(SourceConnector &source, TargetConnector &target, const PairSpec &spec)
{
    SyncRunner runner(spec, source, target, *m_quarantine, DetachedStateStore {});
    return runner.run(RunOptions {});
}

void TestMysqlConnector::postgres(const QString &sql)
{
    m_pg->execDirect(sql, "test setup");
}

void TestMysqlConnector::applyCountsInsertsUpdatesAndUnchanged()
{
    my(u"CREATE TABLE w_counts (id INT PRIMARY KEY, name VARCHAR(20), amount DECIMAL(10,2))"_s);
    WriteCounts counts;
    ChangeBatch first = batchFor(*m_connector, u"w_counts"_s,
                                 { { 1LL, u"one"_s, u"1.5"_s }, { 2LL, u"two"_s, u"2"_s }, { 3LL, u"three"_s, QVariant() } });
    first.counts = &counts;
    QVERIFY(m_connector->isEmpty(u"w_counts"_s));
    first.intoEmpty = true;
    m_connector->apply(first);
    QCOMPARE(counts.inserted, 3);
    QVERIFY(!m_connector->isEmpty(u"w_counts"_s));

    // Unchanged (affected 0), updated (2), inserted (1); a key twice in one batch: the last wins.
    ChangeBatch second = batchFor(*m_connector, u"w_counts"_s,
                                  { { 1LL, u"one"_s, u"1.50"_s }, { 2LL, u"TWO"_s, u"2"_s }, { 4LL, u"four"_s, u"4"_s },
                                    { 4LL, u"four again"_s, u"4.25"_s }, { 3LL, u"three"_s, QVariant() } });
    counts = {};
    second.counts = &counts;
    m_connector->apply(second);
    QCOMPARE(counts.inserted, 1);
    QCOMPARE(counts.updated, 1);
    QCOMPARE(counts.unchanged, 2);
    QCOMPARE(myValue(u"SELECT GROUP_CONCAT(CONCAT(id, '=', name, '/', IFNULL(amount, 'NULL')) ORDER BY id) FROM w_counts"_s).toString(),
             u"1=one/1.50,2=TWO/2.00,3=three/NULL,4=four again/4.25"_s);
    // Applying the same batch again changes nothing.
    counts = {};
    m_connector->apply(second);
    QCOMPARE(counts.unchanged, 4);
    QCOMPARE(counts.inserted + counts.updated, 0);

    // Into a table said to be empty, a key already there fails the batch.
    ChangeBatch again = batchFor(*m_connector, u"w_counts"_s, { { 1LL, u"x"_s, u"1"_s } });
    again.intoEmpty = true;
    QVERIFY_THROWS_EXCEPTION(tf::Error, m_connector->apply(again));
}

void TestMysqlConnector::deletesAndStateCommitWithTheRows()
{
    my(u"CREATE TABLE w_deletes (k1 DECIMAL(40,20), k2 VARCHAR(10), v INT, PRIMARY KEY (k1, k2))"_s);
    my(u"INSERT INTO w_deletes VALUES (12345678901234567890.00000000000000000001, 'a', 1), "
       "(12345678901234567890.00000000000000000002, 'a', 2), (1, 'b', 3)"_s);
    ChangeBatch batch = batchFor(*m_connector, u"w_deletes"_s, { { u"5"_s, u"e"_s, 5LL } });
    batch.deletes = { { u"12345678901234567890.00000000000000000001"_s, u"a"_s }, { u"1"_s, u"b"_s }, { u"7"_s, u"gone"_s } };
    batch.stateEntity = u"source_entity"_s;
    batch.stateUpserts = { StateEntry { u"s5"_s, "hash5", u"t5"_s }, StateEntry { u"S5"_s, "hashS5", u"tS5"_s } };
    batch.stateDeletes = { u"s1"_s };
    batch.checkpoint = Checkpoint { TimeValue::parse(u"2024-05-01T10:00:00.000001"_s, TimeValue::Kind::Timestamp).toVariant(),
                                    { 42LL, u"k"_s } };
    m_connector->apply(batch);
    QCOMPARE(myValue(u"SELECT GROUP_CONCAT(v ORDER BY v) FROM w_deletes"_s).toString(), u"2,5"_s);
    StateStore &state = m_connector->stateStore();
    QCOMPARE(state.count(u"writes"_s, u"source_entity"_s), 2); // keys differing in case are two keys
    const std::optional<Checkpoint> checkpoint = state.checkpoint(u"writes"_s, u"source_entity"_s);
    QVERIFY(checkpoint);
    QCOMPARE(TimeValue::fromVariant(checkpoint->cursor).toString(), u"2024-05-01T10:00:00.000001"_s);
    QCOMPARE(checkpoint->key, (KeyValues { 42LL, u"k"_s }));
}

void TestMysqlConnector::failedBatchKeepsNothing()
{
    my(u"CREATE TABLE w_fail (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)"_s);
    my(u"INSERT INTO w_fail VALUES (1, 'kept')"_s);
    ChangeBatch batch = batchFor(*m_connector, u"w_fail"_s, { { 2LL, u"fine"_s }, { 3LL, QVariant() } });
    batch.deletes = { { 1LL } };
    batch.pairId = u"failing"_s;
    batch.stateUpserts = { StateEntry { u"2"_s, "h2", u"2"_s } };
    try {
        m_connector->apply(batch);
        QFAIL("a NULL into a NOT NULL column was written");
    } catch (const tf::Error &error) {
        QVERIFY2(error.message().contains(u"name"_s), qPrintable(error.message()));
    }
    QCOMPARE(myValue(u"SELECT GROUP_CONCAT(CONCAT(id, name)) FROM w_fail"_s).toString(), u"1kept"_s);
    QCOMPARE(m_connector->stateStore().count(u"failing"_s, u"w_fail"_s), 0);
}

void TestMysqlConnector::valuesMysqlCannotHoldAreNamed()
{
    my(u"CREATE TABLE w_limits (id INT PRIMARY KEY, amount DECIMAL(5,2), code VARCHAR(3), x DOUBLE, f FLOAT, "
       "ts TIMESTAMP NULL, dt DATETIME, small TINYINT, u INT UNSIGNED, bin VARBINARY(2))"_s);
    const EntityDescription d = m_connector->describe(u"w_limits"_s);
    const auto reasons = [&](const Row &row) {
        QHash<QString, QString> byColumn;
        for (const FieldError &error : m_connector->unrepresentable(u"w_limits"_s, d.schema, row))
            byColumn.insert(error.field, error.rule + u": "_s + error.message);
        return byColumn;
    };
    const QHash<QString, QString> bad = reasons(
        { 1LL, u"1.234"_s, u"abcd"_s, std::nan(""), 0.1, TimeValue::parse(u"1960-01-01T00:00:00"_s, TimeValue::Kind::TimestampTz).toVariant(),
          TimeValue::parse(u"2024-01-01T00:00:00.5"_s, TimeValue::Kind::Timestamp).toVariant(), 300LL, -1LL, QByteArray("abc") });
    QCOMPARE(bad.size(), 9);
    for (const QString &reason : bad)
        QVERIFY2(reason.startsWith(u"target_type: "_s), qPrintable(reason));
    QVERIFY2(bad.value(u"amount"_s).contains(u"rounded"_s), qPrintable(bad.value(u"amount"_s)));
    QVERIFY2(bad.value(u"code"_s).contains(u"varchar(3)"_s), qPrintable(bad.value(u"code"_s)));
    QVERIFY2(bad.value(u"x"_s).contains(u"NaN"_s), qPrintable(bad.value(u"x"_s)));
    QVERIFY2(bad.value(u"f"_s).contains(u"FLOAT"_s), qPrintable(bad.value(u"f"_s)));
    QVERIFY2(bad.value(u"ts"_s).contains(u"TIMESTAMP"_s), qPrintable(bad.value(u"ts"_s)));
    QVERIFY2(bad.value(u"dt"_s).contains(u"rounded"_s), qPrintable(bad.value(u"dt"_s)));
    QVERIFY2(bad.value(u"small"_s).contains(u"tinyint"_s), qPrintable(bad.value(u"small"_s)));
    QVERIFY(bad.contains(u"u"_s) && bad.contains(u"bin"_s));
    const QHash<QString, QString> good = reasons(
        { 1LL, u"-999.99"_s, u"a😀c"_s, 0.0, 0.5, TimeValue::parse(u"2038-01-19T03:14:07"_s, TimeValue::Kind::TimestampTz).toVariant(),
          TimeValue::parse(u"9999-12-31T23:59:59"_s, TimeValue::Kind::Timestamp).toVariant(), -128LL, 4294967295LL, QByteArray("ab") });
    QVERIFY2(good.isEmpty(), qPrintable(QStringList(good.values()).join(u"; "_s)));
    my(u"CREATE TABLE w_uuid (id INT PRIMARY KEY, u UUID)"_s);
    const Schema uuidSchema = m_connector->describe(u"w_uuid"_s).schema;
    const QList<FieldError> refused = m_connector->unrepresentable(u"w_uuid"_s, uuidSchema, { 1LL, u"02522a2b-2726-fb0a-03bb-19f2d8d9524d"_s });
    QCOMPARE(refused.size(), 1);
    QVERIFY2(refused.first().message.contains(u"CHAR(36)"_s), qPrintable(refused.first().message));
    QVERIFY(m_connector->unrepresentable(u"w_uuid"_s, uuidSchema, { 1LL, u"02522a2b-2726-fb0a-83bb-19f2d8d9524d"_s }).isEmpty());
    Row minusZero { 2LL, QVariant(), QVariant(), -0.0, QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant() };
    QVERIFY2(reasons(minusZero).value(u"x"_s).contains(u"sign"_s), qPrintable(reasons(minusZero).value(u"x"_s)));
}

void TestMysqlConnector::stateStoreDiffsAndCheckpoints()
{
    StateStore &state = m_connector->stateStore();
    ChangeBatch seed;
    seed.pairId = u"diff"_s;
    seed.entity = u"e"_s;
    seed.stateUpserts = { StateEntry { u"same"_s, "h1", u"t1"_s }, StateEntry { u"changed"_s, "h2", u"t2"_s },
                          StateEntry { u"gone"_s, "h3", u"t3"_s } };
    m_connector->apply(seed);
    state.beginStaging(u"diff"_s, u"e"_s);
    state.stage({ { u"same"_s, "h1" }, { u"changed"_s, "h2b" }, { u"new"_s, "h4" }, { u"SAME"_s, "h1" } });
    QList<StateStore::KeyChange> changes;
    state.diff(2, [&](const QList<StateStore::KeyChange> &batch) {
        changes << batch;
        return true;
    });
    state.endStaging();
    QHash<QString, int> kinds;
    for (const auto &change : changes)
        kinds.insert(change.sourceKey, int(change.kind));
    QCOMPARE(kinds.size(), 4);
    QCOMPARE(kinds.value(u"changed"_s), int(StateStore::ChangeKind::Update));
    QCOMPARE(kinds.value(u"new"_s), int(StateStore::ChangeKind::Insert));
    QCOMPARE(kinds.value(u"SAME"_s), int(StateStore::ChangeKind::Insert));
    QCOMPARE(kinds.value(u"gone"_s), int(StateStore::ChangeKind::Delete));
    // A key staged twice is an error naming the entity.
    state.beginStaging(u"diff"_s, u"e"_s);
    try {
        state.stage({ { u"twice"_s, "a" }, { u"twice"_s, "b" } });
        QFAIL("a key staged twice was accepted");
    } catch (const tf::Error &error) {
        QVERIFY2(error.message().contains(u"same source key twice"_s), qPrintable(error.message()));
    }
    state.endStaging();
    state.saveCheckpoint(u"diff"_s, u"e"_s, Checkpoint { QVariant(), { u"12.5"_s } });
    QVERIFY(!state.checkpoint(u"diff"_s, u"e"_s)->cursor.isValid());
    state.clear(u"diff"_s, u"e"_s);
    QCOMPARE(state.count(u"diff"_s, u"e"_s), 0);
    QVERIFY(!state.checkpoint(u"diff"_s, u"e"_s));
}

const QString kMatrixColumns = u"(name VARCHAR(60) COLLATE utf8mb4_bin, at DATETIME(6), amount DECIMAL(65,30), "
                                "big DECIMAL(65,0), dt DATETIME(6), ts TIMESTAMP(6) NULL, d DATE, x DOUBLE, f FLOAT, n BIGINT, "
                                "small TINYINT, flag TINYINT(1), u BIGINT UNSIGNED, b BIT(8), txt TEXT, bin BLOB, j LONGTEXT, "
                                "e ENUM('a','b'), y YEAR, updated_at DATETIME(6) NOT NULL, PRIMARY KEY (name, at, amount))"_s;

namespace {

const QString kPgColumns = u"(name text, \"at\" timestamp, amount numeric, big numeric, dt timestamp, ts timestamptz, d date, "
                            "x float8, f float8, n int8, small int2, flag int2, u numeric, b int8, txt text, bin bytea, j text, "
                            "e text, y int4, updated_at timestamp NOT NULL, PRIMARY KEY (name, \"at\", amount))"_s;
} // namespace

const QStringList kMatrixNames { u"name"_s, u"at"_s, u"amount"_s, u"big"_s, u"dt"_s, u"ts"_s, u"d"_s, u"x"_s, u"f"_s, u"n"_s,
                                 u"small"_s, u"flag"_s, u"u"_s, u"b"_s, u"txt"_s, u"bin"_s, u"j"_s, u"e"_s, u"y"_s,
                                 u"updated_at"_s };
const QString kMatrixRows = u"('max digits', '2024-03-10 08:30:00.123456', 0.000000000000000000000000000001, "
                             "99999999999999999999999999999999999999999999999999999999999999999, '2024-03-10 08:30:00.654321', "
                             "'2024-03-10 08:30:00.000001', '2024-03-10', 0.1, 0.1, 1, 1, 1, 1, 1, 'x', NULL, NULL, 'a', 2024, "
                             "'2024-01-01 00:00:00.000001'), "
                             "('extremes', '9999-12-31 23:59:59.999999', -99999999999999999999999999999999999.999999999999999999999999999999, "
                             "-99999999999999999999999999999999999999999999999999999999999999999, '1000-01-01 00:00:00', "
                             "'2038-01-19 03:14:07.999999', '1000-01-01', 1.7976931348623157e308, 3.4028234e38, -9223372036854775808, "
                             "-128, 0, 18446744073709551615, 255, NULL, NULL, NULL, 'b', 2155, '2024-01-01 00:00:00.000002'), "
                             "('tiny doubles', '2000-01-01 00:00:00.000003', 3, NULL, NULL, '1970-01-01 00:00:01', NULL, 4.9e-324, 1e-45, "
                             "NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, 1901, '2024-01-01 00:00:00.000003'), "
                             "('emoji and control 😀', '2000-01-01 00:00:00.000004', 4, NULL, NULL, NULL, NULL, -2.5e-5, NULL, NULL, NULL, "
                             "NULL, NULL, NULL, 'tab\\t nl\\n cr\\r back\\\\ \"q\" 😀 é', UNHEX('000102FEFF'), "
                             "'{\"a\": [1.50, 2e10, 12345678901234567890123]}', NULL, NULL, '2024-01-01 00:00:00.000004'), "
                             "('empty, not NULL', '2000-01-01 00:00:00.000005', 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                             "NULL, NULL, NULL, '', '', '', NULL, NULL, '2024-01-01 00:00:00.000005'), "
                             "('Case', '2000-01-01 00:00:00.000006', -0.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                             "NULL, 'upper', NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000006'), "
                             "('case', '2000-01-01 00:00:00.000006', -0.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                             "NULL, 'lower', NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000007'), "
                             "('', '2000-01-01 00:00:00.000008', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                             "'empty key', NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000008')"_s;

namespace {

QJsonObject matrixMapping()
{
    QJsonArray fields;
    for (const QString &column : kMatrixNames)
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    return QJsonObject { { u"fields"_s, fields } };
}

PairSpec matrixPair(const QString &id, const QString &source, const QString &target, ChangeMode mode)
{
    EntitySpec entity;
    entity.name = u"rows"_s;
    entity.sourceEntity = source;
    entity.sourceKey = { u"name"_s, u"at"_s, u"amount"_s };
    entity.targetEntity = target;
    entity.targetKey = entity.sourceKey;
    entity.mapping = matrixMapping();
    entity.mode = mode;
    entity.cursorColumn = u"updated_at"_s;
    entity.reconcileEvery = 1;
    PairSpec spec;
    spec.pairId = id;
    spec.sourceSystem = id + u"-source"_s;
    spec.targetSystem = id + u"-target"_s;
    spec.batchSize = 3; // several pages and batches
    spec.entities = { entity };
    return spec;
}

QString describeRun(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace

void TestMysqlConnector::typeMatrix_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("full") << int(ChangeMode::Full);
    QTest::newRow("hash") << int(ChangeMode::Hash);
    QTest::newRow("cursor") << int(ChangeMode::Cursor);
}

// Every value class of the matrix leaves MariaDB for PostgreSQL and comes back into a second
// MariaDB table, and also goes MariaDB -> MariaDB directly; MariaDB compares each column
// null-safely and byte for byte. Then the source changes (an update, a key moved by one
// microsecond, a delete, an insert) and a further unchanged run writes nothing.
void TestMysqlConnector::typeMatrix()
{
    QFETCH(int, mode);
    if (!m_pg) {
        m_pgUrl = tf::test::createScratchPostgresDatabase(u"tfmy"_s);
        TF_REQUIRE_POSTGRES(m_pgUrl);
        m_pg = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_pgUrl));
    }
    const ChangeMode changeMode = ChangeMode(mode);
    const QString src = u"matrix_src_%1"_s.arg(mode), back = u"matrix_back_%1"_s.arg(mode), direct = u"matrix_direct_%1"_s.arg(mode);
    my(u"CREATE TABLE %1 %2"_s.arg(src, kMatrixColumns));
    my(u"CREATE TABLE %1 %2"_s.arg(back, kMatrixColumns));
    my(u"CREATE TABLE %1 %2"_s.arg(direct, kMatrixColumns));
    my(u"INSERT INTO %1 VALUES %2"_s.arg(src, kMatrixRows));
    postgres(u"CREATE TABLE %1 %2"_s.arg(src, kPgColumns));
    PostgresConnector pg(SystemSettings { u"postgres"_s, { { u"url"_s, m_pgUrl } }, {} });
    MysqlConnector target(settings());

    const PairSpec out = matrixPair(u"out %1"_s.arg(mode), src, src, changeMode);
    const PairSpec in = matrixPair(u"in %1"_s.arg(mode), src, back, changeMode);
    const PairSpec same = matrixPair(u"direct %1"_s.arg(mode), src, direct, changeMode);
    QStringList equal;
    for (const QString &column : kMatrixNames)
        equal << u"s.%1 <=> t.%1 AND BINARY s.%1 <=> BINARY t.%1"_s.arg(column);
    const auto differences = [&](const QString &copy) {
        return myValue(u"SELECT (SELECT COUNT(*) FROM %1 s WHERE NOT EXISTS (SELECT 1 FROM %2 t WHERE %3)) + "
                       "(SELECT COUNT(*) FROM %2 t WHERE NOT EXISTS (SELECT 1 FROM %1 s WHERE %3))"_s
                           .arg(src, copy, equal.join(u" AND "_s)))
            .toLongLong();
    };
    const auto syncAll = [&](const char *when, qint64 *writes) {
        const RunResult a = run(*m_connector, pg, out);
        QVERIFY2(a.status == RunStatus::Completed && a.totals.quarantined == 0, qPrintable(QString::fromLatin1(when) + u": out: "_s + describeRun(a)));
        const RunResult b = run(pg, target, in);
        QVERIFY2(b.status == RunStatus::Completed && b.totals.quarantined == 0, qPrintable(QString::fromLatin1(when) + u": back: "_s + describeRun(b)));
        const RunResult c = run(*m_connector, target, same);
        QVERIFY2(c.status == RunStatus::Completed && c.totals.quarantined == 0, qPrintable(QString::fromLatin1(when) + u": direct: "_s + describeRun(c)));
        QCOMPARE(differences(back), 0);
        QCOMPARE(differences(direct), 0);
        *writes = a.totals.writes() + b.totals.writes() + c.totals.writes();
    };
    qint64 writes = 0;
    syncAll("first run", &writes);
    if (QTest::currentTestFailed())
        return;
    my(u"UPDATE %1 SET dt = dt + INTERVAL 1 MICROSECOND, x = 0.30000000000000004, updated_at = '2024-02-01 00:00:00.000001' WHERE name = 'max digits'"_s.arg(src));
    my(u"UPDATE %1 SET at = at + INTERVAL 1 MICROSECOND, updated_at = '2024-02-01 00:00:00.000002' WHERE name = 'tiny doubles'"_s.arg(src));
    my(u"DELETE FROM %1 WHERE name = 'case'"_s.arg(src));
    my(u"INSERT INTO %1 (name, at, amount, txt, updated_at) VALUES ('inserted later', '2030-01-01 00:00:00.999999', 99.99, "
       "'new', '2024-02-01 00:00:00.000003')"_s.arg(src));
    syncAll("after changes", &writes);
    if (QTest::currentTestFailed())
        return;
    syncAll("unchanged", &writes);
    if (changeMode != ChangeMode::Full)
        QCOMPARE(writes, 0);
}
