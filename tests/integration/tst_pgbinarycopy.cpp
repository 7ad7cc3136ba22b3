// COPY's binary form for writes (pgbinarycopy.h): every value that has one must be stored
// exactly as its text input stores it (compared by the types' send functions, which show
// every bit: a numeric's display scale, a float's sign of zero), a value the server refuses
// as text it refuses in binary with the same SQLSTATE, and a value without a binary form
// (infinity, NaN, another representation, too wide) is said so, so the writer sends its batch
// as text. Then the writer itself: batches with and without such values, merged and first
// loads, read back value for value.
#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/pgbinarycopy.h"
#include "sync/connectors/postgrescatalog.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/postgressession.h"
#include "sync/connectors/postgrestypes.h"
#include "testsupport.h"

#include <QSqlQuery>
#include <QtTest>
#include <cmath>
#include <limits>

using namespace tf::sync;
using namespace Qt::StringLiterals;
using tf::sync::pg::BinaryForm;

namespace {

struct Case
{
    QVariant value;
    bool binary = true; // has a binary form
};

struct ColumnCases
{
    QString name;
    QString sqlType;
    QString send; // the type's send function
    ValueType type;
    BinaryForm form;
    QList<Case> cases;
};

QVariant time(TimeValue::Kind kind, qint64 year, int month, int day, int hour = 0, int minute = 0,
              int second = 0, int micro = 0)
{
    const TimeValue value = TimeValue::fromCivil(kind, year, month, day, hour, minute, second, micro);
    Q_ASSERT(value.isValid());
    return value.toVariant();
}

QVariant infinity(TimeValue::Kind kind, bool positive)
{
    return TimeValue::infinity(kind, positive).toVariant();
}

QList<ColumnCases> columnCases()
{
    using K = TimeValue::Kind;
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const QVariant null;
    QString withNul = u"a"_s;
    withNul += QChar(0);
    withNul += u"b"_s;
    QString digits1000;
    for (int i = 0; i < 1000; ++i)
        digits1000 += QChar(u'0' + (i * 7 + 3) % 10);
    QList<ColumnCases> all;
    all << ColumnCases { u"i2"_s, u"int2"_s, u"int2send"_s, ValueType::Integer, BinaryForm::Int2,
          { { qint64(0) }, { qint64(-1) }, { qint64(32767) }, { qint64(-32768) }, { QVariant(int(12)) },
            { qint64(32768), false }, { qint64(-40000), false }, { u"7"_s, false }, { null } } };
    all << ColumnCases { u"i4"_s, u"int4"_s, u"int4send"_s, ValueType::Integer, BinaryForm::Int4,
          { { qint64(2147483647) }, { qint64(-2147483648LL) }, { qint64(0) }, { qint64(1) << 33, false },
            { 1.0, false }, { null } } };
    all << ColumnCases { u"i8"_s, u"int8"_s, u"int8send"_s, ValueType::Integer, BinaryForm::Int8,
          { { std::numeric_limits<qint64>::max() }, { std::numeric_limits<qint64>::min() }, { qint64(0) },
            { qint64(42) }, { null } } };
    all << ColumnCases { u"f4"_s, u"float4"_s, u"float4send"_s, ValueType::Double, BinaryForm::Float4,
          { { 1.5 }, { -0.0 }, { double(1e-40f) }, { double(std::numeric_limits<float>::max()) },
            { double(std::numeric_limits<float>::denorm_min()) }, { inf }, { -inf }, { 0.1, false },
            { 1e300, false }, { nan, false }, { null } } };
    all << ColumnCases { u"f8"_s, u"float8"_s, u"float8send"_s, ValueType::Double, BinaryForm::Float8,
          { { 0.1 }, { -0.0 }, { 4.9e-324 }, { 1e-310 }, { 1.7976931348623157e308 }, { inf }, { -inf },
            { 1.0 / 3 }, { nan, false }, { qint64(5), false }, { null } } };
    all << ColumnCases { u"n"_s, u"numeric"_s, u"numeric_send"_s, ValueType::Decimal, BinaryForm::Numeric,
          { { u"0"_s }, { u"-0"_s }, { u"0.000"_s }, { u"123.4500"_s }, { u"-123.45"_s }, { u".5"_s },
            { u"5."_s }, { u"0.00000000000000000000001"_s },
            { u"123456789012345678901234567890.000000000000000000001"_s }, { u"10000"_s },
            { u"9999.9999"_s }, { u"100000000"_s }, { u"-0.0001"_s }, { u"00012.34000"_s },
            { u"1.0001000"_s }, { QString(digits1000 + u"."_s + digits1000) }, { u"NaN"_s, false },
            { u"Infinity"_s, false }, { u"-Infinity"_s, false }, { u"1e5"_s, false }, { u"+1"_s, false },
            { u" 1"_s, false }, { u""_s, false }, { u"."_s, false }, { u"-"_s, false }, { u"1.2.3"_s, false },
            { qint64(5), false }, { null } } };
    all << ColumnCases { u"n2"_s, u"numeric(12,2)"_s, u"numeric_send"_s, ValueType::Decimal, BinaryForm::Numeric,
          { { u"12.50"_s }, { u"1.005"_s }, { u"1234567890.12"_s }, { u"12345678901.00"_s }, { u"-0.01"_s },
            { u"0.001"_s }, { u"-0.004"_s }, { null } } };
    all << ColumnCases { u"t"_s, u"text"_s, u"textsend"_s, ValueType::Text, BinaryForm::Text,
          { { u""_s }, { QString() }, { u"tab\there\nnew\\back\rcr"_s }, { u"é😀 \u00a0"_s }, { u"\\N"_s },
            { QString(QString(10000, u'x') + u"€"_s) }, { withNul, false }, { qint64(1), false }, { null } } };
    all << ColumnCases { u"vc"_s, u"varchar(10)"_s, u"varcharsend"_s, ValueType::Text, BinaryForm::Text,
          { { u"abc"_s }, { u"0123456789"_s }, { u"01234567890"_s }, { u"0123456789   "_s },
            { u"éééééééééé"_s }, { null } } };
    all << ColumnCases { u"ch"_s, u"char(8)"_s, u"bpcharsend"_s, ValueType::Text, BinaryForm::Text,
          { { u"ab"_s }, { u"abcdefgh  "_s }, { u"abcdefghi"_s }, { u""_s }, { null } } };
    all << ColumnCases { u"b"_s, u"bool"_s, u"boolsend"_s, ValueType::Boolean, BinaryForm::Bool,
          { { true }, { false }, { u"t"_s, false }, { null } } };
    all << ColumnCases { u"by"_s, u"bytea"_s, u"byteasend"_s, ValueType::Bytes, BinaryForm::Bytea,
          { { QByteArray() }, { QByteArray("\x00\x01\xff\\\t\n", 6) }, { QByteArray(5000, '\x5c') },
            { u"ab"_s, false }, { null } } };
    all << ColumnCases { u"d"_s, u"date"_s, u"date_send"_s, ValueType::Date, BinaryForm::Date,
          { { time(K::Date, 2000, 1, 1) }, { time(K::Date, 1970, 1, 1) }, { time(K::Date, 1999, 12, 31) },
            { time(K::Date, -4712, 1, 1) }, { time(K::Date, 5874897, 12, 31) }, { time(K::Date, 2024, 2, 29) },
            { infinity(K::Date, true), false }, { infinity(K::Date, false), false },
            { TimeValue::fromDays(-2440589).toVariant(), false }, { time(K::Timestamp, 2000, 1, 1), false },
            { null } } };
    all << ColumnCases { u"ts"_s, u"timestamp"_s, u"timestamp_send"_s, ValueType::Timestamp, BinaryForm::Timestamp,
          { { time(K::Timestamp, 2000, 1, 1) }, { time(K::Timestamp, 1999, 12, 31, 23, 59, 59, 999999) },
            { time(K::Timestamp, 294276, 12, 31, 23, 59, 59, 999999) }, { time(K::Timestamp, -4712, 11, 24) },
            { time(K::Timestamp, 1, 1, 1, 0, 0, 0, 1) }, { infinity(K::Timestamp, true), false },
            { infinity(K::Timestamp, false), false }, { time(K::TimestampTz, 2000, 1, 1), false },
            { null } } };
    all << ColumnCases { u"ts3"_s, u"timestamp(3)"_s, u"timestamp_send"_s, ValueType::Timestamp, BinaryForm::Timestamp,
          { { time(K::Timestamp, 2024, 1, 1, 0, 0, 0, 123456) }, { time(K::Timestamp, 2024, 1, 1, 0, 0, 0, 123500) },
            { time(K::Timestamp, 1999, 12, 31, 23, 59, 59, 999999) }, { null } } };
    all << ColumnCases { u"tz"_s, u"timestamptz"_s, u"timestamptz_send"_s, ValueType::TimestampTz, BinaryForm::TimestampTz,
          { { time(K::TimestampTz, 2024, 3, 10, 8, 30, 0, 654321) }, { time(K::TimestampTz, 2000, 1, 1) },
            { time(K::TimestampTz, -4712, 11, 24) }, { infinity(K::TimestampTz, true), false },
            { time(K::Timestamp, 2024, 3, 10), false }, { null } } };
    return all;
}

// How a COPY ended: "" when it stored its row, else the server's SQLSTATE.
QString copyOutcome(tf::sync::pg::PgSession &session, const QByteArray &sql, const QByteArray &data,
                    bool binary)
{
    try {
        tf::sync::pg::PgCopyIn copy(session, sql, u"copying"_s);
        if (binary) {
            copy.send(data, 1);
        } else {
            copy.buffer() += data;
            copy.endRow();
        }
        copy.finish();
        return {};
    } catch (const tf::Error &error) {
        const QString state = error.details().value(u"sqlstate"_s).toString();
        return state.isEmpty() ? u"no sqlstate: "_s + error.message() : state;
    }
}

// A decimal as reads give it: numeric(p,s) keeps s digits, reads drop the trailing zeros.
QByteArray comparable(const QVariant &value, ValueType type)
{
    QByteArray text = canonicalValue(value, type);
    if (type == ValueType::Decimal && text.contains('.')) {
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
    }
    return text;
}

} // namespace

