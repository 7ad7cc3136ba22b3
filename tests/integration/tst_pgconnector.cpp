// The PostgreSQL connector against a real scratch database: types, nasty names and values,
// COPY + ON CONFLICT apply, streaming reads.
#include "tst_pgconnector.h"


void TestPgConnector::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfpgc"_s);
    TF_REQUIRE_POSTGRES(m_url);
    m_admin = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_url));
    sql(u"CREATE SCHEMA %1"_s.arg(q(kOddSchema)));
    m_pg = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url } }, {} });
    m_odd = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url }, { u"schema"_s, kOddSchema } }, {} });
}

void TestPgConnector::cleanupTestCase()
{
    m_odd.reset();
    m_pg.reset();
    m_admin.reset();
}

QVariant TestPgConnector::scalar(const QString &statement)
{
    QSqlQuery query = m_admin->prepare(statement);
    m_admin->exec(query, "test query");
    return query.next() ? query.value(0) : QVariant();
}

QList<Row> TestPgConnector::readAll(PostgresConnector &connector, const QString &entity,
                                    int batchSize, QStringList keys)
{
    QList<Row> rows;
    connector.readAll(ReadRequest { entity, {}, keys, batchSize }, [&](const RowBatch &batch) {
        rows << batch.rows;
        return true;
    });
    return rows;
}

ChangeBatch TestPgConnector::batchFor(const QString &entity, const QStringList &keys,
                                      SchemaPtr schema, QList<Row> rows) const
{
    ChangeBatch batch;
    batch.pairId = u"pair-1"_s;
    batch.entity = entity;
    batch.stateEntity = entity;
    batch.keyColumns = keys;
    batch.schema = std::move(schema);
    batch.upserts = std::move(rows);
    return batch;
}

void TestPgConnector::settingsBuildTheUrl()
{
    const tf::db::DatabaseUrl parsed = tf::db::DatabaseUrl::parse(m_url);
    const SystemSettings fields { u"postgres"_s,
                                  { { u"host"_s, parsed.host },
                                    { u"port"_s, parsed.port },
                                    { u"database"_s, parsed.database },
                                    { u"sslmode"_s, u"disable"_s } },
                                  { { u"user"_s, parsed.user }, { u"password"_s, u"s3cret"_s } } };
    const tf::db::DatabaseUrl url = PostgresConnector::urlFromSettings(fields);
    QCOMPARE(url.database, parsed.database);
    QCOMPARE(url.password, u"s3cret"_s);
    QVERIFY(!url.redacted().contains(QLatin1String("s3cret")));
    PostgresConnector connector(fields); // trust authentication: the password is ignored
    QVERIFY(connector.entities().isEmpty() || !connector.entities().contains(u"tf_sync_state"_s));

    const SystemSettings credentialsWin { u"postgres"_s,
                                          { { u"url"_s, m_url } },
                                          { { u"user"_s, u"other"_s } } };
    QCOMPARE(PostgresConnector::urlFromSettings(credentialsWin).user, u"other"_s);

    for (const QJsonObject &bad :
         { QJsonObject { { u"url"_s, u"sqlite:x.db"_s } },
           QJsonObject { { u"database"_s, u"d"_s }, { u"port"_s, 70000 } },
           QJsonObject { { u"database"_s, u"d"_s }, { u"sslmode"_s, u"maybe"_s } },
           QJsonObject {} }) {
        try {
            PostgresConnector::urlFromSettings(SystemSettings { u"postgres"_s, bad, {} });
            QFAIL("bad settings accepted");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        }
    }
}

void TestPgConnector::describeMapsEveryType_data()
{
    QTest::addColumn<QString>("sqlType");
    QTest::addColumn<ValueType>("expected");
    // clang-format off
    const QList<QPair<const char *, ValueType>> types {
        { "numeric(12,2)", ValueType::Decimal }, { "smallint", ValueType::Integer },
        { "integer", ValueType::Integer }, { "bigint", ValueType::Integer },
        { "real", ValueType::Double }, { "double precision", ValueType::Double },
        { "boolean", ValueType::Boolean }, { "date", ValueType::Date },
        { "timestamp", ValueType::Timestamp }, { "timestamptz", ValueType::TimestampTz },
        { "bytea", ValueType::Bytes }, { "uuid", ValueType::Uuid },
        { "json", ValueType::Json }, { "jsonb", ValueType::Json },
        { "text", ValueType::Text }, { "varchar(20)", ValueType::Text },
        { "char(3)", ValueType::Text }, { "inet", ValueType::Text },
        { "integer[]", ValueType::Text }, { "interval", ValueType::Text },
    };
    // clang-format on
    for (const auto &[type, expected] : types)
        QTest::newRow(type) << QString::fromLatin1(type) << expected;
}

