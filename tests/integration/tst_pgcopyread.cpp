// PgReader reads through COPY (SELECT ...) TO STDOUT on its own thread. The values it gives
// must be exactly the query path's (QPSQL's text -> valueFromText) for every type and every
// awkward value; cancellation, errors and a lost connection behave as before.
#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/copytextparser.h"
#include "sync/connectors/pgcopyforms.h"
#include "sync/connectors/pgcopyout.h"
#include "sync/connectors/pgcopyread.h"
#include "sync/connectors/pgtypedhash.h"
#include "sync/connectors/postgrescatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/postgresranges.h"
#include "sync/connectors/postgressession.h"
#include "sync/connectors/postgrestypes.h"
#include "testsupport.h"
#include "tst_pgcopyread.h"

#include <QSqlQuery>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <cstring>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

QVariant scalar(const tf::db::Database &db, const QString &sql)
{
    QSqlQuery query = db.prepare(sql);
    db.exec(query, "test query");
    return query.next() ? query.value(0) : QVariant();
}

void exec(const tf::db::Database &db, const QString &sql)
{
    db.execDirect(sql, "test statement");
}

// The same value in the same representation: type, canonical bytes, and what canonical text
// cannot see (a double's bits, a string's nullness).
void compareValue(const QVariant &copied, const QVariant &queried, ValueType type, const QString &where)
{
    QVERIFY2(copied.isValid() == queried.isValid(), qPrintable(where));
    if (!queried.isValid())
        return;
    QVERIFY2(copied.typeId() == queried.typeId(),
             qPrintable(where + u": %1 vs %2"_s.arg(QLatin1String(copied.typeName()),
                                                    QLatin1String(queried.typeName()))));
    QVERIFY2(canonicalValue(copied, type) == canonicalValue(queried, type),
             qPrintable(where + u": "_s + QString::fromUtf8(canonicalValue(copied, type)) + u" vs "_s
                        + QString::fromUtf8(canonicalValue(queried, type))));
    QVERIFY2(tf::sync::pg::hashText(copied, type) == tf::sync::pg::hashText(queried, type),
             qPrintable(where));
    if (queried.typeId() == QMetaType::Double) {
        const double a = copied.toDouble();
        const double b = queried.toDouble();
        QVERIFY2(std::memcmp(&a, &b, sizeof a) == 0, qPrintable(where));
    } else if (queried.typeId() == QMetaType::QString) {
        QVERIFY2(copied.toString() == queried.toString(), qPrintable(where));
        QVERIFY2(copied.toString().isNull() == queried.toString().isNull(), qPrintable(where));
    } else if (queried.typeId() == QMetaType::QByteArray) {
        QVERIFY2(copied.toByteArray() == queried.toByteArray(), qPrintable(where));
    } else {
        QVERIFY2(copied == queried, qPrintable(where));
    }
}

} // namespace

class TestPgCopyRead final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void copyGivesTheQueryPathsValues();
    void connectorReadsMatchTheQueryPath();
    void readSinceAndByKeysMatch();
    void hashComputedHereIsTheServers();
    void copyFormsAreTheTextFormsByteForByte();
    void earlyStopCancelsAndConnectionStaysUsable();
    void errorsKeepTheirKind();
    void lostConnectionMidReadIsUnavailableThenRecovers();
    void sinkErrorStopsTheReader();

private:
    // Every row of `table`, read by the query path (stream + readRow) and by copyRows.
    QList<Row> readByQuery(const tf::sync::pg::Selection &selection, const QString &sql);
    QList<Row> readByCopy(const tf::sync::pg::Selection &selection, const QString &sql);
    void compareRows(const QList<Row> &copied, const QList<Row> &queried, const Schema &schema);
    QList<Row> connectorRead(const QString &entity, int batchSize = 2);

    QString m_url;
    std::unique_ptr<tf::db::Database> m_admin;
    std::unique_ptr<tf::db::Database> m_reads;
    std::unique_ptr<tf::sync::pg::PgCatalog> m_catalog;
    std::unique_ptr<PostgresConnector> m_pg;
};

