#pragma once

#include "validationrule.h"

#include <QJsonArray>

#include <memory>
#include <vector>

namespace tf::sync {

// Validation rules compiled once against the schema of the rows they judge (the mapped
// rows: MappingPlan::targetSchema()), then run batch by batch through one sync run.
//
// Rules JSON (an array; "message" is optional on every rule and replaces the default text):
//   [{"field": "parcel_number", "rule": "required"},
//    {"field": "acreage", "rule": "min_value", "value": 0},
//    {"field": "acreage", "rule": "max_value", "value": "100000.00"},
//    {"field": "owner_email", "rule": "type", "value": "email"},
//    {"field": "zip_code", "rule": "pattern", "value": "^\\d{5}(-\\d{4})?$"},
//    {"field": "state", "rule": "enum", "values": ["WA", "OR"]},
//    {"field": "source_id", "rule": "unique"},
//    {"field": "property_source_id", "rule": "reference", "entity": "cama_property", "column": "source_id"},
//    {"field": "name", "rule": "min_length", "value": 1},
//    {"field": "name", "rule": "max_length", "value": 200, "message": "name is too long"}]
// Rules: required (not NULL, not blank text); type (string, integer, float, decimal,
// boolean, date, email: the value reads as that type); min_length/max_length (characters);
// min_value/max_value (numbers as exact decimals, or dates for date/timestamp columns;
// "value" may be numeric text for exact limits); pattern (QRegularExpression, searched:
// anchor it with ^...$ to match the whole value); enum ("values", compared as the column's
// type); unique (within one run); reference (exists in entity.column of the target).
// Every rule except required lets NULL pass.
//
// Move-only: the unique rule keeps the values of the run.
class ValidationPlan final
{
public:
    using ReferenceLookup = tf::sync::ReferenceLookup;

    // Throws tf::Error(Validation, "validation rules are invalid", {"errors": [{"field":
    // "validation[3].value", "message": "..."}, ...]}) listing every bad rule.
    static ValidationPlan compile(const QJsonArray &rules, const Schema &targetSchema);
    // Checks what can be checked without a schema, recording problems under
    // pathPrefix + "validation[i]...".
    static void checkStructure(const QJsonArray &rules, const QString &pathPrefix, DefinitionErrors *errors);

    ValidationPlan(ValidationPlan &&) = default;
    ValidationPlan &operator=(ValidationPlan &&) = default;
    ~ValidationPlan();

    // Starts a run: forgets the values unique rules have seen.
    void beginRun();
    // One list of errors per row (empty when the row is valid), rules in definition order.
    // Reference rules call lookup once per batch per rule with the distinct non-NULL
    // values, and not at all when there are none.
    QList<QList<FieldError>> validateBatch(const QList<Row> &rows, const ReferenceLookup &lookup);
    bool hasReferenceRules() const;
    int ruleCount() const { return int(m_rules.size()); }

private:
    ValidationPlan() = default;
    static ValidationPlan build(const QJsonArray &rules, const Schema *schema, const QString &pathPrefix,
                                DefinitionErrors *errors);

    std::vector<std::unique_ptr<ValidationRule>> m_rules;
};

} // namespace tf::sync
