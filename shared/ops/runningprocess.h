#pragma once

#include <QString>
#include <QStringList>

namespace tf::ops {

// A service process as its run files (<data>/run/<program>.pid and .port, written by
// ServiceContext::writeRunFiles) and /proc describe it. Linux only, like the services.
struct RunningProcess
{
    QString program;           // "tf-gateway" or "tf-syncd"
    qint64 pid = 0;            // 0: not running
    quint16 port = 0;          // from <program>.port
    bool stalePidFile = false; // a pid file whose process is gone or is another program now
    qint64 parentPid = 0;
    QString systemdUnit;       // "tf-gateway.service" when a systemd unit runs it
    bool userUnit = false;     // a unit of a user's service manager (systemctl --user)
    QString executable;        // what to start again (/proc/<pid>/exe, else argv[0])
    QStringList arguments;     // argv without argv[0]
    QString workingDirectory;
    QStringList environment;   // KEY=VALUE; empty when /proc/<pid>/environ cannot be read

    bool running() const { return pid > 0; }
    // The value of an option in its arguments ("--bind 1.2.3.4" or "--bind=1.2.3.4").
    QString argumentValue(const QString &option) const;
    bool hasArgument(const QString &option) const;
    // "systemd unit tf-gateway.service, pid 12", "pid 12 (supervised by tf-gateway 10)"...
    QString describe() const;

    // Reads the run files of `program` in dataDir and checks the process behind them.
    static RunningProcess locate(const QString &dataDir, const QString &program);
    // The same for a pid known otherwise (no port).
    static RunningProcess inspect(const QString &program, qint64 pid);
};

namespace process {

// True while the process exists and is not a zombie.
bool alive(qint64 pid);
// Sends a signal; throws tf::Error(Unavailable) naming the pid when not permitted.
void signal(qint64 pid, int signalNumber, const QString &program);
// SIGTERM, waits up to timeoutMs, then SIGKILL and waits 3 s more. Returns true when it
// stopped after SIGTERM, false when it had to be killed; throws when it survives both.
bool stop(qint64 pid, const QString &program, int timeoutMs);

// Starts a program in a session of its own (it outlives the caller and its terminal), stdin
// from /dev/null, stdout and stderr to outputFile (truncated). Returns the pid; throws
// tf::Error(Unavailable) when it cannot be started.
qint64 spawnDetached(const QString &program, const QStringList &arguments,
                     const QStringList &environment, const QString &workingDirectory,
                     const QString &outputFile);
// For a child started by spawnDetached: true with its exit code once it has ended.
bool reapChild(qint64 pid, int *exitCode);

} // namespace process

} // namespace tf::ops
