// The alert rules and the AlertEngine over real SQLite and PostgreSQL control databases:
// each rule, thresholds from the configuration, raise once, no duplicate, resolve.
#include "core/config.h"
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/alertrepository.h"
#include "db/repositories/metricsrepository.h"
#include "db/repositories/operationrepository.h"
#include "db/repositories/serviceeventrepository.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "syncd/monitoring/alertengine.h"
#include "syncd/monitoring/alertrules.h"
#include "syncd/monitoring/prometheustext.h"
#include "syncd/monitoring/requestwindow.h"
#include "testsupport.h"

#include <QtTest>

using namespace tf;
using namespace tf::syncd;

class TestAlertRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void defaultThresholdsAreTheRunbooks();
    void thresholdsFromConfig();
    void badThresholdNamesTheKey();
    void eachRule_data();
    void eachRule();
    void operationRulesNeedTheirFigures();
    void logPhrasesAreTheRunbooks();

    void raisesOnceWhileTheConditionHolds_data() { backends(); }
    void raisesOnceWhileTheConditionHolds();
    void resolvesWhenTheConditionClears_data() { backends(); }
    void resolvesWhenTheConditionClears();
    void hostFiguresResolveWellBelowTheThreshold_data() { backends(); }
    void hostFiguresResolveWellBelowTheThreshold();
    void acknowledgedAlertStaysOpenUntilResolved_data() { backends(); }
    void acknowledgedAlertStaysOpenUntilResolved();
    void secondNodeDoesNotDuplicate_data() { backends(); }
    void secondNodeDoesNotDuplicate();
    void eventAlertsOncePerMessage_data() { backends(); }
    void eventAlertsOncePerMessage();
    void failedOperationsAndRestartsFromTheTables_data() { backends(); }
    void failedOperationsAndRestartsFromTheTables();
    void listFiltersAndPages_data() { backends(); }
    void listFiltersAndPages();

    void quantileFromBuckets();
    void labelValuesAreEscaped();

private:
    static void backends();
    static Observation calm();
    static Config configWith(const QHash<QString, QString> &environment);
    db::Database &database() { return m_control->database(); }

    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<db::ControlDatabase> m_control;
};

void TestAlertRules::backends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void TestAlertRules::init()
{
    // Only the rows of backends() open a database.
    const QByteArray tag = QTest::currentDataTag();
    if (tag != "sqlite" && tag != "postgres")
        return;
    QFETCH(QString, backend);
    QString url;
    if (backend == QLatin1String("sqlite"))
        url = m_dir.filePath(QStringLiteral("alerts%1.db").arg(++m_counter));
    else
        url = test::createScratchPostgresDatabase(QStringLiteral("tfalerts"));
    TF_REQUIRE_POSTGRES(url);
    m_control = db::ControlDatabase::open(url);
}

void TestAlertRules::cleanup()
{
    m_control.reset();
}

Observation TestAlertRules::calm()
{
    Observation o;
    o.source = QStringLiteral("host-a");
    o.cpuPercent = 10;
    o.memoryPercent = 20;
    o.diskPercent = 30;
    o.responseP95Ms = 5;
    o.requests = 10;
    o.intervalSeconds = 60;
    o.haveOperationFigures = true;
    o.failedOperationsLastHour = 0;
    o.serviceRestarts24h = 0;
    return o;
}

Config TestAlertRules::configWith(const QHash<QString, QString> &environment)
{
    Config::Inputs inputs;
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QDir::tempPath() + QStringLiteral("/tf-alertrules-nohome"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir::tempPath() + QStringLiteral("/tf-alertrules-nohome"));
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        env.insert(it.key(), it.value());
    inputs.environment = env;
    return Config::load(inputs);
}

void TestAlertRules::defaultThresholdsAreTheRunbooks()
{
    const AlertThresholds t = AlertThresholds::fromConfig(configWith({}));
    QCOMPARE(t.cpuPercent, 80.0);
    QCOMPARE(t.memoryPercent, 80.0);
    QCOMPARE(t.diskPercent, 85.0);
    QCOMPARE(t.responseTimeMs, 500.0);
    QCOMPARE(t.failedOperationsPerHour, 5.0);
    QCOMPARE(t.serviceRestartsPer24h, 3.0);
}

