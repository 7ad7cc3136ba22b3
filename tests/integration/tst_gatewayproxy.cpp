// The sync API through the gateway: a real tf-gateway supervising a real tf-syncd on an SQLite
// control database. Systems and pairs created under /api, operations started with
// POST /api/sync-operations and followed to the end, cancel and retry, dry-run changes,
// quarantine edit/replay/discard, alerts; the audit entries tf-syncd writes name the actor,
// address, user agent and X-Request-Id; tf-syncd refuses everything but its health probes
// without the service token; a hung tf-syncd is a 504 and a dead one a quick 503.
#include "tst_gatewayproxy_fixture.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTest>
#include <csignal>

using namespace tf;
using namespace tf::test::proxyfixture;

class TestGatewayProxy final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void syncdRefusesCallsWithoutTheServiceToken();
    void systemsAndPairsThroughTheGateway();
    void badStartBodiesAre422NamingTheField_data();
    void badStartBodiesAre422NamingTheField();
    void dryRunThenSyncToCompletion();
    void verifyAndRepairThroughTheGateway();
    void quarantineEditReplayDiscard();
    void cancelAndRetry();
    void alertsListAndAcknowledge();
    void auditEntriesNameTheActorAndRequest();
    void hungSyncdIs504();
    void deadSyncdIs503Quickly();
    void cleanupTestCase();
};

void TestGatewayProxy::initTestCase()
{
    QVERIFY(m_dir.isValid());
    makeSourceAndTarget(kRows, { 7, 8 }); // rows 7 and 8 break the pair's min_value rule

    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    // Transient failures wait a minute before the next attempt, so a failing operation stays
    // queued long enough to be cancelled; a short proxy timeout makes the 504 test quick.
    env.insert(QStringLiteral("TF_SYNC__RETRY_BASE_MS"), QStringLiteral("60000"));
    env.insert(QStringLiteral("TF_SYNC__RETRY_MAX_MS"), QStringLiteral("120000"));
    env.insert(QStringLiteral("TF_GATEWAY__PROXY_TIMEOUT_MS"), QStringLiteral("1500"));
    // This test polls operations; the gateway's rate limits are another test's subject.
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    QVERIFY(startGateway(env));
    qInfo("gateway logins %s; actor in audit entries: %s",
          m_authorization.isEmpty() ? "not available" : "used", qPrintable(m_actor));
}

void TestGatewayProxy::syncdRefusesCallsWithoutTheServiceToken()
{
    for (const char *path : { "/health", "/health/live", "/health/ready" })
        QCOMPARE(test::http("GET", syncBase() + QLatin1String(path)).status, 200);

    const test::HttpResult none = test::http("GET", syncBase() + QStringLiteral("/sync-pairs"));
    QCOMPARE(none.status, 401);
    QCOMPARE(errorCode(none), QStringLiteral("unauthorized"));
    const test::HttpResult wrong
        = test::http("GET", syncBase() + QStringLiteral("/sync-pairs"), {},
                     { { "Authorization", "Bearer " + QByteArray(64, 'x') } });
    QCOMPARE(wrong.status, 401);
    const QByteArray almost
        = test::serviceToken().chopped(1) + (test::serviceToken().endsWith('0') ? "1" : "0");
    QCOMPARE(test::http("GET", syncBase() + QStringLiteral("/sync-pairs"), {},
                        { { "Authorization", "Bearer " + almost } })
                 .status,
             401);
    // Forwarded identity headers count for nothing without the token.
    const test::HttpResult forged
        = test::http("POST", syncBase() + QStringLiteral("/systems"), "{}",
                     { { "X-TF-Actor", "mallory" }, { "X-TF-Actor-Role", "admin" } });
    QCOMPARE(forged.status, 401);
    QCOMPARE(test::http("GET", syncBase() + QStringLiteral("/metrics"), {}, {}).status, 401);

    QCOMPARE(
        test::http("GET", syncBase() + QStringLiteral("/sync-pairs"), {}, test::serviceHeaders())
            .status,
        200);
    // The gateway's proxy (and its metrics proxy) hold the token.
    QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs")).status, 200);
    QCOMPARE(api("GET", QStringLiteral("/api/metrics")).status, 200);
}

