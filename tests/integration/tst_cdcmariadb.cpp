// cdc mode into a MariaDB target (cdc::MysqlCdcTarget) from a wal_level=logical cluster, both
// servers started by the test (tests/support/mariadbserver.h; TF_REQUIRE_MARIADB=1 makes a
// missing MariaDB a failure): the scenarios of cdctargetscenario.h, the executor on a thread of
// its own or, for the kills, in a child process (`tst_cdcmariadb --stream`).
#include "cdcmariaside.h"
#include "mariadbserver.h"
#include "testsupport.h"

#include <QProcess>
#include <QtTest>

using namespace tf;
using namespace tf::test::cdcpair;

namespace {

const QString kDatabase = QStringLiteral("cdc_target");
const QString kCrashPair = QStringLiteral("mariacrash");

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