void TestAlertRules::thresholdsFromConfig()
{
    const AlertThresholds t = AlertThresholds::fromConfig(configWith({
        { QStringLiteral("TF_ALERTS__CPU_PERCENT"), QStringLiteral("0") },
        { QStringLiteral("TF_ALERTS__MEMORY_PERCENT"), QStringLiteral("12.5") },
        { QStringLiteral("TF_ALERTS__DISK_PERCENT"), QStringLiteral("90") },
        { QStringLiteral("TF_ALERTS__RESPONSE_TIME_MS"), QStringLiteral("250") },
        { QStringLiteral("TF_ALERTS__FAILED_OPERATIONS_PER_HOUR"), QStringLiteral("1") },
        { QStringLiteral("TF_ALERTS__SERVICE_RESTARTS_PER_24H"), QStringLiteral("-1") },
    }));
    QCOMPARE(t.cpuPercent, 0.0);
    QCOMPARE(t.memoryPercent, 12.5);
    QCOMPARE(t.diskPercent, 90.0);
    QCOMPARE(t.responseTimeMs, 250.0);
    QCOMPARE(t.failedOperationsPerHour, 1.0);
    QCOMPARE(t.serviceRestartsPer24h, -1.0);

    // The configured thresholds decide: 10% CPU is above 0%, no restart is above -1.
    QList<RuleVerdict> verdicts = alertrules::evaluate(calm(), t);
    QStringList firing;
    for (const RuleVerdict &v : verdicts) {
        if (v.firing)
            firing.append(v.rule);
    }
    QCOMPARE(firing, (QStringList { alertrules::kCpu, alertrules::kMemory, alertrules::kServiceRestarts }));
}

void TestAlertRules::badThresholdNamesTheKey()
{
    try {
        AlertThresholds::fromConfig(configWith({ { QStringLiteral("TF_ALERTS__DISK_PERCENT"), QStringLiteral("lots") } }));
        QFAIL("a bad threshold was accepted");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), Error::Kind::Validation);
        QVERIFY2(error.message().contains(QStringLiteral("alerts/disk_percent")), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("TF_ALERTS__DISK_PERCENT")), qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("lots")), qPrintable(error.message()));
    }
}

void TestAlertRules::eachRule_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("firing");
    QTest::addColumn<QString>("source");
    const QString host = QStringLiteral("host-a");
    QTest::newRow("cpu 81") << alertrules::kCpu << 81.0 << true << host;
    QTest::newRow("cpu 80") << alertrules::kCpu << 80.0 << false << host;
    QTest::newRow("memory 80.1") << alertrules::kMemory << 80.1 << true << host;
    QTest::newRow("memory 79") << alertrules::kMemory << 79.0 << false << host;
    QTest::newRow("disk 86") << alertrules::kDisk << 86.0 << true << host;
    QTest::newRow("disk 85") << alertrules::kDisk << 85.0 << false << host;
    QTest::newRow("p95 501") << alertrules::kResponseTime << 501.0 << true << host;
    QTest::newRow("p95 500") << alertrules::kResponseTime << 500.0 << false << host;
    QTest::newRow("failed 6") << alertrules::kFailedOperations << 6.0 << true << QString();
    QTest::newRow("failed 5") << alertrules::kFailedOperations << 5.0 << false << QString();
    QTest::newRow("restarts 4") << alertrules::kServiceRestarts << 4.0 << true << QString();
    QTest::newRow("restarts 3") << alertrules::kServiceRestarts << 3.0 << false << QString();
}

void TestAlertRules::eachRule()
{
    QFETCH(QString, rule);
    QFETCH(double, value);
    QFETCH(bool, firing);
    QFETCH(QString, source);
    Observation o = calm();
    if (rule == alertrules::kCpu)
        o.cpuPercent = value;
    else if (rule == alertrules::kMemory)
        o.memoryPercent = value;
    else if (rule == alertrules::kDisk)
        o.diskPercent = value;
    else if (rule == alertrules::kResponseTime)
        o.responseP95Ms = value;
    else if (rule == alertrules::kFailedOperations)
        o.failedOperationsLastHour = int(value);
    else
        o.serviceRestarts24h = int(value);
    const QList<RuleVerdict> verdicts = alertrules::evaluate(o, AlertThresholds {});
    QCOMPARE(verdicts.size(), 6);
    for (const RuleVerdict &v : verdicts) {
        if (v.rule != rule) {
            QVERIFY2(!v.firing, qPrintable(v.rule));
            continue;
        }
        QCOMPARE(v.firing, firing);
        QCOMPARE(v.value, value);
        QCOMPARE(v.source, source);
        QCOMPARE(v.details.value(QStringLiteral("value")).toDouble(), value);
        QVERIFY(!v.severity.isEmpty());
    }
}

