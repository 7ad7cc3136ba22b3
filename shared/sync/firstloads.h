#pragma once

#include <QString>

namespace tf::sync {

// Optional capability of a StateStore whose state travels with the data (stagesState()): a
// first load (no state for the pair's entity yet) writes each batch's state with the batch,
// in its transaction, instead of staging it for one write after the last batch. Nothing is
// then left to write at the end, and no row is ever written ahead of its state (so such
// batches need no pending list). FullExecutor asks for it through dynamic_cast.
class FirstLoads
{
public:
    virtual ~FirstLoads() = default;

    // True when (pair, entity) has no state: from now on, until endFirstLoad(), the target
    // writes every batch's ChangeBatch::stateUpserts of (pair, entity) plainly (a key that has
    // state after all fails its batch). False: nothing changes.
    virtual bool beginFirstLoad(const QString &pairId, const QString &entity) = 0;
    // Back to the usual writes for (pair, entity). complete: every batch of the load has
    // committed (the store may then gather statistics on the new state).
    virtual void endFirstLoad(const QString &pairId, const QString &entity, bool complete) = 0;
};

} // namespace tf::sync
