// The OpenAPI files describe every route the services register, and nothing they do not:
// resources/openapi-syncd.yaml for tf-syncd, resources/openapi.yaml for tf-gateway.
#include "auth/permissions.h"
#include "gateway/gatewayapp.h"
#include "gateway/gatewaysettings.h"
#include "syncd/syncdapp.h"
#include "openapioperations.h"
#include "testsupport.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace tf;

namespace {

// "METHOD /path/{param}" for every operation in an OpenAPI file.
QSet<QString> documentedRoutes(const QString &file)
{
    QSet<QString> routes;
    for (const test::DocumentedOperation &operation : test::documentedOperations(file))
        routes.insert(operation.key());
    return routes;
}

// "METHOD /path/{param}" -> what the operation declares: x-permission (a permission name, or
// "open" for routes without credentials) and x-roles (the roles that hold it).
QHash<QString, test::DocumentedOperation> documentedAccess(const QString &file)
{
    QHash<QString, test::DocumentedOperation> access;
    for (const test::DocumentedOperation &operation : test::documentedOperations(file))
        access.insert(operation.key(), operation);
    return access;
}

// The operations marked "x-pending: <why>": documented ahead of the code, so their absence
// from the registry is not a failure. Once the route is registered the marker should go.
QSet<QString> pendingRoutes(const QString &file)
{
    QSet<QString> pending;
    for (const test::DocumentedOperation &operation : test::documentedOperations(file)) {
        if (operation.pending)
            pending.insert(operation.key());
    }
    return pending;
}

QString documentedKey(const http::Router::RouteInfo &route)
{
    static const QRegularExpression param(QStringLiteral("<\\*?([^>]+)>"));
    QString path = route.pattern;
    path.replace(param, QStringLiteral("{\\1}"));
    return QString::fromLatin1(route.method) + QLatin1Char(' ') + path;
}

QSet<QString> registeredRoutes(const QList<http::Router::RouteInfo> &routes)
{
    static const QRegularExpression param(QStringLiteral("<\\*?([^>]+)>"));
    QSet<QString> out;
    for (const auto &route : routes) {
        QString path = route.pattern;
        path.replace(param, QStringLiteral("{\\1}"));
        out.insert(QString::fromLatin1(route.method) + QLatin1Char(' ') + path);
    }
    return out;
}

ServiceContext contextFor(const QString &program, const QString &dataDir, QHash<QString, QString> defaults)
{
    const QHash<QString, QString> common = ServiceContext::commonDefaults();
    for (auto it = common.cbegin(); it != common.cend(); ++it)
        defaults.insert(it.key(), it.value());
    Config::Inputs inputs;
    inputs.defaults = defaults;
    inputs.environment = test::ServiceProcess::cleanEnvironment();
    ServiceContext context;
    context.program = program;
    context.config = Config::load(inputs);
    context.dataDir = dataDir;
    context.databaseUrl = QStringLiteral("sqlite://") + dataDir + QStringLiteral("/terrafusion.db");
    context.bindAddress = QHostAddress(QHostAddress::LocalHost);
    context.port = 0;
    context.nodeId = program + QStringLiteral("-contract");
    return context;
}

void compare(const QSet<QString> &registered, const QSet<QString> &documented, const char *file)
{
    const QSet<QString> pending = pendingRoutes(qEnvironmentVariable("TF_SOURCE_DIR") + QLatin1Char('/') + QLatin1String(file));
    for (const QString &route : pending) {
        if (registered.contains(route))
            qWarning("%s: %s is registered now; drop its x-pending marker", file, qPrintable(route));
    }
    QStringList undocumented = QStringList(registered.cbegin(), registered.cend());
    undocumented.removeIf([&](const QString &route) { return documented.contains(route); });
    QStringList stale = QStringList(documented.cbegin(), documented.cend());
    stale.removeIf([&](const QString &route) { return registered.contains(route) || pending.contains(route); });
    undocumented.sort();
    stale.sort();
    QVERIFY2(undocumented.isEmpty(), qPrintable(QStringLiteral("routes missing from %1: %2").arg(QLatin1String(file), undocumented.join(QStringLiteral(", ")))));
    QVERIFY2(stale.isEmpty(), qPrintable(QStringLiteral("%1 describes routes that do not exist: %2").arg(QLatin1String(file), stale.join(QStringLiteral(", ")))));
}

} // namespace

