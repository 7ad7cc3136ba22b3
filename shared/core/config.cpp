#include "config.h"

#include "configschema.h"
#include "errors.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>

namespace tf {

namespace {

QString defaultConfigFile(const QProcessEnvironment &environment)
{
    QString base = environment.value(QStringLiteral("XDG_CONFIG_HOME"));
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    const QString candidate = base + QStringLiteral("/terrafusion/terrafusion.ini");
    return QFileInfo::exists(candidate) ? candidate : QString();
}

// TF_HTTP__MAX_BODY_BYTES -> http/max_body_bytes
QString keyFromEnvironmentName(const QString &name)
{
    if (!name.startsWith(QLatin1String("TF_")))
        return {};
    const QString rest = name.mid(3);
    const int split = rest.indexOf(QLatin1String("__"));
    if (split <= 0 || split + 2 >= rest.size())
        return {};
    return rest.left(split).toLower() + QLatin1Char('/') + rest.mid(split + 2).toLower();
}

} // namespace

QString postgresUrlFromPgEnvironment(const QProcessEnvironment &environment)
{
    const QString host = environment.value(QStringLiteral("PGHOST"));
    const QString port = environment.value(QStringLiteral("PGPORT"));
    const QString user = environment.value(QStringLiteral("PGUSER"));
    const QString password = environment.value(QStringLiteral("PGPASSWORD"));
    const QString database = environment.value(QStringLiteral("PGDATABASE"));
    if (host.isEmpty() && port.isEmpty() && user.isEmpty() && password.isEmpty()
        && database.isEmpty())
        return {};

    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    if (!user.isEmpty())
        url.setUserName(user);
    if (!password.isEmpty())
        url.setPassword(password);
    if (host.startsWith(QLatin1Char('/'))) {
        // A socket directory: keep it as a query parameter, as libpq does.
        url.setHost(QString());
        url.setQuery(QStringLiteral("host=") + QString::fromLatin1(QUrl::toPercentEncoding(host)));
    } else {
        url.setHost(host.isEmpty() ? QStringLiteral("localhost") : host);
    }
    if (!port.isEmpty()) {
        bool ok = false;
        const int number = port.toInt(&ok);
        if (!ok || number <= 0 || number > 65535)
            throw Error(Error::Kind::Validation,
                        QStringLiteral("PGPORT: '%1' is not a port number").arg(port));
        if (host.startsWith(QLatin1Char('/')))
            url.setQuery(url.query() + QStringLiteral("&port=") + port);
        else
            url.setPort(number);
    }
    url.setPath(QLatin1Char('/') + (database.isEmpty() ? (user.isEmpty() ? QStringLiteral("postgres") : user) : database));
    return url.toString(QUrl::FullyEncoded);
}

Config Config::load(const Inputs &inputs)
{
    Config config;
    for (auto it = inputs.defaults.cbegin(); it != inputs.defaults.cend(); ++it)
        config.set(it.key(), it.value(), Origin::Default, QStringLiteral("default"));

    QString file = inputs.flags.value(QStringLiteral("config/file"));
    if (file.isEmpty())
        file = inputs.configFile;
    if (file.isEmpty())
        file = inputs.environment.value(QString::fromLatin1(env::kConfig));
    const bool explicitFile = !file.isEmpty();
    if (!explicitFile)
        file = defaultConfigFile(inputs.environment);

    if (!file.isEmpty()) {
        const QFileInfo info(file);
        if (!info.exists() || !info.isReadable() || !info.isFile()) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("config file '%1' does not exist or cannot be read").arg(file));
        }
        // A misspelled key would otherwise be ignored silently.
        configschema::checkFile(info.absoluteFilePath());
        QSettings settings(info.absoluteFilePath(), QSettings::IniFormat);
        if (settings.status() != QSettings::NoError) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("config file '%1' is not a valid INI file").arg(file));
        }
        for (const QString &key : settings.allKeys()) {
            const QVariant value = settings.value(key);
            const QString text = value.typeId() == QMetaType::QStringList
                ? value.toStringList().join(QLatin1Char(','))
                : value.toString();
            config.set(key, text, Origin::File, info.absoluteFilePath());
        }
        config.m_configFile = info.absoluteFilePath();
    }

    const QProcessEnvironment &environment = inputs.environment;
    for (const QString &name : environment.keys()) {
        const QString key = keyFromEnvironmentName(name);
        if (!key.isEmpty())
            config.set(key, environment.value(name), Origin::Environment, name);
    }
    const QString pgUrl = postgresUrlFromPgEnvironment(environment);
    if (!pgUrl.isEmpty())
        config.set(QStringLiteral("database/url"), pgUrl, Origin::Environment,
                   QStringLiteral("PG* variables"));
    if (environment.contains(QString::fromLatin1(env::kDatabaseUrl)))
        config.set(QStringLiteral("database/url"),
                   environment.value(QString::fromLatin1(env::kDatabaseUrl)), Origin::Environment,
                   QString::fromLatin1(env::kDatabaseUrl));
    if (environment.contains(QString::fromLatin1(env::kDataDir)))
        config.set(QStringLiteral("paths/data_dir"),
                   environment.value(QString::fromLatin1(env::kDataDir)), Origin::Environment,
                   QString::fromLatin1(env::kDataDir));

    for (auto it = inputs.flags.cbegin(); it != inputs.flags.cend(); ++it) {
        if (it.key() != QLatin1String("config/file"))
            config.set(it.key(), it.value(), Origin::Flag, QStringLiteral("command line"));
    }
    return config;
}

