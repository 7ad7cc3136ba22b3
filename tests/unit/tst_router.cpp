// tf::http::Router: literal and <name> segments, a final <*rest>, 404 versus 405 with an Allow
// list, HEAD served by GET routes, trailing slashes, and path parameters.
#include "common/router.h"
#include "core/errors.h"

#include <QJsonArray>
#include <QtTest>

#include <optional>

using tf::http::ApiRequest;
using tf::http::ApiResponse;
using tf::http::Router;

namespace {

// String lists written as plain literals (QT_NO_CAST_FROM_ASCII forbids the implicit form).
QStringList strings(std::initializer_list<const char *> items)
{
    QStringList list;
    for (const char *item : items)
        list << QString::fromUtf8(item);
    return list;
}

QVariantMap params(std::initializer_list<std::pair<const char *, const char *>> items)
{
    QVariantMap map;
    for (const auto &[key, value] : items)
        map.insert(QString::fromUtf8(key), QString::fromUtf8(value));
    return map;
}

// Each handler answers its own pattern, so a test can tell which route was chosen.
Router::Handler answer(const QString &pattern)
{
    return [pattern](const ApiRequest &) {
        return ApiResponse::json(QJsonObject{ { QStringLiteral("route"), pattern } });
    };
}

// The table every matching test uses.
Router sampleRouter()
{
    Router router;
    router.add("GET", QStringLiteral("/health/live"), answer(QStringLiteral("GET /health/live")), true);
    router.add("GET", QStringLiteral("/api/v1/pairs"), answer(QStringLiteral("GET /api/v1/pairs")));
    router.add("POST", QStringLiteral("/api/v1/pairs"), answer(QStringLiteral("POST /api/v1/pairs")));
    router.add("GET", QStringLiteral("/api/v1/pairs/new"), answer(QStringLiteral("GET /api/v1/pairs/new")));
    router.add("GET", QStringLiteral("/api/v1/pairs/<id>"), answer(QStringLiteral("GET /api/v1/pairs/<id>")));
    router.add("PUT", QStringLiteral("/api/v1/pairs/<id>"), answer(QStringLiteral("PUT /api/v1/pairs/<id>")));
    router.add("DELETE", QStringLiteral("/api/v1/pairs/<id>"), answer(QStringLiteral("DELETE /api/v1/pairs/<id>")));
    router.add("POST", QStringLiteral("/api/v1/pairs/<id>/runs"), answer(QStringLiteral("POST /api/v1/pairs/<id>/runs")));
    router.add("GET", QStringLiteral("/api/v1/systems/<system>/tables/<table>"),
               answer(QStringLiteral("GET /api/v1/systems/<system>/tables/<table>")));
    router.add("GET", QStringLiteral("/api/v1/systems/<system>/stats"),
               answer(QStringLiteral("GET /api/v1/systems/<system>/stats")));
    router.add("GET", QStringLiteral("/files/<*path>"), answer(QStringLiteral("GET /files/<*path>")));
    router.add("POST", QStringLiteral("/proxy/<service>/<*rest>"), answer(QStringLiteral("POST /proxy/<service>/<*rest>")));
    return router;
}

// Which route the handler of a match belongs to, by calling it.
QString chosenRoute(const Router::Match &match)
{
    std::optional<ApiResponse> response;
    ApiRequest request;
    request.pathParams = match.params;
    (*match.handler)(request, [&response](ApiResponse r) { response = std::move(r); });
    if (!response)
        return QStringLiteral("<no reply>");
    return QJsonDocument::fromJson(response->body).object().value(QStringLiteral("route")).toString();
}

std::optional<tf::Error> matchError(const Router &router, const QByteArray &method, const QString &path)
{
    try {
        router.match(method, path);
    } catch (const tf::Error &error) {
        return error;
    }
    return std::nullopt;
}

} // namespace

class TestRouter final : public QObject
{
    Q_OBJECT

private slots:
    void matches_data();
    void matches();
    void notFound_data();
    void notFound();
    void methodNotAllowed_data();
    void methodNotAllowed();
    void paramsDoNotLeakFromRejectedRoutes();
    void laterRouteWithRightMethodWins();
    void asyncHandlerReplies();
    void routesKeepOrderAndOpenFlag();
};

