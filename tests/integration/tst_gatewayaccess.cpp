// The route x role matrix of tf-gateway: every route the gateway registers (read from
// GatewayApp::routes(), so routes added later are covered without touching this file) is
// called with no token, malformed tokens, an unknown, an expired and a revoked token (401),
// and as every role with a session and with an API token: 403 exactly when the permission
// table (shared/auth/permissions.cpp) says the role lacks the route's permission, never 401
// or 403 when it holds it. Open routes answer without credentials.
#include "auth/bearertoken.h"
#include "auth/permissions.h"
#include "db/controldatabase.h"
#include "db/repositories/tokenrepository.h"
#include "gateway/gatewayapp.h"
#include "gateway/gatewaysettings.h"
#include "gatewayauthfixture.h"

#include <QRegularExpression>
#include <QTest>

using namespace tf;

namespace {

// Values for path parameters that cannot do harm: ids that do not exist, names that do not.
QString concretePath(const QString &pattern)
{
    static const QRegularExpression param(QStringLiteral("<\\*?([^>]+)>"));
    QString path = pattern;
    QRegularExpressionMatch match;
    while ((match = param.match(path)).hasMatch()) {
        const QString name = match.captured(1).toLower();
        const QString value = name == QLatin1String("id") || name.endsWith(QLatin1String("_id"))
                || name.endsWith(QLatin1String("id"))
            ? QStringLiteral("999999999")
            : QStringLiteral("nosuch");
        path.replace(match.capturedStart(), match.capturedLength(), value);
    }
    return path;
}

QList<http::Router::RouteInfo> gatewayRoutes()
{
    QTemporaryDir dir;
    QHash<QString, QString> defaults = gateway::GatewaySettings::defaults();
    const QHash<QString, QString> common = ServiceContext::commonDefaults();
    for (auto it = common.cbegin(); it != common.cend(); ++it)
        defaults.insert(it.key(), it.value());
    Config::Inputs inputs;
    inputs.defaults = defaults;
    inputs.environment = test::ServiceProcess::cleanEnvironment();
    ServiceContext context;
    context.program = QStringLiteral("tf-gateway");
    context.config = Config::load(inputs);
    context.config.set(QStringLiteral("gateway/supervise_sync"), QStringLiteral("false"),
                       Config::Origin::Flag, QStringLiteral("test"));
    context.config.set(QStringLiteral("auth/pbkdf2_iterations"), QStringLiteral("1000"),
                       Config::Origin::Flag, QStringLiteral("test"));
    context.dataDir = dir.path();
    context.databaseUrl
        = QStringLiteral("sqlite://") + dir.path() + QStringLiteral("/terrafusion.db");
    context.bindAddress = QHostAddress(QHostAddress::LocalHost);
    context.port = 0;
    context.nodeId = QStringLiteral("access-matrix");
    gateway::GatewayApp app(context, gateway::GatewaySettings::fromContext(context));
    app.start();
    return app.routes();
}

const QStringList kRoles { QStringLiteral("admin"), QStringLiteral("operator"),
                           QStringLiteral("auditor"), QStringLiteral("viewer") };

} // namespace

class TestGatewayAccess final : public QObject
{
    Q_OBJECT

private:
    test::AuthGateway m_gateway;
    QList<http::Router::RouteInfo> m_routes;
    QHash<QString, QByteArray> m_credentials; // "admin session", "viewer api_token", "expired", ...
    QHash<QString, QString> m_passwords; // role -> password of its user
    QByteArray m_admin;
    int m_checked = 0;

