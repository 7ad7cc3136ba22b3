// The repositories over real SQLite and PostgreSQL control databases.
#include "core/errors.h"
#include "db/controldatabase.h"
#include "db/repositories/auditrepository.h"
#include "db/repositories/metricsrepository.h"
#include "db/repositories/serviceeventrepository.h"
#include "db/repositories/servicenoderepository.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"
#include "testsupport.h"

#include <QSqlDriver>
#include <QtTest>
#include <memory>

using namespace tf::db;

#define QVERIFY_TF_ERROR(expression, expectedKind)                                                 \
    do {                                                                                           \
        try {                                                                                      \
            expression;                                                                            \
            QFAIL("no tf::Error from " #expression);                                               \
        } catch (const tf::Error &error) {                                                         \
            QCOMPARE(error.kind(), expectedKind);                                                  \
        }                                                                                          \
    } while (false)

class TestRepositories final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void systemsRoundTrip_data() { backends(); }
    void systemsRoundTrip();
    void syncPairsRoundTrip_data() { backends(); }
    void syncPairsRoundTrip();
    void serviceEventsCountSince_data() { backends(); }
    void serviceEventsCountSince();
    void serviceNodesRegisterBeatStopPrune_data() { backends(); }
    void serviceNodesRegisterBeatStopPrune();
    void auditChainLinksEntries_data() { backends(); }
    void auditChainLinksEntries();
    void metricsSeries_data() { backends(); }
    void metricsSeries();
    void eachThreadHasItsOwnConnection_data() { backends(); }
    void eachThreadHasItsOwnConnection();
    void lostConnectionIsUnavailableThenReconnects_data() { backends(); }
    void lostConnectionIsUnavailableThenReconnects();

private:
    static void backends();
    qint64 addSystem(const QString &name);

    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<ControlDatabase> m_control;
};

void TestRepositories::backends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void TestRepositories::init()
{
    QFETCH(QString, backend);
    QString url;
    if (backend == QLatin1String("sqlite"))
        url = m_dir.filePath(
            QStringLiteral("repo%1.db").arg(++m_counter)); // a plain path means SQLite
    else
        url = tf::test::createScratchPostgresDatabase(QStringLiteral("tfrepo"));
    TF_REQUIRE_POSTGRES(url);
    m_control = ControlDatabase::open(url);
}

void TestRepositories::cleanup()
{
    m_control.reset();
}

qint64 TestRepositories::addSystem(const QString &name)
{
    SystemRecord system;
    system.name = name;
    system.kind = QStringLiteral("postgres");
    return SystemRepository(m_control->database()).insert(system);
}

void TestRepositories::systemsRoundTrip()
{
    SystemRepository systems(m_control->database());
    SystemRecord record;
    record.name = QStringLiteral("Benton PACS ✓");
    record.kind = QStringLiteral("sqlserver");
    record.description = QStringLiteral("legacy PACS");
    record.settings = QJsonObject { { QStringLiteral("host"), QStringLiteral("pacs.local") },
                                    { QStringLiteral("port"), 1433 } };
    const QByteArray secret("\x00\x01sealed\xff", 9);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const qint64 id = systems.insert(record, secret);
    QVERIFY(id > 0);
    const qint64 plainId = addSystem(QStringLiteral("CAMA"));

    SystemRecord stored = systems.get(id);
    QCOMPARE(stored.name, record.name);
    QCOMPARE(stored.kind, record.kind);
    QCOMPARE(stored.description, record.description);
    QCOMPARE(stored.settings, record.settings);
    QVERIFY(stored.hasCredentials);
    QVERIFY(!systems.get(plainId).hasCredentials);
    QVERIFY(stored.createdAt >= before && stored.createdAt <= QDateTime::currentDateTimeUtc());
    QCOMPARE(stored.createdAt.timeSpec(), Qt::UTC);
    QCOMPARE(systems.credentials(id), secret);
    QVERIFY(!stored.toJson().contains(QStringLiteral("credentials")));
    QVERIFY(!QJsonDocument(stored.toJson()).toJson().contains("sealed"));
    QCOMPARE(systems.list().size(), 2);

    stored.description = QStringLiteral("changed");
    systems.update(stored);
    QCOMPARE(systems.get(id).description, QStringLiteral("changed"));
    systems.setCredentials(id, {});
    QVERIFY(!systems.get(id).hasCredentials);

    QVERIFY_TF_ERROR(systems.insert(record), tf::Error::Kind::Conflict);
    QVERIFY_TF_ERROR(systems.get(424242), tf::Error::Kind::NotFound);
    SystemRecord ghost = record;
    ghost.id = 424242;
    ghost.name = QStringLiteral("ghost");
    QVERIFY_TF_ERROR(systems.update(ghost), tf::Error::Kind::NotFound);
    systems.remove(plainId);
    QVERIFY_TF_ERROR(systems.remove(plainId), tf::Error::Kind::NotFound);
}

