// Hostile input at tf-gateway: huge bodies and headers, broken JSON, wrong types, SQL-looking
// strings, path tricks and unicode in every field. Each gets a 4xx JSON answer that names the
// problem (never a 500), stored text comes back exactly as given, and the gateway keeps
// answering everyone.
#include "gatewayauthfixture.h"

#include <QJsonArray>
#include <QTest>

using namespace tf;

class TestGatewayHostile final : public QObject
{
    Q_OBJECT

private:
    test::AuthGateway m_gateway;
    QByteArray m_admin;

    static QString code(const test::HttpResult &result)
    {
        return result.json()
            .value(QStringLiteral("code"))
            .toString();
    }

    // A 4xx as RFC 9457 problem details.
    static bool refusedWithJson(const test::HttpResult &result, int status)
    {
        return result.status == status
            && result.headers.value("content-type").startsWith("application/problem+json")
            && result.json().value(QStringLiteral("status")).toInt() == status
            && !code(result).isEmpty()
            && !result.json()
                    .value(QStringLiteral("detail"))
                    .toString()
                    .isEmpty();
    }

    test::HttpResult raw(const QByteArray &method, const QString &path, const QByteArray &body,
                         const QByteArray &authorization = {})
    {
        test::AuthGateway::Headers headers { { "Content-Type", "application/json" } };
        if (!authorization.isEmpty())
            headers.append({ "Authorization", authorization });
        return test::http(method, m_gateway.base() + path, body, headers, 30000);
    }

    void stillServing()
    {
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/health")).status, 200);
        QCOMPARE(m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, m_admin).status, 200);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_gateway.start(
            { { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0") },
              { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0") },
              { QStringLiteral("TF_AUTH__MAX_FAILED_LOGINS"), QStringLiteral("1000") } }));
        m_admin = m_gateway.loginAdmin();
        QVERIFY(!m_admin.isEmpty());
    }

    void hugeBodyAndHeader()
    {
        const auto body
            = raw("POST", QStringLiteral("/api/auth/login"), QByteArray(50 * 1024 * 1024, 'a'));
        QVERIFY2(refusedWithJson(body, 413), body.body.left(300).constData());
        const auto header = test::http(
            "GET", m_gateway.base() + QStringLiteral("/api/auth/me"), {},
            { { "Authorization", m_admin }, { "X-Huge", QByteArray(1024 * 1024, 'h') } }, 30000);
        QVERIFY2(refusedWithJson(header, 431), header.body.left(300).constData());
        const auto url = test::http("GET",
                                    m_gateway.base() + QStringLiteral("/api/users/")
                                        + QString(20000, QLatin1Char('9')));
        QVERIFY2(refusedWithJson(url, 414), url.body.left(300).constData());
        stillServing();
    }

