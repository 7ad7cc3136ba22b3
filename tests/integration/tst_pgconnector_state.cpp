// The PostgreSQL connector's sync state store, checkpoints, failed applies, lost connections
// and existing-value lookups (part of tst_pgconnector).
#include "tst_pgconnector.h"

void TestPgConnector::stateStoreDiff()
{
    sql(u"CREATE TABLE st (id integer PRIMARY KEY)"_s);
    ChangeBatch batch = batchFor(u"st"_s, { u"id"_s }, nullptr, {});
    batch.pairId = u"diff-pair"_s;
    batch.stateEntity = u"src"_s;
    for (int i = 1; i <= 3; ++i)
        batch.stateUpserts << StateEntry { u"k%1"_s.arg(i), QByteArray("h") + QByteArray::number(i),
                                           u"t%1"_s.arg(i) };
    m_pg->apply(batch);
    StateStore &store = m_pg->stateStore();
    QCOMPARE(store.count(u"diff-pair"_s, u"src"_s), qint64(3));

    store.beginStaging(u"diff-pair"_s, u"src"_s);
    store.stage({ { u"k1"_s, "h1" }, { u"k2"_s, "h2-changed" } });
    store.stage({ { u"k4"_s, "h4" } });
    QMap<QString, StateStore::KeyChange> changes;
    store.diff(1, [&](const QList<StateStore::KeyChange> &list) {
        for (const StateStore::KeyChange &change : list)
            changes.insert(change.sourceKey, change);
        return true;
    });
    store.endStaging();
    QCOMPARE(changes.size(), 3);
    QCOMPARE(changes.value(u"k4"_s).kind, StateStore::ChangeKind::Insert);
    QCOMPARE(changes.value(u"k4"_s).hash, QByteArray("h4"));
    QCOMPARE(changes.value(u"k2"_s).kind, StateStore::ChangeKind::Update);
    QCOMPARE(changes.value(u"k2"_s).hash, QByteArray("h2-changed"));
    QCOMPARE(changes.value(u"k2"_s).targetKey, u"t2"_s);
    QCOMPARE(changes.value(u"k3"_s).kind, StateStore::ChangeKind::Delete);
    QCOMPARE(changes.value(u"k3"_s).targetKey, u"t3"_s);

    ChangeBatch removal = batch;
    removal.stateUpserts.clear();
    removal.stateDeletes = { u"k3"_s };
    m_pg->apply(removal);
    QCOMPARE(store.count(u"diff-pair"_s, u"src"_s), qint64(2));
    store.saveCheckpoint(u"diff-pair"_s, u"src"_s, Checkpoint { qint64(5), {} });
    store.clear(u"diff-pair"_s, u"src"_s);
    QCOMPARE(store.count(u"diff-pair"_s, u"src"_s), qint64(0));
    QVERIFY(!store.checkpoint(u"diff-pair"_s, u"src"_s));
}

void TestPgConnector::checkpointRoundTrip_data()
{
    QTest::addColumn<QVariant>("cursor");
    QTest::addColumn<QVariantList>("key");
    QTest::newRow("integer") << QVariant(qint64(42)) << QVariantList { qint64(7) };
    QTest::newRow("timestamptz")
        << TimeValue::parse(u"2024-05-06T07:08:09.010203Z"_s, TimeValue::Kind::TimestampTz).toVariant()
        << QVariantList { u"a\"b"_s, qint64(-3) };
    QTest::newRow("infinite date + timestamp key")
        << TimeValue::infinity(TimeValue::Kind::Date, true).toVariant()
        << QVariantList { TimeValue::parse(u"0044-03-15 12:00:00.000001 BC"_s, TimeValue::Kind::Timestamp).toVariant() };
    QTest::newRow("text + bytes key")
        << QVariant(u"\u00e9t\u00e9"_s) << QVariantList { QByteArray("\x00\xff", 2), true };
    QTest::newRow("null cursor") << QVariant() << QVariantList {};
}

void TestPgConnector::checkpointRoundTrip()
{
    QFETCH(QVariant, cursor);
    QFETCH(QVariantList, key);
    StateStore &store = m_pg->stateStore();
    store.saveCheckpoint(u"cp"_s, u"e"_s, Checkpoint { cursor, key });
    const std::optional<Checkpoint> back = store.checkpoint(u"cp"_s, u"e"_s);
    QVERIFY(back);
    QCOMPARE(back->cursor, cursor);
    QCOMPARE(back->cursor.isNull(), cursor.isNull());
    QCOMPARE(back->key, key);
}

