// External systems: definition validation, credentials sealed at rest in a real SQLite control
// database, connectors built from stored settings.
#include "core/errors.h"
#include "core/secretbox.h"
#include "db/controldatabase.h"
#include "db/repositories/systemrepository.h"
#include "sync/systems/connectorfactory.h"
#include "sync/systems/systemdefinition.h"
#include "sync/systems/systemregistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace Qt::StringLiterals;
using tf::sync::SystemDefinition;
using tf::sync::SystemRegistry;

namespace {

const QByteArray kPassword = "Pa55-w0rd!unique-7f3c";

QJsonObject sqliteDefinition(const QString &name, const QString &path)
{
    return { { u"name"_s, name },
             { u"kind"_s, u"sqlite"_s },
             { u"description"_s, u"legacy PACS export"_s },
             { u"settings"_s, QJsonObject { { u"path"_s, path } } },
             { u"credentials"_s,
               QJsonObject { { u"user"_s, u"sync"_s },
                             { u"password"_s, QString::fromLatin1(kPassword) } } } };
}

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

// "field: message" of every error a definition raises, or empty when it parses.
QStringList definitionErrors(const QJsonObject &json)
{
    try {
        SystemDefinition::parse(json);
        return {};
    } catch (const tf::Error &error) {
        if (error.kind() != tf::Error::Kind::Validation
            || error.message() != QLatin1String("system definition is invalid"))
            return { u"unexpected error: "_s + error.message() };
        QStringList list;
        for (const QJsonValue &entry : error.details().value(u"errors"_s).toArray())
            list << entry[u"field"_s].toString() + u": "_s + entry[u"message"_s].toString();
        return list;
    }
}

QStringList errs(std::initializer_list<const char *> texts)
{
    QStringList list;
    for (const char *text : texts)
        list << QString::fromUtf8(text);
    return list;
}

// One row of the definition matrix: the JSON and the "field: message" errors it must raise.
void invalidRow(const char *tag, const char *json, std::initializer_list<const char *> errors)
{
    QTest::newRow(tag) << QByteArray(json) << errs(errors);
}

void validRow(const char *tag, const char *json)
{
    QTest::newRow(tag) << QByteArray(json) << QStringList();
}

} // namespace

class TestSystemRegistry final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void definitionValidation_data();
    void definitionValidation();
    void validationListsEveryError();
    void errorsNeverEchoCredentials();
    void publicJsonNeverHasCredentials();

    void createAndLoadRoundTrip();
    void rawColumnHoldsNoPlaintext();
    void updateKeepsOrReplacesCredentials();
    void systemWithoutCredentials();
    void wrongKeyCannotLoadCredentials();
    void damagedColumnIsReported();
    void invalidDefinitionIsNotStored();
    void duplicateNameIsConflict();
    void unknownIdIsNotFound();
    void settingsForTheEngine();
    void openSourceAndTarget();
    void factoryRefusesUnknownKind();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<tf::db::ControlDatabase> m_control;
    std::unique_ptr<tf::SecretBox> m_box;
    int m_counter = 0;
};

void TestSystemRegistry::init()
{
    const QString file = m_dir.filePath(u"control-%1.db"_s.arg(++m_counter));
    m_control = tf::db::ControlDatabase::open(u"sqlite://"_s + file);
    m_box = std::make_unique<tf::SecretBox>(QByteArray(32, '\x5a'));
}

void TestSystemRegistry::cleanup()
{
    m_control.reset();
}

