#include "webhooknotifier.h"

#include "core/jsonutil.h"
#include "core/redact.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcWebhook, "monitoring.webhook")

namespace tf::syncd {

WebhookNotifier::WebhookNotifier(const QUrl &url, int timeoutMs, QString nodeId, QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_timeoutMs(timeoutMs)
    , m_nodeId(std::move(nodeId))
{
}

WebhookNotifier::~WebhookNotifier() = default;

QString WebhookNotifier::displayUrl(const QUrl &url)
{
    QUrl shown = url;
    shown.setQuery(QString());
    shown.setFragment(QString());
    return redactUrl(shown.toString());
}

void WebhookNotifier::send(const QString &event, const db::AlertRecord &alert)
{
    const QJsonObject payload { { QStringLiteral("event"), event },
                                { QStringLiteral("service"), QStringLiteral("tf-syncd") },
                                { QStringLiteral("node"), m_nodeId },
                                { QStringLiteral("alert"), alert.toJson() } };
    const QByteArray body = json::compact(payload);
    QMetaObject::invokeMethod(this, [this, body] { post(body); }, Qt::QueuedConnection);
}

void WebhookNotifier::post(const QByteArray &body)
{
    if (!m_network) {
        m_network = new QNetworkAccessManager(this);
        m_network->setProxy(QNetworkProxy::NoProxy);
    }
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("tf-syncd alerts"));
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            Q_EMIT delivered(status);
            return;
        }
        const QString reason = reply->error() == QNetworkReply::OperationCanceledError
            ? QStringLiteral("no answer within %1 ms").arg(m_timeoutMs)
            : status > 0 ? QStringLiteral("HTTP %1").arg(status)
                         : redactSecrets(reply->errorString().replace(m_url.toString(), displayUrl(m_url)));
        qCWarning(lcWebhook).noquote() << "alert webhook" << displayUrl(m_url) << "failed:" << reason;
        Q_EMIT failed(reason);
    });
}

} // namespace tf::syncd
