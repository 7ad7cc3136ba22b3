// The SQLite connector over real database files, and the SQL state stores (inside an SQLite
// target; in SQLite and PostgreSQL control databases).
#include "core/errors.h"
#include "db/connection.h"
#include "sync/connectors/controldbstatestore.h"
#include "sync/connectors/sqliteconnector.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTimeZone>
#include <QtTest>

using namespace tf::sync;

namespace {

#define QVERIFY_TF_ERROR(expression, expectedKind, fragment)                                       \
    do {                                                                                           \
        try {                                                                                      \
            expression;                                                                            \
            QFAIL("no tf::Error from " #expression);                                               \
        } catch (const tf::Error &error) {                                                         \
            QCOMPARE(error.kind(), expectedKind);                                                  \
            QVERIFY2(error.message().contains(fragment), qPrintable(error.message()));             \
        }                                                                                          \
    } while (false)

const QString kNastyColumns = QStringLiteral(
    "(\"Group\" TEXT NOT NULL, \"Order Id\" INTEGER NOT NULL, \"Value \"\"Text\"\"\" TEXT, \"Amount\" DECIMAL TEXT, "
    "\"Fraction\" DECIMAL TEXT, ratio DOUBLE, \"When\" TIMESTAMPTZ, \"Local Time\" TIMESTAMP, day DATE, flag BOOLEAN, "
    "payload BLOB, id UUID, doc JSON, PRIMARY KEY (\"Group\", \"Order Id\"))");

SystemSettings settingsFor(const QString &path)
{
    return { QStringLiteral("sqlite"), QJsonObject { { QStringLiteral("path"), path } }, {} };
}

void run(const QString &path, const QStringList &statements)
{
    tf::db::Database database(tf::db::DatabaseUrl::parse(path)); // a plain path is SQLite
    for (const QString &sql : statements)
        database.execDirect(sql, "test setup");
}

qint64 scalar(const QString &path, const QString &sql)
{
    tf::db::Database database(tf::db::DatabaseUrl::parse(path)); // a plain path is SQLite
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "test query");
    return query.next() ? query.value(0).toLongLong() : -1;
}

QList<Row> readRows(SourceConnector &source, const QString &entity, int batchSize = 1000, int *batches = nullptr)
{
    QList<Row> rows;
    ReadRequest request;
    request.entity = entity;
    request.batchSize = batchSize;
    source.readAll(request, [&](const RowBatch &batch) {
        if (batches)
            ++*batches;
        rows << batch.rows;
        return true;
    });
    return rows;
}

void compareRows(const QList<Row> &actual, const QList<Row> &expected, const Schema &schema)
{
    QCOMPARE(actual.size(), expected.size());
    for (int r = 0; r < actual.size(); ++r) {
        for (int c = 0; c < schema.size(); ++c) {
            const QVariant &a = actual.at(r).at(c);
            // The expectation in the row model's representation (e.g. a QDateTime as TimeValue).
            QVariant e = expected.at(r).at(c);
            QString coerceError;
            if (!e.isNull() && e.isValid() && schema.at(c).type != ValueType::Bytes
                && !coerceValue(expected.at(r).at(c), schema.at(c).type, &e, &coerceError))
                QFAIL(qPrintable(coerceError));
            const QString where = QStringLiteral("row %1 column %2").arg(r).arg(schema.at(c).name);
            QVERIFY2(a.isNull() == e.isNull(), qPrintable(where));
            QVERIFY2(canonicalValue(a, schema.at(c).type) == canonicalValue(e, schema.at(c).type),
                     qPrintable(where + QStringLiteral(": ") + QString::fromUtf8(canonicalValue(a, schema.at(c).type))));
            if (!e.isNull())
                QVERIFY2(a.typeId() == e.typeId() && a == e, qPrintable(where));
        }
    }
}

ChangeBatch upsertBatch(const QString &entity, const Schema &schema, const QStringList &key, const QList<Row> &rows)
{
    ChangeBatch batch;
    batch.pairId = QStringLiteral("pair-1");
    batch.entity = entity;
    batch.keyColumns = key;
    batch.schema = std::make_shared<const Schema>(schema);
    batch.upserts = rows;
    return batch;
}

QByteArray allBytes()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

} // namespace