void TestPgConnector::failedApplyLeavesNeitherDataNorState_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QStringList>("keyColumns");
    QTest::addColumn<QVariant>("badAmount");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("not null") << u"strict"_s << QStringList { u"id"_s } << QVariant()
                              << u"amount"_s;
    QTest::newRow("check") << u"strict"_s << QStringList { u"id"_s } << QVariant(qint64(-1))
                           << u"amount_not_negative"_s;
    QTest::newRow("key not unique")
        << u"strict"_s << QStringList { u"amount"_s } << QVariant(qint64(9))
        << u"no primary key or unique constraint on (amount)"_s;
}

void TestPgConnector::failedApplyLeavesNeitherDataNorState()
{
    QFETCH(QString, table);
    QFETCH(QStringList, keyColumns);
    QFETCH(QVariant, badAmount);
    QFETCH(QString, messagePart);
    sql(u"DROP TABLE IF EXISTS strict"_s);
    sql(u"CREATE TABLE strict (id integer PRIMARY KEY, amount integer NOT NULL"
        " CONSTRAINT amount_not_negative CHECK (amount >= 0))"_s);
    const auto schema = std::make_shared<const Schema>(
        QList<Column> { { u"id"_s, ValueType::Integer }, { u"amount"_s, ValueType::Integer } });
    ChangeBatch batch = batchFor(table, keyColumns, schema,
                                 { Row { qint64(1), qint64(10) }, Row { qint64(2), badAmount },
                                   Row { qint64(3), qint64(30) } });
    batch.pairId = u"fail-pair"_s;
    batch.stateUpserts = { StateEntry { u"1"_s, "h1", u"1"_s } };
    batch.checkpoint = Checkpoint { qint64(3), {} };
    try {
        m_pg->apply(batch);
        QFAIL("apply succeeded");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(messagePart), qPrintable(error.message()));
    }
    QCOMPARE(scalar(u"SELECT count(*) FROM strict"_s).toInt(), 0);
    QCOMPARE(m_pg->stateStore().count(u"fail-pair"_s, table), qint64(0));
    QVERIFY(!m_pg->stateStore().checkpoint(u"fail-pair"_s, table));
}

void TestPgConnector::lostConnectionIsUnavailableThenRecovers()
{
    sql(u"CREATE TABLE lost (id integer PRIMARY KEY, v text)"_s);
    const auto schema = std::make_shared<const Schema>(
        QList<Column> { { u"id"_s, ValueType::Integer }, { u"v"_s, ValueType::Text } });
    const ChangeBatch batch
        = batchFor(u"lost"_s, { u"id"_s }, schema, { Row { qint64(1), u"x"_s } });
    m_pg->apply(batch); // the write and read connections are open
    QCOMPARE(readAll(*m_pg, u"lost"_s).size(), 1);
    const auto readByKey = [&] {
        int rows = 0;
        m_pg->readByKeys(ReadRequest { u"lost"_s, {}, {}, 10 }, { KeyValues { qint64(1) } },
                         [&](const RowBatch &read) {
                             rows += int(read.rows.size());
                             return true;
                         });
        return rows;
    };
    QCOMPARE(readByKey(), 1); // readByKeys reads on this thread's read connection
    scalar(u"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
           " WHERE datname = current_database() AND pid <> pg_backend_pid()"_s);
    try {
        m_pg->apply(batch);
        QFAIL("apply on a killed connection succeeded");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
    }
    m_pg->apply(batch); // reconnected
    try {
        readByKey();
        QFAIL("read on a killed connection succeeded");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
    }
    QCOMPARE(readByKey(), 1);
    // readAll and readSince open a connection per read on their prefetching thread: a
    // connection killed while idle is not theirs. One lost during a read is Unavailable
    // (tst_pgcopyread: lostConnectionMidReadIsUnavailableThenRecovers).
    QCOMPARE(readAll(*m_pg, u"lost"_s).size(), 1);
}

void TestPgConnector::existingValuesOneQuery()
{
    const QSet<QString> found
        = m_pg->existingValues(u"many"_s, u"n"_s, ValueType::Integer,
                               { qint64(5), qint64(7), qint64(999999), QVariant() });
    QCOMPARE(found, (QSet<QString> { u"5"_s, u"7"_s }));
    const QSet<QString> texts
        = m_pg->existingValues(u"many"_s, u"grp"_s, ValueType::Text, { u"g1"_s, u"x\"{,}"_s });
    QCOMPARE(texts, QSet<QString> { u"g1"_s });
}
