#include "servicecontrol.h"

#include "core/errors.h"
#include "core/paths.h"
#include "core/redact.h"
#include "db/controldatabase.h"
#include "db/repositories/serviceeventrepository.h"
#include "healthcheck.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

namespace tf::ops {

namespace {

const QString kGateway = QStringLiteral("tf-gateway");
const QString kSync = QStringLiteral("tf-syncd");

QString hostFor(const RunningProcess &process, const QUrl &fallback)
{
    const QString bind = process.argumentValue(QStringLiteral("--bind"));
    if (bind.isEmpty())
        return fallback.host().isEmpty() ? QStringLiteral("127.0.0.1") : fallback.host();
    if (bind == QLatin1String("0.0.0.0") || bind == QLatin1String("::") || bind == QLatin1String("*")
        || bind == QLatin1String("any") || bind == QLatin1String("localhost"))
        return QStringLiteral("127.0.0.1");
    return bind;
}

QUrl urlFor(const RunningProcess &process, const QUrl &fallback)
{
    QUrl url = fallback;
    url.setHost(hostFor(process, fallback));
    url.setPort(process.port);
    // The gateway serves HTTPS when its configuration names a certificate.
    for (const QString &variable : process.environment) {
        if (variable.startsWith(QLatin1String("TF_TLS__CERTIFICATE=")) && variable.size() > 20)
            url.setScheme(QStringLiteral("https"));
    }
    return url;
}

QString tail(const QString &path, int lines)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList all = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(qMax(0, all.size() - lines)).join(QStringLiteral(" | "));
}

QString consoleLog(const QString &dataDir, const QString &program)
{
    return paths::logsDir(dataDir) + QLatin1Char('/') + program + QStringLiteral(".console.log");
}

// Before a detached start: the previous run's output becomes <log>.1 (.1 -> .2, ...; the oldest
// of kConsoleLogsKept dropped) instead of being truncated away, so why the last run ended can
// still be read, and restarts do not pile files up. The names do not end in .log: the monthly
// rotation (ops/logmaintenance) leaves them alone.
constexpr int kConsoleLogsKept = 3;

void rotateConsoleLog(const QString &path)
{
    if (QFileInfo(path).size() <= 0)
        return;
    QFile::remove(QStringLiteral("%1.%2").arg(path).arg(kConsoleLogsKept));
    for (int generation = kConsoleLogsKept - 1; generation >= 1; --generation)
        QFile::rename(QStringLiteral("%1.%2").arg(path).arg(generation), QStringLiteral("%1.%2").arg(path).arg(generation + 1));
    QFile::rename(path, path + QStringLiteral(".1"));
}

// The reason a health answer gives: "reason" (/health/ready) or checks.database.error (/health).
QString healthReason(const HttpProbe &probe)
{
    const QJsonObject body = probe.json();
    QString reason = body.value(QStringLiteral("reason")).toString();
    if (reason.isEmpty())
        reason = body.value(QStringLiteral("checks")).toObject().value(QStringLiteral("database")).toObject()
                     .value(QStringLiteral("error")).toString();
    return reason.isEmpty() ? QStringLiteral("HTTP %1").arg(probe.status) : reason;
}

// Supervision as the gateway's arguments and environment configure it (used while tf-syncd
// is not running, so its parent cannot be seen).
bool configuredToSupervise(const RunningProcess &gateway)
{
    if (gateway.hasArgument(QStringLiteral("--no-supervise-sync")) || gateway.hasArgument(QStringLiteral("--sync-url")))
        return false;
    for (const QString &variable : gateway.environment) {
        if (variable.startsWith(QLatin1String("TF_GATEWAY__SUPERVISE_SYNC=")))
            return variable.section(QLatin1Char('='), 1) != QLatin1String("false");
        if (variable.startsWith(QLatin1String("TF_GATEWAY__SYNC_URL=")) && variable.size() > 21)
            return false;
    }
    return true;
}

} // namespace

QJsonObject RestartOutcome::toJson() const
{
    return QJsonObject {
        { QStringLiteral("program"), program },
        { QStringLiteral("method"), method },
        { QStringLiteral("old_pid"), oldPid },
        { QStringLiteral("new_pid"), newPid },
        { QStringLiteral("elapsed_ms"), elapsedMs },
        { QStringLiteral("detail"), detail },
    };
}

