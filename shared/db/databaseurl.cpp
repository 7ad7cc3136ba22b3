#include "databaseurl.h"

#include "core/errors.h"

#include <QDir>
#include <QStringList>
#include <QUrl>

namespace tf::db {

namespace {

constexpr int kDefaultPostgresPort = 5432;
constexpr int kSqliteBusyTimeoutMs = 5000;

[[noreturn]] void fail(const QString &what)
{
    throw Error(Error::Kind::Validation, QStringLiteral("database URL: ") + what);
}

QString decode(const QString &part)
{
    return QUrl::fromPercentEncoding(part.toUtf8());
}

int parsePort(const QString &text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || text.startsWith(QLatin1Char('+')) || text.startsWith(QLatin1Char('-')))
        fail(QStringLiteral("port '%1' is not a number").arg(text.left(16)));
    if (port < 1 || port > 65535)
        fail(QStringLiteral("port %1 is out of range (1-65535)").arg(port));
    return port;
}

// libpq options we pass through; anything else is a typo we would rather report than ignore.
const QStringList &passThroughOptions()
{
    static const QStringList names { QStringLiteral("sslmode"),
                                     QStringLiteral("sslrootcert"),
                                     QStringLiteral("sslcert"),
                                     QStringLiteral("sslkey"),
                                     QStringLiteral("connect_timeout"),
                                     QStringLiteral("application_name"),
                                     QStringLiteral("target_session_attrs"),
                                     QStringLiteral("keepalives"),
                                     QStringLiteral("keepalives_idle"),
                                     QStringLiteral("options") };
    return names;
}

void validateOption(const QString &key, const QString &value)
{
    // QPSQL joins connect options with ';', so a value may not contain one.
    if (value.contains(QLatin1Char(';')))
        fail(QStringLiteral("option '%1' may not contain ';'").arg(key));
    if (key == QLatin1String("sslmode")) {
        static const QStringList modes {
            QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
            QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")
        };
        if (!modes.contains(value))
            fail(QStringLiteral("sslmode '%1' is not one of %2")
                     .arg(value.left(32), modes.join(QLatin1String(", "))));
    } else if (key == QLatin1String("connect_timeout")) {
        bool ok = false;
        const int seconds = value.toInt(&ok);
        if (!ok || seconds < 0)
            fail(QStringLiteral("connect_timeout '%1' is not a number of seconds")
                     .arg(value.left(16)));
    }
}

void parseQuery(const QString &query, DatabaseUrl &url)
{
    const QStringList pairs = query.split(QLatin1Char('&'), Qt::SkipEmptyParts);
    for (const QString &pair : pairs) {
        const int eq = pair.indexOf(QLatin1Char('='));
        const QString key = decode(eq < 0 ? pair : pair.left(eq));
        const QString value = eq < 0 ? QString() : decode(pair.mid(eq + 1));
        if (key == QLatin1String("host")) {
            url.host = value;
        } else if (key == QLatin1String("port")) {
            url.port = parsePort(value);
        } else if (key == QLatin1String("user")) {
            url.user = value;
        } else if (key == QLatin1String("password")) {
            url.password = value;
        } else if (key == QLatin1String("dbname")) {
            url.database = value;
        } else if (passThroughOptions().contains(key)) {
            validateOption(key, value);
            url.options.insert(key, value);
        } else {
            fail(QStringLiteral(
                     "unknown option '%1' (known: host, port, user, password, dbname, %2)")
                     .arg(key.left(64), passThroughOptions().join(QLatin1String(", "))));
        }
    }
}

void parseAuthority(const QString &authority, DatabaseUrl &url)
{
    QString hostPort = authority;
    const int at = authority.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        const QString userInfo = authority.left(at);
        hostPort = authority.mid(at + 1);
        const int colon = userInfo.indexOf(QLatin1Char(':'));
        url.user = decode(colon < 0 ? userInfo : userInfo.left(colon));
        if (colon >= 0)
            url.password = decode(userInfo.mid(colon + 1));
    }
    QString portText;
    if (hostPort.startsWith(QLatin1Char('['))) { // IPv6 literal
        const int close = hostPort.indexOf(QLatin1Char(']'));
        if (close < 0)
            fail(QStringLiteral("unterminated IPv6 address"));
        url.host = hostPort.mid(1, close - 1);
        const QString rest = hostPort.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char(':')))
            fail(QStringLiteral("unexpected text after IPv6 address"));
        portText = rest.mid(1);
        if (rest.startsWith(QLatin1Char(':')) && portText.isEmpty())
            fail(QStringLiteral("port '' is not a number"));
    } else {
        const int colon = hostPort.lastIndexOf(QLatin1Char(':'));
        url.host = decode(colon < 0 ? hostPort : hostPort.left(colon));
        if (url.host.contains(QLatin1Char(':'))) // an IPv6 address goes in brackets
            fail(QStringLiteral("host '%1' is not a host name, an IP address or a socket directory")
                     .arg(url.host.left(64)));
        if (colon >= 0)
            portText = hostPort.mid(colon + 1);
        if (colon >= 0 && portText.isEmpty())
            fail(QStringLiteral("port '' is not a number"));
    }
    if (!portText.isEmpty())
        url.port = parsePort(portText);
}

