// Migrator and ControlDatabase on real SQLite and PostgreSQL databases.
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/migrator.h"
#include "db/sqlscript.h"
#include "testsupport.h"

#include <QtTest>
#include <memory>

using namespace tf::db;

namespace {

const QStringList kTables {
    QStringLiteral("systems"),         QStringLiteral("sync_pairs"),
    QStringLiteral("sync_operations"), QStringLiteral("audit_entries"),
    QStringLiteral("system_metrics"),  QStringLiteral("users"),
    QStringLiteral("api_tokens"),      QStringLiteral("alerts"),
    QStringLiteral("service_events"),  QStringLiteral("schema_migrations")
};

qint64 scalar(const Database &database, const QString &sql)
{
    QSqlQuery query = database.prepare(sql);
    database.exec(query, "test query");
    return query.next() ? query.value(0).toLongLong() : -1;
}

} // namespace

class TestMigrator final : public QObject
{
    Q_OBJECT

private slots:
    void splitsStatements();

    void migratesOnce_data() { backends(); }
    void migratesOnce();
    void refusesNewerSchema_data() { backends(); }
    void refusesNewerSchema();
    void concurrentMigratorsApplyEachOnce_data() { backends(); }
    void concurrentMigratorsApplyEachOnce();
    void oneRunningOperationPerPair_data() { backends(); }
    void oneRunningOperationPerPair();
    void readinessReportsSchemaVersion_data() { backends(); }
    void readinessReportsSchemaVersion();
    void unreachableServerGivesOneError();

private:
    static void backends();
    // A fresh empty database of the row's backend; skips when PostgreSQL is not configured.
    QString freshUrl();

    QTemporaryDir m_dir;
    int m_counter = 0;
};

void TestMigrator::backends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

QString TestMigrator::freshUrl()
{
    QFETCH(QString, backend);
    if (backend == QLatin1String("sqlite"))
        return QStringLiteral("sqlite://")
            + m_dir.filePath(QStringLiteral("db%1/control.db").arg(++m_counter));
    return tf::test::createScratchPostgresDatabase(QStringLiteral("tfmig"));
}

void TestMigrator::splitsStatements()
{
    const QString script
        = QStringLiteral("-- leading comment; with a semicolon\n"
                         "CREATE TABLE a (x TEXT DEFAULT 'semi;colon ''quoted''');\n"
                         "/* block; comment */ INSERT INTO a VALUES ('--not a comment');\n"
                         "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 'a;b'; "
                         "RETURN NEW; END; $body$ LANGUAGE plpgsql;\n"
                         "DO $$ BEGIN PERFORM 1; END $$;\n"
                         "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
                         "  UPDATE a SET x = CASE WHEN x = ';' THEN 'y' ELSE x END;\n"
                         "  DELETE FROM a WHERE x IS NULL;\n"
                         "END;\n"
                         "SELECT $1 + 1;\n"
                         "-- trailing comment only\n");
    const QStringList statements = splitSqlStatements(script);
    QCOMPARE(statements.size(), 6);
    QCOMPARE(statements.at(0),
             QStringLiteral("CREATE TABLE a (x TEXT DEFAULT 'semi;colon ''quoted''')"));
    QCOMPARE(statements.at(1), QStringLiteral("INSERT INTO a VALUES ('--not a comment')"));
    QVERIFY(statements.at(2).endsWith(QLatin1String("$body$ LANGUAGE plpgsql")));
    QCOMPARE(statements.at(3), QStringLiteral("DO $$ BEGIN PERFORM 1; END $$"));
    QVERIFY(statements.at(4).startsWith(QLatin1String("CREATE TRIGGER t")));
    QVERIFY(statements.at(4).endsWith(QLatin1String("END")));
    QCOMPARE(statements.at(5), QStringLiteral("SELECT $1 + 1"));
}

