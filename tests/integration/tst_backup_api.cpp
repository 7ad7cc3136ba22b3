// /api/backups and /api/jobs on a real tf-gateway (supervising a real tf-syncd): backup and
// restore answer 202 with a job that is polled to its end; list, one backup, delete; names
// that leave the folder are 400 (sent as raw requests, so no client tidies the path); a
// damaged backup's restore job fails with the reason and changes nothing; audit entries.
#include "tst_backup_fixture.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QTcpSocket>
#include <QThread>

using namespace tf;

class TestBackupApi final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::ServiceProcess> m_gateway;
    std::unique_ptr<backuptest::Env> m_env;
    quint16 m_port = 0;
    QByteArray m_authorization;

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString url() const { return m_env->url; }
    QString dataDir() const { return m_env->dataDir(); }

    // A fresh data directory and control database (seeded) with a gateway in front of it.
    bool startGateway(const QString &backend)
    {
        stopGateway();
        m_env = std::make_unique<backuptest::Env>();
        if (!m_env->open(backend))
            return false;
        backuptest::seed(m_env->database(), 500);
        m_env->control.reset();
        QProcessEnvironment environment = test::ServiceProcess::cleanEnvironment();
        if (backend == QLatin1String("postgres"))
            environment.insert(QStringLiteral("DATABASE_URL"), m_env->url);
        m_port = test::freePort();
        m_gateway = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(m_port),
                          QStringLiteral("--data-dir"), dataDir(), QStringLiteral("--sync-port"),
                          QString::number(test::freePort()) },
            environment);
        if (!m_gateway->start()
            || !m_gateway->waitHealthy(base() + QStringLiteral("/health/ready"), 20000)) {
            qWarning("%s", m_gateway->output().constData());
            return false;
        }
        m_authorization = test::gatewayAdminAuthorization(base(), dataDir());
        qInfo("%s gateway; logins %s", qPrintable(backend),
              m_authorization.isEmpty() ? "not available" : "used");
        return true;
    }
    void stopGateway()
    {
        if (m_gateway) {
            m_gateway->terminate();
            m_gateway->waitFinished();
            m_gateway.reset();
        }
    }

    test::HttpResult call(const QByteArray &method, const QString &path,
                          const QByteArray &body = {})
    {
        auto headers = test::authorizationHeaders(m_authorization);
        if (!body.isEmpty())
            headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        return test::http(method, base() + path, body, headers, 30000);
    }

    // The status code of a request sent byte for byte as written.
    int rawStatus(const QByteArray &method, const QByteArray &target)
    {
        QByteArray request = method + ' ' + target
            + QByteArray(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        if (!m_authorization.isEmpty())
            request += "Authorization: " + m_authorization + "\r\n";
        request += "Content-Length: 0\r\n\r\n";
        // Only the status line is needed: read until it has arrived (the server keeps the
        // connection open).
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(5000))
            return 0;
        socket.write(request);
        QByteArray answer;
        QDeadlineTimer deadline(10000);
        while (!answer.contains("\r\n") && !deadline.hasExpired()
               && socket.waitForReadyRead(int(deadline.remainingTime())))
            answer += socket.readAll();
        return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
    }

    // Polls the job until it is no longer running.
    QJsonObject finished(const test::HttpResult &accepted)
    {
        const QString id = accepted.json()
                               .value(QStringLiteral("job"))
                               .toObject()
                               .value(QStringLiteral("id"))
                               .toString();
        QDeadlineTimer deadline(30000);
        QJsonObject job;
        while (!deadline.hasExpired()) {
            job = call("GET", QStringLiteral("/api/jobs/") + id).json();
            if (job.value(QStringLiteral("status")).toString() != QLatin1String("running"))
                return job;
            QThread::msleep(50);
        }
        return job;
    }

