#pragma once

#include "runningprocess.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace tf::ops {

// What one restart did.
struct RestartOutcome
{
    QString program;       // "tf-gateway", "tf-syncd"
    QString method;        // "systemd", "supervisor", "pid-file"
    qint64 oldPid = 0;     // 0: it was not running
    qint64 newPid = 0;
    qint64 elapsedMs = 0;
    QString detail;        // one line for people
    QJsonObject toJson() const;
};

// How `tfctl restart-api / restart-sync / restart-all` and `tfctl recover` stop and start the
// services (service_recovery.py of the runbook):
//   - through systemd (`systemctl restart <unit>`) when a unit runs the process;
//   - tf-syncd supervised by tf-gateway (the embedded default): SIGTERM to tf-syncd, and the
//     gateway's supervisor starts it again;
//   - otherwise through the pid files: SIGTERM (SIGKILL after the stop timeout), then the
//     program is started again detached (a session of its own, output to
//     <data>/logs/<program>.console.log) with the arguments, environment and working
//     directory it had, read from /proc. A gateway that was not running at all is started
//     from `gatewayProgram` with --data-dir (and --config) as tfctl was given them.
// Every operation waits until the service is healthy again, or throws tf::Error (Timeout,
// Unavailable) with a message that says why not.
class ServiceControl final
{
public:
    struct Options
    {
        QString dataDir;
        QUrl gatewayUrl;              // used while no run file names the port
        QUrl syncUrl;
        bool gatewayUrlGiven = false; // an explicit URL wins over the run file
        bool syncUrlGiven = false;
        int timeoutMs = 60000;        // waiting to be healthy
        int stopTimeoutMs = 30000;    // SIGTERM -> SIGKILL
        QString gatewayProgram;       // to start tf-gateway when nothing was running
        QStringList gatewayArguments;
        QStringList environment;      // KEY=VALUE for such a start
        QString databaseUrl;          // to quote the supervisor's last event on failure
        QString systemctl = QStringLiteral("systemctl");
    };
    using Progress = std::function<void(const QString &line)>;

    explicit ServiceControl(Options options, Progress progress = {});

    RunningProcess gateway() const;
    RunningProcess sync() const;
    // The base URLs to probe: the explicit one, else the port of the run file, else the
    // configured default.
    QUrl gatewayUrl(const RunningProcess &gateway) const;
    QUrl syncUrl(const RunningProcess &sync) const;
    // True when this gateway runs tf-syncd as its child.
    bool supervisesSync(const RunningProcess &gateway, const RunningProcess &sync) const;

    RestartOutcome restartSync();
    RestartOutcome restartGateway();
    // Embedded mode: restarting the gateway restarts its tf-syncd too. Otherwise tf-syncd
    // first, then the gateway (the runbook's order).
    QList<RestartOutcome> restartAll();

    // For recover: what was running, stopped, to be started the same way again.
    struct Stopped
    {
        RunningProcess gateway;
        RunningProcess sync;
        bool syncSupervised = false;
    };
    Stopped stopAll();
    // Starts what stopAll() stopped (a gateway that was not running is started as in
    // restartGateway()); waits until the gateway answers and its tf-syncd is healthy.
    QList<RestartOutcome> startAgain(const Stopped &stopped);

private:
    void say(const QString &line) const;
    void systemctl(const QString &verb, const QString &unit, bool userUnit) const;
    bool unitEnabled(const QString &unit) const;
    qint64 startGateway(const RunningProcess &previous);
    qint64 startSync(const RunningProcess &previous);
    // Polls until <program>'s run file names a live pid other than oldPid whose health route
    // answers 200; reports why not on timeout. spawnedPid: a child of ours to watch for an
    // early exit.
    qint64 waitHealthy(const QString &program, qint64 oldPid, qint64 spawnedPid, qint64 parentPid = 0);
    QString lastServiceEvent() const;

    Options m_options;
    Progress m_progress;
};

} // namespace tf::ops