// libpq takes C strings: a NUL would cut a value short and name another database or user.
void rejectNul(const QString &value, const char *part)
{
    if (value.contains(QChar(0)))
        fail(QStringLiteral("the %1 holds a NUL character").arg(QLatin1String(part)));
}

// A host is a name, an IPv4 or IPv6 address, or a socket directory (starting with '/'). Any
// other text would be ambiguous: "a:b" (host a, port b?), "h/x" written back as a path (found
// by fuzzing: such hosts did not survive redacted()).
void checkHost(const QString &host)
{
    rejectNul(host, "host");
    if (host.isEmpty() || host.startsWith(QLatin1Char('/')))
        return;
    const bool ipv6 = host.contains(QLatin1Char(':'));
    for (const QChar c : host) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('.') || c == QLatin1Char('-')
            || (ipv6 ? c == QLatin1Char(':') || c == QLatin1Char('%') : c == QLatin1Char('_'));
        if (!ok)
            fail(QStringLiteral("host '%1' is not a host name, an IP address or a socket directory").arg(host.left(64)));
    }
}

DatabaseUrl parsePostgres(const QString &rest)
{
    DatabaseUrl url;
    url.backend = DatabaseUrl::Backend::Postgres;
    const int question = rest.indexOf(QLatin1Char('?'));
    const QString main = question < 0 ? rest : rest.left(question);
    // The password may hold a raw '/', so the path starts at the first '/' after the last '@'.
    const int at = main.lastIndexOf(QLatin1Char('@'));
    const int slash = main.indexOf(QLatin1Char('/'), at < 0 ? 0 : at);
    const QString authority = slash < 0 ? main : main.left(slash);
    url.database = slash < 0 ? QString() : decode(main.mid(slash + 1));
    parseAuthority(authority, url);
    if (question >= 0)
        parseQuery(rest.mid(question + 1), url);
    if (url.database.isEmpty())
        fail(QStringLiteral(
            "missing database name (postgresql://[user[:password]@]host[:port]/database)"));
    if (url.database.contains(QLatin1Char('/')))
        fail(QStringLiteral("database name may not contain '/'"));
    checkHost(url.host);
    rejectNul(url.user, "user name");
    rejectNul(url.password, "password");
    rejectNul(url.database, "database name");
    for (auto it = url.options.cbegin(); it != url.options.cend(); ++it)
        rejectNul(it.value(), "query string");
    if (url.port < 0)
        url.port = kDefaultPostgresPort;
    return url;
}