void TestSystemRegistry::definitionValidation_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("errors");
    validRow("sqlite ok", R"({"name":"PACS","kind":"sqlite","settings":{"path":"/srv/pacs.db"}})");
    invalidRow("sqlite relative",
               R"({"name":"PACS","kind":"sqlite","settings":{"path":"pacs.db"}})",
               { "settings.path: must be an absolute path" });
    invalidRow("sqlite no path", R"({"name":"PACS","kind":"sqlite","settings":{}})",
               { "settings.path: is required" });
    invalidRow("sqlite path not text", R"({"name":"PACS","kind":"sqlite","settings":{"path":5}})",
               { "settings.path: is required" });
    validRow(
        "postgres url",
        R"({"name":"CAMA","kind":"postgres","settings":{"url":"postgresql://cama.example:5432/cama"}})");
    validRow(
        "postgres host database",
        R"({"name":"CAMA","kind":"postgres","settings":{"host":"cama.example","database":"cama","port":5433}})");
    invalidRow("postgres nothing", R"({"name":"CAMA","kind":"postgres","settings":{}})",
               { "settings.url: is required (or host and database)" });
    invalidRow("postgres host only",
               R"({"name":"CAMA","kind":"postgres","settings":{"host":"cama.example"}})",
               { "settings.database: is required" });
    invalidRow("postgres database only",
               R"({"name":"CAMA","kind":"postgres","settings":{"database":"cama"}})",
               { "settings.host: is required" });
    invalidRow(
        "postgres bad port",
        R"({"name":"CAMA","kind":"postgres","settings":{"host":"h","database":"d","port":70000}})",
        { "settings.port: must be an integer from 1 to 65535" });
    invalidRow(
        "postgres port text",
        R"({"name":"CAMA","kind":"postgres","settings":{"host":"h","database":"d","port":"5432"}})",
        { "settings.port: must be an integer from 1 to 65535" });
    invalidRow("postgres not a url",
               R"({"name":"CAMA","kind":"postgres","settings":{"url":"mysql://h/d"}})",
               { "settings.url: must be a postgres:// or postgresql:// URL" });
    invalidRow("postgres url with password",
               R"({"name":"CAMA","kind":"postgres","settings":{"url":"postgres://u:hunter2@h/d"}})",
               { "settings.url: must not contain a password; put it in credentials.password" });
    validRow(
        "csv ok",
        R"({"name":"Exports","kind":"csv","settings":{"path":"/srv/exports","delimiter":";"}})");
    validRow("csv default delimiter",
             R"({"name":"Exports","kind":"csv","settings":{"path":"/srv/a.csv"}})");
    invalidRow(
        "csv long delimiter",
        R"({"name":"Exports","kind":"csv","settings":{"path":"/srv/a.csv","delimiter":";;"}})",
        { "settings.delimiter: must be one character" });
    invalidRow("csv empty delimiter",
               R"({"name":"Exports","kind":"csv","settings":{"path":"/srv/a.csv","delimiter":""}})",
               { "settings.delimiter: must be one character" });
    invalidRow("jsonl relative",
               R"({"name":"Feed","kind":"jsonl","settings":{"path":"feed.jsonl"}})",
               { "settings.path: must be an absolute path" });
    validRow("jsonl ok", R"({"name":"Feed","kind":"jsonl","settings":{"path":"/srv/feed.jsonl"}})");
    invalidRow("unknown kind", R"({"name":"GIS","kind":"wfs","settings":{}})",
               { "kind: must be one of: postgres, sqlite, csv, jsonl, mysql, odbc, sqlserver, arcgis, ogcapi" });
    validRow("arcgis ok", R"({"name":"Parcels","kind":"arcgis","settings":{"url":"https://gis.example/arcgis/rest/services/Parcels/FeatureServer","page_size":500,"overlap_seconds":600},"credentials":{"token":"t0ken"}})");
    validRow("ogcapi ok", R"({"name":"Parcels","kind":"ogcapi","settings":{"url":"http://gis.example/cgi-bin/mapserv/parcels/ogcapi","page_size":1000}})");
    validRow("ogcapi wfs ok", R"({"name":"Parcels","kind":"ogcapi","settings":{"url":"http://gis.example/cgi-bin/mapserv","protocol":"wfs","id_property":"pid","wfs_parameters":{"map":"parcels"}}})");
    invalidRow("ogcapi wfs secret parameter", R"({"name":"Parcels","kind":"ogcapi","settings":{"url":"http://gis.example/wfs","protocol":"wfs","id_property":"pid","wfs_parameters":{"api_key":"x","COUNT":"5"}}})",
               { "settings.wfs_parameters.COUNT: is set by the connector itself",
                 "settings.wfs_parameters.api_key: looks like a secret; put a token in credentials.token (a URL is logged)" });
    invalidRow("ogcapi bad protocol", R"({"name":"Parcels","kind":"ogcapi","settings":{"url":"http://gis.example/wfs","protocol":"wms"}})",
               { "settings.protocol: must be \"ogcapi\" (OGC API Features, the default) or \"wfs\" (WFS 2.0)" });
    invalidRow("ogcapi wfs without id_property", R"({"name":"Parcels","kind":"ogcapi","settings":{"url":"http://gis.example/wfs","protocol":"wfs"}})",
               { "settings.id_property: is required with protocol \"wfs\" (the property that identifies a feature, its sort key)" });
    invalidRow("ogcapi no url", R"({"name":"Parcels","kind":"ogcapi","settings":{"page_size":10}})", { "settings.url: is required" });
    invalidRow("arcgis no url", R"({"name":"Parcels","kind":"arcgis","settings":{}})", { "settings.url: is required" });
    invalidRow("arcgis ftp url", R"({"name":"Parcels","kind":"arcgis","settings":{"url":"ftp://gis.example/x"}})",
               { "settings.url: must be an http:// or https:// URL" });
    invalidRow("arcgis token in url", R"({"name":"Parcels","kind":"arcgis","settings":{"url":"https://gis.example/x?token=abc"}})",
               { "settings.url: must not hold a user, password or query; put a token in credentials.token" });
    invalidRow("arcgis bad page size", R"({"name":"Parcels","kind":"arcgis","settings":{"url":"https://gis.example/x","page_size":0}})",
               { "settings.page_size: must be a whole number from 1 to 1000000" });
    validRow("mysql ok", R"({"name":"LOB","kind":"mysql","settings":{"host":"db.example","port":3306,"database":"lob","zero_date":"null"}})");
    validRow("mysql socket", R"({"name":"LOB","kind":"mysql","settings":{"socket":"/run/mysqld/mysqld.sock","database":"lob","zero_date":"1970-01-01"}})");
    invalidRow("mysql no database", R"({"name":"LOB","kind":"mysql","settings":{"host":"db.example"}})",
               { "settings.database: is required" });
    invalidRow("mysql bad zero_date", R"({"name":"LOB","kind":"mysql","settings":{"database":"lob","zero_date":"0000-00-00"}})",
               { "settings.zero_date: must be \"null\" or a date YYYY-MM-DD" });
    invalidRow("mysql bad port", R"({"name":"LOB","kind":"mysql","settings":{"database":"lob","port":0}})",
               { "settings.port: must be an integer from 1 to 65535" });
    validRow("odbc ok", R"({"name":"PACS","kind":"odbc","settings":{"connection_string":"Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=db;Database=pacs"}})");
    invalidRow("odbc no driver file", R"({"name":"PACS","kind":"odbc","settings":{"connection_string":"Driver={PostgreSQL Unicode};Server=db"}})",
               { "settings.connection_string: must name the driver file: Driver=/absolute/path/of/driver.so" });
    invalidRow("odbc password in string", R"({"name":"PACS","kind":"odbc","settings":{"connection_string":"Driver=/d.so;PWD=x"}})",
               { "settings.connection_string: must not hold PWD: user and password belong in credentials" });
    invalidRow("odbc no string", R"({"name":"PACS","kind":"odbc","settings":{}})", { "settings.connection_string: is required" });
    validRow("sqlserver ok", R"({"name":"PACS","kind":"sqlserver","settings":{"host":"pacs.county.local","port":1433,"database":"PACS"}})");
    invalidRow("sqlserver no host", R"({"name":"PACS","kind":"sqlserver","settings":{"database":"PACS"}})", { "settings.host: is required" });
    invalidRow("sqlserver relative driver", R"({"name":"PACS","kind":"sqlserver","settings":{"host":"h","database":"d","driver":"libtdsodbc.so"}})",
               { "settings.driver: must be the absolute path of the ODBC driver file" });
    validRow("kind case", R"({"name":"PACS","kind":"SQLite","settings":{"path":"/a.db"}})");
    invalidRow("no kind", R"({"name":"PACS","settings":{}})", { "kind: is required" });
    invalidRow("no name", R"({"kind":"sqlite","settings":{"path":"/a.db"}})",
               { "name: is required" });
    invalidRow("blank name", R"({"name":"  ","kind":"sqlite","settings":{"path":"/a.db"}})",
               { "name: is required" });
    invalidRow("name not text", R"({"name":7,"kind":"sqlite","settings":{"path":"/a.db"}})",
               { "name: must be a string", "name: is required" });
    invalidRow("settings not object", R"({"name":"P","kind":"sqlite","settings":"/a.db"})",
               { "settings: must be an object", "settings.path: is required" });
    invalidRow("password in settings",
               R"({"name":"P","kind":"sqlite","settings":{"path":"/a.db","password":"x"}})",
               { "settings.password: secrets belong in credentials, which are stored encrypted" });
    validRow(
        "credentials ok",
        R"({"name":"P","kind":"sqlite","settings":{"path":"/a.db"},"credentials":{"user":"u","password":"p","token":"t"}})");
    invalidRow(
        "credentials unknown key",
        R"({"name":"P","kind":"sqlite","settings":{"path":"/a.db"},"credentials":{"apikey":"k"}})",
        { "credentials.apikey: is not allowed (allowed: user, password, token)" });
    invalidRow(
        "credentials not text",
        R"({"name":"P","kind":"sqlite","settings":{"path":"/a.db"},"credentials":{"password":12345}})",
        { "credentials.password: must be a string" });
    invalidRow("credentials not object",
               R"({"name":"P","kind":"sqlite","settings":{"path":"/a.db"},"credentials":"secret"})",
               { "credentials: must be an object" });
    invalidRow(
        "misspelt field",
        R"({"name":"P","kind":"sqlite","settings":{"path":"/a.db"},"credentails":{"password":"p"}})",
        { "credentails: is not a known field" });
    validRow(
        "read-only fields pass",
        R"({"id":3,"name":"P","kind":"sqlite","settings":{"path":"/a.db"},"has_credentials":true,"created_at":"x","updated_at":"y"})");
}

void TestSystemRegistry::definitionValidation()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, errors);
    QCOMPARE(definitionErrors(object(json)), errors);
}

void TestSystemRegistry::validationListsEveryError()
{
    const QStringList errors = definitionErrors(object(
        R"({"name":"","kind":"csv","settings":{"path":"rel.csv","delimiter":"::"},"credentials":{"pin":"1"}})"));
    QCOMPARE(errors,
             (errs({ "name: is required", "settings.path: must be an absolute path",
                     "settings.delimiter: must be one character",
                     "credentials.pin: is not allowed (allowed: user, password, token)" })));
}

void TestSystemRegistry::errorsNeverEchoCredentials()
{
    // A bad definition carrying a password: the error must not repeat it.
    QJsonObject json = sqliteDefinition(u"PACS"_s, u"relative.db"_s);
    QJsonObject credentials = json[u"credentials"_s].toObject();
    credentials.insert(u"extra"_s, QString::fromLatin1(kPassword));
    json.insert(u"credentials"_s, credentials);
    try {
        SystemDefinition::parse(json);
        QFAIL("an invalid definition was accepted");
    } catch (const tf::Error &error) {
        const QByteArray all = error.message().toUtf8() + QJsonDocument(error.details()).toJson();
        QVERIFY(!all.contains(kPassword));
        QVERIFY(all.contains("credentials.extra"));
    }
}

void TestSystemRegistry::publicJsonNeverHasCredentials()
{
    const SystemDefinition definition
        = SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s));
    QCOMPARE(definition.credentials.value(u"password"_s).toString(),
             QString::fromLatin1(kPassword));
    const QJsonObject json = definition.toPublicJson();
    QVERIFY(!json.contains(u"credentials"_s));
    QCOMPARE(json.value(u"has_credentials"_s).toBool(), true);
    QCOMPARE(json.value(u"name"_s).toString(), u"PACS"_s);
    QCOMPARE(json.value(u"kind"_s).toString(), u"sqlite"_s);
    QCOMPARE(json.value(u"settings"_s).toObject().value(u"path"_s).toString(), u"/srv/pacs.db"_s);
    const QByteArray text = QJsonDocument(json).toJson();
    QVERIFY(!text.contains(kPassword));
    QVERIFY(!text.contains("\"sync\""));

    SystemDefinition bare = definition;
    bare.credentials = {};
    QCOMPARE(bare.toPublicJson().value(u"has_credentials"_s).toBool(), false);
    // What the API returns can be sent back as is.
    QCOMPARE(SystemDefinition::parse(json).toPublicJson().value(u"has_credentials"_s).toBool(),
             false);
}

