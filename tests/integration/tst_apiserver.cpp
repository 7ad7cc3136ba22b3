// The HTTP plumbing over real loopback sockets: limits enforced before QHttpServer buffers a
// body, one JSON error shape, request ids, 404/405, pipelining, idle and per-address limits.
#include "common/apiserver.h"
#include "common/connectionguard.h"
#include "common/listquery.h"
#include "core/errors.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace tf;
using namespace tf::http;

class TestApiServer final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ApiServer> m_server;
    std::unique_ptr<RequestStats> m_stats;
    quint16 m_port = 0;

    QString url(const QString &path) const { return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path); }

    void startServer(HttpLimits limits = {})
    {
        Router router;
        router.add("GET", QStringLiteral("/items/<id>"), [](const ApiRequest &request) {
            return ApiResponse::json(QJsonObject { { QStringLiteral("id"), request.idParam() } });
        });
        router.add("POST", QStringLiteral("/echo"), [](const ApiRequest &request) {
            return ApiResponse::json(QJsonObject { { QStringLiteral("received"), request.jsonBody() } });
        });
        router.add("PUT", QStringLiteral("/echo"), [](const ApiRequest &request) {
            return ApiResponse::json(QJsonObject { { QStringLiteral("size"), request.body.size() } });
        });
        router.add("GET", QStringLiteral("/boom"), [](const ApiRequest &) -> ApiResponse {
            throw std::runtime_error("secret internals");
        });
        router.add("GET", QStringLiteral("/conflict"), [](const ApiRequest &) -> ApiResponse {
            throw Error(Error::Kind::Conflict, QStringLiteral("pair 3 is running"), QJsonObject { { QStringLiteral("pair_id"), 3 } });
        });
        router.add("GET", QStringLiteral("/api/list"), [](const ApiRequest &request) {
            const QueryParams params = QueryParams::forList(request, { QStringLiteral("pair_id"), QStringLiteral("created_after") });
            QJsonArray items;
            const qint64 after = params.cursorId();
            for (qint64 id = after + 1; id <= qMin<qint64>(after + params.limit(), 7); ++id)
                items.append(QJsonObject { { QStringLiteral("id"), id } });
            const qint64 last = after + items.size();
            return listResponse(request, params, items, last < 7 ? QString::number(last) : QString());
        });
        router.addAsync("GET", QStringLiteral("/slow"), [](const ApiRequest &, const Router::Reply &reply) {
            QTimer::singleShot(200, [reply] { reply(ApiResponse::json(QJsonObject { { QStringLiteral("slow"), true } })); });
        });
        m_stats = std::make_unique<RequestStats>();
        m_server = std::make_unique<ApiServer>(QStringLiteral("test"), router, limits, *m_stats);
        m_server->addPathAlias(QStringLiteral("/api/v1"), QStringLiteral("/api"));
        m_port = m_server->listen(QHostAddress::LocalHost, 0);
    }

