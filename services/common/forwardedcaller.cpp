#include "forwardedcaller.h"

#include "auth/permissions.h"
#include "core/errors.h"

#include <QUrl>

namespace tf::http {

namespace {

QByteArray encoded(const QString &value, int maxChars)
{
    return QUrl::toPercentEncoding(value.left(maxChars));
}

QString decoded(const QByteArray &value, int maxChars)
{
    return QUrl::fromPercentEncoding(value).left(maxChars);
}

} // namespace

QList<QPair<QByteArray, QByteArray>> forwardedCallerHeaders(const ApiRequest &request,
                                                            const ServiceToken &token)
{
    QList<QPair<QByteArray, QByteArray>> headers {
        { QByteArrayLiteral("Authorization"), token.authorization() },
        { QByteArrayLiteral("X-Request-Id"), request.requestId.toLatin1() },
    };
    const Caller &caller = request.caller;
    if (!caller.username.isEmpty())
        headers.append({ QByteArrayLiteral("X-TF-Actor"), encoded(caller.username, 200) });
    if (!caller.role.isEmpty())
        headers.append({ QByteArrayLiteral("X-TF-Actor-Role"), encoded(caller.role, 32) });
    const QHostAddress address = caller.address.isNull() ? request.remoteAddress : caller.address;
    if (!address.isNull())
        headers.append(
            { QByteArrayLiteral("X-TF-Client-Address"), encoded(address.toString(), 64) });
    const QByteArray userAgent = request.header("user-agent");
    if (!userAgent.isEmpty())
        headers.append(
            { QByteArrayLiteral("X-TF-User-Agent"), encoded(QString::fromUtf8(userAgent), 512) });
    return headers;
}

ApiServer::RequestFilter serviceTokenFilter(ServiceToken token)
{
    return [token = std::move(token)](ApiRequest &request, const Router::RouteInfo &route) {
        if (route.open)
            return;
        const QByteArray authorization = request.header("authorization");
        if (!token.matches(authorization)) {
            throw Error(Error::Kind::Unauthorized,
                        authorization.isEmpty() ? QStringLiteral(
                            "tf-syncd answers only the gateway: the service token is required "
                            "(Authorization: Bearer <service token>)")
                                                : QStringLiteral("the service token is not valid"));
        }
        Caller &caller = request.caller;
        caller.authenticated = true;
        caller.credentialKind = QStringLiteral("service");
        caller.tokenId = 0;
        caller.userId = 0;
        const QString actor = decoded(request.header("x-tf-actor"), 200);
        caller.username = actor.isEmpty() ? QStringLiteral("service") : actor;
        auth::Role role;
        const QString roleText = decoded(request.header("x-tf-actor-role"), 32);
        caller.role = !actor.isEmpty() && auth::parseRole(roleText, &role)
            ? roleText
            : QStringLiteral("service");
        const QHostAddress address(decoded(request.header("x-tf-client-address"), 64));
        if (!address.isNull())
            caller.address = address;
        const QString userAgent = decoded(request.header("x-tf-user-agent"), 512);
        if (!userAgent.isEmpty())
            request.headers.insert(QByteArrayLiteral("user-agent"), userAgent.toUtf8());
    };
}

} // namespace tf::http
