// tf-gateway as a real process: /api/status with tf-syncd up, down and killed with SIGKILL
// (the supervisor brings it back and records it), the metrics proxy, and clean shutdown.
#include "db/controldatabase.h"
#include "db/repositories/serviceeventrepository.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QTcpServer>
#include <QThread>

#include <csignal>

using namespace tf;

namespace {

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

} // namespace

class TestGateway final : public QObject
{
    Q_OBJECT

private:
    struct Running
    {
        std::unique_ptr<test::ServiceProcess> process;
        quint16 port = 0;
        quint16 syncPort = 0;
        QString dataDir;
        QByteArray authorization; // the bootstrap admin's session, after login()
        QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(port); }
        QList<QPair<QByteArray, QByteArray>> headers() const { return test::authorizationHeaders(authorization); }
        // Logs in as the first admin (its password is in <data>/initial-admin-password).
        bool login()
        {
            authorization = test::gatewayAdminAuthorization(base(), dataDir);
            return !authorization.isEmpty();
        }
    };

    Running startGateway(const QString &dataDir, QStringList extraArgs = {},
                         QProcessEnvironment env = test::ServiceProcess::cleanEnvironment())
    {
        Running running;
        running.port = test::freePort();
        running.syncPort = test::freePort();
        running.dataDir = dataDir;
        QStringList args { QStringLiteral("--port"), QString::number(running.port), QStringLiteral("--data-dir"), dataDir };
        if (!extraArgs.contains(QStringLiteral("--sync-url")) && !extraArgs.contains(QStringLiteral("--sync-port")))
            args << QStringLiteral("--sync-port") << QString::number(running.syncPort);
        args << extraArgs;
        running.process = std::make_unique<test::ServiceProcess>(test::binary(QStringLiteral("tf-gateway")), args, env);
        running.process->start();
        return running;
    }

    static QJsonObject status(const Running &gateway)
    {
        return test::http("GET", gateway.base() + QStringLiteral("/api/status"), {}, gateway.headers()).json();
    }

    static QJsonObject component(const QJsonObject &status, const QString &name)
    {
        return status.value(QStringLiteral("components")).toObject().value(name).toObject();
    }

    // Polls /api/status until the overall status is as wanted.
    static QJsonObject waitForStatus(const Running &gateway, const QString &wanted, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        QJsonObject last;
        while (!deadline.hasExpired()) {
            last = status(gateway);
            if (last.value(QStringLiteral("status")).toString() == wanted)
                return last;
            QThread::msleep(50);
        }
        return last;
    }

    static QList<db::ServiceEventRecord> serviceEvents(const QString &databaseUrl)
    {
        auto database = db::ControlDatabase::open(databaseUrl, false);
        db::ServiceEventRepository repository(database->database());
        return repository.list(QStringLiteral("tf-syncd"), 100);
    }

    static bool hasEvent(const QList<db::ServiceEventRecord> &events, const QString &event)
    {
        for (const auto &record : events) {
            if (record.event == event)
                return true;
        }
        return false;
    }

    void statusAndRestart(const QString &databaseUrl, const QString &backend)
    {
        QTemporaryDir dir;
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        if (!databaseUrl.isEmpty())
            env.insert(QStringLiteral("DATABASE_URL"), databaseUrl);
        Running gateway = startGateway(dir.path(), {}, env);
        QVERIFY(gateway.process->waitHealthy(gateway.base() + QStringLiteral("/health/live")));
        QVERIFY(gateway.login());

        QJsonObject healthy = waitForStatus(gateway, QStringLiteral("healthy"), 15000);
        QVERIFY2(healthy.value(QStringLiteral("status")).toString() == QLatin1String("healthy"),
                 QJsonDocument(healthy).toJson().constData());
        QCOMPARE(component(healthy, QStringLiteral("gateway")).value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(component(healthy, QStringLiteral("syncd")).value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(component(healthy, QStringLiteral("database")).value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(component(healthy, QStringLiteral("database")).value(QStringLiteral("backend")).toString(), backend);
        QVERIFY(component(healthy, QStringLiteral("syncd")).contains(QStringLiteral("latency_ms")));
        QVERIFY(component(healthy, QStringLiteral("database")).contains(QStringLiteral("latency_ms")));
        QTRY_COMPARE_WITH_TIMEOUT(component(status(gateway), QStringLiteral("syncd")).value(QStringLiteral("state")).toString(),
                                  QStringLiteral("running"), 5000);
        const qint64 firstPid = component(healthy, QStringLiteral("syncd")).value(QStringLiteral("pid")).toInteger();
        QVERIFY(processAlive(firstPid));

        const auto metrics = test::http("GET", gateway.base() + QStringLiteral("/api/metrics"), {}, gateway.headers());
        QCOMPARE(metrics.status, 200);
        QCOMPARE(metrics.json().value(QStringLiteral("service")).toString(), QStringLiteral("tf-syncd"));

        // kill -9 tf-syncd: back within 5 s with a new pid, and recorded.
        QElapsedTimer sinceKill;
        sinceKill.start();
        QCOMPARE(::kill(static_cast<pid_t>(firstPid), SIGKILL), 0);
        QDeadlineTimer deadline(5000);
        qint64 newPid = 0;
        while (!deadline.hasExpired()) {
            const QJsonObject now = status(gateway);
            const QJsonObject syncd = component(now, QStringLiteral("syncd"));
            // Healthy, a new process, and the supervisor has counted the restart.
            if (syncd.value(QStringLiteral("status")).toString() == QLatin1String("healthy")
                && syncd.value(QStringLiteral("pid")).toInteger() != firstPid
                && syncd.value(QStringLiteral("restarts")).toInt() == 1) {
                newPid = syncd.value(QStringLiteral("pid")).toInteger();
                break;
            }
            QThread::msleep(50);
        }
        QVERIFY2(newPid > 0, gateway.process->output().right(3000).constData());
        QVERIFY(sinceKill.elapsed() < 5000);
        qInfo("tf-syncd back %lld ms after SIGKILL", sinceKill.elapsed());

        const QString url = databaseUrl.isEmpty() ? QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db")) : databaseUrl;
        const auto events = serviceEvents(url);
        QVERIFY(hasEvent(events, QStringLiteral("started")));
        QVERIFY(hasEvent(events, QStringLiteral("crashed")));
        QVERIFY(hasEvent(events, QStringLiteral("restarted")));

        // SIGTERM to the gateway stops its child cleanly.
        gateway.process->terminate();
        QVERIFY(gateway.process->waitFinished(10000));
        QCOMPARE(gateway.process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(gateway.process->exitCode(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(newPid), 5000);
        QVERIFY(hasEvent(serviceEvents(url), QStringLiteral("stopped")));
    }

private Q_SLOTS:
    void statusRestartAndStopOnSqlite() { statusAndRestart(QString(), QStringLiteral("sqlite")); }

    void statusRestartAndStopOnPostgres()
    {
        const QString url = test::createScratchPostgresDatabase(QStringLiteral("gateway"));
        TF_REQUIRE_POSTGRES(url);
        statusAndRestart(url, QStringLiteral("postgres"));
    }

    void syncdUnreachableAnswersQuickly()
    {
        QTemporaryDir dir;
        const quint16 deadPort = test::freePort();
        Running gateway = startGateway(dir.path(), { QStringLiteral("--sync-url"), QStringLiteral("http://127.0.0.1:%1").arg(deadPort) });
        QVERIFY(gateway.process->waitHealthy(gateway.base() + QStringLiteral("/health/ready")));
        QVERIFY(gateway.login());

        const auto statusResult = test::http("GET", gateway.base() + QStringLiteral("/api/status"), {}, gateway.headers());
        QCOMPARE(statusResult.status, 200);
        QVERIFY(statusResult.elapsedMs < 3000);
        const QJsonObject body = statusResult.json();
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        QCOMPARE(component(body, QStringLiteral("syncd")).value(QStringLiteral("status")).toString(), QStringLiteral("down"));
        QCOMPARE(component(body, QStringLiteral("syncd")).value(QStringLiteral("supervised")).toBool(), false);
        QVERIFY(!component(body, QStringLiteral("syncd")).value(QStringLiteral("error")).toString().isEmpty());
        QCOMPARE(component(body, QStringLiteral("database")).value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));

        const auto metrics = test::http("GET", gateway.base() + QStringLiteral("/api/metrics"), {}, gateway.headers());
        QCOMPARE(metrics.status, 503);
        QVERIFY(metrics.elapsedMs < 6000);
        const QJsonObject error = metrics.json();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("service_unavailable"));
        QVERIFY(error.value(QStringLiteral("detail")).toString().startsWith(QStringLiteral("Failed to get metrics from SyncService")));
        QTRY_VERIFY_WITH_TIMEOUT(gateway.process->output().contains("Failed to get metrics from SyncService"), 3000);
    }

    void hungSyncdTimesOut()
    {
        // Something that accepts connections but never answers: the proxy gives up in time.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        QTemporaryDir dir;
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_GATEWAY__PROXY_TIMEOUT_MS"), QStringLiteral("800"));
        env.insert(QStringLiteral("TF_GATEWAY__STATUS_TIMEOUT_MS"), QStringLiteral("500"));
        Running gateway = startGateway(dir.path(), { QStringLiteral("--sync-url"), QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()) }, env);
        QVERIFY(gateway.process->waitHealthy(gateway.base() + QStringLiteral("/health/live")));
        QVERIFY(gateway.login());
        const auto metrics = test::http("GET", gateway.base() + QStringLiteral("/api/metrics"), {}, gateway.headers(), 10000);
        QCOMPARE(metrics.status, 503);
        QVERIFY2(metrics.elapsedMs < 3000, QByteArray::number(metrics.elapsedMs).constData());
        const auto statusResult = test::http("GET", gateway.base() + QStringLiteral("/api/status"), {}, gateway.headers(), 10000);
        QCOMPARE(statusResult.status, 200);
        QCOMPARE(component(statusResult.json(), QStringLiteral("syncd")).value(QStringLiteral("status")).toString(), QStringLiteral("down"));
    }

    void externalSyncdIsProxied()
    {
        QTemporaryDir dir;
        const quint16 syncPort = test::freePort();
        test::ServiceProcess syncd(test::binary(QStringLiteral("tf-syncd")),
                                   { QStringLiteral("--port"), QString::number(syncPort), QStringLiteral("--data-dir"), dir.path() });
        QVERIFY(syncd.start());
        Running gateway = startGateway(dir.path(), { QStringLiteral("--no-supervise-sync"), QStringLiteral("--sync-port"), QString::number(syncPort) });
        QVERIFY(gateway.process->waitHealthy(gateway.base() + QStringLiteral("/health/ready")));
        QVERIFY(gateway.login());
        const QJsonObject healthy = waitForStatus(gateway, QStringLiteral("healthy"), 10000);
        QCOMPARE(healthy.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
        QCOMPARE(component(healthy, QStringLiteral("syncd")).value(QStringLiteral("supervised")).toBool(), false);
        QCOMPARE(component(healthy, QStringLiteral("syncd")).value(QStringLiteral("pid")).toInteger(), syncd.pid());

        const auto prometheus = test::http("GET", gateway.base() + QStringLiteral("/api/metrics?format=prometheus"), {}, gateway.headers());
        QCOMPARE(prometheus.status, 200);
        QVERIFY(prometheus.headers.value("content-type").startsWith("text/plain"));
        QVERIFY(prometheus.body.contains("terrafusion_uptime_seconds"));
        const auto badFormat = test::http("GET", gateway.base() + QStringLiteral("/api/metrics?format=xml"), {}, gateway.headers());
        QCOMPARE(badFormat.status, 400);
        QVERIFY(!badFormat.headers.value("x-request-id").isEmpty());
    }

    void syncdThatCannotStartIsReported()
    {
        QTemporaryDir dir;
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_GATEWAY__SYNC_PROGRAM"), dir.filePath(QStringLiteral("no-such-tf-syncd")));
        env.insert(QStringLiteral("TF_GATEWAY__RESTART_MAX_ATTEMPTS"), QStringLiteral("2"));
        Running gateway = startGateway(dir.path(), {}, env);
        QVERIFY(gateway.process->waitHealthy(gateway.base() + QStringLiteral("/health/live")));
        QVERIFY(gateway.login());
        QTRY_VERIFY_WITH_TIMEOUT(gateway.process->output().contains("Error starting SyncService"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(gateway.process->output().contains("Failed to restart SyncService after 2 attempts"), 8000);
        const QJsonObject body = status(gateway);
        QCOMPARE(component(body, QStringLiteral("syncd")).value(QStringLiteral("status")).toString(), QStringLiteral("down"));
        QVERIFY(!component(body, QStringLiteral("syncd")).value(QStringLiteral("last_error")).toString().isEmpty());
        const auto events = serviceEvents(QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("terrafusion.db")));
        QVERIFY(hasEvent(events, QStringLiteral("start_failed")));
        QVERIFY(hasEvent(events, QStringLiteral("restart_failed")));
    }
};

QTEST_GUILESS_MAIN(TestGateway)
#include "tst_gateway.moc"