class TestPgBinaryCopy final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void binaryStoresWhatTextStores();
    void tablesWithoutABinaryFormGoAsText();
    void writerStoresEveryBatchExactly();

private:
    QString m_url;
    std::unique_ptr<tf::db::Database> m_db;
};

void TestPgBinaryCopy::initTestCase()
{
    m_url = tf::test::createScratchPostgresDatabase(u"tfbincopy"_s);
    TF_REQUIRE_POSTGRES(m_url);
    m_db = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_url));
}

void TestPgBinaryCopy::cleanupTestCase()
{
    m_db.reset();
}

void TestPgBinaryCopy::binaryStoresWhatTextStores()
{
    tf::sync::pg::PgSession session(*m_db);
    tf::sync::pg::PgCatalog catalog(*m_db, u"public"_s);
    int encoded = 0;
    int refusedAlike = 0;
    for (const ColumnCases &column : columnCases()) {
        for (const char *prefix : { "t_", "b_" }) {
            session.exec(u"CREATE TABLE %1%2 (id int4, v %3)"_s.arg(QLatin1String(prefix), column.name, column.sqlType)
                             .toUtf8(),
                         u"creating"_s);
        }
        const tf::sync::pg::PgTable table = catalog.table(u"b_"_s + column.name);
        QCOMPARE(tf::sync::pg::binaryForms(table, { u"id"_s, u"v"_s }),
                 (QList<BinaryForm> { BinaryForm::Int4, column.form }));
        const tf::sync::pg::PgColumn &v = table.column(u"v"_s);
        for (qsizetype i = 0; i < column.cases.size(); ++i) {
            const Case &c = column.cases.at(i);
            const QString where = u"%1 case %2 (%3)"_s.arg(column.name).arg(i).arg(c.value.toString().left(40));
            QByteArray binary;
            tf::sync::pg::appendBinaryHeader(binary);
            tf::sync::pg::appendBinaryRowStart(binary, 2);
            QVERIFY(tf::sync::pg::appendBinaryField(binary, qint64(i), BinaryForm::Int4));
            const qsizetype before = binary.size();
            const bool hasForm = tf::sync::pg::appendBinaryField(binary, c.value, column.form);
            QVERIFY2(hasForm == c.binary, qPrintable(where + u": binary form %1"_s.arg(hasForm)));
            if (!hasForm) {
                QCOMPARE(binary.size(), before); // nothing left behind
                continue;
            }
            tf::sync::pg::appendBinaryTrailer(binary);
            QByteArray text = QByteArray::number(i) + '\t';
            tf::sync::pg::appendCopyField(text, c.value, v.type, v.name);
            const QString viaText = copyOutcome(
                session, u"COPY t_%1 (id, v) FROM STDIN"_s.arg(column.name).toUtf8(), text, false);
            const QString viaBinary = copyOutcome(
                session, u"COPY b_%1 (id, v) FROM STDIN WITH (FORMAT binary)"_s.arg(column.name).toUtf8(),
                binary, true);
            QVERIFY2(viaText == viaBinary, qPrintable(where + u": text '%1', binary '%2'"_s.arg(viaText, viaBinary)));
            ++encoded;
            if (!viaText.isEmpty())
                ++refusedAlike;
        }
        // Every row stored by both, bit for bit.
        QSqlQuery query = m_db->prepare(
            u"SELECT count(*), count(*) FILTER (WHERE t.id IS NULL OR b.id IS NULL"
            " OR %2(t.v) IS DISTINCT FROM %2(b.v)), string_agg(CASE WHEN %2(t.v) IS DISTINCT FROM %2(b.v)"
            " THEN t.id || ': ' || t.v::text || ' vs ' || b.v::text END, '; ')"
            " FROM t_%1 t FULL JOIN b_%1 b ON b.id = t.id"_s.arg(column.name, column.send));
        m_db->exec(query, "comparing");
        QVERIFY(query.next());
        QVERIFY2(query.value(1).toInt() == 0, qPrintable(column.name + u": "_s + query.value(2).toString()));
        QVERIFY2(query.value(0).toInt() > 0, qPrintable(column.name));
    }
    QVERIFY2(encoded >= 100, qPrintable(QString::number(encoded)));
    QVERIFY2(refusedAlike >= 3, qPrintable(QString::number(refusedAlike))); // numeric overflow, too long x2
}

