// Writes through the gateway under docs/api-conventions.md: systems and sync pairs answer
// with an ETag, a stale If-Match is 412 and changes nothing, PATCH merges (RFC 7396), and
// POST /api/sync-operations honours Idempotency-Key (replay, another body, racing starts).
// A real tf-gateway supervising a real tf-syncd on an SQLite control database.
#include "tst_gatewayproxy_fixture.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTest>

using namespace tf;
using namespace tf::test::proxyfixture;

class TestGatewayProxyWrites final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void systemEtagsAndPreconditions();
    void pairEtagsPreconditionsAndMergePatch();
    void idempotentStarts();
    void idempotentStartsRacing();
    void cleanupTestCase();
};

void TestGatewayProxyWrites::initTestCase()
{
    QVERIFY(m_dir.isValid());
    makeSourceAndTarget(kRows, {});
    QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
    env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
    QVERIFY(startGateway(env));
    const qint64 source = createSqliteSystem(QStringLiteral("parcels source"), QStringLiteral("source.db"));
    const qint64 target = createSqliteSystem(QStringLiteral("parcels target"), QStringLiteral("target.db"));
    QVERIFY(source > 0 && target > 0);
    m_pair = create(QStringLiteral("/api/sync-pairs"), pairBody(QStringLiteral("parcels"), source, target, QStringLiteral("parcel")));
    QVERIFY(m_pair > 0);
}

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

Headers ifMatch(const QByteArray &etag, bool mergePatch = false)
{
    Headers headers { { QByteArrayLiteral("If-Match"), etag } };
    if (mergePatch)
        headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/merge-patch+json") });
    return headers;
}

} // namespace

void TestGatewayProxyWrites::systemEtagsAndPreconditions()
{
    const QString path = m_dir.filePath(QStringLiteral("etag.db"));
    const QJsonObject body { { QStringLiteral("name"), QStringLiteral("etag system") },
                             { QStringLiteral("kind"), QStringLiteral("sqlite") },
                             { QStringLiteral("description"), QStringLiteral("first") },
                             { QStringLiteral("settings"), QJsonObject { { QStringLiteral("path"), path } } } };
    const test::HttpResult created = api("POST", QStringLiteral("/api/systems"), body);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.headers.value("etag"), QByteArray("\"1\""));
    const qint64 id = created.json().value(QStringLiteral("id")).toInteger();
    const QString url = QStringLiteral("/api/systems/%1").arg(id);
    QCOMPARE(api("GET", url).headers.value("etag"), QByteArray("\"1\""));

    // A stale If-Match: 412 naming the current ETag, and nothing changed (PUT, PATCH, DELETE).
    QJsonObject renamed = body;
    renamed.insert(QStringLiteral("name"), QStringLiteral("etag system renamed"));
    const test::HttpResult stalePut = api("PUT", url, compact(renamed), {}, ifMatch("\"7\""));
    QCOMPARE(stalePut.status, 412);
    QCOMPARE(errorCode(stalePut), QStringLiteral("precondition_failed"));
    QCOMPARE(stalePut.json().value(QStringLiteral("current_etag")).toString(), QStringLiteral("\"1\""));
    const test::HttpResult stalePatch
        = api("PATCH", url, compact({ { QStringLiteral("description"), QStringLiteral("lost") } }), {},
              ifMatch("\"0\"", true));
    QCOMPARE(stalePatch.status, 412);
    QCOMPARE(api("DELETE", url, QByteArray(), {}, ifMatch("\"2\"")).status, 412);
    const test::HttpResult unchanged = api("GET", url);
    QCOMPARE(unchanged.status, 200);
    QCOMPARE(unchanged.headers.value("etag"), QByteArray("\"1\""));
    QCOMPARE(unchanged.json().value(QStringLiteral("name")).toString(), QStringLiteral("etag system"));
    QCOMPARE(unchanged.json().value(QStringLiteral("description")).toString(), QStringLiteral("first"));

    // The matching If-Match: 200 with the new ETag.
    const test::HttpResult put = api("PUT", url, compact(renamed), {}, ifMatch("\"1\""));
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(put.headers.value("etag"), QByteArray("\"2\""));
    QCOMPARE(put.json().value(QStringLiteral("name")).toString(), QStringLiteral("etag system renamed"));

    // PUT replaces the whole resource: a field left out is reset (description) or refused
    // (name, kind), and every problem is listed at once.
    QJsonObject withoutDescription = renamed;
    withoutDescription.remove(QStringLiteral("description"));
    const test::HttpResult reset = api("PUT", url, compact(withoutDescription));
    QCOMPARE(reset.status, 200);
    QCOMPARE(reset.json().value(QStringLiteral("description")).toString(), QString());
    QCOMPARE(reset.headers.value("etag"), QByteArray("\"3\""));
    const test::HttpResult missing = api("PUT", url, compact({ { QStringLiteral("settings"), QJsonObject {} } }));
    QCOMPARE(missing.status, 422);
    QVERIFY2(errorFields(missing).contains(QStringLiteral("name")) && errorFields(missing).contains(QStringLiteral("kind")),
             missing.body.constData());
    for (const QJsonValue &problem : missing.json().value(QStringLiteral("errors")).toArray())
        QVERIFY(!problem.toObject().value(QStringLiteral("code")).toString().isEmpty());
    QCOMPARE(api("GET", url).headers.value("etag"), QByteArray("\"3\"")); // a refused PUT changes nothing

    // PATCH: a merge patch; null resets a field, objects merge.
    const test::HttpResult patched = api(
        "PATCH", url,
        compact({ { QStringLiteral("description"), QStringLiteral("patched") },
                  { QStringLiteral("settings"), QJsonObject { { QStringLiteral("delimiter"), QJsonValue() } } } }),
        {}, ifMatch("\"3\"", true));
    QVERIFY2(patched.status == 200, patched.body.constData());
    QCOMPARE(patched.headers.value("etag"), QByteArray("\"4\""));
    QCOMPARE(patched.json().value(QStringLiteral("description")).toString(), QStringLiteral("patched"));
    QCOMPARE(patched.json()[QStringLiteral("settings")][QStringLiteral("path")].toString(), path); // kept
    QCOMPARE(patched.json().value(QStringLiteral("name")).toString(), QStringLiteral("etag system renamed"));
    const test::HttpResult cleared
        = api("PATCH", url, compact({ { QStringLiteral("description"), QJsonValue() } }), {}, ifMatch("\"4\"", true));
    QCOMPARE(cleared.status, 200);
    QCOMPARE(cleared.json().value(QStringLiteral("description")).toString(), QString());
    const test::HttpResult badPatch = api("PATCH", url, compact({ { QStringLiteral("name"), QJsonValue() } }));
    QCOMPARE(badPatch.status, 422); // null resets name to nothing: it is required
    QVERIFY(errorFields(badPatch).contains(QStringLiteral("name")));

    // DELETE with the current ETag.
    const QByteArray current = api("GET", url).headers.value("etag");
    QCOMPARE(current, QByteArray("\"5\""));
    QCOMPARE(api("DELETE", url, QByteArray(), {}, ifMatch(current)).status, 200);
    QCOMPARE(api("GET", url).status, 404);
}

