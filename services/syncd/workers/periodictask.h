#pragma once

#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>
#include <chrono>
#include <functional>
#include <memory>

namespace tf::syncd {

// Runs `tick` on its own thread at once and then every `interval` until stopped. The thread
// owns its control-database connections (tf::db::Database is per thread); a tf::Error thrown
// by a tick is logged and the next tick runs as usual.
class PeriodicTask final
{
    Q_DISABLE_COPY_MOVE(PeriodicTask)
public:
    PeriodicTask(QString name, std::chrono::milliseconds interval, std::function<void()> tick);
    ~PeriodicTask(); // stops

    void start();
    void stop(); // waits for a running tick to end
    void triggerNow(); // runs the next tick at once

private:
    void loop();

    QString m_name;
    std::chrono::milliseconds m_interval;
    std::function<void()> m_tick;
    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_stopping = false;
    bool m_triggered = false;
    std::unique_ptr<QThread> m_thread;
};

} // namespace tf::syncd