void TestGatewayProxy::systemsAndPairsThroughTheGateway()
{
    const qint64 source = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"), "proxy-system-create");
    QVERIFY(source > 0);
    const qint64 target = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("target.db"));
    QVERIFY(target > 0);
    const test::HttpResult dead = api(
        "POST", QStringLiteral("/api/systems"),
        QJsonObject {
            { QStringLiteral("name"), QStringLiteral("nobody home") },
            { QStringLiteral("kind"), QStringLiteral("postgres") },
            { QStringLiteral("settings"),
              QJsonObject {
                  { QStringLiteral("url"),
                    QStringLiteral("postgresql://tf@127.0.0.1:%1/gone").arg(test::freePort()) } } },
            { QStringLiteral("credentials"),
              QJsonObject { { QStringLiteral("password"), m_password } } } },
        "proxy-system-secret");
    QCOMPARE(dead.status, 201);
    m_deadSystem = dead.json().value(QStringLiteral("id")).toInteger();
    QCOMPARE(dead.headers.value("location"),
             QStringLiteral("/api/systems/%1").arg(m_deadSystem).toLatin1());
    QVERIFY(!dead.body.contains(m_password.toUtf8()));

    const test::HttpResult list = api("GET", QStringLiteral("/api/systems"));
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().value(QStringLiteral("items")).toArray().size(), 3);
    const test::HttpResult one = api("GET", QStringLiteral("/api/systems/%1").arg(m_deadSystem));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json().value(QStringLiteral("has_credentials")).toBool(), true);
    QVERIFY(!one.body.contains(m_password.toUtf8()));

    QJsonObject renamed = one.json();
    for (const char *key : { "id", "has_credentials", "created_at", "updated_at" })
        renamed.remove(QLatin1String(key));
    renamed.insert(QStringLiteral("description"), QStringLiteral("closed port"));
    renamed.insert(
        QStringLiteral("credentials"),
        QJsonObject { { QStringLiteral("password"), QString(m_password + QStringLiteral("-2")) } });
    const test::HttpResult updated = api("PUT", QStringLiteral("/api/systems/%1").arg(m_deadSystem),
                                         renamed, "proxy-system-update");
    QVERIFY2(updated.status == 200, updated.body.constData());
    QCOMPARE(updated.json().value(QStringLiteral("description")).toString(),
             QStringLiteral("closed port"));

    const test::HttpResult pair
        = api("POST", QStringLiteral("/api/sync-pairs"),
              pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")),
              "proxy-pair-create");
    QVERIFY2(pair.status == 201, pair.body.constData());
    m_pair = pair.json().value(QStringLiteral("id")).toInteger();
    QCOMPARE(pair.headers.value("location"),
             QStringLiteral("/api/sync-pairs/%1").arg(m_pair).toLatin1());
    m_brokenPair = create(
        QStringLiteral("/api/sync-pairs"),
        pairBody(QStringLiteral("broken"), source, target, QStringLiteral("no_such_table")));
    QVERIFY(m_brokenPair > 0);
    m_deadPair = create(
        QStringLiteral("/api/sync-pairs"),
        pairBody(QStringLiteral("dead target"), source, m_deadSystem, QStringLiteral("parcel")));
    QVERIFY(m_deadPair > 0);

    QCOMPARE(
        api("GET", QStringLiteral("/api/sync-pairs")).json().value(QStringLiteral("items")).toArray().size(),
        3);
    const test::HttpResult disabled
        = api("POST", QStringLiteral("/api/sync-pairs/%1/disable").arg(m_pair), QByteArray(),
              "proxy-pair-disable");
    QCOMPARE(disabled.status, 200);
    QCOMPARE(disabled.json().value(QStringLiteral("enabled")).toBool(), false);
    const test::HttpResult enabled
        = api("POST", QStringLiteral("/api/sync-pairs/%1/enable").arg(m_pair), QByteArray(),
              "proxy-pair-enable");
    QCOMPARE(enabled.json().value(QStringLiteral("enabled")).toBool(), true);
    const test::HttpResult detail = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pair));
    QCOMPARE(detail.status, 200);
    QCOMPARE(detail.json().value(QStringLiteral("name")).toString(), QStringLiteral("parcels"));

    // tf-syncd's errors pass through as they are; ids are checked at the gateway.
    const test::HttpResult duplicate
        = api("POST", QStringLiteral("/api/sync-pairs"),
              pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")));
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(errorCode(duplicate), QStringLiteral("name_taken"));
    const test::HttpResult invalid
        = api("POST", QStringLiteral("/api/sync-pairs"),
              QJsonObject { { QStringLiteral("name"), QStringLiteral("x") } });
    QCOMPARE(invalid.status, 422);
    QVERIFY(errorFields(invalid).contains(QStringLiteral("source_system_id")));
    QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs/999999")).status, 404);
    const test::HttpResult notAnId = api("GET", QStringLiteral("/api/systems/abc"));
    QCOMPARE(notAnId.status, 400); // a malformed id is the caller's mistake
    QCOMPARE(errorCode(notAnId), QStringLiteral("invalid_id"));
    QCOMPARE(api("GET", QStringLiteral("/api/systems/%1/entities").arg(source))
                 .json()
                 .value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             1);
}