void TestAlertRules::operationRulesNeedTheirFigures()
{
    Observation o = calm();
    o.haveOperationFigures = false;
    o.failedOperationsLastHour = 100;
    QStringList rules;
    for (const RuleVerdict &v : alertrules::evaluate(o, AlertThresholds {}))
        rules.append(v.rule);
    QCOMPARE(rules, (QStringList { alertrules::kCpu, alertrules::kMemory, alertrules::kDisk, alertrules::kResponseTime }));
}

void TestAlertRules::logPhrasesAreTheRunbooks()
{
    Observation o = calm();
    o.cpuPercent = 95;
    o.memoryPercent = 95;
    o.diskPercent = 95;
    QHash<QString, QString> messages;
    for (const RuleVerdict &v : alertrules::evaluate(o, AlertThresholds {}))
        messages.insert(v.rule, v.message);
    QVERIFY(messages.value(alertrules::kCpu).startsWith(QStringLiteral("CPU usage above threshold: 95.0% > 80.0%")));
    QVERIFY(messages.value(alertrules::kMemory).startsWith(QStringLiteral("Memory usage above threshold: 95.0%")));
    QVERIFY(messages.value(alertrules::kDisk).startsWith(QStringLiteral("Disk usage above threshold: 95.0% > 85.0%")));
}

void TestAlertRules::raisesOnceWhileTheConditionHolds()
{
    AlertEngine engine(AlertThresholds {}, QStringLiteral("node-1"));
    QStringList events;
    engine.setNotifier([&events](const QString &event, const db::AlertRecord &alert) { events.append(event + QLatin1Char(' ') + alert.rule); });
    Observation hot = calm();
    hot.cpuPercent = 97;

    const AlertEngine::Changes first = engine.evaluate(database(), hot);
    QCOMPARE(first.raised.size(), 1);
    QCOMPARE(first.raised.first().rule, alertrules::kCpu);
    QCOMPARE(first.raised.first().status, QStringLiteral("raised"));
    QCOMPARE(first.raised.first().source, QStringLiteral("host-a"));
    QCOMPARE(first.raised.first().details.value(QStringLiteral("node")).toString(), QStringLiteral("node-1"));
    QVERIFY(first.raised.first().raisedAt.isValid());
    for (int i = 0; i < 3; ++i) {
        const AlertEngine::Changes again = engine.evaluate(database(), hot);
        QVERIFY(again.raised.isEmpty());
        QVERIFY(again.resolved.isEmpty());
    }
    const QList<db::AlertRecord> open = db::AlertRepository(database()).open();
    QCOMPARE(open.size(), 1);
    QCOMPARE(events, QStringList { QStringLiteral("alert.raised cpu_percent") });
    QCOMPARE(engine.raisedCount(), 1);

    // The database itself refuses a second open alert for the rule and source.
    QVERIFY(!db::AlertRepository(database()).raise(alertrules::kCpu, QStringLiteral("host-a"), QStringLiteral("warning"),
                                                    QStringLiteral("duplicate"), {}));
    // Another host's CPU is another alert.
    QVERIFY(db::AlertRepository(database()).raise(alertrules::kCpu, QStringLiteral("host-b"), QStringLiteral("warning"),
                                                   QStringLiteral("host b"), {}));
}

