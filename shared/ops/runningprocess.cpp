#include "runningprocess.h"

#include "core/errors.h"
#include "core/paths.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tf::ops {

namespace {

QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QStringList splitNul(const QByteArray &data)
{
    QStringList parts;
    for (const QByteArray &part : data.split('\0')) {
        if (!part.isEmpty())
            parts << QString::fromLocal8Bit(part);
    }
    return parts;
}

// Field 3 (state) and 4 (ppid) of /proc/<pid>/stat; the command name before them may hold
// spaces and parentheses, so parse from the last ')'.
bool readStat(qint64 pid, char *state, qint64 *parentPid)
{
    const QByteArray stat = readProcFile(pid, "stat");
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return false;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 2 || fields.at(0).isEmpty())
        return false;
    *state = fields.at(0).at(0);
    *parentPid = fields.at(1).toLongLong();
    return true;
}

QString baseName(QString path)
{
    path.remove(QStringLiteral(" (deleted)"));
    return QFileInfo(path).fileName();
}

} // namespace

QString RunningProcess::argumentValue(const QString &option) const
{
    for (int i = 0; i < arguments.size(); ++i) {
        if (arguments.at(i) == option)
            return arguments.value(i + 1);
        if (arguments.at(i).startsWith(option + QLatin1Char('=')))
            return arguments.at(i).mid(option.size() + 1);
    }
    return {};
}

bool RunningProcess::hasArgument(const QString &option) const
{
    for (const QString &argument : arguments) {
        if (argument == option || argument.startsWith(option + QLatin1Char('=')))
            return true;
    }
    return false;
}

QString RunningProcess::describe() const
{
    if (!running())
        return stalePidFile ? QStringLiteral("not running (stale pid file)") : QStringLiteral("not running");
    if (!systemdUnit.isEmpty())
        return QStringLiteral("pid %1, systemd unit %2%3").arg(pid).arg(systemdUnit, userUnit ? QStringLiteral(" (user)") : QString());
    return QStringLiteral("pid %1").arg(pid);
}

RunningProcess RunningProcess::inspect(const QString &program, qint64 pid)
{
    RunningProcess info;
    info.program = program;
    if (pid <= 0 || !process::alive(pid))
        return info;
    const QStringList argv = splitNul(readProcFile(pid, "cmdline"));
    const QString exe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget();
    // A pid is reused after a crash: it must still be our program.
    if (baseName(exe) != program && (argv.isEmpty() || baseName(argv.first()) != program)) {
        info.stalePidFile = true;
        return info;
    }
    info.pid = pid;
    info.executable = exe.isEmpty() ? argv.value(0) : exe;
    info.executable.remove(QStringLiteral(" (deleted)")); // upgraded in place: start the new binary
    info.arguments = argv.mid(1);
    info.workingDirectory = QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pid)).symLinkTarget();
    info.environment = splitNul(readProcFile(pid, "environ"));
    char state = 0;
    readStat(pid, &state, &info.parentPid);
    // cgroup v2 "0::/system.slice/tf-gateway.service"; v1 lines "N:name=systemd:/...service".
    for (const QByteArray &line : readProcFile(pid, "cgroup").split('\n')) {
        const QString path = QString::fromLocal8Bit(line.mid(line.lastIndexOf(':') + 1)).trimmed();
        const QString unit = path.section(QLatin1Char('/'), -1);
        if (unit.endsWith(QLatin1String(".service"))
            && (unit.startsWith(QLatin1String("tf-")) || unit.contains(QLatin1String("terrafusion")))) {
            info.systemdUnit = unit;
            info.userUnit = path.contains(QLatin1String("/user@"));
            break;
        }
    }
    return info;
}

RunningProcess RunningProcess::locate(const QString &dataDir, const QString &program)
{
    const QString base = paths::runDir(dataDir) + QLatin1Char('/') + program;
    QFile pidFile(base + QStringLiteral(".pid"));
    if (!pidFile.open(QIODevice::ReadOnly)) {
        RunningProcess info;
        info.program = program;
        return info;
    }
    const qint64 pid = pidFile.readAll().trimmed().toLongLong();
    RunningProcess info = inspect(program, pid);
    if (!info.running())
        info.stalePidFile = true;
    QFile portFile(base + QStringLiteral(".port"));
    if (info.running() && portFile.open(QIODevice::ReadOnly))
        info.port = static_cast<quint16>(portFile.readAll().trimmed().toUInt());
    return info;
}

namespace process {

bool alive(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM)
        return false;
    char state = 0;
    qint64 parent = 0;
    if (!readStat(pid, &state, &parent))
        return false;
    return state != 'Z' && state != 'X';
}

void signal(qint64 pid, int signalNumber, const QString &program)
{
    if (::kill(static_cast<pid_t>(pid), signalNumber) == 0 || errno == ESRCH)
        return;
    throw Error(Error::Kind::Unavailable,
                QStringLiteral("not permitted to signal %1 (pid %2): %3; run tfctl as the service's user or root")
                    .arg(program).arg(pid).arg(QString::fromLocal8Bit(std::strerror(errno))));
}

bool stop(qint64 pid, const QString &program, int timeoutMs)
{
    signal(pid, SIGTERM, program);
    QDeadlineTimer deadline(timeoutMs);
    while (alive(pid) && !deadline.hasExpired()) {
        int code = 0;
        reapChild(pid, &code);
        QThread::msleep(50);
    }
    if (!alive(pid))
        return true;
    signal(pid, SIGKILL, program);
    QDeadlineTimer killDeadline(3000);
    while (alive(pid) && !killDeadline.hasExpired())
        QThread::msleep(50);
    if (alive(pid))
        throw Error(Error::Kind::Unavailable, QStringLiteral("%1 (pid %2) survived SIGTERM and SIGKILL").arg(program).arg(pid));
    return false;
}

qint64 spawnDetached(const QString &program, const QStringList &arguments, const QStringList &environment,
                     const QString &workingDirectory, const QString &outputFile)
{
    QList<QByteArray> argvData { QFile::encodeName(program) };
    for (const QString &argument : arguments)
        argvData << argument.toLocal8Bit();
    QList<QByteArray> envData;
    for (const QString &variable : environment)
        envData << variable.toLocal8Bit();
    std::vector<char *> argv;
    for (QByteArray &item : argvData)
        argv.push_back(item.data());
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (QByteArray &item : envData)
        envp.push_back(item.data());
    envp.push_back(nullptr);
    const QByteArray output = QFile::encodeName(outputFile);
    const QByteArray directory = QFile::encodeName(workingDirectory);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, output.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (!directory.isEmpty())
        posix_spawn_file_actions_addchdir_np(&actions, directory.constData());
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t noSignals;
    sigemptyset(&noSignals);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int number : { SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD })
        sigaddset(&defaults, number);
    posix_spawnattr_setsigmask(&attributes, &noSignals);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    const int result = ::posix_spawn(&pid, argvData.first().constData(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (result != 0) {
        throw Error(Error::Kind::Unavailable, QStringLiteral("cannot start %1: %2")
                                                  .arg(program, QString::fromLocal8Bit(std::strerror(result))));
    }
    return pid;
}

bool reapChild(qint64 pid, int *exitCode)
{
    int status = 0;
    const pid_t done = ::waitpid(static_cast<pid_t>(pid), &status, WNOHANG);
    if (done != static_cast<pid_t>(pid))
        return false;
    *exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
}

} // namespace process

} // namespace tf::ops
