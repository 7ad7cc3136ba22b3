#pragma once

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace tf::gateway {

// Runs tf-syncd as a child process and keeps it alive: polls /health/live, restarts it with
// exponential backoff when it exits or stops answering, and reports each step as a service
// event. Log lines keep the runbook's wording ("Error starting SyncService", "Failed to
// restart SyncService after N attempts").
class SyncSupervisor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncSupervisor)

public:
    struct Options
    {
        QString program;
        QStringList arguments;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QUrl liveUrl;                // http://127.0.0.1:PORT/health/live
        int healthIntervalMs = 1000;
        int healthTimeoutMs = 1500;
        int unhealthyThreshold = 3;  // consecutive failed probes before a restart
        int startupGraceMs = 15000;  // time allowed to become live after a start
        int initialBackoffMs = 500;
        int maxBackoffMs = 30000;
        int maxAttempts = 10;        // failed restarts in a row before the runbook's alarm line
        int stopTimeoutMs = 5000;    // SIGTERM, then SIGKILL
    };

    enum class State { Stopped, Starting, Running, Backoff, Stopping };
    Q_ENUM(State)

    // event: "started", "exited", "crashed", "unresponsive", "restarted", "start_failed",
    // "restart_failed", "stopped", "restart_requested".
    using EventSink = std::function<void(const QString &event, const QString &message, const QJsonObject &details)>;

    SyncSupervisor(Options options, EventSink events, QObject *parent = nullptr);
    ~SyncSupervisor() override;

    void start();
    // Stops the child: SIGTERM, waits up to stopTimeoutMs, then SIGKILL. Blocks at most that long.
    void stop();
    // An operator's restart (POST /api/services/sync/restart): SIGTERM to the child (SIGKILL
    // after stopTimeoutMs) and a new launch as soon as it has exited, without backoff; starts
    // it at once when it is not running. Does not block.
    void restart();

    State state() const { return m_state; }
    qint64 pid() const;
    int restarts() const { return m_restarts; }
    int failedAttempts() const { return m_attempt; }
    QString lastError() const { return m_lastError; }
    QJsonObject toJson() const;
    // The pid of the child last seen live, set after its "started"/"restarted" event is
    // recorded; readable from any thread (a restart job waits on it), kept alive by its holders.
    std::shared_ptr<const std::atomic<qint64>> livePid() const { return m_livePid; }

Q_SIGNALS:
    void stateChanged(tf::gateway::SyncSupervisor::State state);
    void becameLive(qint64 pid);

private:
    void launch();
    void probe();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onStartFailed(const QString &reason);
    void scheduleRestart(const QString &reason);
    void setState(State state);

    Options m_options;
    EventSink m_events;
    QProcess *m_process = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_probeTimer;
    QTimer m_backoffTimer;
    QTimer m_startupTimer;
    State m_state = State::Stopped;
    int m_attempt = 0;           // failed (re)starts since the child was last live
    int m_restarts = 0;          // successful restarts since the gateway started
    int m_probeFailures = 0;
    bool m_probeInFlight = false;
    int m_launches = 0;          // a launch after the first one that goes live is a restart
    bool m_alarmRaised = false;
    bool m_restartRequested = false; // the child was stopped by restart(): launch again at once
    QString m_lastError;
    std::shared_ptr<std::atomic<qint64>> m_livePid = std::make_shared<std::atomic<qint64>>(0);
};

} // namespace tf::gateway
