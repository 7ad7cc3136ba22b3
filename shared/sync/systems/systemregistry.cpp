#include "systemregistry.h"

#include "connectorfactory.h"
#include "core/errors.h"
#include "core/secretbox.h"
#include "db/connection.h"
#include "db/repositories/syncpairrepository.h"
#include "db/repositories/systemrepository.h"

#include <QJsonArray>
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

// A friendlier Conflict than the unique index's, raised before the write; the index still
// decides a race between two writers.
void requireFreeName(const db::SystemRepository &systems, const QString &name, qint64 exceptId)
{
    for (const db::SystemRecord &system : systems.list()) {
        if (system.name == name && system.id != exceptId) {
            throw Error(Error::Kind::Conflict, QStringLiteral("name_taken"),
                        QStringLiteral("a system named \"%1\" already exists (id %2)").arg(name).arg(system.id),
                        QJsonObject { { QStringLiteral("field"), QStringLiteral("name") }, { QStringLiteral("id"), system.id } });
        }
    }
}

} // namespace

db::SystemRecord findSystem(const db::SystemRepository &systems, const QString &reference)
{
    bool isId = false;
    const qint64 id = reference.toLongLong(&isId);
    if (isId)
        return systems.get(id);
    for (const db::SystemRecord &record : systems.list()) {
        if (record.name == reference)
            return record;
    }
    throw Error(Error::Kind::NotFound, QStringLiteral("no system with id or name '%1'").arg(reference));
}

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
    requireFreeName(repository, definition.name, 0);
    const qint64 id
        = repository.insert(toRecord(definition), sealCredentials(definition.credentials));
    qCInfo(lcSystems).noquote() << "system" << id << definition.name << "created, kind"
                                << definition.kind
                                << (definition.credentials.isEmpty() ? "without" : "with")
                                << "credentials";
    return id;
}

qint64 SystemRegistry::update(qint64 id, const SystemDefinition &definition, bool replaceCredentials,
                              qint64 expectedVersion)
{
    definition.validate();
    db::SystemRepository repository(m_control);
    repository.get(id); // NotFound before Conflict
    requireFreeName(repository, definition.name, id);
    db::Transaction transaction(m_control);
    const qint64 version = repository.update(toRecord(definition, id), expectedVersion);
    if (replaceCredentials)
        repository.setCredentials(id, sealCredentials(definition.credentials));
    transaction.commit();
    qCInfo(lcSystems).noquote() << "system" << id << definition.name << "updated to version" << version
                                << (replaceCredentials ? "with new credentials" : "");
    return version;
}

db::SystemRecord SystemRegistry::remove(qint64 id, qint64 expectedVersion)
{
    db::SystemRepository repository(m_control);
    const db::SystemRecord system = repository.get(id);
    QJsonArray ids;
    QStringList names;
    for (const db::SyncPairRecord &pair : db::SyncPairRepository(m_control).list()) {
        if (pair.sourceSystemId == id || pair.targetSystemId == id) {
            ids.append(pair.id);
            names << QStringLiteral("%1 '%2'").arg(pair.id).arg(pair.name);
        }
    }
    if (!ids.isEmpty()) {
        throw Error(Error::Kind::Conflict, QStringLiteral("in_use"),
                    QStringLiteral("system %1 '%2' is used by sync pair %3; delete or change %4 first")
                        .arg(id)
                        .arg(system.name, names.join(QStringLiteral(", ")),
                             ids.size() == 1 ? QStringLiteral("it") : QStringLiteral("them")),
                    QJsonObject { { QStringLiteral("pair_ids"), ids } });
    }
    repository.remove(id, expectedVersion);
    qCInfo(lcSystems).noquote() << "system" << id << system.name << "removed";
    return system;
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
