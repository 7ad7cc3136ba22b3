#pragma once

#include "apierror.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>

class QIODevice;
class QNetworkReply;
class QNetworkRequest;

namespace tf::console {

// What every call answers: the status, the JSON body, the headers (lower-case names) and,
// when it failed, the one error type. status is 0 when no HTTP answer arrived.
struct ApiResult
{
    int status = 0;
    QJsonDocument json;
    QHash<QByteArray, QByteArray> headers;
    ApiError error;

    bool ok() const { return !error.isError() && status >= 200 && status < 300; }
    QJsonObject object() const { return json.object(); }
    QByteArray header(const QByteArray &lowerCaseName) const { return headers.value(lowerCaseName); }
    QByteArray etag() const { return header("etag"); }
};

// The console's one client of the gateway's REST API: asynchronous (QNetworkAccessManager),
// owning the base URL, the bearer token (memory only), the timeout and the trusted CAs.
// A 401 asks for a new sign-in (authenticationRequired) and retries the request once the
// token is renewed; a 429 waits Retry-After and retries a few times. Pages never build URLs
// or parse errors: they call get/post/put/patch/del/list with a path and read an ApiResult.
class GatewayClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayClient)

public:
    using Callback = std::function<void(const ApiResult &)>;
    using ListCallback = std::function<void(const QJsonArray &items, const ApiResult &last)>;

    static constexpr int DefaultTimeoutMs = 10000;
    static constexpr int DefaultRateLimitRetries = 3;
    static constexpr int MaxRetryAfterSeconds = 60;

    explicit GatewayClient(QUrl baseUrl = {}, QObject *parent = nullptr);
    ~GatewayClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl &url) { m_baseUrl = url; }
    // A new non-empty token resends the requests that waited for a sign-in.
    void setBearerToken(const QByteArray &token);
    QByteArray bearerToken() const { return m_token; }
    bool hasBearerToken() const { return !m_token.isEmpty(); }
    void setTimeoutMs(int timeoutMs) { m_timeoutMs = timeoutMs > 0 ? timeoutMs : DefaultTimeoutMs; }
    int timeoutMs() const { return m_timeoutMs; }
    void setRateLimitRetries(int retries) { m_rateLimitRetries = qMax(0, retries); }
    // Trust these CAs (PEM file) for https, besides the system's. False when none was read.
    bool setCaCertificatesFile(const QString &path);
    // Requests that waited for a sign-in are answered with their 401 (the user cancelled).
    void abandonAuthentication();
    int waitingForAuthentication() const { return int(m_waiting.size()); }

    // path is relative to the base URL ("/api/systems"); query is added to it. The callback
    // runs on this object's thread and is dropped when context is destroyed first.
    void get(const QString &path, const QUrlQuery &query, QObject *context, Callback callback);
    void get(const QString &path, QObject *context, Callback callback) { get(path, {}, context, std::move(callback)); }
    // A read the server may take long to answer (a count over millions of rows): the same
    // call with its own timeout instead of the client's.
    void getSlow(const QString &path, const QUrlQuery &query, int timeoutMs, QObject *context, Callback callback);
    void post(const QString &path, const QJsonObject &body, QObject *context, Callback callback);
    // A POST that changes a versioned resource (approving a schema change with a new entity).
    void post(const QString &path, const QJsonObject &body, const QByteArray &ifMatch, QObject *context,
              Callback callback);
    // ifMatch: the ETag of the version being changed (ApiResult::etag() of its read).
    void put(const QString &path, const QJsonObject &body, const QByteArray &ifMatch, QObject *context, Callback callback);
    void patch(const QString &path, const QJsonObject &body, const QByteArray &ifMatch, QObject *context, Callback callback);
    void del(const QString &path, const QByteArray &ifMatch, QObject *context, Callback callback);
    // Every item of a list route: follows next_cursor until null (or maxPages pages).
    void list(const QString &path, const QUrlQuery &query, QObject *context, ListCallback callback, int maxPages = 100);

    // A streamed GET (a CSV export): the body goes to sink as it arrives, never held whole (the
    // reply buffers at most DownloadBufferBytes). progress gets the bytes written so far and the
    // chunk just written (to count rows, say); done
    // gets the status and, on failure, the error (the problem body of a 4xx/5xx is not written
    // to sink). The returned function cancels: done then reports code "cancelled". Neither
    // callback runs once context is destroyed.
    static constexpr qint64 DownloadBufferBytes = 256 * 1024;
    using Progress = std::function<void(qint64 bytesWritten, QByteArrayView chunk)>;
    using Cancel = std::function<void()>;
    Cancel download(const QString &path, const QUrlQuery &query, QIODevice *sink, QObject *context, Progress progress,
                    Callback done);

    QUrl urlFor(const QString &path, const QUrlQuery &query = {}) const;

signals:
    // A call was refused with 401: the session ended. Emitted once per sign-in that is needed.
    void authenticationRequired(const QString &reason);
    // A 429 is being waited out before retrying.
    void rateLimited(int seconds);

private:
    struct Call;
    void start(const QByteArray &method, const QString &path, const QUrlQuery &query, const QJsonObject *body,
               const QByteArray &ifMatch, QObject *context, Callback callback, int timeoutMs = 0);
    QNetworkRequest requestFor(const QUrl &url, const QByteArray &accept, int timeoutMs = 0) const;
    void send(const std::shared_ptr<Call> &call);
    void finished(const std::shared_ptr<Call> &call, QNetworkReply *reply);
    ApiResult resultOf(QNetworkReply *reply, const QByteArray &body, int timeoutMs = 0) const;
    void deliver(const std::shared_ptr<Call> &call, const ApiResult &result);
    void listPage(const QString &path, QUrlQuery query, QPointer<QObject> context, ListCallback callback,
                  QJsonArray collected, int pagesLeft);

    QUrl m_baseUrl;
    QByteArray m_token;
    int m_timeoutMs = DefaultTimeoutMs;
    int m_rateLimitRetries = DefaultRateLimitRetries;
    QList<QSslCertificate> m_caCertificates;
    QList<std::shared_ptr<Call>> m_waiting; // 401s waiting for a new token
    QNetworkAccessManager m_network;
};

} // namespace tf::console
