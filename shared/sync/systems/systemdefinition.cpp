#include "systemdefinition.h"

#include "core/errors.h"
#include "db/databaseurl.h"
#include "sync/connectors/gishttpclient.h"
#include "sync/connectors/mysqlsession.h"
#include "sync/connectors/ogcapiconnector.h"
#include "sync/connectors/odbcsession.h"
#include "sync/definition/definitionerrors.h"

#include <QDir>

namespace tf::sync {

namespace {

const QString kInvalid = QStringLiteral("system definition is invalid");

// Keys a definition may carry besides its own fields: what toPublicJson() and the API add,
// so a definition read back can be sent again unchanged.
const QStringList &readOnlyKeys()
{
    static const QStringList keys { QStringLiteral("id"), QStringLiteral("has_credentials"),
                                    QStringLiteral("created_at"), QStringLiteral("updated_at") };
    return keys;
}

// Secrets put in settings would be stored and returned in clear text.
bool looksSecret(const QString &key)
{
    static const QStringList secrets { QStringLiteral("password"), QStringLiteral("token"),
                                       QStringLiteral("secret"), QStringLiteral("api_key"),
                                       QStringLiteral("apikey") };
    return secrets.contains(key.toLower());
}

QString text(const QJsonObject &object, const QString &key)
{
    return object.value(key).toString();
}

bool present(const QJsonObject &object, const QString &key)
{
    return object.contains(key) && !object.value(key).isNull();
}

void requireText(const QJsonObject &settings, const QString &key, DefinitionErrors *errors)
{
    const QJsonValue value = settings.value(key);
    if (!value.isString() || value.toString().trimmed().isEmpty())
        errors->add(QStringLiteral("settings.") + key, QStringLiteral("is required"));
}

void checkAbsolutePath(const QJsonObject &settings, DefinitionErrors *errors)
{
    const QString field = QStringLiteral("settings.path");
    const QJsonValue value = settings.value(QStringLiteral("path"));
    if (!value.isString() || value.toString().isEmpty())
        errors->add(field, QStringLiteral("is required"));
    else if (!QDir::isAbsolutePath(value.toString()))
        errors->add(field, QStringLiteral("must be an absolute path"));
}

void checkPostgres(const QJsonObject &settings, DefinitionErrors *errors)
{
    const QString urlKey = QStringLiteral("url");
    if (present(settings, urlKey)) {
        const QString url = text(settings, urlKey);
        const QString field = QStringLiteral("settings.url");
        if (!url.startsWith(QLatin1String("postgres://"))
            && !url.startsWith(QLatin1String("postgresql://"))) {
            errors->add(field, QStringLiteral("must be a postgres:// or postgresql:// URL"));
            return;
        }
        try {
            if (!db::DatabaseUrl::parse(url).password.isEmpty())
                errors->add(field,
                            QStringLiteral("must not contain a password; put it in "
                                           "credentials.password"));
        } catch (const Error &error) {
            errors->add(field, error.message()); // DatabaseUrl never echoes a password
        }
        return;
    }
    if (!present(settings, QStringLiteral("host"))
        && !present(settings, QStringLiteral("database"))) {
        errors->add(QStringLiteral("settings.url"),
                    QStringLiteral("is required (or host and database)"));
        return;
    }
    requireText(settings, QStringLiteral("host"), errors);
    requireText(settings, QStringLiteral("database"), errors);
    const QString portKey = QStringLiteral("port");
    if (present(settings, portKey)) {
        const QJsonValue port = settings.value(portKey);
        const double number = port.toDouble(-1);
        if (!port.isDouble() || number != double(int(number)) || number < 1 || number > 65535)
            errors->add(QStringLiteral("settings.port"),
                        QStringLiteral("must be an integer from 1 to 65535"));
    }
}

void checkFile(const QJsonObject &settings, DefinitionErrors *errors)
{
    checkAbsolutePath(settings, errors);
    const QString key = QStringLiteral("delimiter");
    if (present(settings, key)) {
        const QJsonValue delimiter = settings.value(key);
        if (!delimiter.isString() || delimiter.toString().size() != 1)
            errors->add(QStringLiteral("settings.delimiter"),
                        QStringLiteral("must be one character"));
    }
}

void check(const SystemDefinition &definition, DefinitionErrors *errors)
{
    if (definition.name.trimmed().isEmpty())
        errors->add(QStringLiteral("name"), QStringLiteral("is required"));
    else if (definition.name.size() > 200)
        errors->add(QStringLiteral("name"), QStringLiteral("must be at most 200 characters"));

    if (definition.kind.isEmpty())
        errors->add(QStringLiteral("kind"), QStringLiteral("is required"));
    else if (!SystemDefinition::kinds().contains(definition.kind))
        errors->add(QStringLiteral("kind"),
                    QStringLiteral("must be one of: ")
                        + SystemDefinition::kinds().join(QStringLiteral(", ")));

    const QJsonObject &settings = definition.settings;
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        if (looksSecret(it.key()))
            errors->add(
                QStringLiteral("settings.") + it.key(),
                QStringLiteral("secrets belong in credentials, which are stored encrypted"));
    }
    if (definition.kind == QLatin1String("postgres"))
        checkPostgres(settings, errors);
    else if (definition.kind == QLatin1String("sqlite"))
        checkAbsolutePath(settings, errors);
    else if (definition.kind == QLatin1String("csv") || definition.kind == QLatin1String("jsonl"))
        checkFile(settings, errors);
    else if (definition.kind == QLatin1String("mysql")) {
        for (const auto &[field, message] : mysql::settingsProblems(settings))
            errors->add(QStringLiteral("settings.") + field, message);
    } else if (definition.kind == QLatin1String("odbc") || definition.kind == QLatin1String("sqlserver")) {
        for (const auto &[field, message] : odbc::settingsProblems(definition.kind, settings))
            errors->add(QStringLiteral("settings.") + field, message);
    } else if (definition.kind == QLatin1String("arcgis") || definition.kind == QLatin1String("ogcapi")) {
        for (const auto &[field, message] : gis::settingsProblems(settings))
            errors->add(QStringLiteral("settings.") + field, message);
        if (definition.kind == QLatin1String("ogcapi")) {
            for (const auto &[field, message] : OgcapiConnector::settingsProblems(settings))
                errors->add(QStringLiteral("settings.") + field, message);
        }
    }

