#pragma once

#include "httplimits.h"
#include "requeststats.h"
#include "router.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QSslConfiguration>

#include <functional>
#include <optional>

namespace tf::http {

class ConnectionGuard;

// The only class that touches QHttpServer types (Qt 6.4's QAbstractHttpServer API). It turns
// each request into an ApiRequest, dispatches it through the Router, maps any tf::Error to the
// JSON error body in one place, and writes the answer with X-Request-Id and security headers.
class ApiServer final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    using RequestFilter = std::function<void(ApiRequest &, const Router::RouteInfo &)>;
    using ResponseDecorator = std::function<void(const ApiRequest &, ApiResponse &)>;
    // Answers a request before routing when it returns a response (CORS preflight: OPTIONS
    // would otherwise be 405 for every route).
    using PreRouteHandler = std::function<std::optional<ApiResponse>(const ApiRequest &)>;

    // stats outlives the server: controllers (such as /metrics) read it too.
    ApiServer(QString serviceName, Router router, HttpLimits limits, RequestStats &stats,
              QObject *parent = nullptr);

    // Throws tf::Error(Unavailable) naming the address when the port cannot be bound.
    quint16 listen(const QHostAddress &address, quint16 port);
    // Serve HTTPS with this configuration (call before listen()); answers then carry HSTS.
    void setTlsConfiguration(const QSslConfiguration &configuration);
    bool tlsEnabled() const { return m_tls.has_value(); }
    quint16 port() const { return m_port; }

    // Runs before every handler (authentication, rate limits); throws tf::Error to refuse.
    void setRequestFilter(RequestFilter filter) { m_filter = std::move(filter); }
    // Runs on every answer (CORS headers and the like).
    void setResponseDecorator(ResponseDecorator decorator) { m_decorator = std::move(decorator); }
    void setPreRouteHandler(PreRouteHandler handler) { m_preRoute = std::move(handler); }
    // A versioned alias: a path under `alias` (e.g. "/api/v1") is routed as if it were under
    // `prefix` ("/api"). The unversioned paths stay what operators and scripts know.
    void addPathAlias(const QString &alias, const QString &prefix) { m_aliases.append({ alias, prefix }); }

    RequestStats &stats() { return m_stats; }
    const Router &router() const { return m_router; }
    ConnectionGuard *connectionGuard() const { return m_guard; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    QString m_serviceName;
    Router m_router;
    HttpLimits m_limits;
    RequestStats &m_stats;
    RequestFilter m_filter;
    ResponseDecorator m_decorator;
    PreRouteHandler m_preRoute;
    QList<QPair<QString, QString>> m_aliases;
    std::optional<QSslConfiguration> m_tls;
    ConnectionGuard *m_guard = nullptr;
    quint16 m_port = 0;
};

} // namespace tf::http