private Q_SLOTS:
    void backupRestoreDelete_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("postgres") << QStringLiteral("postgres");
        QTest::newRow("sqlite") << QStringLiteral(
            "sqlite"); // last: the tests below use its gateway
    }
    void backupRestoreDelete()
    {
        QFETCH(QString, backend);
        if (!startGateway(backend)) {
            TF_REQUIRE_POSTGRES(m_env->url);
            QFAIL("tf-gateway did not start");
        }
        const test::HttpResult accepted
            = call("POST", QStringLiteral("/api/backups"), R"({"label":"api"})");
        QCOMPARE(accepted.status, 202);
        const QJsonObject acceptedJob = accepted.json().value(QStringLiteral("job")).toObject();
        QCOMPARE(acceptedJob.value(QStringLiteral("kind")).toString(),
                 QStringLiteral("backup.create"));
        QCOMPARE(accepted.headers.value("location"),
                 "/api/jobs/" + acceptedJob.value(QStringLiteral("id")).toString().toUtf8());
        const QJsonObject job = finished(accepted);
        QVERIFY2(job.value(QStringLiteral("status")).toString() == QLatin1String("completed"),
                 QJsonDocument(job).toJson().constData());
        QCOMPARE(job.value(QStringLiteral("progress")).toDouble(), 1.0);
        const QString name = job.value(QStringLiteral("result"))
                                 .toObject()
                                 .value(QStringLiteral("name"))
                                 .toString();
        QVERIFY2(name.endsWith(backend == QLatin1String("postgres") ? QLatin1String("-api.dump")
                                                                    : QLatin1String("-api.sqlite")),
                 qPrintable(name));

        const test::HttpResult list = call("GET", QStringLiteral("/api/backups"));
        QCOMPARE(list.status, 200);
        const QJsonArray backups = list.json().value(QStringLiteral("backups")).toArray();
        QCOMPARE(backups.size(), 1);
        QCOMPARE(backups.first().toObject().value(QStringLiteral("name")).toString(), name);
        QVERIFY(backups.first().toObject().value(QStringLiteral("verified")).toBool());
        const test::HttpResult one = call("GET", QStringLiteral("/api/backups/") + name);
        QCOMPARE(one.status, 200);
        QCOMPARE(one.json()
                     .value(QStringLiteral("manifest"))
                     .toObject()
                     .value(QStringLiteral("row_counts"))
                     .toObject()
                     .value(QStringLiteral("sync_state"))
                     .toInt(),
                 500);
        const QJsonArray jobs = call("GET", QStringLiteral("/api/jobs"))
                                    .json()
                                    .value(QStringLiteral("jobs"))
                                    .toArray();
        QVERIFY(!jobs.isEmpty());
        QCOMPARE(jobs.first().toObject().value(QStringLiteral("id")),
                 acceptedJob.value(QStringLiteral("id")));

        // Change, restore through the API, and the data is back.
        auto control = db::ControlDatabase::open(url(), false);
        backuptest::change(control->database());
        const test::HttpResult restoring
            = call("POST", QStringLiteral("/api/backups/%1/restore").arg(name),
                   R"({"safety_backup": true})");
        QCOMPARE(restoring.status, 202);
        const QJsonObject restored = finished(restoring);
        QVERIFY2(restored.value(QStringLiteral("status")).toString() == QLatin1String("completed"),
                 QJsonDocument(restored).toJson().constData());
        const QJsonObject result = restored.value(QStringLiteral("result")).toObject();
        QVERIFY(result.value(QStringLiteral("safety_backup"))
                    .toString()
                    .contains(QLatin1String("pre-restore")));
        QCOMPARE(result.value(QStringLiteral("row_counts"))
                     .toObject()
                     .value(QStringLiteral("sync_state"))
                     .toInt(),
                 500);
        QCOMPARE(
            backuptest::scalar(control->database(), QStringLiteral("SELECT COUNT(*) FROM systems")),
            2);
        QCOMPARE(backuptest::column(control->database(),
                                    QStringLiteral("SELECT name FROM sync_pairs ORDER BY id"))
                     .value(0),
                 QStringLiteral("Property"));
        QCOMPARE(call("GET", QStringLiteral("/api/backups"))
                     .json()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 2);

        const test::HttpResult deleted = call("DELETE", QStringLiteral("/api/backups/") + name);
        QCOMPARE(deleted.status, 200);
        QCOMPARE(call("GET", QStringLiteral("/api/backups/") + name).status, 404);
        QCOMPARE(call("DELETE", QStringLiteral("/api/backups/") + name).status, 404);
        QCOMPARE(call("GET", QStringLiteral("/api/backups"))
                     .json()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 1);

        // Each admin action is in the audit trail.
        const QStringList events = backuptest::column(
            control->database(),
            QStringLiteral(
                "SELECT event_type FROM audit_entries WHERE resource_type = 'backup' ORDER BY id"));
        QVERIFY2(events.contains(QStringLiteral("backup.restored")),
                 qPrintable(events.join(QLatin1Char(','))));
        QVERIFY2(events.contains(QStringLiteral("backup.deleted")),
                 qPrintable(events.join(QLatin1Char(','))));
        QCOMPARE(events.size(), 2); // backup.created went into the data the restore replaced
    }

    void namesThatLeaveTheFolderAreRefused()
    {
        for (const QByteArray &target :
             { QByteArray("/api/backups/..%2F..%2Fetc%2Fpasswd"),
               QByteArray("/api/backups/%2Fetc%2Fpasswd"),
               QByteArray("/api/backups/../terrafusion.db"), QByteArray("/api/backups/.."),
               QByteArray("/api/backups/.hidden.sqlite"),
               QByteArray("/api/backups/terrafusion.db") }) {
            QCOMPARE(rawStatus("GET", target), 400);
            QCOMPARE(rawStatus("DELETE", target), 400);
        }
        QCOMPARE(rawStatus("POST", "/api/backups/../restore"), 400);
        QCOMPARE(rawStatus("POST", "/api/backups/%2e%2e/restore"), 400);
        QCOMPARE(rawStatus("POST", "/api/backups/.hidden.sqlite/restore"), 400);
        QCOMPARE(rawStatus("POST", "/api/backups/nope.sqlite/restore"), 404);
        // Separators split the path: no restore route matches at all.
        const int split = rawStatus("POST", "/api/backups/..%2F..%2Fetc%2Fpasswd/restore");
        QVERIFY2(split >= 400 && split < 500, qPrintable(QString::number(split)));
        QVERIFY(QFileInfo::exists(dataDir() + QStringLiteral("/terrafusion.db")));

        const test::HttpResult error
            = call("DELETE", QStringLiteral("/api/backups/..%2F..%2Fetc%2Fpasswd"));
        QCOMPARE(error.status, 400);
        QVERIFY2(error.json()
                     .value(QStringLiteral("detail"))
                     .toString()
                     .contains(QLatin1String("path separator")),
                 error.body.constData());
        QCOMPARE(call("POST", QStringLiteral("/api/backups"), R"({"label":"../x"})").status, 422);
        QCOMPARE(call("POST", QStringLiteral("/api/backups"), R"({"level":"x"})").status, 422);
        QCOMPARE(call("POST", QStringLiteral("/api/backups"), "{not json").status, 400);
        QCOMPARE(call("GET", QStringLiteral("/api/jobs/not-a-job")).status, 404);
    }

    void damagedBackupRestoreJobFailsWithTheReason()
    {
        const QJsonObject made = finished(call("POST", QStringLiteral("/api/backups")));
        const QString name = made.value(QStringLiteral("result"))
                                 .toObject()
                                 .value(QStringLiteral("name"))
                                 .toString();
        QVERIFY(!name.isEmpty());
        QCOMPARE(call("POST", QStringLiteral("/api/backups/%1/restore").arg(name),
                      R"({"safety_backup":"yes"})")
                     .status,
                 422);
        QFile file(dataDir() + QStringLiteral("/backups/") + name);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(file.size() / 2));
        QVERIFY(file.putChar('\x42') && file.putChar('\x24'));
        file.close();

        const int before = call("GET", QStringLiteral("/api/backups"))
                               .json()
                               .value(QStringLiteral("count"))
                               .toInt();
        const QJsonObject job
            = finished(call("POST", QStringLiteral("/api/backups/%1/restore").arg(name)));
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        const QJsonObject error = job.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(),
                 QStringLiteral("validation_failed"));
        QVERIFY2(
            error.value(QStringLiteral("message")).toString().contains(QLatin1String("corrupted")),
            QJsonDocument(job).toJson().constData());
        QCOMPARE(call("GET", QStringLiteral("/api/backups"))
                     .json()
                     .value(QStringLiteral("count"))
                     .toInt(),
                 before);
        const QJsonArray backups = call("GET", QStringLiteral("/api/backups"))
                                       .json()
                                       .value(QStringLiteral("backups"))
                                       .toArray();
        for (const QJsonValue &backup : backups) {
            if (backup.toObject().value(QStringLiteral("name")).toString() == name)
                QVERIFY(!backup.toObject().value(QStringLiteral("verified")).toBool());
        }
    }

    void cleanupTestCase() { stopGateway(); }
};

QTEST_GUILESS_MAIN(TestBackupApi)
#include "tst_backup_api.moc"