class TestSqliteConnector final : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void settingsAreChecked();
    void describeMapsDeclaredTypes();
    void nastyDataRoundTrip();
    void emptyTable();
    void applyIsIdempotentAndLeavesUnchangedRowsAlone();
    void deletesByCompositeKey();
    void numericAffinityKeepsWhatItCanAndRefusesRounding();
    void keyMustBeUnique();
    void readSinceBreaksTiesByKey();
    void readByKeysFindsFiveThousandKeys();
    void stateStoreStagesAndDiffs_data();
    void stateStoreStagesAndDiffs();
    void failingApplyLeavesNeitherDataNorState();

private:
    QString dbPath(const QString &name = QStringLiteral("data.db")) const { return m_dir->filePath(name); }

    std::unique_ptr<QTemporaryDir> m_dir; // a fresh folder for every test function
};

void TestSqliteConnector::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSqliteConnector::settingsAreChecked()
{
    QVERIFY_TF_ERROR(SqliteConnector(settingsFor(QStringLiteral("relative/file.db"))), tf::Error::Kind::Validation,
                     QStringLiteral("\"path\""));
    try {
        SqliteConnector connector(settingsFor(QString()));
        QFAIL("no error for a missing path");
    } catch (const tf::Error &error) {
        QCOMPARE(error.details().value(QStringLiteral("field")).toString(), QStringLiteral("path"));
    }
    SqliteConnector missing(settingsFor(dbPath(QStringLiteral("absent.db"))));
    QVERIFY_TF_ERROR(missing.entities(), tf::Error::Kind::Unavailable, QStringLiteral("does not exist"));
    QVERIFY(!QFile::exists(dbPath(QStringLiteral("absent.db"))));
}

void TestSqliteConnector::describeMapsDeclaredTypes()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE \"Mixed Case\" (b TEXT NOT NULL, a INTEGER NOT NULL, amount NUMERIC(12,2), "
                                   "exact DECIMAL TEXT, shape GEOMETRY, seen TIMESTAMP WITH TIME ZONE, raw BLOB, "
                                   "PRIMARY KEY (a, b))"),
                    QStringLiteral("CREATE TABLE \"select\" (x INTEGER)") });
    SqliteConnector connector(settingsFor(dbPath()));
    QCOMPARE(connector.entities(), (QStringList { QStringLiteral("Mixed Case"), QStringLiteral("select") }));
    const EntityDescription description = connector.describe(QStringLiteral("Mixed Case"));
    QCOMPARE(description.keyColumns, (QStringList { QStringLiteral("a"), QStringLiteral("b") }));
    const QList<ValueType> expected { ValueType::Text, ValueType::Integer, ValueType::Decimal, ValueType::Decimal,
                                      ValueType::Text, ValueType::TimestampTz, ValueType::Bytes };
    QCOMPARE(description.schema.size(), expected.size());
    for (int i = 0; i < expected.size(); ++i)
        QCOMPARE(description.schema.at(i).type, expected.at(i));
    QVERIFY(!description.schema.at(0).nullable);
    QVERIFY(description.schema.at(2).nullable);
    QVERIFY_TF_ERROR(connector.describe(QStringLiteral("nope")), tf::Error::Kind::NotFound, QStringLiteral("nope"));
}