void TestSystemRegistry::createAndLoadRoundTrip()
{
    SystemRegistry registry(m_control->database(), *m_box);
    const SystemDefinition definition
        = SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s));
    const qint64 id = registry.create(definition);
    QVERIFY(id > 0);

    const SystemDefinition loaded = registry.load(id);
    QCOMPARE(loaded.name, definition.name);
    QCOMPARE(loaded.kind, definition.kind);
    QCOMPARE(loaded.description, definition.description);
    QCOMPARE(loaded.settings, definition.settings);
    QCOMPARE(loaded.credentials, definition.credentials);

    // The repository's own view knows there are credentials but never shows them.
    tf::db::SystemRepository repository(m_control->database());
    const tf::db::SystemRecord record = repository.get(id);
    QVERIFY(record.hasCredentials);
    QVERIFY(!QJsonDocument(record.toJson()).toJson().contains(kPassword));
}

void TestSystemRegistry::rawColumnHoldsNoPlaintext()
{
    SystemRegistry registry(m_control->database(), *m_box);
    const qint64 id
        = registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s)));

    QSqlQuery query(m_control->database().connection());
    QVERIFY(query.prepare(QStringLiteral(
        "SELECT credentials_encrypted, settings, name, description FROM systems WHERE id = ?")));
    query.addBindValue(id);
    QVERIFY(query.exec() && query.next());
    const QByteArray raw = query.value(0).toByteArray();
    QVERIFY(!raw.isEmpty());
    QCOMPARE(raw.at(0), tf::SecretBox::kVersion);
    QVERIFY(!raw.contains(kPassword));
    QVERIFY(!raw.contains("password"));
    QVERIFY(!raw.contains(kPassword.toBase64()));
    QVERIFY(!raw.contains(kPassword.toHex()));
    for (int column = 1; column < 4; ++column)
        QVERIFY(!query.value(column).toByteArray().contains(kPassword));
    // It is exactly the sealed compact JSON of the credentials.
    QCOMPARE(object(m_box->open(raw)),
             sqliteDefinition(u"x"_s, u"/x"_s)[u"credentials"_s].toObject());
    QVERIFY(!m_box->open(raw).contains(' '));

    // And nowhere else in the database file either.
    for (const QString &suffix : { QString(), u"-wal"_s }) {
        QFile file(m_control->database().url().sqlitePath + suffix);
        if (file.open(QIODevice::ReadOnly))
            QVERIFY(!file.readAll().contains(kPassword));
    }
}

