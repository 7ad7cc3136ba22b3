#pragma once

#include "upstreampool.h"
#include "httpresponseparser.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace tf::gateway {

// One keep-alive connection of an UpstreamPool: one request at a time, its answer framed by
// HttpResponseParser, an inactivity timeout while a request is in flight.
class UpstreamConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamConnection)

public:
    UpstreamConnection(UpstreamPool &pool, const QString &host, quint16 port, bool tls);
    ~UpstreamConnection() override;

    void start(std::shared_ptr<UpstreamPool::Request> request, int timeoutMs);
    // Connected, nothing unexpected pending, not idle for too long.
    bool reusable() const;
    void markIdle() { m_idle.start(); }
    void close();

private:
    void onConnected();
    void onReadyRead();
    void onClosed();
    void onTimeout();
    void complete(bool reusable);
    void failed(const QString &error, bool timedOut);

    UpstreamPool &m_pool;
    QTcpSocket *m_socket = nullptr;
    bool m_tls = false;
    bool m_connected = false;
    bool m_used = false; // has carried an answer before: a failure may be a stale connection
    bool m_closing = false;
    std::shared_ptr<UpstreamPool::Request> m_request;
    int m_timeoutMs = 0;
    QByteArray m_buffer;
    HttpResponseParser m_parser;
    QTimer m_timer;
    QElapsedTimer m_idle;
};

} // namespace tf::gateway
