#include "databasestate.h"

#include "core/errors.h"
#include "core/logging.h"

#include <QTimer>

namespace tf {

// Lives on DatabaseState's thread: opens (and migrates) the database until that succeeds,
// then probes it on an interval.
class DatabaseMonitor final : public QObject
{
public:
    DatabaseMonitor(DatabaseState &state, int intervalMs)
        : m_state(state)
        , m_intervalMs(intervalMs)
    {
    }

    void run()
    {
        m_timer = new QTimer(this);
        m_timer->setInterval(m_intervalMs);
        connect(m_timer, &QTimer::timeout, this, &DatabaseMonitor::tick);
        m_timer->start();
        tick();
    }

    void finish()
    {
        if (m_timer)
            m_timer->stop();
        if (m_probe)
            m_probe->database().closeThreadConnection();
        m_probe = nullptr;
    }

private:
    void tick()
    {
        if (!m_probe) {
            std::unique_ptr<db::ControlDatabase> opened;
            try {
                opened = db::ControlDatabase::open(m_state.m_url, m_state.m_migrate);
            } catch (const Error &error) {
                db::ControlDatabase::Readiness readiness;
                readiness.ready = false;
                readiness.reason = error.message();
                readiness.backend = m_state.m_url.isPostgres() ? QStringLiteral("postgres") : QStringLiteral("sqlite");
                if (!m_loggedFailure || error.kind() == Error::Kind::Conflict)
                    qCCritical(lcDb).noquote() << "control database not available:" << error.message()
                                               << "- retrying every" << m_intervalMs << "ms";
                m_loggedFailure = true;
                m_state.publish(nullptr, readiness);
                return;
            }
            // DatabaseState owns it; this thread keeps probing through its own connection.
            m_probe = opened.get();
            const auto readiness = m_probe->checkReady();
            m_state.publish(std::move(opened), readiness);
            return;
        }
        m_state.publish(nullptr, m_probe->checkReady());
    }

    DatabaseState &m_state;
    int m_intervalMs;
    QTimer *m_timer = nullptr;
    db::ControlDatabase *m_probe = nullptr;
    bool m_loggedFailure = false;
};

DatabaseState::DatabaseState(const QString &url, bool migrate, QObject *parent)
    : QObject(parent)
    , m_url(db::DatabaseUrl::parse(url))
    , m_migrate(migrate)
{
    m_readiness.ready = false;
    m_readiness.reason = QStringLiteral("connecting to the control database");
    m_readiness.backend = m_url.isPostgres() ? QStringLiteral("postgres") : QStringLiteral("sqlite");
    m_thread.setObjectName(QStringLiteral("db-monitor"));
}

DatabaseState::~DatabaseState()
{
    if (m_monitor) {
        // Finish and delete it on its own thread, before that thread stops.
        QMetaObject::invokeMethod(m_monitor, [this] {
            m_monitor->finish();
            delete m_monitor;
        }, Qt::BlockingQueuedConnection);
        m_monitor = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
    QMutexLocker lock(&m_mutex);
    if (m_database)
        m_database->database().closeThreadConnection();
}

void DatabaseState::start(int intervalMs)
{
    if (m_monitor)
        return;
    m_monitor = new DatabaseMonitor(*this, intervalMs);
    m_monitor->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(m_monitor, [this] { m_monitor->run(); }, Qt::QueuedConnection);
}

void DatabaseState::publish(std::unique_ptr<db::ControlDatabase> database, const db::ControlDatabase::Readiness &readiness)
{
    bool becameOpen = false;
    {
        QMutexLocker lock(&m_mutex);
        m_readiness = readiness;
        if (database && !m_database) {
            m_database = std::move(database);
            becameOpen = true;
        }
    }
    if (becameOpen)
        Q_EMIT opened(); // queued to receivers on other threads
}

bool DatabaseState::isOpen() const
{
    QMutexLocker lock(&m_mutex);
    return m_database != nullptr;
}

QString DatabaseState::lastError() const
{
    QMutexLocker lock(&m_mutex);
    return m_readiness.reason;
}

db::ControlDatabase &DatabaseState::database() const
{
    QMutexLocker lock(&m_mutex);
    if (!m_database) {
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("control database not available: %1").arg(m_readiness.reason));
    }
    return *m_database;
}

db::ControlDatabase::Readiness DatabaseState::readiness() const
{
    QMutexLocker lock(&m_mutex);
    return m_readiness;
}

} // namespace tf
