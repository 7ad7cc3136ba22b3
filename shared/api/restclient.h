#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkReply;
class QNetworkRequest;

namespace tf::api {

// The client side of the gateway's REST API, used by tf-console (callbacks on the event loop)
// and tfctl (getBlocking). Every answer, including a refused connection or a timeout, comes
// back as one Reply; callers never see QNetworkReply.
class RestClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestClient)

public:
    struct Reply
    {
        int status = 0;         // HTTP status; 0 when no HTTP answer arrived
        QJsonDocument json;     // the body, when it is JSON
        QByteArray body;        // the raw body
        QString error;          // empty on success; otherwise one sentence for a person
        qint64 elapsedMs = 0;

        bool ok() const { return error.isEmpty() && status >= 200 && status < 300; }
    };
    using Callback = std::function<void(const Reply &)>;

    static constexpr int DefaultTimeoutMs = 10000;

    explicit RestClient(QUrl baseUrl, QObject *parent = nullptr);

    const QUrl &baseUrl() const { return m_baseUrl; }
    void setBearerToken(const QByteArray &token);
    QByteArray bearerToken() const { return m_bearerToken; }
    void setTimeoutMs(int timeoutMs);
    int timeoutMs() const { return m_timeoutMs; }

    // path is relative to the base URL and may carry a query: "/api/status?verbose=1".
    // The callback runs on this object's thread; it is dropped when context (if given) is
    // destroyed before the answer arrives.
    void get(const QString &path, QObject *context, Callback callback);
    void send(const QByteArray &method, const QString &path, const QJsonObject &body,
              QObject *context, Callback callback);

    // Runs a local QEventLoop until the answer (or the timeout); for the CLI.
    Reply getBlocking(const QString &path);

    QUrl urlFor(const QString &path) const;

private:
    QNetworkRequest requestFor(const QUrl &url, bool hasBody) const;
    void start(const QByteArray &method, const QString &path, const QByteArray *body,
               QObject *context, Callback callback);
    Reply replyFrom(QNetworkReply *reply, bool timedOut, qint64 elapsedMs) const;

    QUrl m_baseUrl;
    QByteArray m_bearerToken;
    int m_timeoutMs = DefaultTimeoutMs;
    QNetworkAccessManager m_network;
};

} // namespace tf::api