void TestSqliteConnector::nastyDataRoundTrip()
{
    const QString table = QStringLiteral("Select \"Quoted\" Table");
    run(dbPath(), { QStringLiteral("CREATE TABLE \"Select \"\"Quoted\"\" Table\" ") + kNastyColumns,
                    QStringLiteral("CREATE TABLE \"order\" ") + kNastyColumns });
    SqliteConnector source(settingsFor(dbPath()));
    const EntityDescription description = source.describe(table);
    const Schema &schema = description.schema;

    const QDateTime instant(QDate(2024, 3, 10), QTime(2, 45, 30, 123), Qt::UTC);
    const QDateTime inKolkata = instant.toTimeZone(QTimeZone(5 * 3600 + 30 * 60));
    const QList<Row> written {
        { QStringLiteral("Zürich"), qint64(1), QStringLiteral("👩‍🚀 naïve ✓ \"q\" 'a', x\ny"),
          QStringLiteral("123456789012.34"), QStringLiteral("-0.12345678901234567891"), 1e-20, inKolkata,
          TimeValue::parse(QStringLiteral("1999-12-31T23:59:59.999999"), TimeValue::Kind::Timestamp).toVariant(),
          TimeValue::infinity(TimeValue::Kind::Date, false).toVariant(), true, allBytes(),
          QStringLiteral("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"), QStringLiteral("{\"a\":[1,2,{\"b\":null}],\"é\":\"x\"}") },
        { QStringLiteral("Zürich"), qint64(2), QString(QLatin1String("")), QStringLiteral("0"),
          QStringLiteral("0.0000000000000000000000001"), -1.5e300, instant, QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC),
          QDate(1970, 1, 1), false, QByteArray(""), QStringLiteral("00000000-0000-0000-0000-000000000000"),
          QStringLiteral("[]") },
        { QStringLiteral("a b"), std::numeric_limits<qint64>::min(), QVariant(), QVariant(), QVariant(), QVariant(),
          QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant(), QVariant() },
    };
    source.apply(upsertBatch(table, schema, description.keyColumns, written));
    // A row written by another program: a timestamp with an offset reads as the same instant.
    run(dbPath(), { QStringLiteral("INSERT INTO \"Select \"\"Quoted\"\" Table\" (\"Group\", \"Order Id\", \"When\") "
                                   "VALUES ('legacy', 7, '2024-03-10 08:15:30.123+05:30')") });

    QList<Row> expected = written;
    expected[0][6] = instant;
    Row legacy(schema.size());
    legacy[0] = QStringLiteral("legacy");
    legacy[1] = qint64(7);
    legacy[6] = instant;
    expected.append(legacy); // key order is byte order: 'Z' < 'a' < 'l'

    const QList<Row> fromSource = readRows(source, table, 2);
    compareRows(fromSource, expected, schema);

    SqliteConnector target(settingsFor(dbPath()));
    target.apply(upsertBatch(QStringLiteral("order"), schema, description.keyColumns, fromSource));
    compareRows(readRows(target, QStringLiteral("order")), expected, schema);
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM \"order\" WHERE typeof(\"Amount\") = 'text' "
                                             "AND typeof(ratio) = 'real' AND typeof(payload) = 'blob' AND flag = 1")),
             1);
}

void TestSqliteConnector::emptyTable()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE empty (k INTEGER PRIMARY KEY, v TEXT)") });
    SqliteConnector connector(settingsFor(dbPath()));
    int batches = 0;
    QVERIFY(readRows(connector, QStringLiteral("empty"), 10, &batches).isEmpty());
    QCOMPARE(batches, 0);
    const EntityDescription description = connector.describe(QStringLiteral("empty"));
    connector.apply(upsertBatch(QStringLiteral("empty"), description.schema, description.keyColumns, {}));
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM empty")), 0);
}

