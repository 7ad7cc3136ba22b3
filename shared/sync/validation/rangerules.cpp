// min_value and max_value. Numbers compare as exact decimals (a Decimal column's
// "0.1000000000000000001" is above 0.1, which no double could tell); dates and timestamps
// compare as dates and timestamps.
#include "validationrule.h"

#include "sync/mapping/valuetext.h"


namespace tf::sync {

namespace {

bool isTemporal(ValueType type)
{
    return type == ValueType::Date || type == ValueType::Timestamp || type == ValueType::TimestampTz;
}

bool isNumeric(ValueType type)
{
    return type == ValueType::Integer || type == ValueType::Decimal || type == ValueType::Double || type == ValueType::Text;
}

class RangeRule final : public ValueRule
{
public:
    RangeRule(RuleField field, QString rule, QString message, QVariant limit, bool isMinimum)
        : ValueRule(std::move(field), std::move(rule), std::move(message))
        , m_limit(std::move(limit))
        , m_isMinimum(isMinimum)
        , m_temporal(isTemporal(m_field.type))
    {
    }

protected:
    bool check(const QVariant &value, QString *message) const override
    {
        QString shownValue;
        int order = 0;
        if (m_temporal) {
            QVariant typed;
            QString error;
            if (!coerceValue(value, m_field.type, &typed, &error)) {
                *message = QStringLiteral("%1 must be a date, got %2").arg(m_field.name, valuetext::shown(value));
                return false;
            }
            order = TimeValue::compare(TimeValue::fromVariant(typed), TimeValue::fromVariant(m_limit));
            shownValue = valuetext::plainText(typed);
        } else {
            shownValue = valuetext::decimalFromVariant(value);
            if (shownValue.isEmpty()) {
                *message = QStringLiteral("%1 must be a number, got %2").arg(m_field.name, valuetext::shown(value));
                return false;
            }
            order = valuetext::compareDecimals(shownValue, m_limit.toString());
        }
        if (m_isMinimum ? order >= 0 : order <= 0)
            return true;
        *message = QStringLiteral("%1 must be at %2 %3, got %4")
                       .arg(m_field.name, m_isMinimum ? QStringLiteral("least") : QStringLiteral("most"),
                            valuetext::plainText(m_limit), shownValue);
        return false;
    }

private:
    QVariant m_limit; // decimal text, or a TimeValue for temporal columns
    bool m_isMinimum;
    bool m_temporal;
};

RuleFactory rangeFactory(bool isMinimum)
{
    return [isMinimum](RuleArgs &args) -> std::unique_ptr<ValidationRule> {
        const QString key = QStringLiteral("value");
        const QJsonValue raw = args.raw(key);
        const RuleField &field = args.field();
        QVariant limit;
        if (raw.isUndefined() || raw.isNull()) {
            // already reported
        } else if (field.known && !isNumeric(field.type) && !isTemporal(field.type)) {
            args.fail(key, QStringLiteral("%1 applies to numbers and dates; %2 is %3")
                               .arg(args.ruleName(), field.name, valueTypeName(field.type)));
        } else if (field.known && isTemporal(field.type)) {
            QString error;
            if (!raw.isString() || !coerceValue(raw.toString(), field.type, &limit, &error))
                args.fail(key, QStringLiteral("must be a %1 for %2").arg(valueTypeName(field.type), field.name));
        } else {
            // A number, or numeric text for limits a double cannot hold exactly.
            limit = raw.isDouble() ? valuetext::decimalFromDouble(raw.toDouble())
                                   : valuetext::decimalFromText(raw.toString());
            if (limit.toString().isEmpty() && !(raw.isString() && !field.known))
                args.fail(key, QStringLiteral("must be a number"));
        }
        return std::make_unique<RangeRule>(field, args.ruleName(), args.message(), limit, isMinimum);
    };
}

} // namespace

void registerRangeRules(QHash<QString, RuleFactory> *factories)
{
    factories->insert(QStringLiteral("min_value"), rangeFactory(true));
    factories->insert(QStringLiteral("max_value"), rangeFactory(false));
}

} // namespace tf::sync
