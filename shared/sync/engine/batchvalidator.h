#pragma once

#include "sync/mapping/fielderror.h"
#include "sync/row.h"
#include "sync/validation/validationrule.h" // ReferenceLookup

#include <QJsonArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QVariant>
#include <functional>
#include <memory>

namespace tf::sync {

// The engine's view of compiled validation rules: it only needs to validate a batch of
// transformed rows. Kept as a small interface so the engine does not depend on how rules
// are written (ValidationPlan implements it through an adapter; tests use their own).
class BatchValidator
{
public:
    virtual ~BatchValidator() = default;
    virtual void beginRun() { }
    // One list of errors per row, in row order; an empty list means the row is valid.
    virtual QList<QList<FieldError>> validateBatch(const QList<Row> &rows,
                                                   const ReferenceLookup &lookup)
        = 0;
};

// Compiles an entity's rules against its target schema (the mapped columns); returns null
// when there is nothing to check. Throws tf::Error(Validation) for invalid rules.
using ValidatorFactory = std::function<std::unique_ptr<BatchValidator>(const QJsonArray &rules,
                                                                       const Schema &targetSchema)>;

// The factory the runner uses unless told otherwise: ValidationPlan.
ValidatorFactory defaultValidatorFactory();

} // namespace tf::sync
