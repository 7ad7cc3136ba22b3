#include "jobfollower.h"

#include "gatewayclient.h"

#include <QLoggingCategory>

namespace tf::console {

Q_LOGGING_CATEGORY(lcJobs, "console.jobs")

namespace {
// No answer, or a proxy/gateway saying it is not there right now: wait and ask again.
bool isUnreachable(const ApiResult &result)
{
    return result.status == 0 || result.status == 502 || result.status == 503
        || result.status == 504;
}
} // namespace

JobFollower::JobFollower(GatewayClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JobFollower::poll);
}

bool JobFollower::isFinished(const QString &status)
{
    return status == QLatin1String("completed") || status == QLatin1String("failed")
        || status == QLatin1String("cancelled");
}

void JobFollower::follow(const ApiResult &accepted)
{
    if (!accepted.ok()) {
        stop();
        emit failed(accepted.error);
        return;
    }
    const QJsonObject job = accepted.object();
    m_id = job.value(QLatin1String("id")).toInteger();
    m_active = true;
    ++m_generation;
    m_lost = false;
    m_backoffMs = FirstBackoffMs;
    take(job, accepted.header("retry-after").toInt());
}

void JobFollower::follow(qint64 jobId)
{
    m_id = jobId;
    m_active = true;
    ++m_generation;
    m_lost = false;
    m_backoffMs = FirstBackoffMs;
    m_job = {};
    poll();
}

void JobFollower::stop()
{
    m_timer.stop();
    m_active = false;
    ++m_generation;
}

void JobFollower::poll()
{
    if (!m_active)
        return;
    const int generation = m_generation;
    m_client->get(QStringLiteral("/api/jobs/%1").arg(m_id), this,
                  [this, generation](const ApiResult &result) {
                      if (generation == m_generation)
                          answered(result);
                  });
}

void JobFollower::answered(const ApiResult &result)
{
    if (isUnreachable(result)) {
        retryLater(result.error);
        return;
    }
    if (m_lost) {
        m_lost = false;
        qCInfo(lcJobs).noquote() << QStringLiteral("job %1: the gateway answers again").arg(m_id);
        emit connectionRestored();
    }
    m_backoffMs = FirstBackoffMs;
    if (!result.ok()) {
        end();
        emit failed(result.error);
        return;
    }
    take(result.object(), result.header("retry-after").toInt());
}

void JobFollower::take(const QJsonObject &job, int retryAfterSeconds)
{
    m_job = job;
    const QString status = job.value(QLatin1String("status")).toString();
    emit progress(qBound(0.0, job.value(QLatin1String("progress")).toDouble(), 1.0),
                  job.value(QLatin1String("message")).toString());
    if (status == QLatin1String("completed")) {
        end();
        emit finished(job);
        return;
    }
    if (isFinished(status)) {
        end();
        const QJsonObject error = job.value(QLatin1String("error")).toObject();
        ApiError failure
            = ApiError::transport(error.value(QLatin1String("code")).toString(status),
                                  error.value(QLatin1String("message"))
                                      .toString(job.value(QLatin1String("message")).toString()));
        failure.problem = error;
        emit failed(failure);
        return;
    }
    const int seconds = qBound(1, retryAfterSeconds > 0 ? retryAfterSeconds : 1,
                               GatewayClient::MaxRetryAfterSeconds);
    m_timer.start(seconds * 1000);
}

void JobFollower::retryLater(const ApiError &error)
{
    if (!m_lost) {
        m_lost = true;
        m_unreachableSince.start();
        qCInfo(lcJobs).noquote() << QStringLiteral(
                                        "job %1: the gateway does not answer (%2); retrying")
                                        .arg(m_id)
                                        .arg(error.message());
        emit connectionLost(error.message());
    } else if (m_unreachableSince.elapsed() > m_giveUpMs) {
        end();
        emit failed(ApiError::transport(
            QStringLiteral("unreachable"),
            tr("The gateway did not answer for %n second(s) while following job %1: %2", nullptr,
               m_giveUpMs / 1000)
                .arg(m_id)
                .arg(error.message())));
        return;
    }
    m_timer.start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, MaxBackoffMs);
}

void JobFollower::end()
{
    m_timer.stop();
    m_active = false;
}

} // namespace tf::console
