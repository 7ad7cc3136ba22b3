// The ODBC connector (`kind: odbc`) for real, through QODBC and the driver files themselves (no
// odbcinst.ini): psqlODBC against the test PostgreSQL, and SQLite ODBC against a file. Each
// test runs for both. The type matrix goes ODBC -> PostgreSQL (native) -> ODBC and
// ODBC -> ODBC in full, hash and cursor mode, and is compared through the native connectors.
#include "core/errors.h"
#include "db/connection.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"
#include "sync/connectors/odbcconnector.h"
#include "sync/connectors/odbcsession.h"
#include "sync/connectors/postgresconnector.h"
#include "sync/connectors/sqliteconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

const QString kPsqlOdbc = u"/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"_s;
const QString kSqliteOdbc = u"/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so"_s;

// The matrix per backend: columns (DDL), their names, rows (SQL VALUES).
struct Matrix
{
    QString columns;
    QString pgColumns; // the PostgreSQL copy in between
    QStringList names;
    QString rows;
};

const Matrix kPgMatrix {
    u"(name text, at timestamp(6), amount numeric(40,20), big bigint, d date, x double precision, flag boolean, u uuid, "
    "b bytea, j jsonb, tz timestamptz, txt text, updated_at timestamp(6) NOT NULL, PRIMARY KEY (name, at))"_s,
    {},
    { u"name"_s, u"at"_s, u"amount"_s, u"big"_s, u"d"_s, u"x"_s, u"flag"_s, u"u"_s, u"b"_s, u"j"_s, u"tz"_s, u"txt"_s, u"updated_at"_s },
    u"('max digits', '2024-03-10 08:30:00.123456', 12345678901234567890.12345678901234567890, 9223372036854775807, '2024-03-10', "
    "0.30000000000000004, true, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '\\x000102feff', '{\"a\": [1.50, 2e10]}', "
    "'2024-03-10 08:30:00.654321+02', 'x', '2024-01-01 00:00:00.000001'), "
    "('extremes', '1900-01-01 00:00:00.000001', -0.00000000000000000001, -9223372036854775808, '0001-01-01', "
    "1.7976931348623157e308, false, NULL, '', NULL, '1970-01-01 00:00:00+00', E'tab\\t nl\\n cr\\r \"q\" ''s'' 😀 é', "
    "'2024-01-01 00:00:00.000002'), "
    "('tiny', '2000-01-01 00:00:00', 3, NULL, NULL, 4.9e-324, NULL, NULL, NULL, NULL, NULL, '', '2024-01-01 00:00:00.000003'), "
    "('NULLs', '2000-01-01 00:00:00.5', NULL, NULL, NULL, -2.5e-5, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000004')"_s,
};

const Matrix kSqliteMatrix {
    u"(name TEXT, at TIMESTAMP, big INTEGER, d DATE, x DOUBLE, flag BOOLEAN, b BLOB, txt TEXT, updated_at TIMESTAMP NOT NULL, "
    "PRIMARY KEY (name, at))"_s,
    u"(name text, at timestamp(6), big bigint, d date, x double precision, flag boolean, b bytea, txt text, "
    "updated_at timestamp(6) NOT NULL, PRIMARY KEY (name, at))"_s,
    { u"name"_s, u"at"_s, u"big"_s, u"d"_s, u"x"_s, u"flag"_s, u"b"_s, u"txt"_s, u"updated_at"_s },
    u"('max digits', '2024-03-10T08:30:00.123456', 9223372036854775807, '2024-03-10', 0.30000000000000004, 1, x'000102feff', 'x', "
    "'2024-01-01T00:00:00.000001'), "
    "('extremes', '1900-01-01T00:00:00.000001', -9223372036854775808, '0001-01-01', 1e300, 0, x'', "
    "'tab' || char(9) || ' nl' || char(10) || ' \"q\" ''s'' 😀 é', '2024-01-01T00:00:00.000002'), "
    "('tiny', '2000-01-01T00:00:00.000', NULL, NULL, 4.9e-324, NULL, NULL, '', '2024-01-01T00:00:00.000003'), "
    "('NULLs', '2000-01-01T00:00:00.500', NULL, NULL, -2.5e-5, NULL, NULL, NULL, '2024-01-01T00:00:00.000004')"_s,
};

