#include "stagingsession.h"

#include <QLoggingCategory>

namespace tf::sync {

Q_LOGGING_CATEGORY(lcStaging, "sync.engine")

StagingSession::StagingSession(StateStore &store, const QString &pairId, const QString &entity)
    : m_store(store)
    , m_pairId(pairId)
    , m_entity(entity)
{
    m_store.beginStaging(m_pairId, m_entity);
    m_open = true;
}

StagingSession::~StagingSession()
{
    if (!m_open)
        return;
    try {
        m_store.endStaging();
    } catch (const std::exception &error) {
        // Already unwinding from the real failure, or the run is over: report, don't mask.
        qCWarning(lcStaging) << "ending a staging session failed:" << error.what();
    }
}

void StagingSession::restart()
{
    m_open = false;
    m_store.endStaging();
    m_store.beginStaging(m_pairId, m_entity);
    m_open = true;
}

} // namespace tf::sync