    QByteArray apiToken(const QString &role, const QString &name)
    {
        const auto created = m_gateway.call(
            "POST", QStringLiteral("/api/tokens"),
            QJsonObject { { QStringLiteral("name"), name }, { QStringLiteral("role"), role } },
            m_admin);
        return created.status == 201
            ? "Bearer " + created.json().value(QStringLiteral("token")).toString().toLatin1()
            : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_routes = gatewayRoutes();
        QVERIFY(m_routes.size() >= 10);
        QVERIFY(m_gateway.start(
            { { QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0") },
              { QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0") },
              { QStringLiteral("TF_AUTH__MAX_FAILED_LOGINS"), QStringLiteral("1000") } }));
        m_admin = m_gateway.loginAdmin();
        QVERIFY(!m_admin.isEmpty());
        m_passwords.insert(QStringLiteral("admin"), m_gateway.adminPassword());
        m_credentials.insert(QStringLiteral("admin session"), m_admin);
        for (const QString &role : kRoles) {
            if (role != QLatin1String("admin")) {
                const QString password = role + QStringLiteral("-matrix-password");
                m_passwords.insert(role, password);
                const QByteArray session = m_gateway.userSession(
                    m_admin, QStringLiteral("matrix-") + role, role, password);
                QVERIFY2(!session.isEmpty(), qPrintable(role));
                m_credentials.insert(role + QStringLiteral(" session"), session);
            }
            const QByteArray token = apiToken(role, QStringLiteral("matrix ") + role);
            QVERIFY(!token.isEmpty());
            m_credentials.insert(role + QStringLiteral(" api_token"), token);
        }

        // Refused credentials of every kind.
        m_credentials.insert(QStringLiteral("malformed bearer"), "Bearer not-a-token");
        m_credentials.insert(QStringLiteral("malformed scheme"), "Basic YWRtaW46YWRtaW4=");
        m_credentials.insert(QStringLiteral("empty bearer"), "Bearer");
        m_credentials.insert(QStringLiteral("unknown token"),
                             "Bearer "
                                 + auth::issueToken(auth::TokenKind::Session).value.toLatin1());
        const QByteArray revoked
            = apiToken(QStringLiteral("admin"), QStringLiteral("matrix revoked"));
        const auto me = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, revoked);
        QCOMPARE(m_gateway
                     .call("DELETE",
                           QStringLiteral("/api/tokens/%1")
                               .arg(me.json().value(QStringLiteral("token_id")).toInteger()),
                           {}, m_admin)
                     .status,
                 200);
        m_credentials.insert(QStringLiteral("revoked token"), revoked);
        {
            // An admin session that expired a minute ago, written straight into the database.
            auto control
                = db::ControlDatabase::open(QStringLiteral("sqlite://") + m_gateway.dataDir()
                                                + QStringLiteral("/terrafusion.db"),
                                            false);
            const auth::IssuedToken issued = auth::issueToken(auth::TokenKind::Session);
            db::NewToken row;
            row.name = QStringLiteral("login");
            row.kind = QStringLiteral("session");
            row.tokenHash = issued.hash;
            row.prefix = issued.prefix;
            row.userId = m_gateway.call("GET", QStringLiteral("/api/auth/me"), {}, m_admin)
                             .json()
                             .value(QStringLiteral("user_id"))
                             .toInteger();
            QVERIFY(row.userId > 0);
            row.role = QStringLiteral("admin");
            row.expiresAt = QDateTime::currentDateTimeUtc().addSecs(-60);
            db::TokenRepository(control->database()).create(row);
            m_credentials.insert(QStringLiteral("expired session"),
                                 "Bearer " + issued.value.toLatin1());
            control->database().closeThreadConnection();
        }
    }

    void matrix_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("credential");
        QTest::addColumn<int>("expected"); // 401, 403, or 0 for "neither 401 nor 403"
        const QStringList refused { QStringLiteral("none"),
                                    QStringLiteral("malformed bearer"),
                                    QStringLiteral("malformed scheme"),
                                    QStringLiteral("empty bearer"),
                                    QStringLiteral("unknown token"),
                                    QStringLiteral("revoked token"),
                                    QStringLiteral("expired session") };
        for (const http::Router::RouteInfo &route : std::as_const(m_routes)) {
            const QString path = concretePath(route.pattern);
            const QString label
                = QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern;
            for (const QString &credential : refused) {
                QTest::newRow(qPrintable(label + QStringLiteral(" | ") + credential))
                    << route.method << path << credential << (route.open ? 0 : 401);
            }
            for (const QString &role : kRoles) {
                auth::Role parsed = auth::Role::Viewer;
                QVERIFY(auth::parseRole(role, &parsed));
                const int expected
                    = route.open || auth::roleAllows(parsed, route.permission) ? 0 : 403;
                for (const char *kind : { " session", " api_token" })
                    QTest::newRow(
                        qPrintable(label + QStringLiteral(" | ") + role + QLatin1String(kind)))
                        << route.method << path << (role + QLatin1String(kind)) << expected;
            }
        }
    }

    void matrix()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, credential);
        QFETCH(int, expected);
        QByteArray authorization = m_credentials.value(credential);
        const QString role = credential.section(QLatin1Char(' '), 0, 0);
        if (path == QLatin1String("/api/auth/logout")
            && credential.endsWith(QLatin1String(" session")) && kRoles.contains(role)) {
            // Logging out ends the session it is called with: use a fresh one of that role.
            authorization
                = m_gateway.login(role == QLatin1String("admin") ? QStringLiteral("admin")
                                                                 : QStringLiteral("matrix-") + role,
                                  m_passwords.value(role));
            QVERIFY(!authorization.isEmpty());
        }
        test::AuthGateway::Headers headers;
        if (!authorization.isEmpty())
            headers.append({ "Authorization", authorization });
        const QByteArray body = method == "GET" || method == "DELETE" || method == "HEAD"
            ? QByteArray()
            : QByteArrayLiteral("{}");
        const test::HttpResult result = test::http(method, m_gateway.base() + path, body, headers);
        ++m_checked;
        QVERIFY2(result.status != 0, qPrintable(result.error));
        const QString detail = QStringLiteral("%1 %2 as %3: %4 %5")
                                   .arg(QString::fromLatin1(method), path, credential)
                                   .arg(result.status)
                                   .arg(QString::fromUtf8(result.body.left(300)));
        if (expected == 0)
            QVERIFY2(result.status != 401 && result.status != 403, qPrintable(detail));
        else
            QVERIFY2(result.status == expected, qPrintable(detail));
        if (result.status == 401)
            QVERIFY(result.headers.value("www-authenticate").startsWith("Bearer"));
        QVERIFY2(result.status < 500 || result.status == 503,
                 qPrintable(detail)); // 503: no tf-syncd behind this gateway
    }

    void everyRouteNamesAKnownPermission()
    {
        QVERIFY(m_checked > 0);
        QSet<QString> seen;
        for (const http::Router::RouteInfo &route : std::as_const(m_routes)) {
            const QString key
                = QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern;
            QVERIFY2(!seen.contains(key), qPrintable(QStringLiteral("registered twice: ") + key));
            seen.insert(key);
            if (route.open) {
                // Only the health probes and the login are open.
                QVERIFY2(route.pattern.startsWith(QLatin1String("/health"))
                             || route.pattern == QLatin1String("/api/auth/login"),
                         qPrintable(key));
                continue;
            }
            QVERIFY2(!auth::permissionName(route.permission).isEmpty(), qPrintable(key));
        }
        for (const char *route : { "POST /api/auth/login", "GET /api/auth/me", "GET /api/users",
                                   "DELETE /api/tokens/<id>" })
            QVERIFY2(seen.contains(QLatin1String(route)), route);
    }
};

QTEST_GUILESS_MAIN(TestGatewayAccess)
#include "tst_gatewayaccess.moc"