void TestPgCopyRead::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfcopy"_s);
    TF_REQUIRE_POSTGRES(m_url);
    const auto url = tf::db::DatabaseUrl::parse(m_url);
    m_admin = std::make_unique<tf::db::Database>(url);
    m_reads = std::make_unique<tf::db::Database>(url);
    m_catalog = std::make_unique<tf::sync::pg::PgCatalog>(*m_admin, u"public"_s);
    exec(*m_admin, u"CREATE DOMAIN posint AS int4 CHECK (VALUE > 0)"_s);
    exec(*m_admin, u"CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')"_s);
    exec(*m_admin, QString::fromUtf8(kTable));
    exec(*m_admin, QString::fromUtf8(kRows));
    exec(*m_admin, QString::fromUtf8(kEdges));
    exec(*m_admin, u"CREATE TABLE many (id int8 PRIMARY KEY, at timestamptz, note text)"_s);
    exec(*m_admin, u"INSERT INTO many SELECT i, TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * "
                   "INTERVAL '1.000001 second', 'row ' || i FROM generate_series(1, 200000) i"_s);
    m_pg = std::make_unique<PostgresConnector>(
        SystemSettings { u"postgres"_s, { { u"url"_s, m_url } }, {} });
}

void TestPgCopyRead::cleanupTestCase()
{
    m_pg.reset();
    m_catalog.reset();
    m_reads.reset();
    m_admin.reset();
}

QList<Row> TestPgCopyRead::readByQuery(const tf::sync::pg::Selection &selection, const QString &sql)
{
    QList<Row> rows;
    const BatchSink sink = [&](const RowBatch &batch) {
        rows << batch.rows;
        return true;
    };
    tf::sync::pg::Batcher batcher(selection.schema, 3, sink);
    tf::sync::pg::stream(*m_reads, sql, {}, u"reading"_s, [&](const QSqlQuery &query) {
        return tf::sync::pg::readRow(query, selection, batcher);
    });
    batcher.flush();
    return rows;
}

QList<Row> TestPgCopyRead::readByCopy(const tf::sync::pg::Selection &selection, const QString &sql)
{
    QList<Row> rows;
    // The caller's SELECT of textList(), read as copyRows reads: with copyList().
    QString copySql = sql;
    copySql.replace(tf::sync::pg::textList(selection.columns), tf::sync::pg::copyList(selection.columns));
    tf::sync::pg::copyRows(*m_reads, selection, {}, [&](const QStringList &) { return copySql; },
                           u"reading"_s, [&](Row &&row, QByteArray &&) {
                               rows << std::move(row);
                               return true;
                           });
    return rows;
}

void TestPgCopyRead::compareRows(const QList<Row> &copied, const QList<Row> &queried,
                                 const Schema &schema)
{
    QCOMPARE(copied.size(), queried.size());
    for (qsizetype r = 0; r < queried.size(); ++r) {
        QCOMPARE(copied.at(r).size(), queried.at(r).size());
        for (int c = 0; c < schema.size(); ++c) {
            compareValue(copied.at(r).at(c), queried.at(r).at(c), schema.at(c).type,
                         u"row %1 column %2"_s.arg(r).arg(schema.at(c).name));
            if (QTest::currentTestFailed())
                return;
        }
        QCOMPARE(rowHash(copied.at(r), schema), rowHash(queried.at(r), schema));
        QCOMPARE(tf::sync::pg::recordHash(copied.at(r), schema),
                 tf::sync::pg::recordHash(queried.at(r), schema));
    }
}

QList<Row> TestPgCopyRead::connectorRead(const QString &entity, int batchSize)
{
    QList<Row> rows;
    m_pg->readAll(ReadRequest { entity, {}, {}, batchSize }, [&](const RowBatch &batch) {
        rows << batch.rows;
        return true;
    });
    return rows;
}

void TestPgCopyRead::copyGivesTheQueryPathsValues()
{
    for (const QString &table : { u"every"_s, u"many"_s }) {
        const auto selection = tf::sync::pg::selectionFor(*m_catalog, ReadRequest { table, {}, {}, 100 });
        const QString sql = u"SELECT %1 FROM %2 AS t%3"_s.arg(
            tf::sync::pg::textList(selection.columns), selection.table.qualifiedName(),
            tf::sync::pg::orderBy(selection.keys));
        const QList<Row> queried = readByQuery(selection, sql);
        QCOMPARE(queried.size(), table == u"every"_s ? 6 : 200000);
        compareRows(readByCopy(selection, sql), queried, *selection.schema);
    }
    // Spot checks that the comparison is not of two wrong readings.
    const auto selection = tf::sync::pg::selectionFor(*m_catalog, ReadRequest { u"every"_s, {}, {}, 100 });
    const QList<Row> rows = readByCopy(selection, u"SELECT %1 FROM every AS t ORDER BY id"_s.arg(
                                                       tf::sync::pg::textList(selection.columns)));
    QCOMPARE(rows.at(0).at(1).toString(), u"tab\there\nnew\\back\rcr\bbs\fff\vvt\x01"_s);
    QCOMPARE(rows.at(2).at(1).toString(), u"\\N"_s);
    QVERIFY(!rows.at(1).at(1).isValid());
    QCOMPARE(rows.at(0).at(14).toByteArray(), QByteArray::fromHex("00010203ff5c4e09"));
    QCOMPARE(rows.at(0).at(6).toString(), u"123456789012345678901234567890.000000000000000000001"_s);
    QCOMPARE(canonicalValue(rows.at(0).at(12), ValueType::Timestamp), QByteArray("2024-03-10T08:30:00.123456"));
    QVERIFY(std::signbit(rows.at(2).at(9).toDouble()));
}

