// tf-syncd as a real process over real HTTP, on SQLite and on the throwaway PostgreSQL.
#include "testsupport.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

class TestSyncd final : public QObject
{
    Q_OBJECT

private:
    QString base(quint16 port) const { return QStringLiteral("http://127.0.0.1:%1").arg(port); }

    std::unique_ptr<test::ServiceProcess> startSyncd(const QString &dataDir, quint16 port,
                                                     const QString &databaseUrl = {})
    {
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        if (!databaseUrl.isEmpty())
            env.insert(QStringLiteral("DATABASE_URL"), databaseUrl);
        auto process = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-syncd")),
            QStringList { QStringLiteral("--port"), QString::number(port), QStringLiteral("--data-dir"), dataDir }, env);
        if (!process->start())
            return nullptr;
        return process;
    }

    void checkEndpoints(const QString &databaseUrl, const QString &backend)
    {
        QTemporaryDir dir;
        const quint16 port = test::freePort();
        auto syncd = startSyncd(dir.path(), port, databaseUrl);
        QVERIFY(syncd);
        QVERIFY2(syncd->waitHealthy(base(port) + QStringLiteral("/health/ready")), syncd->output().constData());

        const auto health = test::http("GET", base(port) + QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(health.json().value(QStringLiteral("service")).toString(), QStringLiteral("tf-syncd"));
        QVERIFY(!health.json().value(QStringLiteral("node_id")).toString().isEmpty());
        const QJsonObject database = health.json().value(QStringLiteral("checks")).toObject().value(QStringLiteral("database")).toObject();
        QCOMPARE(database.value(QStringLiteral("backend")).toString(), backend);
        QVERIFY(database.value(QStringLiteral("schema_version")).toInt() >= 1);
        QCOMPARE(database.value(QStringLiteral("schema_version")).toInt(), database.value(QStringLiteral("latest_version")).toInt());

        const auto live = test::http("GET", base(port) + QStringLiteral("/health/live"));
        QCOMPARE(live.status, 200);
        QCOMPARE(live.json().value(QStringLiteral("status")).toString(), QStringLiteral("alive"));

        const auto ready = test::http("GET", base(port) + QStringLiteral("/health/ready"));
        QCOMPARE(ready.status, 200);
        QCOMPARE(ready.json().value(QStringLiteral("status")).toString(), QStringLiteral("ready"));

        const auto pairs = test::http("GET", base(port) + QStringLiteral("/sync-pairs"), {}, test::serviceHeaders());
        QCOMPARE(pairs.status, 200);
        QVERIFY(pairs.json().value(QStringLiteral("items")).isArray());
        QCOMPARE(pairs.json().value(QStringLiteral("items")).toArray().size(), 0);
        QCOMPARE(pairs.json().keys(), (QStringList { QStringLiteral("items"), QStringLiteral("next_cursor") }));

        const auto systems = test::http("GET", base(port) + QStringLiteral("/systems"), {}, test::serviceHeaders());
        QCOMPARE(systems.status, 200);
        QVERIFY(systems.json().value(QStringLiteral("items")).isArray());

        // The SQLite default lives in the data directory.
        if (databaseUrl.isEmpty())
            QVERIFY(QFile::exists(dir.filePath(QStringLiteral("terrafusion.db"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("run/tf-syncd.pid"))));
        QVERIFY(!QDir(dir.filePath(QStringLiteral("logs"))).entryList({ QStringLiteral("tf-syncd-*.log") }).isEmpty());

        syncd->terminate();
        QVERIFY(syncd->waitFinished(10000));
        QCOMPARE(syncd->exitStatus(), QProcess::NormalExit);
        QCOMPARE(syncd->exitCode(), 0);
        QVERIFY2(!QFile::exists(dir.filePath(QStringLiteral("run/tf-syncd.pid"))), "pid file removed on clean stop");
    }

private Q_SLOTS:
    void endpointsOnSqlite() { checkEndpoints(QString(), QStringLiteral("sqlite")); }

    void endpointsOnPostgres()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("syncd"));
        TF_REQUIRE_POSTGRES(url);
        checkEndpoints(url, QStringLiteral("postgres"));
    }

    void metricsJsonAndPrometheus()
    {
        QTemporaryDir dir;
        const quint16 port = test::freePort();
        auto syncd = startSyncd(dir.path(), port);
        QVERIFY(syncd);
        QVERIFY(syncd->waitHealthy(base(port) + QStringLiteral("/health/ready")));
        test::http("GET", base(port) + QStringLiteral("/health"));

        const auto json = test::http("GET", base(port) + QStringLiteral("/metrics"), {}, test::serviceHeaders());
        QCOMPARE(json.status, 200);
        const QJsonObject m = json.json();
        const double cpu = m.value(QStringLiteral("cpu")).toObject().value(QStringLiteral("used_percent")).toDouble(-1);
        QVERIFY(cpu >= 0 && cpu <= 100);
        QVERIFY(m.value(QStringLiteral("memory")).toObject().value(QStringLiteral("total_bytes")).toDouble() > 0);
        const double memory = m.value(QStringLiteral("memory_usage")).toDouble(-1);
        QVERIFY(memory > 0 && memory < 100);
        QVERIFY(m.value(QStringLiteral("disk")).toObject().value(QStringLiteral("total_bytes")).toDouble() > 0);
        QVERIFY(m.value(QStringLiteral("process")).toObject().value(QStringLiteral("rss_bytes")).toDouble() > 1024 * 1024);
        QVERIFY(m.value(QStringLiteral("process")).toObject().value(QStringLiteral("uptime_s")).toDouble() > 0);
        const QJsonObject requests = m.value(QStringLiteral("requests")).toObject();
        QVERIFY2(requests.value(QStringLiteral("total")).toInt() >= 2, json.body.constData());

        const auto text = test::http("GET", base(port) + QStringLiteral("/metrics?format=prometheus"), {}, test::serviceHeaders());
        QCOMPARE(text.status, 200);
        QVERIFY(text.headers.value("content-type").startsWith("text/plain"));
        QVERIFY(text.body.contains("# TYPE terrafusion_cpu_usage_percent gauge"));
        QVERIFY(text.body.contains("terrafusion_process_resident_memory_bytes{node=\""));
        QVERIFY(text.body.contains("terrafusion_http_requests_total{service=\"tf-syncd\",method=\"GET\",route=\"/health\",status=\"200\"}"));

        const auto accept = test::http("GET", base(port) + QStringLiteral("/metrics"), {}, test::serviceHeaders({ { "Accept", "text/plain" } }));
        QCOMPARE(accept.status, 200);
        QVERIFY(accept.body.startsWith("# HELP"));

        const auto bad = test::http("GET", base(port) + QStringLiteral("/metrics?format=xml"), {}, test::serviceHeaders());
        QCOMPARE(bad.status, 400);
        QVERIFY(bad.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("format")));
    }

    void errorsAreJson()
    {
        QTemporaryDir dir;
        const quint16 port = test::freePort();
        auto syncd = startSyncd(dir.path(), port);
        QVERIFY(syncd);
        QVERIFY(syncd->waitHealthy(base(port) + QStringLiteral("/health/live")));
        const auto missing = test::http("GET", base(port) + QStringLiteral("/no/such/route"));
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.json().value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
        const auto method = test::http("POST", base(port) + QStringLiteral("/health"), "{}");
        QCOMPARE(method.status, 405);
        const auto big = test::http("POST", base(port) + QStringLiteral("/sync-pairs"), QByteArray(2 * 1024 * 1024, 'x'));
        QCOMPARE(big.status, 413);
        QCOMPARE(big.json().value(QStringLiteral("code")).toString(), QStringLiteral("payload_too_large"));
    }

    void notReadyWhileDatabaseUnreachable()
    {
        // A PostgreSQL URL to a port where nothing listens: the service runs, is live, and
        // reports not ready with the reason, and the password never shows.
        QTemporaryDir dir;
        const quint16 port = test::freePort();
        const quint16 deadPort = test::freePort();
        auto syncd = startSyncd(dir.path(), port,
                                QStringLiteral("postgresql://tf:hunter2secret@127.0.0.1:%1/tf").arg(deadPort));
        QVERIFY(syncd);
        QVERIFY2(syncd->waitHealthy(base(port) + QStringLiteral("/health/live")), syncd->output().constData());
        const auto ready = test::http("GET", base(port) + QStringLiteral("/health/ready"));
        QCOMPARE(ready.status, 503);
        QCOMPARE(ready.json().value(QStringLiteral("status")).toString(), QStringLiteral("not_ready"));
        QVERIFY(!ready.json().value(QStringLiteral("reason")).toString().isEmpty());
        QVERIFY(!ready.body.contains("hunter2secret"));
        const auto health = test::http("GET", base(port) + QStringLiteral("/health"));
        QCOMPARE(health.status, 503);
        const auto pairs = test::http("GET", base(port) + QStringLiteral("/sync-pairs"), {}, test::serviceHeaders());
        QCOMPARE(pairs.status, 503);
        QCOMPARE(pairs.json().value(QStringLiteral("code")).toString(),
                 QStringLiteral("service_unavailable"));
        syncd->terminate();
        QVERIFY(syncd->waitFinished());
        QVERIFY2(!syncd->output().contains("hunter2secret"), "the password must never reach a log line");
        const QStringList logs = QDir(dir.filePath(QStringLiteral("logs"))).entryList(QDir::Files);
        QVERIFY(!logs.isEmpty());
        for (const QString &name : logs) {
            QFile file(dir.filePath(QStringLiteral("logs/") + name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains("hunter2secret"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSyncd)
#include "tst_syncd.moc"