void TestAlertRules::resolvesWhenTheConditionClears()
{
    AlertEngine engine(AlertThresholds {}, QStringLiteral("node-1"));
    QStringList events;
    engine.setNotifier([&events](const QString &event, const db::AlertRecord &) { events.append(event); });
    Observation hot = calm();
    hot.diskPercent = 99;
    hot.failedOperationsLastHour = 9;
    const qint64 diskId = engine.evaluate(database(), hot).raised.value(0).id;
    QCOMPARE(db::AlertRepository(database()).open().size(), 2);

    const AlertEngine::Changes cleared = engine.evaluate(database(), calm());
    QCOMPARE(cleared.resolved.size(), 2);
    const db::AlertRecord disk = db::AlertRepository(database()).get(diskId);
    QCOMPARE(disk.status, QStringLiteral("resolved"));
    QVERIFY(disk.resolvedAt.isValid());
    QVERIFY(disk.resolvedAt >= disk.raisedAt);
    QVERIFY(db::AlertRepository(database()).open().isEmpty());
    QVERIFY(engine.evaluate(database(), calm()).resolved.isEmpty());
    QCOMPARE(events, (QStringList { QStringLiteral("alert.raised"), QStringLiteral("alert.raised"),
                                    QStringLiteral("alert.resolved"), QStringLiteral("alert.resolved") }));

    // The condition returns: a new alert, the old one stays resolved.
    const AlertEngine::Changes again = engine.evaluate(database(), hot);
    QCOMPARE(again.raised.size(), 2);
    QVERIFY(again.raised.first().id != diskId && again.raised.last().id != diskId);
}

void TestAlertRules::hostFiguresResolveWellBelowTheThreshold()
{
    AlertEngine engine(AlertThresholds {}, QStringLiteral("node-1"));
    Observation o = calm();
    o.cpuPercent = 85;
    o.failedOperationsLastHour = 9;
    QCOMPARE(engine.evaluate(database(), o).raised.size(), 2);
    // Below the thresholds (80 and 5), but CPU not yet 10% below its own (72): only the count
    // rule resolves; CPU above it again is the same alert.
    o.cpuPercent = 79;
    o.failedOperationsLastHour = 5;
    AlertEngine::Changes changes = engine.evaluate(database(), o);
    QCOMPARE(changes.resolved.size(), 1);
    QCOMPARE(changes.resolved.first().rule, alertrules::kFailedOperations);
    o.cpuPercent = 72.5;
    QVERIFY(engine.evaluate(database(), o).resolved.isEmpty());
    o.cpuPercent = 81;
    changes = engine.evaluate(database(), o);
    QVERIFY(changes.raised.isEmpty());
    QCOMPARE(db::AlertRepository(database()).open().size(), 1);
    o.cpuPercent = 72;
    changes = engine.evaluate(database(), o);
    QCOMPARE(changes.resolved.size(), 1);
    QCOMPARE(changes.resolved.first().rule, alertrules::kCpu);
    QVERIFY(db::AlertRepository(database()).open().isEmpty());
    // The same for response time (500 ms: clears at 450 ms).
    o.responseP95Ms = 600;
    QCOMPARE(engine.evaluate(database(), o).raised.size(), 1);
    o.responseP95Ms = 451;
    QVERIFY(engine.evaluate(database(), o).resolved.isEmpty());
    o.responseP95Ms = 450;
    QCOMPARE(engine.evaluate(database(), o).resolved.size(), 1);
}

void TestAlertRules::acknowledgedAlertStaysOpenUntilResolved()
{
    AlertEngine engine(AlertThresholds {}, QStringLiteral("node-1"));
    Observation hot = calm();
    hot.memoryPercent = 99;
    const qint64 id = engine.evaluate(database(), hot).raised.value(0).id;
    db::AlertRepository alerts(database());
    const db::AlertRecord acknowledged = alerts.acknowledge(id, QStringLiteral("ops"));
    QCOMPARE(acknowledged.status, QStringLiteral("acknowledged"));
    QCOMPARE(acknowledged.acknowledgedBy, QStringLiteral("ops"));
    QVERIFY(acknowledged.acknowledgedAt.isValid());
    QCOMPARE(alerts.acknowledge(id, QStringLiteral("ops")).status, QStringLiteral("acknowledged")); // idempotent

    QVERIFY(engine.evaluate(database(), hot).raised.isEmpty()); // still open: no duplicate
    QCOMPARE(engine.evaluate(database(), calm()).resolved.size(), 1);
    QCOMPARE(alerts.get(id).status, QStringLiteral("resolved"));
    try {
        alerts.acknowledge(id, QStringLiteral("ops"));
        QFAIL("a resolved alert was acknowledged");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), Error::Kind::Conflict);
    }
    try {
        alerts.acknowledge(id + 1000, QStringLiteral("ops"));
        QFAIL("an unknown alert was acknowledged");
    } catch (const Error &error) {
        QCOMPARE(error.kind(), Error::Kind::NotFound);
    }
}

