#include "validationplan.h"

#include "sync/definition/definitionerrors.h"

namespace tf::sync {

namespace {

const QHash<QString, RuleFactory> &factories()
{
    static const QHash<QString, RuleFactory> all = [] {
        QHash<QString, RuleFactory> f;
        registerValueRules(&f);
        registerRangeRules(&f);
        registerSetRules(&f);
        return f;
    }();
    return all;
}

} // namespace

ValidationPlan::~ValidationPlan() = default;

ValidationPlan ValidationPlan::build(const QJsonArray &rules, const Schema *schema, const QString &pathPrefix,
                                     DefinitionErrors *errors)
{
    ValidationPlan plan;
    for (int i = 0; i < rules.size(); ++i) {
        const QString path = pathPrefix + QStringLiteral("validation[%1]").arg(i);
        if (!rules.at(i).isObject()) {
            errors->add(path, QStringLiteral("must be an object with \"field\" and \"rule\""));
            continue;
        }
        const QJsonObject json = rules.at(i).toObject();
        RuleField field;
        field.name = json.value(QLatin1String("field")).toString();
        bool ok = true;
        if (field.name.isEmpty()) {
            errors->add(path + QStringLiteral(".field"), QStringLiteral("must name a field"));
            ok = false;
        } else if (schema) {
            field.column = schema->indexOf(field.name);
            if (field.column < 0) {
                errors->add(path + QStringLiteral(".field"), QStringLiteral("unknown field '%1'").arg(field.name));
                ok = false;
            } else {
                field.type = schema->at(field.column).type;
                field.known = true;
            }
        }
        const QJsonValue message = json.value(QLatin1String("message"));
        if (!message.isUndefined() && !message.isString()) {
            errors->add(path + QStringLiteral(".message"), QStringLiteral("must be a string"));
            ok = false;
        }
        const QString ruleName = json.value(QLatin1String("rule")).toString();
        const auto factory = factories().constFind(ruleName);
        if (factory == factories().cend()) {
            errors->add(path + QStringLiteral(".rule"), ruleName.isEmpty()
                                                            ? QStringLiteral("must name a rule")
                                                            : QStringLiteral("unknown rule '%1'").arg(ruleName));
            continue;
        }
        RuleArgs args(json, path, field, errors);
        std::unique_ptr<ValidationRule> rule = factory.value()(args);
        for (const QString &key : args.unusedKeys())
            errors->add(path + QLatin1Char('.') + key, QStringLiteral("unknown key for the %1 rule").arg(ruleName));
        if (ok && !args.failed())
            plan.m_rules.push_back(std::move(rule));
    }
    return plan;
}

ValidationPlan ValidationPlan::compile(const QJsonArray &rules, const Schema &targetSchema)
{
    DefinitionErrors errors;
    ValidationPlan plan = build(rules, &targetSchema, QString(), &errors);
    errors.throwIfAny(QStringLiteral("validation rules are invalid"));
    return plan;
}

void ValidationPlan::checkStructure(const QJsonArray &rules, const QString &pathPrefix, DefinitionErrors *errors)
{
    build(rules, nullptr, pathPrefix, errors);
}

void ValidationPlan::beginRun()
{
    for (const auto &rule : m_rules)
        rule->reset();
}

QList<QList<FieldError>> ValidationPlan::validateBatch(const QList<Row> &rows, const ReferenceLookup &lookup)
{
    QList<QList<FieldError>> errors(rows.size());
    for (const auto &rule : m_rules)
        rule->validate(rows, lookup, &errors);
    return errors;
}

bool ValidationPlan::hasReferenceRules() const
{
    for (const auto &rule : m_rules) {
        if (rule->needsLookup())
            return true;
    }
    return false;
}

} // namespace tf::sync