void TestRouter::matches_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("route");
    QTest::addColumn<QVariantMap>("params");

    QTest::newRow("literal") << QByteArray("GET") << "/health/live" << "GET /health/live" << QVariantMap();
    QTest::newRow("literal, trailing slash")
        << QByteArray("GET") << "/health/live/" << "GET /health/live" << QVariantMap();
    QTest::newRow("same path, other method")
        << QByteArray("POST") << "/api/v1/pairs" << "POST /api/v1/pairs" << QVariantMap();
    QTest::newRow("literal registered before parameter")
        << QByteArray("GET") << "/api/v1/pairs/new" << "GET /api/v1/pairs/new" << QVariantMap();
    QTest::newRow("one parameter")
        << QByteArray("GET") << "/api/v1/pairs/42" << "GET /api/v1/pairs/<id>" << params({ { "id", "42" } });
    QTest::newRow("parameter, trailing slash")
        << QByteArray("DELETE") << "/api/v1/pairs/42/" << "DELETE /api/v1/pairs/<id>" << params({ { "id", "42" } });
    QTest::newRow("parameter then literal")
        << QByteArray("POST") << "/api/v1/pairs/7/runs" << "POST /api/v1/pairs/<id>/runs"
        << params({ { "id", "7" } });
    QTest::newRow("two parameters")
        << QByteArray("GET") << "/api/v1/systems/pacs/tables/parcels"
        << "GET /api/v1/systems/<system>/tables/<table>"
        << params({ { "system", "pacs" }, { "table", "parcels" } });
    QTest::newRow("parameter keeps its text")
        << QByteArray("GET") << "/api/v1/systems/Cama-2%20x/stats" << "GET /api/v1/systems/<system>/stats"
        << params({ { "system", "Cama-2%20x" } });
    QTest::newRow("rest, one segment")
        << QByteArray("GET") << "/files/readme.txt" << "GET /files/<*path>" << params({ { "path", "readme.txt" } });
    QTest::newRow("rest, many segments")
        << QByteArray("GET") << "/files/a/b/c.txt" << "GET /files/<*path>" << params({ { "path", "a/b/c.txt" } });
    QTest::newRow("parameter and rest")
        << QByteArray("POST") << "/proxy/syncd/api/v1/status" << "POST /proxy/<service>/<*rest>"
        << params({ { "service", "syncd" }, { "rest", "api/v1/status" } });
    QTest::newRow("HEAD served by GET")
        << QByteArray("HEAD") << "/api/v1/pairs/9" << "GET /api/v1/pairs/<id>" << params({ { "id", "9" } });
    QTest::newRow("HEAD on a literal")
        << QByteArray("HEAD") << "/health/live" << "GET /health/live" << QVariantMap();
}

void TestRouter::matches()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, route);
    QFETCH(QVariantMap, params);

    const Router router = sampleRouter();
    const Router::Match match = router.match(method, path);
    QVERIFY(match.handler);
    QCOMPARE(chosenRoute(match), route);
    QCOMPARE(QString::fromLatin1(match.info.method) + QLatin1Char(' ') + match.info.pattern, route);

    QVariantMap actual;
    for (auto it = match.params.cbegin(); it != match.params.cend(); ++it)
        actual.insert(it.key(), it.value());
    QCOMPARE(actual, params);
}

void TestRouter::notFound_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");

    QTest::newRow("unknown path") << QByteArray("GET") << "/nothing/here";
    QTest::newRow("root") << QByteArray("GET") << "/";
    QTest::newRow("prefix of a route") << QByteArray("GET") << "/api/v1";
    QTest::newRow("extra segment") << QByteArray("GET") << "/health/live/extra";
    QTest::newRow("extra segment after parameter") << QByteArray("GET") << "/api/v1/pairs/42/extra";
    QTest::newRow("case differs") << QByteArray("GET") << "/Health/Live";
    QTest::newRow("literal after parameter differs") << QByteArray("POST") << "/api/v1/pairs/7/run";
    QTest::newRow("unknown path, unknown method") << QByteArray("BREW") << "/coffee";
}

void TestRouter::notFound()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);

    const auto error = matchError(sampleRouter(), method, path);
    QVERIFY2(error.has_value(), "matched a path that no route has");
    QCOMPARE(error->kind(), tf::Error::Kind::NotFound);
}

void TestRouter::methodNotAllowed_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("allow");

    QTest::newRow("DELETE on collection")
        << QByteArray("DELETE") << "/api/v1/pairs" << strings({ "GET", "POST" });
    QTest::newRow("POST on item") << QByteArray("POST") << "/api/v1/pairs/42" << strings({ "GET", "PUT", "DELETE" });
    QTest::newRow("POST on literal") << QByteArray("POST") << "/health/live/" << strings({ "GET" });
    QTest::newRow("GET on POST-only") << QByteArray("GET") << "/api/v1/pairs/7/runs" << strings({ "POST" });
    QTest::newRow("HEAD on POST-only") << QByteArray("HEAD") << "/proxy/syncd/x" << strings({ "POST" });
    QTest::newRow("method names are case-sensitive") << QByteArray("get") << "/health/live" << strings({ "GET" });
}

