#include "mappingplan.h"

#include "sync/definition/definitionerrors.h"

#include <QJsonArray>
#include <QSet>

namespace tf::sync {

namespace {

QString stepName(const QJsonValue &step)
{
    return step.isObject() ? step.toObject().value(QLatin1String("fn")).toString() : step.toString();
}

} // namespace

MappingPlan MappingPlan::build(const QJsonObject &mapping, const Schema *sourceSchema, const Schema *targetSchema,
                               const QString &pathPrefix, DefinitionErrors *errors)
{
    MappingPlan plan;
    const QString root = pathPrefix + QStringLiteral("mapping");
    for (auto it = mapping.begin(); it != mapping.end(); ++it) {
        if (it.key() != QLatin1String("fields"))
            errors->add(root + QLatin1Char('.') + it.key(), QStringLiteral("unknown key (a mapping has \"fields\")"));
    }
    const QJsonValue fieldsValue = mapping.value(QLatin1String("fields"));
    if (!fieldsValue.isArray() || fieldsValue.toArray().isEmpty()) {
        errors->add(root + QStringLiteral(".fields"), QStringLiteral("must be a non-empty array of fields"));
        return plan;
    }
    const QJsonArray fields = fieldsValue.toArray();
    QSet<QString> targets;
    QList<Column> columns;
    QSet<QString> sourcesSeen;
    for (int i = 0; i < fields.size(); ++i) {
        const QString path = root + QStringLiteral(".fields[%1]").arg(i);
        if (!fields.at(i).isObject()) {
            errors->add(path, QStringLiteral("must be an object with \"target\""));
            continue;
        }
        const QJsonObject spec = fields.at(i).toObject();
        for (auto key = spec.begin(); key != spec.end(); ++key) {
            if (key.key() != QLatin1String("target") && key.key() != QLatin1String("source") && key.key() != QLatin1String("transform"))
                errors->add(path + QLatin1Char('.') + key.key(), QStringLiteral("unknown key (a field has \"target\", \"source\", \"transform\")"));
        }
        Field field;
        const auto useSource = [&](const QString &name) {
            if (!sourcesSeen.contains(name)) {
                sourcesSeen.insert(name);
                plan.m_sourceColumnsUsed << name;
            }
        };

        field.targetName = spec.value(QLatin1String("target")).toString();
        if (field.targetName.isEmpty()) {
            errors->add(path + QStringLiteral(".target"), QStringLiteral("must name a target column"));
        } else if (targets.contains(field.targetName)) {
            errors->add(path + QStringLiteral(".target"), QStringLiteral("duplicate target '%1'").arg(field.targetName));
        } else {
            targets.insert(field.targetName);
            const int targetIndex = targetSchema ? targetSchema->indexOf(field.targetName) : -1;
            if (targetSchema && targetIndex < 0)
                errors->add(path + QStringLiteral(".target"), QStringLiteral("unknown target column '%1'").arg(field.targetName));
            if (targetIndex >= 0) {
                field.targetType = targetSchema->at(targetIndex).type;
                columns << targetSchema->at(targetIndex);
            }
        }

        const QJsonValue sourceValue = spec.value(QLatin1String("source"));
        const bool hasSource = !sourceValue.isUndefined() && !sourceValue.isNull();
        if (hasSource) {
            const QString source = sourceValue.toString();
            if (source.isEmpty()) {
                errors->add(path + QStringLiteral(".source"), QStringLiteral("must name a source column"));
            } else {
                field.sourceName = source;
                useSource(source);
                field.sourceIndex = sourceSchema ? sourceSchema->indexOf(source) : -1;
                if (sourceSchema && field.sourceIndex < 0)
                    errors->add(path + QStringLiteral(".source"), QStringLiteral("unknown source column '%1'").arg(source));
            }
        }

        const QJsonValue transformValue = spec.value(QLatin1String("transform"));
        if (!transformValue.isUndefined() && !transformValue.isArray()) {
            errors->add(path + QStringLiteral(".transform"), QStringLiteral("must be an array of functions"));
            continue;
        }
        const QJsonArray transform = transformValue.toArray();
        bool firstReadsFields = false;
        std::optional<ValueType> chainType;
        if (sourceSchema && field.sourceIndex >= 0)
            chainType = sourceSchema->at(field.sourceIndex).type;
        for (int s = 0; s < transform.size(); ++s) {
            QStringList read;
            bool readsFields = false;
            TransformStep step = FunctionRegistry::instance().compile(
                transform.at(s), path + QStringLiteral(".transform[%1]").arg(s), sourceSchema, errors, &read, &readsFields);
            for (const QString &name : read)
                useSource(name);
            if (s == 0)
                firstReadsFields = readsFields;
            field.steps << step;
            field.stepNames << stepName(transform.at(s));
            chainType = FunctionRegistry::outputType(field.stepNames.constLast(), chainType);
        }
        if (!hasSource && !firstReadsFields) {
            errors->add(path + QStringLiteral(".source"),
                        QStringLiteral("is required unless the first function reads fields (concat, coalesce, constant)"));
        }
        if (sourceSchema && field.sourceIndex >= 0 && field.steps.isEmpty())
            field.directCopy = sourceSchema->at(field.sourceIndex).type == field.targetType;
        field.typedByChain = !field.steps.isEmpty() && chainType == field.targetType;
        field.valueType = chainType;
        plan.m_fields << field;
    }
    plan.m_targetSchema = std::make_shared<const Schema>(columns);
    plan.m_identity = sourceSchema && plan.m_fields.size() == sourceSchema->size();
    for (qsizetype i = 0; i < plan.m_fields.size() && plan.m_identity; ++i)
        plan.m_identity = plan.m_fields.at(i).directCopy && plan.m_fields.at(i).sourceIndex == i;
    return plan;
}

MappingPlan MappingPlan::compile(const QJsonObject &mapping, const Schema &sourceSchema, const Schema &targetSchema)
{
    DefinitionErrors errors;
    MappingPlan plan = build(mapping, &sourceSchema, &targetSchema, QString(), &errors);
    errors.throwIfAny(QStringLiteral("mapping is invalid"));
    return plan;
}

QList<MappingPlan::MappedValue> MappingPlan::mappedValues(const QJsonObject &mapping, const Schema &sourceSchema)
{
    DefinitionErrors errors; // the definition was checked when stored; problems here are the source's
    const MappingPlan plan = build(mapping, &sourceSchema, nullptr, QString(), &errors);
    QList<MappedValue> values;
    for (const Field &field : plan.m_fields)
        values << MappedValue { field.targetName, field.sourceName, field.valueType };
    return values;
}

void MappingPlan::checkStructure(const QJsonObject &mapping, const QString &pathPrefix, DefinitionErrors *errors)
{
    build(mapping, nullptr, nullptr, pathPrefix, errors);
}

QStringList MappingPlan::targetNames(const QJsonObject &mapping)
{
    QStringList names;
    for (const QJsonValue &field : mapping.value(QLatin1String("fields")).toArray())
        names << field.toObject().value(QLatin1String("target")).toString();
    return names;
}

MappingPlan::Result MappingPlan::apply(const Row &sourceRow) const
{
    Result result;
    if (m_identity && sourceRow.size() == m_fields.size()) {
        result.row = sourceRow;
        return result;
    }
    result.row.reserve(m_fields.size());
    for (const Field &field : m_fields) {
        if (field.directCopy) {
            // One reference more on the source's value, nothing else (the hot path).
            result.row.append(field.sourceIndex >= 0 ? sourceRow.at(field.sourceIndex) : QVariant());
            continue;
        }
        QVariant value = field.sourceIndex >= 0 ? sourceRow.at(field.sourceIndex) : QVariant();
        QString error;
        bool ok = true;
        for (qsizetype s = 0; s < field.steps.size() && ok; ++s) {
            if (!field.steps.at(s)(value, sourceRow, &error)) {
                error = field.stepNames.at(s) + QStringLiteral(": ") + error;
                ok = false;
            }
        }
        if (!ok || field.typedByChain) {
            if (!ok)
                result.errors.append(FieldError { field.targetName, QStringLiteral("mapping"), error });
            result.row.append(ok ? std::move(value) : QVariant());
            continue;
        }
        QVariant typed = value;
        if (!coerceValue(value, field.targetType, &typed, &error)) {
            error = QStringLiteral("cannot be stored as %1: %2").arg(valueTypeName(field.targetType), error);
            result.errors.append(FieldError { field.targetName, QStringLiteral("mapping"), error });
            typed = QVariant();
        }
        result.row.append(std::move(typed));
    }
    return result;
}

QList<int> MappingPlan::directSourceIndexes() const
{
    QList<int> indexes;
    indexes.reserve(m_fields.size());
    for (const Field &field : m_fields)
        indexes << (field.directCopy ? field.sourceIndex : -1);
    return indexes;
}

} // namespace tf::sync
