#pragma once

#include "sync/connector.h"

namespace tf::sync {

// A StateStore staging session that always ends, also when a batch throws: stores keep
// staging in connection-bound temporary tables that must not outlive the entity's run.
class StagingSession final
{
    Q_DISABLE_COPY_MOVE(StagingSession)
public:
    StagingSession(StateStore &store, const QString &pairId, const QString &entity);
    ~StagingSession();

    // Ends and begins again: a restarted read must not stage its keys twice.
    void restart();

private:
    StateStore &m_store;
    QString m_pairId;
    QString m_entity;
    bool m_open = false;
};

} // namespace tf::sync