void TestPgCopyRead::connectorReadsMatchTheQueryPath()
{
    for (const QString &table : { u"every"_s, u"many"_s }) {
        const auto selection = tf::sync::pg::selectionFor(*m_catalog, ReadRequest { table, {}, {}, 100 });
        const QString sql = u"SELECT %1 FROM %2 AS t%3"_s.arg(
            tf::sync::pg::textList(selection.columns), selection.table.qualifiedName(),
            tf::sync::pg::orderBy(selection.keys));
        // Batches of 2 (every) and 777 (many): a short last batch, many queue hand-overs.
        compareRows(connectorRead(table, table == u"every"_s ? 2 : 777), readByQuery(selection, sql),
                    *selection.schema);
    }
}

void TestPgCopyRead::readSinceAndByKeysMatch()
{
    const auto selection = tf::sync::pg::selectionFor(*m_catalog, ReadRequest { u"many"_s, {}, {}, 100 });
    const QString where = u" WHERE (t.at, t.id) > (TIMESTAMPTZ '2024-01-02 00:00:00+00', 5) "
                          "ORDER BY t.at, t.id"_s;
    const QList<Row> expected = readByQuery(
        selection, u"SELECT %1 FROM many AS t"_s.arg(tf::sync::pg::textList(selection.columns)) + where);
    QVERIFY(expected.size() > 100000);
    Checkpoint after;
    after.cursor = TimeValue::fromCivil(TimeValue::Kind::TimestampTz, 2024, 1, 2).toVariant();
    after.key = { qint64(5) };
    QList<Row> since;
    m_pg->readSince(ReadRequest { u"many"_s, {}, {}, 5000 }, u"at"_s, after,
                    [&](const RowBatch &batch) {
                        since << batch.rows;
                        return true;
                    });
    compareRows(since, expected, *selection.schema);

    // By keys, in chunks of the batch size, including keys that do not exist.
    QList<KeyValues> keys;
    for (qint64 id = 199990; id <= 200010; ++id)
        keys << KeyValues { id };
    keys << KeyValues { qint64(1) };
    QList<Row> byKeys;
    m_pg->readByKeys(ReadRequest { u"many"_s, {}, {}, 4 }, keys, [&](const RowBatch &batch) {
        byKeys << batch.rows;
        return true;
    });
    QList<Row> keyed = readByQuery(
        selection, u"SELECT %1 FROM many AS t WHERE id >= 199990 ORDER BY id"_s.arg(
                       tf::sync::pg::textList(selection.columns)));
    keyed.prepend(readByQuery(selection, u"SELECT %1 FROM many AS t WHERE id = 1"_s.arg(
                                             tf::sync::pg::textList(selection.columns))).value(0));
    std::sort(byKeys.begin(), byKeys.end(), [](const Row &a, const Row &b) {
        return a.at(0).toLongLong() < b.at(0).toLongLong();
    });
    compareRows(byKeys, keyed, *selection.schema);
}