void TestRouter::methodNotAllowed()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QStringList, allow);

    const auto error = matchError(sampleRouter(), method, path);
    QVERIFY2(error.has_value(), "a method without a route was accepted");
    QCOMPARE(error->kind(), tf::Error::Kind::MethodNotAllowed);

    QStringList actual;
    for (const QJsonValue &value : error->details().value(QStringLiteral("allow")).toArray())
        actual << value.toString();
    actual.sort();
    allow.sort();
    QCOMPARE(actual, allow);
}

void TestRouter::paramsDoNotLeakFromRejectedRoutes()
{
    // The first route binds <x> before failing on its last segment; the match must carry only
    // the parameters of the route that was chosen.
    Router router;
    router.add("GET", QStringLiteral("/a/<x>/b"), answer(QStringLiteral("x")));
    router.add("GET", QStringLiteral("/a/<y>/c"), answer(QStringLiteral("y")));
    const Router::Match match = router.match("GET", QStringLiteral("/a/1/c"));
    QCOMPARE(chosenRoute(match), QStringLiteral("y"));
    QCOMPARE(match.params.size(), 1);
    QCOMPARE(match.params.value(QStringLiteral("y")), QStringLiteral("1"));
}

void TestRouter::laterRouteWithRightMethodWins()
{
    // A route matching the path with another method must not hide a later one with this method.
    Router router;
    router.add("POST", QStringLiteral("/items/<id>"), answer(QStringLiteral("post")));
    router.add("DELETE", QStringLiteral("/items/<*rest>"), answer(QStringLiteral("delete")));
    router.add("GET", QStringLiteral("/items/<*rest>"), answer(QStringLiteral("get")));

    const Router::Match match = router.match("GET", QStringLiteral("/items/5"));
    QCOMPARE(chosenRoute(match), QStringLiteral("get"));
    QCOMPARE(match.params.value(QStringLiteral("rest")), QStringLiteral("5"));

    const auto error = matchError(router, "PATCH", QStringLiteral("/items/5"));
    QVERIFY(error.has_value());
    QCOMPARE(error->kind(), tf::Error::Kind::MethodNotAllowed);
    QStringList allow;
    for (const QJsonValue &value : error->details().value(QStringLiteral("allow")).toArray())
        allow << value.toString();
    allow.sort();
    QCOMPARE(allow, strings({ "DELETE", "GET", "POST" }));
}

void TestRouter::asyncHandlerReplies()
{
    Router router;
    Router::Reply pending;
    router.addAsync("POST", QStringLiteral("/jobs/<id>/cancel"),
                    [&pending](const ApiRequest &request, Router::Reply reply) {
                        QCOMPARE(request.pathParams.value(QStringLiteral("id")), QStringLiteral("12"));
                        pending = std::move(reply); // answered later, as a real async handler does
                    });

    const Router::Match match = router.match("POST", QStringLiteral("/jobs/12/cancel"));
    QVERIFY(match.handler);
    std::optional<ApiResponse> response;
    ApiRequest request;
    request.pathParams = match.params;
    (*match.handler)(request, [&response](ApiResponse r) { response = std::move(r); });
    QVERIFY(!response);
    QVERIFY(pending);
    pending(ApiResponse::json(QJsonObject{ { QStringLiteral("cancelled"), true } }, 202));
    QVERIFY(response);
    QCOMPARE(response->status, 202);
}

void TestRouter::routesKeepOrderAndOpenFlag()
{
    const Router router = sampleRouter();
    const QList<Router::RouteInfo> routes = router.routes();
    QCOMPARE(routes.size(), 12);
    QCOMPARE(routes.first().pattern, QStringLiteral("/health/live"));
    QVERIFY(routes.first().open);
    QCOMPARE(routes.at(1).method, QByteArray("GET"));
    QCOMPARE(routes.at(1).pattern, QStringLiteral("/api/v1/pairs"));
    QVERIFY(!routes.at(1).open);
    QCOMPARE(routes.last().pattern, QStringLiteral("/proxy/<service>/<*rest>"));

    QVERIFY(router.match("GET", QStringLiteral("/health/live")).info.open);
    QVERIFY(!router.match("GET", QStringLiteral("/api/v1/pairs")).info.open);
}

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"
