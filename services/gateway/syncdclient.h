#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace tf::gateway {

// Asynchronous HTTP calls from the gateway to tf-syncd, each bounded by a timeout so that a
// dead or hung tf-syncd turns into a quick 503, never a hung client.
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
        QString error;           // transport error or timeout, for logs and 503 bodies
        qint64 elapsedMs = 0;
        bool ok() const { return status >= 200 && status < 300; }
    };
    using Callback = std::function<void(const Result &)>;

    SyncdClient(QUrl baseUrl, int timeoutMs, QObject *parent = nullptr);

    void request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                 const QList<QPair<QByteArray, QByteArray>> &headers, QObject *context, Callback callback);
    void get(const QString &pathAndQuery, QObject *context, Callback callback, int timeoutMs = -1);

    QUrl baseUrl() const { return m_baseUrl; }
    int timeoutMs() const { return m_timeoutMs; }

private:
    void send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs, QObject *context,
              Callback callback);

    QUrl m_baseUrl;
    int m_timeoutMs;
    QNetworkAccessManager *m_network;
};

} // namespace tf::gateway
