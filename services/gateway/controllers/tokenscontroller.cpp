#include "tokenscontroller.h"

#include "auth/bearertoken.h"
#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"
#include "gateway/auth/authcontext.h"
#include "gateway/auth/bodyfields.h"

#include <QJsonArray>
#include <algorithm>

namespace tf::gateway {

namespace {

[[noreturn]] void badParameter(const QString &name, const QString &problem)
{
    throw Error(Error::Kind::BadRequest, QStringLiteral("query parameter %1 %2").arg(name, problem),
                QJsonObject { { QStringLiteral("parameter"), name } });
}

} // namespace

TokensController::TokensController(AuthContext &auth)
    : m_auth(auth)
{ }

void TokensController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/tokens"), Permission::TokensRead,
               [this](const http::ApiRequest &r) { return list(r); });
    router.add("POST", QStringLiteral("/api/tokens"), Permission::TokensWrite,
               [this](const http::ApiRequest &r) { return create(r); });
    router.add("DELETE", QStringLiteral("/api/tokens/<id>"), Permission::TokensWrite,
               [this](const http::ApiRequest &r) { return revoke(r); });
}

http::ApiResponse TokensController::list(const http::ApiRequest &request) const
{
    db::TokenRepository::ListFilter filter;
    const QString kind = request.queryValue(QStringLiteral("kind"));
    if (kind.isEmpty() || kind == QLatin1String("api_token"))
        filter.kind = QStringLiteral("api_token");
    else if (kind == QLatin1String("session"))
        filter.kind = kind;
    else if (kind != QLatin1String("all"))
        badParameter(QStringLiteral("kind"), QStringLiteral("must be api_token, session or all"));
    const QString inactive = request.queryValue(QStringLiteral("include_inactive"));
    if (!inactive.isEmpty() && inactive != QLatin1String("true")
        && inactive != QLatin1String("false"))
        badParameter(QStringLiteral("include_inactive"), QStringLiteral("must be true or false"));
    filter.includeInactive = inactive == QLatin1String("true");

    QJsonArray items;
    for (const db::TokenRecord &token :
         db::TokenRepository(m_auth.database().database().database()).list(filter)) {
        if (token.kind != QLatin1String("service"))
            items.append(token.toJson());
    }
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("items"), items },
                                                 { QStringLiteral("count"), items.size() } });
}

http::ApiResponse TokensController::create(const http::ApiRequest &request)
{
    const QJsonObject body = request.jsonBody();
    fields::rejectUnknown(
        body,
        { QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("expires_in_days") });
    const QString name = fields::requiredString(body, QStringLiteral("name")).trimmed();
    const bool control = std::any_of(name.cbegin(), name.cend(), [](QChar c) {
        return c.unicode() < 0x20 || c.unicode() == 0x7f;
    });
    if (name.isEmpty() || name.size() > 100 || control) {
        throw Error(Error::Kind::Validation,
                    QStringLiteral("name must be 1-100 characters without control characters"),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("name") } });
    }
    const QString role = fields::requiredRole(body);
    const std::optional<qint64> days
        = fields::optionalInteger(body, QStringLiteral("expires_in_days"), 1, 3650);

    const auth::IssuedToken token = auth::issueToken(auth::TokenKind::ApiToken);
    db::NewToken row;
    row.name = name;
    row.kind = auth::tokenKindName(auth::TokenKind::ApiToken);
    row.tokenHash = token.hash;
    row.prefix = token.prefix;
    row.role = role;
    row.createdBy = request.caller.username;
    if (days)
        row.expiresAt = QDateTime::currentDateTimeUtc().addDays(*days);
    db::Database &database = m_auth.database().database().database();
    const db::TokenRecord created = db::TokenRepository(database).create(row);
    http::recordAudit(database, request,
                      { QStringLiteral("token.created"),
                        QStringLiteral("info"),
                        QStringLiteral("token"),
                        QString::number(created.id),
                        0,
                        QStringLiteral("API token %1 '%2' (%3) created with role %4")
                            .arg(created.id)
                            .arg(created.name, created.prefix, created.role),
                        {},
                        created.toJson() });
    QJsonObject answer = created.toJson();
    answer.insert(QStringLiteral("token"), token.value); // the only time it is ever shown
    return http::ApiResponse::json(answer, 201)
        .withHeader("Location", QByteArrayLiteral("/api/tokens/") + QByteArray::number(created.id));
}

http::ApiResponse TokensController::revoke(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    db::Database &database = m_auth.database().database().database();
    db::TokenRepository tokens(database);
    const db::TokenRecord before = tokens.get(id);
    if (before.kind == QLatin1String("service")) {
        throw Error(
            Error::Kind::Conflict,
            QStringLiteral("token %1 is the gateway's service token; it is not managed here")
                .arg(id),
            QJsonObject { { QStringLiteral("id"), id } });
    }
    const bool changed = tokens.revoke(id);
    m_auth.authenticator().forgetAll();
    const db::TokenRecord after = tokens.get(id);
    if (changed) {
        http::recordAudit(
            database, request,
            { QStringLiteral("token.revoked"), QStringLiteral("info"), QStringLiteral("token"),
              QString::number(id), 0,
              QStringLiteral("%1 %2 '%3' (%4) revoked")
                  .arg(before.kind == QLatin1String("session") ? QStringLiteral("session")
                                                               : QStringLiteral("API token"))
                  .arg(id)
                  .arg(before.name, before.prefix),
              before.toJson(), after.toJson() });
    }
    return http::ApiResponse::json(after.toJson());
}

} // namespace tf::gateway
