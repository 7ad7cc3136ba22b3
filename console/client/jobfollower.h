#pragma once

#include "apierror.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace tf::console {

class GatewayClient;
struct ApiResult;

// Follows one admin job (backup, restore, maintenance, restart) to its end: polls
// GET /api/jobs/{id} as often as its Retry-After says, reports progress(0..1, message), and
// ends with finished(job) or failed(error). A gateway that stops answering (a gateway restart,
// a network cut) is not a failure: the follower keeps asking with a growing pause, says so
// with connectionLost/connectionRestored, and gives up only after giveUpMs without an answer.
// One job per follower; the next poll starts only when the last answer has arrived.
class JobFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobFollower)

public:
    static constexpr int DefaultGiveUpMs = 180000;
    static constexpr int FirstBackoffMs = 250;
    static constexpr int MaxBackoffMs = 4000;

    explicit JobFollower(GatewayClient *client, QObject *parent = nullptr);

    // The 202 answer of the request that started the job (its body is the job). A refused
    // request (4xx) ends at once with failed().
    void follow(const ApiResult &accepted);
    void follow(qint64 jobId);
    void stop();

    void setGiveUpMs(int ms) { m_giveUpMs = ms; }
    qint64 jobId() const { return m_id; }
    bool isActive() const { return m_active; }
    QJsonObject job() const { return m_job; }

    static bool isFinished(const QString &status);

signals:
    void progress(double fraction, const QString &message);
    void finished(const QJsonObject &job);
    void failed(const tf::console::ApiError &error);
    void connectionLost(const QString &reason);
    void connectionRestored();

private:
    void poll();
    void answered(const ApiResult &result);
    void take(const QJsonObject &job, int retryAfterSeconds);
    void retryLater(const ApiError &error);
    void end();

    GatewayClient *m_client;
    QTimer m_timer;
    QElapsedTimer m_unreachableSince;
    QJsonObject m_job;
    qint64 m_id = 0;
    int m_generation = 0; // answers of an earlier follow() are dropped
    int m_backoffMs = FirstBackoffMs;
    int m_giveUpMs = DefaultGiveUpMs;
    bool m_active = false;
    bool m_lost = false;
};

} // namespace tf::console