void TestPgConnector::describeMapsEveryType()
{
    QFETCH(QString, sqlType);
    QFETCH(ValueType, expected);
    sql(u"DROP TABLE IF EXISTS typed"_s);
    sql(u"CREATE TABLE typed (id integer PRIMARY KEY, \"Value Col\" %1 NOT NULL)"_s.arg(sqlType));
    const EntityDescription description = m_pg->describe(u"typed"_s);
    QCOMPARE(description.keyColumns, QStringList { u"id"_s });
    QCOMPARE(description.schema.size(), 2);
    QCOMPARE(description.schema.at(1).name, u"Value Col"_s);
    QCOMPARE(description.schema.at(1).type, expected);
    QVERIFY(!description.schema.at(1).nullable);
    QVERIFY(m_pg->entities().contains(u"typed"_s));
}

void TestPgConnector::nastyRoundTripKeepsEveryValue()
{
    for (const QString &table : { kSource, kTarget })
        sql(u"CREATE TABLE %1.%2 %3"_s.arg(q(kOddSchema), q(table),
                                           QString::fromUtf8(kNastyColumns)));
    sql(u"INSERT INTO %1.%2 VALUES "_s.arg(q(kOddSchema), q(kSource))
        + QString::fromUtf8(kNastyRows));

    const EntityDescription source = m_odd->describe(kSource);
    QCOMPARE(source.keyColumns, (QStringList { u"Key Text"_s, u"order"_s }));
    QList<Row> rows;
    SchemaPtr schema;
    m_odd->readAll(ReadRequest { kSource, {}, source.keyColumns, 3 }, [&](const RowBatch &batch) {
        schema = batch.schema;
        rows << batch.rows;
        return true;
    });
    QCOMPARE(rows.size(), 4);
    m_odd->apply(batchFor(kTarget, source.keyColumns, schema, rows));
    const QList<Row> back = readAll(*m_odd, kTarget, 2);
    QCOMPARE(back.size(), rows.size());
    for (int r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < schema->size(); ++c) {
            if (back.at(r).at(c) != rows.at(r).at(c)
                || back.at(r).at(c).isNull() != rows.at(r).at(c).isNull())
                QFAIL(qPrintable(u"row %1 column %2 differs"_s.arg(r).arg(schema->at(c).name)));
        }
    }
    // Ordered by key: '' < 'alpha "quoted"' < 'select' in the C/UTF-8 collations used by CI.
    const Row &first = rows.at(1);
    const auto col
        = [&](const char *name) { return first.at(schema->indexOf(QString::fromUtf8(name))); };
    QCOMPARE(col("Note").toString(), u"\U0001F600 \u00e9\ttab\nline\\back\r"_s);
    QCOMPARE(col("amount").toString(), u"123456789012.34"_s);
    QCOMPARE(col("tiny").toDouble(), 1e-20);
    QCOMPARE(col("precise").toString(), u"0.12345678901234567891"_s);
    QCOMPARE(TimeValue::fromVariant(col("at")).toIsoString(), u"2024-03-10T03:00:00.123Z"_s);
    QCOMPARE(TimeValue::fromVariant(col("day")).toString(), u"2024-02-29"_s);
    QCOMPARE(col("flag").toBool(), true);
    const QByteArray blob = col("blob").toByteArray();
    QCOMPARE(blob.size(), 256);
    for (int i = 0; i < 256; ++i)
        QCOMPARE(quint8(blob.at(i)), quint8(i));
    QCOMPARE(col("id").toString(), u"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"_s);
    // JSON exactly as stored: jsonb's own spelling, json's text with its white space.
    QCOMPARE(col("doc").toString(), u"{\"a\": null, \"b\": [1, 2.50, \"x\"]}"_s);
    QCOMPARE(col("raw json").toString(), u"{ \"z\" : 1,\n        \"a\": \"s p\" }"_s);
    QCOMPARE(TimeValue::fromVariant(col("plain ts")).toString(), u"2001-02-03T04:05:06.789"_s);
    QCOMPARE(col("big").toLongLong(), Q_INT64_C(9223372036854775807));
    QCOMPARE(rows.at(0).at(schema->indexOf(u"precise"_s)).toString(), u"1.00000000000000000001"_s);
    QVERIFY(!rows.at(0).at(2).isNull()); // '' stays '' (not NULL)
    QCOMPARE(rows.at(3).at(2).toString(), u"\\N"_s); // the text \N is not NULL
    QVERIFY(rows.at(2).at(2).isNull());
    // The server agrees: every column of the target equals the source's (json compared as jsonb).
    const QString except
        = u"SELECT count(*) FROM (SELECT %1 FROM %2.%3 EXCEPT SELECT %1 FROM %2.%4) d"_s;
    QCOMPARE(
        scalar(except.arg(QString::fromUtf8(kNastyCompared), q(kOddSchema), q(kSource), q(kTarget)))
            .toInt(),
        0);
}