    const QJsonObject &credentials = definition.credentials;
    for (auto it = credentials.begin(); it != credentials.end(); ++it) {
        const QString field = QStringLiteral("credentials.") + it.key();
        if (!SystemDefinition::credentialKeys().contains(it.key()))
            errors->add(field,
                        QStringLiteral("is not allowed (allowed: ")
                            + SystemDefinition::credentialKeys().join(QStringLiteral(", "))
                            + QLatin1Char(')'));
        else if (!it.value().isString())
            errors->add(field, QStringLiteral("must be a string"));
    }
}

// Records a type problem and returns the default when a present field has the wrong type.
QString stringField(const QJsonObject &json, const QString &key, DefinitionErrors *errors)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString()) {
        errors->add(key, QStringLiteral("must be a string"));
        return {};
    }
    return value.toString();
}

QJsonObject objectField(const QJsonObject &json, const QString &key, DefinitionErrors *errors)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject()) {
        errors->add(key, QStringLiteral("must be an object"));
        return {};
    }
    return value.toObject();
}

} // namespace

const QStringList &SystemDefinition::kinds()
{
    static const QStringList list { QStringLiteral("postgres"), QStringLiteral("sqlite"),
                                    QStringLiteral("csv"), QStringLiteral("jsonl"),
                                    QStringLiteral("mysql"), QStringLiteral("odbc"),
                                    QStringLiteral("sqlserver"), QStringLiteral("arcgis"),
                                    QStringLiteral("ogcapi") };
    return list;
}

const QStringList &SystemDefinition::credentialKeys()
{
    static const QStringList list { QStringLiteral("user"), QStringLiteral("password"),
                                    QStringLiteral("token") };
    return list;
}

SystemDefinition SystemDefinition::parse(const QJsonObject &json)
{
    static const QStringList fields { QStringLiteral("name"), QStringLiteral("kind"),
                                      QStringLiteral("description"), QStringLiteral("settings"),
                                      QStringLiteral("credentials") };
    DefinitionErrors errors;
    for (auto it = json.begin(); it != json.end(); ++it) {
        // A misspelt "credentials" would otherwise be dropped without a word.
        if (!fields.contains(it.key()) && !readOnlyKeys().contains(it.key()))
            errors.add(it.key(), QStringLiteral("is not a known field"));
    }
    SystemDefinition definition;
    definition.name = stringField(json, QStringLiteral("name"), &errors).trimmed();
    definition.kind = stringField(json, QStringLiteral("kind"), &errors).trimmed().toLower();
    definition.description = stringField(json, QStringLiteral("description"), &errors);
    definition.settings = objectField(json, QStringLiteral("settings"), &errors);
    definition.credentials = objectField(json, QStringLiteral("credentials"), &errors);
    check(definition, &errors);
    errors.throwIfAny(kInvalid);
    return definition;
}

void SystemDefinition::validate() const
{
    DefinitionErrors errors;
    check(*this, &errors);
    errors.throwIfAny(kInvalid);
}

QJsonObject SystemDefinition::toPublicJson() const
{
    return { { QStringLiteral("name"), name },
             { QStringLiteral("kind"), kind },
             { QStringLiteral("description"), description },
             { QStringLiteral("settings"), settings },
             { QStringLiteral("has_credentials"), !credentials.isEmpty() } };
}

} // namespace tf::sync