void TestGatewayProxyWrites::pairEtagsPreconditionsAndMergePatch()
{
    QVERIFY(m_pair > 0);
    const QJsonObject main = api("GET", QStringLiteral("/api/sync-pairs/%1").arg(m_pair)).json();
    const qint64 source = main.value(QStringLiteral("source_system_id")).toInteger();
    const qint64 target = main.value(QStringLiteral("target_system_id")).toInteger();
    // The resource's names are the definition's: the answer's definition can be sent back.
    QCOMPARE(main[QStringLiteral("definition")][QStringLiteral("source_system_id")].toInteger(), source);

    const test::HttpResult created = api("POST", QStringLiteral("/api/sync-pairs"),
                                         pairBody(QStringLiteral("etag pair"), source, target, QStringLiteral("parcel")));
    QCOMPARE(created.status, 201);
    QCOMPARE(created.headers.value("etag"), QByteArray("\"1\""));
    const qint64 id = created.json().value(QStringLiteral("id")).toInteger();
    const QString url = QStringLiteral("/api/sync-pairs/%1").arg(id);

    // Stale If-Match on PUT, PATCH and DELETE: 412 and nothing changed.
    QJsonObject replaced = pairBody(QStringLiteral("etag pair"), source, target, QStringLiteral("parcel"));
    replaced.insert(QStringLiteral("description"), QStringLiteral("replaced"));
    QCOMPARE(api("PUT", url, compact(replaced), {}, ifMatch("\"9\"")).status, 412);
    QCOMPARE(api("PATCH", url, compact({ { QStringLiteral("description"), QStringLiteral("x") } }), {},
                 ifMatch("\"9\"", true)).status,
             412);
    QCOMPARE(api("DELETE", url, QByteArray(), {}, ifMatch("\"9\"")).status, 412);
    const test::HttpResult unchanged = api("GET", url);
    QCOMPARE(unchanged.headers.value("etag"), QByteArray("\"1\""));
    QCOMPARE(unchanged.json().value(QStringLiteral("description")).toString(), QString());

    const test::HttpResult put = api("PUT", url, compact(replaced), {}, ifMatch("\"1\""));
    QVERIFY2(put.status == 200, put.body.constData());
    QCOMPARE(put.headers.value("etag"), QByteArray("\"2\""));
    QCOMPARE(put.json().value(QStringLiteral("description")).toString(), QStringLiteral("replaced"));

    // PUT without a required field: 422 listing it, nothing changed.
    QJsonObject noEntities = replaced;
    noEntities.remove(QStringLiteral("entities"));
    noEntities.remove(QStringLiteral("name"));
    const test::HttpResult refused = api("PUT", url, compact(noEntities));
    QCOMPARE(refused.status, 422);
    QVERIFY2(errorFields(refused).contains(QStringLiteral("entities")) && errorFields(refused).contains(QStringLiteral("name")),
             refused.body.constData());
    QCOMPARE(api("GET", url).headers.value("etag"), QByteArray("\"2\""));

    // PATCH: nested objects merge, null resets.
    const test::HttpResult scheduled = api(
        "PATCH", url,
        compact({ { QStringLiteral("schedule"), QStringLiteral("0 2 * * *") },
                  { QStringLiteral("delete_policy"),
                    QJsonObject { { QStringLiteral("action"), QStringLiteral("soft_delete") },
                                  { QStringLiteral("column"), QStringLiteral("is_deleted") } } } }),
        {}, ifMatch("\"2\"", true));
    QVERIFY2(scheduled.status == 200, scheduled.body.constData());
    QCOMPARE(scheduled.headers.value("etag"), QByteArray("\"3\""));
    QCOMPARE(scheduled.json().value(QStringLiteral("schedule")).toString(), QStringLiteral("0 2 * * *"));
    const test::HttpResult merged = api(
        "PATCH", url,
        compact({ { QStringLiteral("schedule"), QJsonValue() },
                  { QStringLiteral("delete_policy"), QJsonObject { { QStringLiteral("column"), QStringLiteral("gone") } } } }),
        {}, ifMatch("\"3\"", true));
    QVERIFY2(merged.status == 200, merged.body.constData());
    QVERIFY(merged.json().value(QStringLiteral("schedule")).isNull());
    const QJsonObject policy = merged.json()[QStringLiteral("definition")][QStringLiteral("delete_policy")].toObject();
    QCOMPARE(policy.value(QStringLiteral("action")).toString(), QStringLiteral("soft_delete")); // kept
    QCOMPARE(policy.value(QStringLiteral("column")).toString(), QStringLiteral("gone"));
    QCOMPARE(merged.json().value(QStringLiteral("description")).toString(), QStringLiteral("replaced"));
    const test::HttpResult invalid = api("PATCH", url, compact({ { QStringLiteral("batch_size"), 0 } }));
    QCOMPARE(invalid.status, 422);
    QVERIFY(errorFields(invalid).contains(QStringLiteral("batch_size")));

    // Enabling and disabling change the definition, and so the version.
    QCOMPARE(api("POST", url + QStringLiteral("/disable")).headers.value("etag"), QByteArray("\"5\""));
    const QByteArray current = api("GET", url).headers.value("etag");
    QCOMPARE(api("DELETE", url, QByteArray(), {}, ifMatch(current)).status, 200);
    QCOMPARE(api("GET", url).status, 404);
}

