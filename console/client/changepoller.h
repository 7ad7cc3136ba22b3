#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

namespace tf::console {

class GatewayClient;
struct ApiResult;

// Follows the gateway's change feed (GET /api/changes?cursor=): the next request starts only
// after the last reply arrived, `interval` later; a failure backs off (2, 4, 8 ... 30 s).
// Each changed resource is one changed() signal; the feed's {"resource_type":"*","action":
// "reload"} item (first poll, pruned past the cursor, too many changes) is reloadAll().
class ChangePoller final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangePoller)

public:
    enum class ConnectionState { Offline, Connected, Reconnecting };
    Q_ENUM(ConnectionState)

    static constexpr int DefaultIntervalMs = 2000;
    static constexpr int DefaultFirstBackoffMs = 2000;
    static constexpr int DefaultMaxBackoffMs = 30000;
    // Failures in a row after which the state says offline rather than reconnecting.
    static constexpr int OfflineAfterFailures = 5;

    explicit ChangePoller(GatewayClient *client, QObject *parent = nullptr);

    // Applies at once: a wait under way for the next poll restarts with the new interval.
    void setInterval(int ms);
    int interval() const { return m_intervalMs; }
    void setBackoff(int firstMs, int maxMs);
    void start();
    void stop();
    bool isRunning() const { return m_running; }
    // Polls now if no request is in flight (F5).
    void pollNow();

    ConnectionState state() const { return m_state; }
    QDateTime lastUpdate() const { return m_lastUpdate; }
    QString cursor() const { return m_cursor; }
    int failures() const { return m_failures; }
    static QString stateName(ConnectionState state);

signals:
    void changed(const QString &resourceType, const QString &resourceId, const QString &action);
    void reloadAll();
    void connectionStateChanged(tf::console::ChangePoller::ConnectionState state);
    void updated(const QDateTime &when);

private:
    void poll();
    void answered(const ApiResult &result);
    void setState(ConnectionState state);
    int backoffMs() const;

    GatewayClient *m_client;
    QTimer m_timer;
    QString m_cursor;
    QDateTime m_lastUpdate;
    ConnectionState m_state = ConnectionState::Offline;
    int m_intervalMs = DefaultIntervalMs;
    int m_firstBackoffMs = DefaultFirstBackoffMs;
    int m_maxBackoffMs = DefaultMaxBackoffMs;
    int m_failures = 0;
    quint64 m_generation = 0; // answers of a poll started before stop() are dropped
    bool m_running = false;
    bool m_inFlight = false;
};

} // namespace tf::console
