#include "cdcpairfixture.h"
#include "sync/engine/cdcexecutor.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QtTest>
#include <cstdio>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;

namespace {

const QString kPair = QStringLiteral("bigtx");
constexpr qint64 kRows = 1000000;
constexpr qint64 kMaxHwmKb = 150 * 1024;

// The streaming process: `tst_cdcbigtx --stream <url> <control.db>` runs the pair's cdc
// executor once; it exits (with the reason on stderr) only when the run ends, which here
// means it failed: the test asserts it is still running at the end.
int streamChild(const QString &url, const QString &controlPath)
{
    auto source = test::PgSyncWorld::connector(url, kSrc);
    auto target = test::PgSyncWorld::connector(url, kDst);
    auto control = db::ControlDatabase::open(controlPath);
    sync::QuarantineStore quarantine(control->database());
    sync::CdcExecutor executor(pairSpec(kPair), *source, *target, quarantine);
    sync::CdcRunOptions options;
    options.checkIntervalMs = 1000;
    options.statusIntervalMs = 1000;
    const sync::RunResult result = executor.run(options);
    std::fprintf(stderr, "run ended: %s\n", qPrintable(result.error));
    return 1;
}

// Peak resident set of a process (VmHWM in /proc/<pid>/status), in kB; -1 when unreadable.
qint64 peakRssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

// Issue 17: a 1,000,000-row UPDATE in one source transaction is applied as one target
// transaction by a streaming process whose peak RSS stays <= 150 MB, on a cluster whose
// wal_sender_timeout is 2 s (the backlog must not time the replication connection out).
class TestCdcBigTransaction : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;

    qint64 value(const QString &sql) { return scalar(*m_world.admin, sql).toLongLong(); }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        for (const QString &schema : { kSrc, kDst })
            m_world.admin->execDirect(
                QStringLiteral("CREATE TABLE %1.parcel (id int8, region text, name text, big text, "
                               "version int NOT NULL DEFAULT 1, PRIMARY KEY (id, region))")
                    .arg(schema),
                "setup");
        m_world.admin->execDirect(
            QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name, big) SELECT g, "
                           "'r' || (g % 7), 'parcel ' || g, repeat('x', 40) FROM "
                           "generate_series(1, %1) g")
                .arg(kRows),
            "setup");
    }

    void cleanupTestCase()
    {
        m_world.close();
        m_cluster.reset();
    }

    void millionRowUpdateIsOneTargetTransaction()
    {
        QCOMPARE(
            scalar(*m_world.admin, QStringLiteral("SELECT current_setting('wal_sender_timeout')")),
            QStringLiteral("2s"));
        QElapsedTimer phase;
        phase.start();
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    { QStringLiteral("--stream"), m_cluster->url(),
                      m_world.dir.filePath(QStringLiteral("control.db")) });
        QVERIFY(child.waitForStarted());
        // The initial snapshot (the full load) is in once the position is stored.
        QTRY_VERIFY_WITH_TIMEOUT(
            value(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = "
                                 "'cdc_dst' AND tablename = 'tf_cdc_position'"))
                    == 1
                && value(QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_position")) == 1,
            240000);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel")), kRows);
        qInfo("initial snapshot of %lld rows: %lld ms", kRows, phase.restart());

        m_world.admin->execDirect(QStringLiteral("UPDATE cdc_src.parcel SET version = version + 1, "
                                                 "name = name || ' updated'"),
                                  "the 1,000,000-row update");
        qInfo("source UPDATE of %lld rows: %lld ms", kRows, phase.restart());
        QTRY_COMPARE_WITH_TIMEOUT(
            value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE version = 2")), kRows,
            300000);
        qInfo("streamed and applied (source commit to target commit): %lld ms", phase.restart());
        const qint64 peak = peakRssKb(child.processId());
        QCOMPARE(child.state(), QProcess::Running); // never dropped by the walsender, never failed
        QCOMPARE(differences(*m_world.admin), 0);
        // Every updated row carries the same inserting transaction: one target transaction.
        QCOMPARE(value(QStringLiteral("SELECT count(DISTINCT xmin::text) FROM cdc_dst.parcel")), 1);
        qInfo("streaming process peak RSS (VmHWM): %lld kB", peak);
        QVERIFY(peak > 0);
        QVERIFY2(peak <= kMaxHwmKb,
                 qPrintable(QStringLiteral("VmHWM %1 kB > %2 kB").arg(peak).arg(kMaxHwmKb)));
        child.kill();
        child.waitForFinished(10000);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "--stream") == 0)
        return streamChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    qputenv("QTEST_FUNCTION_TIMEOUT", "570000");
    TestCdcBigTransaction test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cdcbigtx.moc"