void TestGatewayProxy::badStartBodiesAre422NamingTheField_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("field");
    QTest::newRow("no body") << QByteArray() << 422 << "pair_id";
    QTest::newRow("no pair_id") << QByteArray(R"({"dry_run": true})") << 422 << "pair_id";
    QTest::newRow("pair_id text") << QByteArray(R"({"pair_id": "1"})") << 422 << "pair_id";
    QTest::newRow("pair_id zero") << QByteArray(R"({"pair_id": 0})") << 422 << "pair_id";
    QTest::newRow("pair_id fraction") << QByteArray(R"({"pair_id": 1.5})") << 422 << "pair_id";
    QTest::newRow("unknown mode") << QByteArray(R"({"pair_id": 1, "mode": "turbo"})") << 422
                                  << "mode";
    QTest::newRow("dry_run text") << QByteArray(R"({"pair_id": 1, "dry_run": "yes"})") << 422
                                  << "dry_run";
    QTest::newRow("full_resync number")
        << QByteArray(R"({"pair_id": 1, "full_resync": 1})") << 422 << "full_resync";
    QTest::newRow("unknown key") << QByteArray(R"({"pair_id": 1, "priority": 9})") << 422
                                 << "priority";
    QTest::newRow("malformed json") << QByteArray(R"({"pair_id": )") << 400 << "";
    QTest::newRow("not an object") << QByteArray("[1]") << 400 << "";
    QTest::newRow("unknown pair") << QByteArray(R"({"pair_id": 999999})") << 404 << "";
}

void TestGatewayProxy::badStartBodiesAre422NamingTheField()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, field);
    const int before = api("GET", QStringLiteral("/api/sync-operations?limit=500"))
                           .json()
                           .value(QStringLiteral("items"))
                           .toArray()
                           .size();
    const test::HttpResult result = api("POST", QStringLiteral("/api/sync-operations"), body);
    QVERIFY2(result.status == status, result.body.constData());
    QVERIFY2(!errorCode(result).isEmpty(), result.body.constData());
    if (!field.isEmpty())
        QVERIFY2(errorFields(result).contains(field), result.body.constData());
    QCOMPARE(api("GET", QStringLiteral("/api/sync-operations?limit=500"))
                 .json()
                 .value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             before);
}

