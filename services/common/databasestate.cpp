#include "databasestate.h"

#include "core/errors.h"
#include "core/logging.h"

namespace tf {

DatabaseState::DatabaseState(const QString &url, bool migrate, QObject *parent)
    : QObject(parent)
    , m_url(db::DatabaseUrl::parse(url))
    , m_migrate(migrate)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &DatabaseState::attempt);
}

DatabaseState::~DatabaseState() = default;

void DatabaseState::start(int retryMs)
{
    m_retry.setInterval(retryMs);
    attempt();
}

void DatabaseState::attempt()
{
    try {
        m_database = db::ControlDatabase::open(m_url, m_migrate);
        m_lastError.clear();
        Q_EMIT opened();
    } catch (const Error &error) {
        m_lastError = error.message();
        // A schema newer than this binary will not fix itself: say so once, loudly.
        if (!m_loggedFailure || error.kind() == Error::Kind::Conflict)
            qCCritical(lcDb).noquote() << "control database not available:" << error.message()
                                       << "- retrying every" << m_retry.interval() << "ms";
        m_loggedFailure = true;
        m_retry.start();
    }
}

db::ControlDatabase &DatabaseState::database() const
{
    if (!m_database) {
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("control database not available: %1").arg(m_lastError));
    }
    return *m_database;
}

db::ControlDatabase::Readiness DatabaseState::readiness() const
{
    if (!m_database) {
        db::ControlDatabase::Readiness readiness;
        readiness.ready = false;
        readiness.reason = m_lastError.isEmpty() ? QStringLiteral("database not opened yet") : m_lastError;
        readiness.backend = m_url.backend == db::DatabaseUrl::Backend::Postgres ? QStringLiteral("postgres")
                                                                                   : QStringLiteral("sqlite");
        return readiness;
    }
    return m_database->checkReady();
}

} // namespace tf