ServiceControl::ServiceControl(Options options, Progress progress)
    : m_options(std::move(options))
    , m_progress(std::move(progress))
{
}

void ServiceControl::say(const QString &line) const
{
    if (m_progress)
        m_progress(line);
}

RunningProcess ServiceControl::gateway() const
{
    return RunningProcess::locate(m_options.dataDir, kGateway);
}

RunningProcess ServiceControl::sync() const
{
    return RunningProcess::locate(m_options.dataDir, kSync);
}

QUrl ServiceControl::gatewayUrl(const RunningProcess &gateway) const
{
    if (m_options.gatewayUrlGiven || !gateway.running() || gateway.port == 0)
        return m_options.gatewayUrl;
    return urlFor(gateway, m_options.gatewayUrl);
}

QUrl ServiceControl::syncUrl(const RunningProcess &sync) const
{
    if (m_options.syncUrlGiven || !sync.running() || sync.port == 0)
        return m_options.syncUrl;
    return urlFor(sync, m_options.syncUrl);
}

bool ServiceControl::supervisesSync(const RunningProcess &gateway, const RunningProcess &sync) const
{
    if (!gateway.running())
        return false;
    if (sync.running())
        return sync.parentPid == gateway.pid;
    return gateway.systemdUnit.isEmpty() && configuredToSupervise(gateway);
}

void ServiceControl::systemctl(const QString &verb, const QString &unit, bool userUnit) const
{
    QStringList arguments;
    if (userUnit)
        arguments << QStringLiteral("--user");
    arguments << verb << unit;
    say(QStringLiteral("%1 %2").arg(m_options.systemctl, arguments.join(QLatin1Char(' '))));
    QProcess process;
    process.start(m_options.systemctl, arguments);
    if (!process.waitForFinished(m_options.timeoutMs) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        const QString output = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
        throw Error(Error::Kind::Unavailable, QStringLiteral("systemctl %1 %2 failed (exit %3)%4")
                                                  .arg(verb, unit).arg(process.exitCode())
                                                  .arg(output.isEmpty() ? process.errorString().prepend(QStringLiteral(": "))
                                                                        : QStringLiteral(": ") + output));
    }
}

bool ServiceControl::unitEnabled(const QString &unit) const
{
    if (QStandardPaths::findExecutable(m_options.systemctl).isEmpty() && !QFile::exists(m_options.systemctl))
        return false;
    QProcess process;
    process.start(m_options.systemctl, { QStringLiteral("is-enabled"), unit });
    if (!process.waitForFinished(5000))
        return false;
    return QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed() == QLatin1String("enabled");
}

qint64 ServiceControl::startGateway(const RunningProcess &previous)
{
    QString program = previous.executable;
    QStringList arguments = previous.arguments;
    QString directory = previous.workingDirectory;
    if (program.isEmpty()) {
        program = m_options.gatewayProgram;
        arguments = m_options.gatewayArguments;
        directory = QDir::currentPath();
    }
    const QStringList environment = previous.environment.isEmpty() ? m_options.environment : previous.environment;
    paths::ensureDir(paths::logsDir(m_options.dataDir));
    const QString output = consoleLog(m_options.dataDir, kGateway);
    rotateConsoleLog(output);
    say(QStringLiteral("starting tf-gateway detached: %1 %2 (output: %3)")
            .arg(program, redactSecrets(arguments.join(QLatin1Char(' '))), output));
    return process::spawnDetached(program, arguments, environment, directory, output);
}

qint64 ServiceControl::startSync(const RunningProcess &previous)
{
    paths::ensureDir(paths::logsDir(m_options.dataDir));
    const QString output = consoleLog(m_options.dataDir, kSync);
    rotateConsoleLog(output);
    const QStringList environment = previous.environment.isEmpty() ? m_options.environment : previous.environment;
    say(QStringLiteral("starting tf-syncd detached: %1 %2 (output: %3)")
            .arg(previous.executable, redactSecrets(previous.arguments.join(QLatin1Char(' '))), output));
    return process::spawnDetached(previous.executable, previous.arguments, environment, previous.workingDirectory, output);
}

