#include "router.h"

#include "core/errors.h"

#include <QJsonArray>

namespace tf::http {

namespace {

QStringList splitPath(const QString &path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

} // namespace

void Router::add(const QByteArray &method, const QString &pattern, Handler handler, bool open)
{
    addAsync(method, pattern,
             [handler = std::move(handler)](const ApiRequest &request, const Reply &reply) {
                 reply(handler(request));
             },
             open);
}

void Router::addAsync(const QByteArray &method, const QString &pattern, AsyncHandler handler,
                      bool open)
{
    m_routes.append(Route { RouteInfo { method, pattern, open }, splitPath(pattern), std::move(handler) });
}

void Router::add(const QByteArray &method, const QString &pattern, auth::Permission permission, Handler handler)
{
    addAsync(method, pattern, permission,
             [handler = std::move(handler)](const ApiRequest &request, const Reply &reply) {
                 reply(handler(request));
             });
}

void Router::addAsync(const QByteArray &method, const QString &pattern, auth::Permission permission,
                      AsyncHandler handler)
{
    m_routes.append(Route { RouteInfo { method, pattern, false, permission }, splitPath(pattern), std::move(handler) });
}

bool Router::matches(const Route &route, const QStringList &segments, QHash<QString, QString> *params)
{
    const QStringList &pattern = route.segments;
    params->clear();
    for (int i = 0; i < pattern.size(); ++i) {
        const QString &part = pattern.at(i);
        if (part.startsWith(QLatin1String("<*")) && part.endsWith(QLatin1Char('>'))) {
            params->insert(part.mid(2, part.size() - 3), segments.mid(i).join(QLatin1Char('/')));
            return true;
        }
        if (i >= segments.size())
            return false;
        if (part.startsWith(QLatin1Char('<')) && part.endsWith(QLatin1Char('>')))
            params->insert(part.mid(1, part.size() - 2), segments.at(i));
        else if (part != segments.at(i))
            return false;
    }
    return pattern.size() == segments.size();
}

Router::Match Router::match(const QByteArray &method, const QString &path) const
{
    const QStringList segments = splitPath(path);
    QStringList allowed;
    QHash<QString, QString> params;
    for (const Route &route : m_routes) {
        if (!matches(route, segments, &params))
            continue;
        const bool sameMethod = route.info.method == method
            || (method == "HEAD" && route.info.method == "GET");
        if (sameMethod)
            return Match { &route.handler, route.info, params };
        allowed << QString::fromLatin1(route.info.method);
    }
    if (!allowed.isEmpty()) {
        allowed.removeDuplicates();
        throw Error(Error::Kind::MethodNotAllowed,
                    QStringLiteral("method %1 is not allowed on %2; allowed: %3")
                        .arg(QString::fromLatin1(method), path, allowed.join(QStringLiteral(", "))),
                    QJsonObject { { QStringLiteral("allow"), QJsonArray::fromStringList(allowed) } });
    }
    throw Error(Error::Kind::NotFound, QStringLiteral("no such route: %1 %2").arg(QString::fromLatin1(method), path.left(200)));
}

QList<Router::RouteInfo> Router::routes() const
{
    QList<RouteInfo> infos;
    for (const Route &route : m_routes)
        infos << route.info;
    return infos;
}

} // namespace tf::http
