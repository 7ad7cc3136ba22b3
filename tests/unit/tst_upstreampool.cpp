// The gateway's keep-alive client to tf-syncd (SyncdClient on UpstreamPool) against a scripted
// HTTP server over loopback: what goes on the wire, reuse of connections, the one retry of an
// idempotent call on a stale connection and none for a POST, timeouts and the connection cap.
#include "gateway/syncdclient.h"
#include "gateway/upstream/upstreampool.h"
#include "scriptedhttpserver.h"

#include <QtTest>

#include <memory>
#include <optional>

using namespace tf;
using namespace tf::gateway;
using test::ScriptedHttpServer;

class TestUpstreamPool : public QObject
{
    Q_OBJECT

private slots:
    void requestOnTheWire();
    void connectionsAreReused();
    void chunkedAndClosingAnswers();
    void staleConnectionRetriedOnceForGet();
    void staleConnectionNotRetriedForPost();
    void newConnectionFailureIsNotRetried();
    void idleCloseIsNoticedBeforeReuse();
    void hungAnswerTimesOutAndConnectionIsDropped();
    void connectionCapQueuesAndQueuedTimeout();
    void refusedConnectionIsAnError();
};

namespace {

using Result = SyncdClient::Result;

SyncdClient client(quint16 port, int timeoutMs = 5000)
{
    return SyncdClient(QUrl(QStringLiteral("http://127.0.0.1:%1/base/").arg(port)), timeoutMs,
                       http::ServiceToken(QByteArrayLiteral("service-secret")));
}

// One call, waited for.
Result call(SyncdClient &syncd, const QByteArray &method, const QString &path, const QByteArray &body = {},
            const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = -1)
{
    std::optional<Result> result;
    syncd.request(method, path, body, headers, nullptr, [&](const Result &r) { result = r; }, timeoutMs);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 15000); }();
    return result.value_or(Result());
}

ScriptedHttpServer::Step answer(const QByteArray &body, const QByteArray &extra = {})
{
    return { ScriptedHttpServer::Action::Answer, test::okAnswer(body, extra), 0 };
}

// The second request on each connection meets a close (tf-syncd's idle close racing the call).
ScriptedHttpServer::Step closeEverySecondRequest(const ScriptedHttpServer::Received &request)
{
    if (request.onConnection == 2)
        return { ScriptedHttpServer::Action::Close, {}, 0 };
    return answer("ok");
}

} // namespace

void TestUpstreamPool::requestOnTheWire()
{
    ScriptedHttpServer server([](const auto &) { return answer("{}", "ETag: \"3\"\r\nLink: <?cursor=x>; rel=\"next\"\r\n"); });
    SyncdClient syncd = client(server.port());
    const Result get = call(syncd, "GET", QStringLiteral("/sync-pairs?limit=5&name=a%20b"));
    QCOMPARE(get.status, 200);
    QCOMPARE(get.body, QByteArray("{}"));
    QCOMPARE(get.contentType, QByteArray("application/json"));
    QVERIFY(get.headers.contains(qMakePair(QByteArray("ETag"), QByteArray("\"3\""))));
    QVERIFY(get.headers.contains(qMakePair(QByteArray("Link"), QByteArray("<?cursor=x>; rel=\"next\""))));
    const auto &first = server.received.at(0);
    QVERIFY2(first.head.startsWith("GET /base/sync-pairs?limit=5&name=a%20b HTTP/1.1\r\n"), first.head.constData());
    QCOMPARE(first.field("Host"), QByteArray("127.0.0.1:%1").replace("%1", QByteArray::number(server.port())));
    QCOMPARE(first.field("Authorization"), QByteArray("Bearer service-secret"));
    QCOMPARE(first.field("Content-Length"), QByteArray()); // no body, no length

    // The caller's Authorization replaces the service token's (forwardedCallerHeaders); a body
    // gets a length and a JSON type unless the caller names one.
    const Result patch = call(syncd, "PATCH", QStringLiteral("/systems/4"), "{\"a\":1}",
                              { { "authorization", "Bearer forwarded" }, { "Content-Type", "application/merge-patch+json" },
                                { "If-Match", "\"2\"" } });
    QCOMPARE(patch.status, 200);
    const auto &second = server.received.at(1);
    QVERIFY(second.head.startsWith("PATCH /base/systems/4 HTTP/1.1\r\n"));
    QCOMPARE(second.field("Authorization"), QByteArray("Bearer forwarded"));
    QCOMPARE(second.head.count("uthorization:"), 1);
    QCOMPARE(second.field("Content-Type"), QByteArray("application/merge-patch+json"));
    QCOMPARE(second.field("If-Match"), QByteArray("\"2\""));
    QCOMPARE(second.field("Content-Length"), QByteArray("7"));
    QCOMPARE(second.body, QByteArray("{\"a\":1}"));

    call(syncd, "POST", QStringLiteral("/sync-pairs/1/enable"));
    QCOMPARE(server.received.at(2).field("Content-Length"), QByteArray("0"));
    call(syncd, "POST", QStringLiteral("/systems"), "{}");
    QCOMPARE(server.received.at(3).field("Content-Type"), QByteArray("application/json"));

    // A line break in a field never reaches the wire.
    const Result injected = call(syncd, "GET", QStringLiteral("/x"), {}, { { "Idempotency-Key", "a\r\nX-Evil: 1" } });
    QCOMPARE(injected.status, 0);
    QVERIFY(injected.error.contains(QLatin1String("line break")));
    QCOMPARE(server.received.size(), 4);
}

