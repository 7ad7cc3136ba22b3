// cdc mode into a MariaDB target (cdc::MysqlCdcTarget) from a wal_level=logical cluster, both
// servers started by the test (tests/support/mariadbserver.h; TF_REQUIRE_MARIADB=1 makes a
// missing MariaDB a failure): the scenarios of cdctargetscenario.h, the executor on a thread of
// its own or, for the kills, in a child process (`tst_cdcmariadb --stream`).
#include "cdctargetscenario.h"
#include "mariadbserver.h"
#include "sync/connectors/mysqlconnector.h"
#include "sync/connectors/mysqlsession.h"
#include "testsupport.h"

#include <QProcess>
#include <QSqlQuery>
#include <QtTest>

using namespace tf;
using namespace tf::test::cdcpair;

namespace {

const QString kDatabase = QStringLiteral("cdc_target");
const QString kCrashPair = QStringLiteral("mariacrash");
constexpr auto kWrite = sync::mysql::Session::Role::Write;

sync::SystemSettings mariaSettings(int port, const QString &database)
{
    return sync::SystemSettings { QStringLiteral("mysql"),
                                  { { QStringLiteral("host"), QStringLiteral("127.0.0.1") },
                                    { QStringLiteral("port"), port },
                                    { QStringLiteral("database"), database } },
                                  { { QStringLiteral("user"), QStringLiteral("root") } } };
}

// The parcel table of cdcpairfixture.h in MariaDB with its write log (cdctargetscenario.h).
QStringList parcelTables()
{
    return {
        QStringLiteral("CREATE TABLE parcel (id BIGINT NOT NULL, region VARCHAR(64) NOT NULL, name TEXT, "
                       "big LONGTEXT, version INT, PRIMARY KEY (id, region)) ENGINE=InnoDB"),
        QStringLiteral("CREATE TABLE written (kind CHAR(1), tbl VARCHAR(64), id BIGINT, region VARCHAR(64), "
                       "version INT) ENGINE=InnoDB"),
        QStringLiteral("CREATE TRIGGER parcel_upsert BEFORE INSERT ON parcel FOR EACH ROW INSERT INTO written "
                       "VALUES ('i', 'parcel', NEW.id, NEW.region, NEW.version)"),
        QStringLiteral("CREATE TRIGGER parcel_update AFTER UPDATE ON parcel FOR EACH ROW INSERT INTO written "
                       "VALUES ('u', 'parcel', NEW.id, NEW.region, NEW.version)"),
    };
}

// The streaming process the crash test kills: the pair's executor into MariaDB.
int streamChild(const QString &url, int port, const QString &database, const QString &controlPath)
{
    auto source = test::PgSyncWorld::connector(url, kSrc);
    sync::MysqlConnector target(mariaSettings(port, database));
    auto control = db::ControlDatabase::open(controlPath);
    sync::QuarantineStore quarantine(control->database());
    test::streamUntilKilled(pairSpec(kCrashPair), *source, target, quarantine);
}

// The MariaDB database as the scenarios see it, through a connector of the test's own thread.
class MariaSide final : public CdcTargetSide
{
public:
    MariaSide(int port, QString database)
        : m_port(port)
        , m_database(std::move(database))
        , m_reader(mariaSettings(port, m_database))
    { }

    std::unique_ptr<sync::TargetConnector> connector() override
    {
        return std::make_unique<sync::MysqlConnector>(mariaSettings(m_port, m_database));
    }
    QString text(const QString &sql) override
    {
        QSqlQuery query = m_reader.session().run(kWrite, sql, {}, "cdc mariadb test");
        return query.next() && !query.value(0).isNull() ? query.value(0).toString() : QString();
    }
    void exec(const QString &sql) override { m_reader.session().execDirect(kWrite, sql, "cdc mariadb test"); }
    QStringList parcelRows() override
    {
        QSqlQuery query = m_reader.session().run(kWrite, QStringLiteral("SELECT id, region, name, big, version FROM parcel"),
                                                 {}, "reading parcels");
        return test::cdcpair::parcelRows(query);
    }
    qint64 storedEnd(const QString &pairId) override
    {
        if (value(QStringLiteral("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                 "AND TABLE_NAME = 'tf_cdc_position'"))
            == 0)
            return -1;
        const QString end = text(
            QStringLiteral("SELECT CAST(end_lsn AS CHAR) FROM tf_cdc_position WHERE pair_id = '%1'").arg(pairId));
        return end.isEmpty() ? -1 : end.toLongLong();
    }

private:
    int m_port;
    QString m_database;
    sync::MysqlConnector m_reader;
};

} // namespace

class TestCdcMariaDb : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    test::MariaDbServer m_server;

    bool createDatabase(const QString &name)
    {
        if (!m_server.createDatabase(name))
            return false;
        for (const QString &statement : parcelTables()) {
            if (!m_server.exec(name, statement))
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        TF_START_MARIADB(m_server);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        QVERIFY2(createDatabase(kDatabase), qPrintable(m_server.error()));
    }

    void cleanupTestCase()
    {
        m_world.close();
        m_cluster.reset();
        m_server.stop();
    }

    // cdctargetscenario.h: snapshot, every kind of change on the composite key (an unsent TOAST
    // value left untouched, key-only deletes, a key change), stop and resume with exactly the
    // changes made meanwhile applied once, TRUNCATE; the position in the MariaDB database.
    void snapshotStreamAndResume()
    {
        MariaSide side(m_server.port(), kDatabase);
        tf::test::cdcpair::snapshotStreamAndResume(m_world, side, QStringLiteral("maria"));
        if (QTest::currentTestFailed())
            return;
        // The position table is not one of the connector's entities.
        QVERIFY(!side.connector()->entities().contains(QStringLiteral("tf_cdc_position")));
    }

    // cdctargetscenario.h: kill -9 of the streaming process twice in the initial snapshot and 8
    // times while streaming, a concurrent writer: the MariaDB target equals the source afterwards
    // and no change was applied twice.
    void killedAnywhereConvergesExactly()
    {
        const QString database = QStringLiteral("cdc_crash");
        QVERIFY2(createDatabase(database), qPrintable(m_server.error()));
        MariaSide side(m_server.port(), database);
        tf::test::cdcpair::killedAnywhereConvergesExactly(m_world, m_cluster->url(), side, kCrashPair, 10000, 8, [&] {
            auto child = std::make_unique<QProcess>();
            child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child->start(QCoreApplication::applicationFilePath(),
                         { QStringLiteral("--stream"), m_cluster->url(), QString::number(m_server.port()), database,
                           m_world.dir.filePath(QStringLiteral("control.db")) });
            return child;
        });
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 6 && qstrcmp(argv[1], "--stream") == 0)
        return streamChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]).toInt(),
                           QString::fromLocal8Bit(argv[4]), QString::fromLocal8Bit(argv[5]));
    qputenv("QTEST_FUNCTION_TIMEOUT", "280000");
    TestCdcMariaDb test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cdcmariadb.moc"
