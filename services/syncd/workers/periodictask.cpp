#include "periodictask.h"

#include "core/errors.h"

#include <QLoggingCategory>
#include <QMutexLocker>

Q_LOGGING_CATEGORY(lcPeriodic, "syncd.tasks")

namespace tf::syncd {

PeriodicTask::PeriodicTask(QString name, std::chrono::milliseconds interval,
                           std::function<void()> tick)
    : m_name(std::move(name))
    , m_interval(interval)
    , m_tick(std::move(tick))
{ }

PeriodicTask::~PeriodicTask()
{
    stop();
}

void PeriodicTask::start()
{
    if (m_thread)
        return;
    m_thread.reset(QThread::create([this] { loop(); }));
    m_thread->setObjectName(m_name);
    m_thread->start();
}

void PeriodicTask::stop()
{
    if (!m_thread)
        return;
    {
        QMutexLocker locker(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    m_thread->wait();
    m_thread.reset();
}

void PeriodicTask::triggerNow()
{
    QMutexLocker locker(&m_mutex);
    m_triggered = true;
    m_wake.wakeAll();
}

void PeriodicTask::loop()
{
    for (;;) {
        try {
            m_tick();
        } catch (const Error &error) {
            qCWarning(lcPeriodic, "%s: %s", qPrintable(m_name), qPrintable(error.message()));
        } catch (const std::exception &error) {
            qCWarning(lcPeriodic, "%s: unexpected failure: %s", qPrintable(m_name), error.what());
        }
        QMutexLocker locker(&m_mutex);
        if (!m_stopping && !m_triggered)
            m_wake.wait(&m_mutex, QDeadlineTimer(m_interval));
        m_triggered = false;
        if (m_stopping)
            return;
    }
}

} // namespace tf::syncd
