// cdc mode through the services (issue 17): a tf-gateway with its tf-syncd (REST only, no
// workers) and two worker nodes (tst_nodes' NodeCluster), all on a control database of a
// wal_level=logical cluster (cdccluster.h) that also holds the sources and targets, one
// database per scenario (cdcpairfixture.h's tables and target trigger log).
//
// - Systems and a "mode":"cdc" pair made through the gateway's REST API; the snapshot arrives,
//   then inserts, updates and deletes, each waited for in the target; the operation's heartbeat
//   statistics in GET /api/sync-operations/{id}; disabling the pair ends the operation and
//   keeps the slot, changes made meanwhile arrive after enabling, once.
// - A stream that fails for good (its slot dropped behind its back) is not queued again by the
//   scheduler: one failed operation, one alert, until a person acts (a new snapshot, then
//   disable and enable).
// - kill -9 of the node streaming a pair while the source is written: the other node takes
//   the lease over and resumes from the stored position; target == source, nothing twice.
// - DELETE of the pair drops its slot and publication, and the audit entry says so; it closes
//   the pair's open alerts (cdc rules and event alerts) with a note, and its
//   terrafusion_cdc_* series leave /metrics.
#include "cdcpairfixture.h"
#include "db/repositories/alertrepository.h"
#include "sync/queue/operationqueue.h"
#include "tst_gatewayproxy_fixture.h"
#include "tst_nodes_cluster.h"

#include <QSqlQuery>
#include <QTest>

using namespace tf;
using namespace tf::test;
using namespace tf::test::cdcpair;

namespace {

constexpr int kLeaseMs = 6000;
constexpr int kWait = 60000;

// One scenario's source and target: a database of the cluster with cdcpairfixture's tables.
struct Scenario
{
    QString url;
    std::unique_ptr<db::Database> admin;

    void sql(const QString &statement) const { admin->execDirect(statement, "cdc service test"); }
    qint64 value(const QString &query) const { return scalar(*admin, query).toLongLong(); }
    qint64 differences() const { return cdcpair::differences(*admin); }
    qint64 duplicates() const { return cdcpair::duplicates(*admin); }
};

} // namespace

class TestCdcService final : public QObject, public GatewayProxyFixture
{
    Q_OBJECT

    std::unique_ptr<TemporaryPostgres> m_cluster;
    std::unique_ptr<NodeCluster> m_nodes;
    std::unique_ptr<db::Database> m_clusterAdmin;
    Scenario m_stream;
    qint64 m_streamPair = 0;
    qint64 m_brokenPair = 0; // permanentFailureWaitsForAPerson's, disabled at its end

    db::Database &control() { return m_nodes->control(); }

    Scenario scenario(const QString &database)
    {
        m_clusterAdmin->execDirect(QStringLiteral("CREATE DATABASE ") + database, "cdc service test");
        Scenario made;
        made.url = m_cluster->url(database);
        made.admin = std::make_unique<db::Database>(db::DatabaseUrl::parse(made.url));
        for (const QString &schema : { kSrc, kDst })
            made.sql(QStringLiteral("CREATE SCHEMA ") + schema);
        createTables(*made.admin);
        return made;
    }

    qint64 postgresSystem(const QString &name, const Scenario &where, const QString &schema)
    {
        return create(QStringLiteral("/api/systems"),
                      { { QStringLiteral("name"), name },
                        { QStringLiteral("kind"), QStringLiteral("postgres") },
                        { QStringLiteral("settings"),
                          QJsonObject { { QStringLiteral("url"), where.url },
                                        { QStringLiteral("schema"), schema } } } });
    }