void TestPgConnector::emptyTableReadsNothing()
{
    sql(u"CREATE TABLE empty_one (id integer PRIMARY KEY, v text)"_s);
    int calls = 0;
    m_pg->readAll(ReadRequest { u"empty_one"_s, {}, {}, 10 },
                  [&](const RowBatch &) { return ++calls > 0; });
    m_pg->readKeyHashes(ReadRequest { u"empty_one"_s, {}, {}, 10 },
                        [&](const QList<KeyHash> &) { return ++calls > 0; });
    m_pg->readSince(ReadRequest { u"empty_one"_s, {}, {}, 10 }, u"v"_s, std::nullopt,
                    [&](const RowBatch &) { return ++calls > 0; });
    QCOMPARE(calls, 0);
    m_pg->apply(ChangeBatch {}); // nothing to do is not an error
}

void TestPgConnector::applyIsIdempotentAndSkipsUnchangedRows()
{
    sql(u"CREATE TABLE idem (code text, n integer, v text, at timestamptz, PRIMARY KEY (code, n))"_s);
    const auto schema
        = std::make_shared<const Schema>(QList<Column> { { u"code"_s, ValueType::Text },
                                                         { u"n"_s, ValueType::Integer },
                                                         { u"v"_s, ValueType::Text },
                                                         { u"at"_s, ValueType::TimestampTz } });
    const QDateTime at(QDate(2024, 1, 2), QTime(3, 4, 5, 6), Qt::UTC);
    QList<Row> rows;
    for (int i = 0; i < 50; ++i)
        rows << Row { u"k%1"_s.arg(i % 5), qint64(i), u"v%1"_s.arg(i), at };
    rows << Row { u"k0"_s, qint64(0), u"last wins"_s, at }; // repeated key in one batch
    const ChangeBatch batch = batchFor(u"idem"_s, { u"code"_s, u"n"_s }, schema, rows);
    m_pg->apply(batch);
    const QString snapshot = u"SELECT string_agg(code || n || coalesce(v, '-') || "
                             "CAST(xmin AS text), ',' ORDER BY code, n) FROM idem"_s;
    const QString before = scalar(snapshot).toString();
    m_pg->apply(batch);
    QCOMPARE(scalar(snapshot).toString(), before); // same rows, same row versions (xmin)
    QCOMPARE(scalar(u"SELECT v FROM idem WHERE code = 'k0' AND n = 0"_s).toString(),
             u"last wins"_s);
    QCOMPARE(scalar(u"SELECT count(*) FROM idem"_s).toInt(), 50);

    const QString xminOf = u"SELECT CAST(xmin AS text) FROM idem WHERE code = '%1' AND n = %2"_s;
    const QString untouched = scalar(xminOf.arg(u"k1"_s).arg(1)).toString();
    const QString changed = scalar(xminOf.arg(u"k2"_s).arg(2)).toString();
    ChangeBatch one = batchFor(
        u"idem"_s, batch.keyColumns, schema,
        { Row { u"k1"_s, qint64(1), u"v1"_s, at }, Row { u"k2"_s, qint64(2), u"new"_s, at } });
    m_pg->apply(one);
    QCOMPARE(scalar(xminOf.arg(u"k1"_s).arg(1)).toString(), untouched);
    QVERIFY(scalar(xminOf.arg(u"k2"_s).arg(2)).toString() != changed);
}

