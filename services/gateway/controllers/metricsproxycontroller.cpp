#include "metricsproxycontroller.h"

#include "common/errorresponse.h"
#include "gateway/syncdclient.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcGatewayProxy, "gateway.proxy")

namespace tf::gateway {

MetricsProxyController::MetricsProxyController(SyncdClient &syncd)
    : m_syncd(syncd)
{
}

void MetricsProxyController::registerRoutes(http::Router &router)
{
    router.addAsync("GET", QStringLiteral("/api/metrics"), auth::Permission::MetricsRead,
                    [this](const http::ApiRequest &request, const http::Router::Reply &reply) { metrics(request, reply); });
}

void MetricsProxyController::metrics(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    const QString query = request.query.toString(QUrl::FullyEncoded);
    request.queryChecked = true; // tf-syncd refuses the parameters it does not know
    QList<QPair<QByteArray, QByteArray>> headers { { "X-Request-Id", request.requestId.toLatin1() } };
    if (!request.header("accept").isEmpty())
        headers.append({ "Accept", request.header("accept") });
    const QString requestId = request.requestId;
    m_syncd.request("GET", QStringLiteral("/metrics") + (query.isEmpty() ? QString() : QLatin1Char('?') + query), {},
                    headers, nullptr, [reply, requestId](const SyncdClient::Result &result) {
        if (result.status == 0 || result.status >= 500) {
            const QString reason = result.status == 0 ? result.error : QStringLiteral("HTTP %1").arg(result.status);
            qCWarning(lcGatewayProxy).noquote() << "Failed to get metrics from SyncService:" << reason;
            reply(http::errorResponse(Error(Error::Kind::Unavailable,
                                            QStringLiteral("Failed to get metrics from SyncService: %1").arg(reason),
                                            QJsonObject { { QStringLiteral("upstream"), QStringLiteral("tf-syncd") } }),
                                      requestId));
            return;
        }
        // 4xx answers (a bad format parameter) pass through as they are.
        reply(http::ApiResponse::raw(result.body,
                                     result.contentType.isEmpty() ? QByteArrayLiteral("application/json") : result.contentType,
                                     result.status));
    });
}

} // namespace tf::gateway