void TestMigrator::migratesOnce()
{
    const QString url = freshUrl();
    TF_REQUIRE_POSTGRES(url);
    Database database(DatabaseUrl::parse(url));
    Migrator migrator(database);
    const int latest = Migrator::latestKnownVersion(database.dialect());
    const int known = Migrator::knownMigrations(database.dialect()).size();
    QVERIFY(latest >= 1);

    Migrator::Status before = migrator.status();
    QCOMPARE(before.current, 0);
    QCOMPARE(before.latest, latest);
    QCOMPARE(before.pending.size(), known);

    QCOMPARE(migrator.migrate(), known);
    QCOMPARE(migrator.migrate(), 0);
    const Migrator::Status after = migrator.status();
    QCOMPARE(after.current, latest);
    QVERIFY(after.pending.isEmpty());

    QSqlQuery rows = database.prepare(QStringLiteral(
        "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"));
    database.exec(rows, "reading schema_migrations");
    QVERIFY(rows.next());
    QCOMPARE(rows.value(0).toInt(), 1);
    QCOMPARE(rows.value(1).toString(), QStringLiteral("0001_initial"));
    QCOMPARE(rows.value(2).toString().size(), 64);
    QVERIFY(database.dialect().fromDb(rows.value(3)).isValid());
    rows.finish();
    QCOMPARE(scalar(database, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")), known);
    for (const QString &table : kTables) // names are constants of this test
        QCOMPARE(scalar(database, QStringLiteral("SELECT COUNT(*) FROM ") + table) >= 0, true);
}

void TestMigrator::refusesNewerSchema()
{
    const QString url = freshUrl();
    TF_REQUIRE_POSTGRES(url);
    Database database(DatabaseUrl::parse(url));
    Migrator(database).migrate();
    QSqlQuery fake = database.prepare(QStringLiteral(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)"));
    fake.addBindValue(9999);
    fake.addBindValue(QStringLiteral("9999_from_the_future"));
    fake.addBindValue(QStringLiteral("x"));
    fake.addBindValue(database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    database.exec(fake, "inserting a fake version");

    const int latest = Migrator::latestKnownVersion(database.dialect());
    const QString expected
        = QStringLiteral("control database schema is at version 9999, newer than "
                         "this binary knows (%1); upgrade the binaries")
              .arg(latest);
    try {
        Migrator(database).migrate();
        QFAIL("migrate() accepted a newer schema");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Conflict);
        QCOMPARE(error.message(), expected);
    }
    try {
        ControlDatabase::open(url);
        QFAIL("ControlDatabase::open() accepted a newer schema");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Conflict);
    }
    const auto control = ControlDatabase::open(url, false);
    const ControlDatabase::Readiness readiness = control->checkReady();
    QVERIFY(!readiness.ready);
    QCOMPARE(readiness.schemaVersion, 9999);
}

void TestMigrator::concurrentMigratorsApplyEachOnce()
{
    const QString url = freshUrl();
    TF_REQUIRE_POSTGRES(url);
    // Two Database objects: two processes (gateway and syncd) starting at the same moment.
    Database first(DatabaseUrl::parse(url));
    Database second(DatabaseUrl::parse(url));
    int applied[2] = { -1, -1 };
    QString errors[2];
    auto run = [&](Database &database, int index) {
        return QThread::create([&database, &applied, &errors, index] {
            try {
                applied[index] = Migrator(database).migrate();
            } catch (const tf::Error &error) {
                errors[index] = error.message();
            }
        });
    };
    std::unique_ptr<QThread> a(run(first, 0));
    std::unique_ptr<QThread> b(run(second, 1));
    a->start();
    b->start();
    QVERIFY(a->wait(60000));
    QVERIFY(b->wait(60000));
    QVERIFY2(errors[0].isEmpty(), qPrintable(errors[0]));
    QVERIFY2(errors[1].isEmpty(), qPrintable(errors[1]));
    const int known = Migrator::knownMigrations(first.dialect()).size();
    QCOMPARE(applied[0] + applied[1], known);
    QCOMPARE(scalar(first, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")), known);
}

void TestMigrator::oneRunningOperationPerPair()
{
    const QString url = freshUrl();
    TF_REQUIRE_POSTGRES(url);
    const auto control = ControlDatabase::open(url);
    const Database &database = control->database();
    const Dialect &dialect = database.dialect();
    auto insertReturningId = [&](const QString &sql, const QVariantList &values) {
        QSqlQuery query = database.prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        database.exec(query, "test insert");
        query.next();
        return query.value(0).toLongLong();
    };
    const qint64 systemId = insertReturningId(
        QStringLiteral("INSERT INTO systems (name, kind) VALUES (?, ?) RETURNING id"),
        { QStringLiteral("pacs"), QStringLiteral("postgres") });
    auto newPair = [&](const QString &name) {
        return insertReturningId(
            QStringLiteral("INSERT INTO sync_pairs (name, source_system_id, source_entity, "
                           "target_system_id, target_entity) VALUES (?, ?, ?, ?, ?) RETURNING id"),
            { name, systemId, QStringLiteral("Property"), systemId,
              QStringLiteral("cama_property") });
    };
    const qint64 pair = newPair(QStringLiteral("p1"));
    const qint64 otherPair = newPair(QStringLiteral("p2"));
    const QString insertOp = QStringLiteral(
        "INSERT INTO sync_operations (pair_id, status, created_at) VALUES (?, ?, ?) RETURNING id");
    const QVariant now = dialect.toDb(QDateTime::currentDateTimeUtc());
    QVERIFY(insertReturningId(insertOp, { pair, QStringLiteral("running"), now }) > 0);
    QVERIFY(insertReturningId(insertOp, { pair, QStringLiteral("queued"), now }) > 0);
    QVERIFY(insertReturningId(insertOp, { pair, QStringLiteral("completed"), now }) > 0);
    QVERIFY(insertReturningId(insertOp, { otherPair, QStringLiteral("running"), now }) > 0);
    try {
        insertReturningId(insertOp, { pair, QStringLiteral("running"), now });
        QFAIL("a second running operation for the same pair was accepted");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Conflict);
    }
    try {
        insertReturningId(insertOp, { pair, QStringLiteral("sleeping"), now });
        QFAIL("an unknown status was accepted");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
    }
}

void TestMigrator::readinessReportsSchemaVersion()
{
    const QString url = freshUrl();
    TF_REQUIRE_POSTGRES(url);
    QFETCH(QString, backend);
    const int latest = Migrator::latestKnownVersion(Dialect(DatabaseUrl::parse(url).backend));
    {
        const auto unmigrated = ControlDatabase::open(url, false);
        const ControlDatabase::Readiness readiness = unmigrated->checkReady();
        QVERIFY(!readiness.ready);
        QCOMPARE(readiness.schemaVersion, 0);
        QCOMPARE(readiness.reason, QStringLiteral("schema at version 0, expected %1").arg(latest));
    }
    const auto control = ControlDatabase::open(url);
    const ControlDatabase::Readiness readiness = control->checkReady();
    QVERIFY2(readiness.ready, qPrintable(readiness.reason));
    QCOMPARE(readiness.schemaVersion, latest);
    QCOMPARE(readiness.latestVersion, latest);
    QCOMPARE(readiness.backend, backend);
    QVERIFY(readiness.latencyMs >= 0);
}

void TestMigrator::unreachableServerGivesOneError()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    const QString url
        = QStringLiteral("postgresql://tf:hunter2@127.0.0.1:%1/control").arg(tf::test::freePort());
    try {
        ControlDatabase::open(url);
        QFAIL("opened a database on a closed port");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable);
        QVERIFY2(error.message().startsWith(QLatin1String("database unavailable: ")),
                 qPrintable(error.message()));
        QVERIFY(!error.message().contains(QLatin1String("hunter2")));
    }
    // The failed connection is not left behind: a second attempt fails the same way.
    Database database(DatabaseUrl::parse(url));
    QVERIFY_THROWS_EXCEPTION(tf::Error, database.connection());
    QVERIFY_THROWS_EXCEPTION(tf::Error, database.connection());
}

QTEST_GUILESS_MAIN(TestMigrator)
#include "tst_migrator.moc"