void TestPgConnector::deletesByCompositeKey()
{
    sql(u"CREATE TABLE del (\"Code\" text, \"select\" integer, v text, PRIMARY KEY "
        "(\"Code\", \"select\"))"_s);
    sql(u"INSERT INTO del SELECT 'c' || (i % 3), i, 'x' FROM generate_series(1, 30) i"_s);
    ChangeBatch batch = batchFor(u"del"_s, { u"Code"_s, u"select"_s }, nullptr, {});
    batch.deletes = { { u"c1"_s, qint64(1) },
                      { u"c2"_s, qint64(2) },
                      { u"c0"_s, qint64(1) } /* no such row */,
                      { u"c0"_s, qint64(30) } };
    m_pg->apply(batch);
    QCOMPARE(scalar(u"SELECT count(*) FROM del"_s).toInt(), 27);
    QCOMPARE(scalar(u"SELECT count(*) FROM del WHERE \"select\" IN (1, 2, 30)"_s).toInt(), 0);
}

void TestPgConnector::readSinceBreaksTiesByKey()
{
    sql(u"CREATE TABLE since (k text PRIMARY KEY, changed timestamptz NOT NULL, v integer)"_s);
    sql(u"INSERT INTO since VALUES ('a', '2024-01-01 00:00:01+00', 1), ('d', "
        "'2024-01-01 00:00:02+00', 2),"
        " ('b', '2024-01-01 00:00:02+00', 3), ('c', '2024-01-01 00:00:02+00', 4),"
        " ('f', '2024-01-01 00:00:03+00', 5), ('e', '2024-01-01 00:00:03+00', 6)"_s);
    const auto keysSince = [&](const std::optional<Checkpoint> &after) {
        QStringList keys;
        m_pg->readSince(ReadRequest { u"since"_s, {}, { u"k"_s }, 2 }, u"changed"_s, after,
                        [&](const RowBatch &batch) {
                            for (const Row &row : batch.rows)
                                keys << row.at(0).toString();
                            return true;
                        });
        return keys.join(QString());
    };
    QCOMPARE(keysSince(std::nullopt), u"abcdef"_s);
    const QDateTime two(QDate(2024, 1, 1), QTime(0, 0, 2), Qt::UTC);
    QCOMPARE(keysSince(Checkpoint { two, { u"c"_s } }), u"def"_s);
    QCOMPARE(keysSince(Checkpoint { two, { u"d"_s } }), u"ef"_s);
    // Through the state store and back, the checkpoint still means the same position.
    m_pg->stateStore().saveCheckpoint(u"since-pair"_s, u"since"_s, Checkpoint { two, { u"b"_s } });
    QCOMPARE(keysSince(m_pg->stateStore().checkpoint(u"since-pair"_s, u"since"_s)), u"cdef"_s);
}

void TestPgConnector::readByKeysTenThousand()
{
    sql(u"CREATE TABLE many (grp text, n integer, v text, PRIMARY KEY (grp, n))"_s);
    sql(u"INSERT INTO many SELECT 'g' || (i % 7), i, 'v' || i FROM generate_series(1, 20000) i"_s);
    QList<KeyValues> keys;
    for (int i = 2; i <= 20000; i += 2)
        keys << KeyValues { u"g%1"_s.arg(i % 7), qint64(i) };
    keys << KeyValues { u"g0"_s, qint64(1) } << KeyValues { u"nope"_s, qint64(2) }; // absent
    QSet<qint64> found;
    int batches = 0;
    int mismatched = 0;
    m_pg->readByKeys(
        ReadRequest { u"many"_s, { u"n"_s, u"v"_s }, {}, 5000 }, keys, [&](const RowBatch &batch) {
            ++batches;
            for (const Row &row : batch.rows) {
                mismatched += row.at(1).toString() != u"v%1"_s.arg(row.at(0).toLongLong());
                found.insert(row.at(0).toLongLong());
            }
            return true;
        });
    QCOMPARE(mismatched, 0);
    QCOMPARE(found.size(), 10000);
    QVERIFY(found.contains(2) && found.contains(20000) && !found.contains(1));
    QVERIFY(batches >= 2);
}