void TestRepositories::syncPairsRoundTrip()
{
    const qint64 source = addSystem(QStringLiteral("PACS"));
    const qint64 target = addSystem(QStringLiteral("CAMA"));
    SyncPairRepository pairs(m_control->database());
    SyncPairRecord record;
    record.name = QStringLiteral("Propriétés → CAMA 🏠");
    record.description = QStringLiteral("nightly");
    record.sourceSystemId = source;
    record.sourceEntity = QStringLiteral("Property");
    record.targetSystemId = target;
    record.targetEntity = QStringLiteral("cama_property");
    record.definition
        = QJsonObject { { QStringLiteral("mode"), QStringLiteral("hash") },
                        { QStringLiteral("mapping"),
                          QJsonArray { QJsonObject {
                              { QStringLiteral("from"), QStringLiteral("ParcelNumber") },
                              { QStringLiteral("to"), QStringLiteral("parcel_number") } } } },
                        { QStringLiteral("note"), QStringLiteral("emoji 🚀 and ünïcode") } };
    record.enabled = false;
    record.schedule = QStringLiteral("0 2 * * *");
    record.nextRunAt = QDateTime(QDate(2031, 3, 4), QTime(2, 0, 0, 250), Qt::UTC);
    const qint64 id = pairs.insert(record);

    const SyncPairRecord stored = pairs.get(id);
    QCOMPARE(stored.name, record.name);
    QCOMPARE(stored.definition, record.definition);
    QCOMPARE(stored.enabled, false);
    QCOMPARE(stored.schedule, record.schedule);
    QCOMPARE(stored.nextRunAt, record.nextRunAt);
    QCOMPARE(stored.sourceSystemId, source);
    QCOMPARE(stored.targetEntity, record.targetEntity);
    QCOMPARE(stored.toJson().value(QStringLiteral("next_run_at")).toString(),
             QStringLiteral("2031-03-04T02:00:00.250Z"));

    SyncPairRecord changed = stored;
    changed.enabled = true;
    changed.schedule.clear();
    changed.nextRunAt = {};
    pairs.update(changed);
    const SyncPairRecord updated = pairs.get(id);
    QVERIFY(updated.enabled);
    QVERIFY(updated.schedule.isEmpty());
    QVERIFY(!updated.nextRunAt.isValid());
    QCOMPARE(pairs.list().size(), 1);

    QVERIFY_TF_ERROR(pairs.insert(record), tf::Error::Kind::Conflict);
    SyncPairRecord orphan = record;
    orphan.name = QStringLiteral("orphan");
    orphan.sourceSystemId = 999999;
    QVERIFY_TF_ERROR(pairs.insert(orphan), tf::Error::Kind::Conflict);
    // A system in use by a pair cannot go.
    QVERIFY_TF_ERROR(SystemRepository(m_control->database()).remove(source),
                     tf::Error::Kind::Conflict);
    pairs.remove(id);
    QVERIFY_TF_ERROR(pairs.get(id), tf::Error::Kind::NotFound);
}

