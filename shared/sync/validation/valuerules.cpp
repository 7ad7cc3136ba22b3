// Rules judging one value at a time: required, type, min_length, max_length, pattern, enum.
#include "validationrule.h"

#include "sync/mapping/valuetext.h"

#include <QRegularExpression>

namespace tf::sync {

namespace {

using valuetext::shown;

class RequiredRule final : public ValueRule
{
public:
    using ValueRule::ValueRule;

protected:
    bool checksNull() const override { return true; }
    bool check(const QVariant &value, QString *message) const override
    {
        // Blank text is as absent as NULL to a person reading the record.
        const bool blank = value.typeId() == QMetaType::QString && value.toString().trimmed().isEmpty();
        if (!value.isNull() && value.isValid() && !blank)
            return true;
        *message = QStringLiteral("%1 is required").arg(m_field.name);
        return false;
    }
};

class TypeRule final : public ValueRule
{
public:
    TypeRule(RuleField field, QString rule, QString message, QString expected)
        : ValueRule(std::move(field), std::move(rule), std::move(message))
        , m_expected(std::move(expected))
    {
    }

    static const QHash<QString, QString> &descriptions()
    {
        static const QHash<QString, QString> names {
            { QStringLiteral("string"), QStringLiteral("text") },
            { QStringLiteral("integer"), QStringLiteral("an integer") },
            { QStringLiteral("float"), QStringLiteral("a number") },
            { QStringLiteral("decimal"), QStringLiteral("a decimal number") },
            { QStringLiteral("boolean"), QStringLiteral("a boolean") },
            { QStringLiteral("date"), QStringLiteral("a date") },
            { QStringLiteral("email"), QStringLiteral("an email address") },
        };
        return names;
    }

protected:
    bool check(const QVariant &value, QString *message) const override
    {
        if (matches(value))
            return true;
        *message = QStringLiteral("%1 must be %2, got %3").arg(m_field.name, descriptions().value(m_expected), shown(value));
        return false;
    }

private:
    bool readsAs(const QVariant &value, ValueType type) const
    {
        QVariant out;
        QString error;
        return value.typeId() != QMetaType::Bool && coerceValue(value, type, &out, &error);
    }

    bool matches(const QVariant &value) const
    {
        if (m_expected == QLatin1String("string"))
            return value.typeId() == QMetaType::QString;
        if (m_expected == QLatin1String("integer"))
            return readsAs(value, ValueType::Integer);
        if (m_expected == QLatin1String("float"))
            return readsAs(value, ValueType::Double);
        if (m_expected == QLatin1String("decimal"))
            return readsAs(value, ValueType::Decimal);
        if (m_expected == QLatin1String("boolean")) {
            QVariant out;
            QString error;
            return coerceValue(value, ValueType::Boolean, &out, &error);
        }
        if (m_expected == QLatin1String("date"))
            return value.typeId() == QMetaType::QDate || value.typeId() == QMetaType::QDateTime
                || TimeValue::fromVariant(value).isValid() || readsAs(value, ValueType::Date);
        // Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is not
        // something a sync can judge.
        static const QRegularExpression email(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s.]+$"));
        return value.typeId() == QMetaType::QString && email.match(value.toString()).hasMatch();
    }

