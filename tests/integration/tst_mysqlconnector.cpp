#include "tst_mysqlconnector.h"

#include "core/errors.h"
#include "sync/connectors/mysqlvalues.h"

#include <QRandomGenerator>
#include <QSqlError>

#include <cmath>
#include <cstring>

void TestMysqlConnector::initTestCase()
{
    TF_START_MARIADB(m_server);
    QVERIFY2(m_server.createDatabase(m_database), qPrintable(m_server.error()));
    m_connector = std::make_unique<MysqlConnector>(settings());
    QVERIFY(m_dir.isValid());
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
}

void TestMysqlConnector::cleanupTestCase()
{
    m_connector.reset();
    m_quarantine.reset();
    m_control.reset();
    m_pg.reset();
}

void TestMysqlConnector::my(const QString &sql)
{
    QVERIFY2(m_server.exec(m_database, sql), qPrintable(m_server.error()));
}

QVariant TestMysqlConnector::myValue(const QString &sql)
{
    QSqlDatabase db = QSqlDatabase::database(u"tf-test-mariadb-%1-%2"_s.arg(m_server.port()).arg(m_database), true);
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next())
        return u"<error: %1>"_s.arg(query.lastError().text());
    return query.value(0);
}

SystemSettings TestMysqlConnector::settings(const QJsonObject &extra) const
{
    QJsonObject s { { u"host"_s, u"127.0.0.1"_s }, { u"port"_s, int(m_server.port()) }, { u"database"_s, m_database } };
    for (auto it = extra.begin(); it != extra.end(); ++it)
        s.insert(it.key(), it.value());
    return SystemSettings { u"mysql"_s, s, { { u"user"_s, u"root"_s } } };
}

QList<Row> TestMysqlConnector::readAll(MysqlConnector &connector, const QString &entity, int batchSize, QList<int> *batchSizes)
{
    QList<Row> rows;
    ReadRequest request;
    request.entity = entity;
    request.batchSize = batchSize;
    connector.readAll(request, [&](const RowBatch &batch) {
        if (batchSizes)
            *batchSizes << int(batch.rows.size());
        rows << batch.rows;
        return true;
    });
    return rows;
}

void TestMysqlConnector::settingsAreChecked()
{
    const auto fails = [&](const QJsonObject &extra, const QString &field) {
        try {
            MysqlConnector connector(settings(extra));
        } catch (const tf::Error &error) {
            return error.kind() == tf::Error::Kind::Validation && error.message().contains(field);
        }
        return false;
    };
    QVERIFY(fails({ { u"zero_date"_s, u"yesterday"_s } }, u"zero_date"_s));
    QVERIFY(fails({ { u"zero_date"_s, u"2024-02-30"_s } }, u"zero_date"_s));
    QVERIFY(fails({ { u"port"_s, 70000 } }, u"port"_s));
    QVERIFY(fails({ { u"database"_s, u""_s } }, u"database"_s));
    MysqlConnector wrongPort(SystemSettings { u"mysql"_s, { { u"host"_s, u"127.0.0.1"_s }, { u"port"_s, int(tf::test::freePort()) },
                                                            { u"database"_s, m_database } }, { { u"user"_s, u"root"_s }, { u"password"_s, u"s3cret-pw"_s } } });
    try {
        wrongPort.entities();
        QFAIL("a closed port answered");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable); // retried by the engine
        QVERIFY2(error.message().contains(u"127.0.0.1"_s), qPrintable(error.message()));
        QVERIFY2(!error.message().contains(u"s3cret-pw"_s), qPrintable(error.message()));
    }
}