void TestSystemRegistry::updateKeepsOrReplacesCredentials()
{
    SystemRegistry registry(m_control->database(), *m_box);
    const qint64 id
        = registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s)));

    // Edited without credentials, as an API client that never saw them would: they stay.
    SystemDefinition edited
        = SystemDefinition::parse(sqliteDefinition(u"PACS 2"_s, u"/srv/pacs2.db"_s));
    edited.credentials = {};
    registry.update(id, edited, false);
    SystemDefinition loaded = registry.load(id);
    QCOMPARE(loaded.name, u"PACS 2"_s);
    QCOMPARE(loaded.settings.value(u"path"_s).toString(), u"/srv/pacs2.db"_s);
    QCOMPARE(loaded.credentials.value(u"password"_s).toString(), QString::fromLatin1(kPassword));

    // Replaced.
    edited.credentials = QJsonObject { { u"token"_s, u"t-123"_s } };
    registry.update(id, edited, true);
    loaded = registry.load(id);
    QCOMPARE(loaded.credentials, (QJsonObject { { u"token"_s, u"t-123"_s } }));

    // Replaced with nothing: cleared.
    edited.credentials = {};
    registry.update(id, edited, true);
    QVERIFY(registry.load(id).credentials.isEmpty());
    QVERIFY(!tf::db::SystemRepository(m_control->database()).get(id).hasCredentials);
}