void TestRepositories::serviceEventsCountSince()
{
    ServiceEventRepository events(m_control->database());
    const QDateTime start = QDateTime::currentDateTimeUtc().addMSecs(-1);
    events.record(QStringLiteral("tf-syncd"), QStringLiteral("restarted"),
                  QStringLiteral("exit code 1"), QJsonObject { { QStringLiteral("attempt"), 1 } },
                  QStringLiteral("node-a"));
    events.record(QStringLiteral("tf-syncd"), QStringLiteral("restarted"),
                  QStringLiteral("exit code 1"));
    const qint64 lastId
        = events.record(QStringLiteral("tf-gateway"), QStringLiteral("started"), QString());

    QCOMPARE(events.countSince(QStringLiteral("tf-syncd"), QStringLiteral("restarted"), start), 2);
    QCOMPARE(events.countSince(QStringLiteral("tf-syncd"), QStringLiteral("restarted"),
                               QDateTime::currentDateTimeUtc().addSecs(5)),
             0);
    QCOMPARE(events.countSince(QStringLiteral("tf-gateway"), QStringLiteral("restarted"), start),
             0);
    // Per node: the events recorded under one of the nodes given.
    const QString syncService = QStringLiteral("tf-syncd");
    const QString restarted = QStringLiteral("restarted");
    QCOMPARE(events.countSince(syncService, restarted, start, { QStringLiteral("node-a") }), 1);
    QCOMPARE(events.countSince(syncService, restarted, start, { QStringLiteral("node-a"), QString() }), 2);
    QCOMPARE(events.countSince(syncService, restarted, start, { QStringLiteral("node-b") }), 0);
    QCOMPARE(events.countSince(syncService, restarted, start, QStringList()), 0);

    const QList<ServiceEventRecord> all = events.list(QString(), 10);
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.first().id, lastId); // newest first
    const QList<ServiceEventRecord> syncd = events.list(QStringLiteral("tf-syncd"), 1);
    QCOMPARE(syncd.size(), 1);
    QCOMPARE(syncd.first().service, QStringLiteral("tf-syncd"));
    const QList<ServiceEventRecord> first = events.list(QStringLiteral("tf-syncd"), 10);
    QCOMPARE(first.last().details.value(QStringLiteral("attempt")).toInt(), 1);
    QCOMPARE(first.last().node, QStringLiteral("node-a"));
    QCOMPARE(first.last().toJson().value(QStringLiteral("event")).toString(),
             QStringLiteral("restarted"));
}