QString ServiceControl::lastServiceEvent() const
{
    if (m_options.databaseUrl.isEmpty())
        return {};
    try {
        auto control = db::ControlDatabase::open(m_options.databaseUrl, false);
        db::ServiceEventRepository events(control->database());
        const auto latest = events.list(kSync, 1);
        if (latest.isEmpty())
            return {};
        const auto &event = latest.first();
        const QString error = event.details.value(QStringLiteral("error")).toString();
        return QStringLiteral("last supervisor event %1: %2%3 (%4)")
            .arg(event.event, event.message, error.isEmpty() ? QString() : QStringLiteral(": ") + error,
                 event.createdAt.toString(Qt::ISODate));
    } catch (const Error &) {
        return {};
    }
}

qint64 ServiceControl::waitHealthy(const QString &program, qint64 oldPid, qint64 spawnedPid, qint64 parentPid)
{
    QDeadlineTimer deadline(m_options.timeoutMs);
    QString problem;
    const bool isGateway = program == kGateway;
    while (true) {
        int exitCode = 0;
        if (spawnedPid > 0 && process::reapChild(spawnedPid, &exitCode)) {
            const QString output = tail(consoleLog(m_options.dataDir, program), 3);
            throw Error(Error::Kind::Unavailable, QStringLiteral("%1 exited with code %2 while starting%3")
                                                      .arg(program).arg(exitCode)
                                                      .arg(output.isEmpty() ? QString() : QStringLiteral(": ") + output));
        }
        const RunningProcess now = RunningProcess::locate(m_options.dataDir, program);
        if (now.running() && now.pid != oldPid && (parentPid == 0 || now.parentPid == parentPid)) {
            const QUrl base = isGateway ? gatewayUrl(now) : syncUrl(now);
            QUrl url = base;
            url.setPath(isGateway ? QStringLiteral("/health/ready") : QStringLiteral("/health"));
            const HttpProbe probe = httpGet(url, 2000);
            if (probe.status == 200)
                return now.pid;
            problem = probe.status == 0
                ? QStringLiteral("pid %1 does not answer at %2: %3").arg(now.pid).arg(url.toString(), probe.error)
                : QStringLiteral("pid %1 answers but is not healthy: %2").arg(now.pid).arg(healthReason(probe));
        } else if (now.running() && now.pid == oldPid) {
            problem = QStringLiteral("the old process (pid %1) is still the one in the run file").arg(oldPid);
        } else if (now.running()) {
            problem = QStringLiteral("pid %1 is not the child of tf-gateway pid %2").arg(now.pid).arg(parentPid);
        } else {
            problem = QStringLiteral("no new %1 has written its run file").arg(program);
        }
        if (deadline.hasExpired()) {
            QString message = QStringLiteral("%1 is not healthy after %2 s: %3").arg(program).arg(m_options.timeoutMs / 1000).arg(problem);
            if (!isGateway) {
                const QString event = lastServiceEvent();
                if (!event.isEmpty())
                    message += QStringLiteral("; ") + event;
            }
            message += QStringLiteral("; see %1").arg(paths::logsDir(m_options.dataDir));
            throw Error(Error::Kind::Timeout, message);
        }
        QThread::msleep(200);
    }
}