void TestAlertRules::secondNodeDoesNotDuplicate()
{
    AlertEngine nodeA(AlertThresholds {}, QStringLiteral("node-a"));
    AlertEngine nodeB(AlertThresholds {}, QStringLiteral("node-b"));
    Observation failing = calm();
    failing.failedOperationsLastHour = 6; // cluster-wide: both nodes see the same figure
    QCOMPARE(nodeA.evaluate(database(), failing).raised.size(), 1);
    QCOMPARE(nodeB.evaluate(database(), failing).raised.size(), 0);
    QCOMPARE(db::AlertRepository(database()).open().size(), 1);
    QCOMPARE(nodeB.evaluate(database(), calm()).resolved.size(), 1);
    QCOMPARE(nodeA.evaluate(database(), calm()).resolved.size(), 0);
}

void TestAlertRules::eventAlertsOncePerMessage()
{
    AlertEngine engine(AlertThresholds {}, QStringLiteral("node-1"));
    const QString rule = QStringLiteral("sync_permanent_failure");
    const QString message = QStringLiteral("pair 3 (parcels): target table cama_parcel does not exist");
    QVERIFY(engine.raiseEvent(database(), rule, message, { { QStringLiteral("pair_id"), 3 } }));
    QVERIFY(!engine.raiseEvent(database(), rule, message));
    QVERIFY(engine.raiseEvent(database(), rule, QStringLiteral("pair 4: authentication failed")));
    const QList<db::AlertRecord> open = db::AlertRepository(database()).open();
    QCOMPARE(open.size(), 2);
    QCOMPARE(open.first().severity, QStringLiteral("critical"));
    QCOMPARE(open.first().message, message);
    QCOMPARE(open.first().details.value(QStringLiteral("pair_id")).toInt(), 3);
    // Condition rules never resolve event alerts.
    engine.evaluate(database(), calm());
    QCOMPARE(db::AlertRepository(database()).open().size(), 2);
}

void TestAlertRules::failedOperationsAndRestartsFromTheTables()
{
    db::SystemRecord system;
    system.name = QStringLiteral("src");
    system.kind = QStringLiteral("postgres");
    const qint64 source = db::SystemRepository(database()).insert(system);
    system.name = QStringLiteral("dst");
    const qint64 target = db::SystemRepository(database()).insert(system);
    db::SyncPairRecord pair;
    pair.name = QStringLiteral("parcels");
    pair.sourceSystemId = source;
    pair.sourceEntity = QStringLiteral("Property");
    pair.targetSystemId = target;
    pair.targetEntity = QStringLiteral("cama_property");
    pair.id = db::SyncPairRepository(database()).insert(pair);

    db::OperationRepository operations(database());
    for (int i = 0; i < 6; ++i) {
        const qint64 id = operations.start(pair.id, QStringLiteral("hash"), false, QStringLiteral("manual"), QStringLiteral("n"));
        operations.finish(id, QStringLiteral("failed"), {}, QStringLiteral("boom"));
    }
    const qint64 ok = operations.start(pair.id, QStringLiteral("hash"), false, QStringLiteral("manual"), QStringLiteral("n"));
    operations.finish(ok, QStringLiteral("completed"), QJsonObject { { QStringLiteral("totals"), QJsonObject { { QStringLiteral("read"), 500 } } } }, {});
    db::ServiceEventRepository events(database());
    for (int i = 0; i < 4; ++i)
        events.record(QStringLiteral("tf-syncd"), QStringLiteral("restarted"), QStringLiteral("SyncService restarted"));
    events.record(QStringLiteral("tf-syncd"), QStringLiteral("started"), QStringLiteral("SyncService started"));

    const QDateTime now = QDateTime::currentDateTimeUtc();
    db::MetricsRepository metrics(database());
    const db::QueueFigures queue = metrics.queueFigures(now);
    QCOMPARE(queue.failedLastHour, 6);
    const QList<db::PairFigures> pairs = metrics.pairFigures(now);
    QCOMPARE(pairs.size(), 1);
    QCOMPARE(pairs.first().failuresLastHour, 6);
    QCOMPARE(pairs.first().lastStatus, QStringLiteral("completed"));
    QCOMPARE(pairs.first().lastRowsRead, 500);
    QVERIFY(pairs.first().lastRowsPerSecond > 0);
    QVERIFY(pairs.first().lastSuccessAt.isValid());
    QVERIFY(pairs.first().secondsSinceSuccess(now) >= 0);

    Observation o = calm();
    o.failedOperationsLastHour = queue.failedLastHour;
    o.serviceRestarts24h = events.countSince(QStringLiteral("tf-syncd"), QStringLiteral("restarted"), now.addSecs(-24 * 3600));
    QCOMPARE(o.serviceRestarts24h, 4);
    AlertEngine engine(AlertThresholds {}, QStringLiteral("node-1"));
    QStringList raised;
    for (const db::AlertRecord &alert : engine.evaluate(database(), o).raised)
        raised.append(alert.rule);
    raised.sort();
    QCOMPARE(raised, (QStringList { alertrules::kFailedOperations, alertrules::kServiceRestarts }));
}

