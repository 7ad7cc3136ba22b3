#include "syncdclient.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace tf::gateway {

SyncdClient::SyncdClient(QUrl baseUrl, int timeoutMs, http::ServiceToken token, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
    , m_timeoutMs(timeoutMs)
    , m_token(std::move(token))
{
    for (int i = 0; i < kManagers; ++i) {
        auto *network = new QNetworkAccessManager(this);
        // Loopback traffic to our own service must never go through an http_proxy from the
        // environment.
        network->setProxy(QNetworkProxy::NoProxy);
        m_networks.append(network);
    }
}

void SyncdClient::request(const QByteArray &method, const QString &pathAndQuery,
                          const QByteArray &body,
                          const QList<QPair<QByteArray, QByteArray>> &headers, QObject *context,
                          Callback callback, int timeoutMs)
{
    send(method, pathAndQuery, body, headers, timeoutMs > 0 ? timeoutMs : m_timeoutMs, context,
         std::move(callback));
}

void SyncdClient::get(const QString &pathAndQuery, QObject *context, Callback callback, int timeoutMs)
{
    send("GET", pathAndQuery, {}, {}, timeoutMs > 0 ? timeoutMs : m_timeoutMs, context, std::move(callback));
}

void SyncdClient::send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                       const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs,
                       QObject *context, Callback callback)
{
    QUrl url = m_baseUrl;
    const qsizetype question = pathAndQuery.indexOf(QLatin1Char('?'));
    QString basePath = url.path();
    if (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + (question < 0 ? pathAndQuery : pathAndQuery.left(question)));
    if (question >= 0)
        url.setQuery(pathAndQuery.mid(question + 1));

    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    request.setRawHeader("Authorization", m_token.authorization());
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QNetworkAccessManager *network = m_networks.at(m_next);
    m_next = (m_next + 1) % m_networks.size();
    QNetworkReply *reply = network->sendCustomRequest(request, method, body);
    QPointer<QObject> guard(context);
    const bool needsContext = context != nullptr;
    connect(reply, &QNetworkReply::finished, this, [reply, timer, guard, needsContext, callback = std::move(callback), timeoutMs] {
        reply->deleteLater();
        if (needsContext && !guard)
            return; // whoever asked is gone
        Result result;
        result.elapsedMs = timer->elapsed();
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        result.headers = reply->rawHeaderPairs();
        if (result.status == 0) {
            // A transfer timeout aborts the reply, which reports OperationCanceledError.
            result.timedOut = reply->error() == QNetworkReply::OperationCanceledError;
            result.error = result.timedOut ? QStringLiteral("no answer within %1 ms").arg(timeoutMs)
                                           : reply->errorString();
        }
        callback(result);
    });
}

} // namespace tf::gateway