RestartOutcome ServiceControl::restartSync()
{
    QElapsedTimer clock;
    clock.start();
    const RunningProcess gateway = this->gateway();
    const RunningProcess sync = this->sync();
    RestartOutcome outcome;
    outcome.program = kSync;
    outcome.oldPid = sync.pid;
    if (!sync.systemdUnit.isEmpty()) {
        outcome.method = QStringLiteral("systemd");
        systemctl(QStringLiteral("restart"), sync.systemdUnit, sync.userUnit);
        outcome.newPid = waitHealthy(kSync, sync.pid, 0);
    } else if (supervisesSync(gateway, sync)) {
        outcome.method = QStringLiteral("supervisor");
        if (sync.running()) {
            say(QStringLiteral("stopping tf-syncd (pid %1); the supervisor of tf-gateway (pid %2) starts it again")
                    .arg(sync.pid).arg(gateway.pid));
            process::stop(sync.pid, kSync, m_options.stopTimeoutMs);
        } else {
            say(QStringLiteral("tf-syncd is not running; waiting for the supervisor of tf-gateway (pid %1) to start it")
                    .arg(gateway.pid));
        }
        outcome.newPid = waitHealthy(kSync, sync.pid, 0, gateway.pid);
    } else if (sync.running()) {
        outcome.method = QStringLiteral("pid-file");
        say(QStringLiteral("stopping tf-syncd (pid %1)").arg(sync.pid));
        process::stop(sync.pid, kSync, m_options.stopTimeoutMs);
        const qint64 spawned = startSync(sync);
        outcome.newPid = waitHealthy(kSync, sync.pid, spawned);
    } else if (unitEnabled(QStringLiteral("tf-syncd.service"))) {
        outcome.method = QStringLiteral("systemd");
        systemctl(QStringLiteral("restart"), QStringLiteral("tf-syncd.service"), false);
        outcome.newPid = waitHealthy(kSync, 0, 0);
    } else {
        throw Error(Error::Kind::Unavailable,
                    QStringLiteral("tf-syncd is not running and nothing supervises it (no tf-gateway in %1): "
                                   "start the gateway, which supervises tf-syncd, with `tfctl restart-api`")
                        .arg(paths::runDir(m_options.dataDir)));
    }
    outcome.elapsedMs = clock.elapsed();
    outcome.detail = QStringLiteral("tf-syncd healthy, pid %1 (%2)").arg(outcome.newPid).arg(outcome.method);
    return outcome;
}

RestartOutcome ServiceControl::restartGateway()
{
    QElapsedTimer clock;
    clock.start();
    const RunningProcess gateway = this->gateway();
    const RunningProcess sync = this->sync();
    const bool supervised = supervisesSync(gateway, sync);
    RestartOutcome outcome;
    outcome.program = kGateway;
    outcome.oldPid = gateway.pid;
    qint64 spawned = 0;
    if (!gateway.systemdUnit.isEmpty()) {
        outcome.method = QStringLiteral("systemd");
        systemctl(QStringLiteral("restart"), gateway.systemdUnit, gateway.userUnit);
    } else if (gateway.running()) {
        outcome.method = QStringLiteral("pid-file");
        say(QStringLiteral("stopping tf-gateway (pid %1)%2").arg(gateway.pid)
                .arg(supervised && sync.running() ? QStringLiteral(" and the tf-syncd it supervises (pid %1)").arg(sync.pid) : QString()));
        process::stop(gateway.pid, kGateway, m_options.stopTimeoutMs);
        if (supervised && sync.running() && process::alive(sync.pid))
            process::stop(sync.pid, kSync, m_options.stopTimeoutMs);
        spawned = startGateway(gateway);
    } else if (unitEnabled(QStringLiteral("tf-gateway.service"))) {
        outcome.method = QStringLiteral("systemd");
        systemctl(QStringLiteral("restart"), QStringLiteral("tf-gateway.service"), false);
    } else {
        outcome.method = QStringLiteral("pid-file");
        say(QStringLiteral("tf-gateway is not running (no live pid in %1)").arg(paths::runDir(m_options.dataDir)));
        spawned = startGateway(RunningProcess());
    }
    outcome.newPid = waitHealthy(kGateway, gateway.pid, spawned);
    QString detail = QStringLiteral("tf-gateway ready, pid %1 (%2)").arg(outcome.newPid).arg(outcome.method);
    const RunningProcess started = RunningProcess::inspect(kGateway, outcome.newPid);
    if (started.systemdUnit.isEmpty() && configuredToSupervise(started)) {
        say(QStringLiteral("waiting for tf-syncd under the new gateway's supervisor"));
        const qint64 syncPid = waitHealthy(kSync, sync.running() && supervised ? sync.pid : 0, 0, outcome.newPid);
        detail += QStringLiteral("; its tf-syncd healthy, pid %1").arg(syncPid);
    }
    outcome.elapsedMs = clock.elapsed();
    outcome.detail = detail;
    return outcome;
}