void TestRepositories::serviceNodesRegisterBeatStopPrune()
{
    ServiceNodeRepository nodes(m_control->database());
    ServiceNodeRecord a;
    a.service = QStringLiteral("tf-syncd");
    a.nodeId = QStringLiteral("node-a");
    a.host = QStringLiteral("app1");
    a.pid = 4130;
    a.url = QStringLiteral("http://127.0.0.1:8080");
    a.version = QStringLiteral("1.4.0");
    a.supervisor = QStringLiteral("gw-1");
    a.heartbeatMs = 500;
    a.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    nodes.registerNode(a);
    // A gateway may share the node id of its tf-syncd (one [node] id in one INI file).
    ServiceNodeRecord gateway = a;
    gateway.service = QStringLiteral("tf-gateway");
    gateway.url = QStringLiteral("http://0.0.0.0:8443");
    gateway.supervisor.clear();
    nodes.registerNode(gateway);

    QList<ServiceNodeRecord> all = nodes.list();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(0).service, QStringLiteral("tf-gateway")); // by service, then node id
    const ServiceNodeRecord read = all.at(1);
    QCOMPARE(read.nodeId, a.nodeId);
    QCOMPARE(read.host, a.host);
    QCOMPARE(read.pid, a.pid);
    QCOMPARE(read.url, a.url);
    QCOMPARE(read.version, a.version);
    QCOMPARE(read.supervisor, a.supervisor);
    QCOMPARE(read.heartbeatMs, 500);
    QCOMPARE(read.startedAt.toSecsSinceEpoch(), a.startedAt.toSecsSinceEpoch());
    QVERIFY(!read.stoppedAt.isValid());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(read.statusAt(now), QStringLiteral("running"));
    QCOMPARE(read.statusAt(read.heartbeatAt.addMSecs(1500)), QStringLiteral("running")); // 3 intervals
    QCOMPARE(read.statusAt(read.heartbeatAt.addMSecs(1501)), QStringLiteral("stale"));

    // A heartbeat moves heartbeat_at; an unknown node has no row to move.
    const QDateTime later = now.addSecs(30);
    QVERIFY(nodes.heartbeat(a.service, a.nodeId, later));
    QVERIFY(!nodes.heartbeat(a.service, QStringLiteral("node-x"), later));
    QCOMPARE(nodes.list().at(1).heartbeatAt.toSecsSinceEpoch(), later.toSecsSinceEpoch());
    QCOMPARE(nodes.list().at(0).heartbeatAt.toSecsSinceEpoch() <= now.toSecsSinceEpoch(), true);

    // A clean stop: stopped, and no more heartbeats; registering again starts it over.
    nodes.markStopped(a.service, a.nodeId, later);
    QCOMPARE(nodes.list().at(1).statusAt(later), QStringLiteral("stopped"));
    QVERIFY(!nodes.heartbeat(a.service, a.nodeId, later));
    nodes.registerNode(a);
    QCOMPARE(nodes.list().at(1).statusAt(QDateTime::currentDateTimeUtc()), QStringLiteral("running"));

    // A process on the same host and URL replaces its predecessor (a supervised restart);
    // the same URL on another host, or another service, does not.
    ServiceNodeRecord b = a;
    b.nodeId = QStringLiteral("node-b");
    b.host = QStringLiteral("app2");
    nodes.registerNode(b);
    QCOMPARE(nodes.list().size(), 3);
    ServiceNodeRecord successor = a;
    successor.nodeId = QStringLiteral("node-a2");
    successor.pid = 4200;
    nodes.registerNode(successor);
    all = nodes.list();
    QStringList ids;
    for (const ServiceNodeRecord &node : all)
        ids << node.service + QLatin1Char('/') + node.nodeId;
    QCOMPARE(ids, (QStringList { QStringLiteral("tf-gateway/node-a"), QStringLiteral("tf-syncd/node-a2"),
                                 QStringLiteral("tf-syncd/node-b") }));

    // Pruning: rows stopped, or silent, before the limit; running ones stay.
    nodes.markStopped(b.service, b.nodeId, now.addDays(-8));
    QVERIFY(nodes.heartbeat(gateway.service, gateway.nodeId, now.addDays(-9)));
    QCOMPARE(nodes.prune(now.addDays(-7)), 2);
    QCOMPARE(nodes.list().size(), 1);
    QCOMPARE(nodes.list().at(0).nodeId, QStringLiteral("node-a2"));
}

void TestRepositories::auditChainLinksEntries()
{
    AuditRepository audit(m_control->database());
    for (int i = 0; i < 3; ++i) {
        AuditEntry entry;
        entry.eventType = QStringLiteral("sync_pair.updated");
        entry.resourceType = QStringLiteral("sync_pair");
        entry.resourceId = QString::number(i);
        entry.description = QStringLiteral("change %1").arg(i);
        entry.previousState = QJsonObject { { QStringLiteral("enabled"), false } };
        entry.newState
            = QJsonObject { { QStringLiteral("enabled"), true }, { QStringLiteral("n"), i } };
        entry.username = QStringLiteral("admin");
        entry.ipAddress = QStringLiteral("127.0.0.1");
        entry.operationId = i == 1 ? 77 : 0;
        const AuditEntry stored = audit.append(entry);
        QVERIFY(stored.id > 0);
        QCOMPARE(stored.entryHash.size(), 64);
    }
    QCOMPARE(audit.count(), 3);
    const QList<AuditEntry> entries = audit.latest(10); // newest first
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.at(2).prevHash, QString());
    for (int i = 0; i < 3; ++i) {
        const AuditEntry &entry = entries.at(i);
        // The stored hash is recomputable from what was read back...
        QCOMPARE(AuditEntry::computeHash(entry.prevHash, entry), entry.entryHash);
        // ...and each entry names the hash of the one before it.
        if (i < 2)
            QCOMPARE(entry.prevHash, entries.at(i + 1).entryHash);
    }
    QCOMPARE(entries.at(1).operationId, 77);
    QCOMPARE(entries.at(0).newState.value(QStringLiteral("n")).toInt(), 2);
    // Tampering with an entry breaks the chain.
    AuditEntry tampered = entries.at(1);
    tampered.description = QStringLiteral("nothing happened");
    QVERIFY(AuditEntry::computeHash(tampered.prevHash, tampered) != tampered.entryHash);
    QCOMPARE(entries.at(0).toJson().value(QStringLiteral("username")).toString(),
             QStringLiteral("admin"));
}

