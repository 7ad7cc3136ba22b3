#include "batchvalidator.h"
#include "sync/validation/validationplan.h"

namespace tf::sync {

namespace {

// ValidationPlan behind the engine's small validator interface.
class ValidationPlanValidator final : public BatchValidator
{
public:
    explicit ValidationPlanValidator(ValidationPlan plan)
        : m_plan(std::move(plan))
    { }

    void beginRun() override { m_plan.beginRun(); }
    QList<QList<FieldError>> validateBatch(const QList<Row> &rows,
                                           const ReferenceLookup &lookup) override
    {
        return m_plan.validateBatch(rows, lookup);
    }

private:
    ValidationPlan m_plan;
};

} // namespace

ValidatorFactory defaultValidatorFactory()
{
    return
        [](const QJsonArray &rules, const Schema &targetSchema) -> std::unique_ptr<BatchValidator> {
            if (rules.isEmpty())
                return nullptr;
            return std::make_unique<ValidationPlanValidator>(
                ValidationPlan::compile(rules, targetSchema));
        };
}

} // namespace tf::sync