QList<RestartOutcome> ServiceControl::restartAll()
{
    const RunningProcess gateway = this->gateway();
    const RunningProcess sync = this->sync();
    QList<RestartOutcome> outcomes;
    if (supervisesSync(gateway, sync) || (!gateway.running() && !sync.running() && !unitEnabled(QStringLiteral("tf-syncd.service")))) {
        say(QStringLiteral("tf-gateway supervises tf-syncd: restarting the gateway restarts both"));
        outcomes << restartGateway();
        return outcomes;
    }
    outcomes << restartSync() << restartGateway();
    return outcomes;
}

ServiceControl::Stopped ServiceControl::stopAll()
{
    Stopped stopped;
    stopped.gateway = gateway();
    stopped.sync = sync();
    stopped.syncSupervised = supervisesSync(stopped.gateway, stopped.sync);
    const auto stopOne = [this](const RunningProcess &process) {
        if (!process.systemdUnit.isEmpty()) {
            systemctl(QStringLiteral("stop"), process.systemdUnit, process.userUnit);
            QDeadlineTimer deadline(m_options.stopTimeoutMs);
            while (process::alive(process.pid) && !deadline.hasExpired())
                QThread::msleep(50);
        } else {
            process::stop(process.pid, process.program, m_options.stopTimeoutMs);
        }
        say(QStringLiteral("stopped %1 (pid %2)").arg(process.program).arg(process.pid));
    };
    if (stopped.gateway.running())
        stopOne(stopped.gateway);
    else
        say(QStringLiteral("tf-gateway was not running"));
    if (stopped.sync.running() && process::alive(stopped.sync.pid))
        stopOne(stopped.sync);
    else if (!stopped.sync.running())
        say(QStringLiteral("tf-syncd was not running"));
    return stopped;
}

QList<RestartOutcome> ServiceControl::startAgain(const Stopped &stopped)
{
    QList<RestartOutcome> outcomes;
    if (stopped.sync.running() && !stopped.syncSupervised) {
        QElapsedTimer clock;
        clock.start();
        RestartOutcome outcome;
        outcome.program = kSync;
        outcome.oldPid = stopped.sync.pid;
        qint64 spawned = 0;
        if (!stopped.sync.systemdUnit.isEmpty()) {
            outcome.method = QStringLiteral("systemd");
            systemctl(QStringLiteral("start"), stopped.sync.systemdUnit, stopped.sync.userUnit);
        } else {
            outcome.method = QStringLiteral("pid-file");
            spawned = startSync(stopped.sync);
        }
        outcome.newPid = waitHealthy(kSync, stopped.sync.pid, spawned);
        outcome.elapsedMs = clock.elapsed();
        outcome.detail = QStringLiteral("tf-syncd healthy, pid %1").arg(outcome.newPid);
        outcomes << outcome;
    }
    QElapsedTimer clock;
    clock.start();
    RestartOutcome outcome;
    outcome.program = kGateway;
    outcome.oldPid = stopped.gateway.pid;
    qint64 spawned = 0;
    if (!stopped.gateway.systemdUnit.isEmpty()) {
        outcome.method = QStringLiteral("systemd");
        systemctl(QStringLiteral("start"), stopped.gateway.systemdUnit, stopped.gateway.userUnit);
    } else if (!stopped.gateway.running() && unitEnabled(QStringLiteral("tf-gateway.service"))) {
        outcome.method = QStringLiteral("systemd");
        systemctl(QStringLiteral("start"), QStringLiteral("tf-gateway.service"), false);
    } else {
        outcome.method = QStringLiteral("pid-file");
        spawned = startGateway(stopped.gateway);
    }
    outcome.newPid = waitHealthy(kGateway, stopped.gateway.pid, spawned);
    outcome.detail = QStringLiteral("tf-gateway ready, pid %1").arg(outcome.newPid);
    const RunningProcess started = RunningProcess::inspect(kGateway, outcome.newPid);
    if (started.systemdUnit.isEmpty() && configuredToSupervise(started)) {
        const qint64 syncPid = waitHealthy(kSync, stopped.sync.pid, 0, outcome.newPid);
        outcome.detail += QStringLiteral("; its tf-syncd healthy, pid %1").arg(syncPid);
    }
    outcome.elapsedMs = clock.elapsed();
    outcomes << outcome;
    return outcomes;
}

} // namespace tf::ops
