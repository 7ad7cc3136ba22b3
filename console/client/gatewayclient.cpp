#include "gatewayclient.h"

#include <QLoggingCategory>
#include <QIODevice>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>

Q_LOGGING_CATEGORY(lcConsoleClient, "console.client")

namespace tf::console {

struct GatewayClient::Call
{
    QByteArray method;
    QUrl url;
    QByteArray body;
    bool hasBody = false;
    QByteArray ifMatch;
    QPointer<QObject> context;
    bool hasContext = false;
    Callback callback;
    bool reauthenticated = false; // retried once after a new sign-in already
    int rateLimitRetries = 0;
    bool mayReauthenticate = true; // not for /api/auth/*: those answer 401 for bad credentials
    QByteArray sentToken; // the token this attempt carried
    int timeoutMs = 0; // 0: the client's
};

GatewayClient::GatewayClient(QUrl baseUrl, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
{ }

GatewayClient::~GatewayClient() = default;

void GatewayClient::setBearerToken(const QByteArray &token)
{
    m_token = token;
    if (m_token.isEmpty() || m_waiting.isEmpty())
        return;
    const QList<std::shared_ptr<Call>> waiting = std::exchange(m_waiting, {});
    qCDebug(lcConsoleClient) << "signed in again: resending" << waiting.size() << "request(s)";
    for (const auto &call : waiting)
        send(call);
}

bool GatewayClient::setCaCertificatesFile(const QString &path)
{
    m_caCertificates = QSslCertificate::fromPath(path, QSsl::Pem);
    return !m_caCertificates.isEmpty();
}

void GatewayClient::abandonAuthentication()
{
    const QList<std::shared_ptr<Call>> waiting = std::exchange(m_waiting, {});
    for (const auto &call : waiting) {
        ApiResult result;
        result.status = 401;
        result.error = ApiError::fromProblem(401, { { QStringLiteral("code"), QStringLiteral("unauthorized") },
                                                    { QStringLiteral("detail"), tr("Not signed in.") } });
        deliver(call, result);
    }
}

QUrl GatewayClient::urlFor(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_baseUrl;
    const int mark = path.indexOf(QLatin1Char('?'));
    QString basePath = url.path();
    if (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + (mark < 0 ? path : path.left(mark)));
    QUrlQuery merged(mark < 0 ? QString() : path.mid(mark + 1));
    for (const auto &item : query.queryItems(QUrl::FullyEncoded))
        merged.addQueryItem(item.first, item.second);
    url.setQuery(merged.isEmpty() ? QString() : merged.query(QUrl::FullyEncoded), QUrl::StrictMode);
    return url;
}

void GatewayClient::start(const QByteArray &method, const QString &path, const QUrlQuery &query, const QJsonObject *body,
                          const QByteArray &ifMatch, QObject *context, Callback callback, int timeoutMs)
{
    auto call = std::make_shared<Call>();
    call->method = method;
    call->timeoutMs = timeoutMs;
    call->url = urlFor(path, query);
    if (body) {
        call->body = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        call->hasBody = true;
    }
    call->ifMatch = ifMatch;
    call->context = context;
    call->hasContext = context != nullptr;
    call->callback = std::move(callback);
    call->mayReauthenticate = !path.startsWith(QLatin1String("/api/auth/"));
    send(call);
}

void GatewayClient::get(const QString &path, const QUrlQuery &query, QObject *context, Callback callback)
{
    start("GET", path, query, nullptr, {}, context, std::move(callback));
}

void GatewayClient::getSlow(const QString &path, const QUrlQuery &query, int timeoutMs, QObject *context,
                            Callback callback)
{
    start("GET", path, query, nullptr, {}, context, std::move(callback), qMax(1, timeoutMs));
}

void GatewayClient::post(const QString &path, const QJsonObject &body, QObject *context, Callback callback)
{
    start("POST", path, {}, &body, {}, context, std::move(callback));
}

void GatewayClient::post(const QString &path, const QJsonObject &body, const QByteArray &ifMatch, QObject *context,
                         Callback callback)
{
    start("POST", path, {}, &body, ifMatch, context, std::move(callback));
}

void GatewayClient::put(const QString &path, const QJsonObject &body, const QByteArray &ifMatch, QObject *context,
                        Callback callback)
{
    start("PUT", path, {}, &body, ifMatch, context, std::move(callback));
}

void GatewayClient::patch(const QString &path, const QJsonObject &body, const QByteArray &ifMatch, QObject *context,
                          Callback callback)
{
    start("PATCH", path, {}, &body, ifMatch, context, std::move(callback));
}

void GatewayClient::del(const QString &path, const QByteArray &ifMatch, QObject *context, Callback callback)
{
    start("DELETE", path, {}, nullptr, ifMatch, context, std::move(callback));
}

void GatewayClient::list(const QString &path, const QUrlQuery &query, QObject *context, ListCallback callback, int maxPages)
{
    listPage(path, query, context, std::move(callback), {}, qMax(1, maxPages));
}

void GatewayClient::listPage(const QString &path, QUrlQuery query, QPointer<QObject> context, ListCallback callback,
                             QJsonArray collected, int pagesLeft)
{
    get(path, query, context, [=](const ApiResult &result) mutable {
        if (!result.ok()) {
            callback(collected, result);
            return;
        }
        const QJsonObject page = result.object();
        for (const QJsonValue &item : page.value(QStringLiteral("items")).toArray())
            collected.append(item);
        const QString next = page.value(QStringLiteral("next_cursor")).toString();
        if (next.isEmpty() || --pagesLeft <= 0) {
            callback(collected, result);
            return;
        }
        query.removeAllQueryItems(QStringLiteral("cursor"));
        query.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(next)));
        listPage(path, query, context, callback, collected, pagesLeft);
    });
}

