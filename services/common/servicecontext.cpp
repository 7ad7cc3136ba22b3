#include "servicecontext.h"

#include "tlsconfiguration.h"

#include "core/errors.h"
#include "db/databaseurl.h"
#include "core/logging.h"
#include "core/paths.h"
#include "core/redact.h"

#include <QDir>
#include <QFile>
#include <QHostInfo>
#include <QSysInfo>

#include <cstdio>
#include <unistd.h>

namespace tf {

namespace {

// [gateway] and [syncd] port and bind are each service's own; [server] (read by both, so one
// shared file could put them on one port) is still honoured for one release, with a warning.
// A --port or --bind flag wins over both.
void applyServiceSection(const QString &program, Config &config)
{
    const QString section = program == QLatin1String("tf-gateway") ? QStringLiteral("gateway")
        : program == QLatin1String("tf-syncd")                     ? QStringLiteral("syncd")
                                                                   : QString();
    if (section.isEmpty())
        return;
    for (const QString &name : { QStringLiteral("port"), QStringLiteral("bind") }) {
        const QString shared = QStringLiteral("server/") + name;
        const Config::Entry sharedEntry = config.entry(shared);
        if (sharedEntry.origin == Config::Origin::File || sharedEntry.origin == Config::Origin::Environment) {
            std::fprintf(stderr, "%s: warning: [server] %s (from %s) is read by both services and will be "
                                 "removed; use [%s] %s\n",
                         qPrintable(program), qPrintable(name), qPrintable(sharedEntry.source), qPrintable(section),
                         qPrintable(name));
        }
        const QString own = section + QLatin1Char('/') + name;
        if (!config.contains(own) || sharedEntry.origin == Config::Origin::Flag)
            continue;
        const Config::Entry ownEntry = config.entry(own);
        config.set(shared, ownEntry.value, ownEntry.origin, ownEntry.source);
    }
}

} // namespace

QHash<QString, QString> ServiceContext::commonDefaults()
{
    return {
        { QStringLiteral("server/bind"), QStringLiteral("127.0.0.1") },
        { QStringLiteral("http/max_body_bytes"), QString::number(1024 * 1024) },
        { QStringLiteral("http/max_header_bytes"), QString::number(16 * 1024) },
        { QStringLiteral("http/max_url_bytes"), QString::number(8 * 1024) },
        { QStringLiteral("http/idle_timeout_ms"), QString::number(60 * 1000) },
        { QStringLiteral("http/max_connections_per_address"), QString::number(64) },
        { QStringLiteral("logging/retention_days"), QStringLiteral("7") },
        { QStringLiteral("logging/rules"), QStringLiteral("*.debug=false") },
    };
}

ServiceContext ServiceContext::resolve(const QString &program, const CommandLine &commandLine,
                                       QHash<QString, QString> defaults)
{
    const QHash<QString, QString> common = commonDefaults();
    for (auto it = common.cbegin(); it != common.cend(); ++it) {
        if (!defaults.contains(it.key()))
            defaults.insert(it.key(), it.value());
    }
    defaults.insert(QStringLiteral("paths/data_dir"), paths::defaultDataDir());

    Config::Inputs inputs;
    inputs.defaults = defaults;
    inputs.flags = commandLine.flags();
    ServiceContext context;
    context.program = program;
    context.config = Config::load(inputs);

    applyServiceSection(program, context.config);

    context.dataDir = QDir(context.config.string(QStringLiteral("paths/data_dir"))).absolutePath();
    context.port = static_cast<quint16>(context.config.integer(QStringLiteral("server/port"), 0, 65535));
    const QString bind = context.config.string(QStringLiteral("server/bind")).trimmed();
    if (bind == QLatin1String("localhost"))
        context.bindAddress = QHostAddress(QHostAddress::LocalHost);
    else if (bind == QLatin1String("*") || bind == QLatin1String("any"))
        context.bindAddress = QHostAddress(QHostAddress::Any);
    else if (!context.bindAddress.setAddress(bind))
        throw Error(Error::Kind::Validation,
                    QStringLiteral("server/bind (from %1): '%2' is not an IP address")
                        .arg(context.config.entry(QStringLiteral("server/bind")).source, bind));
    if (program == QLatin1String("tf-syncd")) {
        const QString certificate = context.config.string(QStringLiteral("syncd/tls_certificate")).trimmed();
        const QString privateKey = context.config.string(QStringLiteral("syncd/tls_private_key")).trimmed();
        if (certificate.isEmpty() != privateKey.isEmpty())
            throw Error(Error::Kind::Validation,
                        QStringLiteral("syncd/tls_certificate and syncd/tls_private_key must be set together (only %1 is)")
                            .arg(certificate.isEmpty() ? QStringLiteral("syncd/tls_private_key")
                                                       : QStringLiteral("syncd/tls_certificate")));
        if (!certificate.isEmpty())
            context.tls = http::loadTlsConfiguration(certificate, privateKey, http::TlsPolicy::fromConfig(context.config));
        // tf-syncd trusts one bearer token: it stays on loopback unless an administrator says
        // otherwise, and then only encrypted, so the token never crosses a network in clear.
        const bool allowRemote
            = context.config.string(QStringLiteral("syncd/allow_remote")).trimmed().toLower() == QLatin1String("true");
        if (!context.bindAddress.isLoopback() && (!allowRemote || !context.tls)) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("tf-syncd refuses to listen on %1 (from %2): only the gateway should reach it, "
                                       "and its service token must not cross a network in clear text; keep it on "
                                       "127.0.0.1, or set [syncd] allow_remote = true %3")
                            .arg(bind, context.config.entry(QStringLiteral("server/bind")).source,
                                 context.tls ? QStringLiteral("(TLS is set)")
                                             : QStringLiteral("and give it TLS with [syncd] tls_certificate and "
                                                              "tls_private_key")));
        }
    }
    context.limits = http::HttpLimits::fromConfig(context.config);

    context.databaseUrl = context.config.string(QStringLiteral("database/url")).trimmed();
    if (context.databaseUrl.isEmpty()) {
        context.embeddedDatabase = true;
        context.databaseUrl = QStringLiteral("sqlite://") + paths::sqliteDatabaseFile(context.dataDir);
    }
    try {
        db::DatabaseUrl::parse(context.databaseUrl);
    } catch (const Error &error) {
        const QString source = context.config.entry(QStringLiteral("database/url")).source;
        throw Error(error.kind(), QStringLiteral("%1 (from %2)").arg(error.message(), source), error.details());
    }
    context.nodeId = context.config.string(QStringLiteral("node/id"));
    if (context.nodeId.isEmpty())
        context.nodeId = QHostInfo::localHostName() + QLatin1Char('-') + QString::number(::getpid());
    return context;
}

