#include "validationrule.h"

#include "sync/definition/definitionerrors.h"

namespace tf::sync {

ValidationRule::ValidationRule(RuleField field, QString rule, QString message)
    : m_field(std::move(field))
    , m_rule(std::move(rule))
    , m_message(std::move(message))
{
}

void ValidationRule::report(QList<FieldError> *rowErrors, const QString &defaultMessage) const
{
    rowErrors->append(FieldError { m_field.name, m_rule, m_message.isEmpty() ? defaultMessage : m_message });
}

void ValueRule::validate(const QList<Row> &rows, const ReferenceLookup &, QList<QList<FieldError>> *errors)
{
    const bool skipNull = !checksNull();
    QString message;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QVariant &value = rows.at(i).at(m_field.column);
        if (skipNull && (value.isNull() || !value.isValid()))
            continue;
        if (!check(value, &message))
            report(&(*errors)[i], message);
    }
}

RuleArgs::RuleArgs(const QJsonObject &json, const QString &path, RuleField field, DefinitionErrors *errors)
    : m_json(json)
    , m_path(path)
    , m_field(std::move(field))
    , m_errors(errors)
{
    m_used << QStringLiteral("field") << QStringLiteral("rule") << QStringLiteral("message");
}

QString RuleArgs::path(const QString &key) const
{
    return m_path + QLatin1Char('.') + key;
}

void RuleArgs::fail(const QString &key, const QString &message)
{
    m_errors->add(path(key), message);
    m_failed = true;
}

QJsonValue RuleArgs::raw(const QString &key)
{
    m_used << key;
    const QJsonValue value = m_json.value(key);
    if (value.isUndefined() || value.isNull())
        fail(key, QStringLiteral("is required by the %1 rule").arg(ruleName()));
    return value;
}

QString RuleArgs::text(const QString &key)
{
    const QJsonValue value = raw(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString() || value.toString().isEmpty()) {
        fail(key, QStringLiteral("must be a non-empty string"));
        return {};
    }
    return value.toString();
}

qint64 RuleArgs::count(const QString &key)
{
    const QJsonValue value = raw(key);
    if (value.isUndefined() || value.isNull())
        return 0;
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d < 0 || d > 1e15 || d != double(qint64(d))) {
        fail(key, QStringLiteral("must be a whole number of at least 0"));
        return 0;
    }
    return qint64(d);
}

QJsonArray RuleArgs::list(const QString &key)
{
    const QJsonValue value = raw(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray() || value.toArray().isEmpty()) {
        fail(key, QStringLiteral("must be a non-empty array"));
        return {};
    }
    return value.toArray();
}

QStringList RuleArgs::unusedKeys() const
{
    QStringList keys;
    for (auto it = m_json.begin(); it != m_json.end(); ++it) {
        if (!m_used.contains(it.key()))
            keys << it.key();
    }
    return keys;
}

} // namespace tf::sync