private Q_SLOTS:
    void init() { startServer(); }
    void cleanup() { m_server.reset(); }

    void answersJsonWithRequestId()
    {
        const auto result = test::http("GET", url(QStringLiteral("/items/42")), {}, { { "X-Request-Id", "abc-123" } });
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value(QStringLiteral("id")).toInt(), 42);
        QCOMPARE(result.headers.value("x-request-id"), QByteArray("abc-123"));
        QCOMPARE(result.headers.value("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(result.headers.value("cache-control"), QByteArray("no-store"));
        QVERIFY(result.headers.value("content-type").startsWith("application/json"));
    }

    void generatesRequestIdWhenMissingOrInvalid()
    {
        const auto first = test::http("GET", url(QStringLiteral("/items/1")));
        const auto second = test::http("GET", url(QStringLiteral("/items/1")), {}, { { "X-Request-Id", "bad id with spaces" } });
        QCOMPARE(first.headers.value("x-request-id").size(), 36);
        QCOMPARE(second.headers.value("x-request-id").size(), 36);
        QVERIFY(first.headers.value("x-request-id") != second.headers.value("x-request-id"));
    }

    void errorShape_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("unknown route") << QByteArray("GET") << "/nowhere" << QByteArray() << 404 << "not_found";
        QTest::newRow("wrong method") << QByteArray("DELETE") << "/echo" << QByteArray() << 405 << "method_not_allowed";
        QTest::newRow("bad id") << QByteArray("GET") << "/items/abc" << QByteArray() << 400 << "invalid_id";
        QTest::newRow("malformed json") << QByteArray("POST") << "/echo" << QByteArray("{\"a\": ") << 400 << "bad_request";
        QTest::newRow("json not object") << QByteArray("POST") << "/echo" << QByteArray("[1,2]") << 400 << "bad_request";
        QTest::newRow("empty body") << QByteArray("POST") << "/echo" << QByteArray() << 400 << "bad_request";
        QTest::newRow("conflict") << QByteArray("GET") << "/conflict" << QByteArray() << 409 << "conflict";
        QTest::newRow("unexpected exception") << QByteArray("GET") << "/boom" << QByteArray() << 500 << "internal_error";
    }

    void errorShape()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const auto result = test::http(method, url(path), body);
        QCOMPARE(result.status, status);
        // RFC 9457 problem details.
        const QJsonObject error = result.json();
        QCOMPARE(result.headers.value("content-type"), QByteArray("application/problem+json"));
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("urn:terrafusion:problem:") + code);
        QCOMPARE(error.value(QStringLiteral("status")).toInt(), status);
        QVERIFY(!error.value(QStringLiteral("title")).toString().isEmpty());
        QVERIFY(!error.value(QStringLiteral("detail")).toString().isEmpty());
        QCOMPARE(error.value(QStringLiteral("instance")).toString().toLatin1(), result.headers.value("x-request-id"));
        QVERIFY2(!result.body.contains("secret internals"), "exception text must not leak");
    }

    void bodyOfAnotherTypeIs415()
    {
        for (const QByteArray &type : { QByteArray("text/plain"), QByteArray("application/x-www-form-urlencoded") }) {
            const QList<QPair<QByteArray, QByteArray>> headers { { QByteArray("Content-Type"), type } };
            const auto result = test::http("POST", url(QStringLiteral("/echo")), QByteArray("{\"a\": 1}"), headers);
            QVERIFY2(result.status == 415, result.body.constData());
            QCOMPARE(result.json().value(QStringLiteral("code")).toString(), QStringLiteral("unsupported_media_type"));
        }
        for (const QByteArray &type : { QByteArray("application/json; charset=utf-8"), QByteArray("application/merge-patch+json") }) {
            const auto result = test::http("POST", url(QStringLiteral("/echo")), QByteArray("{\"a\": 1}"), { { "Content-Type", type } });
            QVERIFY2(result.status == 200, result.body.constData());
        }
    }

    void headCarriesTheRealContentLength()
    {
        const auto get = test::http("GET", url(QStringLiteral("/items/12345")));
        QCOMPARE(get.status, 200);
        const auto head = test::http("HEAD", url(QStringLiteral("/items/12345")));
        QCOMPARE(head.status, 200);
        QVERIFY(head.body.isEmpty());
        QCOMPARE(head.headers.value("content-length"), QByteArray::number(get.body.size()));
    }

    void listsPageByOpaqueCursor()
    {
        // /api/v1 is the same route as /api.
        QStringList seen;
        QString next = url(QStringLiteral("/api/v1/list?limit=3&pair_id=4"));
        int pages = 0;
        while (!next.isEmpty() && pages < 10) {
            const auto page = test::http("GET", next);
            QVERIFY2(page.status == 200, page.body.constData());
            const QJsonObject body = page.json();
            QCOMPARE(body.keys(), (QStringList { QStringLiteral("items"), QStringLiteral("next_cursor") }));
            for (const QJsonValue &item : body.value(QStringLiteral("items")).toArray())
                seen << QString::number(item.toObject().value(QStringLiteral("id")).toInteger());
            ++pages;
            if (body.value(QStringLiteral("next_cursor")).isNull()) {
                QVERIFY(!page.headers.contains("link"));
                break;
            }
            QVERIFY(body.value(QStringLiteral("next_cursor")).isString());
            const QByteArray link = page.headers.value("link");
            QVERIFY2(link.startsWith("<?") && link.endsWith(">; rel=\"next\""), link.constData());
            QVERIFY(link.contains("pair_id=4"));
            next = url(QStringLiteral("/api/v1/list")) + QString::fromLatin1(link.mid(1, link.indexOf('>') - 1));
        }
        QCOMPARE(pages, 3);
        QCOMPARE(seen.join(QLatin1Char(',')), QStringLiteral("1,2,3,4,5,6,7"));

        const auto clamped = test::http("GET", url(QStringLiteral("/api/list?limit=100000")));
        QCOMPARE(clamped.status, 200);
        QCOMPARE(clamped.headers.value("page-limit"), QByteArray("500; clamped"));

        struct Bad { const char *query; const char *code; const char *field; };
        for (const Bad &bad : { Bad { "pair=4", "unknown_parameter", "pair" }, Bad { "limit=0", "invalid_parameter", "limit" },
                                Bad { "cursor=42", "invalid_parameter", "cursor" }, Bad { "cursor=!!", "invalid_parameter", "cursor" },
                                Bad { "pair_id=x", "invalid_parameter", "pair_id" }, Bad { "pair_id=1&pair_id=2", "repeated_parameter", "pair_id" },
                                Bad { "created_after=2025-01-31T02:00:00", "invalid_parameter", "created_after" } }) {
            QString query = QString::fromLatin1(bad.query);
            if (query == QLatin1String("cursor=42")) // a payload that is no id, well encoded
                query = QStringLiteral("cursor=") + encodeCursor(QStringLiteral("x"));
            const auto result = test::http("GET", url(QStringLiteral("/api/list?") + query));
            if (query.startsWith(QLatin1String("pair_id=x")) || query.startsWith(QLatin1String("created_after")))
                continue; // the handler reads neither; covered by QueryParams below
            QVERIFY2(result.status == 400, qPrintable(query + QLatin1Char(' ') + QString::fromUtf8(result.body)));
            QCOMPARE(result.json().value(QStringLiteral("code")).toString(), QString::fromLatin1(bad.code));
            QCOMPARE(result.json().value(QStringLiteral("errors")).toArray().first().toObject().value(QStringLiteral("field")).toString(),
                     QString::fromLatin1(bad.field));
        }
    }

    void queryParamsRefuseMalformedValues()
    {
        auto request = [](const QString &query) {
            ApiRequest r;
            r.query = QUrlQuery(query);
            return r;
        };
        const ApiRequest withZone = request(QStringLiteral("created_after=2025-01-31T04:00:00%2B02:00"));
        QCOMPARE(QueryParams(withZone, { QStringLiteral("created_after") }).time(QStringLiteral("created_after")),
                 QDateTime(QDate(2025, 1, 31), QTime(2, 0), Qt::UTC));
        for (const QString &bad : { QStringLiteral("created_after=2025-01-31T02:00:00"), QStringLiteral("created_after=2025-01-31"),
                                    QStringLiteral("created_after=yesterday") }) {
            const ApiRequest r = request(bad);
            QVERIFY_THROWS_EXCEPTION(Error, QueryParams(r, { QStringLiteral("created_after") }).time(QStringLiteral("created_after")));
        }
        const ApiRequest badId = request(QStringLiteral("pair_id=abc"));
        QVERIFY_THROWS_EXCEPTION(Error, QueryParams(badId, { QStringLiteral("pair_id") }).id(QStringLiteral("pair_id")));
        const ApiRequest goodId = request(QStringLiteral("pair_id=12"));
        QCOMPARE(QueryParams(goodId, { QStringLiteral("pair_id") }).id(QStringLiteral("pair_id")), 12);
    }

    void methodNotAllowedListsAllow()
    {
        const auto result = test::http("DELETE", url(QStringLiteral("/echo")));
        QCOMPARE(result.status, 405);
        QCOMPARE(result.headers.value("allow"), QByteArray("POST, PUT"));
    }

    void malformedJsonNamesOffset()
    {
        const auto result = test::http("POST", url(QStringLiteral("/echo")), QByteArray("{\"a\": tru}"));
        QCOMPARE(result.status, 400);
        QVERIFY2(result.json().value(QStringLiteral("detail")).toString().contains(QStringLiteral("offset")),
                 result.body.constData());
    }

    void bodyAtLimitIsAccepted()
    {
        const QByteArray body(1024 * 1024, 'x');
        const auto result = test::http("PUT", url(QStringLiteral("/echo")), body, { { "Content-Type", "application/json" } });
        QCOMPARE(result.status, 200);
        QCOMPARE(result.json().value(QStringLiteral("size")).toInt(), body.size());
    }

    void oversizeBodyIs413BeforeItIsRead()
    {
        // Announce 50 MiB but send only the headers: the guard must answer at once, without
        // waiting for (or buffering) the body.
        const QByteArray request = "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 52428800\r\n\r\n";
        const QByteArray answer = test::rawExchange(m_port, request, 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
        QVERIFY(answer.contains("\"code\":\"payload_too_large\""));
        QVERIFY(answer.contains("X-Request-Id: "));
    }

    void oversizeBodyOverRealUpload()
    {
        const QByteArray body(1024 * 1024 + 1, 'x');
        const auto result = test::http("PUT", url(QStringLiteral("/echo")), body, { { "Content-Type", "text/plain" } });
        QCOMPARE(result.status, 413);
        QCOMPARE(result.json().value(QStringLiteral("code")).toString(),
                 QStringLiteral("payload_too_large"));
    }

    void oversizeChunkedBodyIs413()
    {
        QByteArray request = "PUT /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        const QByteArray chunk(64 * 1024, 'y');
        for (int i = 0; i < 20; ++i)
            request += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
        request += "0\r\n\r\n";
        const QByteArray answer = test::rawExchange(m_port, request, 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    }

    void oversizeHeadersAre431()
    {
        const QByteArray request = "GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'h') + "\r\n\r\n";
        const QByteArray answer = test::rawExchange(m_port, request, 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.left(200).constData());
    }

    void oversizeUrlIs414()
    {
        const QByteArray request = "GET /items/" + QByteArray(9000, '1') + " HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray answer = test::rawExchange(m_port, request, 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 414"), answer.left(200).constData());
    }

    void pipelinedRequestsAreEachAnswered()
    {
        const QByteArray body = "{\"n\":1}";
        const QByteArray request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body
            + "GET /items/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        const QByteArray answer = test::rawExchange(m_port, request, 3000);
        QCOMPARE(answer.count("HTTP/1.1 200"), 2);
        QVERIFY(answer.contains("{\"received\":{\"n\":1}}"));
        QVERIFY(answer.contains("{\"id\":7}"));
    }

    void asyncHandlerAnswers()
    {
        const auto result = test::http("GET", url(QStringLiteral("/slow")));
        QCOMPARE(result.status, 200);
        QVERIFY(result.json().value(QStringLiteral("slow")).toBool());
    }

    void statsCountRequests()
    {
        test::http("GET", url(QStringLiteral("/items/1")));
        test::http("GET", url(QStringLiteral("/items/2")));
        test::http("GET", url(QStringLiteral("/nowhere")));
        const QJsonObject stats = m_stats->toJson();
        QCOMPARE(stats.value(QStringLiteral("total")).toInt(), 3);
        const QByteArray prometheus = m_stats->toPrometheus(QStringLiteral("test"));
        QVERIFY(prometheus.contains("terrafusion_http_requests_total{service=\"test\",method=\"GET\",route=\"/items/<id>\",status=\"200\"} 2"));
        QVERIFY(prometheus.contains("# TYPE terrafusion_http_request_duration_seconds histogram"));
    }

    void idleConnectionIsClosed()
    {
        m_server.reset();
        HttpLimits limits;
        limits.idleTimeoutMs = 300;
        startServer(limits);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(socket.waitForConnected(2000));
        QSignalSpy closed(&socket, &QTcpSocket::disconnected);
        QVERIFY(closed.wait(3000));
    }

    void connectionsPerAddressAreCapped()
    {
        m_server.reset();
        HttpLimits limits;
        limits.maxConnectionsPerAddress = 2;
        startServer(limits);
        QTcpSocket a;
        QTcpSocket b;
        a.connectToHost(QHostAddress::LocalHost, m_port);
        b.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(a.waitForConnected(2000));
        QVERIFY(b.waitForConnected(2000));
        QTRY_COMPARE(m_server->connectionGuard()->openConnections(), 2);
        const QByteArray answer = test::rawExchange(m_port, "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
        QVERIFY2(answer.startsWith("HTTP/1.1 503"), answer.constData());
        QVERIFY(answer.contains("too_many_connections"));
        a.disconnectFromHost();
        QTRY_COMPARE(m_server->connectionGuard()->openConnections(), 1);
        const auto result = test::http("GET", url(QStringLiteral("/items/1")));
        QCOMPARE(result.status, 200);
    }

    void listenOnBusyPortNamesTheAddress()
    {
        RequestStats stats;
        ApiServer other(QStringLiteral("other"), Router(), HttpLimits(), stats);
        try {
            other.listen(QHostAddress::LocalHost, m_port);
            QFAIL("listening on a busy port must throw");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Unavailable);
            QVERIFY(error.message().contains(QStringLiteral("127.0.0.1:%1").arg(m_port)));
        }
    }
};

QTEST_GUILESS_MAIN(TestApiServer)
#include "tst_apiserver.moc"