QNetworkRequest GatewayClient::requestFor(const QUrl &url, const QByteArray &accept, int timeoutMs) const
{
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs > 0 ? timeoutMs : m_timeoutMs);
    request.setRawHeader("Accept", accept);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    if (!m_caCertificates.isEmpty() && url.scheme() == QLatin1String("https")) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_caCertificates);
        request.setSslConfiguration(tls);
    }
    return request;
}

void GatewayClient::send(const std::shared_ptr<Call> &call)
{
    QNetworkRequest request = requestFor(call->url, "application/json, application/problem+json", call->timeoutMs);
    if (call->hasBody)
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    call->sentToken = m_token;
    if (!call->ifMatch.isEmpty())
        request.setRawHeader("If-Match", call->ifMatch);
    QNetworkReply *reply = call->hasBody || call->method != "GET"
        ? m_network.sendCustomRequest(request, call->method, call->body)
        : m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, call, reply] { finished(call, reply); });
}

ApiResult GatewayClient::resultOf(QNetworkReply *reply, const QByteArray &body, int timeoutMs) const
{
    ApiResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    result.json = QJsonDocument::fromJson(body);
    if (result.status == 0) {
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
        if (timedOut)
            result.error = ApiError::transport(QStringLiteral("client_timeout"),
                                               tr("The gateway did not answer within %1 s.")
                                                   .arg((timeoutMs > 0 ? timeoutMs : m_timeoutMs) / 1000.0));
        else if (reply->error() == QNetworkReply::SslHandshakeFailedError)
            result.error = ApiError::transport(QStringLiteral("tls_error"),
                                               tr("The gateway's certificate is not trusted: %1").arg(reply->errorString()));
        else
            result.error = ApiError::transport(QStringLiteral("unreachable"),
                                               tr("The gateway cannot be reached: %1").arg(reply->errorString()));
    } else if (result.status >= 400) {
        result.error = ApiError::fromProblem(result.status, result.json.object());
    }
    return result;
}