void TestAlertRules::listFiltersAndPages()
{
    db::AlertRepository alerts(database());
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(alerts.raise(QStringLiteral("r%1").arg(i), {}, QStringLiteral("warning"), QStringLiteral("m"), {})->id);
    alerts.resolve(QStringLiteral("r1"), {});
    alerts.acknowledge(ids.at(2), {});

    auto idsOf = [](const QList<db::AlertRecord> &records) {
        QList<qint64> out;
        for (const auto &r : records)
            out.append(r.id);
        return out;
    };
    db::AlertRepository::ListFilter filter;
    QCOMPARE(idsOf(alerts.list(filter)), (QList<qint64> { ids[4], ids[3], ids[2], ids[1], ids[0] }));
    filter.status = QStringLiteral("resolved");
    QCOMPARE(idsOf(alerts.list(filter)), QList<qint64> { ids[1] });
    filter.status = QStringLiteral("raised");
    QCOMPARE(idsOf(alerts.list(filter)), (QList<qint64> { ids[4], ids[3], ids[0] }));
    filter.status = QStringLiteral("open");
    QCOMPARE(idsOf(alerts.list(filter)), (QList<qint64> { ids[4], ids[3], ids[2], ids[0] }));
    filter.status = QStringLiteral("all");
    filter.limit = 2;
    QCOMPARE(idsOf(alerts.list(filter)), (QList<qint64> { ids[4], ids[3] }));
    filter.beforeId = ids[3];
    QCOMPARE(idsOf(alerts.list(filter)), (QList<qint64> { ids[2], ids[1] }));
}

void TestAlertRules::quantileFromBuckets()
{
    const QList<double> bounds { 10, 100, 1000 };
    QCOMPARE(RequestWindow::quantile(0.5, bounds, { 0, 0, 0, 0 }), 0.0);
    // 100 requests: 50 up to 10 ms, 40 in (10, 100], 10 in (100, 1000].
    const QList<qint64> cumulative { 50, 90, 100, 100 };
    QCOMPARE(RequestWindow::quantile(0.5, bounds, cumulative), 10.0);
    QCOMPARE(RequestWindow::quantile(0.95, bounds, cumulative), 550.0);
    // Everything slower than the last bound: the last bound.
    QCOMPARE(RequestWindow::quantile(0.95, bounds, { 0, 0, 0, 7 }), 1000.0);
}

void TestAlertRules::labelValuesAreEscaped()
{
    QCOMPARE(PrometheusText::escapeLabelValue(QStringLiteral("a\"b\\c\nd")), QByteArray("a\\\"b\\\\c\\nd"));
    PrometheusText text;
    text.family("terrafusion_x", "gauge", QStringLiteral("Help with a \\ and\na newline."));
    text.sample("terrafusion_x", { { "pair", QStringLiteral("o\"k") } }, 1.5);
    text.sample("terrafusion_x", { { "pair", QStringLiteral("nan") } }, qQNaN());
    QCOMPARE(text.text(), QByteArray("# HELP terrafusion_x Help with a \\\\ and\\na newline.\n# TYPE terrafusion_x gauge\n"
                                     "terrafusion_x{pair=\"o\\\"k\"} 1.5\nterrafusion_x{pair=\"nan\"} NaN\n"));
}

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
