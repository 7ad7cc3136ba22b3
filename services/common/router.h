#pragma once

#include "apirequest.h"
#include "apiresponse.h"
#include "auth/permissions.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace tf::http {

// The routing table. Patterns are paths whose segments are literals or "<name>" (one
// segment, exposed as ApiRequest::pathParams["name"]); a final "<*name>" takes the rest of
// the path. Dispatch distinguishes an unknown path (404) from a known path with another
// method (405, with an Allow list).
class Router
{
public:
    using Reply = std::function<void(ApiResponse)>;
    using Handler = std::function<ApiResponse(const ApiRequest &)>;
    using AsyncHandler = std::function<void(const ApiRequest &, Reply)>;

    struct RouteInfo
    {
        QByteArray method;
        QString pattern;
        bool open = false; // reachable without credentials (health probes)
        // What the caller needs (gateway); ignored when open.
        auth::Permission permission = auth::Permission::Authenticated;
    };

    void add(const QByteArray &method, const QString &pattern, Handler handler, bool open = false);
    void addAsync(const QByteArray &method, const QString &pattern, AsyncHandler handler,
                  bool open = false);
    // A route that needs a permission (the gateway's routes).
    void add(const QByteArray &method, const QString &pattern, auth::Permission permission, Handler handler);
    void addAsync(const QByteArray &method, const QString &pattern, auth::Permission permission,
                  AsyncHandler handler);

    struct Match
    {
        const AsyncHandler *handler = nullptr;
        RouteInfo info;
        QHash<QString, QString> params;
    };
    // Throws tf::Error(NotFound) or tf::Error(MethodNotAllowed, details.allow).
    Match match(const QByteArray &method, const QString &path) const;

    QList<RouteInfo> routes() const;

private:
    struct Route
    {
        RouteInfo info;
        QStringList segments;
        AsyncHandler handler;
    };
    static bool matches(const Route &route, const QStringList &segments, QHash<QString, QString> *params);

    QList<Route> m_routes;
};

} // namespace tf::http
