#include "functions.h"

#include "sync/definition/definitionerrors.h"

#include <QJsonObject>

#include <cmath>

namespace tf::sync {

FunctionArgs::FunctionArgs(const QString &function, const QJsonArray &args, const QString &path,
                           const Schema *sourceSchema, DefinitionErrors *errors)
    : m_function(function)
    , m_args(args)
    , m_path(path)
    , m_sourceSchema(sourceSchema)
    , m_errors(errors)
{
}

QString FunctionArgs::argPath(int index) const
{
    return m_path + QStringLiteral(".args[%1]").arg(index);
}

void FunctionArgs::fail(int index, const QString &message)
{
    m_errors->add(argPath(index), QStringLiteral("%1: %2").arg(m_function, message));
    m_failed = true;
}

QString FunctionArgs::text(int index, bool allowEmpty)
{
    const QJsonValue value = m_args.at(index);
    if (!value.isString()) {
        fail(index, QStringLiteral("must be a string"));
        return {};
    }
    if (!allowEmpty && value.toString().isEmpty())
        fail(index, QStringLiteral("must not be empty"));
    return value.toString();
}

int FunctionArgs::integer(int index, int min, int max)
{
    const QJsonValue value = m_args.at(index);
    const double d = value.toDouble();
    if (!value.isDouble() || d < min || d > max || d != std::floor(d)) {
        fail(index, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
        return min;
    }
    return int(d);
}

QJsonObject FunctionArgs::object(int index)
{
    const QJsonValue value = m_args.at(index);
    if (!value.isObject()) {
        fail(index, QStringLiteral("must be an object"));
        return {};
    }
    return value.toObject();
}

int FunctionArgs::column(int index)
{
    const QString name = text(index);
    if (name.isEmpty())
        return -1;
    m_columnsRead.append(name);
    if (!m_sourceSchema)
        return -1;
    const int column = m_sourceSchema->indexOf(name);
    if (column < 0)
        fail(index, QStringLiteral("unknown source column '%1'").arg(name));
    return column;
}

const FunctionRegistry &FunctionRegistry::instance()
{
    static const FunctionRegistry registry = [] {
        FunctionRegistry r;
        registerTextFunctions(r);
        registerValueFunctions(r);
        registerGeoFunctions(r);
        return r;
    }();
    return registry;
}

const FunctionRegistry::Spec *FunctionRegistry::find(const QString &name) const
{
    const auto it = m_specs.constFind(name);
    return it == m_specs.cend() ? nullptr : &it.value();
}

void FunctionRegistry::add(const QString &name, Spec spec)
{
    m_specs.insert(name, std::move(spec));
}

std::optional<ValueType> FunctionRegistry::outputType(const QString &name, std::optional<ValueType> input)
{
    static const QHash<QString, ValueType> fixed {
        { QStringLiteral("trim"), ValueType::Text }, { QStringLiteral("upper"), ValueType::Text },
        { QStringLiteral("lower"), ValueType::Text }, { QStringLiteral("capitalize"), ValueType::Text },
        { QStringLiteral("format_date"), ValueType::Text }, { QStringLiteral("split"), ValueType::Text },
        { QStringLiteral("to_int"), ValueType::Integer }, { QStringLiteral("to_float"), ValueType::Double },
        { QStringLiteral("to_decimal"), ValueType::Decimal }, { QStringLiteral("to_bool"), ValueType::Boolean },
        { QStringLiteral("invert_bool"), ValueType::Boolean }, { QStringLiteral("uuid_from"), ValueType::Uuid },
        { QStringLiteral("geometry_wkt"), ValueType::Text }, { QStringLiteral("centroid_x"), ValueType::Double },
        { QStringLiteral("centroid_y"), ValueType::Double },
    };
    const auto it = fixed.constFind(name);
    if (it != fixed.cend())
        return it.value();
    if (name == QLatin1String("round") && input
        && (*input == ValueType::Decimal || *input == ValueType::Double || *input == ValueType::Integer))
        return input;
    return std::nullopt;
}

namespace {

QString arityText(const FunctionRegistry::Spec &spec)
{
    if (spec.maxArgs < 0)
        return QStringLiteral("at least %1").arg(spec.minArgs);
    if (spec.minArgs == spec.maxArgs)
        return QString::number(spec.minArgs);
    return QStringLiteral("%1 to %2").arg(spec.minArgs).arg(spec.maxArgs);
}

} // namespace

TransformStep FunctionRegistry::compile(const QJsonValue &step, const QString &path, const Schema *sourceSchema,
                                        DefinitionErrors *errors, QStringList *columnsRead, bool *readsFields) const
{
    QString name;
    QJsonArray args;
    if (step.isString()) {
        name = step.toString();
    } else if (step.isObject()) {
        const QJsonObject call = step.toObject();
        for (auto it = call.begin(); it != call.end(); ++it) {
            if (it.key() != QLatin1String("fn") && it.key() != QLatin1String("args"))
                errors->add(path, QStringLiteral("unknown key '%1' (a step has \"fn\" and \"args\")").arg(it.key()));
        }
        if (!call.value(QLatin1String("fn")).isString()) {
            errors->add(path + QStringLiteral(".fn"), QStringLiteral("must name a function"));
            return {};
        }
        name = call.value(QLatin1String("fn")).toString();
        const QJsonValue argValue = call.value(QLatin1String("args"));
        if (!argValue.isUndefined() && !argValue.isArray()) {
            errors->add(path + QStringLiteral(".args"), QStringLiteral("must be an array"));
            return {};
        }
        args = argValue.toArray();
    } else {
        errors->add(path, QStringLiteral("must be a function name or {\"fn\": ..., \"args\": [...]}"));
        return {};
    }
    const Spec *spec = find(name);
    if (!spec) {
        errors->add(path, QStringLiteral("unknown function '%1'").arg(name));
        return {};
    }
    *readsFields = spec->readsFields;
    if (args.size() < spec->minArgs || (spec->maxArgs >= 0 && args.size() > spec->maxArgs)) {
        errors->add(path, QStringLiteral("%1 takes %2 argument(s), got %3").arg(name, arityText(*spec)).arg(args.size()));
        return {};
    }
    FunctionArgs functionArgs(name, args, path, sourceSchema, errors);
    TransformStep compiled = spec->compile(functionArgs);
    columnsRead->append(functionArgs.columnsRead());
    if (functionArgs.failed())
        return {};
    return compiled;
}

} // namespace tf::sync