void TestPgBinaryCopy::tablesWithoutABinaryFormGoAsText()
{
    m_db->execDirect(u"CREATE DOMAIN posint AS int4 CHECK (VALUE > 0);"
                     " CREATE TABLE plain (id int8, d posint, v varchar(3));"
                     " CREATE TABLE other (id int8, j json)"_s,
                     "creating");
    tf::sync::pg::PgCatalog catalog(*m_db, u"public"_s);
    const tf::sync::pg::PgTable plain = catalog.table(u"plain"_s);
    QCOMPARE(tf::sync::pg::binaryForms(plain, { u"id"_s, u"d"_s, u"v"_s }),
             (QList<BinaryForm> { BinaryForm::Int8, BinaryForm::Int4, BinaryForm::Text }));
    QVERIFY(tf::sync::pg::binaryForms(plain, { u"id"_s, u"missing"_s }).isEmpty());
    const tf::sync::pg::PgTable other = catalog.table(u"other"_s);
    QVERIFY(tf::sync::pg::binaryForms(other, { u"id"_s, u"j"_s }).isEmpty());
    QCOMPARE(tf::sync::pg::binaryForms(other, { u"id"_s }), QList<BinaryForm> { BinaryForm::Int8 });

    // A domain's check holds in binary as in text.
    tf::sync::pg::PgSession session(*m_db);
    QByteArray binary;
    tf::sync::pg::appendBinaryHeader(binary);
    tf::sync::pg::appendBinaryRowStart(binary, 1);
    QVERIFY(tf::sync::pg::appendBinaryField(binary, qint64(-5), BinaryForm::Int4));
    tf::sync::pg::appendBinaryTrailer(binary);
    QCOMPARE(copyOutcome(session, "COPY plain (d) FROM STDIN WITH (FORMAT binary)", binary, true), u"23514"_s);
    QCOMPARE(copyOutcome(session, "COPY plain (d) FROM STDIN", "-5", false), u"23514"_s);
}