    // A cdc pair over the scenario's parcel tables, made through the API (0 when refused).
    qint64 cdcPair(const QString &name, const Scenario &where)
    {
        const qint64 source = postgresSystem(name + QStringLiteral(" source"), where, kSrc);
        const qint64 target = postgresSystem(name + QStringLiteral(" target"), where, kDst);
        if (source == 0 || target == 0)
            return 0;
        QJsonArray fields;
        for (const char *column : { "id", "region", "name", "big", "version" })
            fields.append(field(column, column));
        const QJsonArray key { QStringLiteral("id"), QStringLiteral("region") };
        const QJsonObject entity {
            { QStringLiteral("name"), QStringLiteral("parcel") },
            { QStringLiteral("source"),
              QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") }, { QStringLiteral("key"), key } } },
            { QStringLiteral("target"),
              QJsonObject { { QStringLiteral("entity"), QStringLiteral("parcel") }, { QStringLiteral("key"), key } } },
            { QStringLiteral("mapping"), QJsonObject { { QStringLiteral("fields"), fields } } },
        };
        return create(QStringLiteral("/api/sync-pairs"),
                      { { QStringLiteral("name"), name },
                        { QStringLiteral("source_system_id"), source },
                        { QStringLiteral("target_system_id"), target },
                        { QStringLiteral("mode"), QStringLiteral("cdc") },
                        { QStringLiteral("entities"), QJsonArray { entity } } });
    }

    QList<db::OperationRecord> operationsOf(qint64 pairId)
    {
        sync::OperationQueue::ListFilter filter;
        filter.pairId = pairId;
        filter.limit = 100;
        return sync::OperationQueue(control()).list(filter); // newest first
    }
    db::OperationRecord newest(qint64 pairId)
    {
        const QList<db::OperationRecord> all = operationsOf(pairId);
        return all.isEmpty() ? db::OperationRecord() : all.first();
    }
    QString log(qint64 operationId)
    {
        return sync::OperationQueue(control()).logLines(operationId).join(QLatin1Char('\n'));
    }
    QString describe(qint64 pairId)
    {
        QString text;
        for (const db::OperationRecord &operation : operationsOf(pairId))
            text += QStringLiteral("operation %1 %2 on %3:\n%4\n")
                        .arg(operation.id)
                        .arg(operation.status, operation.nodeId, log(operation.id));
        return text + m_nodes->logs();
    }
    // An operation of the pair running (after an earlier one, `after`), or 0.
    qint64 runningOperation(qint64 pairId, qint64 after = 0)
    {
        const db::OperationRecord record = newest(pairId);
        return record.id > after && record.status == QLatin1String("running") ? record.id : 0;
    }
    qint64 controlCount(const QString &sql, const QVariantList &values)
    {
        QSqlQuery query = control().prepare(sql);
        for (const QVariant &value : values)
            query.addBindValue(value);
        control().exec(query, "cdc service test");
        const qint64 n = query.next() ? query.value(0).toLongLong() : -1;
        query.finish();
        return n;
    }
    qint64 alerts(const QString &rule, qint64 pairId)
    {
        return controlCount(QStringLiteral("SELECT count(*) FROM alerts WHERE rule = ? AND message LIKE ?"),
                            { rule, QStringLiteral("%pair %1%").arg(pairId) });
    }
    // The rules of the pair's open alerts, sorted.
    QStringList openAlerts(qint64 pairId)
    {
        QStringList rules;
        for (const db::AlertRecord &alert : db::AlertRepository(control()).open()) {
            if (db::AlertRepository::pairOf(alert) == pairId)
                rules << alert.rule;
        }
        rules.sort();
        return rules;
    }
    QByteArray prometheus()
    {
        const HttpResult metrics = api("GET", QStringLiteral("/api/metrics?format=prometheus"));
        if (metrics.status != 200)
            qWarning("metrics: HTTP %d %s", metrics.status, metrics.body.constData());
        return metrics.body;
    }
    qint64 slotCount(const QString &name)
    {
        return scalar(*m_clusterAdmin, QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE "
                                                      "slot_name = '%1'").arg(name))
            .toLongLong();
    }
    // "true" or "false"; empty when there is no such slot.
    QString slotActive(const QString &name)
    {
        return scalar(*m_clusterAdmin, QStringLiteral("SELECT active FROM pg_replication_slots WHERE "
                                                      "slot_name = '%1'").arg(name));
    }
    bool setEnabled(qint64 pairId, bool enabled)
    {
        const HttpResult result = api("POST", QStringLiteral("/api/sync-pairs/%1/%2")
                                                  .arg(pairId)
                                                  .arg(enabled ? QStringLiteral("enable") : QStringLiteral("disable")));
        if (result.status != 200)
            qWarning("enable/disable: HTTP %d %s", result.status, result.body.constData());
        return result.status == 200;
    }