void TestGatewayProxyWrites::idempotentStarts()
{
    QVERIFY(m_pair > 0);
    const QJsonObject body { { QStringLiteral("pair_id"), m_pair }, { QStringLiteral("dry_run"), true } };
    const Headers key { { QByteArrayLiteral("Idempotency-Key"), QByteArrayLiteral("start-1") } };
    const test::HttpResult first = api("POST", QStringLiteral("/api/sync-operations"), compact(body), {}, key);
    QVERIFY2(first.status == 202, first.body.constData());
    QVERIFY(!first.headers.contains("idempotent-replayed"));
    const qint64 id = first.json().value(QStringLiteral("id")).toInteger();
    QVERIFY(!first.headers.value("retry-after").isEmpty()); // queued: poll again
    QCOMPARE(first.json().value(QStringLiteral("kind")).toString(), QStringLiteral("sync"));
    QVERIFY(first.json().value(QStringLiteral("progress")).toDouble() <= 1.0);

    // The same key and body: the first answer again, marked as a replay.
    const test::HttpResult again = api("POST", QStringLiteral("/api/sync-operations"), compact(body), {}, key);
    QCOMPARE(again.status, 202);
    QCOMPARE(again.headers.value("idempotent-replayed"), QByteArray("true"));
    QCOMPARE(again.json().value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(again.headers.value("location"), first.headers.value("location"));
    QCOMPARE(again.body, first.body);

    // The same key with another body: 409, and no operation is started.
    const QJsonObject other { { QStringLiteral("pair_id"), m_pair } };
    const test::HttpResult reused = api("POST", QStringLiteral("/api/sync-operations"), compact(other), {}, key);
    QCOMPARE(reused.status, 409);
    QCOMPARE(errorCode(reused), QStringLiteral("idempotency_key_reused"));

    // A key is 1 to 200 characters.
    const Headers tooLong { { QByteArrayLiteral("Idempotency-Key"), QByteArray(201, 'k') } };
    QCOMPARE(api("POST", QStringLiteral("/api/sync-operations"), compact(body), {}, tooLong).status, 400);

    // The operation started by the first request, followed to its end.
    const QJsonObject done = waitForOperation(id, finished);
    QVERIFY2(finished(done), compact(done).constData());
    const test::HttpResult detail = api("GET", QStringLiteral("/api/sync-operations/%1").arg(id));
    QVERIFY(!detail.headers.contains("retry-after"));
    QVERIFY(!detail.json().contains(QStringLiteral("progress_percent")));

    // Keys are per caller: another account may use the same key for its own request.
    if (!m_authorization.isEmpty()) {
        const test::HttpResult token = api("POST", QStringLiteral("/api/tokens"),
                                           QJsonObject { { QStringLiteral("name"), QStringLiteral("idem-operator") },
                                                         { QStringLiteral("role"), QStringLiteral("operator") } });
        QCOMPARE(token.status, 201);
        Headers headers = test::authorizationHeaders("Bearer " + token.json().value(QStringLiteral("token")).toString().toLatin1());
        headers.append(key.first());
        const test::HttpResult theirs
            = test::http("POST", base() + QStringLiteral("/api/sync-operations"), compact(other), headers, 15000);
        QVERIFY2(theirs.status == 202, theirs.body.constData());
        QVERIFY(!theirs.headers.contains("idempotent-replayed"));
        QVERIFY(theirs.json().value(QStringLiteral("id")).toInteger() != id);
        waitForOperation(theirs.json().value(QStringLiteral("id")).toInteger(), finished);
    }
}

void TestGatewayProxyWrites::idempotentStartsRacing()
{
    QVERIFY(m_pair > 0);
    const auto operationsOfPair = [this] {
        return api("GET", QStringLiteral("/api/sync-operations?pair_id=%1&limit=500").arg(m_pair))
            .json().value(QStringLiteral("items")).toArray().size();
    };
    const qsizetype before = operationsOfPair();
    const QByteArray body = compact({ { QStringLiteral("pair_id"), m_pair }, { QStringLiteral("full_resync"), true } });
    // All sent at once (one connection each), answered in whatever order the gateway likes.
    QNetworkAccessManager manager;
    QList<QNetworkReply *> replies;
    constexpr int kRacers = 4;
    for (int i = 0; i < kRacers; ++i) {
        QNetworkRequest request(QUrl(base() + QStringLiteral("/api/sync-operations")));
        for (const auto &header : test::authorizationHeaders(m_authorization))
            request.setRawHeader(header.first, header.second);
        request.setRawHeader("Idempotency-Key", "race-1");
        request.setRawHeader("Content-Type", "application/json");
        replies << manager.post(request, body);
    }
    for (QNetworkReply *reply : std::as_const(replies))
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 30000);
    QList<test::HttpResult> results;
    for (QNetworkReply *reply : std::as_const(replies)) {
        test::HttpResult result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        for (const auto &header : reply->rawHeaderPairs())
            result.headers.insert(header.first.toLower(), header.second);
        results << result;
        reply->deleteLater();
    }
    QSet<qint64> ids;
    int replayed = 0;
    for (const test::HttpResult &result : std::as_const(results)) {
        if (result.status == 202) {
            ids << result.json().value(QStringLiteral("id")).toInteger();
            replayed += result.headers.value("idempotent-replayed") == "true" ? 1 : 0;
        } else {
            // Only "the first request is still being answered" may be refused.
            QCOMPARE(result.status, 409);
            QCOMPARE(errorCode(result), QStringLiteral("idempotency_key_in_use"));
        }
    }
    QCOMPARE(ids.size(), 1); // one operation, whichever request made it
    QCOMPARE(operationsOfPair(), before + 1);
    const qint64 id = *ids.cbegin();
    // Exactly one request did the work; every other was answered from the key (a replay) or
    // told the first one is still being answered: none reached the queue on its own.
    QCOMPARE(int(std::count_if(results.cbegin(), results.cend(), [](const test::HttpResult &r) {
                 return r.status == 202 && r.headers.value("idempotent-replayed") != "true";
             })),
             1);
    QVERIFY(replayed <= kRacers - 1);
    waitForOperation(id, finished);
}

void TestGatewayProxyWrites::cleanupTestCase()
{
    if (m_gateway) {
        m_gateway->terminate();
        QVERIFY(m_gateway->waitFinished(15000));
    }
}

QTEST_GUILESS_MAIN(TestGatewayProxyWrites)
#include "tst_gatewayproxy_writes.moc"