void TestRepositories::metricsSeries()
{
    MetricsRepository metrics(m_control->database());
    const QDateTime t0(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC);
    QList<MetricSample> samples;
    for (int i = 0; i < 5; ++i)
        samples.append({ QStringLiteral("cpu_percent"),
                         10.5 + i,
                         QJsonObject { { QStringLiteral("core"), i } },
                         t0.addSecs(60 * i),
                         {} });
    samples.append({ QStringLiteral("memory_percent"), 42.0, {}, t0, {} });
    metrics.insert(QStringLiteral("node-a"), samples);

    const QList<MetricSample> series
        = metrics.series(QStringLiteral("cpu_percent"), t0.addSecs(60), t0.addSecs(180));
    QCOMPARE(series.size(), 3);
    QCOMPARE(series.first().value, 11.5);
    QCOMPARE(series.first().at, t0.addSecs(60));
    QCOMPARE(series.last().labels.value(QStringLiteral("core")).toInt(), 3);
    QCOMPARE(series.last().node, QStringLiteral("node-a"));

    const std::optional<MetricSample> latest = metrics.latest(QStringLiteral("cpu_percent"));
    QVERIFY(latest.has_value());
    QCOMPARE(latest->value, 14.5);
    QVERIFY(!metrics.latest(QStringLiteral("no_such_metric")).has_value());
}

void TestRepositories::eachThreadHasItsOwnConnection()
{
    Database &database = m_control->database();
    const QString mainName = database.connection().connectionName();
    QString workerName;
    QString workerDriverThread;
    qint64 workerSystemId = 0;
    QString workerError;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        try {
            const QSqlDatabase connection = database.connection();
            workerName = connection.connectionName();
            workerDriverThread = connection.driver()->thread() == QThread::currentThread()
                ? QStringLiteral("own")
                : QStringLiteral("foreign");
            workerSystemId = addSystem(QStringLiteral("from a worker"));
        } catch (const tf::Error &error) {
            workerError = error.message();
        }
    }));
    worker->start();
    QVERIFY(worker->wait(30000));
    QVERIFY2(workerError.isEmpty(), qPrintable(workerError));
    QVERIFY(!workerName.isEmpty());
    QVERIFY(workerName != mainName);
    QCOMPARE(workerDriverThread, QStringLiteral("own"));
    // The worker's connection went away with its thread; the row it wrote is visible here.
    QVERIFY(!QSqlDatabase::contains(workerName));
    QCOMPARE(SystemRepository(database).get(workerSystemId).name, QStringLiteral("from a worker"));
}

void TestRepositories::lostConnectionIsUnavailableThenReconnects()
{
    QFETCH(QString, backend);
    if (backend != QLatin1String("postgres"))
        QSKIP("an SQLite file cannot lose its connection");
    Database &database = m_control->database();
    SystemRepository systems(database);
    addSystem(QStringLiteral("before"));
    qint64 pid = 0;
    {
        QSqlQuery query = database.prepare(QStringLiteral("SELECT pg_backend_pid()"));
        database.exec(query, "reading the backend pid");
        QVERIFY(query.next());
        pid = query.value(0).toLongLong();
    }
    {
        // A second Database is a second connection on this thread: the "administrator".
        Database admin(database.url());
        QSqlQuery kill = admin.prepare(QStringLiteral("SELECT pg_terminate_backend(?)"));
        kill.addBindValue(pid);
        admin.exec(kill, "terminating a backend");
    }
    QVERIFY_TF_ERROR(systems.list(), tf::Error::Kind::Unavailable);
    QCOMPARE(systems.list().size(), 1); // the next call reconnected
    QVERIFY(m_control->checkReady().ready);
}

QTEST_GUILESS_MAIN(TestRepositories)
#include "tst_repositories.moc"
