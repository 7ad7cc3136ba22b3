#include "quarantinereplayer.h"

#include "circuitbreaker.h"
#include "core/errors.h"
#include "entityplan.h"
#include "quarantinestore.h"
#include "resilientcall.h"
#include "rowjson.h"

namespace tf::sync {

QuarantineReplayer::QuarantineReplayer(PairSpec pair, SourceConnector &source,
                                       TargetConnector &target, QuarantineStore &store,
                                       DetachedStateStore controlState)
    : m_pair(std::move(pair))
    , m_source(source)
    , m_target(target)
    , m_store(store)
    , m_controlState(std::move(controlState))
    , m_validators(defaultValidatorFactory())
{ }

QuarantineReplayer::~QuarantineReplayer() = default;

void QuarantineReplayer::setRetryPolicy(RetryPolicy policy, Sleeper sleeper)
{
    m_retry = policy;
    m_sleeper = std::move(sleeper);
}

QList<QuarantineReplayer::Outcome> QuarantineReplayer::replay(const QList<qint64> &ids)
{
    QList<Outcome> outcomes;
    for (qint64 id : ids)
        outcomes << replayOne(id);
    return outcomes;
}

const EntityPlan &QuarantineReplayer::planFor(const QString &entity)
{
    auto &slot = m_plans[entity];
    if (!slot) {
        for (const EntitySpec &spec : std::as_const(m_pair.entities)) {
            if (spec.name == entity) {
                slot = std::make_shared<EntityPlan>(
                    planEntity(spec, spec.mode, m_source, m_target, m_validators));
                break;
            }
        }
    }
    if (!slot) {
        m_plans.remove(entity);
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("pair %1 has no entity '%2'").arg(m_pair.pairId, entity));
    }
    return *slot;
}

QuarantineReplayer::Outcome QuarantineReplayer::replayOne(qint64 id)
{
    Outcome outcome;
    outcome.id = id;
    QuarantineEntry entry;
    try {
        entry = m_store.get(id);
        if (entry.pairId != m_pair.pairId)
            throw Error(
                Error::Kind::NotFound,
                QStringLiteral("quarantine entry %1 is not of pair %2").arg(id).arg(m_pair.pairId));
        if (entry.status != QLatin1String("open"))
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("quarantine entry %1 is %2").arg(id).arg(entry.status));
    } catch (const Error &error) {
        outcome.error = error.message();
        return outcome;
    }
    const EntityPlan &plan = planFor(entry.entity);
    ResilientCall target(m_retry, CircuitBreakerRegistry::instance().breaker(m_pair.targetSystem),
                         m_sleeper);

    const Row row = rowFromJson(entry.transformedRow, *plan.targetSchema, &outcome.errors);
    if (outcome.errors.isEmpty() && plan.validator) {
        plan.validator->beginRun(); // "unique" compares within one replay, not across them
        const ReferenceLookup lookup = [&](const QString &entity, const QString &column,
                                           ValueType type, const QList<QVariant> &values) {
            QSet<QString> found;
            target.call(QStringLiteral("reference lookup"),
                        [&] { found = m_target.existingValues(entity, column, type, values); });
            return found;
        };
        outcome.errors = plan.validator->validateBatch({ row }, lookup).value(0);
    }
    if (!outcome.errors.isEmpty()) {
        m_store.markReplayFailed(id, outcome.errors);
        return outcome;
    }

    ChangeBatch batch;
    batch.pairId = m_pair.pairId;
    batch.entity = plan.spec.targetEntity;
    batch.keyColumns = plan.spec.targetKey;
    batch.schema = plan.targetSchema;
    batch.upserts << row;
    batch.stateEntity = plan.spec.name;
    batch.stateUpserts << StateEntry { entry.sourceKey, entry.sourceHash, plan.targetKeyText(row) };
    StateRoute state(m_target, m_controlState);
    m_target.beginEntity(plan.spec.targetEntity, plan.targetSchema, plan.spec.targetKey);
    try {
        target.call(QStringLiteral("replaying a quarantined row"), [&] { m_target.apply(batch); });
        state.applied(batch);
    } catch (...) {
        state.finish(plan.spec.targetEntity, false);
        throw;
    }
    state.finish(plan.spec.targetEntity, true);
    m_store.markReplayed(id);
    outcome.replayed = true;
    return outcome;
}

} // namespace tf::sync
