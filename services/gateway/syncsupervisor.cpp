#include "syncsupervisor.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <csignal>
#include <sys/prctl.h>

Q_LOGGING_CATEGORY(lcSupervisor, "gateway.supervisor")

namespace tf::gateway {

SyncSupervisor::SyncSupervisor(Options options, EventSink events, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_events(std::move(events))
    , m_network(new QNetworkAccessManager(this))
{
    m_network->setProxy(QNetworkProxy::NoProxy);
    m_probeTimer.setInterval(m_options.healthIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &SyncSupervisor::probe);
    m_backoffTimer.setSingleShot(true);
    connect(&m_backoffTimer, &QTimer::timeout, this, &SyncSupervisor::launch);
    m_startupTimer.setSingleShot(true);
    connect(&m_startupTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Starting)
            return;
        const QString reason = QStringLiteral("not live within %1 ms").arg(m_options.startupGraceMs);
        qCCritical(lcSupervisor).noquote() << "Error starting SyncService:" << reason;
        m_lastError = reason;
        if (m_process)
            m_process->kill(); // onFinished schedules the restart
    });
}

SyncSupervisor::~SyncSupervisor()
{
    stop();
}

qint64 SyncSupervisor::pid() const
{
    return m_process && m_process->state() == QProcess::Running ? m_process->processId() : 0;
}

void SyncSupervisor::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void SyncSupervisor::start()
{
    if (m_state != State::Stopped)
        return;
    launch();
}

void SyncSupervisor::launch()
{
    if (m_state == State::Stopping)
        return;
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    m_process = new QProcess(this);
    m_process->setProgram(m_options.program);
    m_process->setArguments(m_options.arguments);
    m_process->setProcessEnvironment(m_options.environment);
    m_process->setProcessChannelMode(QProcess::ForwardedChannels);
    // If the gateway dies without cleaning up, the kernel stops the child too.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onStartFailed(m_process->errorString());
    });
    connect(m_process, &QProcess::finished, this, &SyncSupervisor::onFinished);

    setState(State::Starting);
    m_probeFailures = 0;
    ++m_launches;
    m_process->start();
    if (m_process->state() == QProcess::NotRunning && m_process->error() == QProcess::FailedToStart)
        return; // errorOccurred already handled it
    qCInfo(lcSupervisor).noquote() << "started tf-syncd, pid" << m_process->processId()
                                   << "attempt" << (m_attempt + 1);
    m_startupTimer.start(m_options.startupGraceMs);
    m_probeTimer.start();
    QTimer::singleShot(100, this, &SyncSupervisor::probe);
}

void SyncSupervisor::probe()
{
    if (m_probeInFlight || !m_process || (m_state != State::Starting && m_state != State::Running))
        return;
    m_probeInFlight = true;
    QNetworkRequest request(m_options.liveUrl);
    request.setTransferTimeout(m_options.healthTimeoutMs);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    QNetworkReply *reply = m_network->get(request);
    const qint64 probedPid = m_process->processId();
    connect(reply, &QNetworkReply::finished, this, [this, reply, probedPid] {
        reply->deleteLater();
        m_probeInFlight = false;
        if (!m_process || m_process->processId() != probedPid)
            return; // an answer about a child that is gone
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            m_probeFailures = 0;
            if (m_state == State::Starting) {
                m_startupTimer.stop();
                setState(State::Running);
                const int attempts = m_attempt;
                if (m_launches > 1) {
                    ++m_restarts;
                    qCInfo(lcSupervisor).noquote() << "SyncService restarted, pid" << probedPid
                                                   << "after" << attempts << "attempt(s)";
                    m_events(QStringLiteral("restarted"), QStringLiteral("SyncService restarted"),
                             QJsonObject { { QStringLiteral("pid"), probedPid },
                                           { QStringLiteral("attempts"), attempts },
                                           { QStringLiteral("restarts"), m_restarts } });
                } else {
                    m_events(QStringLiteral("started"), QStringLiteral("SyncService started"),
                             QJsonObject { { QStringLiteral("pid"), probedPid } });
                }
                m_livePid->store(probedPid);
                m_attempt = 0;
                m_alarmRaised = false;
                m_lastError.clear();
                Q_EMIT becameLive(probedPid);
            }
            return;
        }
        if (m_state != State::Running)
            return; // still starting: the startup timer decides
        ++m_probeFailures;
        if (m_probeFailures >= m_options.unhealthyThreshold) {
            m_lastError = QStringLiteral("no answer from /health/live %1 times in a row").arg(m_probeFailures);
            qCWarning(lcSupervisor).noquote() << "SyncService not responding:" << m_lastError << "- restarting it";
            m_events(QStringLiteral("unresponsive"), QStringLiteral("SyncService stopped answering; killed for restart"),
                     QJsonObject { { QStringLiteral("pid"), probedPid }, { QStringLiteral("error"), reply->errorString() } });
            m_process->kill();
        }
    });
}

