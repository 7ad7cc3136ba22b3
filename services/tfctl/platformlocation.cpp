#include "platformlocation.h"

#include "common/auditlog.h"
#include "core/errors.h"
#include "core/logging.h"
#include "core/paths.h"
#include "db/controldatabase.h"
#include "db/databaseurl.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QRegularExpression>
#include <QSet>

#include <cstdio>

#include <pwd.h>
#include <unistd.h>

namespace tf::tfctl::platform {
namespace {

// Names set from /etc/default/terrafusion in this process, to say so in the report.
QSet<QString> &fromEnvironmentFile()
{
    static QSet<QString> names;
    return names;
}

// Where the data directory choice came from, when it was not a flag, TF_DATA_DIR or the INI.
QString &dataDirReason()
{
    static QString reason;
    return reason;
}

bool holdsPlatform(const QString &dir)
{
    return QFileInfo::exists(paths::sqliteDatabaseFile(dir))
        || QFileInfo::exists(QDir(dir).filePath(QStringLiteral("secret.key")));
}

QString canonical(const QString &path)
{
    const QString resolved = QFileInfo(path).canonicalFilePath();
    return resolved.isEmpty() ? QDir::cleanPath(QDir(path).absolutePath()) : resolved;
}

// systemd's EnvironmentFile= format: KEY=value lines, # comments, optional quotes.
void applyEnvironmentFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return; // absent, or not readable by this account: the service's own secret
    static const QRegularExpression line(QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*$"));
    while (!file.atEnd()) {
        const QString text = QString::fromUtf8(file.readLine());
        if (text.trimmed().startsWith(QLatin1Char('#')) || text.trimmed().startsWith(QLatin1Char(';')))
            continue;
        const QRegularExpressionMatch match = line.match(text);
        if (!match.hasMatch())
            continue;
        const QString name = match.captured(1);
        QString value = match.captured(2);
        if (value.size() >= 2 && (value.startsWith(QLatin1Char('"')) || value.startsWith(QLatin1Char('\'')))
            && value.endsWith(value.front()))
            value = value.mid(1, value.size() - 2);
        if (qEnvironmentVariableIsSet(name.toLocal8Bit().constData()))
            continue; // the caller's environment wins, as a flag would
        qputenv(name.toLocal8Bit().constData(), value.toUtf8());
        fromEnvironmentFile().insert(name);
    }
}

// The packaged defaults, applied to this process's environment before the configuration is
// resolved, so that the services' precedence rules stay the only ones.
void applyPackagedDefaults(const CommandLine &commandLine)
{
    const QString flagDir = commandLine.flags().value(QStringLiteral("paths/data_dir"));
    QString dataDir = flagDir;
    if (dataDir.isEmpty())
        dataDir = qEnvironmentVariable("TF_DATA_DIR");
    if (dataDir.isEmpty()) {
        const QString user = paths::defaultDataDir();
        const QString packaged = QString::fromLatin1(kPackagedDataDir);
        if (!holdsPlatform(user) && QFileInfo(packaged).isDir()) {
            dataDir = packaged;
            qputenv("TF_DATA_DIR", packaged.toUtf8());
            dataDirReason() = QStringLiteral("the packaged service's, as %1 holds no platform").arg(user);
        }
    }
    if (dataDir.isEmpty() || canonical(dataDir) != canonical(QString::fromLatin1(kPackagedDataDir)))
        return;
    applyEnvironmentFile(QString::fromLatin1(kPackagedEnvironmentFile));
    if (commandLine.flags().value(QStringLiteral("config/file")).isEmpty() && !qEnvironmentVariableIsSet("TF_CONFIG")
        && QFileInfo::exists(QString::fromLatin1(kPackagedConfigFile))) {
        qputenv("TF_CONFIG", kPackagedConfigFile);
        fromEnvironmentFile().insert(QStringLiteral("TF_CONFIG"));
    }
}

QString describeSource(const QString &source)
{
    if (fromEnvironmentFile().contains(source))
        return QStringLiteral("%1 from %2").arg(source, QString::fromLatin1(kPackagedEnvironmentFile));
    if (source == QLatin1String("default"))
        return QStringLiteral("the default");
    if (source == QLatin1String("command line"))
        return QStringLiteral("from the command line");
    return QStringLiteral("from ") + source;
}

} // namespace

ServiceContext resolve(const CommandLine &commandLine)
{
    applyPackagedDefaults(commandLine);
    ServiceContext context = ServiceContext::resolve(QStringLiteral("tfctl"), commandLine,
                                                     { { QStringLiteral("server/port"), QStringLiteral("0") } });
    // tfctl talks to a person: warnings to stderr only, no log files of its own. Quiet by
    // default; TF_LOGGING__RULES (or [logging] rules) turns categories back on.
    logging::Options options;
    options.program = QStringLiteral("tfctl");
    options.rules = context.config.entry(QStringLiteral("logging/rules")).origin == Config::Origin::Default
        ? QStringLiteral("*.debug=false\n*.info=false")
        : context.config.string(QStringLiteral("logging/rules")).replace(QLatin1Char(','), QLatin1Char('\n'));
    logging::install(options);

    const Config::Entry dirEntry = context.config.entry(QStringLiteral("paths/data_dir"));
    QString dirWhy = dataDirReason().isEmpty() ? describeSource(dirEntry.source) : dataDirReason();
    if (dirEntry.origin == Config::Origin::Default && dataDirReason().isEmpty())
        dirWhy = QStringLiteral("this user's default");
    QString line;
    if (context.embeddedDatabase) {
        line = QStringLiteral("control database %1 (data directory %2, %3)")
                   .arg(context.databaseUrl, context.dataDir, dirWhy);
    } else {
        const QString url = db::DatabaseUrl::parse(context.databaseUrl).redacted();
        line = QStringLiteral("control database %1 (%2); data directory %3 (%4)")
                   .arg(url, describeSource(context.config.entry(QStringLiteral("database/url")).source),
                        context.dataDir, dirWhy);
    }
    std::fprintf(stderr, "tfctl: %s\n", qPrintable(line));
    return context;
}

bool controlDatabaseExists(const ServiceContext &service)
{
    const db::DatabaseUrl url = db::DatabaseUrl::parse(service.databaseUrl);
    if (!url.isPostgres())
        return QFileInfo(url.sqlitePath).isFile();
    const auto database = db::ControlDatabase::open(url, false); // throws Unavailable
    return database->checkReady().schemaVersion > 0;
}

void requireControlDatabase(const ServiceContext &service)
{
    if (controlDatabaseExists(service))
        return;
    const QString packaged = QString::fromLatin1(kPackagedDataDir);
    if (!service.embeddedDatabase) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1 holds no TerraFusion control database (no schema); is this the "
                                   "right database? `tfctl init` creates the schema there, and tf-syncd "
                                   "does on its first start")
                        .arg(db::DatabaseUrl::parse(service.databaseUrl).redacted()));
    }
    QString hint;
    if (canonical(service.dataDir) != canonical(packaged) && QFileInfo(packaged).isDir())
        hint = QStringLiteral("; the packaged service's data is in %1 (run tfctl as root or the "
                              "terrafusion user with --data-dir %1)")
                   .arg(packaged);
    else if (canonical(service.dataDir) != canonical(paths::defaultDataDir()) && holdsPlatform(paths::defaultDataDir()))
        hint = QStringLiteral("; this user's platform is in %1").arg(paths::defaultDataDir());
    throw Error(Error::Kind::Validation,
                QStringLiteral("no TerraFusion platform in %1 (no %2 there)%3; `tfctl init` creates a "
                               "new one there, and so does the services' first start")
                    .arg(service.dataDir, QFileInfo(paths::sqliteDatabaseFile(service.dataDir)).fileName(), hint));
}

QString actor()
{
    QString account;
    if (const passwd *entry = ::getpwuid(::geteuid()))
        account = QString::fromLocal8Bit(entry->pw_name);
    else
        account = QStringLiteral("uid%1").arg(::geteuid());
    return QStringLiteral("tfctl:%1@%2").arg(account, QHostInfo::localHostName());
}

bool audit(db::ControlDatabase &database, const http::AuditEvent &event)
{
    const bool stored = http::recordAudit(database.database(), actor(), QStringLiteral("local"), event);
    if (!stored)
        std::fprintf(stderr, "tfctl: warning: the audit entry %s was not stored\n", qPrintable(event.eventType));
    return stored;
}

} // namespace tf::tfctl::platform
