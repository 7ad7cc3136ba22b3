#include "cdcpairfixture.h"
#include "cdcrunning.h"
#include "cdcsourcewriter.h"
#include "core/errors.h"
#include "sync/engine/cdcexecutor.h"
#include "testsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <csignal>
#include <cstdio>

using namespace tf;
using namespace tf::test::cdcpair;
using tf::test::scalar;
using tf::test::cdcpair::SourceWriter;

namespace {

const QString kPair = QStringLiteral("crash");

// The streaming process the test kills: `tst_cdccrash --stream <url> <control.db>` runs the
// cdc executor of the pair, and after a failure (a slot still held by the walsender of a
// killed predecessor, say) starts it again, as tf-syncd's retry does, until it is killed.
int streamChild(const QString &url, const QString &controlPath)
{
    auto source = test::PgSyncWorld::connector(url, kSrc);
    auto target = test::PgSyncWorld::connector(url, kDst);
    auto control = db::ControlDatabase::open(controlPath);
    sync::QuarantineStore quarantine(control->database());
    test::streamUntilKilled(pairSpec(kPair), *source, *target, quarantine);
}

} // namespace

// kill -9 of the process running the cdc executor at 20 points, during the initial snapshot and
// while streaming, with a writer changing the source all along: afterwards the target equals
// the source and no change was applied twice.
class TestCdcCrash : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;

    qint64 value(const QString &sql) { return scalar(*m_world.admin, sql).toLongLong(); }
    // The position the target stored, or "" before the snapshot is in.
    QString position()
    {
        return scalar(*m_world.admin,
                      QStringLiteral("SELECT coalesce(max(end_lsn)::text, '') FROM cdc_dst.tf_cdc_position"));
    }

    std::unique_ptr<QProcess> startChild()
    {
        auto child = std::make_unique<QProcess>();
        child->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child->start(QCoreApplication::applicationFilePath(),
                     { QStringLiteral("--stream"), m_cluster->url(),
                       m_world.dir.filePath(QStringLiteral("control.db")) });
        return child;
    }
    static void kill9(QProcess &child)
    {
        if (child.processId() > 0) // never kill(0): that is the whole process group
            ::kill(pid_t(child.processId()), SIGKILL);
        child.waitForFinished(10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        // The cluster's 2 s sender timeout stays: a streaming process catching up after a kill
        // works through a backlog, answering on the stream's busy budget.
        m_world.admin->execDirect(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, "
                                                 "'r' || (g % 3), 'n' || g FROM generate_series(0, 49999) g"),
                                  "cdc test setup");
    }

    void cleanupTestCase()
    {
        m_world.close();
        m_cluster.reset();
    }

    void killedAnywhereConvergesExactly()
    {
        QRandomGenerator random(17);
        // During the snapshot, the writer deletes too: a snapshot that starts over first removes
        // the rows the killed attempt wrote (docs/cdc.md, "Snapshot restart and deletes"), so a
        // row deleted between two attempts does not stay in the target.
        SourceWriter writer(m_cluster->url(), true);
        writer.start(50000);
        for (int kill = 0; kill < 2; ++kill) {
            auto child = startChild();
            QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM pg_replication_slots "
                                                          "WHERE slot_name = 'tf_pair_crash'")) > 0
                                         && value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel")) > 0,
                                     60000);
            kill9(*child);
        }
        writer.stop();
        QVERIFY2(writer.error().isEmpty(), qPrintable(writer.error()));
        QVERIFY(value(QStringLiteral("SELECT count(*) FROM cdc_src.parcel")) < writer.nextId()); // deletes ran

        // The third attempt loads the snapshot; with the source quiet, the target then equals it.
        // The reloads wrote rows twice by design: the log of writes starts again from here, and
        // counts what streaming writes.
        auto running = startChild();
        QTRY_VERIFY_WITH_TIMEOUT(!position().isEmpty(), 120000); // the snapshot is in
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 120000);
        m_world.admin->execDirect(QStringLiteral("DELETE FROM cdc_dst.written"), "cdc test");

        // Streaming: 18 more kills at random moments, each after the stored position moved.
        // Feedback goes on a 300 ms timer, so most kills land after a target commit whose
        // position the slot has not been told yet: counted, and at least one is required.
        SourceWriter streaming(m_cluster->url(), true);
        streaming.start(writer.nextId());
        int killsBeforeFeedback = 0;
        for (int kill = 0; kill < 18; ++kill) {
            if (!running)
                running = startChild();
            const QString before = position();
            QTRY_VERIFY_WITH_TIMEOUT(value(QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_position "
                                                          "WHERE end_lsn > '%1'::pg_lsn").arg(before)) > 0,
                                     60000);
            QTest::qWait(int(random.bounded(50, 800)));
            kill9(*running);
            running.reset();
            killsBeforeFeedback += value(QStringLiteral("SELECT count(*) FROM pg_replication_slots s WHERE s.slot_name = "
                                                        "'tf_pair_crash' AND s.confirmed_flush_lsn < (SELECT max(end_lsn) "
                                                        "FROM cdc_dst.tf_cdc_position)")) > 0;
        }
        qInfo("%d of 18 streaming kills came between a target commit and its feedback", killsBeforeFeedback);
        QVERIFY(killsBeforeFeedback > 0);
        streaming.stop();
        QVERIFY2(streaming.error().isEmpty(), qPrintable(streaming.error()));

        if (!running)
            running = startChild();
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 120000);
        kill9(*running);
        QCOMPARE(duplicates(*m_world.admin), 0);
        QVERIFY(value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel")) > 50000);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "--stream") == 0)
        return streamChild(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    // 20 kills, each waiting for progress, then the catch-up: more than QtTest's default 300 s.
    qputenv("QTEST_FUNCTION_TIMEOUT", "570000");
    TestCdcCrash test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cdccrash.moc"