void TestPgBinaryCopy::writerStoresEveryBatchExactly()
{
    m_db->execDirect(u"CREATE TABLE w (id int8 PRIMARY KEY, n numeric(14,2), f float8, t text, ts timestamp,"
                     " d date, b bool)"_s,
                     "creating");
    PostgresConnector pg(SystemSettings { u"postgres"_s, { { u"url"_s, m_url } }, {} });
    const auto schema = std::make_shared<const Schema>(QList<Column> {
        { u"id"_s, ValueType::Integer }, { u"n"_s, ValueType::Decimal }, { u"f"_s, ValueType::Double },
        { u"t"_s, ValueType::Text }, { u"ts"_s, ValueType::Timestamp }, { u"d"_s, ValueType::Date },
        { u"b"_s, ValueType::Boolean } });
    using K = TimeValue::Kind;
    const auto row = [&](qint64 id, const QVariant &ts) {
        return Row { id, u"%1.%2"_s.arg(id * 37).arg(id % 100, 2, 10, QChar(u'0')), id / 7.0,
                     id % 5 == 0 ? QVariant() : QVariant(u"row é %1\t\\"_s.arg(id)), ts,
                     time(K::Date, 2000 + id % 30, 1 + id % 12, 1 + id % 28), id % 2 == 0 };
    };
    QList<Row> expected;
    const auto apply = [&](qint64 from, qint64 to, bool intoEmpty, qint64 infinityAt) {
        ChangeBatch batch;
        batch.pairId = u"pair-1"_s;
        batch.entity = u"w"_s;
        batch.stateEntity = u"w"_s;
        batch.keyColumns = { u"id"_s };
        batch.schema = schema;
        batch.intoEmpty = intoEmpty;
        for (qint64 id = from; id < to; ++id) {
            const QVariant ts = id == infinityAt ? infinity(K::Timestamp, true)
                                                 : time(K::Timestamp, 2024, 1, 1, 0, 0, int(id % 60), int(id * 13 % 1000000));
            batch.upserts << row(id, ts);
        }
        pg.apply(batch);
        for (const Row &r : std::as_const(batch.upserts)) {
            bool replaced = false;
            for (Row &e : expected) {
                if (e.at(0) == r.at(0)) {
                    e = r;
                    replaced = true;
                }
            }
            if (!replaced)
                expected << r;
        }
    };
    apply(1, 500, true, -1); // a first load: binary
    apply(500, 1000, false, 700); // merged, one value without a binary form: as text
    apply(900, 1200, false, -1); // merged over rows there: binary
    QList<Row> rows;
    pg.readAll(ReadRequest { u"w"_s, {}, { u"id"_s }, 1000 }, [&](const RowBatch &batch) {
        rows << batch.rows;
        return true;
    });
    QCOMPARE(rows.size(), expected.size());
    std::sort(expected.begin(), expected.end(), [](const Row &a, const Row &b) { return a.at(0).toLongLong() < b.at(0).toLongLong(); });
    for (qsizetype r = 0; r < rows.size(); ++r) {
        for (int c = 0; c < schema->size(); ++c) {
            const ValueType type = schema->at(c).type;
            QVERIFY2(comparable(rows.at(r).at(c), type) == comparable(expected.at(r).at(c), type),
                     qPrintable(u"row %1 column %2: %3 vs %4"_s.arg(r).arg(schema->at(c).name,
                                                                      QString::fromUtf8(comparable(rows.at(r).at(c), type)),
                                                                      QString::fromUtf8(comparable(expected.at(r).at(c), type)))));
        }
    }
}

QTEST_GUILESS_MAIN(TestPgBinaryCopy)
#include "tst_pgbinarycopy.moc"
