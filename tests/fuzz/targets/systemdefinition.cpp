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

// What parse() answers, as text: the public JSON of the definition, or the error's message
// and details.
QString answerTo(const QJsonObject &json)
{
    try {
        const tf::sync::SystemDefinition definition = tf::sync::SystemDefinition::parse(json);
        definition.validate();
        return QString::fromUtf8(QJsonDocument(definition.toPublicJson()).toJson());
    } catch (const tf::Error &error) {
        TF_FUZZ_REQUIRE(error.kind() == tf::Error::Kind::Validation, "a bad definition is not a validation error");
        return error.message() + QLatin1Char('\n') + QString::fromUtf8(QJsonDocument(error.details()).toJson());
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
    // Every credential string replaced by a marker: no answer may hold a marker. Then the real
    // body: its answer may hold a credential's text only where the marked body's answer holds
    // it too (the text came from elsewhere: a kind name, a setting, the message itself).
    QJsonObject marked = json;
    QJsonObject markedCredentials = json.value(QStringLiteral("credentials")).toObject();
    for (auto it = markedCredentials.begin(); it != markedCredentials.end(); ++it) {
        if (it.value().isString())
            it.value() = QStringLiteral("tf-fuzz-credential-marker");
    }
    if (json.contains(QStringLiteral("credentials")) && json.value(QStringLiteral("credentials")).isObject())
        marked.insert(QStringLiteral("credentials"), markedCredentials);
    const QString markedAnswer = answerTo(marked);
    TF_FUZZ_REQUIRE(!markedAnswer.contains(QStringLiteral("tf-fuzz-credential-marker")),
                    "an answer holds a credential");

    QStringList hidden;
    for (const QString &secret : secretsOf(json)) {
        if (!markedAnswer.contains(secret))
            hidden << secret;
    }
    TF_FUZZ_REQUIRE(!holdsAny(answerTo(json), hidden), "an answer holds a credential");
    return 0;
}