void TestGatewayProxy::dryRunThenSyncToCompletion()
{
    const qint64 dry = startOperation(
        { { QStringLiteral("pair_id"), m_pair }, { QStringLiteral("dry_run"), true } },
        "proxy-start-dry");
    QVERIFY(dry > 0);
    const QJsonObject dryDone = waitForOperation(dry, finished);
    QVERIFY2(
        dryDone.value(QStringLiteral("status")).toString().startsWith(QLatin1String("completed")),
        compact(dryDone).constData());
    QCOMPARE(dryDone.value(QStringLiteral("dry_run")).toBool(), true);
    const test::HttpResult changes
        = api("GET", QStringLiteral("/api/sync-operations/%1/changes").arg(dry));
    QCOMPARE(changes.status, 200);
    QVERIFY2(!changes.json().value(QStringLiteral("items")).toArray().isEmpty(),
             changes.body.constData());
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 0);

    m_completed = startOperation({ { QStringLiteral("pair_id"), m_pair },
                                   { QStringLiteral("mode"), QStringLiteral("hash") } },
                                 "proxy-start");
    QVERIFY(m_completed > 0);
    const QJsonObject done = waitForOperation(m_completed, finished);
    QVERIFY2(done.value(QStringLiteral("status")).toString().startsWith(QLatin1String("completed")),
             compact(done).constData());
    QVERIFY(done.value(QStringLiteral("log")).isArray());
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")),
             kRows - 2);
    // A real run has no change set: tf-syncd's 409 passes through.
    QCOMPARE(api("GET", QStringLiteral("/api/sync-operations/%1/changes").arg(m_completed)).status,
             409);

    const test::HttpResult list
        = api("GET", QStringLiteral("/api/sync-operations?pair_id=%1&limit=1").arg(m_pair));
    QCOMPARE(list.status, 200);
    const QJsonArray items = list.json().value(QStringLiteral("items")).toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items.first().toObject().value(QStringLiteral("id")).toInteger(),
             m_completed); // newest first
    // The dry run is on page 2: the opaque cursor and the Link (a query-only reference, so
    // it resolves against /api/...) pass through the gateway unchanged.
    const QString cursor = list.json().value(QStringLiteral("next_cursor")).toString();
    QVERIFY(!cursor.isEmpty());
    QCOMPARE(list.headers.value("link"),
             QStringLiteral("<?pair_id=%1&limit=1&cursor=%2>; rel=\"next\"").arg(m_pair).arg(cursor).toLatin1());
    const test::HttpResult page2
        = api("GET", QStringLiteral("/api/sync-operations?pair_id=%1&limit=1&cursor=%2").arg(m_pair).arg(cursor));
    QCOMPARE(page2.status, 200);
    QCOMPARE(page2.json().value(QStringLiteral("items")).toArray().size(), 1);
    QVERIFY(page2.json().value(QStringLiteral("items")).toArray().first().toObject().value(QStringLiteral("id")).toInteger()
            < m_completed);
    QCOMPARE(api("GET", QStringLiteral("/api/sync-operations?pair=%1").arg(m_pair)).status, 400); // pair_id, not pair
    QCOMPARE(api("GET", QStringLiteral("/api/sync-operations?status=bogus")).status, 400);
}