// The typed source hash tfctl computes from the COPY fields (SourceHash::Computed) is the
// server's sourceHashExpression(), byte for byte, for every type and edge value: stored state
// stays valid, and a hash run after a full sync finds nothing changed.
void TestPgCopyRead::hashComputedHereIsTheServers()
{
    QCOMPARE(scalar(*m_admin, QString::fromLatin1(tf::sync::pg::typedHashProbeSql())).toString().toLatin1(),
             tf::sync::pg::typedHashProbeExpected());
    for (const QString &table : { u"every"_s, u"edges"_s, u"many"_s }) {
        const auto selection = tf::sync::pg::selectionFor(*m_catalog, ReadRequest { table, {}, {}, 100 });
        const QString from = u" FROM %1 AS t%2"_s.arg(selection.table.qualifiedName(),
                                                      tf::sync::pg::orderBy(selection.keys));
        const auto hashes = [&](const QString &sql, tf::sync::pg::SourceHash hash) {
            QList<QByteArray> out;
            tf::sync::pg::copyRows(*m_reads, selection, {}, [&](const QStringList &) { return sql; },
                                   u"reading"_s, [&](Row &&, QByteArray &&rowHash) {
                                       out << rowHash;
                                       return true;
                                   }, hash);
            return out;
        };
        const QList<QByteArray> server = hashes(
            u"SELECT %1, %2"_s.arg(tf::sync::pg::copyList(selection.columns),
                                   tf::sync::pg::sourceHashExpression(selection.columns, true)) + from,
            tf::sync::pg::SourceHash::Selected);
        const QList<QByteArray> here = hashes(u"SELECT %1"_s.arg(tf::sync::pg::copyList(selection.columns)) + from,
                                              tf::sync::pg::SourceHash::Computed);
        QVERIFY(server.size() >= 6);
        QCOMPARE(here.size(), server.size());
        for (qsizetype i = 0; i < server.size(); ++i)
            QVERIFY2(here.at(i) == server.at(i), qPrintable(u"%1 row %2: %3 vs the server's %4"_s.arg(table).arg(i).arg(
                                                     QString::fromLatin1(here.at(i)), QString::fromLatin1(server.at(i)))));
        // The connector's read with source hashes computes them here and gives the same.
        QList<QByteArray> read;
        ReadRequest request { table, {}, {}, 777 };
        request.withSourceHashes = true;
        m_pg->readAll(request, [&](const RowBatch &batch) {
            read << batch.hashes;
            return true;
        });
        QCOMPARE(read, server);
    }
}

// The COPY read's select (copyList) against textList, field by field on the raw COPY text:
// where a column is selected plain, its bytes are the text cast's; numeric trimmed here is
// trim_scale's text; a timestamp's send-hex read back gives textExpression()'s microseconds
// exactly. One byte of difference fails.
void TestPgCopyRead::copyFormsAreTheTextFormsByteForByte()
{
    const auto fields = [&](const QString &sql, int columns) {
        QList<QList<QByteArray>> rows; // a null QByteArray for NULL
        tf::sync::pg::PgSession session(*m_reads);
        tf::sync::pg::PgCopyOut copy(session, u"COPY (%1) TO STDOUT"_s.arg(sql).toUtf8(), u"reading"_s);
        tf::sync::pg::CopyTextParser parser;
        QByteArrayView line;
        while (copy.next(&line)) {
            parser.parse(line, columns, u"reading"_s);
            QList<QByteArray> row;
            for (int i = 0; i < columns; ++i)
                row << (parser.isNull(i) ? QByteArray() : QByteArray(parser.field(i).data(), parser.field(i).size()));
            rows << row;
        }
        return rows;
    };
    int plain = 0, trimmed = 0, timestamps = 0;
    for (const QString &table : { u"every"_s, u"edges"_s, u"many"_s }) {
        const auto selection = tf::sync::pg::selectionFor(*m_catalog, ReadRequest { table, {}, {}, 100 });
        const QString from = u" FROM %1 AS t%2"_s.arg(selection.table.qualifiedName(),
                                                      tf::sync::pg::orderBy(selection.keys));
        const int columns = int(selection.columns.size());
        const auto before = fields(u"SELECT %1"_s.arg(tf::sync::pg::textList(selection.columns)) + from, columns);
        const auto after = fields(u"SELECT %1"_s.arg(tf::sync::pg::copyList(selection.columns)) + from, columns);
        QCOMPARE(after.size(), before.size());
        for (qsizetype r = 0; r < before.size(); ++r) {
            for (int c = 0; c < columns; ++c) {
                const tf::sync::pg::PgColumn &column = selection.columns.at(c);
                const QByteArray &old = before.at(r).at(c);
                const QByteArray &now = after.at(r).at(c);
                const QString where = u"%1 row %2 column %3: '%4' vs '%5'"_s.arg(table).arg(r).arg(
                    column.name, QString::fromUtf8(now), QString::fromUtf8(old));
                QVERIFY2(old.isNull() == now.isNull(), qPrintable(where));
                if (old.isNull())
                    continue;
                QByteArray read = now;
                if (column.type == ValueType::Decimal) {
                    read = tf::sync::pg::trimmedNumeric(now).toByteArray();
                    ++trimmed;
                } else if (column.type == ValueType::Timestamp || column.type == ValueType::TimestampTz) {
                    read = tf::sync::pg::hashText(tf::sync::pg::valueFromCopyField(now, column), column.type);
                    ++timestamps;
                } else {
                    ++plain;
                }
                QVERIFY2(read == old, qPrintable(where));
            }
        }
    }
    QVERIFY(plain > 0 && trimmed > 0 && timestamps > 0);
}

