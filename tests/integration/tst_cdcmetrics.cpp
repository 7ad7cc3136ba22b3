// Metrics and alert rules of cdc pairs (docs/cdc.md, "Metrics and alert rules") against a
// wal_level=logical cluster the test starts: a cdc pair stored in a control database with its
// source system, the executor streaming it on a thread, CdcSlotMonitor reading the pair's slot
// the way tf-syncd's collector does, the alert rules raising and resolving through AlertEngine,
// the commit-to-apply histogram, and the /metrics exposition checked (promtool when installed).
#include "cdcpairfixture.h"
#include "core/errors.h"
#include "core/secretbox.h"
#include "db/repositories/alertrepository.h"
#include "db/repositories/operationrepository.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/pairrecord.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/engine/cdcexecutor.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"
#include "syncd/controllers/cdcpairview.h"
#include "syncd/monitoring/alertengine.h"
#include "syncd/monitoring/cdclatency.h"
#include "syncd/monitoring/cdcslotmonitor.h"
#include "syncd/monitoring/metricsreport.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>
#include <QtTest>
#include <optional>
#include <atomic>
#include <memory>

namespace tf::test {
// tst_monitoring_promcheck.cpp: "" when the text is a clean exposition, else the first problem.
QString checkPrometheusText(const QByteArray &text, const QStringList &requiredLabels);
// promtool check metrics: "" when it is silent, else its output; nullopt when not installed.
std::optional<QString> promtoolProblem(const QByteArray &text);
}

using namespace tf;
using namespace tf::syncd;
using namespace tf::test::cdcpair;
using tf::test::scalar;

