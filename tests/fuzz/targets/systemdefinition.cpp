// System definitions (the JSON body of POST /api/systems): any bytes either parse or throw
// tf::Error (BadRequest or Validation) whose message and details never hold a credential;
// the public JSON of a parsed definition never holds one either.
#include "../fuzzinput.h"

#include "core/errors.h"
#include "core/jsonutil.h"
#include "sync/systems/systemdefinition.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {

// The credential strings of a body, long enough not to occur in it by chance.
QStringList secretsOf(const QJsonObject &json)
{
    QStringList secrets;
    const QJsonObject credentials = json.value(QStringLiteral("credentials")).toObject();
    for (auto it = credentials.begin(); it != credentials.end(); ++it) {
        const QString value = it.value().toString();
        if (value.size() >= 6)
            secrets << value;
    }
    return secrets;
}

// Every key and scalar of a JSON value as text, one a line.
void collectText(const QJsonValue &value, QString *out)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            *out += it.key() + QLatin1Char('\n');
            collectText(it.value(), out);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collectText(item, out);
    } else {
        *out += value.toVariant().toString() + QLatin1Char('\n');
    }
}

bool holdsAny(const QString &text, const QStringList &secrets)
{
    for (const QString &secret : secrets) {
        if (text.contains(secret))
            return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QJsonObject json;
    try {
        json = tf::json::parseObject(tf::fuzz::bytesOf(data, size).toByteArray());
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::BadRequest, "bad JSON is not a bad request");
        return 0;
    }
    const QStringList secrets = secretsOf(json);
    // Secrets that also appear outside the credentials may rightly be echoed from there.
    QJsonObject withoutCredentials = json;
    withoutCredentials.remove(QStringLiteral("credentials"));
    QString outside;
    collectText(withoutCredentials, &outside);
    QStringList hidden;
    for (const QString &secret : secrets) {
        if (!outside.contains(secret))
            hidden << secret;
    }
    try {
        const tf::sync::SystemDefinition definition = tf::sync::SystemDefinition::parse(json);
        const QString publicJson = QString::fromUtf8(QJsonDocument(definition.toPublicJson()).toJson());
        TF_FUZZ_REQUIRE(!holdsAny(publicJson, hidden), "the public JSON holds a credential");
        definition.validate();
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "a bad definition is not a validation error");
        const QString details = QString::fromUtf8(QJsonDocument(error.details()).toJson());
        TF_FUZZ_REQUIRE(!holdsAny(error.message(), hidden) && !holdsAny(details, hidden),
                        "a definition error holds a credential");
    }
    return 0;
}
