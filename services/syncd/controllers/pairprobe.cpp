#include "pairprobe.h"

#include "core/errors.h"
#include "db/repositories/syncpairrepository.h"
#include "sync/definition/pairrecord.h"
#include "sync/mapping/mappingplan.h"
#include "sync/systems/connectorfactory.h"
#include "sync/systems/systemregistry.h"
#include "sync/validation/validationplan.h"
#include "systemprobe.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <optional>

namespace tf::syncd::pairprobe {

namespace {

// One side of the pair: its connector, or why there is none.
template<typename Connector> struct Side
{
    qint64 systemId = 0;
    std::unique_ptr<Connector> connector;
    QString error;
    QJsonObject credentials; // only to scrub messages

    QJsonObject toJson() const
    {
        return { { QStringLiteral("system_id"), systemId },
                 { QStringLiteral("ok"), error.isEmpty() },
                 { QStringLiteral("error"), error.isEmpty() ? QJsonValue() : QJsonValue(error) } };
    }
};

template<typename Connector, typename Make>
Side<Connector> openSide(const sync::SystemRegistry &registry, qint64 systemId, Make make)
{
    Side<Connector> side;
    side.systemId = systemId;
    try {
        const sync::SystemDefinition definition = registry.load(systemId);
        side.credentials = definition.credentials;
        side.connector = make(
            sync::SystemSettings { definition.kind, definition.settings, definition.credentials });
        side.connector->entities(); // a connection that cannot list anything is not ok
    } catch (const Error &error) {
        side.connector.reset();
        side.error = systemprobe::scrub(error.message(), side.credentials);
    }
    return side;
}

class EntityReport
{
public:
    EntityReport(int index, const QJsonObject &credentials)
        : m_prefix(QStringLiteral("entities[%1].").arg(index))
        , m_credentials(credentials)
    { }