    void brokenJson_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        const QString login = QStringLiteral("/api/auth/login");
        const QString users = QStringLiteral("/api/users");
        const QString tokens = QStringLiteral("/api/tokens");
        QTest::newRow("login truncated")
            << login << QByteArray("{\"username\": \"admin\", \"pass") << 400;
        QTest::newRow("login array") << login << QByteArray("[1,2,3]") << 400;
        QTest::newRow("login string") << login << QByteArray("\"admin\"") << 400;
        QTest::newRow("login null") << login << QByteArray("null") << 400;
        QTest::newRow("login empty") << login << QByteArray() << 400;
        QTest::newRow("login binary") << login << QByteArray("\x00\xff\xfe{", 4) << 400;
        QTest::newRow("login number name")
            << login << QByteArray("{\"username\": 42, \"password\": \"x\"}") << 422;
        QTest::newRow("login object password")
            << login << QByteArray("{\"username\": \"admin\", \"password\": {\"$ne\": null}}")
            << 422;
        QTest::newRow("login array password")
            << login << QByteArray("{\"username\": \"admin\", \"password\": [\"a\"]}") << 422;
        QTest::newRow("login extra field")
            << login
            << QByteArray("{\"username\": \"admin\", \"password\": \"x\", \"admin\": true}") << 422;
        QTest::newRow("users truncated") << users << QByteArray("{\"username\":") << 400;
        QTest::newRow("users role number")
            << users
            << QByteArray("{\"username\": \"u1\", \"password\": \"long-enough-pass\", \"role\": 1}")
            << 422;
        QTest::newRow("users flag string")
            << users
            << QByteArray("{\"username\": \"u1\", \"password\": \"long-enough-pass\", \"role\": "
                          "\"viewer\", \"must_change_password\": \"yes\"}")
            << 422;
        QTest::newRow("users sql name")
            << users
            << QByteArray("{\"username\": \"x'); DROP TABLE users;--\", \"password\": "
                          "\"long-enough-pass\", \"role\": \"viewer\"}")
            << 422;
        QTest::newRow("users path name")
            << users
            << QByteArray("{\"username\": \"../../etc/passwd\", \"password\": "
                          "\"long-enough-pass\", \"role\": \"viewer\"}")
            << 422;
        QTest::newRow("users unicode name")
            << users
            << QByteArray("{\"username\": \"jürgen✓\", \"password\": \"long-enough-pass\", "
                          "\"role\": \"viewer\"}")
            << 422;
        QTest::newRow("users unicode role")
            << users
            << QByteArray("{\"username\": \"u2\", \"password\": \"long-enough-pass\", \"role\": "
                          "\"ädmin\"}")
            << 422;
        QTest::newRow("tokens days float")
            << tokens
            << QByteArray("{\"name\": \"t\", \"role\": \"viewer\", \"expires_in_days\": 1.5}")
            << 422;
        QTest::newRow("tokens days string")
            << tokens
            << QByteArray("{\"name\": \"t\", \"role\": \"viewer\", \"expires_in_days\": \"7\"}")
            << 422;
        QTest::newRow("tokens days huge")
            << tokens
            << QByteArray("{\"name\": \"t\", \"role\": \"viewer\", \"expires_in_days\": 1e300}")
            << 422;
        QTest::newRow("tokens name newline")
            << tokens << QByteArray("{\"name\": \"a\\nb\", \"role\": \"viewer\"}") << 422;
        QTest::newRow("tokens name long")
            << tokens
            << (QByteArray("{\"role\": \"viewer\", \"name\": \"") + QByteArray(5000, 'n') + "\"}")
            << 422;
    }

    void brokenJson()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        const auto result = raw("POST", path, body,
                                path.endsWith(QLatin1String("login")) ? QByteArray() : m_admin);
        QVERIFY2(refusedWithJson(result, status),
                 QByteArray(QByteArray::number(result.status) + ' ' + result.body).constData());
        stillServing();
    }

    void hostileLoginsAreOrdinaryFailures_data()
    {
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("password");
        QTest::newRow("sql") << QStringLiteral("admin' OR '1'='1' --")
                             << QStringLiteral("' OR 1=1 --");
        QTest::newRow("sql in password")
            << QStringLiteral("admin") << QStringLiteral("x' OR 'x'='x");
        QTest::newRow("path") << QStringLiteral("../../../etc/shadow")
                              << QStringLiteral("../../..");
        QTest::newRow("unicode") << QStringLiteral("管理者") << QStringLiteral("пароль-🔑-ü");
        QTest::newRow("nul") << QStringLiteral("admin\u0000") << QStringLiteral("x");
        QTest::newRow("long") << QString(100000, QLatin1Char('u'))
                              << QString(100000, QLatin1Char('p'));
    }

    void hostileLoginsAreOrdinaryFailures()
    {
        QFETCH(QString, username);
        QFETCH(QString, password);
        const auto result = m_gateway.loginResult(username, password);
        QVERIFY2(refusedWithJson(result, 401),
                 QByteArray(QByteArray::number(result.status) + ' ' + result.body.left(300))
                     .constData());
        stillServing();
    }

    void hostileTextIsStoredAsGiven()
    {
        // Names are data: SQL, path pieces and unicode come back byte for byte.
        for (const QString &name :
             { QStringLiteral("'; DROP TABLE api_tokens; --"), QStringLiteral("../../etc/passwd"),
               QStringLiteral("導出 ✓ — naïve ☃"), QStringLiteral("%00%2e%2e/\\x00") }) {
            const auto created = m_gateway.call(
                "POST", QStringLiteral("/api/tokens"),
                QJsonObject { { QStringLiteral("name"), name },
                              { QStringLiteral("role"), QStringLiteral("viewer") } },
                m_admin);
            QCOMPARE(created.status, 201);
            QCOMPARE(created.json().value(QStringLiteral("name")).toString(), name);
            const qint64 id = created.json().value(QStringLiteral("id")).toInteger();
            bool found = false;
            for (const QJsonValue &item :
                 m_gateway.call("GET", QStringLiteral("/api/tokens"), {}, m_admin)
                     .json()
                     .value(QStringLiteral("items"))
                     .toArray())
                found |= item.toObject().value(QStringLiteral("id")).toInteger() == id
                    && item.toObject().value(QStringLiteral("name")).toString() == name;
            QVERIFY(found);
        }
        // A unicode password of 12+ characters is a fine password.
        const QString password = QStringLiteral("пароль-🔑-ü-日本語");
        QVERIFY(
            !m_gateway
                 .userSession(m_admin, QStringLiteral("ivan"), QStringLiteral("viewer"), password)
                 .isEmpty());
        stillServing();
    }

    void hostilePathParameters_data()
    {
        // A malformed id is the caller's mistake (400 invalid_id); a path that matches no
        // route is 404.
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::newRow("dot dot") << QStringLiteral("/api/users/..%2F..%2Fetc%2Fpasswd") << 404;
        QTest::newRow("sql") << QStringLiteral("/api/users/1%20OR%201=1") << 400;
        QTest::newRow("negative") << QStringLiteral("/api/users/-1") << 400;
        QTest::newRow("huge") << QStringLiteral("/api/users/99999999999999999999999") << 400;
        QTest::newRow("unicode") << QStringLiteral("/api/users/%E2%9C%93") << 400;
        QTest::newRow("token") << QStringLiteral("/api/tokens/abc") << 400;
    }

    void hostilePathParameters()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        const QByteArray method = path.startsWith(QLatin1String("/api/tokens"))
            ? QByteArray("DELETE")
            : QByteArray("GET");
        const auto result
            = test::http(method, m_gateway.base() + path, {}, { { "Authorization", m_admin } });
        QVERIFY2(refusedWithJson(result, status),
                 QByteArray(QByteArray::number(result.status) + ' ' + result.body).constData());
        if (status == 400)
            QCOMPARE(code(result), QStringLiteral("invalid_id"));
    }

    void hostileAuthorizationHeaders_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::newRow("sql") << QByteArray("Bearer ' OR 1=1 --");
        QTest::newRow("no scheme") << QByteArray("tfs_abc");
        QTest::newRow("basic") << QByteArray("Basic YWRtaW46cGFzc3dvcmQ=");
        QTest::newRow("empty bearer") << QByteArray("Bearer ");
        QTest::newRow("long") << (QByteArray("Bearer tfs_") + QByteArray(8000, 'A'));
        QTest::newRow("utf8") << QByteArray("Bearer tfs_\xc3\xa4\xc3\xb6\xc3\xbc");
    }

    void hostileAuthorizationHeaders()
    {
        QFETCH(QByteArray, authorization);
        const auto result = test::http("GET", m_gateway.base() + QStringLiteral("/api/auth/me"), {},
                                       { { "Authorization", authorization } });
        QVERIFY2(refusedWithJson(result, 401),
                 QByteArray(QByteArray::number(result.status) + ' ' + result.body).constData());
    }

    void cleanupTestCase()
    {
        if (m_gateway.port() == 0)
            return;
        QVERIFY(!m_gateway.process().output().contains("unexpected exception"));
        QVERIFY(!m_gateway.process().output().contains("internal error"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayHostile)
#include "tst_gatewayhostile.moc"
