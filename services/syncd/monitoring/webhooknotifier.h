#pragma once

#include "db/repositories/alertrepository.h"

#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace tf::syncd {

// POSTs alerts as JSON to [alerts] webhook_url: {"event": "alert.raised", "service",
// "node", "alert": {...}}. No proxy, a timeout per request; a failure is logged (with the
// URL's secrets removed) and never stops anything. send() may be called from any thread: the
// request is made on the thread this object lives on.
class WebhookNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookNotifier)
public:
    WebhookNotifier(const QUrl &url, int timeoutMs, QString nodeId, QObject *parent = nullptr);
    ~WebhookNotifier() override;

    void send(const QString &event, const db::AlertRecord &alert);
    // The URL as it may appear in a log line: no credentials, no query.
    static QString displayUrl(const QUrl &url);

Q_SIGNALS:
    void delivered(int httpStatus);
    void failed(const QString &reason);

private:
    void post(const QByteArray &body);

    const QUrl m_url;
    const int m_timeoutMs;
    const QString m_nodeId;
    QNetworkAccessManager *m_network = nullptr; // created on first use, on this object's thread
};

} // namespace tf::syncd