void SyncSupervisor::onStartFailed(const QString &reason)
{
    m_lastError = reason;
    qCCritical(lcSupervisor).noquote() << "Error starting SyncService:" << reason;
    m_events(QStringLiteral("start_failed"), QStringLiteral("Error starting SyncService"),
             QJsonObject { { QStringLiteral("error"), reason }, { QStringLiteral("program"), m_options.program } });
    scheduleRestart(reason);
}

void SyncSupervisor::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_probeTimer.stop();
    m_startupTimer.stop();
    if (m_state == State::Stopping || m_state == State::Stopped)
        return;
    if (m_restartRequested) {
        m_restartRequested = false;
        qCInfo(lcSupervisor).noquote() << "tf-syncd stopped for the requested restart (exit code" << exitCode << ")";
        m_attempt = 0;
        launch();
        return;
    }
    const bool crashed = status == QProcess::CrashExit;
    const QString reason = crashed ? QStringLiteral("tf-syncd crashed or was killed")
                                   : QStringLiteral("tf-syncd exited with code %1").arg(exitCode);
    if (m_state == State::Starting) {
        qCCritical(lcSupervisor).noquote() << "Error starting SyncService:" << reason;
        m_events(QStringLiteral("start_failed"), QStringLiteral("Error starting SyncService"),
                 QJsonObject { { QStringLiteral("error"), reason }, { QStringLiteral("exit_code"), exitCode } });
    } else {
        qCWarning(lcSupervisor).noquote() << "SyncService stopped unexpectedly:" << reason;
        m_events(crashed ? QStringLiteral("crashed") : QStringLiteral("exited"), reason,
                 QJsonObject { { QStringLiteral("exit_code"), exitCode }, { QStringLiteral("crashed"), crashed } });
    }
    m_lastError = reason;
    scheduleRestart(reason);
}

void SyncSupervisor::scheduleRestart(const QString &reason)
{
    ++m_attempt;
    if (m_attempt > m_options.maxAttempts && !m_alarmRaised) {
        m_alarmRaised = true;
        qCCritical(lcSupervisor).noquote()
            << QStringLiteral("Failed to restart SyncService after %1 attempts").arg(m_options.maxAttempts)
            << "- last error:" << reason << "- still retrying every" << m_options.maxBackoffMs << "ms";
        m_events(QStringLiteral("restart_failed"),
                 QStringLiteral("Failed to restart SyncService after %1 attempts").arg(m_options.maxAttempts),
                 QJsonObject { { QStringLiteral("error"), reason } });
    }
    const int exponent = qMin(m_attempt - 1, 16);
    const qint64 delay = qMin<qint64>(qint64(m_options.initialBackoffMs) << exponent, m_options.maxBackoffMs);
    setState(State::Backoff);
    qCInfo(lcSupervisor).noquote() << "restarting tf-syncd in" << delay << "ms (attempt" << m_attempt << ")";
    m_backoffTimer.start(static_cast<int>(delay));
}

void SyncSupervisor::restart()
{
    if (m_state == State::Stopping)
        return;
    const qint64 current = pid();
    qCInfo(lcSupervisor).noquote() << "restarting tf-syncd on request, pid" << current;
    m_events(QStringLiteral("restart_requested"), QStringLiteral("SyncService restart requested"),
             QJsonObject { { QStringLiteral("pid"), current } });
    m_backoffTimer.stop();
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_restartRequested = true;
        m_probeTimer.stop();
        m_startupTimer.stop();
        m_process->terminate();
        QProcess *process = m_process;
        QTimer::singleShot(m_options.stopTimeoutMs, process, [process] {
            if (process->state() != QProcess::NotRunning)
                process->kill();
        });
        return;
    }
    m_attempt = 0;
    launch();
}

void SyncSupervisor::stop()
{
    if (m_state == State::Stopped)
        return;
    setState(State::Stopping);
    m_restartRequested = false;
    m_probeTimer.stop();
    m_backoffTimer.stop();
    m_startupTimer.stop();
    if (m_process && m_process->state() != QProcess::NotRunning) {
        const qint64 pid = m_process->processId();
        m_process->terminate();
        if (!m_process->waitForFinished(m_options.stopTimeoutMs)) {
            qCWarning(lcSupervisor) << "tf-syncd did not stop within" << m_options.stopTimeoutMs << "ms; killing it";
            m_process->kill();
            m_process->waitForFinished(2000);
        }
        qCInfo(lcSupervisor) << "stopped tf-syncd, pid" << pid;
        m_events(QStringLiteral("stopped"), QStringLiteral("SyncService stopped with the gateway"),
                 QJsonObject { { QStringLiteral("pid"), pid } });
    }
    setState(State::Stopped);
}

QJsonObject SyncSupervisor::toJson() const
{
    static const char *names[] = { "stopped", "starting", "running", "backoff", "stopping" };
    QJsonObject object {
        { QStringLiteral("state"), QString::fromLatin1(names[static_cast<int>(m_state)]) },
        { QStringLiteral("pid"), pid() },
        { QStringLiteral("restarts"), m_restarts },
        { QStringLiteral("failed_attempts"), m_attempt },
    };
    if (!m_lastError.isEmpty())
        object.insert(QStringLiteral("last_error"), m_lastError);
    return object;
}

} // namespace tf::gateway