void TestSqliteConnector::applyIsIdempotentAndLeavesUnchangedRowsAlone()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER, w TEXT)"),
                    QStringLiteral("CREATE TABLE updates (n INTEGER)"),
                    QStringLiteral("CREATE TRIGGER counted AFTER UPDATE ON t BEGIN INSERT INTO updates VALUES (1); END") });
    SqliteConnector connector(settingsFor(dbPath()));
    const EntityDescription description = connector.describe(QStringLiteral("t"));
    const QList<Row> rows { { QStringLiteral("a"), qint64(1), QVariant() }, { QStringLiteral("b"), qint64(2), QStringLiteral("x") } };
    const ChangeBatch batch = upsertBatch(QStringLiteral("t"), description.schema, description.keyColumns, rows);
    connector.apply(batch);
    connector.apply(batch);
    compareRows(readRows(connector, QStringLiteral("t")), rows, description.schema);
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM updates")), 0);

    QList<Row> changed = rows;
    changed[1][2] = QVariant();
    connector.apply(upsertBatch(QStringLiteral("t"), description.schema, description.keyColumns, changed));
    compareRows(readRows(connector, QStringLiteral("t")), changed, description.schema);
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM updates")), 1);
}

void TestSqliteConnector::deletesByCompositeKey()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE \"Two Keys\" (\"Name\" TEXT, n INTEGER, v TEXT, PRIMARY KEY (\"Name\", n))"),
                    QStringLiteral("INSERT INTO \"Two Keys\" VALUES ('x', 1, 'a'), ('x', 2, 'b'), ('y', 1, 'c')") });
    SqliteConnector connector(settingsFor(dbPath()));
    ChangeBatch batch = upsertBatch(QStringLiteral("Two Keys"), connector.describe(QStringLiteral("Two Keys")).schema,
                                    { QStringLiteral("Name"), QStringLiteral("n") }, {});
    batch.deletes = { { QStringLiteral("x"), qint64(2) }, { QStringLiteral("y"), qint64(1) }, { QStringLiteral("z"), qint64(9) } };
    connector.apply(batch);
    connector.apply(batch);
    const QList<Row> rows = readRows(connector, QStringLiteral("Two Keys"));
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first(), (Row { QStringLiteral("x"), qint64(1), QStringLiteral("a") }));
}

void TestSqliteConnector::numericAffinityKeepsWhatItCanAndRefusesRounding()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE money (k INTEGER PRIMARY KEY, amount DECIMAL(30,20))") });
    SqliteConnector connector(settingsFor(dbPath()));
    const EntityDescription description = connector.describe(QStringLiteral("money"));
    const QList<Row> rows { { qint64(1), QStringLiteral("123456789012.34") }, { qint64(2), QStringLiteral("0.1") },
                            { qint64(3), QStringLiteral("12345678901234567") } };
    connector.apply(upsertBatch(QStringLiteral("money"), description.schema, description.keyColumns, rows));
    compareRows(readRows(connector, QStringLiteral("money")), rows, description.schema);
    const ChangeBatch tooLong = upsertBatch(QStringLiteral("money"), description.schema, description.keyColumns,
                                            { { qint64(4), QStringLiteral("0.12345678901234567891") } });
    QVERIFY_TF_ERROR(connector.apply(tooLong), tf::Error::Kind::Validation, QStringLiteral("TEXT affinity"));
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM money")), 3);
}

void TestSqliteConnector::keyMustBeUnique()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE loose (name TEXT, v TEXT)") });
    SqliteConnector connector(settingsFor(dbPath()));
    const Schema schema = connector.describe(QStringLiteral("loose")).schema;
    const ChangeBatch batch = upsertBatch(QStringLiteral("loose"), schema, { QStringLiteral("name") },
                                          { { QStringLiteral("a"), QStringLiteral("b") } });
    QVERIFY_TF_ERROR(connector.apply(batch), tf::Error::Kind::Validation, QStringLiteral("no PRIMARY KEY or UNIQUE"));
}

