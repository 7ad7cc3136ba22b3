// GET /api/services and GET /api/services/events through a real tf-gateway supervising a real
// tf-syncd: both services with their pid, uptime, version and restarts in 24 h; a restart of
// tf-syncd through the API gives a new pid, counts as a restart and is listed as an event;
// events page by keyset and filter by service; a viewer may read both (status:read); unknown
// parameters are refused.
#include "tst_gatewayproxy_fixture.h"

#include <QTest>

using namespace tf;
using namespace tf::test;

class TestServicesApi final : public QObject, public GatewayProxyFixture
{
    Q_OBJECT

private:
    QJsonObject service(const QString &name)
    {
        const HttpResult result = api("GET", QStringLiteral("/api/services"));
        const QJsonArray items = result.json().value(QStringLiteral("items")).toArray();
        for (const QJsonValue &item : items)
            if (item.toObject().value(QStringLiteral("name")).toString() == name)
                return item.toObject();
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(startGateway(ServiceProcess::cleanEnvironment()));
        QVERIFY(!m_authorization.isEmpty());
    }

    void listsTheGatewayAndTfSyncd()
    {
        const HttpResult result = api("GET", QStringLiteral("/api/services"));
        QCOMPARE(result.status, 200);
        const QJsonObject body = result.json();
        QCOMPARE(body.keys(), (QStringList { QStringLiteral("items"), QStringLiteral("next_cursor") }));
        const QJsonArray items = body.value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 2);
        const QJsonObject gateway = items.at(0).toObject();
        QCOMPARE(gateway.value(QStringLiteral("name")).toString(), QStringLiteral("gateway"));
        QCOMPARE(gateway.value(QStringLiteral("pid")).toInteger(), m_gateway->pid());
        QCOMPARE(gateway.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QVERIFY(gateway.value(QStringLiteral("uptime_s")).toDouble() > 0);
        QCOMPARE(gateway.value(QStringLiteral("restarts_24h")).toInt(-1), 0);
        const QJsonObject sync = items.at(1).toObject();
        QCOMPARE(sync.value(QStringLiteral("name")).toString(), QStringLiteral("sync"));
        QCOMPARE(sync.value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        // The supervisor calls it running once its own probe has seen /health answer.
        QTRY_COMPARE_WITH_TIMEOUT(service(QStringLiteral("sync")).value(QStringLiteral("state")).toString(),
                                  QStringLiteral("running"), 10000);
        QVERIFY(sync.value(QStringLiteral("supervised")).toBool());
        QVERIFY(sync.value(QStringLiteral("pid")).toInteger() > 0);
        QVERIFY(sync.value(QStringLiteral("pid")).toInteger() != m_gateway->pid());
        QVERIFY(!sync.value(QStringLiteral("node")).toString().isEmpty());
        QCOMPARE(sync.value(QStringLiteral("version")).toString(), gateway.value(QStringLiteral("version")).toString());
        QCOMPARE(sync.value(QStringLiteral("restarts_24h")).toInt(-1), 0);

        // A list like any other: a page of one, then the next.
        const HttpResult first = api("GET", QStringLiteral("/api/services?limit=1"));
        QCOMPARE(first.json().value(QStringLiteral("items")).toArray().size(), 1);
        const QString cursor = first.json().value(QStringLiteral("next_cursor")).toString();
        QVERIFY(!cursor.isEmpty());
        const HttpResult second = api("GET", QStringLiteral("/api/services?limit=1&cursor=") + cursor);
        QCOMPARE(second.json().value(QStringLiteral("items")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("sync"));
        QVERIFY(second.json().value(QStringLiteral("next_cursor")).isNull());
        QCOMPARE(api("GET", QStringLiteral("/api/services?node=x")).status, 400);
    }

    void restartOfTfSyncdIsCountedAndListed()
    {
        const qint64 before = service(QStringLiteral("sync")).value(QStringLiteral("pid")).toInteger();
        const HttpResult accepted = api("POST", QStringLiteral("/api/services/sync/restart"));
        QCOMPARE(accepted.status, 202);
        const QString job = QString::number(accepted.json().value(QStringLiteral("id")).toInteger());
        QDeadlineTimer deadline(60000);
        QJsonObject state;
        while (!deadline.hasExpired()) {
            state = api("GET", QStringLiteral("/api/jobs/") + job).json();
            if (state.value(QStringLiteral("status")).toString() == QLatin1String("completed")
                || state.value(QStringLiteral("status")).toString() == QLatin1String("failed"))
                break;
            QThread::msleep(100);
        }
        QCOMPARE(state.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QJsonObject sync;
        QTRY_VERIFY_WITH_TIMEOUT((sync = service(QStringLiteral("sync"))).value(QStringLiteral("status")).toString()
                                         == QLatin1String("running"),
                                 20000);
        QVERIFY(sync.value(QStringLiteral("pid")).toInteger() != before);
        QCOMPARE(sync.value(QStringLiteral("restarts_24h")).toInt(), 1);

        const HttpResult events = api("GET", QStringLiteral("/api/services/events?service=tf-syncd"));
        QCOMPARE(events.status, 200);
        const QJsonArray items = events.json().value(QStringLiteral("items")).toArray();
        QVERIFY(items.size() >= 2);
        QStringList names;
        qint64 previous = std::numeric_limits<qint64>::max();
        for (const QJsonValue &item : items) {
            const QJsonObject event = item.toObject();
            QCOMPARE(event.value(QStringLiteral("service")).toString(), QStringLiteral("tf-syncd"));
            QVERIFY(event.value(QStringLiteral("id")).toInteger() < previous); // newest first
            previous = event.value(QStringLiteral("id")).toInteger();
            names << event.value(QStringLiteral("event")).toString();
        }
        QVERIFY2(names.contains(QStringLiteral("restart_requested")), qPrintable(names.join(u',')));
        QVERIFY2(names.contains(QStringLiteral("started")), qPrintable(names.join(u',')));
    }

    void eventsPageByKeyset()
    {
        const QJsonArray all = api("GET", QStringLiteral("/api/services/events")).json().value(QStringLiteral("items")).toArray();
        QVERIFY(all.size() >= 2);
        QList<qint64> paged;
        QString cursor;
        for (int page = 0; page < 50; ++page) {
            const HttpResult result = api("GET", QStringLiteral("/api/services/events?limit=1")
                                                         + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor));
            QCOMPARE(result.status, 200);
            const QJsonArray items = result.json().value(QStringLiteral("items")).toArray();
            QVERIFY(items.size() <= 1);
            for (const QJsonValue &item : items)
                paged << item.toObject().value(QStringLiteral("id")).toInteger();
            const QJsonValue next = result.json().value(QStringLiteral("next_cursor"));
            if (next.isNull())
                break;
            QVERIFY(result.headers.contains("link"));
            cursor = next.toString();
        }
        QList<qint64> ids;
        for (const QJsonValue &item : all)
            ids << item.toObject().value(QStringLiteral("id")).toInteger();
        QCOMPARE(paged, ids);
        QCOMPARE(api("GET", QStringLiteral("/api/services/events?service=postgres")).status, 400);
        QCOMPARE(api("GET", QStringLiteral("/api/services/events?cursor=!!")).status, 400);
    }

    void viewerReadsBothAndCannotRestart()
    {
        const QString password = QStringLiteral("Pw-viewer-services-correct-horse-9");
        QCOMPARE(api("POST", QStringLiteral("/api/users"),
                     QJsonObject { { QStringLiteral("username"), QStringLiteral("viewer-services") },
                                   { QStringLiteral("password"), password },
                                   { QStringLiteral("role"), QStringLiteral("viewer") },
                                   { QStringLiteral("must_change_password"), false } })
                         .status,
                 201);
        const HttpResult login = http("POST", base() + QStringLiteral("/api/auth/login"),
                                      compact({ { QStringLiteral("username"), QStringLiteral("viewer-services") },
                                                { QStringLiteral("password"), password } }),
                                      { { "Content-Type", "application/json" } });
        QCOMPARE(login.status, 200);
        const QList<QPair<QByteArray, QByteArray>> viewer {
            { "Authorization", "Bearer " + login.json().value(QStringLiteral("token")).toString().toUtf8() } };
        QCOMPARE(http("GET", base() + QStringLiteral("/api/services"), {}, viewer).status, 200);
        QCOMPARE(http("GET", base() + QStringLiteral("/api/services/events"), {}, viewer).status, 200);
        QCOMPARE(http("POST", base() + QStringLiteral("/api/services/sync/restart"), {}, viewer).status, 403);
        QCOMPARE(http("GET", base() + QStringLiteral("/api/services")).status, 401);
    }

    void cleanupTestCase() { m_gateway.reset(); }
};

QTEST_GUILESS_MAIN(TestServicesApi)
#include "tst_services_api.moc"