void TestMysqlConnector::catalogDescribesTypesAndKeys()
{
    my(u"CREATE TABLE catalog_t (code VARCHAR(20), n INT, flag TINYINT(1) NOT NULL, big BIGINT UNSIGNED, amount DECIMAL(65,30), "
       "d DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL, f FLOAT, x DOUBLE, b BIT(5), bin VARBINARY(16), j JSON, txt TEXT, "
       "e ENUM('a','b'), PRIMARY KEY (code, n), UNIQUE KEY (big))"_s);
    const EntityDescription d = m_connector->describe(u"catalog_t"_s);
    QCOMPARE(d.keyColumns, (QStringList { u"code"_s, u"n"_s }));
    const QList<std::pair<QString, ValueType>> expected {
        { u"code"_s, ValueType::Text }, { u"n"_s, ValueType::Integer }, { u"flag"_s, ValueType::Integer },
        { u"big"_s, ValueType::Decimal }, { u"amount"_s, ValueType::Decimal }, { u"d"_s, ValueType::Date },
        { u"dt"_s, ValueType::Timestamp }, { u"ts"_s, ValueType::TimestampTz }, { u"f"_s, ValueType::Double },
        { u"x"_s, ValueType::Double }, { u"b"_s, ValueType::Integer }, { u"bin"_s, ValueType::Bytes },
        { u"txt"_s, ValueType::Text }, { u"e"_s, ValueType::Text } };
    for (const auto &[name, type] : expected) {
        const int index = d.schema.indexOf(name);
        QVERIFY2(index >= 0, qPrintable(name));
        QVERIFY2(d.schema.at(index).type == type, qPrintable(name + u" is "_s + valueTypeName(d.schema.at(index).type)));
    }
    QVERIFY(!d.schema.at(d.schema.indexOf(u"flag"_s)).nullable);
    QVERIFY(m_connector->hasUniqueKey(u"catalog_t"_s, { u"n"_s, u"code"_s }));
    QVERIFY(m_connector->hasUniqueKey(u"catalog_t"_s, { u"big"_s }));
    QVERIFY(!m_connector->hasUniqueKey(u"catalog_t"_s, { u"code"_s }));
    QVERIFY(m_connector->entities().contains(u"catalog_t"_s));
    m_connector->stateStore(); // creates tf_sync_state: never listed as an entity
    QVERIFY(!m_connector->entities().contains(u"tf_sync_state"_s));
    try {
        m_connector->describe(u"no_such_table"_s);
        QFAIL("a missing table was described");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::NotFound);
        QVERIFY(error.message().contains(u"no_such_table"_s));
    }
}

