#pragma once

#include "fielderror.h"
#include "functions.h"
#include "sync/row.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

namespace tf::sync {

class DefinitionErrors;

// A mapping compiled once against known schemas, then applied to every row with no name
// lookups: each target column knows its source index, its chain of compiled functions and
// whether the value can be moved without conversion.
//
// Mapping JSON:
//   {"fields": [
//     {"target": "parcel_number", "source": "ParcelNumber", "transform": ["trim", "upper"]},
//     {"target": "source_id", "source": "PropertyID", "transform": ["uuid_from"]},
//     {"target": "situs", "transform": [{"fn": "concat", "args": [", ", "Address", "City"]}]},
//     {"target": "acreage", "source": "Acreage", "transform": [{"fn": "round", "args": [2]}]},
//     {"target": "is_active", "source": "IsActive"}
//   ]}
// A field without "transform" copies the source value. "source" may be omitted when the
// first function reads fields itself (concat, coalesce, constant); the chain then starts
// from NULL. After the chain the value is coerced to the target column's type; a failure is
// a FieldError (rule "mapping"), never a silent 0 or NULL.
//
// Functions (a step is "name" or {"fn": "name", "args": [...]}); NULL passes through
// unchanged unless said otherwise:
//   trim, upper, lower, capitalize (each word)      text
//   to_int, to_float, to_decimal, to_bool           conversion, failing with the reason
//   invert_bool                                     boolean negation
//   round(places = 0)                               half away from zero, decimal-exact
//   format_date(fmt)                                Date/Timestamp (or ISO text) -> text, Qt format
//   parse_date(fmt)                                 text -> Date, or Timestamp if fmt has time fields
//   concat(sep, field, ...)                         joins the fields, skipping NULL and empty ones
//   split(sep, index)                               part `index` (negative counts from the end)
//   default(value)                                  replaces NULL and empty text
//   coalesce(field, ...)                            current value, else the first non-NULL field
//   map({"from": "to", ...}, default?)              lookup by text; unmapped without default fails
//   constant(value)                                 the value, whatever came before
//   uuid_from(namespace?)                           name-based UUID v5 of the value's canonical text
//   geometry_wkt                                    GeoJSON geometry text -> WKT text
//   centroid_x, centroid_y                          GeoJSON geometry text -> its centroid's x or y
class MappingPlan final
{
public:
    struct Result
    {
        Row row;
        QList<FieldError> errors;
    };

    // Throws tf::Error(Validation, "mapping is invalid", {"errors": [{"field":
    // "mapping.fields[2].transform[0]", "message": "unknown function 'uper'"}, ...]}) listing
    // every problem.
    static MappingPlan compile(const QJsonObject &mapping, const Schema &sourceSchema, const Schema &targetSchema);
    // Checks what can be checked without schemas (shape, functions, arguments, duplicate
    // targets), recording problems under pathPrefix + "mapping...".
    static void checkStructure(const QJsonObject &mapping, const QString &pathPrefix, DefinitionErrors *errors);
    // The "target" names of a structurally valid mapping, in order.
    static QStringList targetNames(const QJsonObject &mapping);

    // What each field hands to its target column before the final coercion: the source
    // column's type, or the last function's output type; unknown (nullopt) when a function's
    // output type depends on its arguments (default, map, constant...). Compiled against the
    // source schema only, so it works while the target is still missing columns.
    struct MappedValue
    {
        QString target;
        QString source; // empty when the chain starts from NULL
        std::optional<ValueType> type;
    };
    static QList<MappedValue> mappedValues(const QJsonObject &mapping, const Schema &sourceSchema);

    // The mapped columns in mapping order, typed from the target schema.
    SchemaPtr targetSchema() const { return m_targetSchema; }
    // Source columns read (as "source" or as function arguments), in order of first use.
    QStringList sourceColumnsUsed() const { return m_sourceColumnsUsed; }
    // Per target column: the index (in the source schema given to compile()) of the source
    // column it copies unchanged (same type, no transform), or -1 when it is computed.
    QList<int> directSourceIndexes() const;

    // sourceRow is in the order of the source schema given to compile(). A field that fails
    // is NULL in the result row and has one FieldError.
    Result apply(const Row &sourceRow) const;

private:
    struct Field
    {
        int sourceIndex = -1;      // -1: starts from NULL
        bool directCopy = false;   // same type, no transform: a plain move
        bool typedByChain = false; // the chain already yields the target type: no conversion
        ValueType targetType = ValueType::Text;
        QString targetName;
        QList<TransformStep> steps;
        QStringList stepNames;     // for messages
        QString sourceName;
        std::optional<ValueType> valueType; // before coercion, when known
    };

    static MappingPlan build(const QJsonObject &mapping, const Schema *sourceSchema, const Schema *targetSchema,
                             const QString &pathPrefix, DefinitionErrors *errors);

    QList<Field> m_fields;
    SchemaPtr m_targetSchema;
    QStringList m_sourceColumnsUsed;
    // Every column of the source schema copied unchanged to the same position: the mapped row
    // is the source row itself (shared), not a copy of each of its values.
    bool m_identity = false;
};

} // namespace tf::sync