DatabaseUrl sqliteAt(const QString &path)
{
    if (path.trimmed().isEmpty())
        fail(QStringLiteral("missing SQLite file path"));
    DatabaseUrl url;
    url.backend = DatabaseUrl::Backend::Sqlite;
    url.sqlitePath = QDir::cleanPath(path);
    return url;
}

QString quoteOptionValue(const QString &value)
{
    // libpq conninfo syntax: single quotes, backslash escapes for ' and \.
    if (!value.isEmpty() && !value.contains(QLatin1Char(' ')) && !value.contains(QLatin1Char('\''))
        && !value.contains(QLatin1Char('\\')))
        return value;
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

} // namespace

DatabaseUrl DatabaseUrl::parse(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty())
        fail(QStringLiteral("empty"));

    for (const QLatin1String scheme :
         { QLatin1String("postgresql://"), QLatin1String("postgres://") }) {
        if (text.startsWith(scheme, Qt::CaseInsensitive))
            return parsePostgres(text.mid(scheme.size()));
    }
    if (text.startsWith(QLatin1String("sqlite:"), Qt::CaseInsensitive)) {
        const QString rest = text.mid(7);
        if (rest.startsWith(QLatin1String("///")))
            return sqliteAt(rest.mid(2));
        if (rest.startsWith(QLatin1String("//")))
            fail(QStringLiteral("use sqlite:///absolute/path or sqlite:relative/path"));
        return sqliteAt(rest);
    }
    const int schemeEnd = text.indexOf(QLatin1String("://"));
    if (schemeEnd >= 0)
        fail(QStringLiteral("unknown scheme '%1' (use postgresql://, sqlite: or a file path)")
                 .arg(text.left(qMin(schemeEnd, 32))));
    return sqliteAt(text);
}

QString DatabaseUrl::redacted() const
{
    if (backend == Backend::Sqlite)
        return QStringLiteral("sqlite:")
            + (sqlitePath.startsWith(QLatin1Char('/')) ? QStringLiteral("//") : QString())
            + sqlitePath;

    QString out = QStringLiteral("postgresql://");
    if (!user.isEmpty()) {
        out += QString::fromUtf8(QUrl::toPercentEncoding(user));
        if (!password.isEmpty())
            out += QStringLiteral(":***");
        out += QLatin1Char('@');
    }
    const bool socket = host.startsWith(QLatin1Char('/'));
    if (!socket)
        out += host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    out += QLatin1Char(':') + QString::number(port) + QLatin1Char('/')
        + QString::fromUtf8(QUrl::toPercentEncoding(database));
    QStringList query;
    if (socket)
        query << QStringLiteral("host=") + QString::fromUtf8(QUrl::toPercentEncoding(host));
    QStringList keys = options.keys();
    keys.sort();
    for (const QString &key : keys)
        query << key + QLatin1Char('=')
                + QString::fromUtf8(QUrl::toPercentEncoding(options.value(key)));
    if (!query.isEmpty())
        out += QLatin1Char('?') + query.join(QLatin1Char('&'));
    return out;
}

QString DatabaseUrl::driverName() const
{
    return backend == Backend::Postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
}

QString DatabaseUrl::connectOptions() const
{
    if (backend == Backend::Sqlite)
        return QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kSqliteBusyTimeoutMs);

    QHash<QString, QString> all = options;
    if (!all.contains(QStringLiteral("connect_timeout")))
        all.insert(QStringLiteral("connect_timeout"), QStringLiteral("5"));
    if (!all.contains(QStringLiteral("application_name")))
        all.insert(QStringLiteral("application_name"), QStringLiteral("terrafusion"));
    QStringList keys = all.keys();
    keys.sort();
    QStringList parts;
    for (const QString &key : keys)
        parts << key + QLatin1Char('=') + quoteOptionValue(all.value(key));
    return parts.join(QLatin1Char(';'));
}

} // namespace tf::db
