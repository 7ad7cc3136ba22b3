#include "servicetargets.h"

#include "tfctl/platformlocation.h"

#include "core/errors.h"
#include "core/logging.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcessEnvironment>

#include <cstdio>
#include <pwd.h>
#include <unistd.h>

namespace tf::tfctl {

namespace {

QUrl parseUrl(const QString &program, const QString &option, const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        CommandLine::exitWithUsageError(program, QStringLiteral("--%1: '%2' is not an http:// or https:// URL").arg(option, text));
    return url;
}

} // namespace

void addServiceTargetOptions(CommandLine &commandLine, int defaultTimeoutSeconds)
{
    commandLine.addValueOption(QStringLiteral("gateway-url"), QStringLiteral("URL"),
                               QStringLiteral("tf-gateway's base URL (default: the port in <data>/run/tf-gateway.port, else http://127.0.0.1:5000)."),
                               QStringLiteral("tfctl/gateway_url"));
    commandLine.addValueOption(QStringLiteral("sync-url"), QStringLiteral("URL"),
                               QStringLiteral("tf-syncd's base URL (default: the port in <data>/run/tf-syncd.port, else [gateway] sync_url or sync_port, 8080)."),
                               QStringLiteral("tfctl/sync_url"));
    commandLine.addValueOption(QStringLiteral("timeout"), QStringLiteral("SECONDS"),
                               QStringLiteral("How long to wait for a service to answer or become healthy (default %1).").arg(defaultTimeoutSeconds),
                               QStringLiteral("tfctl/timeout"));
}

ServiceTargets resolveServiceTargets(const CommandLine &commandLine, int defaultTimeoutSeconds)
{
    const QString program = commandLine.program();
    ServiceTargets targets;
    targets.timeoutSeconds = defaultTimeoutSeconds;
    if (commandLine.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        targets.timeoutSeconds = commandLine.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || targets.timeoutSeconds < 1 || targets.timeoutSeconds > 3600)
            CommandLine::exitWithUsageError(program, QStringLiteral("--timeout must be a number of seconds from 1 to 3600"));
    }
    QUrl gatewayUrl;
    if (commandLine.isSet(QStringLiteral("gateway-url")))
        gatewayUrl = parseUrl(program, QStringLiteral("gateway-url"), commandLine.value(QStringLiteral("gateway-url")));
    QUrl syncUrl;
    if (commandLine.isSet(QStringLiteral("sync-url")))
        syncUrl = parseUrl(program, QStringLiteral("sync-url"), commandLine.value(QStringLiteral("sync-url")));

    targets.service = platform::resolve(commandLine);
    const Config &config = targets.service.config;

    ops::ServiceControl::Options &control = targets.control;
    control.dataDir = targets.service.dataDir;
    control.databaseUrl = targets.service.databaseUrl;
    control.timeoutMs = targets.timeoutSeconds * 1000;
    control.gatewayUrlGiven = gatewayUrl.isValid();
    control.syncUrlGiven = syncUrl.isValid();
    const bool tls = !config.string(QStringLiteral("tls/certificate")).trimmed().isEmpty();
    control.gatewayUrl = gatewayUrl.isValid() ? gatewayUrl : QUrl(QStringLiteral("%1://127.0.0.1:5000").arg(tls ? QStringLiteral("https") : QStringLiteral("http")));
    if (syncUrl.isValid()) {
        control.syncUrl = syncUrl;
    } else {
        const QString configured = config.string(QStringLiteral("gateway/sync_url")).trimmed();
        const QString port = config.string(QStringLiteral("gateway/sync_port"), QStringLiteral("8080")).trimmed();
        control.syncUrl = configured.isEmpty() ? QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)) : QUrl(configured);
    }
    // A gateway tfctl starts itself (none was running): the tf-gateway beside tfctl, with the
    // data directory and configuration tfctl was given; the database URL in the environment.
    control.gatewayProgram = QCoreApplication::applicationDirPath() + QStringLiteral("/tf-gateway");
    control.gatewayArguments = { QStringLiteral("--data-dir"), targets.service.dataDir };
    if (!config.configFile().isEmpty())
        control.gatewayArguments << QStringLiteral("--config") << config.configFile();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (config.entry(QStringLiteral("database/url")).origin == Config::Origin::Flag)
        environment.insert(QStringLiteral("DATABASE_URL"), targets.service.databaseUrl);
    control.environment = environment.toStringList();
    return targets;
}

ops::HealthCheck::Targets ServiceTargets::healthTargets(const ops::ServiceControl &services) const
{
    const ops::RunningProcess gateway = services.gateway();
    const ops::RunningProcess sync = services.sync();
    ops::HealthCheck::Targets health;
    health.gatewayUrl = services.gatewayUrl(gateway);
    health.syncUrl = services.syncUrl(sync);
    health.databaseUrl = service.databaseUrl;
    health.gatewayPid = gateway.pid;
    health.syncPid = sync.pid;
    health.timeoutMs = qMin(timeoutSeconds, 30) * 1000;
    health.dataDir = service.dataDir;
    bool numeric = false; // tf-syncd validates the key; a bad value keeps the runbook's 85 here
    const double diskPercent = service.config.string(QStringLiteral("alerts/disk_percent")).trimmed().toDouble(&numeric);
    if (numeric)
        health.diskPercent = diskPercent;
    if (gateway.running())
        health.gatewayMode = gateway.systemdUnit.isEmpty() ? QStringLiteral("pid file") : QStringLiteral("systemd ") + gateway.systemdUnit;
    if (sync.running()) {
        if (!sync.systemdUnit.isEmpty())
            health.syncMode = QStringLiteral("systemd ") + sync.systemdUnit;
        else if (services.supervisesSync(gateway, sync))
            health.syncMode = QStringLiteral("supervised by tf-gateway %1").arg(gateway.pid);
        else
            health.syncMode = QStringLiteral("pid file");
    }
    return health;
}

QString osActor()
{
    return platform::actor();
}

void auditAction(const QString &databaseUrl, const http::AuditEvent &event)
{
    try {
        const db::DatabaseUrl url = db::DatabaseUrl::parse(databaseUrl);
        if (!url.isPostgres() && !QFileInfo::exists(url.sqlitePath))
            throw Error(Error::Kind::Unavailable, QStringLiteral("%1 does not exist").arg(url.sqlitePath));
        auto control = db::ControlDatabase::open(url, false);
        if (!http::recordAudit(control->database(), osActor(), QStringLiteral("local"), event))
            std::fprintf(stderr, "tfctl: warning: the audit entry %s was not stored\n", qPrintable(event.eventType));
    } catch (const Error &error) {
        std::fprintf(stderr, "tfctl: warning: the audit entry %s was not stored: %s\n", qPrintable(event.eventType),
                     qPrintable(error.message()));
    }
}

} // namespace tf::tfctl