    // `rows` source rows, a cdc pair over them through the API, its snapshot in the target and
    // its operation running.
    void startStreaming(const QString &name, const Scenario &s, int rows, qint64 *pair, qint64 *operation)
    {
        s.sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, '%1', 'n' || g FROM "
                             "generate_series(1, %2) g")
                  .arg(name)
                  .arg(rows));
        *pair = cdcPair(name, s);
        QVERIFY(*pair > 0);
        QTRY_VERIFY2_WITH_TIMEOUT(runningOperation(*pair) > 0 && s.differences() == 0, qPrintable(describe(*pair)),
                                  kWait);
        *operation = runningOperation(*pair);
    }
    // Disabled through the API; its operation ends.
    void disable(qint64 pairId)
    {
        QVERIFY(setEnabled(pairId, false));
        QTRY_VERIFY2_WITH_TIMEOUT(newest(pairId).isFinished(), qPrintable(describe(pairId)), kWait);
    }

private Q_SLOTS:
    void initTestCase()
    {
        TF_START_LOGICAL_CLUSTER(m_cluster);
        m_clusterAdmin = std::make_unique<db::Database>(db::DatabaseUrl::parse(m_cluster->url()));
        // A node catching up on a backlog must not be cut off by the 2 s test timeout
        // (docs/cdc.md, "Keepalives behind a backlog").
        m_clusterAdmin->execDirect(QStringLiteral("ALTER SYSTEM SET wal_sender_timeout = '60s'"), "setup");
        m_clusterAdmin->execDirect(QStringLiteral("SELECT pg_reload_conf()"), "setup");
        m_clusterAdmin->execDirect(QStringLiteral("CREATE DATABASE tfcontrol"), "setup");
        const QHash<QString, QString> sync {
            { QStringLiteral("poll_interval_ms"), QStringLiteral("100") },
            { QStringLiteral("lease_ms"), QString::number(kLeaseMs) },
            { QStringLiteral("scheduler_interval_ms"), QStringLiteral("300") },
            { QStringLiteral("retry_base_ms"), QStringLiteral("200") },
            // A cdc stream holds a worker as long as it runs: room for every pair of the test
            // on one node, once the other is killed.
            { QStringLiteral("workers"), QStringLiteral("4") },
        };
        m_nodes = std::make_unique<NodeCluster>(m_cluster->url(QStringLiteral("tfcontrol")), sync);
        // Samples every half second; a disabled pair's slot (inactive, behind the WAL the cluster
        // writes) fires the cdc rules at once (deleteClosesAlertsAndMetrics).
        const QHash<QString, QString> monitoring {
            { QStringLiteral("TF_MAINTENANCE__ENABLED"), QStringLiteral("false") },
            { QStringLiteral("TF_MONITORING__SAMPLE_INTERVAL_MS"), QStringLiteral("500") },
            { QStringLiteral("TF_ALERTS__CDC_INACTIVE_MINUTES"), QStringLiteral("0.01") },
            { QStringLiteral("TF_ALERTS__CDC_LAG_BYTES"), QStringLiteral("1") },
        };
        for (auto it = monitoring.cbegin(); it != monitoring.cend(); ++it)
            m_nodes->setNodeVariable(it.key(), it.value());
        QVERIFY2(m_nodes->startNode(1), qPrintable(m_nodes->logs()));
        QVERIFY2(m_nodes->startNode(2), qPrintable(m_nodes->logs()));

        // The gateway's own tf-syncd answers the API and schedules, but streams nothing: the
        // worker nodes do, so the one streaming can be killed while another takes over.
        QVERIFY(m_dir.isValid());
        QProcessEnvironment env = ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("DATABASE_URL"), m_cluster->url(QStringLiteral("tfcontrol")));
        env.insert(QStringLiteral("TF_SECRET_KEY"), NodeCluster::secretKey());
        for (auto it = monitoring.cbegin(); it != monitoring.cend(); ++it)
            env.insert(it.key(), it.value());
        for (auto it = sync.cbegin(); it != sync.cend(); ++it)
            env.insert(QStringLiteral("TF_SYNC__") + it.key().toUpper(), it.value());
        env.insert(QStringLiteral("TF_SYNC__WORKERS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
    }

    void cleanupTestCase()
    {
        m_gateway.reset();
        m_nodes.reset();
        m_stream.admin.reset();
        m_clusterAdmin.reset();
        m_cluster.reset();
    }

    void streamsThroughTheApi()
    {
        m_stream = scenario(QStringLiteral("stream"));
        const Scenario &s = m_stream;
        s.sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'r' || (g % 3), 'n' || g "
                             "FROM generate_series(1, 40) g"));
        s.sql(QStringLiteral("UPDATE cdc_src.parcel SET big = (SELECT string_agg(md5(g::text), '') FROM "
                             "generate_series(1, 1000) g), version = version + 1 WHERE id = 7"));
        m_streamPair = cdcPair(QStringLiteral("stream"), s);
        QVERIFY(m_streamPair > 0);

        // The scheduler queues the stream, a worker node claims it, the snapshot arrives.
        QTRY_VERIFY2_WITH_TIMEOUT(s.value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel")) == 40,
                                  qPrintable(describe(m_streamPair)), kWait);
        QTRY_VERIFY2_WITH_TIMEOUT(runningOperation(m_streamPair) > 0, qPrintable(describe(m_streamPair)), kWait);
        const qint64 first = runningOperation(m_streamPair);
        QCOMPARE(s.differences(), 0);

        // Each kind of change, waited for in the target.
        s.sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (100, 'x', 'new')"));
        QTRY_VERIFY2_WITH_TIMEOUT(s.value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 100")) == 1,
                                  qPrintable(describe(m_streamPair)), kWait);
        s.sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'renamed', version = version + 1 WHERE id = 7"));
        QTRY_COMPARE_WITH_TIMEOUT(s.value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 7 AND "
                                                         "name = 'renamed' AND length(big) = 32000")),
                                  1, kWait);
        s.sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 3"));
        QTRY_COMPARE_WITH_TIMEOUT(s.value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id = 3")), 0,
                                  kWait);
        QCOMPARE(s.differences(), 0);

        // The heartbeat's statistics, through the API: the applied position reaches the
        // source's position after the last change.
        const qint64 current = s.value(QStringLiteral("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"));
        auto statistics = [&] {
            return api("GET", QStringLiteral("/api/sync-operations/%1").arg(first))
                .json()
                .value(QStringLiteral("statistics"))
                .toObject();
        };
        auto appliedUpTo = [&](qint64 lsn) {
            const QJsonObject stats = statistics();
            const QString applied = stats.value(QStringLiteral("cdc_applied_lsn")).toString();
            if (applied.isEmpty())
                return false;
            const qint64 at = s.value(QStringLiteral("SELECT '%1'::pg_lsn - '0/0'::pg_lsn").arg(applied));
            return at >= lsn && stats.value(QStringLiteral("cdc_transactions")).toInteger() >= 3;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(appliedUpTo(current), QJsonDocument(statistics()).toJson().constData(), kWait);
        const QJsonObject stats = statistics();
        QVERIFY2(stats.value(QStringLiteral("cdc_wal_status")).toString() == QLatin1String("reserved"),
                 QJsonDocument(stats).toJson().constData());
        // The slot's lag against the server's current position: never 0 here, since the control
        // database on the same cluster writes WAL all along and an idle slot confirms only the
        // keepalive positions (every wal_sender_timeout / 2).
        QVERIFY2(stats.value(QStringLiteral("cdc_lag_bytes")).isDouble()
                     && stats.value(QStringLiteral("cdc_lag_bytes")).toInteger(-1) >= 0,
                 QJsonDocument(stats).toJson().constData());
        const QJsonObject running = api("GET", QStringLiteral("/api/sync-operations/%1").arg(first)).json();
        QCOMPARE(running.value(QStringLiteral("status")).toString(), QStringLiteral("running"));

        // Disabled: the operation ends, the slot stays (inactive).
        disable(m_streamPair);
        QCOMPARE(newest(m_streamPair).id, first);
        QVERIFY2(newest(m_streamPair).status == QLatin1String("completed"), qPrintable(describe(m_streamPair)));
        QVERIFY2(log(first).contains(QStringLiteral("the pair was disabled: streaming stopped")), qPrintable(log(first)));
        const QString slot = QStringLiteral("tf_pair_%1").arg(m_streamPair);
        QCOMPARE(slotCount(slot), 1);
        QTRY_COMPARE_WITH_TIMEOUT(slotActive(slot), QStringLiteral("false"), kWait);

        // Changed while disabled; nothing is queued for a disabled pair.
        s.sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) SELECT g, 'later', 'x' FROM "
                             "generate_series(200, 219) g"));
        s.sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'again', version = version + 1 WHERE id = 10"));
        s.sql(QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = 11"));
        QVERIFY(s.differences() > 0);
        QCOMPARE(operationsOf(m_streamPair).size(), 1);

        // Enabled: a new operation resumes from the stored position; each change arrives once.
        QVERIFY(setEnabled(m_streamPair, true));
        QTRY_VERIFY_WITH_TIMEOUT(runningOperation(m_streamPair, first) > 0, kWait);
        QTRY_VERIFY2_WITH_TIMEOUT(s.differences() == 0, qPrintable(describe(m_streamPair)), kWait);
        const qint64 second = runningOperation(m_streamPair, first);
        QVERIFY2(log(second).contains(QStringLiteral("resuming from ")), qPrintable(log(second)));
        QVERIFY2(!log(second).contains(QStringLiteral("snapshot")), qPrintable(log(second)));
        QCOMPARE(s.duplicates(), 0);
        QCOMPARE(operationsOf(m_streamPair).size(), 2);
    }

    // A slot dropped behind the pair's back stops the stream for good: the scheduler does not
    // queue it again (the alert would repeat at every tick) until a person acts.
    void permanentFailureWaitsForAPerson()
    {
        QVERIFY(m_streamPair > 0);
        const Scenario s = scenario(QStringLiteral("broken"));
        qint64 pair = 0;
        qint64 first = 0;
        startStreaming(QStringLiteral("broken"), s, 10, &pair, &first);
        if (QTest::currentTestFailed())
            return;
        m_brokenPair = pair;
        disable(pair);
        const QString slot = QStringLiteral("tf_pair_%1").arg(pair);
        QTRY_COMPARE_WITH_TIMEOUT(slotActive(slot), QStringLiteral("false"), kWait);
        m_clusterAdmin->execDirect(QStringLiteral("SELECT pg_drop_replication_slot('%1')").arg(slot), "test");

        QVERIFY(setEnabled(pair, true));
        QTRY_VERIFY2_WITH_TIMEOUT(newest(pair).id > first && newest(pair).isFinished(), qPrintable(describe(pair)),
                                  kWait);
        const db::OperationRecord failed = newest(pair);
        QVERIFY2(failed.status == QLatin1String("failed"), qPrintable(describe(pair)));
        QVERIFY2(failed.error.contains(QStringLiteral("take a new snapshot")), qPrintable(failed.error));
        QTRY_COMPARE_WITH_TIMEOUT(alerts(QStringLiteral("sync_failed"), pair), 1, kWait);
        QCOMPARE(alerts(QStringLiteral("cdc_slot"), pair), 1);

        // Proof that schedulers ticked after the failure: the stream pair, disabled and enabled
        // again, gets its next operation from a tick; the failed pair got none.
        const qint64 markerBefore = newest(m_streamPair).id;
        disable(m_streamPair);
        QVERIFY(setEnabled(m_streamPair, true));
        QTRY_VERIFY_WITH_TIMEOUT(runningOperation(m_streamPair, markerBefore) > 0, kWait);
        QCOMPARE(newest(pair).id, failed.id);
        QCOMPARE(operationsOf(pair).size(), 2);
        QCOMPARE(alerts(QStringLiteral("sync_failed"), pair), 1);
        QCOMPARE(alerts(QStringLiteral("cdc_slot"), pair), 1);

        // An explicit retry is a person's answer too: one more attempt, which fails the same way
        // (the slot is still gone) and raises its alert; nothing is queued after it.
        const HttpResult retried = api("POST", QStringLiteral("/api/sync-operations/%1/retry").arg(failed.id));
        QVERIFY2(retried.status == 202, retried.body.constData());
        const qint64 retry = retried.json().value(QStringLiteral("id")).toInteger();
        QTRY_VERIFY2_WITH_TIMEOUT(sync::OperationQueue(control()).get(retry).status == QLatin1String("failed"),
                                  qPrintable(describe(pair)), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(alerts(QStringLiteral("sync_failed"), pair), 2, kWait);
        const qint64 markerAfterRetry = newest(m_streamPair).id;
        disable(m_streamPair);
        QVERIFY(setEnabled(m_streamPair, true));
        QTRY_VERIFY_WITH_TIMEOUT(runningOperation(m_streamPair, markerAfterRetry) > 0, kWait);
        QCOMPARE(newest(pair).id, retry);
        QCOMPARE(operationsOf(pair).size(), 3);
        QCOMPARE(alerts(QStringLiteral("sync_failed"), pair), 2);

        // The person's repair: a new snapshot (the stored position removed), then disable and
        // enable. One new operation; it loads the pair again and streams.
        s.sql(QStringLiteral("DELETE FROM cdc_dst.tf_cdc_position"));
        s.sql(QStringLiteral("INSERT INTO cdc_src.parcel (id, region, name) VALUES (50, 'b', 'after')"));
        QVERIFY(setEnabled(pair, false));
        QVERIFY(setEnabled(pair, true));
        QTRY_VERIFY2_WITH_TIMEOUT(runningOperation(pair, retry) > 0 && s.differences() == 0,
                                  qPrintable(describe(pair)), kWait);
        const qint64 repaired = runningOperation(pair, retry);
        QTRY_VERIFY2_WITH_TIMEOUT(log(repaired).contains(QStringLiteral("snapshot loaded")), qPrintable(log(repaired)),
                                  kWait);
        QCOMPARE(operationsOf(pair).size(), 4);
        QCOMPARE(alerts(QStringLiteral("sync_failed"), pair), 2);
        s.sql(QStringLiteral("UPDATE cdc_src.parcel SET name = 'streamed', version = version + 1 WHERE id = 50"));
        QTRY_COMPARE_WITH_TIMEOUT(s.differences(), 0, kWait);
        disable(pair);
    }

    // kill -9 of the node streaming a pair while the source is written: the other node takes
    // the expired lease over and resumes from the stored position.
    void killedNodeHandsTheStreamOver()
    {
        const Scenario s = scenario(QStringLiteral("takeover"));
        qint64 pair = 0;
        qint64 id = 0;
        startStreaming(QStringLiteral("takeover"), s, 100, &pair, &id);
        if (QTest::currentTestFailed())
            return;

        // One source transaction at a time: a new row, an update of an older one (version + 1),
        // every fifth a delete.
        qint64 next = 1000;
        auto write = [&] {
            s.sql(QStringLiteral("BEGIN; INSERT INTO cdc_src.parcel (id, region, name) VALUES (%1, 't', 'w'); "
                                 "UPDATE cdc_src.parcel SET version = version + 1, name = 'u%1' WHERE id = %2; %3 COMMIT")
                      .arg(next)
                      .arg(next % 100 + 1)
                      .arg(next % 5 == 0 ? QStringLiteral("DELETE FROM cdc_src.parcel WHERE id = %1;").arg(next - 3)
                                         : QString()));
            ++next;
        };
        for (int i = 0; i < 50; ++i)
            write();
        // Streaming what was written: some applied, the holder known.
        QTRY_VERIFY_WITH_TIMEOUT(s.value(QStringLiteral("SELECT count(*) FROM cdc_dst.parcel WHERE id >= 1000")) > 0,
                                 kWait);
        for (int i = 0; i < 20; ++i)
            write();
        const db::OperationRecord before = sync::OperationQueue(control()).get(id);
        int victim = -1;
        for (int i = 1; i <= 2; ++i) {
            if (m_nodes->nodeId(i) == before.leaseOwner)
                victim = i;
        }
        QVERIFY2(victim > 0, qPrintable(describe(pair)));
        m_nodes->node(victim).kill();
        QVERIFY(m_nodes->node(victim).waitFinished(5000));

        // The source keeps changing while nobody streams, and while the other node takes over.
        auto takenOver = [&] {
            write();
            const db::OperationRecord now = sync::OperationQueue(control()).get(id);
            return now.status == QLatin1String("running") && now.attempt > before.attempt
                && !now.leaseOwner.isEmpty() && now.leaseOwner != before.leaseOwner;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(takenOver(), qPrintable(describe(pair)), kWait);
        for (int i = 0; i < 30; ++i)
            write();
        QTRY_VERIFY2_WITH_TIMEOUT(s.differences() == 0, qPrintable(describe(pair)), kWait);
        QCOMPARE(s.duplicates(), 0);
        const QString text = log(id);
        QVERIFY2(text.contains(QStringLiteral("lease of node %1 expired; re-queued").arg(before.leaseOwner)),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("resuming from ")), qPrintable(text));
        QCOMPARE(operationsOf(pair).size(), 1);
        qInfo("%lld source transactions; node %s killed, operation %lld resumed on %s", next - 1000,
              qPrintable(before.leaseOwner), static_cast<long long>(id),
              qPrintable(sync::OperationQueue(control()).get(id).leaseOwner));
        disable(pair);
    }

    // DELETE of a cdc pair (refused while it streams) drops its slot and publication.
    void deleteDropsSlotAndPublication()
    {
        QVERIFY(m_streamPair > 0);
        const QString slot = QStringLiteral("tf_pair_%1").arg(m_streamPair);
        const QString path = QStringLiteral("/api/sync-pairs/%1").arg(m_streamPair);
        QCOMPARE(api("DELETE", path).status, 409);
        disable(m_streamPair);
        QCOMPARE(slotCount(slot), 1);
        QCOMPARE(m_stream.value(QStringLiteral("SELECT count(*) FROM pg_publication WHERE pubname = '%1_pub'").arg(slot)),
                 1);
        const HttpResult deleted = api("DELETE", path);
        QVERIFY2(deleted.status == 200, deleted.body.constData());
        QCOMPARE(slotCount(slot), 0);
        QCOMPARE(m_stream.value(QStringLiteral("SELECT count(*) FROM pg_publication WHERE pubname = '%1_pub'").arg(slot)),
                 0);
        QCOMPARE(controlCount(QStringLiteral("SELECT count(*) FROM audit_entries WHERE event_type = "
                                             "'sync_pair.deleted' AND CAST(resource_id AS text) = ? AND description LIKE ?"),
                              QVariantList { QString::number(m_streamPair),
                                QString(QStringLiteral("%replication slot ") + slot
                                        + QStringLiteral(" and its publication dropped%")) }),
                 1);
    }

    // DELETE of a cdc pair closes its open alerts, the cdc rules' (its slot inactive and behind)
    // and the events of its operations (a failed stream, the slot dropped), each with a note
    // saying the pair was deleted; its terrafusion_cdc_* series leave /metrics, and the rules
    // do not raise its alerts again.
    void deleteClosesAlertsAndMetrics()
    {
        const qint64 pair = m_brokenPair;
        QVERIFY(pair > 0);
        const QStringList expected { QStringLiteral("cdc_lag_bytes"), QStringLiteral("cdc_slot"),
                                     QStringLiteral("cdc_slot_inactive"), QStringLiteral("sync_failed"),
                                     QStringLiteral("sync_failed") };
        QTRY_COMPARE_WITH_TIMEOUT(openAlerts(pair), expected, kWait);
        const QByteArray series = QStringLiteral("pair_id=\"%1\"").arg(pair).toLatin1();
        QTRY_VERIFY_WITH_TIMEOUT(prometheus().contains("terrafusion_cdc_lag_bytes{node=") && prometheus().contains(series),
                                 kWait);

        const HttpResult deleted = api("DELETE", QStringLiteral("/api/sync-pairs/%1").arg(pair));
        QVERIFY2(deleted.status == 200, deleted.body.constData());
        QCOMPARE(openAlerts(pair), QStringList()); // at once, not at the next sample
        const QString note = QStringLiteral("sync pair %1 was deleted").arg(pair);
        int closed = 0;
        for (const db::AlertRecord &alert : db::AlertRepository(control()).list({ QStringLiteral("resolved"), 200, 0 })) {
            if (db::AlertRepository::pairOf(alert) != pair)
                continue;
            QVERIFY(alert.resolvedAt.isValid());
            if (alert.details.value(QStringLiteral("resolution")).toString() == note)
                ++closed;
        }
        QCOMPARE(closed, int(expected.size()));

        // The next samples of every node: the pair's series are gone, its alerts stay closed.
        QTRY_VERIFY_WITH_TIMEOUT(!prometheus().contains(series), kWait);
        // A sample stored after this by each live tf-syncd (the gateway's and the node not
        // killed above) means each finished the cycle that read its figures before the DELETE.
        const qint64 raised = controlCount(QStringLiteral("SELECT count(*) FROM alerts"), {});
        const QDateTime gone = QDateTime::currentDateTimeUtc();
        const QString sampling = QStringLiteral("SELECT count(DISTINCT node) FROM system_metrics WHERE created_at > ?");
        const qint64 live = controlCount(sampling, { gone.addSecs(-5) });
        QVERIFY(live >= 2);
        QTRY_COMPARE_WITH_TIMEOUT(controlCount(sampling, { gone }), live, kWait);
        QCOMPARE(openAlerts(pair), QStringList());
        QCOMPARE(controlCount(QStringLiteral("SELECT count(*) FROM alerts"), {}), raised);
    }
};

QTEST_GUILESS_MAIN(TestCdcService)
#include "tst_cdcservice.moc"
