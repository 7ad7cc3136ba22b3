// DatabaseUrl::parse: what DATABASE_URL may look like, and how bad ones are refused.
#include "core/errors.h"
#include "db/databaseurl.h"

#include <QtTest>

using tf::db::DatabaseUrl;

class TestDatabaseUrl final : public QObject
{
    Q_OBJECT

private slots:
    void parsesGoodUrls_data();
    void parsesGoodUrls();
    void refusesBadUrls_data();
    void refusesBadUrls();
    void redactedHidesPassword();
    void connectOptionsCarryDefaults();
};

void TestDatabaseUrl::parsesGoodUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("sqlitePath");

    QTest::newRow("postgres with port") << "postgresql://tf:secret@db.example.org:6543/control"
                                        << true << "db.example.org" << 6543 << "tf"
                                        << "secret"
                                        << "control"
                                        << "";
    QTest::newRow("postgres default port")
        << "postgres://tf@localhost/control" << true << "localhost" << 5432 << "tf"
        << ""
        << "control"
        << "";
    QTest::newRow("percent-encoded password")
        << "postgresql://tf:p%40ss%3Aw%2Ford@10.0.0.5:5432/tf_control" << true << "10.0.0.5" << 5432
        << "tf"
        << "p@ss:w/ord"
        << "tf_control"
        << "";
    QTest::newRow("socket host in query")
        << "postgresql://tf@/control?host=/var/run/postgresql&port=5433" << true
        << "/var/run/postgresql" << 5433 << "tf"
        << ""
        << "control"
        << "";
    QTest::newRow("socket host percent-encoded")
        << "postgresql://%2Ftmp%2Fpg/control" << true << "/tmp/pg" << 5432 << ""
        << ""
        << "control"
        << "";
    QTest::newRow("ipv6 host") << "postgresql://[::1]:5000/x" << true << "::1" << 5000 << ""
                               << ""
                               << "x"
                               << "";
    QTest::newRow("sqlite absolute")
        << "sqlite:///var/lib/terrafusion/tf.db" << false << "" << -1 << ""
        << ""
        << ""
        << "/var/lib/terrafusion/tf.db";
    QTest::newRow("sqlite relative") << "sqlite:data/tf.db" << false << "" << -1 << ""
                                     << ""
                                     << ""
                                     << "data/tf.db";
    QTest::newRow("plain absolute path") << "/tmp/x/control.sqlite" << false << "" << -1 << ""
                                         << ""
                                         << ""
                                         << "/tmp/x/control.sqlite";
    QTest::newRow("plain relative .db") << "local.db" << false << "" << -1 << ""
                                        << ""
                                        << ""
                                        << "local.db";
}

void TestDatabaseUrl::parsesGoodUrls()
{
    QFETCH(QString, text);
    QFETCH(bool, postgres);
    const DatabaseUrl url = DatabaseUrl::parse(text);
    QCOMPARE(url.isPostgres(), postgres);
    QCOMPARE(url.driverName(), postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"));
    QTEST(url.host, "host");
    QTEST(url.port, "port");
    QTEST(url.user, "user");
    QTEST(url.password, "password");
    QTEST(url.database, "database");
    QTEST(url.sqlitePath, "sqlitePath");
}

void TestDatabaseUrl::refusesBadUrls_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("unknown scheme") << "mysql://root:hunter2@db/control"
                                    << "unknown scheme 'mysql'";
    QTest::newRow("port not a number") << "postgresql://tf:hunter2@db:abc/control"
                                       << "port 'abc'";
    QTest::newRow("port out of range") << "postgresql://tf:hunter2@db:70000/control"
                                       << "out of range";
    QTest::newRow("query port not a number") << "postgresql://tf:hunter2@db/control?port=x1"
                                             << "port 'x1'";
    QTest::newRow("empty") << "   "
                           << "empty";
    QTest::newRow("missing database") << "postgresql://tf:hunter2@db/"
                                      << "missing database name";
    QTest::newRow("no path at all") << "postgres://tf:hunter2@db:5432"
                                    << "missing database name";
    QTest::newRow("unknown option") << "postgresql://tf:hunter2@db/control?sslmod=require"
                                    << "unknown option 'sslmod'";
    QTest::newRow("bad sslmode") << "postgresql://tf:hunter2@db/control?sslmode=always"
                                 << "sslmode";
    QTest::newRow("ambiguous sqlite") << "sqlite://data/tf.db"
                                      << "sqlite:///absolute/path";
    // Found by fuzzing (tests/fuzz/corpus/databaseurl): hosts that redacted() could not write back.
    QTest::newRow("colon in host name") << "postgresql://tf:hunter2@a:b:5432/control"
                                        << "host 'a:b' is not a host name";
    QTest::newRow("slash in host name") << "postgresql://tf:hunter2@h%2Fx/control"
                                        << "host 'h/x' is not a host name";
    QTest::newRow("bracket in host name") << "postgresql://tf:hunter2@:1][::1]:6543/control"
                                          << "is not a host name";
    QTest::newRow("NUL in database name") << "postgresql://tf:hunter2@db/con%00trol"
                                          << "database name holds a NUL";
}

void TestDatabaseUrl::refusesBadUrls()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    try {
        DatabaseUrl::parse(text);
        QFAIL("parse() accepted a bad URL");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().startsWith(QLatin1String("database URL: ")),
                 qPrintable(error.message()));
        QVERIFY2(error.message().contains(mentions), qPrintable(error.message()));
        QVERIFY2(!error.message().contains(QLatin1String("hunter2")), qPrintable(error.message()));
    }
}

void TestDatabaseUrl::redactedHidesPassword()
{
    const DatabaseUrl url = DatabaseUrl::parse(
        QStringLiteral("postgresql://tf:p%40ss%3Aword@db:5432/control?sslmode=require"));
    const QString redacted = url.redacted();
    QVERIFY(!redacted.contains(QLatin1String("p@ss")));
    QVERIFY(!redacted.contains(QLatin1String("p%40ss")));
    QCOMPARE(redacted, QStringLiteral("postgresql://tf:***@db:5432/control?sslmode=require"));
    QCOMPARE(DatabaseUrl::parse(QStringLiteral("/a/b.db")).redacted(),
             QStringLiteral("sqlite:///a/b.db"));
}

void TestDatabaseUrl::connectOptionsCarryDefaults()
{
    const DatabaseUrl plain = DatabaseUrl::parse(QStringLiteral("postgresql://db/control"));
    QCOMPARE(plain.connectOptions(),
             QStringLiteral("application_name=terrafusion;connect_timeout=5"));
    const DatabaseUrl custom = DatabaseUrl::parse(QStringLiteral(
        "postgresql://db/control?connect_timeout=2&application_name=tf%20gateway&sslmode=disable"));
    QCOMPARE(custom.connectOptions(),
             QStringLiteral("application_name='tf gateway';connect_timeout=2;sslmode=disable"));
    QCOMPARE(DatabaseUrl::parse(QStringLiteral("x.db")).connectOptions(),
             QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
}

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
