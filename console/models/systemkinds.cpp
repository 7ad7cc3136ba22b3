#include "systemkinds.h"

#include <QCoreApplication>
#include <QHash>
#include <QUrl>

namespace tf::console::systemkinds {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SystemKinds", text);
}

using Type = SystemField::Type;

SystemField text(const QString &key, const QString &label, bool required = false, const QString &placeholder = {},
                 const QString &hint = {})
{
    SystemField field;
    field.key = key;
    field.label = label;
    field.required = required;
    field.placeholder = placeholder;
    field.hint = hint;
    return field;
}

SystemField integer(const QString &key, const QString &label, const QString &placeholder, const QString &hint = {})
{
    SystemField field = text(key, label, false, placeholder, hint);
    field.type = Type::Integer;
    return field;
}

SystemField choice(const QString &key, const QString &label, const QStringList &choices, const QString &hint,
                   bool editable = false)
{
    SystemField field = text(key, label, false, {}, hint);
    field.type = Type::Choice;
    field.choices = choices;
    field.editable = editable;
    return field;
}

SystemField secret(const QString &name, const QString &label, const QString &hint)
{
    SystemField field = text(QStringLiteral("credentials.") + name, label, false, {}, hint);
    field.type = name == QLatin1String("user") ? Type::Text : Type::Secret;
    return field;
}

QList<SystemField> login()
{
    return { secret(QStringLiteral("user"), tr("User"), tr("Stored encrypted with the password; never shown again")),
             secret(QStringLiteral("password"), tr("Password"), tr("Write-only: stored encrypted, never returned by the API")) };
}

QList<SystemField> token(const QString &hint)
{
    return { secret(QStringLiteral("token"), tr("Token / API key"), hint) };
}

QList<SystemField> gisHttp()
{
    return { integer(QStringLiteral("settings.page_size"), tr("Page size"), tr("server default"), tr("Features per request")),
             integer(QStringLiteral("settings.timeout_seconds"), tr("Timeout (s)"), QStringLiteral("30"),
                     tr("A request that receives nothing for this long fails the attempt")),
             integer(QStringLiteral("settings.max_retries"), tr("Retries"), QStringLiteral("4"),
                     tr("Further attempts after a network error, a timeout, HTTP 5xx or 429")) };
}

QHash<QString, QList<SystemField>> makeFields()
{
    QHash<QString, QList<SystemField>> all;
    const auto port = [](const QString &fallback) {
        return integer(QStringLiteral("settings.port"), tr("Port"), fallback, tr("TCP port, 1 to 65535"));
    };
    const auto path = [](const QString &example) {
        return text(QStringLiteral("settings.path"), tr("Path"), true, example, tr("The absolute path on the tf-syncd host"));
    };
    all.insert(QStringLiteral("postgres"),
               QList<SystemField> { text(QStringLiteral("settings.host"), tr("Host"), false, QStringLiteral("cama-db.county.local")),
                                    port(QStringLiteral("5432")),
                                    text(QStringLiteral("settings.database"), tr("Database"), false, QStringLiteral("cama")),
                                    text(QStringLiteral("settings.schema"), tr("Schema"), false, QStringLiteral("public")),
                                    choice(QStringLiteral("settings.sslmode"), tr("SSL mode"),
                                         { QString(), QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                                           QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full") },
                                         tr("libpq's sslmode; empty: libpq's default (prefer)")),
                                    text(QStringLiteral("settings.url"), tr("URL"), false, QStringLiteral("postgresql://host:5432/db"),
                                         tr("Instead of host, port and database; without a password (that goes in Password)")) }
                   + login());
    all.insert(QStringLiteral("sqlite"), { path(QStringLiteral("/srv/pacs.db")) });
    all.insert(QStringLiteral("csv"), { path(QStringLiteral("/srv/exports/parcels.csv")),
                                        text(QStringLiteral("settings.delimiter"), tr("Delimiter"), false, QStringLiteral(","),
                                             tr("One character; default a comma")) });
    all.insert(QStringLiteral("jsonl"), { path(QStringLiteral("/srv/exports/parcels.jsonl")) });
    all.insert(QStringLiteral("mysql"),
               QList<SystemField> { text(QStringLiteral("settings.host"), tr("Host"), false, QStringLiteral("127.0.0.1")),
                                    port(QStringLiteral("3306")),
                                    text(QStringLiteral("settings.socket"), tr("Socket"), false, QStringLiteral("/run/mysqld/mysqld.sock"),
                                         tr("A Unix socket path instead of host and port")),
                                    text(QStringLiteral("settings.database"), tr("Database"), true, QStringLiteral("permits")),
                                    choice(QStringLiteral("settings.zero_date"), tr("Zero dates"),
                                           { QString(), QStringLiteral("null"), QStringLiteral("1900-01-01") },
                                           tr("How a zero date (0000-00-00) is read: empty quarantines the row, \"null\" reads NULL, "
                                              "a date YYYY-MM-DD reads that date"),
                                           true) }
                   + login());
    all.insert(QStringLiteral("odbc"),
               QList<SystemField> { text(QStringLiteral("settings.connection_string"), tr("Connection string"), true,
                                         QStringLiteral("Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=…;Database=…"),
                                         tr("Names the driver file (Driver=/absolute/path.so); no UID or PWD: those are the "
                                            "credentials below")) }
                   + login());
    all.insert(QStringLiteral("sqlserver"),
               QList<SystemField> { text(QStringLiteral("settings.host"), tr("Host"), true, QStringLiteral("pacs-sql.county.local"),
                                         tr("The server name or address (a named instance: its host and static port)")),
                                    port(QStringLiteral("1433")),
                                    text(QStringLiteral("settings.database"), tr("Database"), true, QStringLiteral("PACS")),
                                    text(QStringLiteral("settings.driver"), tr("ODBC driver"), false,
                                         QStringLiteral("/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so"),
                                         tr("The driver file; default FreeTDS. TDS_Version=7.4 and ClientCharset=UTF-8 are "
                                            "always sent")) }
                   + login());
    all.insert(QStringLiteral("arcgis"),
               QList<SystemField> { text(QStringLiteral("settings.url"), tr("Service URL"), true,
                                         QStringLiteral("https://gis.county.org/arcgis/rest/services/Parcels/FeatureServer"),
                                         tr("The FeatureServer or MapServer, without user, password or query string")) }
                   + gisHttp()
                   + QList<SystemField> { integer(QStringLiteral("settings.overlap_seconds"), tr("Overlap (s)"), QStringLiteral("300"),
                                                  tr("Cursor mode: how far behind the present the checkpoint stays")) }
                   + token(tr("An ArcGIS token or API key, sent as X-Esri-Authorization; write-only")));
    all.insert(QStringLiteral("ogcapi"),
               QList<SystemField> { text(QStringLiteral("settings.url"), tr("Landing page URL"), true,
                                         QStringLiteral("https://gis.county.org/cgi-bin/mapserv/parcels/ogcapi"),
                                         tr("The collections are under <url>/collections; no user or query string")),
                                    choice(QStringLiteral("settings.protocol"), tr("Protocol"),
                                           { QString(), QStringLiteral("ogcapi"), QStringLiteral("wfs") },
                                           tr("ogcapi (OGC API Features, the default) or wfs (WFS 2.0)")),
                                    text(QStringLiteral("settings.id_property"), tr("ID property"), false, QStringLiteral("parcel_id"),
                                         tr("wfs only, required there: the property that identifies a feature")) }
                   + gisHttp() + token(tr("Sent as Authorization: Bearer; write-only")));
    return all;
}

} // namespace

