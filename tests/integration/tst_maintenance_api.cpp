// /api/maintenance on a real tf-gateway (supervising a real tf-syncd): the schedule with each
// window's next run; POST /api/maintenance/run answers 202 with a job that is polled to its
// end (and the run's own record shows its progress); the run is listed with its report; bad
// bodies are 422/400 naming the problem; a role without maintenance:run is refused.
#include "db/controldatabase.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace tf;

class TestMaintenanceApi final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::ServiceProcess> m_gateway;
    quint16 m_port = 0;
    QByteArray m_authorization;

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    test::HttpResult call(const QByteArray &method, const QString &path,
                          const QByteArray &body = {},
                          const QByteArray &authorization = QByteArray())
    {
        auto headers
            = test::authorizationHeaders(authorization.isEmpty() ? m_authorization : authorization);
        if (!body.isEmpty())
            headers.append(qMakePair(QByteArrayLiteral("Content-Type"),
                                     QByteArrayLiteral("application/json")));
        return test::http(method, base() + path, body, headers, 30000);
    }

    QJsonObject pollJob(qint64 id)
    {
        QDeadlineTimer deadline(30000);
        QJsonObject job;
        while (!deadline.hasExpired()) {
            job = call("GET", QStringLiteral("/api/jobs/%1").arg(id)).json();
            const QString status = job.value(QStringLiteral("status")).toString();
            if (status != QLatin1String("running") && status != QLatin1String("queued"))
                return job;
            QThread::msleep(50);
        }
        return job;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_port = test::freePort();
        m_gateway = std::make_unique<test::ServiceProcess>(
            test::binary(QStringLiteral("tf-gateway")),
            QStringList { QStringLiteral("--port"), QString::number(m_port),
                          QStringLiteral("--data-dir"), m_dir.path(), QStringLiteral("--sync-port"),
                          QString::number(test::freePort()) });
        QVERIFY(m_gateway->start());
        QVERIFY2(m_gateway->waitHealthy(base() + QStringLiteral("/health/ready"), 20000),
                 m_gateway->output().constData());
        m_authorization = test::gatewayAdminAuthorization(base(), m_dir.path());
        qInfo("gateway logins %s", m_authorization.isEmpty() ? "not available" : "used");
    }

    void cleanupTestCase()
    {
        if (m_gateway) {
            m_gateway->terminate();
            m_gateway->waitFinished();
        }
    }

    void scheduleShowsTheRunbookWindows()
    {
        const test::HttpResult result = call("GET", QStringLiteral("/api/maintenance"));
        QCOMPARE(result.status, 200);
        const QJsonArray schedule = result.json().value(QStringLiteral("schedule")).toArray();
        QCOMPARE(schedule.size(), 3);
        QCOMPARE(schedule.at(0).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("weekly"));
        QCOMPARE(schedule.at(0).toObject().value(QStringLiteral("cron")).toString(),
                 QStringLiteral("0 1 * * SUN"));
        QCOMPARE(schedule.at(1).toObject().value(QStringLiteral("cron")).toString(),
                 QStringLiteral("0 2 1 * *"));
        QCOMPARE(schedule.at(2).toObject().value(QStringLiteral("cron")).toString(),
                 QStringLiteral("0 3 15 JAN,APR,JUL,OCT *"));
        for (const QJsonValue &value : schedule) {
            const QDateTime next = QDateTime::fromString(
                value.toObject().value(QStringLiteral("next_run")).toString(), Qt::ISODate);
            QVERIFY(next > QDateTime::currentDateTime());
            QVERIFY(next < QDateTime::currentDateTime().addDays(93));
        }
        QVERIFY(!result.json().contains(QStringLiteral("runs"))); // a list of its own now
        const test::HttpResult runs = call("GET", QStringLiteral("/api/maintenance/runs"));
        QCOMPARE(runs.status, 200);
        QCOMPARE(runs.json(), (QJsonObject { { QStringLiteral("items"), QJsonArray() }, { QStringLiteral("next_cursor"), QJsonValue() } }));
    }

    void runAnswers202AndTheJobCompletes()
    {
        const test::HttpResult accepted
            = call("POST", QStringLiteral("/api/maintenance/run"), R"({"type":"quarterly"})");
        QCOMPARE(accepted.status, 202);
        const QJsonObject job = accepted.json();
        // The run it fills is linked beside the job.
        const QByteArray link = accepted.headers.value("link");
        QVERIFY2(link.startsWith("</api/maintenance/runs/") && link.endsWith(">; rel=\"related\""), link.constData());
        const qint64 runId = link.mid(23, link.indexOf('>') - 23).toLongLong();
        QVERIFY(runId > 0);
        QCOMPARE(job.value(QStringLiteral("kind")).toString(), QStringLiteral("maintenance"));
        QVERIFY(job.value(QStringLiteral("message")).toString().contains(QStringLiteral("quarterly")));
        QCOMPARE(accepted.headers.value("location"),
                 "/api/jobs/" + QByteArray::number(job.value(QStringLiteral("id")).toInteger()));

        const QJsonObject done = pollJob(job.value(QStringLiteral("id")).toInteger());
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(done.value(QStringLiteral("progress")).toDouble(), 1.0);
        const QJsonObject result = done.value(QStringLiteral("result")).toObject();
        QCOMPARE(result.value(QStringLiteral("run_id")).toInteger(), runId);
        QCOMPARE(result.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(result.value(QStringLiteral("steps")).toArray().size(), 3);

        // GET shows the run, with its report.
        const QJsonObject overview = call("GET", QStringLiteral("/api/maintenance")).json();
        const QJsonObject listed = call("GET", QStringLiteral("/api/maintenance/runs?type=quarterly"))
                                       .json().value(QStringLiteral("items")).toArray().first().toObject();
        QCOMPARE(listed.value(QStringLiteral("id")).toInteger(), runId);
        QCOMPARE(listed.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QString expectedActor
            = m_authorization.isEmpty() ? QStringLiteral("anonymous") : QStringLiteral("admin");
        QCOMPARE(listed.value(QStringLiteral("triggered_by")).toString(), expectedActor);
        QCOMPARE(overview.value(QStringLiteral("schedule"))
                     .toArray()
                     .at(2)
                     .toObject()
                     .value(QStringLiteral("last_run"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toInteger(),
                 runId);
        const test::HttpResult single
            = call("GET", QStringLiteral("/api/maintenance/runs/%1").arg(runId));
        QCOMPARE(single.status, 200);
        const QJsonObject report = single.json().value(QStringLiteral("report")).toObject();
        QCOMPARE(report.value(QStringLiteral("steps"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("security audit"));
        QVERIFY(QFile::exists(report.value(QStringLiteral("markdown_path")).toString()));
        // The Markdown report itself, as the file holds it.
        QFile markdownFile(report.value(QStringLiteral("markdown_path")).toString());
        QVERIFY(markdownFile.open(QIODevice::ReadOnly));
        const QString markdown = single.json().value(QStringLiteral("markdown")).toString();
        QCOMPARE(markdown, QString::fromUtf8(markdownFile.readAll()));
        QVERIFY2(markdown.startsWith(QStringLiteral("# Quarterly maintenance report")), qPrintable(markdown.left(80)));
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance/runs/999999")).status, 404);

        // The audit trail has it, with who and from where.
        auto control = db::ControlDatabase::open(
            QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("terrafusion.db")), false);
        QSqlQuery query = control->database().prepare(
            QStringLiteral("SELECT username, ip_address FROM audit_entries WHERE event_type = "
                           "'maintenance.completed' AND resource_id = ?"));
        query.addBindValue(QString::number(runId));
        control->database().exec(query, "reading");
        QVERIFY(query.next());
        QCOMPARE(query.value(0).toString(), expectedActor);
        QCOMPARE(query.value(1).toString(), QStringLiteral("127.0.0.1"));
    }

    void badBodies()
    {
        const test::HttpResult daily
            = call("POST", QStringLiteral("/api/maintenance/run"), R"({"type":"daily"})");
        QCOMPARE(daily.status, 422);
        QVERIFY2(daily.body.contains("weekly, monthly, quarterly"), daily.body.constData());
        QCOMPARE(daily.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("type"));
        // Every problem at once: the unknown member and the missing type.
        const test::HttpResult both = call("POST", QStringLiteral("/api/maintenance/run"), R"({"kind":"weekly"})");
        QCOMPARE(both.status, 422);
        QCOMPARE(both.json().value(QStringLiteral("errors")).toArray().size(), 2);
        QCOMPARE(call("POST", QStringLiteral("/api/maintenance/run"), R"({"type":7})").status, 422);
        QCOMPARE(
            call("POST", QStringLiteral("/api/maintenance/run"), R"({"kind":"weekly"})").status,
            422);
        QCOMPARE(call("POST", QStringLiteral("/api/maintenance/run"), "{not json").status, 400);
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance/runs?type=hourly")).status, 400);
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance/runs?limit=0")).status, 400);
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance?type=weekly")).status, 400); // the overview takes none
        // Nothing was started by any of them.
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance/runs"))
                     .json()
                     .value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 1);
    }

    void viewerMayNotRunMaintenance()
    {
        if (m_authorization.isEmpty())
            QSKIP("gateway logins are not available in this build");
        const test::HttpResult created = call("POST", QStringLiteral("/api/tokens"),
                                              R"({"name":"viewer-token","role":"viewer"})");
        QCOMPARE(created.status, 201);
        const QByteArray viewer
            = "Bearer " + created.json().value(QStringLiteral("token")).toString().toUtf8();
        QCOMPARE(
            call("POST", QStringLiteral("/api/maintenance/run"), R"({"type":"quarterly"})", viewer)
                .status,
            403);
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance"), {}, viewer).status, 403);
        QCOMPARE(call("GET", QStringLiteral("/api/maintenance/runs"))
                     .json()
                     .value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestMaintenanceApi)
#include "tst_maintenance_api.moc"