void TestSystemRegistry::systemWithoutCredentials()
{
    SystemRegistry registry(m_control->database(), *m_box);
    SystemDefinition definition
        = SystemDefinition::parse(sqliteDefinition(u"Open"_s, u"/srv/open.db"_s));
    definition.credentials = {};
    const qint64 id = registry.create(definition);
    QVERIFY(tf::db::SystemRepository(m_control->database()).credentials(id).isEmpty());
    QVERIFY(registry.load(id).credentials.isEmpty());
}

void TestSystemRegistry::wrongKeyCannotLoadCredentials()
{
    const qint64 id
        = SystemRegistry(m_control->database(), *m_box)
              .create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s)));
    const tf::SecretBox otherKey(QByteArray(32, '\x11'));
    SystemRegistry other(m_control->database(), otherKey);
    try {
        other.load(id);
        QFAIL("credentials opened with the wrong key");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QCOMPARE(error.message(), u"credentials cannot be decrypted: wrong key or damaged data"_s);
    }
}

void TestSystemRegistry::damagedColumnIsReported()
{
    SystemRegistry registry(m_control->database(), *m_box);
    const qint64 id
        = registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s)));
    tf::db::SystemRepository repository(m_control->database());
    QByteArray sealed = repository.credentials(id);
    sealed[sealed.size() / 2] = char(sealed.at(sealed.size() / 2) ^ 0x20);
    repository.setCredentials(id, sealed);
    QVERIFY_THROWS_EXCEPTION(tf::Error, registry.load(id));
    QVERIFY_THROWS_EXCEPTION(tf::Error, registry.settings(id));

    // Authentic but not a JSON object (written by something else).
    repository.setCredentials(id, m_box->seal("[1,2]"));
    try {
        registry.load(id);
        QFAIL("a non-object was accepted as credentials");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY(!error.message().contains(QLatin1String("[1,2]")));
    }
}