void TestMysqlConnector::exactValuesAreRead()
{
    my(u"CREATE TABLE exact_t (id INT PRIMARY KEY, amount DECIMAL(65,0), frac DECIMAL(65,30), dt DATETIME(6), ts TIMESTAMP(6) NULL, "
       "d DATE, f FLOAT, x DOUBLE, b BIT(5), flag TINYINT(1), big BIGINT UNSIGNED, txt VARCHAR(100), bin BLOB, y YEAR)"_s);
    const QString digits65 = u"12345678901234567890123456789012345678901234567890123456789012345"_s;
    my(u"INSERT INTO exact_t VALUES (1, %1, -0.000000000000000000000000000001, '2024-03-10 08:30:00.123456', "
       "'2024-03-10 08:30:00.000001', '1000-01-01', 3.4028234e38, 4.9e-324, b'10101', 1, 18446744073709551615, "
       "'emoji 😀 é \\t tab', UNHEX('00FF7F80'), 2024)"_s.arg(digits65));
    my(u"INSERT INTO exact_t VALUES (2, -%1, 1.5, '9999-12-31 23:59:59.999999', NULL, '9999-12-31', -1e-45, -1.7976931348623157e308, "
       "b'0', 0, 0, '', '', 1901)"_s.arg(digits65));
    my(u"INSERT INTO exact_t (id) VALUES (3)"_s);
    const QList<Row> rows = readAll(*m_connector, u"exact_t"_s);
    QCOMPARE(rows.size(), 3);
    const Row &a = rows.at(0);
    QCOMPARE(a.at(1).toString(), digits65); // 65 digits, not a double
    QCOMPARE(a.at(2).toString(), u"-0.000000000000000000000000000001"_s);
    QCOMPARE(TimeValue::fromVariant(a.at(3)).toString(), u"2024-03-10T08:30:00.123456"_s);
    QCOMPARE(TimeValue::fromVariant(a.at(4)).toIsoString(), u"2024-03-10T08:30:00.000001Z"_s);
    QCOMPARE(TimeValue::fromVariant(a.at(5)).toString(), u"1000-01-01"_s);
    QCOMPARE(a.at(6).toDouble(), double(3.4028234e38f)); // the FLOAT's own value, widened exactly
    QCOMPARE(a.at(7).toDouble(), 4.9e-324);
    QCOMPARE(a.at(8).toLongLong(), 21); // BIT(5) b'10101'
    QCOMPARE(a.at(9).toLongLong(), 1);  // TINYINT(1) stays an integer: a pair maps it with to_bool
    QCOMPARE(a.at(10).toString(), u"18446744073709551615"_s);
    QCOMPARE(a.at(11).toString(), u"emoji 😀 é \t tab"_s);
    QCOMPARE(a.at(12).toByteArray(), QByteArray::fromHex("00FF7F80"));
    QCOMPARE(a.at(13).toLongLong(), 2024);
    const Row &b = rows.at(1);
    QCOMPARE(b.at(1).toString(), u"-"_s + digits65);
    QCOMPARE(b.at(2).toString(), u"1.5"_s); // carried by value, like PostgreSQL numeric
    QCOMPARE(TimeValue::fromVariant(b.at(3)).toString(), u"9999-12-31T23:59:59.999999"_s);
    QVERIFY(b.at(4).isNull());
    QCOMPARE(b.at(6).toDouble(), double(-1e-45f));
    QCOMPARE(b.at(7).toDouble(), -1.7976931348623157e308);
    QCOMPARE(b.at(11).toString(), QString()); // empty, not NULL
    QVERIFY(!b.at(11).isNull());
    QCOMPARE(b.at(12).toByteArray(), QByteArray());
    QVERIFY(!b.at(12).isNull());
    for (int i = 1; i < rows.at(2).size(); ++i)
        QVERIFY2(rows.at(2).at(i).isNull(), qPrintable(QString::number(i)));
    // TIME is text as the server writes it, past 24 hours and negative included.
    my(u"CREATE TABLE time_t (id INT PRIMARY KEY, t TIME(6), ip INET6)"_s);
    my(u"INSERT INTO time_t VALUES (1, '-838:59:59', '::1'), (2, '25:00:00.000001', NULL)"_s);
    const QList<Row> times = readAll(*m_connector, u"time_t"_s);
    QCOMPARE(times.at(0).at(1).toString(), u"-838:59:59.000000"_s);
    QCOMPARE(times.at(0).at(2).toString(), u"::1"_s);
    QCOMPARE(times.at(1).at(1).toString(), u"25:00:00.000001"_s);
}

void TestMysqlConnector::readsInKeyPagesFromOneSnapshot()
{
    my(u"CREATE TABLE pages_t (k VARCHAR(10), n INT, v INT, PRIMARY KEY (k, n))"_s);
    QStringList values;
    for (int i = 0; i < 23; ++i)
        values << u"('%1', %2, %3)"_s.arg(QChar(u'a' + i % 3)).arg(i).arg(i * 10);
    my(u"INSERT INTO pages_t VALUES "_s + values.join(u", "_s));
    QList<int> sizes;
    QList<Row> rows;
    ReadRequest request;
    request.entity = u"pages_t"_s;
    request.batchSize = 5;
    m_connector->readAll(request, [&](const RowBatch &batch) {
        sizes << int(batch.rows.size());
        rows << batch.rows;
        if (sizes.size() == 1) // written after the read began: not seen by it
            my(u"INSERT INTO pages_t VALUES ('a', 1000, 0), ('zz', 0, 0)"_s);
        return true;
    });
    QCOMPARE(sizes, (QList<int> { 5, 5, 5, 5, 3 }));
    QCOMPARE(rows.size(), 23);
    for (int i = 1; i < rows.size(); ++i) {
        const auto before = std::pair { rows.at(i - 1).at(0).toString(), rows.at(i - 1).at(1).toLongLong() };
        const auto after = std::pair { rows.at(i).at(0).toString(), rows.at(i).at(1).toLongLong() };
        QVERIFY(before < after);
    }
    QCOMPARE(readAll(*m_connector, u"pages_t"_s, 4).size(), 25); // the next read sees them
    // A stop from the sink ends the read.
    int batches = 0;
    m_connector->readAll(request, [&](const RowBatch &) { return ++batches < 2; });
    QCOMPARE(batches, 2);
}