void ServiceContext::installLogging() const
{
    paths::ensureDir(dataDir);
    logging::Options options;
    options.program = program;
    options.logDir = paths::ensureDir(paths::logsDir(dataDir));
    options.retentionDays = config.integer(QStringLiteral("logging/retention_days"), 1, 3650);
    options.rules = config.string(QStringLiteral("logging/rules")).replace(QLatin1Char(','), QLatin1Char('\n'));
    logging::install(options);
}

void ServiceContext::writeRunFiles(quint16 boundPort) const
{
    const QString dir = paths::ensureDir(paths::runDir(dataDir));
    paths::writeFileAtomically(dir + QLatin1Char('/') + program + QStringLiteral(".pid"),
                               QByteArray::number(::getpid()) + '\n',
                               QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    paths::writeFileAtomically(dir + QLatin1Char('/') + program + QStringLiteral(".port"),
                               QByteArray::number(boundPort) + '\n',
                               QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
}

void ServiceContext::removeRunFiles() const
{
    const QString dir = paths::runDir(dataDir);
    QFile::remove(dir + QLatin1Char('/') + program + QStringLiteral(".pid"));
    QFile::remove(dir + QLatin1Char('/') + program + QStringLiteral(".port"));
}

int runService(const QString &program, const std::function<int()> &body)
{
    try {
        return body();
    } catch (const Error &error) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(program), qPrintable(redactSecrets(error.message())));
        std::fflush(stderr);
        return error.kind() == Error::Kind::Validation || error.kind() == Error::Kind::BadRequest ? 2 : 1;
    }
}

} // namespace tf