class TestApiContract final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void syncdRoutesAreDocumented()
    {
        QTemporaryDir dir;
        ServiceContext context = contextFor(QStringLiteral("tf-syncd"), dir.path(),
                                            { { QStringLiteral("server/port"), QStringLiteral("0") },
                                              { QStringLiteral("sync/workers"), QStringLiteral("0") } });
        syncd::SyncdApp app(context);
        app.start();
        const QSet<QString> registered = registeredRoutes(app.routes());
        QVERIFY(registered.size() > 20);
        compare(registered, documentedRoutes(qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/resources/openapi-syncd.yaml")),
                "resources/openapi-syncd.yaml");
    }

    void gatewayRoutesAreDocumented()
    {
        QTemporaryDir dir;
        ServiceContext context = contextFor(QStringLiteral("tf-gateway"), dir.path(), gateway::GatewaySettings::defaults());
        context.config.set(QStringLiteral("gateway/supervise_sync"), QStringLiteral("false"), Config::Origin::Flag, QStringLiteral("test"));
        context.config.set(QStringLiteral("gateway/sync_port"), QString::number(test::freePort()), Config::Origin::Flag, QStringLiteral("test"));
        const gateway::GatewaySettings settings = gateway::GatewaySettings::fromContext(context);
        gateway::GatewayApp app(context, settings);
        app.start();
        const QSet<QString> registered = registeredRoutes(app.routes());
        QVERIFY(registered.contains(QStringLiteral("GET /api/status")));
        compare(registered, documentedRoutes(qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/resources/openapi.yaml")),
                "resources/openapi.yaml");
    }

    void gatewayRoutesDeclareTheirPermission()
    {
        // Each operation of resources/openapi.yaml says what it needs, and that matches the
        // route's permission and the permission table: x-permission: <name> and x-roles: [...],
        // or x-permission: open for the routes reachable without credentials.
        QTemporaryDir dir;
        ServiceContext context = contextFor(QStringLiteral("tf-gateway"), dir.path(), gateway::GatewaySettings::defaults());
        context.config.set(QStringLiteral("gateway/supervise_sync"), QStringLiteral("false"), Config::Origin::Flag, QStringLiteral("test"));
        context.config.set(QStringLiteral("gateway/sync_port"), QString::number(test::freePort()), Config::Origin::Flag, QStringLiteral("test"));
        context.config.set(QStringLiteral("auth/pbkdf2_iterations"), QStringLiteral("1000"), Config::Origin::Flag, QStringLiteral("test"));
        gateway::GatewayApp app(context, gateway::GatewaySettings::fromContext(context));
        app.start();
        const QHash<QString, test::DocumentedOperation> access
            = documentedAccess(qEnvironmentVariable("TF_SOURCE_DIR") + QStringLiteral("/resources/openapi.yaml"));
        QStringList problems;
        for (const http::Router::RouteInfo &route : app.routes()) {
            const QString key = documentedKey(route);
            if (!access.contains(key))
                continue; // gatewayRoutesAreDocumented reports it
            const test::DocumentedOperation declared = access.value(key);
            const QString permission = route.open ? QStringLiteral("open") : auth::permissionName(route.permission);
            if (declared.permission != permission)
                problems << QStringLiteral("%1: x-permission is '%2', the route needs '%3'").arg(key, declared.permission, permission);
            if (route.open) {
                if (declared.hasRoles && !declared.roles.isEmpty())
                    problems << QStringLiteral("%1: open, so no x-roles").arg(key);
                continue;
            }
            const QStringList roles = auth::rolesAllowed(route.permission);
            if (!declared.hasRoles || declared.roles != roles)
                problems << QStringLiteral("%1: x-roles is [%2], the permission table says [%3]")
                                .arg(key, declared.roles.join(QStringLiteral(", ")), roles.join(QStringLiteral(", ")));
        }
        problems.sort();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestApiContract)
#include "tst_apicontract.moc"