void TestMysqlConnector::zeroDatesAreQuarantinedOrMapped()
{
    my(u"CREATE TABLE zero_t (id INT PRIMARY KEY, d DATE, dt DATETIME(6))"_s);
    my(u"SET SESSION sql_mode = ''"_s);
    my(u"INSERT INTO zero_t VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-00-15', '2024-05-00 10:00:00'), "
       "(3, '2024-05-01', '2024-05-01 10:00:00.5')"_s);
    my(u"SET SESSION sql_mode = DEFAULT"_s);
    const QList<Row> rows = readAll(*m_connector, u"zero_t"_s);
    QCOMPARE(rows.size(), 3);
    for (int r = 0; r < 2; ++r) {
        for (int c = 1; c <= 2; ++c) {
            const UnreadableValue *bad = unreadableOf(rows.at(r).at(c));
            QVERIFY2(bad, qPrintable(u"row %1 column %2 was read as %3"_s.arg(r).arg(c).arg(rows.at(r).at(c).toString())));
            QVERIFY2(bad->reason.contains(u"zero date"_s) && bad->reason.contains(u"zero_date"_s), qPrintable(bad->reason));
        }
    }
    QCOMPARE(unreadableOf(rows.at(0).at(1))->text, u"0000-00-00"_s);
    QCOMPARE(TimeValue::fromVariant(rows.at(2).at(2)).toString(), u"2024-05-01T10:00:00.500"_s);

    MysqlConnector asNull(settings({ { u"zero_date"_s, u"null"_s } }));
    const QList<Row> nulls = readAll(asNull, u"zero_t"_s);
    QVERIFY(nulls.at(0).at(1).isNull() && nulls.at(0).at(2).isNull() && nulls.at(1).at(1).isNull());
    QCOMPARE(TimeValue::fromVariant(nulls.at(2).at(1)).toString(), u"2024-05-01"_s);
    MysqlConnector asDate(settings({ { u"zero_date"_s, u"1970-01-01"_s } }));
    const QList<Row> dates = readAll(asDate, u"zero_t"_s);
    QCOMPARE(TimeValue::fromVariant(dates.at(0).at(1)).toString(), u"1970-01-01"_s);
    QCOMPARE(TimeValue::fromVariant(dates.at(1).at(2)).toString(), u"1970-01-01T00:00:00.000"_s);
}