    QString m_expected;
};

class LengthRule final : public ValueRule
{
public:
    LengthRule(RuleField field, QString rule, QString message, qint64 limit, bool isMinimum)
        : ValueRule(std::move(field), std::move(rule), std::move(message))
        , m_limit(limit)
        , m_isMinimum(isMinimum)
    {
    }

protected:
    bool check(const QVariant &value, QString *message) const override
    {
        const qint64 length = value.typeId() == QMetaType::QByteArray ? value.toByteArray().size()
                                                                      : valuetext::plainText(value).size();
        if (m_isMinimum ? length >= m_limit : length <= m_limit)
            return true;
        *message = QStringLiteral("%1 must be at %2 %3 characters long, got %4")
                       .arg(m_field.name, m_isMinimum ? QStringLiteral("least") : QStringLiteral("most"))
                       .arg(m_limit)
                       .arg(length);
        return false;
    }

private:
    qint64 m_limit;
    bool m_isMinimum;
};

class PatternRule final : public ValueRule
{
public:
    PatternRule(RuleField field, QString rule, QString message, QRegularExpression pattern)
        : ValueRule(std::move(field), std::move(rule), std::move(message))
        , m_pattern(std::move(pattern))
    {
        m_pattern.optimize();
    }

protected:
    bool check(const QVariant &value, QString *message) const override
    {
        // Text (the common case) is matched as it is held, without a copy through plainText.
        const bool matched = value.typeId() == QMetaType::QString
            ? m_pattern.match(*static_cast<const QString *>(value.constData())).hasMatch()
            : m_pattern.match(valuetext::plainText(value)).hasMatch();
        if (matched)
            return true;
        *message = QStringLiteral("%1 must match %2, got %3").arg(m_field.name, m_pattern.pattern(), shown(value));
        return false;
    }

private:
    QRegularExpression m_pattern;
};

class EnumRule final : public ValueRule
{
public:
    EnumRule(RuleField field, QString rule, QString message, QSet<QByteArray> allowed, QStringList shownAllowed)
        : ValueRule(std::move(field), std::move(rule), std::move(message))
        , m_allowed(std::move(allowed))
        , m_shownAllowed(std::move(shownAllowed))
    {
    }

protected:
    bool check(const QVariant &value, QString *message) const override
    {
        if (m_allowed.contains(canonicalValue(value, m_field.type)))
            return true;
        *message = QStringLiteral("%1 must be one of %2, got %3").arg(m_field.name, m_shownAllowed.join(QStringLiteral(", ")), shown(value));
        return false;
    }

private:
    QSet<QByteArray> m_allowed;
    QStringList m_shownAllowed;
};

std::unique_ptr<ValidationRule> makeType(RuleArgs &args)
{
    const QString expected = args.text(QStringLiteral("value"));
    if (!expected.isEmpty() && !TypeRule::descriptions().contains(expected)) {
        args.fail(QStringLiteral("value"),
                  QStringLiteral("unknown type '%1' (string, integer, float, decimal, boolean, date, email)").arg(expected));
    }
    return std::make_unique<TypeRule>(args.field(), args.ruleName(), args.message(), expected);
}

std::unique_ptr<ValidationRule> makePattern(RuleArgs &args)
{
    const QString text = args.text(QStringLiteral("value"));
    QRegularExpression pattern(text);
    if (!text.isEmpty() && !pattern.isValid()) {
        args.fail(QStringLiteral("value"), QStringLiteral("invalid regular expression: %1 at offset %2")
                                               .arg(pattern.errorString())
                                               .arg(pattern.patternErrorOffset()));
    }
    return std::make_unique<PatternRule>(args.field(), args.ruleName(), args.message(), pattern);
}

std::unique_ptr<ValidationRule> makeEnum(RuleArgs &args)
{
    const QJsonArray values = args.list(QStringLiteral("values"));
    QSet<QByteArray> allowed;
    QStringList shownAllowed;
    for (int i = 0; i < values.size(); ++i) {
        const QString itemKey = QStringLiteral("values[%1]").arg(i);
        if (values.at(i).isArray() || values.at(i).isObject() || values.at(i).isNull()) {
            args.fail(itemKey, QStringLiteral("must be a string, number or boolean"));
            continue;
        }
        // Read each allowed value as the column's type, so 1 and "1" and 1.0 all name the
        // same integer, and compare canonical texts.
        QVariant typed;
        QString error;
        if (args.field().known && !coerceValue(valuetext::variantFromJson(values.at(i)), args.field().type, &typed, &error)) {
            args.fail(itemKey, error);
            continue;
        }
        allowed.insert(canonicalValue(typed, args.field().type));
        shownAllowed << valuetext::plainText(typed);
    }
    return std::make_unique<EnumRule>(args.field(), args.ruleName(), args.message(), allowed, shownAllowed);
}

} // namespace

void registerValueRules(QHash<QString, RuleFactory> *factories)
{
    factories->insert(QStringLiteral("required"), [](RuleArgs &args) -> std::unique_ptr<ValidationRule> {
        return std::make_unique<RequiredRule>(args.field(), args.ruleName(), args.message());
    });
    factories->insert(QStringLiteral("type"), &makeType);
    factories->insert(QStringLiteral("min_length"), [](RuleArgs &args) -> std::unique_ptr<ValidationRule> {
        return std::make_unique<LengthRule>(args.field(), args.ruleName(), args.message(), args.count(QStringLiteral("value")), true);
    });
    factories->insert(QStringLiteral("max_length"), [](RuleArgs &args) -> std::unique_ptr<ValidationRule> {
        return std::make_unique<LengthRule>(args.field(), args.ruleName(), args.message(), args.count(QStringLiteral("value")), false);
    });
    factories->insert(QStringLiteral("pattern"), &makePattern);
    factories->insert(QStringLiteral("enum"), &makeEnum);
}

} // namespace tf::sync