void TestUpstreamPool::connectionsAreReused()
{
    ScriptedHttpServer server([](const auto &request) { return answer(QByteArray::number(request.onConnection)); });
    SyncdClient syncd = client(server.port());
    for (int i = 1; i <= 20; ++i)
        QCOMPARE(call(syncd, "GET", QStringLiteral("/health")).body, QByteArray::number(i));
    QCOMPARE(server.connections(), 1);
}

void TestUpstreamPool::chunkedAndClosingAnswers()
{
    ScriptedHttpServer server([](const ScriptedHttpServer::Received &request) -> ScriptedHttpServer::Step {
        if (request.head.startsWith("GET /base/chunked"))
            return { ScriptedHttpServer::Action::Answer,
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n", 0 };
        return answer("bye", "Connection: close\r\n");
    });
    SyncdClient syncd = client(server.port());
    QCOMPARE(call(syncd, "GET", QStringLiteral("/chunked")).body, QByteArray("[1,2]"));
    QCOMPARE(call(syncd, "GET", QStringLiteral("/close")).body, QByteArray("bye"));
    QCOMPARE(call(syncd, "GET", QStringLiteral("/chunked")).body, QByteArray("[1,2]"));
    QCOMPARE(server.connections(), 2); // "Connection: close" is honoured
}

void TestUpstreamPool::staleConnectionRetriedOnceForGet()
{
    ScriptedHttpServer server(closeEverySecondRequest);
    SyncdClient syncd = client(server.port());
    QCOMPARE(call(syncd, "GET", QStringLiteral("/a")).status, 200);
    for (const QByteArray method : { "GET", "PUT", "DELETE" }) {
        const int before = int(server.received.size());
        const Result result = call(syncd, method, QStringLiteral("/b"), method == "PUT" ? "{}" : "");
        QVERIFY2(result.status == 200, qPrintable(result.error));
        QCOMPARE(server.received.size(), before + 2); // sent, refused by the close, sent again
        QCOMPARE(server.received.last().onConnection, 1);
        // "/warm" is the 2nd call on the new connection, so it meets a close too and is retried.
        QCOMPARE(call(syncd, "GET", QStringLiteral("/warm")).status, 200);
    }
}

void TestUpstreamPool::staleConnectionNotRetriedForPost()
{
    ScriptedHttpServer server(closeEverySecondRequest);
    SyncdClient syncd = client(server.port());
    QCOMPARE(call(syncd, "GET", QStringLiteral("/a")).status, 200);
    for (const QByteArray method : { "POST", "PATCH" }) {
        const int before = int(server.received.size());
        const Result result = call(syncd, method, QStringLiteral("/sync/1/start"), "{}");
        QCOMPARE(result.status, 0);
        QVERIFY(!result.timedOut);
        QVERIFY2(result.error.contains(QLatin1String("closed the connection")), qPrintable(result.error));
        QCOMPARE(server.received.size(), before + 1); // once, never repeated
        QCOMPARE(call(syncd, "GET", QStringLiteral("/warm")).status, 200);
    }
}

void TestUpstreamPool::newConnectionFailureIsNotRetried()
{
    ScriptedHttpServer server([](const auto &) { return ScriptedHttpServer::Step { ScriptedHttpServer::Action::Close, {}, 0 }; });
    SyncdClient syncd = client(server.port());
    const Result result = call(syncd, "GET", QStringLiteral("/a"));
    QCOMPARE(result.status, 0);
    QCOMPARE(server.received.size(), 1); // a fresh connection's failure is tf-syncd's answer
}

void TestUpstreamPool::idleCloseIsNoticedBeforeReuse()
{
    ScriptedHttpServer server([](const auto &) { return answer("ok"); });
    SyncdClient syncd = client(server.port());
    QCOMPARE(call(syncd, "POST", QStringLiteral("/a"), "{}").status, 200);
    auto *pool = syncd.findChild<UpstreamPool *>();
    QVERIFY(pool);
    QCOMPARE(pool->idleConnections(), 1);
    server.closeAll();
    QTRY_COMPARE(pool->idleConnections(), 0);
    QCOMPARE(pool->openConnections(), 0);
    QCOMPARE(call(syncd, "POST", QStringLiteral("/a"), "{}").status, 200);
    QCOMPARE(server.connections(), 2);
    QCOMPARE(pool->retries(), 0);
}

void TestUpstreamPool::hungAnswerTimesOutAndConnectionIsDropped()
{
    ScriptedHttpServer server([](const ScriptedHttpServer::Received &request) -> ScriptedHttpServer::Step {
        if (request.head.startsWith("GET /base/hang"))
            return { ScriptedHttpServer::Action::Hang, {}, 0 };
        if (request.head.startsWith("GET /base/partial"))
            return { ScriptedHttpServer::Action::Answer, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0 };
        return answer("ok");
    });
    SyncdClient syncd = client(server.port(), 300);
    QCOMPARE(call(syncd, "GET", QStringLiteral("/ok")).status, 200);
    for (const char *path : { "/hang", "/partial" }) {
        const Result hung = call(syncd, "GET", QString::fromLatin1(path));
        QCOMPARE(hung.status, 0);
        QVERIFY(hung.timedOut);
        QVERIFY(hung.error.contains(QLatin1String("300 ms")));
    }
    // The late bytes of a timed-out answer can never be taken for the next one's.
    QCOMPARE(call(syncd, "GET", QStringLiteral("/ok")).body, QByteArray("ok"));
    QCOMPARE(server.received.last().onConnection, 1);
    QCOMPARE(server.received.size(), 4); // timeouts are not retried
}

void TestUpstreamPool::connectionCapQueuesAndQueuedTimeout()
{
    ScriptedHttpServer server([](const ScriptedHttpServer::Received &request) -> ScriptedHttpServer::Step {
        if (request.head.startsWith("GET /hang"))
            return { ScriptedHttpServer::Action::Hang, {}, 0 };
        return { ScriptedHttpServer::Action::Answer, test::okAnswer(request.head.split(' ').at(1)), 30 };
    });
    UpstreamPool pool(QStringLiteral("127.0.0.1"), server.port(), false, 2);
    QList<UpstreamPool::Response> answers;
    auto submit = [&](const QByteArray &path, int timeoutMs) {
        auto request = std::make_shared<UpstreamPool::Request>();
        request->wire = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
        request->idempotent = true;
        request->timeoutMs = timeoutMs;
        request->done = [&answers](UpstreamPool::Response &&response) { answers.append(response); };
        pool.submit(request);
    };
    for (int i = 0; i < 6; ++i)
        submit("/" + QByteArray::number(i), 10000);
    QCOMPARE(pool.queuedRequests(), 4);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 6, 10000);
    QCOMPARE(server.maxOpen(), 2);
    QCOMPARE(pool.connectionsOpened(), 2);
    QSet<QByteArray> bodies;
    for (const auto &answer : answers)
        bodies.insert(answer.body);
    QCOMPARE(bodies, (QSet<QByteArray> { "/0", "/1", "/2", "/3", "/4", "/5" }));

    // Both connections hung on slow calls: a queued call still ends at its own timeout.
    answers.clear();
    submit("/hang", 60000);
    submit("/hang", 60000);
    submit("/queued", 200);
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 5000);
    QVERIFY(answers.first().timedOut);
    QCOMPARE(pool.queuedRequests(), 0);
}

void TestUpstreamPool::refusedConnectionIsAnError()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    SyncdClient syncd = client(port);
    const Result result = call(syncd, "GET", QStringLiteral("/health"));
    QCOMPARE(result.status, 0);
    QVERIFY(!result.timedOut);
    QVERIFY2(result.error.contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(result.error));
}

QTEST_GUILESS_MAIN(TestUpstreamPool)
#include "tst_upstreampool.moc"