QString describeRun(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

// Every row of `entity` as canonical text, in key order.
QStringList snapshot(SourceConnector &connector, const QString &entity)
{
    QStringList rows;
    ReadRequest request;
    request.entity = entity;
    request.keyColumns = connector.describe(entity).keyColumns;
    connector.readAll(request, [&](const RowBatch &batch) {
        for (const Row &row : batch.rows) {
            QStringList values;
            for (int i = 0; i < batch.schema->size(); ++i)
                values << QString::fromUtf8(canonicalValue(row.value(i), batch.schema->at(i).type));
            rows << values.join(u" | "_s);
        }
        return true;
    });
    return rows;
}

} // namespace

class TestOdbcConnector final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void settingsNameTheDriverFile();
    void catalogAndExactValues_data();
    void catalogAndExactValues();
    void failedBatchKeepsNothing_data();
    void failedBatchKeepsNothing();
    void typeMatrix_data();
    void typeMatrix();

private:
    bool isPostgres() const { return m_backend == u"psqlodbc"_s; }
    void useBackend(const QString &backend);
    void exec(const QString &sql); // in the backend's database, natively
    SystemSettings odbcSettings() const;
    std::unique_ptr<SourceConnector> native(); // the backend through its own Qt driver
    RunResult run(SourceConnector &source, TargetConnector &target, const PairSpec &spec);

    QString m_backend;
    QTemporaryDir m_dir;
    QString m_pgUrl;
    std::unique_ptr<tf::db::Database> m_pg;
    QString m_sqlitePath;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<QuarantineStore> m_quarantine;
};

void TestOdbcConnector::initTestCase()
{
    const bool require = qEnvironmentVariableIntValue("TF_REQUIRE_ODBC") == 1;
    if (!QSqlDatabase::isDriverAvailable(u"QODBC"_s) || !QFileInfo::exists(kPsqlOdbc) || !QFileInfo::exists(kSqliteOdbc)) {
        if (require)
            QFAIL("TF_REQUIRE_ODBC=1 but QODBC (libqt6sql6-odbc), psqlODBC (odbc-postgresql) or SQLite ODBC (libsqliteodbc) is missing");
        QSKIP("QODBC, psqlODBC or SQLite ODBC is not installed");
    }
    m_pgUrl = tf::test::createScratchPostgresDatabase(u"tfodbc"_s);
    TF_REQUIRE_POSTGRES(m_pgUrl);
    m_pg = std::make_unique<tf::db::Database>(tf::db::DatabaseUrl::parse(m_pgUrl));
    QVERIFY(m_dir.isValid());
    m_sqlitePath = m_dir.filePath(u"odbc.db"_s);
    useBackend(u"sqliteodbc"_s);
    exec(u"PRAGMA journal_mode=WAL"_s); // a read streaming through one connection while another writes
    m_control = tf::db::ControlDatabase::open(m_dir.filePath(u"control.db"_s));
    m_quarantine = std::make_unique<QuarantineStore>(m_control->database());
}

void TestOdbcConnector::cleanupTestCase()
{
    m_quarantine.reset();
    m_control.reset();
    m_pg.reset();
    if (QSqlDatabase::contains(u"tf-test-sqlite-odbc"_s))
        QSqlDatabase::removeDatabase(u"tf-test-sqlite-odbc"_s);
}

void TestOdbcConnector::useBackend(const QString &backend)
{
    m_backend = backend;
}

void TestOdbcConnector::exec(const QString &sql)
{
    if (isPostgres()) {
        m_pg->execDirect(sql, "test setup");
        return;
    }
    QSqlDatabase db = QSqlDatabase::contains(u"tf-test-sqlite-odbc"_s) ? QSqlDatabase::database(u"tf-test-sqlite-odbc"_s)
                                                                        : QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tf-test-sqlite-odbc"_s);
    db.setDatabaseName(m_sqlitePath);
    QVERIFY(db.open());
    QSqlQuery query(db);
    QVERIFY2(query.exec(sql), qPrintable(query.lastError().text() + u": "_s + sql));
}