void Config::set(const QString &key, const QString &value, Origin origin, const QString &source)
{
    auto it = m_entries.find(key);
    if (it != m_entries.end() && static_cast<int>(it->origin) > static_cast<int>(origin))
        return;
    m_entries.insert(key, Entry { value, origin, source });
}

QString Config::string(const QString &key, const QString &fallback) const
{
    const auto it = m_entries.constFind(key);
    return it == m_entries.cend() ? fallback : it->value;
}

QString Config::describe(const QString &key) const
{
    const Entry e = m_entries.value(key);
    return QStringLiteral("%1 (from %2)").arg(key, e.source.isEmpty() ? QStringLiteral("default") : e.source);
}

qint64 Config::integer64(const QString &key, qint64 min, qint64 max) const
{
    const QString text = string(key).trimmed();
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1: '%2' is not an integer").arg(describe(key), text),
                    QJsonObject { { QStringLiteral("key"), key } });
    }
    if (value < min || value > max) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("%1: %2 is outside %3..%4").arg(describe(key)).arg(value).arg(min).arg(max),
                    QJsonObject { { QStringLiteral("key"), key } });
    }
    return value;
}

int Config::integer(const QString &key, int min, int max) const
{
    return static_cast<int>(integer64(key, min, max));
}

bool Config::boolean(const QString &key) const
{
    const QString text = string(key).trimmed().toLower();
    if (text == QLatin1String("1") || text == QLatin1String("true") || text == QLatin1String("yes")
        || text == QLatin1String("on"))
        return true;
    if (text == QLatin1String("0") || text == QLatin1String("false") || text == QLatin1String("no")
        || text == QLatin1String("off"))
        return false;
    throw Error(Error::Kind::Validation,
                QStringLiteral("%1: '%2' is not a boolean (use true or false)").arg(describe(key), text),
                QJsonObject { { QStringLiteral("key"), key } });
}

QStringList Config::list(const QString &key) const
{
    QStringList items;
    for (const QString &part : string(key).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty())
            items << trimmed;
    }
    return items;
}

QString Config::originName(Origin origin)
{
    switch (origin) {
    case Origin::Default: return QStringLiteral("default");
    case Origin::File: return QStringLiteral("file");
    case Origin::Environment: return QStringLiteral("environment");
    case Origin::Flag: return QStringLiteral("flag");
    }
    return {};
}

} // namespace tf