// The server's MD5 over its text equals hashRow() of the values read, for every type, NULLs,
// unreadable zero dates and thousands of random doubles: a --full run then a hash run finds
// nothing to update.
void TestMysqlConnector::serverHashesEqualRowHashes()
{
    my(u"CREATE TABLE hash_t (id INT PRIMARY KEY, amount DECIMAL(30,10), n BIGINT, big BIGINT UNSIGNED, x DOUBLE, f FLOAT, "
       "d DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL, b BIT(7), txt TEXT, bin VARBINARY(40), e ENUM('x','y'))"_s);
    my(u"SET SESSION sql_mode = ''"_s);
    my(u"INSERT INTO hash_t VALUES (1, 1.5, -9223372036854775808, 18446744073709551615, -0e0, 0.1, '0000-00-00', "
       "'2024-01-01 00:00:00.000001', '2001-02-03 04:05:06.789', b'1111111', 'a,b:c\\\\n😀', UNHEX('00'), 'y'), "
       "(2, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), (3, -0.0000000001, 0, 0, 1e15, 1e-7, "
       "'2024-02-29', '2024-02-29 23:59:59', NULL, b'0', '', '', 'x'), (4, NULL, NULL, NULL, NULL, NULL, '0001-01-01', "
       "'0999-12-31 23:59:59.999999', '1970-01-01 00:00:01', NULL, NULL, NULL, NULL), (5, NULL, NULL, NULL, NULL, NULL, "
       "'9999-12-31', '2024-00-00 00:00:00', '2038-01-19 03:14:07.999', NULL, NULL, NULL, NULL)"_s);
    my(u"SET SESSION sql_mode = DEFAULT"_s);
    QStringList doubles;
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < 3000; ++i) {
        double value = 0;
        do {
            const quint64 bits = random->generate64();
            std::memcpy(&value, &bits, sizeof value);
        } while (!std::isfinite(value));
        if (i % 3 == 0) // also ordinary magnitudes, where fixed notation is used
            value = std::ldexp(double(random->generate64() >> 11), -int(random->bounded(0, 90)));
        doubles << u"(%1, %2)"_s.arg(100 + i).arg(QString::number(value, 'g', 17));
    }
    my(u"INSERT INTO hash_t (id, x) VALUES "_s + doubles.join(u", "_s));
    for (const bool mapped : { false, true }) {
        MysqlConnector connector(mapped ? settings({ { u"zero_date"_s, u"null"_s } }) : settings());
        ReadRequest request;
        request.entity = u"hash_t"_s;
        request.columns = QStringList { u"e"_s, u"id"_s, u"amount"_s, u"n"_s, u"big"_s, u"x"_s, u"f"_s, u"d"_s, u"dt"_s,
                                        u"ts"_s, u"b"_s, u"txt"_s, u"bin"_s };
        request.batchSize = 700;
        QHash<qint64, QByteArray> server;
        connector.readKeyHashes(request, [&](const QList<KeyHash> &batch) {
            for (const KeyHash &entry : batch)
                server.insert(entry.key.value(0).toLongLong(), entry.hash);
            return true;
        });
        int compared = 0;
        QStringList mismatches;
        // The hashes a read gives with its rows (streamed: built from the fields' bytes) too.
        request.withSourceHashes = true;
        connector.readAll(request, [&](const RowBatch &batch) {
            if (batch.hashes.size() != batch.rows.size())
                mismatches << u"a batch of %1 rows with %2 hashes"_s.arg(batch.rows.size()).arg(batch.hashes.size());
            for (qsizetype i = 0; i < batch.rows.size(); ++i) {
                const Row &row = batch.rows.at(i);
                const qint64 id = row.at(1).toLongLong();
                if (server.value(id) != connector.hashRow(row, *batch.schema) || server.value(id) != batch.hashes.value(i))
                    mismatches << u"row %1 (x = %2)"_s.arg(id).arg(QString::number(row.at(5).toDouble(), 'g', 17));
                ++compared;
            }
            return true;
        });
        QVERIFY2(mismatches.isEmpty(), qPrintable(mismatches.mid(0, 10).join(u", "_s)));
        QCOMPARE(compared, 3005);
    }
}

void TestMysqlConnector::doubleTextMatchesTheServer()
{
    const QList<double> values { 1e15, 1e14, 1.5e-15, 1.5e-16, 1234567890123456.8, 12345678901234568.0, 0.1, 5e-324,
                                 1.7976931348623157e308, 123456789012345680000.0, 0.000123, -2.5e-5 };
    for (double value : values) {
        const QString server = myValue(u"SELECT CAST(CAST('%1' AS DOUBLE) AS CHAR)"_s.arg(QString::number(value, 'g', 17))).toString();
        QCOMPARE(tf::sync::mysql::doubleText(value), server);
    }
}