SystemSettings TestOdbcConnector::odbcSettings() const
{
    if (!isPostgres())
        return SystemSettings { u"odbc"_s, { { u"connection_string"_s, u"Driver=%1;Database=%2;Timeout=30000"_s.arg(kSqliteOdbc, m_sqlitePath) } }, {} };
    const tf::db::DatabaseUrl url = tf::db::DatabaseUrl::parse(m_pgUrl);
    const QString connection = u"Driver=%1;Server=%2;Port=%3;Database=%4;UseDeclareFetch=1;Fetch=1000"_s.arg(kPsqlOdbc, url.host)
                                   .arg(url.port > 0 ? url.port : 5432)
                                   .arg(url.database);
    return SystemSettings { u"odbc"_s, { { u"connection_string"_s, connection } },
                            { { u"user"_s, url.user }, { u"password"_s, url.password } } };
}

std::unique_ptr<SourceConnector> TestOdbcConnector::native()
{
    if (isPostgres())
        return std::make_unique<PostgresConnector>(SystemSettings { u"postgres"_s, { { u"url"_s, m_pgUrl } }, {} });
    return std::make_unique<SqliteConnector>(SystemSettings { u"sqlite"_s, { { u"path"_s, m_sqlitePath } }, {} });
}

RunResult TestOdbcConnector::run(SourceConnector &source, TargetConnector &target, const PairSpec &spec)
{
    SyncRunner runner(spec, source, target, *m_quarantine, DetachedStateStore {});
    return runner.run(RunOptions {});
}

void TestOdbcConnector::settingsNameTheDriverFile()
{
    const auto problem = [](const QJsonObject &settings) {
        try {
            OdbcConnector connector(SystemSettings { u"odbc"_s, settings, {} });
            return QString();
        } catch (const tf::Error &error) {
            return error.message();
        }
    };
    QCOMPARE(problem({}), u"odbc settings: connection_string is required"_s);
    QCOMPARE(problem({ { u"connection_string"_s, u"DSN=pacs"_s } }),
             u"odbc settings: connection_string must name the driver file: Driver=/absolute/path/of/driver.so"_s);
    QCOMPARE(problem({ { u"connection_string"_s, u"Driver=/x.so;PWD=secret"_s } }),
             u"odbc settings: connection_string must not hold PWD: user and password belong in credentials"_s);
    // A driver file that does not exist: unavailable, naming the source, without the password.
    OdbcConnector missing(SystemSettings { u"odbc"_s, { { u"connection_string"_s, u"Driver=/nonexistent/driver.so;Database=x"_s } },
                                           { { u"password"_s, u"hunter2"_s } } });
    try {
        missing.entities();
        QFAIL("a missing driver file connected");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
        QVERIFY2(error.message().startsWith(u"ODBC data source odbc:Driver=/nonexistent/driver.so;Database=x unavailable: "_s),
                 qPrintable(error.message()));
        QVERIFY(!error.message().contains(u"hunter2"_s));
    }
}

void TestOdbcConnector::catalogAndExactValues_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("psqlodbc") << u"psqlodbc"_s;
    QTest::newRow("sqliteodbc") << u"sqliteodbc"_s;
}

