#pragma once

#include <QString>

namespace tf::sync {

// Why one field of one row was rejected, by mapping (rule "mapping") or by a validation rule
// ("required", "min_value", ...). Carried to quarantine with the row, so the message is
// written for a person: "acreage must be at least 0, got -3.5".
struct FieldError
{
    QString field;
    QString rule;
    QString message;

    bool operator==(const FieldError &other) const
    {
        return field == other.field && rule == other.rule && message == other.message;
    }
};

} // namespace tf::sync
