#include "systemprobe.h"

#include "core/errors.h"
#include "core/redact.h"
#include "sync/connector.h"
#include "sync/systems/connectorfactory.h"
#include "sync/systems/systemregistry.h"

#include <QElapsedTimer>

namespace tf::syncd::systemprobe {

QString scrub(const QString &message, const QJsonObject &credentials)
{
    QString text = message;
    for (auto it = credentials.begin(); it != credentials.end(); ++it) {
        const QString secret = it.value().toString();
        if (secret.size() >= 3) // a one- or two-letter user name would mangle the whole text
            text.replace(secret, QStringLiteral("***"));
    }
    return redactSecrets(text);
}

QJsonObject describe(const sync::EntityDescription &description)
{
    QJsonArray columns;
    for (const sync::Column &column : description.schema.columns()) {
        columns.append(QJsonObject { { QStringLiteral("name"), column.name },
                                     { QStringLiteral("type"), sync::valueTypeName(column.type) },
                                     { QStringLiteral("nullable"), column.nullable } });
    }
    return { { QStringLiteral("name"), description.name },
             { QStringLiteral("key"), QJsonArray::fromStringList(description.keyColumns) },
             { QStringLiteral("columns"), columns } };
}

QJsonObject test(db::Database &control, const SecretBox &secrets, qint64 systemId)
{
    QElapsedTimer clock;
    clock.start();
    sync::SystemRegistry registry(control, secrets);
    QJsonObject credentials;
    QJsonObject answer { { QStringLiteral("system_id"), systemId } };
    try {
        const sync::SystemDefinition definition = registry.load(systemId);
        credentials = definition.credentials;
        auto source = sync::makeSource(
            sync::SystemSettings { definition.kind, definition.settings, definition.credentials });
        const int count = int(source->entities().size());
        answer.insert(QStringLiteral("ok"), true);
        answer.insert(QStringLiteral("entities_count"), count);
        answer.insert(QStringLiteral("error"), QJsonValue());
    } catch (const Error &error) {
        if (error.kind() == Error::Kind::NotFound)
            throw;
        answer.insert(QStringLiteral("ok"), false);
        answer.insert(QStringLiteral("entities_count"), 0);
        answer.insert(QStringLiteral("error"), scrub(error.message(), credentials));
    }
    answer.insert(QStringLiteral("elapsed_ms"), clock.elapsed());
    return answer;
}

QJsonArray entities(db::Database &control, const SecretBox &secrets, qint64 systemId)
{
    sync::SystemRegistry registry(control, secrets);
    const sync::SystemDefinition definition = registry.load(systemId);
    try {
        auto source = sync::makeSource(
            sync::SystemSettings { definition.kind, definition.settings, definition.credentials });
        QJsonArray items;
        for (const QString &name : source->entities())
            items.append(describe(source->describe(name)));
        return items;
    } catch (const Error &error) {
        // Keep the kind (Unavailable, Validation...) but never let a secret through.
        throw Error(error.kind(),
                    QStringLiteral("cannot read the entities of system %1: %2")
                        .arg(systemId)
                        .arg(scrub(error.message(), definition.credentials)));
    }
}

} // namespace tf::syncd::systemprobe