void TestMysqlConnector::readByKeysAndSince()
{
    my(u"CREATE TABLE since_t (amount DECIMAL(40,20), code VARCHAR(10), changed DATETIME(6) NULL, v INT, "
       "PRIMARY KEY (amount, code))"_s);
    my(u"INSERT INTO since_t VALUES (12345678901234567890.00000000000000000001, 'a', NULL, 1), "
       "(12345678901234567890.00000000000000000002, 'a', NULL, 2), (1, 'b', '2024-01-01 00:00:00.000001', 3), "
       "(2, 'b', '2024-01-01 00:00:00.000001', 4), (3, 'c', '2024-01-01 00:00:00.000002', 5), (4, 'd', '2024-01-02', 6)"_s);
    ReadRequest request;
    request.entity = u"since_t"_s;
    request.batchSize = 2;
    // By key: a DECIMAL key matches only its own digits (never through a double).
    QList<Row> found;
    m_connector->readByKeys(request, { { u"12345678901234567890.00000000000000000002"_s, u"a"_s }, { u"2"_s, u"b"_s },
                                       { u"9"_s, u"z"_s } },
                            [&](const RowBatch &batch) {
                                found << batch.rows;
                                return true;
                            });
    QCOMPARE(found.size(), 2);
    QSet<qint64> seen;
    for (const Row &row : found)
        seen << row.at(3).toLongLong();
    QCOMPARE(seen, (QSet<qint64> { 2, 4 }));

    const auto since = [&](const std::optional<Checkpoint> &after) {
        QList<qint64> order;
        m_connector->readSince(request, u"changed"_s, after, [&](const RowBatch &batch) {
            for (const Row &row : batch.rows)
                order << row.at(3).toLongLong();
            return true;
        });
        return order;
    };
    QCOMPARE(since(std::nullopt), (QList<qint64> { 1, 2, 3, 4, 5, 6 })); // NULL cursors first, by key
    Checkpoint nullCursor { QVariant(), { u"12345678901234567890.00000000000000000001"_s, u"a"_s } };
    QCOMPARE(since(nullCursor), (QList<qint64> { 2, 3, 4, 5, 6 }));
    Checkpoint tie { TimeValue::parse(u"2024-01-01 00:00:00.000001"_s, TimeValue::Kind::Timestamp).toVariant(), { u"1"_s, u"b"_s } };
    QCOMPARE(since(tie), (QList<qint64> { 4, 5, 6 }));
    Checkpoint cursorOnly { TimeValue::parse(u"2024-01-01 00:00:00.000001"_s, TimeValue::Kind::Timestamp).toVariant(), {} };
    QCOMPARE(since(cursorOnly), (QList<qint64> { 5, 6 }));
}

void TestMysqlConnector::cursorHorizonHonoursOpenTransactions()
{
    my(u"CREATE TABLE horizon_t (id INT PRIMARY KEY, changed DATETIME(6), seq INT)"_s);
    const CursorHorizon idle = m_connector->cursorHorizon(u"horizon_t"_s, u"changed"_s);
    QCOMPARE(idle.kind, CursorHorizon::Kind::Below);
    const TimeValue now = TimeValue::fromVariant(idle.value);
    QVERIFY(now.isValid());
    QCOMPARE(m_connector->cursorHorizon(u"horizon_t"_s, u"seq"_s).kind, CursorHorizon::Kind::None);

    // Another client's open transaction that has run a statement holds the horizon at its start.
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QMYSQL"_s, u"horizon-other"_s);
        other.setHostName(u"127.0.0.1"_s);
        other.setPort(m_server.port());
        other.setUserName(u"root"_s);
        other.setDatabaseName(m_database);
        QVERIFY(other.open());
        QSqlQuery query(other);
        QVERIFY(query.exec(u"START TRANSACTION"_s));
        QVERIFY(query.exec(u"INSERT INTO horizon_t VALUES (1, NOW(6), 1)"_s));
        QTest::qWait(1100); // trx_started has whole seconds
        const CursorHorizon held = m_connector->cursorHorizon(u"horizon_t"_s, u"changed"_s);
        QCOMPARE(held.kind, CursorHorizon::Kind::Below);
        const TimeValue start = TimeValue::fromVariant(held.value);
        QVERIFY2(TimeValue::compare(start, now) >= 0 || now.micros() - start.micros() < 1000000, qPrintable(start.toString()));
        const CursorHorizon later = m_connector->cursorHorizon(u"horizon_t"_s, u"changed"_s);
        QCOMPARE(TimeValue::fromVariant(later.value), start); // does not move while it stays open
        QCOMPARE(m_connector->cursorHorizon(u"horizon_t"_s, u"seq"_s).kind, CursorHorizon::Kind::Hold);
        QVERIFY(query.exec(u"COMMIT"_s));
        other.close();
    }
    QSqlDatabase::removeDatabase(u"horizon-other"_s);
    // Once it has committed,
    // the horizon is now again.
    QTRY_VERIFY_WITH_TIMEOUT(TimeValue::compare(TimeValue::fromVariant(m_connector->cursorHorizon(u"horizon_t"_s, u"changed"_s).value),
                                                now) > 0, 10000);
}

QTEST_GUILESS_MAIN(TestMysqlConnector)
