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
    QProcessEnvironment m_environment;

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
        m_environment = test::ServiceProcess::cleanEnvironment();
        if (backend == QLatin1String("postgres"))
            m_environment.insert(QStringLiteral("DATABASE_URL"), m_env->url);
        return launchGateway();
    }

    // A gateway process over the current data directory and database.
    bool launchGateway()
    {
        const QProcessEnvironment environment = m_environment;
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
        qInfo("%s gateway; logins %s", m_environment.contains(QStringLiteral("DATABASE_URL")) ? "postgres" : "sqlite",
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
                          const QByteArray &body = {}, const QList<QPair<QByteArray, QByteArray>> &extra = {})
    {
        auto headers = test::authorizationHeaders(m_authorization) + extra;
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

    // Polls the job until it has finished.
    QJsonObject finished(const test::HttpResult &accepted)
    {
        const qint64 id = accepted.json().value(QStringLiteral("id")).toInteger();
        QDeadlineTimer deadline(30000);
        QJsonObject job;
        while (!deadline.hasExpired()) {
            const test::HttpResult polled = call("GET", QStringLiteral("/api/jobs/%1").arg(id));
            job = polled.json();
            const QString status = job.value(QStringLiteral("status")).toString();
            if (status == QLatin1String("completed") || status == QLatin1String("failed") || status == QLatin1String("cancelled")) {
                if (polled.headers.contains("retry-after"))
                    return QJsonObject { { QStringLiteral("status"), QStringLiteral("finished, yet with Retry-After") } };
                return job;
            }
            if (polled.headers.value("retry-after") != "2") // the poll interval while it runs
                return QJsonObject { { QStringLiteral("status"), QStringLiteral("running without Retry-After") } };
            QThread::msleep(50);
        }
        return job;
    }

    QJsonArray items(const QString &path)
    {
        const test::HttpResult list = call("GET", path);
        if (list.status != 200 || list.json().keys() != QStringList({ QStringLiteral("items"), QStringLiteral("next_cursor") }))
            qWarning("not a list answer: %d %s", list.status, list.body.constData());
        return list.json().value(QStringLiteral("items")).toArray();
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
        const QJsonObject acceptedJob = accepted.json();
        QCOMPARE(acceptedJob.value(QStringLiteral("kind")).toString(), QStringLiteral("backup"));
        QVERIFY(acceptedJob.value(QStringLiteral("id")).isDouble());
        QCOMPARE(accepted.headers.value("location"),
                 "/api/jobs/" + QByteArray::number(acceptedJob.value(QStringLiteral("id")).toInteger()));
        if (acceptedJob.value(QStringLiteral("status")).toString() != QLatin1String("completed"))
            QCOMPARE(accepted.headers.value("retry-after"), QByteArray("2"));
        for (const char *member : { "progress", "message", "result", "error", "created_at", "started_at", "finished_at", "created_by" })
            QVERIFY2(acceptedJob.contains(QLatin1String(member)), member);
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

        const QJsonArray backups = items(QStringLiteral("/api/backups"));
        QCOMPARE(backups.size(), 1);
        QCOMPARE(backups.first().toObject().value(QStringLiteral("name")).toString(), name);
        QVERIFY(backups.first().toObject().value(QStringLiteral("verified")).toBool());
        const test::HttpResult one = call("GET", QStringLiteral("/api/backups/") + name);
        QCOMPARE(one.status, 200);
        const QByteArray etag = one.headers.value("etag");
        QVERIFY2(etag.startsWith("\"sha256:") && etag.endsWith('"'), etag.constData());
        QCOMPARE(call("GET", QStringLiteral("/api/backups/") + name).headers.value("etag"), etag); // stable
        QCOMPARE(one.json()
                     .value(QStringLiteral("manifest"))
                     .toObject()
                     .value(QStringLiteral("row_counts"))
                     .toObject()
                     .value(QStringLiteral("sync_state"))
                     .toInt(),
                 500);
        const QJsonArray jobs = items(QStringLiteral("/api/jobs?kind=backup"));
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
        QCOMPARE(items(QStringLiteral("/api/backups")).size(), 2);
        // Paged one by one: both, newest (the safety backup) first, then the end.
        const test::HttpResult firstPage = call("GET", QStringLiteral("/api/backups?limit=1"));
        QCOMPARE(firstPage.json().value(QStringLiteral("items")).toArray().size(), 1);
        const QString cursor = firstPage.json().value(QStringLiteral("next_cursor")).toString();
        QVERIFY(!cursor.isEmpty());
        const QJsonObject secondPage = call("GET", QStringLiteral("/api/backups?limit=1&cursor=") + cursor).json();
        QCOMPARE(secondPage.value(QStringLiteral("items")).toArray().first().toObject().value(QStringLiteral("name")).toString(), name);
        QVERIFY(secondPage.value(QStringLiteral("next_cursor")).isNull());

        // Delete honours If-Match: another file's tag changes nothing.
        const test::HttpResult stale = call("DELETE", QStringLiteral("/api/backups/") + name, {},
                                            { { "If-Match", "\"sha256:0000\"" } });
        QCOMPARE(stale.status, 412);
        QCOMPARE(stale.json().value(QStringLiteral("current_etag")).toString().toLatin1(), etag);
        QCOMPARE(call("GET", QStringLiteral("/api/backups/") + name).status, 200);
        const test::HttpResult deleted = call("DELETE", QStringLiteral("/api/backups/") + name, {}, { { "If-Match", etag } });
        QCOMPARE(deleted.status, 200);
        QCOMPARE(call("GET", QStringLiteral("/api/backups/") + name).status, 404);
        QCOMPARE(call("DELETE", QStringLiteral("/api/backups/") + name).status, 404);
        QCOMPARE(items(QStringLiteral("/api/backups")).size(), 1);

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
        // Every problem at once.
        const test::HttpResult both = call("POST", QStringLiteral("/api/backups"), R"({"level":"x","label":5})");
        QCOMPARE(both.status, 422);
        QCOMPARE(both.json().value(QStringLiteral("errors")).toArray().size(), 2);
        QCOMPARE(call("POST", QStringLiteral("/api/backups"), "{not json").status, 400);
        QCOMPARE(call("GET", QStringLiteral("/api/jobs/not-a-job")).status, 400); // invalid_id
        QCOMPARE(call("GET", QStringLiteral("/api/jobs/99999999")).status, 404);
        QCOMPARE(call("GET", QStringLiteral("/api/jobs?kind=teleport")).status, 400);
    }

    // A backup file the gateway has not hashed in its present state (copied in, touched, made
    // by tfctl) is hashed on the job pool: the list answers at once with "verified": null and
    // no problem, then true once the hash is known. A backup the gateway made is known at once.
    void listingHashesNewFilesOnTheJobPool()
    {
        const QJsonObject made = finished(call("POST", QStringLiteral("/api/backups"), R"({"label":"hash"})"));
        const QString name = made.value(QStringLiteral("result")).toObject().value(QStringLiteral("name")).toString();
        QVERIFY(!name.isEmpty());
        auto listed = [this, &name]() -> QJsonObject {
            for (const QJsonValue &backup : items(QStringLiteral("/api/backups?limit=200"))) {
                if (backup.toObject().value(QStringLiteral("name")).toString() == name)
                    return backup.toObject();
            }
            return {};
        };
        QCOMPARE(listed().value(QStringLiteral("verified")), QJsonValue(true));

        QFile file(dataDir() + QStringLiteral("/backups/") + name);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(-3600), QFileDevice::FileModificationTime));
        file.close();
        const QJsonObject pending = listed();
        QVERIFY2(pending.value(QStringLiteral("verified")).isNull(), QJsonDocument(pending).toJson().constData());
        QVERIFY(!pending.contains(QStringLiteral("problem")));
        QTRY_COMPARE_WITH_TIMEOUT(listed().value(QStringLiteral("verified")), QJsonValue(true), 20000);
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

        const qsizetype before = items(QStringLiteral("/api/backups")).size();
        const QJsonObject job
            = finished(call("POST", QStringLiteral("/api/backups/%1/restore").arg(name)));
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        const QJsonObject error = job.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(),
                 QStringLiteral("validation_failed"));
        QVERIFY2(
            error.value(QStringLiteral("message")).toString().contains(QLatin1String("corrupted")),
            QJsonDocument(job).toJson().constData());
        const QJsonArray backups = items(QStringLiteral("/api/backups"));
        QCOMPARE(backups.size(), before);
        for (const QJsonValue &backup : backups) {
            if (backup.toObject().value(QStringLiteral("name")).toString() == name)
                QVERIFY(!backup.toObject().value(QStringLiteral("verified")).toBool());
        }
    }

    void jobsSurviveAGatewayRestart()
    {
        const QJsonObject made = finished(call("POST", QStringLiteral("/api/backups"), R"({"label":"kept"})"));
        QCOMPARE(made.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const qint64 id = made.value(QStringLiteral("id")).toInteger();
        // A job an earlier process left running (it died mid-way).
        {
            auto control = db::ControlDatabase::open(url(), false);
            control->database().execDirect(
                QStringLiteral("INSERT INTO admin_jobs (id, kind, status, progress, message, created_by, created_at, started_at) "
                               "VALUES (%1, 'restore', 'running', 0.5, 'restoring', 'admin', '2026-01-01T00:00:00.000Z', "
                               "'2026-01-01T00:00:01.000Z')").arg(id + 1000),
                "a job left running");
        }
        // The same data directory and database, a new process.
        m_gateway->terminate();
        m_gateway->waitFinished();
        m_gateway.reset();
        QVERIFY(launchGateway());

        const test::HttpResult again = call("GET", QStringLiteral("/api/jobs/%1").arg(id));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json(), made);
        QVERIFY(!again.headers.contains("retry-after"));
        const QJsonObject interrupted = call("GET", QStringLiteral("/api/jobs/%1").arg(id + 1000)).json();
        QCOMPARE(interrupted.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(interrupted.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("interrupted"));
        QVERIFY(interrupted.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString()
                    .contains(QLatin1String("gateway restarted")));
        QVERIFY(!interrupted.value(QStringLiteral("finished_at")).isNull());

        // The list pages through every job of both processes, newest first.
        QList<qint64> ids;
        QString cursor;
        for (int page = 0; page < 50; ++page) {
            const QJsonObject answer = call("GET", QStringLiteral("/api/jobs?limit=2") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor)).json();
            for (const QJsonValue &job : answer.value(QStringLiteral("items")).toArray())
                ids << job.toObject().value(QStringLiteral("id")).toInteger();
            cursor = answer.value(QStringLiteral("next_cursor")).toString();
            if (cursor.isEmpty())
                break;
        }
        QVERIFY(ids.size() >= 3);
        QCOMPARE(ids.first(), id + 1000);
        QVERIFY(ids.contains(id));
        for (int i = 1; i < ids.size(); ++i)
            QVERIFY(ids.at(i) < ids.at(i - 1));
        const QJsonArray failed = items(QStringLiteral("/api/jobs?status=failed&kind=restore"));
        QVERIFY(!failed.isEmpty());
        // A new job takes the next id after every one kept.
        const QJsonObject next = finished(call("POST", QStringLiteral("/api/backups")));
        QCOMPARE(next.value(QStringLiteral("id")).toInteger(), id + 1001);
    }

    void cleanupTestCase() { stopGateway(); }
};

QTEST_GUILESS_MAIN(TestBackupApi)
#include "tst_backup_api.moc"
