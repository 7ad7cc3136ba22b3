#pragma once

#include "sync/connector.h"

#include <QTemporaryFile>
#include <functional>
#include <memory>

namespace tf::sync {

// The control database's state store, for targets that cannot commit state with the data
// (files). applyState writes one batch's state changes and checkpoint on its own.
struct DetachedStateStore
{
    StateStore *store = nullptr;
    std::function<void(const ChangeBatch &)> applyState;

    // Any store with `void applyState(const ChangeBatch &)` (ControlDbStateStore).
    template<typename Store> static DetachedStateStore of(Store &store)
    {
        return { &store, [&store](const ChangeBatch &batch) { store.applyState(batch); } };
    }
};

// Where an entity's sync state goes during a run. A transactional target takes the state
// inside each ChangeBatch, so it commits with the data. A non-transactional target only
// makes its data visible at endEntity(success), so the state of every applied batch is
// spilled to a temporary file (memory stays flat however many rows change) and written to
// the control database after endEntity succeeded: never ahead of the data it describes.
// A crash in between leaves the state behind the data; the next run rewrites those rows,
// which upserts make harmless.
class StateRoute final
{
    Q_DISABLE_COPY_MOVE(StateRoute)
public:
    // Throws tf::Error(Internal) for a non-transactional target without a detached store.
    StateRoute(TargetConnector &target, const DetachedStateStore &detached);
    ~StateRoute();

    StateStore &store() const { return *m_store; }
    bool stateTravelsWithData() const { return m_transactional; }

    // Called after a batch's data was applied.
    void applied(const ChangeBatch &batch);
    // Ends the entity on the target; on success, then writes the spilled state in batches.
    void finish(const QString &entity, bool success);

private:
    void replay();

    TargetConnector &m_target;
    DetachedStateStore m_detached;
    StateStore *m_store = nullptr;
    bool m_transactional = true;
    std::unique_ptr<QTemporaryFile> m_spill;
};

} // namespace tf::sync
