// The gateway's access settings, client address resolution (X-Forwarded-For) and CORS policy.
#include "common/apirequest.h"
#include "core/config.h"
#include "core/errors.h"
#include "common/tlsconfiguration.h"
#include "gateway/auth/accesssettings.h"
#include "gateway/auth/clientaddress.h"
#include "gateway/auth/corspolicy.h"
#include "gateway/gatewaysettings.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace tf;
using namespace tf::gateway;

namespace {

Config configWith(const QHash<QString, QString> &values)
{
    Config::Inputs inputs;
    inputs.defaults = GatewaySettings::defaults();
    inputs.environment = QProcessEnvironment();
    Config config = Config::load(inputs);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        config.set(it.key(), it.value(), Config::Origin::Flag, QStringLiteral("test"));
    return config;
}

} // namespace

class TestAccessPieces final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreSafe()
    {
        const AccessSettings settings = AccessSettings::fromConfig(configWith({}));
        QVERIFY(settings.authRequired);
        QCOMPARE(settings.sessionTtlMinutes, 480);
        QCOMPARE(settings.maxFailedLogins, 5);
        QCOMPARE(settings.banMinutes, 15);
        QVERIFY(settings.pbkdf2Iterations >= 100000);
        QVERIFY(settings.perTokenRps > 0 && settings.perAddressRps > 0);
        QVERIFY(settings.corsOrigins.isEmpty());
        QVERIFY(!settings.tlsEnabled());
        QVERIFY(settings.trustedProxies.isEmpty());
    }

    void badValuesNameTheKey_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("required") << "auth/required"
                                  << "maybe";
        QTest::newRow("ttl") << "auth/session_ttl_minutes"
                             << "0";
        QTest::newRow("iterations") << "auth/pbkdf2_iterations"
                                    << "10";
        QTest::newRow("rps") << "rate_limit/per_token_rps"
                             << "-1";
        QTest::newRow("cors star") << "cors/allowed_origins"
                                   << "*";
        QTest::newRow("cors path") << "cors/allowed_origins"
                                   << "https://a.example/console";
        QTest::newRow("cors scheme") << "cors/allowed_origins"
                                     << "ftp://a.example";
        QTest::newRow("proxy") << "gateway/trusted_proxies"
                               << "10.0.0.0/99";
        QTest::newRow("proxy name") << "gateway/trusted_proxies"
                                    << "proxy.example";
        QTest::newRow("cert alone") << "tls/certificate"
                                    << "/tmp/cert.pem";
        QTest::newRow("key alone") << "tls/private_key"
                                   << "/tmp/key.pem";
    }

    void badValuesNameTheKey()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        try {
            AccessSettings::fromConfig(configWith({ { key, value } }));
            QFAIL("accepted");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(key.left(key.indexOf(QLatin1Char('/')))),
                     qPrintable(error.message()));
        }
    }

    void missingTlsFilesAreNamed()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("missing-cert.pem"));
        const QString key = dir.filePath(QStringLiteral("missing-key.pem"));
        try {
            AccessSettings::fromConfig(configWith({ { QStringLiteral("tls/certificate"), cert },
                                                    { QStringLiteral("tls/private_key"), key } }));
            QFAIL("accepted");
        } catch (const Error &error) {
            QCOMPARE(error.kind(), Error::Kind::Validation);
            QVERIFY2(error.message().contains(cert), qPrintable(error.message()));
        }
        QFile garbage(cert);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a certificate");
        garbage.close();
        try {
            http::loadTlsConfiguration(cert, key);
            QFAIL("accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(cert), qPrintable(error.message()));
        }
    }

    void originsAndProxiesParse()
    {
        const AccessSettings settings = AccessSettings::fromConfig(configWith({
            { QStringLiteral("cors/allowed_origins"),
              QStringLiteral("https://Console.Example.org, http://localhost:8080/") },
            { QStringLiteral("gateway/trusted_proxies"),
              QStringLiteral("10.0.0.0/8, 192.168.1.5, ::1") },
        }));
        QCOMPARE(settings.corsOrigins,
                 QStringList({ QStringLiteral("https://console.example.org"),
                               QStringLiteral("http://localhost:8080") }));
        QCOMPARE(settings.trustedProxies.size(), 3);
    }

    void forwardedForOnlyFromTrustedProxies()
    {
        const ClientAddressResolver resolver(
            { QHostAddress::parseSubnet(QStringLiteral("10.0.0.0/8")),
              { QHostAddress(QStringLiteral("192.168.1.5")), 32 } });
        const QHostAddress proxy(QStringLiteral("10.1.2.3"));
        const QHostAddress stranger(QStringLiteral("203.0.113.9"));
        // From a trusted proxy: the right-most address that is not a proxy.
        QCOMPARE(resolver.resolve(proxy, "198.51.100.7"),
                 QHostAddress(QStringLiteral("198.51.100.7")));
        QCOMPARE(resolver.resolve(proxy, "1.2.3.4, 198.51.100.7, 192.168.1.5"),
                 QHostAddress(QStringLiteral("198.51.100.7")));
        QCOMPARE(resolver.resolve(proxy, "198.51.100.7:4711"),
                 QHostAddress(QStringLiteral("198.51.100.7")));
        QCOMPARE(resolver.resolve(proxy, "[2001:db8::1]:443"),
                 QHostAddress(QStringLiteral("2001:db8::1")));
        // Garbage stops the walk at the last good hop.
        QCOMPARE(resolver.resolve(proxy, "not-an-ip"), proxy);
        QCOMPARE(resolver.resolve(proxy, ""), proxy);
        // From anyone else the header is ignored: no spoofing.
        QCOMPARE(resolver.resolve(stranger, "198.51.100.7"), stranger);
        // Mapped IPv4 is one address.
        QCOMPARE(ClientAddressResolver::normalized(QHostAddress(QStringLiteral("::ffff:10.1.2.3"))),
                 proxy);
        QCOMPARE(resolver.resolve(QHostAddress(QStringLiteral("::ffff:10.1.2.3")), "198.51.100.7"),
                 QHostAddress(QStringLiteral("198.51.100.7")));
        // No proxies configured: never read.
        QCOMPARE(ClientAddressResolver().resolve(proxy, "198.51.100.7"), proxy);
    }

    void corsOnlyForListedOrigins()
    {
        const CorsPolicy cors({ QStringLiteral("https://console.example.org") });
        http::ApiRequest preflight;
        preflight.method = "OPTIONS";
        preflight.path = QStringLiteral("/api/status");
        preflight.headers.insert("origin", "https://console.example.org");
        preflight.headers.insert("access-control-request-method", "GET");
        const std::optional<http::ApiResponse> allowed = cors.preflight(preflight);
        QVERIFY(allowed);
        QCOMPARE(allowed->status, 204);
        bool hasOrigin = false;
        for (const auto &header : allowed->headers)
            hasOrigin |= header.first == "Access-Control-Allow-Origin"
                && header.second == "https://console.example.org";
        QVERIFY(hasOrigin);

        preflight.headers.insert("origin", "https://evil.example");
        const std::optional<http::ApiResponse> refused = cors.preflight(preflight);
        QVERIFY(refused);
        QCOMPARE(refused->status, 403);
        for (const auto &header : refused->headers)
            QVERIFY(header.first != "Access-Control-Allow-Origin");

        http::ApiRequest plain;
        plain.method = "GET";
        QVERIFY(!cors.preflight(plain));
        plain.headers.insert("origin", "https://console.example.org");
        http::ApiResponse response = http::ApiResponse::json(QJsonObject {});
        cors.decorate(plain, response);
        QVERIFY(!response.headers.isEmpty());
        plain.headers.insert("origin", "https://evil.example");
        http::ApiResponse other = http::ApiResponse::json(QJsonObject {});
        cors.decorate(plain, other);
        QVERIFY(other.headers.isEmpty());
        QVERIFY(!CorsPolicy().allows("https://console.example.org"));
    }
};

QTEST_GUILESS_MAIN(TestAccessPieces)
#include "tst_accesspieces.moc"