void TestSqliteConnector::readSinceBreaksTiesByKey()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE events (k INTEGER PRIMARY KEY, version INTEGER)"),
                    QStringLiteral("INSERT INTO events VALUES (1, 10), (2, 20), (3, 20), (4, 20), (5, 30), (6, NULL), (7, NULL)") });
    SqliteConnector connector(settingsFor(dbPath()));
    const auto keysSince = [&](const std::optional<Checkpoint> &after) {
        QList<qint64> keys;
        ReadRequest request;
        request.entity = QStringLiteral("events");
        request.keyColumns = { QStringLiteral("k") };
        request.batchSize = 2;
        connector.readSince(request, QStringLiteral("version"), after, [&](const RowBatch &batch) {
            [&] { QVERIFY(batch.rows.size() <= 2); }();
            for (const Row &row : batch.rows)
                keys << row.at(0).toLongLong();
            return true;
        });
        return keys;
    };
    QCOMPARE(keysSince(std::nullopt), (QList<qint64> { 6, 7, 1, 2, 3, 4, 5 }));
    QCOMPARE(keysSince(Checkpoint { qint64(20), { qint64(3) } }), (QList<qint64> { 4, 5 }));
    QCOMPARE(keysSince(Checkpoint { qint64(20), { qint64(4) } }), (QList<qint64> { 5 }));
    QCOMPARE(keysSince(Checkpoint { QVariant(), { qint64(6) } }), (QList<qint64> { 7, 1, 2, 3, 4, 5 }));
    QCOMPARE(keysSince(Checkpoint { qint64(30), { qint64(5) } }), QList<qint64>());
}

void TestSqliteConnector::readByKeysFindsFiveThousandKeys()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE big (g TEXT, n INTEGER, v TEXT, PRIMARY KEY (g, n))") });
    SqliteConnector connector(settingsFor(dbPath()));
    const EntityDescription description = connector.describe(QStringLiteral("big"));
    QList<Row> rows;
    for (int i = 0; i < 10000; ++i)
        rows << Row { QStringLiteral("g%1").arg(i % 7), qint64(i), QStringLiteral("v%1").arg(i) };
    connector.apply(upsertBatch(QStringLiteral("big"), description.schema, description.keyColumns, rows));

    QList<KeyValues> keys;
    QSet<qint64> wanted;
    for (int i = 0; i < 10000; i += 2) {
        keys << KeyValues { QStringLiteral("g%1").arg(i % 7), qint64(i) };
        wanted.insert(i);
    }
    keys << KeyValues { QStringLiteral("g1"), qint64(0) } << KeyValues { QStringLiteral("nope"), qint64(4) };
    ReadRequest request;
    request.entity = QStringLiteral("big");
    request.keyColumns = description.keyColumns;
    QSet<qint64> found;
    QElapsedTimer timer;
    timer.start();
    connector.readByKeys(request, keys, [&](const RowBatch &batch) {
        for (const Row &row : batch.rows) {
            found.insert(row.at(1).toLongLong());
            [&] { QCOMPARE(row.at(2).toString(), QStringLiteral("v%1").arg(row.at(1).toLongLong())); }();
        }
        return true;
    });
    QCOMPARE(found, wanted);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));

    const QSet<QString> existing = connector.existingValues(QStringLiteral("big"), QStringLiteral("n"), ValueType::Integer,
                                                            { qint64(3), qint64(9999), qint64(10000), QVariant() });
    QCOMPARE(existing, (QSet<QString> { QStringLiteral("3"), QStringLiteral("9999") }));
}

void TestSqliteConnector::stateStoreStagesAndDiffs_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("inside an SQLite target") << QStringLiteral("target");
    QTest::newRow("SQLite control database") << QStringLiteral("sqlite");
    QTest::newRow("PostgreSQL control database") << QStringLiteral("postgres");
}