void TestSystemRegistry::invalidDefinitionIsNotStored()
{
    SystemRegistry registry(m_control->database(), *m_box);
    SystemDefinition definition;
    definition.name = u"Bad"_s;
    definition.kind = u"sqlite"_s;
    definition.settings = QJsonObject { { u"path"_s, u"relative.db"_s } };
    QVERIFY_THROWS_EXCEPTION(tf::Error, registry.create(definition));
    QVERIFY(tf::db::SystemRepository(m_control->database()).list().isEmpty());

    const qint64 id
        = registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/pacs.db"_s)));
    QVERIFY_THROWS_EXCEPTION(tf::Error, registry.update(id, definition, true));
    const SystemDefinition kept = registry.load(id);
    QCOMPARE(kept.settings.value(u"path"_s).toString(), u"/srv/pacs.db"_s);
    QCOMPARE(kept.credentials.value(u"password"_s).toString(), QString::fromLatin1(kPassword));
}

void TestSystemRegistry::duplicateNameIsConflict()
{
    SystemRegistry registry(m_control->database(), *m_box);
    registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/a.db"_s)));
    try {
        registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/b.db"_s)));
        QFAIL("a duplicate name was accepted");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Conflict);
    }
}

void TestSystemRegistry::unknownIdIsNotFound()
{
    SystemRegistry registry(m_control->database(), *m_box);
    try {
        registry.load(4242);
        QFAIL("an unknown id loaded");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::NotFound);
    }
    const SystemDefinition definition
        = SystemDefinition::parse(sqliteDefinition(u"PACS"_s, u"/srv/a.db"_s));
    try {
        registry.update(4242, definition, true);
        QFAIL("an unknown id updated");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::NotFound);
    }
}