void TestOdbcConnector::catalogAndExactValues()
{
    QFETCH(QString, backend);
    useBackend(backend);
    const Matrix &m = isPostgres() ? kPgMatrix : kSqliteMatrix;
    exec(u"CREATE TABLE exact %1"_s.arg(m.columns));
    exec(u"INSERT INTO exact VALUES %1"_s.arg(m.rows));
    OdbcConnector odbc(odbcSettings());
    QVERIFY(odbc.entities().contains(u"exact"_s));
    const EntityDescription d = odbc.describe(u"exact"_s);
    QCOMPARE(d.keyColumns, (QStringList { u"name"_s, u"at"_s }));
    QCOMPARE(d.schema.at(d.schema.indexOf(u"at"_s)).type, ValueType::Timestamp);
    QCOMPARE(d.schema.at(d.schema.indexOf(u"x"_s)).type, ValueType::Double);
    QCOMPARE(d.schema.at(d.schema.indexOf(u"b"_s)).type, ValueType::Bytes);
    QCOMPARE(d.schema.at(d.schema.indexOf(u"flag"_s)).type, ValueType::Boolean);
    if (isPostgres()) {
        QCOMPARE(d.schema.at(d.schema.indexOf(u"amount"_s)).type, ValueType::Decimal);
        QCOMPARE(d.schema.at(d.schema.indexOf(u"u"_s)).type, ValueType::Uuid);
        QCOMPARE(d.schema.at(d.schema.indexOf(u"j"_s)).type, ValueType::Json);
        QCOMPARE(d.schema.at(d.schema.indexOf(u"tz"_s)).type, ValueType::TimestampTz);
    }
    // What ODBC reads equals what the native driver reads, value for value.
    std::unique_ptr<SourceConnector> own = native();
    const QStringList viaOdbc = snapshot(odbc, u"exact"_s);
    QCOMPARE(viaOdbc.size(), 4);
    QCOMPARE(viaOdbc, snapshot(*own, u"exact"_s));
    QString maxDigits;
    for (const QString &row : viaOdbc) {
        if (row.startsWith(u"max digits"_s))
            maxDigits = row;
    }
    QVERIFY2(maxDigits.contains(u"2024-03-10T08:30:00.123456 | "_s), qPrintable(maxDigits));
    QVERIFY2(maxDigits.contains(u" | 0.30000000000000004 | "_s), qPrintable(maxDigits));
    if (isPostgres()) {
        QVERIFY2(viaOdbc.join(u"\n"_s).contains(u"12345678901234567890.1234567890123456789"_s), qPrintable(maxDigits));
        QVERIFY2(maxDigits.contains(u"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"_s), qPrintable(maxDigits));
        QVERIFY2(maxDigits.contains(u"2024-03-10T06:30:00.654321"_s), qPrintable(maxDigits));
    }
}

void TestOdbcConnector::failedBatchKeepsNothing_data()
{
    catalogAndExactValues_data();
}

// Rows, deleted rows and sync state of one batch commit together or not at all.
void TestOdbcConnector::failedBatchKeepsNothing()
{
    QFETCH(QString, backend);
    useBackend(backend);
    exec(u"CREATE TABLE atomic (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL)"_s);
    exec(u"INSERT INTO atomic VALUES (1, 'one')"_s);
    OdbcConnector odbc(odbcSettings());
    const EntityDescription d = odbc.describe(u"atomic"_s);
    ChangeBatch batch;
    batch.pairId = u"atomic"_s;
    batch.entity = u"atomic"_s;
    batch.keyColumns = d.keyColumns;
    batch.schema = std::make_shared<const Schema>(d.schema);
    batch.upserts = { { 2LL, u"two"_s }, { 3LL, QVariant() } }; // NOT NULL refuses the second
    batch.deletes = { { 1LL } };
    batch.stateUpserts = { StateEntry { u"2"_s, "h2", u"2"_s } };
    QVERIFY_THROWS_EXCEPTION(tf::Error, odbc.apply(batch));
    QCOMPARE(snapshot(odbc, u"atomic"_s), (QStringList { u"1 | one"_s }));
    QCOMPARE(odbc.stateStore().count(u"atomic"_s, u"atomic"_s), 0);

    batch.upserts = { { 2LL, u"two"_s }, { 3LL, u"three"_s }, { 2LL, u"two again"_s } }; // the last of a key wins
    odbc.apply(batch);
    QCOMPARE(snapshot(odbc, u"atomic"_s), (QStringList { u"2 | two again"_s, u"3 | three"_s }));
    QCOMPARE(odbc.stateStore().count(u"atomic"_s, u"atomic"_s), 1);
}

void TestOdbcConnector::typeMatrix_data()
{
    QTest::addColumn<QString>("backend");
    QTest::addColumn<int>("mode");
    for (const QString &backend : { u"psqlodbc"_s, u"sqliteodbc"_s }) {
        QTest::addRow("%s full", qPrintable(backend)) << backend << int(ChangeMode::Full);
        QTest::addRow("%s hash", qPrintable(backend)) << backend << int(ChangeMode::Hash);
        QTest::addRow("%s cursor", qPrintable(backend)) << backend << int(ChangeMode::Cursor);
    }
}