class TestCdcMetrics : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::TemporaryPostgres> m_cluster;
    test::PgSyncWorld m_world;
    std::unique_ptr<SecretBox> m_box;
    qint64 m_pairId = 0;
    CdcSlotMonitor m_monitor;
    CdcLatency m_latency;
    QDateTime m_clock = QDateTime::currentDateTimeUtc(); // the monitor's "now", moved by the tests

    struct Running
    {
        std::unique_ptr<sync::CdcExecutor> executor;
        std::unique_ptr<QThread> thread;
        std::atomic_bool cancel { false };
        sync::RunResult result;

        // False when the run did not end within a minute of the cancel.
        bool stop()
        {
            cancel.store(true);
            return thread->wait(60000);
        }
    };
    std::unique_ptr<Running> m_running;

    void startStreaming()
    {
        m_running = std::make_unique<Running>();
        m_running->executor = std::make_unique<sync::CdcExecutor>(
            pairSpec(QString::number(m_pairId)), *m_world.src, *m_world.dst, *m_world.quarantine);
        Running *r = m_running.get();
        CdcLatency *latency = &m_latency;
        const qint64 pairId = m_pairId;
        r->thread.reset(QThread::create([r, latency, pairId] {
            sync::CdcRunOptions options;
            options.cancel = &r->cancel;
            options.checkIntervalMs = 100;
            options.statusIntervalMs = 300;
            options.latency = [latency, pairId](double seconds) { latency->record(pairId, seconds); };
            r->result = r->executor->run(options);
        }));
        r->executor->moveToThread(r->thread.get());
        r->thread->start();
    }

    void sql(const QString &statement) { m_world.admin->execDirect(statement, "cdc metrics test"); }

    CdcPairFigures figures()
    {
        const QList<CdcPairFigures> all = m_monitor.collect(m_world.control->database(), *m_box, m_clock);
        if (all.size() != 1)
            qFatal("expected the one cdc pair, the monitor found %d", int(all.size()));
        return all.first();
    }

    int positionsStored() // -1 before the executor made tf_cdc_position
    {
        try {
            return scalar(*m_world.admin, QStringLiteral("SELECT count(*) FROM cdc_dst.tf_cdc_position")).toInt();
        } catch (const Error &) {
            return -1;
        }
    }

    bool slotActive()
    {
        return scalar(*m_world.admin, test::streamingSlotQuery(QStringLiteral("tf_pair_%1").arg(m_pairId)))
                   .toInt() == 1;
    }

    AlertEngine::Changes evaluate(AlertEngine &engine, const AlertThresholds &thresholds)
    {
        return engine.apply(m_world.control->database(), alertrules::evaluateCdc({ figures() }, thresholds));
    }

    static QStringList rules(const QList<db::AlertRecord> &alerts)
    {
        QStringList names;
        for (const db::AlertRecord &alert : alerts)
            names << alert.rule;
        names.sort();
        return names;
    }

    QStringList openCdcRules()
    {
        QList<db::AlertRecord> cdc;
        for (const db::AlertRecord &alert : db::AlertRepository(m_world.control->database()).open()) {
            if (alertrules::isCdcRule(alert.rule))
                cdc << alert;
        }
        return rules(cdc);
    }

    qint64 addSystem(const QString &name)
    {
        sync::SystemRegistry systems(m_world.control->database(), *m_box);
        sync::SystemDefinition system;
        system.name = name;
        system.kind = QStringLiteral("postgres");
        system.settings = QJsonObject { { QStringLiteral("url"), m_cluster->url() },
                                        { QStringLiteral("schema"), name == QLatin1String("source") ? kSrc : kDst } };
        return systems.create(system);
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        QVERIFY(m_world.open(m_cluster->url(), kSrc, kDst));
        createTables(*m_world.admin);
        // Catching up a 3 MB backlog row by row on a loaded machine can leave a keepalive
        // unanswered past the cluster's 2 s sender timeout (docs/cdc.md, "Not done yet"): the
        // default 60 s here, as tst_cdccrash does. A statement that hangs fails instead.
        sql(QStringLiteral("ALTER SYSTEM SET wal_sender_timeout = '60s'"));
        sql(QStringLiteral("SELECT pg_reload_conf()"));
        sql(QStringLiteral("SET statement_timeout = '60s'"));
        sql(QStringLiteral("CREATE TABLE public.ballast (id serial, filler text)")); // not published
        m_box = std::make_unique<SecretBox>(QByteArray(32, '\x07'));
        const qint64 source = addSystem(QStringLiteral("source"));
        const qint64 target = addSystem(QStringLiteral("target"));
        auto field = [](const char *column) {
            return QJsonObject { { QStringLiteral("target"), QLatin1String(column) },
                                 { QStringLiteral("source"), QLatin1String(column) } };
        };
        const QJsonObject json {
            { QStringLiteral("name"), QStringLiteral("parcels \"live\"") },
            { QStringLiteral("source_system_id"), source },
            { QStringLiteral("target_system_id"), target },
            { QStringLiteral("mode"), QStringLiteral("cdc") },
            { QStringLiteral("entities"),
              QJsonArray { QJsonObject {
                  { QStringLiteral("name"), QStringLiteral("parcel") },
                  { QStringLiteral("source"),
                    QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                  { QStringLiteral("key"), QJsonArray { QStringLiteral("id"), QStringLiteral("region") } } } },
                  { QStringLiteral("target"),
                    QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") },
                                  { QStringLiteral("key"), QJsonArray { QStringLiteral("id"), QStringLiteral("region") } } } },
                  { QStringLiteral("mapping"),
                    QJsonObject { { QStringLiteral("fields"),
                                    QJsonArray { field("id"), field("region"), field("name"), field("big"),
                                                 field("version") } } } },
              } } },
        };
        m_pairId = db::SyncPairRepository(m_world.control->database())
                       .insert(sync::pairRecordFrom(sync::SyncPairDefinition::parse(json)));
        QVERIFY(m_pairId > 0);
    }

    void cleanupTestCase()
    {
        if (m_running && !m_running->stop())
            qFatal("the cdc executor did not stop");
        m_running.reset();
        m_world.close();
        m_cluster.reset();
    }

    // Before the pair's first run there is no slot: the source answers, nothing to measure.
    void noSlotBeforeTheFirstRun()
    {
        const CdcPairFigures f = figures();
        QVERIFY2(f.reachable, qPrintable(f.error));
        QVERIFY(!f.slotExists);
        QCOMPARE(f.slot, QStringLiteral("tf_pair_%1").arg(m_pairId));
        QCOMPARE(f.lagBytes, qint64(-1));
        QVERIFY(alertrules::evaluateCdc({ f }, AlertThresholds()).isEmpty());
    }

    // While the pair streams: the slot is active with fresh feedback, and every source
    // transaction streamed is one observation of the commit-to-apply histogram.
    void streamingSlotAndLatency()
    {
        startStreaming();
        // Streaming starts once the snapshot's consistent point is stored (the slot is already
        // active while it is being created: a row written then belongs to the snapshot).
        QTRY_COMPARE_WITH_TIMEOUT(positionsStored(), 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(slotActive(), 30000);
        for (int i = 1; i <= 20; ++i)
            sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (%1, 'r', 'n')").arg(i));
        QTRY_COMPARE_WITH_TIMEOUT(differences(*m_world.admin), 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(m_latency.of(m_pairId).count, qint64(20), 10000);

        const CdcLatency::Histogram h = m_latency.of(m_pairId);
        QCOMPARE(h.buckets.size(), CdcLatency::boundsSeconds().size());
        for (int i = 1; i < h.buckets.size(); ++i)
            QVERIFY(h.buckets.at(i) >= h.buckets.at(i - 1)); // cumulative
        QVERIFY(h.buckets.last() <= h.count);
        QVERIFY(h.sumSeconds >= 0 && h.lastSeconds >= 0 && h.maxSeconds >= h.lastSeconds);
        const double p50 = CdcLatency::quantile(h, 0.5);
        QVERIFY(p50 >= 0 && p50 <= CdcLatency::quantile(h, 0.99));

        const CdcPairFigures f = figures();
        QVERIFY2(f.reachable, qPrintable(f.error));
        QVERIFY(f.slotExists);
        QVERIFY(f.active);
        QCOMPARE(f.walStatus, QStringLiteral("reserved"));
        QVERIFY(f.lagBytes >= 0);
        QVERIFY(f.retainedBytes >= f.lagBytes);
        QVERIFY(f.secondsSinceFeedback >= 0);
        QCOMPARE(f.inactiveSeconds, 0.0);
        QCOMPARE(f.name, QStringLiteral("parcels \"live\""));
    }

    // The stream stopped while the source writes: the lag grows past the threshold and its
    // alert is raised once; after cdc_inactive_minutes the inactive alert too; once the pair
    // streams again and catches up, both resolve.
    void lagAndInactiveAlertsRaiseOnceAndClear()
    {
        AlertThresholds thresholds;
        thresholds.cdcLagBytes = 2 * 1024 * 1024;
        thresholds.cdcInactiveMinutes = 5;
        AlertEngine engine(thresholds, QStringLiteral("node-a"));

        QVERIFY(rules(evaluate(engine, thresholds).raised).isEmpty()); // streaming, caught up
        QVERIFY2(m_running->stop(), "the cdc executor did not stop within a minute of the cancel");
        QTRY_VERIFY_WITH_TIMEOUT(!slotActive(), 10000);
        // Published rows the stopped pair has not applied: about 4 MB of WAL.
        sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'lag', "
                           "repeat(md5(g::text), 30) FROM generate_series(1000, 4000) g"));
        CdcPairFigures f = figures();
        QVERIFY(!f.active);
        QVERIFY2(f.lagBytes > 2 * 1024 * 1024, qPrintable(QString::number(f.lagBytes)));
        QVERIFY(f.retainedBytes >= f.lagBytes);

        AlertEngine::Changes changes = evaluate(engine, thresholds);
        QCOMPARE(rules(changes.raised), QStringList { alertrules::kCdcLag });
        const db::AlertRecord lag = changes.raised.first();
        QCOMPARE(lag.source, QStringLiteral("pair:%1").arg(m_pairId));
        QVERIFY2(lag.message.startsWith(QStringLiteral("Replication lag above threshold: slot tf_pair_%1").arg(m_pairId)),
                 qPrintable(lag.message));
        QVERIFY(evaluate(engine, thresholds).raised.isEmpty()); // once per episode

        m_clock = m_clock.addSecs(6 * 60);
        f = figures();
        QVERIFY(f.inactiveSeconds >= 6 * 60);
        QVERIFY(f.secondsSinceFeedback >= 6 * 60);
        changes = evaluate(engine, thresholds);
        QCOMPARE(rules(changes.raised), QStringList { alertrules::kCdcInactive });
        QVERIFY2(changes.raised.first().message.contains(QStringLiteral("no walsender for")),
                 qPrintable(changes.raised.first().message));
        QCOMPARE(openCdcRules(), (QStringList { alertrules::kCdcLag, alertrules::kCdcInactive }));

        startStreaming();
        QTRY_VERIFY_WITH_TIMEOUT(differences(*m_world.admin) == 0 || m_running->thread->isFinished(), 60000);
        QVERIFY2(!m_running->thread->isFinished(), qPrintable(m_running->result.error));
        QTRY_VERIFY_WITH_TIMEOUT(figures().lagBytes < 2 * 1024 * 1024 && figures().active, 30000);
        changes = evaluate(engine, thresholds);
        QCOMPARE(rules(changes.resolved), (QStringList { alertrules::kCdcLag, alertrules::kCdcInactive }));
        QVERIFY(openCdcRules().isEmpty());
        QCOMPARE(m_latency.of(m_pairId).count, qint64(20 + 1)); // the 3001-row insert: one transaction
    }

    // The figures on /metrics: every cdc family with the pair's labels, one wal_status series
    // per status, the latency histogram; a clean exposition (promtool when installed).
    void prometheusExposition()
    {
        MetricsReport report;
        report.nodeId = QStringLiteral("node-a");
        report.haveSnapshot = true;
        report.snapshot.at = QDateTime::currentDateTimeUtc();
        report.snapshot.cdcPairs = { figures() };
        report.cdcLatency = m_latency.snapshot();
        const QByteArray text = report.prometheus();
        const QString problem = test::checkPrometheusText(text, { QStringLiteral("node") });
        QVERIFY2(problem.isEmpty(), qPrintable(problem + QStringLiteral("\n") + QString::fromUtf8(text)));
        auto has = [&text](const QByteArray &piece) { return text.contains(piece); };
        const QByteArray labels = "node=\"node-a\",pair_id=\"" + QByteArray::number(m_pairId) + "\",pair=\"parcels \\\"live\\\"\"";
        for (const QByteArray &series : { QByteArray("terrafusion_cdc_lag_bytes{"), QByteArray("terrafusion_cdc_retained_wal_bytes{"),
                                          QByteArray("terrafusion_cdc_seconds_since_feedback{"),
                                          QByteArray("terrafusion_cdc_slot_active{"), QByteArray("terrafusion_cdc_source_up{") })
            QVERIFY2(has(series + labels + "} "), series.constData());
        QVERIFY(has("terrafusion_cdc_slot_active{" + labels + "} 1\n"));
        QVERIFY(has("terrafusion_cdc_wal_status{" + labels + ",status=\"reserved\"} 1\n"));
        QVERIFY(has("terrafusion_cdc_wal_status{" + labels + ",status=\"lost\"} 0\n"));
        QVERIFY(has("# TYPE terrafusion_cdc_commit_to_apply_seconds histogram"));
        QVERIFY(has("terrafusion_cdc_commit_to_apply_seconds_bucket{" + labels + ",le=\"+Inf\"} 21\n"));
        QVERIFY(has("terrafusion_cdc_commit_to_apply_seconds_count{" + labels + "} 21\n"));

        const QJsonArray cdc = report.jsonAdditions().value(QStringLiteral("cdc")).toArray();
        QCOMPARE(cdc.size(), 1);
        const QJsonObject pair = cdc.first().toObject();
        QCOMPARE(pair.value(QStringLiteral("pair_id")).toInteger(), m_pairId);
        QCOMPARE(pair.value(QStringLiteral("wal_status")).toString(), QStringLiteral("reserved"));
        QCOMPARE(pair.value(QStringLiteral("latency")).toObject().value(QStringLiteral("cdc_latency_transactions")).toInteger(), qint64(21));

        const std::optional<QString> promtool = test::promtoolProblem(text);
        if (!promtool) {
            if (qEnvironmentVariableIntValue("TF_REQUIRE_PROMTOOL") == 1)
                QFAIL("TF_REQUIRE_PROMTOOL=1 but promtool is not installed (Debian package prometheus)");
            QSKIP("promtool not installed: only the strict check ran");
        }
        QVERIFY2(promtool->isEmpty(), qPrintable(*promtool + QStringLiteral("\n") + QString::fromUtf8(text)));
    }

    // GET /api/sync-pairs/{id}'s `cdc` object: the streaming operation's heartbeat figures
    // (lag, wal_status, latency); null for a pair of another mode.
    void pairViewShowsLagAndLatency()
    {
        db::Database &control = m_world.control->database();
        const db::SyncPairRecord pair = db::SyncPairRepository(control).get(m_pairId);
        QJsonObject view = cdcPairView(control, pair).toObject();
        QCOMPARE(view.value(QStringLiteral("streaming")).toBool(), false);
        QVERIFY(view.value(QStringLiteral("lag_bytes")).isNull());

        db::OperationRepository operations(control);
        const qint64 operation = operations.start(m_pairId, QStringLiteral("full"), false, QStringLiteral("startup"),
                                                  QStringLiteral("node-a"));
        QJsonObject statistics { { QStringLiteral("cdc_applied_lsn"), QStringLiteral("0/1C4A350") },
                                 { QStringLiteral("cdc_transactions"), 21 },
                                 { QStringLiteral("cdc_lag_bytes"), 4096 },
                                 { QStringLiteral("cdc_wal_status"), QStringLiteral("reserved") } };
        const CdcLatency::Histogram latency = m_latency.of(m_pairId);
        CdcLatency::addFigures(statistics, latency);
        operations.progress(operation, -1, QStringLiteral("streaming"), statistics);

        view = cdcPairView(control, pair).toObject();
        QCOMPARE(view.value(QStringLiteral("streaming")).toBool(), true);
        QCOMPARE(view.value(QStringLiteral("operation_id")).toInteger(), operation);
        QCOMPARE(view.value(QStringLiteral("applied_lsn")).toString(), QStringLiteral("0/1C4A350"));
        QCOMPARE(view.value(QStringLiteral("transactions")).toInteger(), qint64(21));
        QCOMPARE(view.value(QStringLiteral("lag_bytes")).toInteger(), qint64(4096));
        QCOMPARE(view.value(QStringLiteral("wal_status")).toString(), QStringLiteral("reserved"));
        QCOMPARE(view.value(QStringLiteral("latency_p50_ms")).toDouble(), CdcLatency::quantile(latency, 0.5) * 1000.0);
        QCOMPARE(view.value(QStringLiteral("latency_p99_ms")).toDouble(), CdcLatency::quantile(latency, 0.99) * 1000.0);
        QCOMPARE(view.value(QStringLiteral("latency_last_ms")).toDouble(), latency.lastSeconds * 1000.0);

        db::SyncPairRecord hash = pair;
        hash.definition.insert(QStringLiteral("mode"), QStringLiteral("hash"));
        QVERIFY(cdcPairView(control, hash).isNull());
    }

    // A stopped pair whose slot passes max_slot_wal_keep_size: wal_status unreserved, then lost
    // after a checkpoint; the critical alert names the status.
    void walStatusUnreservedOrLost()
    {
        QVERIFY2(m_running->stop(), "the cdc executor did not stop within a minute of the cancel");
        QTRY_VERIFY_WITH_TIMEOUT(!slotActive(), 10000);
        sql(QStringLiteral("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'"));
        sql(QStringLiteral("SELECT pg_reload_conf()"));
        AlertThresholds thresholds;
        AlertEngine engine(thresholds, QStringLiteral("node-a"));
        // Each switch starts a new 16 MB segment; the slot's restart point falls behind.
        for (int i = 0; i < 4; ++i) {
            sql(QStringLiteral("INSERT INTO public.ballast (filler) VALUES ('x')"));
            sql(QStringLiteral("SELECT pg_switch_wal()"));
        }
        sql(QStringLiteral("CHECKPOINT"));
        QTRY_VERIFY_WITH_TIMEOUT(QStringList({ QStringLiteral("unreserved"), QStringLiteral("lost") })
                                     .contains(figures().walStatus),
                                 10000);
        const CdcPairFigures f = figures();
        const AlertEngine::Changes changes = evaluate(engine, thresholds);
        QVERIFY(rules(changes.raised).contains(alertrules::kCdcWalStatus));
        for (const db::AlertRecord &alert : changes.raised) {
            if (alert.rule != alertrules::kCdcWalStatus)
                continue;
            QCOMPARE(alert.severity, QStringLiteral("critical"));
            QVERIFY2(alert.message.contains(QStringLiteral("wal_status '%1'").arg(f.walStatus)), qPrintable(alert.message));
        }
        sql(QStringLiteral("ALTER SYSTEM RESET max_slot_wal_keep_size"));
        sql(QStringLiteral("SELECT pg_reload_conf()"));
    }
};

QTEST_GUILESS_MAIN(TestCdcMetrics)
#include "tst_cdcmetrics.moc"