    void add(const QString &field, const QString &message)
    {
        m_errors.append(QJsonObject {
            { QStringLiteral("field"), QString(m_prefix + field) },
            { QStringLiteral("message"), systemprobe::scrub(message, m_credentials) } });
    }
    // A definition error lists its own fields (relative to the entity); anything else is one.
    void add(const QString &field, const Error &error)
    {
        const QJsonArray listed = error.details().value(QStringLiteral("errors")).toArray();
        if (listed.isEmpty()) {
            add(field, error.message());
            return;
        }
        for (const QJsonValue &entry : listed)
            add(entry[QStringLiteral("field")].toString(),
                entry[QStringLiteral("message")].toString());
    }
    bool isEmpty() const { return m_errors.isEmpty(); }
    const QJsonArray &errors() const { return m_errors; }

private:
    QString m_prefix;
    QJsonObject m_credentials;
    QJsonArray m_errors;
};

template<typename Connector>
std::optional<sync::EntityDescription> describe(Connector *connector, const QString &entity,
                                                const QStringList &key, const QString &side,
                                                EntityReport &report)
{
    if (!connector)
        return std::nullopt;
    try {
        sync::EntityDescription description = connector->describe(entity);
        for (const QString &column : key) {
            if (description.schema.indexOf(column) < 0)
                report.add(side + QStringLiteral(".key"),
                           QStringLiteral("'%1' is not a column of %2").arg(column, entity));
        }
        return description;
    } catch (const Error &error) {
        report.add(side + QStringLiteral(".entity"), error.message());
        return std::nullopt;
    }
}

QJsonObject testEntity(const sync::SyncPairDefinition &pair, int index,
                       sync::SourceConnector *source, sync::TargetConnector *target,
                       const QJsonObject &credentials)
{
    const sync::EntityDefinition &entity = pair.entities.at(index);
    EntityReport report(index, credentials);
    const auto sourceDescription = describe(source, entity.source.entity, entity.source.key,
                                            QStringLiteral("source"), report);
    const auto targetDescription = describe(target, entity.target.entity, entity.target.key,
                                            QStringLiteral("target"), report);
    QJsonArray columns;
    if (sourceDescription && targetDescription) {
        if (const auto cursor = pair.cursorOf(index);
            cursor && pair.modeOf(index) == sync::SyncMode::Cursor
            && cursor->kind == sync::CursorSettings::Kind::Column) {
            if (sourceDescription->schema.indexOf(cursor->column) < 0)
                report.add(QStringLiteral("cursor.column"),
                           QStringLiteral("'%1' is not a column of %2")
                               .arg(cursor->column, entity.source.entity));
        }
        const sync::DeletePolicy policy = pair.deletePolicyOf(index);
        if (policy.action == sync::DeletePolicy::Action::SoftDelete
            && targetDescription->schema.indexOf(policy.column) < 0)
            report.add(QStringLiteral("delete_policy.column"),
                       QStringLiteral("'%1' is not a column of %2")
                           .arg(policy.column, entity.target.entity));
        try {
            const sync::MappingPlan mapping = sync::MappingPlan::compile(
                entity.mapping, sourceDescription->schema, targetDescription->schema);
            for (const sync::Column &column : mapping.targetSchema()->columns()) {
                columns.append(
                    QJsonObject { { QStringLiteral("name"), column.name },
                                  { QStringLiteral("type"), sync::valueTypeName(column.type) } });
            }
            try {
                sync::ValidationPlan::compile(entity.validation, *mapping.targetSchema());
            } catch (const Error &error) {
                report.add(QStringLiteral("validation"), error);
            }
        } catch (const Error &error) {
            report.add(QStringLiteral("mapping"), error);
        }
    }
    return { { QStringLiteral("name"), entity.name },
             { QStringLiteral("source_entity"), entity.source.entity },
             { QStringLiteral("target_entity"), entity.target.entity },
             { QStringLiteral("source_ok"), bool(sourceDescription) },
             { QStringLiteral("target_ok"), bool(targetDescription) },
             { QStringLiteral("columns"), columns },
             { QStringLiteral("errors"), report.errors() },
             { QStringLiteral("ok"), sourceDescription && targetDescription && report.isEmpty() } };
}

} // namespace

QJsonObject test(db::Database &control, const SecretBox &secrets, qint64 pairId)
{
    QElapsedTimer clock;
    clock.start();
    const db::SyncPairRecord record = db::SyncPairRepository(control).get(pairId);
    QJsonObject answer { { QStringLiteral("pair_id"), pairId } };
    sync::SyncPairDefinition definition;
    try {
        definition = sync::definitionOf(record);
    } catch (const Error &error) {
        // Stored before a rule existed, or edited by hand: say what is wrong with it.
        answer.insert(QStringLiteral("ok"), false);
        answer.insert(QStringLiteral("error"), error.message());
        answer.insert(QStringLiteral("errors"), error.details().value(QStringLiteral("errors")));
        answer.insert(QStringLiteral("elapsed_ms"), clock.elapsed());
        return answer;
    }
    const sync::SystemRegistry registry(control, secrets);
    auto source
        = openSide<sync::SourceConnector>(registry, record.sourceSystemId, sync::makeSource);
    auto target
        = openSide<sync::TargetConnector>(registry, record.targetSystemId, sync::makeTarget);
    QJsonObject credentials = source.credentials;
    for (auto it = target.credentials.begin(); it != target.credentials.end(); ++it)
        credentials.insert(QStringLiteral("target_") + it.key(), it.value());

    bool ok = source.error.isEmpty() && target.error.isEmpty();
    QJsonArray entities;
    for (int i = 0; i < definition.entities.size(); ++i) {
        const QJsonObject entity = testEntity(definition, i, source.connector.get(),
                                              target.connector.get(), credentials);
        ok = ok && entity.value(QStringLiteral("ok")).toBool();
        entities.append(entity);
    }
    answer.insert(QStringLiteral("ok"), ok);
    answer.insert(QStringLiteral("source"), source.toJson());
    answer.insert(QStringLiteral("target"), target.toJson());
    answer.insert(QStringLiteral("entities"), entities);
    answer.insert(QStringLiteral("elapsed_ms"), clock.elapsed());
    return answer;
}

} // namespace tf::syncd::pairprobe