void TestPgConnector::readKeyHashesStableAndSensitive()
{
    sql(u"CREATE TABLE hashed (id integer PRIMARY KEY, t text, d numeric, at timestamptz)"_s);
    sql(u"INSERT INTO hashed VALUES (1, 'a', 1.5, now()), (2, '', NULL, NULL), (3, "
        "NULL, NULL, NULL), (4, 'x', 2, now())"_s);
    const auto hashes = [&] {
        QMap<qint64, QByteArray> map;
        m_pg->readKeyHashes(ReadRequest { u"hashed"_s, {}, {}, 3 },
                            [&](const QList<KeyHash> &batch) {
                                for (const KeyHash &entry : batch)
                                    map.insert(entry.key.at(0).toLongLong(), entry.hash);
                                return true;
                            });
        return map;
    };
    const QMap<qint64, QByteArray> first = hashes();
    QCOMPARE(first.size(), 4);
    QCOMPARE(hashes(), first);
    QVERIFY(first.value(2) != first.value(3)); // '' is not NULL
    sql(u"UPDATE hashed SET d = 1.51 WHERE id = 1"_s);
    const QMap<qint64, QByteArray> second = hashes();
    QVERIFY(second.value(1) != first.value(1));
    for (qint64 id : { 2, 3, 4 })
        QCOMPARE(second.value(id), first.value(id));
}

void TestPgConnector::earlyStopLeavesConnectionUsable()
{
    int seen = 0;
    m_pg->readAll(ReadRequest { u"many"_s, {}, {}, 100 },
                  [&](const RowBatch &) { return ++seen < 2; });
    QCOMPARE(seen, 2);
    QCOMPARE(readAll(*m_pg, u"hashed"_s).size(), 4);
}

void TestPgConnector::bulkApply100k()
{
    sql(u"CREATE TABLE bulk (id bigint PRIMARY KEY, name text, amount numeric(12,2), "
        "at timestamptz, flag boolean)"_s);
    const auto schema
        = std::make_shared<const Schema>(QList<Column> { { u"id"_s, ValueType::Integer },
                                                         { u"name"_s, ValueType::Text },
                                                         { u"amount"_s, ValueType::Decimal },
                                                         { u"at"_s, ValueType::TimestampTz },
                                                         { u"flag"_s, ValueType::Boolean } });
    const QDateTime base(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
    QList<Row> rows;
    rows.reserve(100000);
    for (int i = 0; i < 100000; ++i)
        rows << Row { qint64(i), u"owner %1\tparcel"_s.arg(i), u"%1.25"_s.arg(i), base.addSecs(i),
                      i % 2 == 0 };
    ChangeBatch batch = batchFor(u"bulk"_s, { u"id"_s }, schema, rows);
    for (int i = 0; i < 100000; ++i)
        batch.stateUpserts << StateEntry { QString::number(i), "hash", QString::number(i) };
    QElapsedTimer timer;
    timer.start();
    m_pg->apply(batch);
    const qint64 ms = qMax<qint64>(1, timer.elapsed());
    qInfo("applied 100000 rows (+100000 state rows) in %lld ms: %lld rows/s", ms,
          100000 * 1000 / ms);
    QCOMPARE(scalar(u"SELECT count(*) FROM bulk"_s).toInt(), 100000);
    QCOMPARE(scalar(u"SELECT name FROM bulk WHERE id = 99999"_s).toString(),
             u"owner 99999\tparcel"_s);
    QCOMPARE(m_pg->stateStore().count(u"pair-1"_s, u"bulk"_s), qint64(100000));
}

void TestPgConnector::memoryStaysBoundedWhileStreaming()
{
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("RSS says nothing under AddressSanitizer: its quarantine keeps freed memory resident");
#endif
    sql(u"CREATE TABLE big (id integer PRIMARY KEY, payload text)"_s);
    sql(u"INSERT INTO big SELECT i, repeat(md5(CAST(i AS text)), 10) FROM "
        "generate_series(1, 200000) i"_s);
    const qint64 before = rssKb();
    qint64 peak = before;
    qint64 rows = 0;
    m_pg->readAll(ReadRequest { u"big"_s, {}, {}, 5000 }, [&](const RowBatch &batch) {
        rows += batch.rows.size();
        peak = qMax(peak, rssKb());
        return true;
    });
    QCOMPARE(rows, qint64(200000));
    qInfo("RSS before %lld kB, peak while streaming 200000 rows %lld kB", before, peak);
    QVERIFY2(peak - before < 50 * 1024, qPrintable(u"RSS grew by %1 kB"_s.arg(peak - before)));
}

QTEST_GUILESS_MAIN(TestPgConnector)
