#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>

namespace tf::gateway {

class UpstreamConnection;

// A small pool of HTTP/1.1 keep-alive connections to one upstream (tf-syncd), owned by the
// gateway's thread. A request takes the most recently used idle connection, else opens a new one
// while fewer than maxConnections are open, else waits in a queue (within its timeout).
// A reused connection that turns out dead (closed before any byte of the answer) is retried once
// on a new connection, for idempotent methods only: a POST or PATCH may have been acted on.
class UpstreamPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamPool)

public:
    struct Response
    {
        int status = 0; // 0: no complete answer (see error)
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString error;
        bool timedOut = false;
    };
    using Callback = std::function<void(Response &&)>;

    struct Request
    {
        QByteArray wire; // request line, header fields, blank line and body, as sent
        bool idempotent = false;
        bool headRequest = false;
        int timeoutMs = 30000; // without a byte of progress, from the moment it is submitted
        Callback done;
        // Kept by the pool:
        QElapsedTimer submitted;
        bool retried = false;
    };

    // https: TLS, verified against the default configuration's authorities (see
    // http::trustCertificateAuthorities); the peer name is the URL's host.
    UpstreamPool(QString host, quint16 port, bool tls, int maxConnections, QObject *parent = nullptr);
    ~UpstreamPool() override;

    void submit(std::shared_ptr<Request> request);

    static bool idempotent(const QByteArray &method);

    // For tests and metrics.
    int openConnections() const { return m_open; }
    int idleConnections() const { return int(m_idle.size()); }
    int queuedRequests() const { return int(m_queue.size()); }
    qint64 connectionsOpened() const { return m_opened; }
    qint64 retries() const { return m_retries; }

    // An idle connection older than this is closed instead of reused, so a request never races
    // tf-syncd's own idle close ([http] idle_timeout_ms, 60 s by default).
    static constexpr qint64 kMaxIdleMs = 30000;

private:
    friend class UpstreamConnection;
    void finished(UpstreamConnection *connection, std::shared_ptr<Request> request, Response &&response,
                  bool reusable, bool retryable);
    void idleClosed(UpstreamConnection *connection);
    UpstreamConnection *openConnection();
    UpstreamConnection *takeIdle();
    void dispatchQueued(UpstreamConnection *connection);
    void expireQueued();
    void release(UpstreamConnection *connection);

    QString m_host;
    quint16 m_port;
    bool m_tls;
    int m_max;
    int m_open = 0;
    qint64 m_opened = 0;
    qint64 m_retries = 0;
    QList<UpstreamConnection *> m_idle; // most recently used last
    std::deque<std::shared_ptr<Request>> m_queue;
    QTimer m_queueTimer;
};

} // namespace tf::gateway
