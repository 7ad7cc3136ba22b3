#pragma once

#include "common/servicetoken.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

#include <functional>


namespace tf::gateway {

class UpstreamPool;

// Asynchronous HTTP calls from the gateway to tf-syncd, each bounded by a timeout so that a
// dead or hung tf-syncd turns into a quick 503, never a hung client. Every call carries the
// service token (Authorization: Bearer ...), the only credential tf-syncd accepts. Calls go out
// on a pool of keep-alive HTTP/1.1 connections (UpstreamPool).
class SyncdClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncdClient)

public:
    struct Result
    {
        int status = 0;          // 0: no HTTP answer (see error)
        QByteArray body;
        QByteArray contentType;
        QList<QPair<QByteArray, QByteArray>> headers; // as tf-syncd sent them
        QString error;           // transport error or timeout, for logs and 503 bodies
        bool timedOut = false;   // no answer within the timeout (status 0)
        qint64 elapsedMs = 0;
        bool ok() const { return status >= 200 && status < 300; }
    };
    using Callback = std::function<void(const Result &)>;

    SyncdClient(QUrl baseUrl, int timeoutMs, http::ServiceToken token, QObject *parent = nullptr);

    // headers may carry their own Authorization (forwardedCallerHeaders does); otherwise the
    // service token is added. timeoutMs <= 0: the client's own.
    void request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                 const QList<QPair<QByteArray, QByteArray>> &headers, QObject *context,
                 Callback callback, int timeoutMs = -1);
    void get(const QString &pathAndQuery, QObject *context, Callback callback, int timeoutMs = -1);

    QUrl baseUrl() const { return m_baseUrl; }
    int timeoutMs() const { return m_timeoutMs; }
    const http::ServiceToken &serviceToken() const { return m_token; }

private:
    void send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs, QObject *context,
              Callback callback);

    QUrl m_baseUrl;
    QByteArray m_basePath; // without a trailing '/'
    QByteArray m_host;     // the Host header
    int m_timeoutMs;
    http::ServiceToken m_token;
    // Keep-alive connections to tf-syncd (see UpstreamPool); 48 stays under tf-syncd's
    // [http] max_connections_per_address (64), which the supervisor's probes also count against.
    static constexpr int kConnections = 48;
    UpstreamPool *m_pool = nullptr;
};

} // namespace tf::gateway
