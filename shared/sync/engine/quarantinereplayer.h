#pragma once

#include "batchvalidator.h"
#include "pairspec.h"
#include "retrypolicy.h"
#include "stateroute.h"
#include "sync/connector.h"

#include <QHash>
#include <memory>

namespace tf::sync {

class QuarantineStore;
struct EntityPlan;

// Replays quarantined rows of one pair: the (possibly edited) transformed row is checked
// again (types, then the entity's validation rules) and, when valid, written to the target
// with its sync state entry (the source row's hash, so the next run sees the row as
// synced), then marked replayed. A row still invalid stays open with the new reasons and
// one more attempt counted.
class QuarantineReplayer final
{
    Q_DISABLE_COPY_MOVE(QuarantineReplayer)
public:
    QuarantineReplayer(PairSpec pair, SourceConnector &source, TargetConnector &target,
                       QuarantineStore &store, DetachedStateStore controlState = {});
    ~QuarantineReplayer();

    void setValidatorFactory(ValidatorFactory factory) { m_validators = std::move(factory); }
    void setRetryPolicy(RetryPolicy policy, Sleeper sleeper = {});

    struct Outcome
    {
        qint64 id = 0;
        bool replayed = false;
        QList<FieldError> errors; // why the row is still invalid
        QString error; // why the replay could not be tried (not open, unknown entity...)
    };
    // Entries are replayed one by one, in the given order; one failing does not stop the
    // others. A failure to write to the target throws (nothing is marked for that entry).
    QList<Outcome> replay(const QList<qint64> &ids);

private:
    Outcome replayOne(qint64 id);
    const EntityPlan &planFor(const QString &entity);

    PairSpec m_pair;
    SourceConnector &m_source;
    TargetConnector &m_target;
    QuarantineStore &m_store;
    DetachedStateStore m_controlState;
    ValidatorFactory m_validators;
    RetryPolicy m_retry;
    Sleeper m_sleeper;
    QHash<QString, std::shared_ptr<EntityPlan>> m_plans;
};

} // namespace tf::sync
