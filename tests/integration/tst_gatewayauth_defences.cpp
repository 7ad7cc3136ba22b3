// tf-gateway's defences as a real process: the failed-login ban, the token-bucket rate limits
// (with the service still answering everyone else), X-Forwarded-For from trusted proxies only,
// CORS for listed origins, security headers, and auth/required = false.
#include "gatewayauthfixture.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <algorithm>

using namespace tf;

namespace {

QString errorCode(const test::HttpResult &result)
{
    return result.json()
        .value(QStringLiteral("code"))
        .toString();
}

test::AuthGateway::Headers from(const char *address)
{
    return { { QByteArrayLiteral("X-Forwarded-For"), QByteArray(address) } };
}

} // namespace

class TestGatewayAuthDefences final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void failedLoginsBanUserAndAddress()
    {
        test::AuthGateway gateway;
        // The test's loopback connection is a trusted proxy, so X-Forwarded-For names the
        // "client" and one test can be several addresses.
        QVERIFY(gateway.start(
            { { QStringLiteral("TF_GATEWAY__TRUSTED_PROXIES"), QStringLiteral("127.0.0.1") } }));
        const QByteArray admin = gateway.loginAdmin();
        QVERIFY(!admin.isEmpty());
        const QByteArray victimSession
            = gateway.userSession(admin, QStringLiteral("victim"), QStringLiteral("viewer"),
                                  QStringLiteral("victim-password-1"));
        QVERIFY(!gateway
                     .userSession(admin, QStringLiteral("bystander"), QStringLiteral("viewer"),
                                  QStringLiteral("bystander-pass-1"))
                     .isEmpty());

        for (int i = 0; i < 5; ++i) {
            const auto failed = gateway.loginResult(QStringLiteral("victim"),
                                                    QStringLiteral("guess-number-%1").arg(i),
                                                    from("198.51.100.66"));
            QCOMPARE(failed.status, 401);
        }
        // Banned: even the right password, with Retry-After and a code naming the ban.
        const auto banned = gateway.loginResult(
            QStringLiteral("victim"), QStringLiteral("victim-password-1"), from("198.51.100.66"));
        QCOMPARE(banned.status, 429);
        QCOMPARE(errorCode(banned), QStringLiteral("login_banned"));
        const int retryAfter = banned.headers.value("retry-after").toInt();
        QVERIFY2(retryAfter > 14 * 60 && retryAfter <= 15 * 60,
                 banned.headers.value("retry-after").constData());
        QVERIFY(!banned.body.contains("victim-password-1"));
        // The username from another address, and another username from the banned address.
        QCOMPARE(gateway
                     .loginResult(QStringLiteral("victim"), QStringLiteral("victim-password-1"),
                                  from("198.51.100.7"))
                     .status,
                 429);
        QCOMPARE(gateway
                     .loginResult(QStringLiteral("bystander"), QStringLiteral("bystander-pass-1"),
                                  from("198.51.100.66"))
                     .status,
                 429);
        // Everyone else keeps working, and so do sessions that already exist.
        QCOMPARE(gateway
                     .loginResult(QStringLiteral("bystander"), QStringLiteral("bystander-pass-1"),
                                  from("198.51.100.7"))
                     .status,
                 200);
        QCOMPARE(gateway.call("GET", QStringLiteral("/api/auth/me"), {}, victimSession).status,
                 200);
        QCOMPARE(gateway.call("GET", QStringLiteral("/health")).status, 200);

        // Guesses sent in parallel do not get past the limit: once the fifth fails, the ones
        // still in flight are refused as banned too.
        QNetworkAccessManager manager;
        QList<QNetworkReply *> guesses;
        for (int i = 0; i < 8; ++i) {
            QNetworkRequest request(QUrl(gateway.base() + QStringLiteral("/api/auth/login")));
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
            request.setRawHeader("X-Forwarded-For", "198.51.100.77");
            guesses.append(manager.post(
                request,
                QJsonDocument(QJsonObject { { QStringLiteral("username"), QStringLiteral("ghost") },
                                            { QStringLiteral("password"),
                                              QStringLiteral("guess-%1").arg(i) } })
                    .toJson(QJsonDocument::Compact)));
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(guesses.cbegin(), guesses.cend(),
                                             [](QNetworkReply *r) { return r->isFinished(); }),
                                 15000);
        QMap<int, int> statuses;
        for (QNetworkReply *reply : std::as_const(guesses)) {
            ++statuses[reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()];
            delete reply;
        }
        QCOMPARE(statuses.value(401), 5);
        QCOMPARE(statuses.value(429), 3);

        QVERIFY(gateway.logFiles().contains("login banned"));
        QVERIFY(!gateway.logFiles().contains("guess-number"));
    }

    void forwardedForIsIgnoredFromUntrustedPeers()
    {
        test::AuthGateway gateway;
        QVERIFY(gateway.start(
            { { QStringLiteral("TF_AUTH__MAX_FAILED_LOGINS"), QStringLiteral("2") } }));
        for (int i = 0; i < 2; ++i)
            QCOMPARE(gateway
                         .loginResult(QStringLiteral("admin"), QStringLiteral("wrong-%1").arg(i),
                                      from("198.51.100.%1"))
                         .status,
                     401);
        // A made-up X-Forwarded-For does not get around the ban of the real address.
        QCOMPARE(gateway
                     .loginResult(QStringLiteral("someone"), QStringLiteral("whatever-it-is"),
                                  from("203.0.113.99"))
                     .status,
                 429);
    }

    void rateLimitsPerTokenAndAddress()
    {
        test::AuthGateway gateway;
        QVERIFY(gateway.start(
            { { QStringLiteral("TF_GATEWAY__TRUSTED_PROXIES"), QStringLiteral("127.0.0.1") },
              { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("1") },
              { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_BURST"), QStringLiteral("5") },
              { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("1") },
              { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_BURST"), QStringLiteral("8") } }));
        // Each caller from its own forwarded address, so only the per-token bucket is hit.
        QByteArray admin;
        {
            const auto login = gateway.loginResult(QStringLiteral("admin"), gateway.adminPassword(),
                                                   from("198.51.100.1"));
            QCOMPARE(login.status, 200);
            admin = "Bearer " + login.json().value(QStringLiteral("token")).toString().toLatin1();
        }
        auto as = [&](const QByteArray &authorization, const char *address) {
            return test::http("GET", gateway.base() + QStringLiteral("/api/auth/me"), {},
                              { { QByteArrayLiteral("Authorization"), authorization },
                                { QByteArrayLiteral("X-Forwarded-For"), QByteArray(address) } });
        };
        int ok = 0;
        test::HttpResult limited;
        QList<qint64> remaining;
        for (int i = 0; i < 12 && limited.status != 429; ++i) {
            limited = as(admin, i % 2 ? "198.51.100.2" : "198.51.100.3");
            ok += limited.status == 200 ? 1 : 0;
            // Every answer, successes too, tells where the tightest bucket (the token's) stands.
            QCOMPARE(limited.headers.value("ratelimit-limit"), QByteArray("5"));
            QVERIFY(limited.headers.value("ratelimit-reset").toLongLong() >= 1);
            remaining << limited.headers.value("ratelimit-remaining").toLongLong();
        }
        QCOMPARE(limited.status, 429);
        QCOMPARE(remaining.last(), 0);
        for (int i = 1; i < remaining.size(); ++i)
            QVERIFY2(remaining.at(i) <= remaining.at(i - 1), qPrintable(QString::number(remaining.at(i))));
        QVERIFY(remaining.first() >= 3 && remaining.first() > remaining.at(qMin<qsizetype>(3, remaining.size() - 1)));
        QVERIFY2(ok >= 4 && ok <= 6, qPrintable(QString::number(ok)));
        QCOMPARE(errorCode(limited), QStringLiteral("rate_limited"));
        QVERIFY(limited.headers.value("retry-after").toInt() >= 1);
        QCOMPARE(limited.json()
                     .value(QStringLiteral("limit"))
                     .toString(),
                 QStringLiteral("token"));

        // The per-address bucket: open routes count too.
        test::HttpResult addressLimited;
        for (int i = 0; i < 20 && addressLimited.status != 429; ++i)
            addressLimited = test::http("GET", gateway.base() + QStringLiteral("/health/live"), {},
                                        from("198.51.100.50"));
        QCOMPARE(addressLimited.status, 429);
        QVERIFY(addressLimited.headers.value("retry-after").toInt() >= 1);
        QCOMPARE(addressLimited.headers.value("ratelimit-limit"), QByteArray("8"));
        QCOMPARE(addressLimited.headers.value("ratelimit-remaining"), QByteArray("0"));
        // An answer no route gave (404) shows the address's bucket as well.
        const auto unknown = test::http("GET", gateway.base() + QStringLiteral("/api/no-such-route"), {}, from("198.51.100.60"));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(unknown.headers.value("ratelimit-limit"), QByteArray("8"));
        // Others are still served.
        QCOMPARE(test::http("GET", gateway.base() + QStringLiteral("/health/live"), {},
                            from("198.51.100.51"))
                     .status,
                 200);
        QCOMPARE(gateway
                     .loginResult(QStringLiteral("admin"), gateway.adminPassword(),
                                  from("198.51.100.52"))
                     .status,
                 200);
    }

    void slowPasswordHashingDoesNotStallOthers()
    {
        // PBKDF2 at a high count takes a second or more; it runs beside the HTTP thread, so
        // the gateway answers other requests while a login is being checked.
        test::AuthGateway gateway;
        QVERIFY(gateway.start(
            { { QStringLiteral("TF_AUTH__PBKDF2_ITERATIONS"), QStringLiteral("400000") } }));
        QNetworkAccessManager manager;
        QNetworkRequest request(QUrl(gateway.base() + QStringLiteral("/api/auth/login")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        QElapsedTimer timer;
        timer.start();
        QNetworkReply *login = manager.post(
            request,
            QJsonDocument(QJsonObject { { QStringLiteral("username"), QStringLiteral("admin") },
                                        { QStringLiteral("password"), gateway.adminPassword() } })
                .toJson(QJsonDocument::Compact));
        QTRY_VERIFY_WITH_TIMEOUT(login->isRunning() && timer.elapsed() > 50, 5000);
        const auto health = gateway.call("GET", QStringLiteral("/health/live"));
        QCOMPARE(health.status, 200);
        QVERIFY2(!login->isFinished(), "the login finished before /health/live answered");
        QTRY_VERIFY_WITH_TIMEOUT(login->isFinished(), 30000);
        QCOMPARE(login->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        qInfo("login with 400000 PBKDF2 rounds took %lld ms; /health/live meanwhile took %lld ms",
              timer.elapsed(), health.elapsedMs);
        delete login;
    }

    void corsOnlyForConfiguredOrigins()
    {
        test::AuthGateway gateway;
        QVERIFY(gateway.start({ { QStringLiteral("TF_CORS__ALLOWED_ORIGINS"),
                                  QStringLiteral("https://console.example.org") } }));
        auto preflight = [&](const char *origin) {
            return test::http("OPTIONS", gateway.base() + QStringLiteral("/api/auth/me"), {},
                              { { "Origin", origin },
                                { "Access-Control-Request-Method", "GET" },
                                { "Access-Control-Request-Headers", "authorization" } });
        };
        const auto allowed = preflight("https://console.example.org");
        QCOMPARE(allowed.status, 204);
        QCOMPARE(allowed.headers.value("access-control-allow-origin"),
                 QByteArray("https://console.example.org"));
        QVERIFY(allowed.headers.value("access-control-allow-headers").contains("Authorization"));
        for (const char *header : { "If-Match", "Idempotency-Key", "Content-Type" })
            QVERIFY2(allowed.headers.value("access-control-allow-headers").contains(header), header);
        QVERIFY(allowed.headers.value("access-control-allow-methods").contains("DELETE"));
        QVERIFY(allowed.headers.value("access-control-allow-methods").contains("PATCH"));

        const auto refused = preflight("https://evil.example");
        QCOMPARE(refused.status, 403);
        QVERIFY(!refused.headers.contains("access-control-allow-origin"));
        QCOMPARE(refused.headers.value("content-type"), QByteArray("application/problem+json")); // RFC 9457

        const QByteArray admin = gateway.loginAdmin();
        const auto fromConsole = test::http(
            "GET", gateway.base() + QStringLiteral("/api/auth/me"), {},
            { { "Origin", "https://console.example.org" }, { "Authorization", admin } });
        QCOMPARE(fromConsole.status, 200);
        QCOMPARE(fromConsole.headers.value("access-control-allow-origin"),
                 QByteArray("https://console.example.org"));
        // A browser script may read the headers the conventions give it.
        for (const char *header : { "ETag", "Link", "Location", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
                                    "Idempotent-Replayed", "Page-Limit", "Retry-After", "X-Request-Id" })
            QVERIFY2(fromConsole.headers.value("access-control-expose-headers").contains(header), header);
        QVERIFY(fromConsole.headers.contains("ratelimit-remaining"));
        const auto fromElsewhere
            = test::http("GET", gateway.base() + QStringLiteral("/api/auth/me"), {},
                         { { "Origin", "https://evil.example" }, { "Authorization", admin } });
        QVERIFY(!fromElsewhere.headers.contains("access-control-allow-origin"));
        // OPTIONS that is not a preflight is still routed (405 with Allow).
        QCOMPARE(test::http("OPTIONS", gateway.base() + QStringLiteral("/api/auth/me")).status,
                 405);
    }

    void securityHeadersAndUnauthenticatedAnswers()
    {
        test::AuthGateway gateway;
        QVERIFY(gateway.start());
        const auto health = gateway.call("GET", QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.headers.value("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(health.headers.value("x-frame-options"), QByteArray("DENY"));
        QCOMPARE(health.headers.value("cache-control"), QByteArray("no-store"));
        QVERIFY(!health.headers.contains("strict-transport-security")); // only under TLS

        const auto anonymous = gateway.call("GET", QStringLiteral("/api/status"));
        QCOMPARE(anonymous.status, 401);
        QCOMPARE(errorCode(anonymous), QStringLiteral("unauthorized"));
        QVERIFY(anonymous.headers.value("www-authenticate").startsWith("Bearer"));
        const auto basic
            = gateway.call("GET", QStringLiteral("/api/status"), {}, "Basic YWRtaW46YWRtaW4=");
        QCOMPARE(basic.status, 401);
        QVERIFY(basic.headers.value("www-authenticate").contains("invalid_token"));
    }

    void authCanBeTurnedOffForViewersOnly()
    {
        test::AuthGateway gateway;
        QVERIFY(
            gateway.start({ { QStringLiteral("TF_AUTH__REQUIRED"), QStringLiteral("false") } }));
        const auto me = gateway.call("GET", QStringLiteral("/api/auth/me"));
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json().value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        QVERIFY(!me.json().value(QStringLiteral("authenticated")).toBool());
        QCOMPARE(gateway.call("GET", QStringLiteral("/api/users")).status, 403);
        QCOMPARE(gateway
                     .call("POST", QStringLiteral("/api/tokens"),
                           QJsonObject { { QStringLiteral("name"), QStringLiteral("x") } })
                     .status,
                 403);
        // A token that is sent is still checked.
        QCOMPARE(
            gateway.call("GET", QStringLiteral("/api/auth/me"), {}, "Bearer tfs_nonsense").status,
            401);
        QVERIFY(gateway.logFiles().contains("AUTHENTICATION IS OFF"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayAuthDefences)
#include "tst_gatewayauth_defences.moc"