void GatewayClient::finished(const std::shared_ptr<Call> &call, QNetworkReply *reply)
{
    reply->deleteLater();
    // A reply aborted by its timeout is closed: nothing to read.
    const ApiResult result = resultOf(reply, reply->isOpen() ? reply->readAll() : QByteArray(), call->timeoutMs);

    if (result.status == 401 && call->mayReauthenticate && !m_token.isEmpty() && call->sentToken != m_token) {
        send(call); // signed in again while this call was on its way: try the new token
        return;
    }
    if (result.status == 401 && call->mayReauthenticate && !call->reauthenticated) {
        call->reauthenticated = true;
        const bool first = m_waiting.isEmpty();
        m_waiting.append(call);
        if (first)
            emit authenticationRequired(tr("Your session has ended; sign in again."));
        return;
    }
    if (result.status == 429 && call->rateLimitRetries < m_rateLimitRetries) {
        ++call->rateLimitRetries;
        bool ok = false;
        int seconds = result.header("retry-after").trimmed().toInt(&ok);
        if (!ok || seconds < 0)
            seconds = 1;
        seconds = qMin(seconds, int(MaxRetryAfterSeconds));
        emit rateLimited(seconds);
        QTimer::singleShot(seconds * 1000, this, [this, call] { send(call); });
        return;
    }
    deliver(call, result);
}

GatewayClient::Cancel GatewayClient::download(const QString &path, const QUrlQuery &query, QIODevice *sink, QObject *context,
                                              Progress progress, Callback done)
{
    QNetworkReply *reply = m_network.get(requestFor(urlFor(path, query), "text/csv, application/problem+json"));
    reply->setReadBufferSize(DownloadBufferBytes); // the socket waits while the sink catches up
    struct Transfer
    {
        qint64 written = 0;
        bool cancelled = false;
        bool failed = false; // the sink refused a write
        QByteArray problem;  // the body of a 4xx/5xx, never written to the sink
    };
    auto transfer = std::make_shared<Transfer>();
    const QPointer<QObject> guard(context);
    const bool hasContext = context != nullptr;
    const QPointer<QNetworkReply> watched(reply);
    connect(reply, &QNetworkReply::readyRead, this, [reply, sink, transfer, guard, hasContext, progress] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 300) {
            transfer->problem += reply->readAll();
            return;
        }
        while (reply->bytesAvailable() > 0 && !transfer->failed) {
            const QByteArray chunk = reply->read(DownloadBufferBytes);
            if (sink->write(chunk) != chunk.size()) {
                transfer->failed = true;
                reply->abort();
                return;
            }
            transfer->written += chunk.size();
            if (progress && (!hasContext || guard))
                progress(transfer->written, chunk);
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, transfer, guard, hasContext, done, sink, progress] {
        reply->deleteLater();
        const bool open = reply->isOpen(); // not after an abort
        if (open && reply->bytesAvailable() > 0 && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() < 300
            && !transfer->cancelled && !transfer->failed) {
            const QByteArray rest = reply->readAll();
            transfer->failed = sink->write(rest) != rest.size();
            transfer->written += rest.size();
            if (progress && (!hasContext || guard))
                progress(transfer->written, rest);
        }
        ApiResult result = resultOf(reply, transfer->problem + (open ? reply->readAll() : QByteArray()));
        if (transfer->cancelled)
            result.error = ApiError::transport(QStringLiteral("cancelled"), tr("The download was cancelled."));
        else if (transfer->failed)
            result.error = ApiError::transport(QStringLiteral("write_failed"), tr("The file could not be written: %1").arg(sink->errorString()));
        else if (!result.error.isError() && reply->error() != QNetworkReply::NoError)
            result.error = ApiError::transport(QStringLiteral("incomplete"),
                                               tr("The download broke off: %1").arg(reply->errorString()));
        if (hasContext && !guard)
            return;
        if (done)
            done(result);
    });
    return [watched, transfer] {
        if (!watched || watched->isFinished())
            return;
        transfer->cancelled = true;
        watched->abort();
    };
}

void GatewayClient::deliver(const std::shared_ptr<Call> &call, const ApiResult &result)
{
    if (call->hasContext && !call->context)
        return; // the page that asked is gone
    if (call->callback)
        call->callback(result);
}

} // namespace tf::console