void TestGatewayProxy::verifyAndRepairThroughTheGateway()
{
    // A row changed in the target behind the engine's back.
    makeSqlite(m_dir.filePath(QStringLiteral("target.db")),
               { QStringLiteral("UPDATE parcel_copy SET name = 'changed by hand' WHERE source_id = 3") });
    const auto verifyAs = [&](const QByteArray &authorization, const QJsonObject &body) {
        QList<QPair<QByteArray, QByteArray>> headers = test::authorizationHeaders(authorization);
        return test::http("POST", base() + QStringLiteral("/api/sync-pairs/%1/verify").arg(m_pair),
                          compact(body), headers, 15000);
    };
    QByteArray viewer = m_authorization;
    if (!m_authorization.isEmpty()) {
        const test::HttpResult token = api("POST", QStringLiteral("/api/tokens"),
                                           QJsonObject { { QStringLiteral("name"), QStringLiteral("verify-viewer") },
                                                         { QStringLiteral("role"), QStringLiteral("viewer") } });
        QCOMPARE(token.status, 201);
        viewer = "Bearer " + token.json().value(QStringLiteral("token")).toString().toLatin1();
        // A viewer may verify, but repairing writes to the target: 403 naming the permission.
        const test::HttpResult refused = verifyAs(viewer, { { QStringLiteral("repair"), true } });
        QCOMPARE(refused.status, 403);
        QVERIFY2(refused.body.contains("sync:run"), refused.body.constData());
    }
    QCOMPARE(verifyAs(viewer, { { QStringLiteral("repair"), QStringLiteral("yes") } }).status, 422);

    const test::HttpResult started = verifyAs(viewer, {});
    QCOMPARE(started.status, 202);
    QVERIFY2(started.headers.value("location").startsWith("/api/sync-operations/"), started.body.constData());
    const qint64 id = started.json().value(QStringLiteral("id")).toInteger();
    const QJsonObject done = waitForOperation(id, finished);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    const QJsonObject report = done.value(QStringLiteral("statistics")).toObject().value(QStringLiteral("verify")).toObject();
    QCOMPARE(report.value(QStringLiteral("differences")).toInteger(), 1);
    QCOMPARE(report.value(QStringLiteral("invalid")).toInteger(), 2); // rows 7 and 8, quarantined by runs
    const QJsonObject entity = report.value(QStringLiteral("entities")).toArray().at(0).toObject();
    QCOMPARE(entity.value(QStringLiteral("different_keys")).toArray().at(0).toObject().value(QStringLiteral("key")).toString(),
             QStringLiteral("3"));

    const test::HttpResult repair = api("POST", QStringLiteral("/api/sync-pairs/%1/verify").arg(m_pair),
                                        QJsonObject { { QStringLiteral("repair"), true } });
    QCOMPARE(repair.status, 202);
    const QJsonObject repaired = waitForOperation(repair.json().value(QStringLiteral("id")).toInteger(), finished);
    const QJsonObject after = repaired.value(QStringLiteral("statistics")).toObject().value(QStringLiteral("verify")).toObject();
    QCOMPARE(after.value(QStringLiteral("repaired")).toBool(), true);
    QCOMPARE(after.value(QStringLiteral("differences_after_repair")).toInteger(), 0);
}

void TestGatewayProxy::quarantineEditReplayDiscard()
{
    QVERIFY(m_completed > 0);
    const test::HttpResult list
        = api("GET", QStringLiteral("/api/sync-pairs/%1/quarantine?status=open").arg(m_pair));
    QCOMPARE(list.status, 200);
    const QJsonArray entries = list.json().value(QStringLiteral("items")).toArray();
    QCOMPARE(entries.size(), 2);
    const qint64 first = entries.at(0).toObject().value(QStringLiteral("id")).toInteger();
    const qint64 second = entries.at(1).toObject().value(QStringLiteral("id")).toInteger();
    QCOMPARE(api("GET", QStringLiteral("/api/quarantine/%1").arg(first)).status, 200);

    QJsonObject row = entries.at(0).toObject().value(QStringLiteral("transformed_row")).toObject();
    row.insert(QStringLiteral("value"), 5);
    const test::HttpResult bad = api(
        "PUT", QStringLiteral("/api/quarantine/%1").arg(first),
        QJsonObject { { QStringLiteral("row"), QJsonObject { { QStringLiteral("bogus"), 1 } } } });
    QCOMPARE(bad.status, 422);
    const test::HttpResult edited
        = api("PUT", QStringLiteral("/api/quarantine/%1").arg(first),
              QJsonObject { { QStringLiteral("row"), row } }, "proxy-quarantine-edit");
    QVERIFY2(edited.status == 200, edited.body.constData());
    const test::HttpResult replayed
        = api("POST", QStringLiteral("/api/quarantine/%1/replay").arg(first), QByteArray(),
              "proxy-quarantine-replay");
    QVERIFY2(replayed.status == 200, replayed.body.constData());
    QCOMPARE(replayed.json().value(QStringLiteral("replayed")).toInt(), 1);
    QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")),
             kRows - 1);

    const test::HttpResult discarded
        = api("POST", QStringLiteral("/api/quarantine/%1/discard").arg(second), QByteArray(),
              "proxy-quarantine-discard");
    QCOMPARE(discarded.status, 200);
    QCOMPARE(discarded.json().value(QStringLiteral("status")).toString(),
             QStringLiteral("discarded"));
    QCOMPARE(api("POST", QStringLiteral("/api/quarantine/%1/discard").arg(first)).status,
             409); // replayed already
    const test::HttpResult pairReplay
        = api("POST", QStringLiteral("/api/sync-pairs/%1/quarantine/replay").arg(m_pair));
    QCOMPARE(pairReplay.status, 200);
    QCOMPARE(pairReplay.json().value(QStringLiteral("replayed")).toInt(),
             0); // nothing open any more
}