// Every value of the matrix leaves the ODBC source for PostgreSQL (native) and comes back into
// a second ODBC table, and also goes ODBC -> ODBC directly; the native driver reads all three
// equal. Then the source changes (an update, a delete, an insert) and a further unchanged run
// writes nothing (hash, cursor).
void TestOdbcConnector::typeMatrix()
{
    QFETCH(QString, backend);
    QFETCH(int, mode);
    useBackend(backend);
    const Matrix &m = isPostgres() ? kPgMatrix : kSqliteMatrix;
    const QString src = u"m_src_%1"_s.arg(mode), copy = u"m_copy_%1_%2"_s.arg(backend).arg(mode);
    const QString back = u"m_back_%1"_s.arg(mode), direct = u"m_direct_%1"_s.arg(mode);
    for (const QString &table : { src, back, direct })
        exec(u"CREATE TABLE %1 %2"_s.arg(table, m.columns));
    exec(u"INSERT INTO %1 VALUES %2"_s.arg(src, m.rows));
    m_pg->execDirect(u"CREATE TABLE %1 %2"_s.arg(copy, m.pgColumns.isEmpty() ? m.columns : m.pgColumns), "test setup");

    OdbcConnector odbc(odbcSettings());
    OdbcConnector odbcTarget(odbcSettings());
    PostgresConnector pg(SystemSettings { u"postgres"_s, { { u"url"_s, m_pgUrl } }, {} });
    QJsonArray fields;
    for (const QString &column : m.names)
        fields.append(QJsonObject { { u"target"_s, column }, { u"source"_s, column } });
    const auto pair = [&](const QString &id, const QString &from, const QString &to) {
        EntitySpec entity;
        entity.name = u"rows"_s;
        entity.sourceEntity = from;
        entity.sourceKey = { u"name"_s, u"at"_s };
        entity.targetEntity = to;
        entity.targetKey = entity.sourceKey;
        entity.mapping = QJsonObject { { u"fields"_s, fields } };
        entity.mode = ChangeMode(mode);
        entity.cursorColumn = u"updated_at"_s;
        entity.reconcileEvery = 1;
        PairSpec spec;
        spec.pairId = u"%1 %2 %3"_s.arg(id, backend).arg(mode);
        spec.sourceSystem = spec.pairId + u"-source"_s;
        spec.targetSystem = spec.pairId + u"-target"_s;
        spec.batchSize = 3; // several batches
        spec.entities = { entity };
        return spec;
    };
    const PairSpec out = pair(u"out"_s, src, copy), in = pair(u"in"_s, copy, back), same = pair(u"direct"_s, src, direct);
    std::unique_ptr<SourceConnector> own = native();
    qint64 writes = 0;
    const auto syncAll = [&](const char *when) {
        const RunResult a = run(odbc, pg, out);
        QVERIFY2(a.status == RunStatus::Completed && a.totals.quarantined == 0, qPrintable(QString::fromLatin1(when) + u": out: "_s + describeRun(a)));
        const RunResult b = run(pg, odbcTarget, in);
        QVERIFY2(b.status == RunStatus::Completed && b.totals.quarantined == 0, qPrintable(QString::fromLatin1(when) + u": back: "_s + describeRun(b)));
        const RunResult c = run(odbc, odbcTarget, same);
        QVERIFY2(c.status == RunStatus::Completed && c.totals.quarantined == 0, qPrintable(QString::fromLatin1(when) + u": direct: "_s + describeRun(c)));
        const QStringList expected = snapshot(*own, src);
        QCOMPARE(snapshot(*own, back), expected);
        QCOMPARE(snapshot(*own, direct), expected);
        writes = a.totals.writes() + b.totals.writes() + c.totals.writes();
    };
    syncAll("first run");
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(snapshot(*own, src).size(), 4);
    const QString later = isPostgres() ? u"'2024-02-01 00:00:00.00000%1'"_s : u"'2024-02-01T00:00:00.00000%1'"_s;
    exec(u"UPDATE %1 SET x = 0.1, updated_at = %2 WHERE name = 'max digits'"_s.arg(src, later.arg(1)));
    exec(u"DELETE FROM %1 WHERE name = 'tiny'"_s.arg(src));
    exec(u"INSERT INTO %1 (name, at, txt, updated_at) VALUES ('inserted later', %2, 'new', %3)"_s.arg(src, later.arg(9), later.arg(3)));
    syncAll("after changes");
    if (QTest::currentTestFailed())
        return;
    QVERIFY(writes > 0);
    syncAll("unchanged");
    if (ChangeMode(mode) != ChangeMode::Full)
        QCOMPARE(writes, 0);
}

QTEST_GUILESS_MAIN(TestOdbcConnector)
#include "tst_odbcconnector.moc"