void TestSqliteConnector::stateStoreStagesAndDiffs()
{
    QFETCH(QString, where);
    std::unique_ptr<SqliteConnector> target;
    std::unique_ptr<tf::db::Database> control;
    std::unique_ptr<ControlDbStateStore> controlStore;
    StateStore *store = nullptr;
    if (where == QLatin1String("target")) {
        run(dbPath(), { QStringLiteral("CREATE TABLE t (k TEXT PRIMARY KEY)") });
        target = std::make_unique<SqliteConnector>(settingsFor(dbPath()));
        store = &target->stateStore();
    } else {
        QString url = dbPath(QStringLiteral("control.db"));
        if (where == QLatin1String("postgres")) {
            url = tf::test::createScratchPostgresDatabase(QStringLiteral("tfstate"));
            TF_REQUIRE_POSTGRES(url);
        }
        control = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(url));
        controlStore = std::make_unique<ControlDbStateStore>(*control);
        store = controlStore.get();
    }
    const auto applyState = [&](const ChangeBatch &batch) {
        if (target)
            target->apply(batch);
        else
            controlStore->applyState(batch);
    };

    ChangeBatch initial;
    initial.pairId = QStringLiteral("pair-1");
    initial.entity = QStringLiteral("t");
    initial.keyColumns = { QStringLiteral("k") };
    initial.stateEntity = QStringLiteral("source");
    for (const QString &key : { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d") })
        initial.stateUpserts << StateEntry { key, QByteArrayLiteral("h1"), QStringLiteral("t-") + key };
    applyState(initial);
    initial.pairId = QStringLiteral("pair-2"); // another pair's state is never touched
    applyState(initial);
    QCOMPARE(store->count(QStringLiteral("pair-1"), QStringLiteral("source")), 4);

    store->beginStaging(QStringLiteral("pair-1"), QStringLiteral("source"));
    store->stage({ { QStringLiteral("a"), QByteArrayLiteral("h1") }, { QStringLiteral("b"), QByteArrayLiteral("h2") },
                   { QStringLiteral("e"), QByteArrayLiteral("h1") } });
    QList<QPair<QString, QByteArray>> many;
    for (int i = 0; i < 450; ++i)
        many << qMakePair(QStringLiteral("n%1").arg(i, 4, 10, QLatin1Char('0')), QByteArrayLiteral("h3"));
    store->stage(many);
    QHash<QString, StateStore::KeyChange> changes;
    int calls = 0;
    store->diff(100, [&](const QList<StateStore::KeyChange> &batch) {
        ++calls;
        [&] { QVERIFY(batch.size() <= 100); }();
        ChangeBatch written = initial;
        written.pairId = QStringLiteral("pair-1");
        written.stateUpserts.clear();
        for (const StateStore::KeyChange &change : batch) {
            changes.insert(change.sourceKey, change);
            if (change.kind != StateStore::ChangeKind::Delete)
                written.stateUpserts << StateEntry { change.sourceKey, change.hash, QStringLiteral("t-") + change.sourceKey };
            else
                written.stateDeletes << change.sourceKey;
        }
        applyState(written); // the engine writes as it goes: the diff must not shift under it
        return true;
    });
    store->endStaging();
    QCOMPARE(calls, 5);
    QCOMPARE(changes.size(), 1 + 1 + 450 + 2);
    QCOMPARE(changes.value(QStringLiteral("e")).kind, StateStore::ChangeKind::Insert);
    QCOMPARE(changes.value(QStringLiteral("n0449")).hash, QByteArrayLiteral("h3"));
    QCOMPARE(changes.value(QStringLiteral("b")).kind, StateStore::ChangeKind::Update);
    QCOMPARE(changes.value(QStringLiteral("b")).hash, QByteArrayLiteral("h2"));
    QCOMPARE(changes.value(QStringLiteral("b")).targetKey, QStringLiteral("t-b"));
    QCOMPARE(changes.value(QStringLiteral("c")).kind, StateStore::ChangeKind::Delete);
    QCOMPARE(changes.value(QStringLiteral("d")).targetKey, QStringLiteral("t-d"));
    QVERIFY(!changes.contains(QStringLiteral("a")));
    QCOMPARE(store->count(QStringLiteral("pair-1"), QStringLiteral("source")), 2 + 1 + 450);
    QCOMPARE(store->count(QStringLiteral("pair-2"), QStringLiteral("source")), 4);

    QVERIFY(!store->checkpoint(QStringLiteral("pair-1"), QStringLiteral("source")));
    const Checkpoint saved { TimeValue::parse(QStringLiteral("2024-05-06T07:08:09.010203Z"), TimeValue::Kind::TimestampTz).toVariant(),
                             { QStringLiteral("x,\"y"), qint64(-5) } };
    store->saveCheckpoint(QStringLiteral("pair-1"), QStringLiteral("source"), saved);
    const std::optional<Checkpoint> loaded = store->checkpoint(QStringLiteral("pair-1"), QStringLiteral("source"));
    QVERIFY(loaded);
    QCOMPARE(loaded->cursor, saved.cursor);
    QCOMPARE(loaded->cursor.typeId(), saved.cursor.typeId());
    QCOMPARE(loaded->key, saved.key);
    QCOMPARE(loaded->key.at(1).typeId(), QMetaType::LongLong);
    store->saveCheckpoint(QStringLiteral("pair-1"), QStringLiteral("source"), Checkpoint { QVariant(), { QStringLiteral("k") } });
    QVERIFY(store->checkpoint(QStringLiteral("pair-1"), QStringLiteral("source"))->cursor.isNull());

    store->clear(QStringLiteral("pair-1"), QStringLiteral("source"));
    QCOMPARE(store->count(QStringLiteral("pair-1"), QStringLiteral("source")), 0);
    QVERIFY(!store->checkpoint(QStringLiteral("pair-1"), QStringLiteral("source")));
    QCOMPARE(store->count(QStringLiteral("pair-2"), QStringLiteral("source")), 4);
}

void TestSqliteConnector::failingApplyLeavesNeitherDataNorState()
{
    run(dbPath(), { QStringLiteral("CREATE TABLE strict (k INTEGER PRIMARY KEY, name TEXT NOT NULL)") });
    SqliteConnector connector(settingsFor(dbPath()));
    const EntityDescription description = connector.describe(QStringLiteral("strict"));
    ChangeBatch batch = upsertBatch(QStringLiteral("strict"), description.schema, description.keyColumns,
                                    { { qint64(1), QStringLiteral("fine") }, { qint64(2), QVariant() } });
    batch.stateEntity = QStringLiteral("source");
    batch.stateUpserts = { { QStringLiteral("1"), QByteArrayLiteral("h"), QStringLiteral("1") },
                           { QStringLiteral("2"), QByteArrayLiteral("h"), QStringLiteral("2") } };
    batch.checkpoint = Checkpoint { qint64(2), { qint64(2) } };
    try {
        connector.apply(batch);
        QFAIL("a NOT NULL violation was accepted");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(QLatin1String("NOT NULL constraint failed: strict.name")), qPrintable(error.message()));
        QCOMPARE(error.details().value(QStringLiteral("key")).toString(), QStringLiteral("2"));
    }
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM strict")), 0);
    QCOMPARE(connector.stateStore().count(QStringLiteral("pair-1"), QStringLiteral("source")), 0);
    QVERIFY(!connector.stateStore().checkpoint(QStringLiteral("pair-1"), QStringLiteral("source")));

    batch.upserts.removeLast(); // the same batch without the bad row commits data and state together
    batch.stateUpserts.removeLast();
    connector.apply(batch);
    QCOMPARE(scalar(dbPath(), QStringLiteral("SELECT count(*) FROM strict")), 1);
    QCOMPARE(connector.stateStore().count(QStringLiteral("pair-1"), QStringLiteral("source")), 1);
    QCOMPARE(connector.stateStore().checkpoint(QStringLiteral("pair-1"), QStringLiteral("source"))->cursor, QVariant(qint64(2)));
}

QTEST_GUILESS_MAIN(TestSqliteConnector)
#include "tst_sqliteconnector.moc"