void TestPgCopyRead::earlyStopCancelsAndConnectionStaysUsable()
{
    int seen = 0;
    QElapsedTimer timer;
    timer.start();
    m_pg->readAll(ReadRequest { u"many"_s, {}, {}, 100 }, [&](const RowBatch &) { return ++seen < 2; });
    QCOMPARE(seen, 2);
    // readByKeys reads on the caller's connection: stopping it must leave that usable.
    QList<KeyValues> keys;
    for (qint64 id = 1; id <= 1000; ++id)
        keys << KeyValues { id };
    seen = 0;
    m_pg->readByKeys(ReadRequest { u"many"_s, {}, {}, 10 }, keys, [&](const RowBatch &) { return ++seen < 3; });
    QCOMPARE(seen, 3);
    QCOMPARE(connectorRead(u"every"_s).size(), 6);
    int rows = 0;
    m_pg->readByKeys(ReadRequest { u"many"_s, {}, {}, 500 }, keys, [&](const RowBatch &batch) {
        rows += int(batch.rows.size());
        return true;
    });
    QCOMPARE(rows, 1000);
    qInfo("two stopped reads and three full ones took %lld ms", timer.elapsed());
    // No COPY is left running on the server.
    QCOMPARE(scalar(*m_admin, u"SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                              "query LIKE 'COPY (%'"_s).toInt(), 0);
}

void TestPgCopyRead::errorsKeepTheirKind()
{
    exec(*m_admin, u"CREATE TABLE doomed (id int PRIMARY KEY, v text)"_s);
    exec(*m_admin, u"INSERT INTO doomed VALUES (1, 'a')"_s);
    QCOMPARE(connectorRead(u"doomed"_s).size(), 1);
    // The catalog still knows the table; the server no longer has it: the query path's kind.
    exec(*m_admin, u"DROP TABLE doomed"_s);
    try {
        connectorRead(u"doomed"_s);
        QFAIL("reading a dropped table succeeded");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Internal);
        QVERIFY2(error.message().contains(u"reading \"public\".\"doomed\""_s), qPrintable(error.message()));
        QVERIFY2(error.message().contains(u"does not exist"_s), qPrintable(error.message()));
    }
    QCOMPARE(connectorRead(u"every"_s).size(), 6);
}

void TestPgCopyRead::lostConnectionMidReadIsUnavailableThenRecovers()
{
    int batches = 0;
    int terminated = -1;
    try {
        m_pg->readAll(ReadRequest { u"many"_s, {}, {}, 1000 }, [&](const RowBatch &) {
            if (++batches == 1) {
                // The reading backend is the one running our COPY.
                terminated = scalar(*m_admin, u"SELECT count(pg_terminate_backend(pid)) FROM "
                                          "pg_stat_activity WHERE state = 'active' AND "
                                          "query LIKE 'COPY (SELECT%many%' AND pid <> pg_backend_pid()"_s).toInt();
            }
            return true;
        });
        QFAIL("the read survived its backend's termination");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
    }
    QCOMPARE(terminated, 1);
    QVERIFY2(batches < 200, "every batch arrived after the backend was gone");
    QCOMPARE(connectorRead(u"many"_s, 5000).size(), 200000);
}

void TestPgCopyRead::sinkErrorStopsTheReader()
{
    try {
        m_pg->readAll(ReadRequest { u"many"_s, {}, {}, 100 }, [&](const RowBatch &) -> bool {
            throw tf::Error(tf::Error::Kind::Validation, u"the sink refuses"_s);
        });
        QFAIL("the sink's error was lost");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QCOMPARE(error.message(), u"the sink refuses"_s);
    }
    QCOMPARE(scalar(*m_admin, u"SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                              "AND query LIKE 'COPY (SELECT%many%' AND pid <> pg_backend_pid()"_s).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestPgCopyRead)
#include "tst_pgcopyread.moc"
