// Rules over sets of values: unique (within one run) and reference (the value exists in
// another entity of the target). Both work per batch: reference asks its lookup once per
// batch with the distinct values, never once per row.
#include "validationrule.h"

#include "core/errors.h"
#include "sync/mapping/valuetext.h"

namespace tf::sync {

namespace {

bool isNull(const QVariant &value)
{
    return value.isNull() || !value.isValid();
}

class UniqueRule final : public ValidationRule
{
public:
    using ValidationRule::ValidationRule;

    void validate(const QList<Row> &rows, const ReferenceLookup &, QList<QList<FieldError>> *errors) override
    {
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const QVariant &value = rows.at(i).at(m_field.column);
            if (isNull(value))
                continue;
            const QByteArray key = canonicalValue(value, m_field.type);
            if (m_seen.contains(key)) {
                report(&(*errors)[i], QStringLiteral("%1 must be unique, %2 occurs more than once in this run")
                                          .arg(m_field.name, valuetext::shown(value)));
                continue;
            }
            m_seen.insert(key);
        }
    }

    void reset() override { m_seen.clear(); }

private:
    QSet<QByteArray> m_seen;
};

class ReferenceRule final : public ValidationRule
{
public:
    ReferenceRule(RuleField field, QString rule, QString message, QString entity, QString column)
        : ValidationRule(std::move(field), std::move(rule), std::move(message))
        , m_entity(std::move(entity))
        , m_column(std::move(column))
    {
    }

    bool needsLookup() const override { return true; }

    void validate(const QList<Row> &rows, const ReferenceLookup &lookup, QList<QList<FieldError>> *errors) override
    {
        QList<QString> keys(rows.size());
        QList<bool> present(rows.size(), false);
        QSet<QString> distinct;
        QList<QVariant> values;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const QVariant &value = rows.at(i).at(m_field.column);
            if (isNull(value))
                continue;
            keys[i] = QString::fromUtf8(canonicalValue(value, m_field.type));
            present[i] = true;
            if (!distinct.contains(keys.at(i))) {
                distinct.insert(keys.at(i));
                values << value;
            }
        }
        if (values.isEmpty())
            return; // nothing to ask
        if (!lookup)
            throw Error(Error::Kind::Internal, QStringLiteral("reference rules need a lookup of existing values"));
        const QSet<QString> existing = lookup(m_entity, m_column, m_field.type, values);
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (!present.at(i) || existing.contains(keys.at(i)))
                continue;
            report(&(*errors)[i], QStringLiteral("%1 %2 does not exist in %3.%4")
                                      .arg(m_field.name, valuetext::shown(rows.at(i).at(m_field.column)), m_entity, m_column));
        }
    }

private:
    QString m_entity;
    QString m_column;
};

} // namespace

void registerSetRules(QHash<QString, RuleFactory> *factories)
{
    factories->insert(QStringLiteral("unique"), [](RuleArgs &args) -> std::unique_ptr<ValidationRule> {
        return std::make_unique<UniqueRule>(args.field(), args.ruleName(), args.message());
    });
    factories->insert(QStringLiteral("reference"), [](RuleArgs &args) -> std::unique_ptr<ValidationRule> {
        const QString entity = args.text(QStringLiteral("entity"));
        const QString column = args.text(QStringLiteral("column"));
        return std::make_unique<ReferenceRule>(args.field(), args.ruleName(), args.message(), entity, column);
    });
}

} // namespace tf::sync