void TestGatewayProxy::cancelAndRetry()
{
    QVERIFY(m_completed > 0);
    // A finished operation can be neither cancelled nor retried: tf-syncd's 409s pass through.
    const test::HttpResult cancelDone = api("POST", QStringLiteral("/api/sync-operations/%1/cancel").arg(m_completed));
    QCOMPARE(cancelDone.status, 409);
    QCOMPARE(errorCode(cancelDone), QStringLiteral("operation_finished"));
    const test::HttpResult retryDone = api("POST", QStringLiteral("/api/sync-operations/%1/retry").arg(m_completed));
    QCOMPARE(retryDone.status, 409);
    QCOMPARE(errorCode(retryDone), QStringLiteral("operation_finished"));

    // The target cannot be reached: the first attempt fails (transient) and the operation
    // waits in the queue for its next attempt, where a cancel takes it out at once.
    const qint64 waiting = startOperation({ { QStringLiteral("pair_id"), m_deadPair } });
    QVERIFY(waiting > 0);
    const QJsonObject queued = waitForOperation(waiting, [](const QJsonObject &op) {
        return op.value(QStringLiteral("status")).toString() == QLatin1String("queued")
            && op.value(QStringLiteral("attempt")).toInt() >= 1;
    });
    QVERIFY2(queued.value(QStringLiteral("status")).toString() == QLatin1String("queued"),
             compact(queued).constData());
    const test::HttpResult cancelled
        = api("POST", QStringLiteral("/api/sync-operations/%1/cancel").arg(waiting), QByteArray(),
              "proxy-cancel");
    QVERIFY2(cancelled.status == 200, cancelled.body.constData());
    QCOMPARE(cancelled.json().value(QStringLiteral("status")).toString(),
             QStringLiteral("cancelled"));

    // The broken pair fails for good; a retry queues a new operation from it.
    const qint64 failing = startOperation({ { QStringLiteral("pair_id"), m_brokenPair } });
    QVERIFY(failing > 0);
    const QJsonObject failed = waitForOperation(failing, finished);
    QCOMPARE(failed.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    const test::HttpResult retried
        = api("POST", QStringLiteral("/api/sync-operations/%1/retry").arg(failing), QByteArray(),
              "proxy-retry");
    QVERIFY2(retried.status == 202, retried.body.constData());
    const qint64 retry = retried.json().value(QStringLiteral("id")).toInteger();
    QVERIFY(retry > failing);
    QCOMPARE(retried.json().value(QStringLiteral("retry_of")).toInteger(), failing);
    QCOMPARE(retried.headers.value("location"),
             QStringLiteral("/api/sync-operations/%1").arg(retry).toLatin1());
    QCOMPARE(waitForOperation(retry, finished).value(QStringLiteral("status")).toString(),
             QStringLiteral("failed"));
}

void TestGatewayProxy::alertsListAndAcknowledge()
{
    // The broken pair's permanent failures raised a sync_failed alert.
    QJsonObject alert;
    QDeadlineTimer deadline(10000);
    while (alert.isEmpty() && !deadline.hasExpired()) {
        const test::HttpResult alerts = api("GET", QStringLiteral("/api/alerts?status=open"));
        QCOMPARE(alerts.status, 200);
        for (const QJsonValue &item : alerts.json().value(QStringLiteral("items")).toArray()) {
            if (item.toObject().value(QStringLiteral("rule")).toString()
                == QLatin1String("sync_failed"))
                alert = item.toObject();
        }
        if (alert.isEmpty())
            QThread::msleep(100);
    }
    QVERIFY2(!alert.isEmpty(), "no sync_failed alert");
    const qint64 id = alert.value(QStringLiteral("id")).toInteger();
    const test::HttpResult acknowledged
        = api("POST", QStringLiteral("/api/alerts/%1/acknowledge").arg(id),
              R"({"by": "someone else"})", "proxy-alert-ack");
    QVERIFY2(acknowledged.status == 200, acknowledged.body.constData());
    QCOMPARE(acknowledged.json().value(QStringLiteral("status")).toString(),
             QStringLiteral("acknowledged"));
    // Through a gateway with logins, the person acknowledging is who is named.
    QCOMPARE(acknowledged.json().value(QStringLiteral("acknowledged_by")).toString(),
             m_authorization.isEmpty() ? QStringLiteral("someone else") : m_actor);
    QCOMPARE(api("POST", QStringLiteral("/api/alerts/999999/acknowledge")).status, 404);
    QCOMPARE(api("GET", QStringLiteral("/api/alerts?status=bogus")).status, 400);
}

void TestGatewayProxy::auditEntriesNameTheActorAndRequest()
{
    const struct
    {
        const char *event;
        const char *requestId;
    } expected[] = {
        { "system.created", "proxy-system-create" },
        { "system.created", "proxy-system-secret" },
        { "system.updated", "proxy-system-update" },
        { "sync_pair.created", "proxy-pair-create" },
        { "sync_pair.disabled", "proxy-pair-disable" },
        { "sync_pair.enabled", "proxy-pair-enable" },
        { "sync_operation.started", "proxy-start-dry" },
        { "sync_operation.started", "proxy-start" },
        { "quarantine.edited", "proxy-quarantine-edit" },
        { "quarantine.replayed", "proxy-quarantine-replay" },
        { "quarantine.discarded", "proxy-quarantine-discard" },
        { "sync_operation.cancelled", "proxy-cancel" },
        { "sync_operation.retried", "proxy-retry" },
        { "alert.acknowledged", "proxy-alert-ack" },
    };
    for (const auto &want : expected) {
        const QVariantMap entry = auditedRequest(QLatin1String(want.event), want.requestId);
        QVERIFY2(!entry.isEmpty(), want.requestId);
        QCOMPARE(entry.value(QStringLiteral("username")).toString(), m_actor);
        QCOMPARE(entry.value(QStringLiteral("ip_address")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(entry.value(QStringLiteral("user_agent")).toString(),
                 QString::fromLatin1(kUserAgent));
    }
    // Before and after of a change; the operation id of operation events.
    const QVariantMap update
        = auditedRequest(QStringLiteral("system.updated"), "proxy-system-update");
    QVERIFY(update.value(QStringLiteral("previous_state"))
                .toString()
                .contains(QLatin1String("\"nobody home\"")));
    QVERIFY(update.value(QStringLiteral("new_state"))
                .toString()
                .contains(QLatin1String("closed port")));
    QVERIFY(update.value(QStringLiteral("description"))
                .toString()
                .contains(QLatin1String("credentials replaced")));
    const QVariantMap started
        = auditedRequest(QStringLiteral("sync_operation.started"), "proxy-start");
    QCOMPARE(started.value(QStringLiteral("operation_id")).toLongLong(), m_completed);
    const QVariantMap edit
        = auditedRequest(QStringLiteral("quarantine.edited"), "proxy-quarantine-edit");
    QVERIFY(edit.value(QStringLiteral("previous_state"))
                .toString()
                .contains(QLatin1String("transformed_row")));

    // No credential ever reaches the trail.
    for (const QVariantMap &entry : auditEntries(QStringLiteral("1 = 1"), {})) {
        for (auto it = entry.cbegin(); it != entry.cend(); ++it)
            QVERIFY2(!it.value().toString().contains(m_password), qPrintable(it.key()));
    }

    // What a client sends under the forwarded names is not passed on.
    QJsonObject system = api("GET", QStringLiteral("/api/systems/%1").arg(m_deadSystem)).json();
    for (const char *key : { "id", "has_credentials", "created_at", "updated_at" })
        system.remove(QLatin1String(key));
    const test::HttpResult forged = api(
        "PUT", QStringLiteral("/api/systems/%1").arg(m_deadSystem), compact(system), "proxy-forged",
        { { "X-TF-Actor", "mallory" }, { "X-TF-Client-Address", "10.6.6.6" } });
    QCOMPARE(forged.status, 200);
    const QVariantMap entry = auditedRequest(QStringLiteral("system.updated"), "proxy-forged");
    QCOMPARE(entry.value(QStringLiteral("username")).toString(), m_actor);
    QCOMPARE(entry.value(QStringLiteral("ip_address")).toString(), QStringLiteral("127.0.0.1"));
}

void TestGatewayProxy::hungSyncdIs504()
{
    const qint64 pid = api("GET", QStringLiteral("/api/status"))
                           .json()
                           .value(QStringLiteral("components"))
                           .toObject()
                           .value(QStringLiteral("syncd"))
                           .toObject()
                           .value(QStringLiteral("pid"))
                           .toInteger();
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    // A route the gateway's read cache never answers (tst_gatewaycache covers those).
    const test::HttpResult hung = api("GET", QStringLiteral("/api/sync-operations?limit=5"));
    ::kill(static_cast<pid_t>(pid), SIGCONT);
    QCOMPARE(hung.status, 504);
    QCOMPARE(errorCode(hung), QStringLiteral("timeout"));
    QVERIFY2(hung.elapsedMs < 5000, qPrintable(QString::number(hung.elapsedMs)));
    QTRY_COMPARE_WITH_TIMEOUT(api("GET", QStringLiteral("/api/sync-operations?limit=5")).status, 200, 10000);
}

void TestGatewayProxy::deadSyncdIs503Quickly()
{
    const qint64 pid = api("GET", QStringLiteral("/api/status"))
                           .json()
                           .value(QStringLiteral("components"))
                           .toObject()
                           .value(QStringLiteral("syncd"))
                           .toObject()
                           .value(QStringLiteral("pid"))
                           .toInteger();
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
    const test::HttpResult dead = api("GET", QStringLiteral("/api/sync-operations?limit=5"));
    QVERIFY2(dead.status == 503, dead.body.constData());
    QCOMPARE(errorCode(dead), QStringLiteral("service_unavailable"));
    QCOMPARE(dead.json()
                 .value(QStringLiteral("upstream"))
                 .toString(),
             QStringLiteral("tf-syncd"));
    QVERIFY2(dead.elapsedMs < 1000, qPrintable(QString::number(dead.elapsedMs)));
    QVERIFY(!dead.headers.value("x-request-id").isEmpty());
}

void TestGatewayProxy::cleanupTestCase()
{
    if (m_gateway) {
        m_gateway->terminate();
        QVERIFY(m_gateway->waitFinished(15000));
    }
}

QTEST_GUILESS_MAIN(TestGatewayProxy)
#include "tst_gatewayproxy.moc"
