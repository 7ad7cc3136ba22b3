#pragma once

#include "sync/engine/batchvalidator.h"
#include "sync/engine/pairspec.h"
#include "sync/engine/runtypes.h"
#include "sync/engine/stateroute.h"
#include "sync/rangechecksums.h"
#include "verifyreport.h"

#include <QHash>

namespace tf::sync {

class QuarantineStore;
class RunContext;
struct EntityPlan;

struct VerifyOptions
{
    RunOptions run; // operationId, cancel, progress (dryRun and forceFull are ignored)
    bool repair = false; // apply the differences found, then verify again
    QString entity; // only this entity of the pair (its name); empty: every entity
};

// Verify and repair (DESIGN.md section 4, docs/sync-engine.md "Verify and repair"): compares
// the target itself with the source as the pair's mapping transforms it (not with the
// engine's sync state), entity by entity.
//
// - When both systems checksum key ranges in their own database (RangeChecksums:
//   PostgreSQL <-> PostgreSQL), the entity has one key column and every target column is a
//   plain copy of a source column, RangeBisector finds the differing ranges and only their
//   rows are fetched ("checksum").
// - Otherwise the target's rows are indexed by key and the source's stream past ("merge").
//
// A source row the mapping or validation rejects is counted as invalid (a run quarantines
// it), never as a difference. With repair, missing and different rows are written and
// extra rows deleted through the run's own BatchPipeline (sync state kept in step), then
// the pair is verified again (with the checksum method, the rows that differed, read again by
// key: the others were equal a moment before). A target that rewrites whole entities (files) is
// repaired by a full run, then verified whole. The report is RunResult::verify; the status is the run's.
class VerifyRunner final
{
    Q_DISABLE_COPY_MOVE(VerifyRunner)
public:
    // targetReader reads the target system (the same connector as `target` where it is a
    // source too).
    VerifyRunner(PairSpec pair, SourceConnector &source, TargetConnector &target,
                 SourceConnector &targetReader, QuarantineStore &quarantine,
                 DetachedStateStore controlState = {});

    void setValidatorFactory(ValidatorFactory factory) { m_validators = std::move(factory); }

    // Throws tf::Error(Validation) when `entity` is not an entity of the pair.
    static void checkEntity(const PairSpec &pair, const QString &entity);

    // Never throws for a failure of the verify itself: it is reported in the result.
    RunResult run(const VerifyOptions &options);

private:
    VerifyReport verifyAll(RunContext &context, const VerifyOptions &options, bool repair);
    EntityDrift verifyEntity(RunContext &context, const EntitySpec &spec, int index, bool repair);
    void describeDifferences(const EntityPlan &plan, EntityDrift &drift,
                             const QList<QPair<QString, Row>> &firstDifferent);

    PairSpec m_pair;
    SourceConnector &m_source;
    TargetConnector &m_target;
    SourceConnector &m_targetReader;
    QuarantineStore &m_quarantine;
    DetachedStateStore m_controlState;
    ValidatorFactory m_validators;
    // Repair's second look (checksum method): the keys whose rows differed, per entity.
    QHash<QString, QStringList> m_repairedKeys;
    bool m_recheck = false;
};

} // namespace tf::sync
