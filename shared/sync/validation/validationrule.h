#pragma once

#include "sync/mapping/fielderror.h"
#include "sync/row.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <memory>

namespace tf::sync {

class DefinitionErrors;

// Which values exist in entity.column, asked once per batch with the distinct values.
// Returns the canonicalValue() texts of those that exist.
using ReferenceLookup = std::function<QSet<QString>(const QString &entity, const QString &column, ValueType type,
                                                    const QList<QVariant> &values)>;

// The column a rule checks, resolved once at compile time.
struct RuleField
{
    QString name;
    int column = -1;
    ValueType type = ValueType::Text;
    bool known = false; // false in structural checks, where no schema is available
};

// One compiled rule. Rules see a whole batch so that set rules (unique, reference) can
// work per batch; value rules just loop.
class ValidationRule
{
public:
    ValidationRule(RuleField field, QString rule, QString message);
    virtual ~ValidationRule() = default;
    Q_DISABLE_COPY_MOVE(ValidationRule)

    // Appends one FieldError to (*errors)[i] for every row i that breaks the rule.
    virtual void validate(const QList<Row> &rows, const ReferenceLookup &lookup, QList<QList<FieldError>> *errors) = 0;
    // Forgets what earlier batches of the run left behind (unique values).
    virtual void reset() {}
    virtual bool needsLookup() const { return false; }

protected:
    // Records a failure, using the definition's "message" when it gave one.
    void report(QList<FieldError> *rowErrors, const QString &defaultMessage) const;

    RuleField m_field;
    QString m_rule;
    QString m_message;
};

// A rule judging each non-NULL value on its own (every rule but "required" lets NULL pass:
// absence is what "required" is for).
class ValueRule : public ValidationRule
{
public:
    using ValidationRule::ValidationRule;

    void validate(const QList<Row> &rows, const ReferenceLookup &lookup, QList<QList<FieldError>> *errors) override;

protected:
    // False with *message set when the value breaks the rule.
    virtual bool check(const QVariant &value, QString *message) const = 0;
    virtual bool checksNull() const { return false; }
};

// What a rule's compile code reads from its JSON object. Accessors record problems under
// "<path>.<key>" and remember the keys used, so unknown keys can be reported afterwards.
class RuleArgs final
{
public:
    RuleArgs(const QJsonObject &json, const QString &path, RuleField field, DefinitionErrors *errors);

    const RuleField &field() const { return m_field; }
    QString ruleName() const { return m_json.value(QLatin1String("rule")).toString(); }
    QString message() const { return m_json.value(QLatin1String("message")).toString(); }
    QJsonValue raw(const QString &key);
    QString text(const QString &key);
    qint64 count(const QString &key);
    QJsonArray list(const QString &key);
    void fail(const QString &key, const QString &message);
    QString path(const QString &key) const;
    bool failed() const { return m_failed; }
    QStringList unusedKeys() const;

private:
    QJsonObject m_json;
    QString m_path;
    RuleField m_field;
    DefinitionErrors *m_errors;
    QSet<QString> m_used;
    bool m_failed = false;
};

using RuleFactory = std::function<std::unique_ptr<ValidationRule>(RuleArgs &)>;

// Defined in valuerules.cpp, rangerules.cpp and setrules.cpp: rule name -> factory.
void registerValueRules(QHash<QString, RuleFactory> *factories);
void registerRangeRules(QHash<QString, RuleFactory> *factories);
void registerSetRules(QHash<QString, RuleFactory> *factories);

} // namespace tf::sync
