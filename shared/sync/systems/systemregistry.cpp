#include "systemregistry.h"

#include "connectorfactory.h"
#include "core/errors.h"
#include "core/secretbox.h"
#include "db/connection.h"
#include "db/repositories/systemrepository.h"

#include <QJsonDocument>
#include <QLoggingCategory>

namespace tf::sync {

namespace {

Q_LOGGING_CATEGORY(lcSystems, "sync.systems")

db::SystemRecord toRecord(const SystemDefinition &definition, qint64 id = 0)
{
    db::SystemRecord record;
    record.id = id;
    record.name = definition.name;
    record.kind = definition.kind;
    record.description = definition.description;
    record.settings = definition.settings;
    return record;
}

} // namespace

SystemRegistry::SystemRegistry(db::Database &control, const SecretBox &box)
    : m_control(control)
    , m_box(box)
{ }

QByteArray SystemRegistry::sealCredentials(const QJsonObject &credentials) const
{
    if (credentials.isEmpty())
        return {};
    QByteArray plain = QJsonDocument(credentials).toJson(QJsonDocument::Compact);
    const QByteArray sealed = m_box.seal(plain);
    plain.fill('\0'); // the clear text should not linger in freed memory
    return sealed;
}

qint64 SystemRegistry::create(const SystemDefinition &definition)
{
    definition.validate();
    db::SystemRepository repository(m_control);
    const qint64 id
        = repository.insert(toRecord(definition), sealCredentials(definition.credentials));
    qCInfo(lcSystems).noquote() << "system" << id << definition.name << "created, kind"
                                << definition.kind
                                << (definition.credentials.isEmpty() ? "without" : "with")
                                << "credentials";
    return id;
}

void SystemRegistry::update(qint64 id, const SystemDefinition &definition, bool replaceCredentials)
{
    definition.validate();
    db::SystemRepository repository(m_control);
    db::Transaction transaction(m_control);
    repository.update(toRecord(definition, id));
    if (replaceCredentials)
        repository.setCredentials(id, sealCredentials(definition.credentials));
    transaction.commit();
    qCInfo(lcSystems).noquote() << "system" << id << definition.name << "updated"
                                << (replaceCredentials ? "with new credentials" : "");
}

SystemDefinition SystemRegistry::load(qint64 id) const
{
    db::SystemRepository repository(m_control);
    const db::SystemRecord record = repository.get(id);
    SystemDefinition definition;
    definition.name = record.name;
    definition.kind = record.kind;
    definition.description = record.description;
    definition.settings = record.settings;
    const QByteArray sealed = repository.credentials(id);
    if (!sealed.isEmpty()) {
        QByteArray plain = m_box.open(sealed);
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(plain, &parseError);
        plain.fill('\0');
        // Authenticated but not an object: written by something else; say so, show nothing.
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            throw Error(Error::Kind::Validation,
                        QStringLiteral("credentials of system %1 are not a JSON object").arg(id));
        definition.credentials = document.object();
    }
    return definition;
}

SystemSettings SystemRegistry::settings(qint64 id) const
{
    SystemDefinition definition = load(id);
    return SystemSettings { definition.kind, definition.settings, definition.credentials };
}

std::unique_ptr<SourceConnector> SystemRegistry::openSource(qint64 id) const
{
    return makeSource(settings(id));
}

std::unique_ptr<TargetConnector> SystemRegistry::openTarget(qint64 id) const
{
    return makeTarget(settings(id));
}

} // namespace tf::sync