const QStringList &kinds()
{
    static const QStringList list { QStringLiteral("postgres"), QStringLiteral("sqlite"), QStringLiteral("csv"),
                                    QStringLiteral("jsonl"),    QStringLiteral("mysql"),  QStringLiteral("odbc"),
                                    QStringLiteral("sqlserver"), QStringLiteral("arcgis"), QStringLiteral("ogcapi") };
    return list;
}

QString label(const QString &kind)
{
    static const QHash<QString, QString> labels {
        { QStringLiteral("postgres"), tr("PostgreSQL") },
        { QStringLiteral("sqlite"), tr("SQLite") },
        { QStringLiteral("csv"), tr("CSV file") },
        { QStringLiteral("jsonl"), tr("JSON Lines file") },
        { QStringLiteral("mysql"), tr("MySQL / MariaDB") },
        { QStringLiteral("odbc"), tr("ODBC") },
        { QStringLiteral("sqlserver"), tr("SQL Server") },
        { QStringLiteral("arcgis"), tr("ArcGIS feature service") },
        { QStringLiteral("ogcapi"), tr("OGC API Features / WFS") },
    };
    return labels.value(kind, kind);
}

const QList<SystemField> &fields(const QString &kind)
{
    static const QHash<QString, QList<SystemField>> all = makeFields();
    static const QList<SystemField> none;
    const auto it = all.constFind(kind);
    return it == all.cend() ? none : *it;
}

QString where(const QString &kind, const QJsonObject &settings)
{
    const auto value = [&settings](const char *key) { return settings.value(QLatin1String(key)).toVariant().toString(); };
    const auto hostPortDb = [&](const QString &defaultPort) {
        QString host = value("host");
        const QString port = value("port").isEmpty() ? defaultPort : value("port");
        if (host.isEmpty())
            host = QStringLiteral("127.0.0.1");
        return QStringLiteral("%1:%2/%3").arg(host, port, value("database"));
    };
    if (kind == QLatin1String("postgres")) {
        if (!value("url").isEmpty()) {
            QUrl url(value("url"));
            url.setUserInfo({}); // the API refuses a password there; a user is not shown either
            return url.toString();
        }
        return hostPortDb(QStringLiteral("5432"));
    }
    if (kind == QLatin1String("mysql"))
        return value("socket").isEmpty() ? hostPortDb(QStringLiteral("3306")) : value("socket") + QLatin1Char('/') + value("database");
    if (kind == QLatin1String("sqlserver"))
        return hostPortDb(QStringLiteral("1433"));
    if (kind == QLatin1String("odbc")) {
        // Driver, server and database of the connection string (it holds no UID or PWD).
        QStringList parts;
        for (const QString &part : value("connection_string").split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
            const QString name = part.section(QLatin1Char('='), 0, 0).trimmed().toLower();
            if (name == QLatin1String("server") || name == QLatin1String("database") || name == QLatin1String("port")
                || name == QLatin1String("dsn"))
                parts << part.trimmed();
        }
        return parts.isEmpty() ? value("connection_string").section(QLatin1Char(';'), 0, 0) : parts.join(QLatin1Char(';'));
    }
    if (kind == QLatin1String("arcgis") || kind == QLatin1String("ogcapi"))
        return value("url");
    return value("path");
}

bool hasChangeTracking(const QString &kind)
{
    return kind == QLatin1String("sqlserver");
}

} // namespace tf::console::systemkinds