void TestSystemRegistry::settingsForTheEngine()
{
    SystemRegistry registry(m_control->database(), *m_box);
    const qint64 id = registry.create(SystemDefinition::parse(object(
        R"({"name":"CAMA","kind":"postgres","settings":{"host":"cama.example","database":"cama","port":5432},)"
        R"("credentials":{"user":"sync","password":"Pa55-w0rd!unique-7f3c"}})")));
    const tf::sync::SystemSettings settings = registry.settings(id);
    QCOMPARE(settings.kind, u"postgres"_s);
    QCOMPARE(settings.settings.value(u"database"_s).toString(), u"cama"_s);
    QCOMPARE(settings.settings.value(u"port"_s).toInt(), 5432);
    QCOMPARE(settings.credentials.value(u"user"_s).toString(), u"sync"_s);
    QCOMPARE(settings.credentials.value(u"password"_s).toString(), QString::fromLatin1(kPassword));
}

void TestSystemRegistry::openSourceAndTarget()
{
    // A real SQLite file and a CSV folder, opened through the registry.
    const QString dbPath = m_dir.filePath(u"pacs-%1.db"_s.arg(m_counter));
    {
        const QString name = u"make-pacs"_s;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(dbPath);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral(
                "CREATE TABLE Property (PropertyID TEXT PRIMARY KEY, ParcelNumber TEXT)")));
            QVERIFY(query.exec(u"INSERT INTO Property VALUES ('{A}', '1-1000-100-0001-000')"_s));
        }
        QSqlDatabase::removeDatabase(name);
    }
    const QString csvDir = m_dir.filePath(u"csv-%1"_s.arg(m_counter));
    QVERIFY(QDir().mkpath(csvDir));
    QFile csv(csvDir + u"/Owner.csv"_s);
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("OwnerID;OwnerName\r\n1;SMITH, JOHN A\r\n");
    csv.close();

    SystemRegistry registry(m_control->database(), *m_box);
    const qint64 sqliteId
        = registry.create(SystemDefinition::parse(sqliteDefinition(u"PACS"_s, dbPath)));
    const qint64 csvId = registry.create(SystemDefinition::parse(
        object(QStringLiteral(
                   R"({"name":"Exports","kind":"csv","settings":{"path":"%1","delimiter":";"}})")
                   .arg(csvDir)
                   .toUtf8())));

    const std::unique_ptr<tf::sync::SourceConnector> source = registry.openSource(sqliteId);
    QVERIFY(source);
    QVERIFY(source->entities().contains(u"Property"_s));
    QCOMPARE(source->describe(u"Property"_s).schema.names(),
             (QStringList { u"PropertyID"_s, u"ParcelNumber"_s }));
    const std::unique_ptr<tf::sync::TargetConnector> target = registry.openTarget(sqliteId);
    QVERIFY(target);
    QVERIFY(target->isTransactional());

    const std::unique_ptr<tf::sync::SourceConnector> csvSource = registry.openSource(csvId);
    QVERIFY(csvSource);
    QCOMPARE(csvSource->entities(), QStringList { u"Owner"_s });
    QCOMPARE(csvSource->describe(u"Owner"_s).schema.names(),
             (QStringList { u"OwnerID"_s, u"OwnerName"_s }));
    QVERIFY(!registry.openTarget(csvId)->isTransactional());
}

void TestSystemRegistry::factoryRefusesUnknownKind()
{
    const tf::sync::SystemSettings settings { u"wfs"_s, {}, {} };
    try {
        tf::sync::makeSource(settings);
        QFAIL("an unknown kind made a connector");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY(error.message().contains(QLatin1String("wfs")));
    }
    QVERIFY_THROWS_EXCEPTION(tf::Error, tf::sync::makeTarget(settings));
    // The GIS kinds are sources only.
    for (const QString &kind : { u"arcgis"_s, u"ogcapi"_s }) {
        const tf::sync::SystemSettings gis { kind, { { u"url"_s, u"http://127.0.0.1:9/x"_s } }, {} };
        QVERIFY(tf::sync::makeSource(gis));
        try {
            tf::sync::makeTarget(gis);
            QFAIL("a GIS kind made a target");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Validation);
            QCOMPARE(error.message(), u"a system of kind '%1' can only be a source"_s.arg(kind));
        }
    }
}

QTEST_GUILESS_MAIN(TestSystemRegistry)
#include "tst_systemregistry.moc"
