#include "tokenscontroller.h"

#include "auth/bearertoken.h"
#include "common/auditlog.h"
#include "common/databasestate.h"
#include "common/listquery.h"
#include "common/preconditions.h"
#include "db/repositories/rowhelpers.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"
#include "gateway/auth/authcontext.h"
#include "gateway/auth/bodyfields.h"

#include <QJsonArray>
#include <algorithm>

namespace tf::gateway {

namespace {

http::ApiResponse tokenResponse(const db::TokenRecord &token, int status = 200)
{
    http::ApiResponse response = http::ApiResponse::json(token.toJson(), status);
    return http::withEtag(response, token.version);
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
    router.add("GET", QStringLiteral("/api/tokens/<id>"), Permission::TokensRead,
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("DELETE", QStringLiteral("/api/tokens/<id>"), Permission::TokensWrite,
               [this](const http::ApiRequest &r) { return revoke(r); });
}

http::ApiResponse TokensController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params
        = http::QueryParams::forList(request, { QStringLiteral("kind"), QStringLiteral("include_inactive") });
    db::TokenRepository::ListFilter filter;
    const QString kind = params.choice(QStringLiteral("kind"),
                                       { QStringLiteral("api_token"), QStringLiteral("session"), QStringLiteral("all") });
    filter.kind = kind.isEmpty() ? QStringLiteral("api_token") : kind == QLatin1String("all") ? QString() : kind;
    filter.excludeService = true;
    filter.includeInactive = params.boolean(QStringLiteral("include_inactive")).value_or(false);
    filter.beforeId = params.cursorId();
    filter.limit = params.limit() + 1;

    const QList<db::TokenRecord> tokens = db::TokenRepository(m_auth.database().database().database()).list(filter);
    QJsonArray items;
    for (qsizetype i = 0; i < tokens.size() && i < params.limit(); ++i)
        items.append(tokens.at(i).toJson());
    const QString next = tokens.size() > params.limit() ? QString::number(tokens.at(params.limit() - 1).id) : QString();
    return http::listResponse(request, params, items, next);
}

http::ApiResponse TokensController::get(const http::ApiRequest &request) const
{
    const qint64 id = request.idParam();
    const db::TokenRecord token = db::TokenRepository(m_auth.database().database().database()).get(id);
    if (token.kind == QLatin1String("service"))
        db::rows::notFound("token", id);
    return tokenResponse(token);
}

http::ApiResponse TokensController::create(const http::ApiRequest &request)
{
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("name"), QStringLiteral("role"), QStringLiteral("expires_in_days") });
    const QString name = check.requiredString(QStringLiteral("name")).trimmed();
    const bool control = std::any_of(name.cbegin(), name.cend(), [](QChar c) {
        return c.unicode() < 0x20 || c.unicode() == 0x7f;
    });
    if (!check.hasProblem(QStringLiteral("name")) && (name.isEmpty() || name.size() > 100 || control))
        check.problem(QStringLiteral("name"), QStringLiteral("invalid"),
                      QStringLiteral("must be 1-100 characters without control characters"));
    const QString role = check.requiredRole();
    const std::optional<qint64> days = check.optionalInteger(QStringLiteral("expires_in_days"), 1, 3650);
    check.finish();
    db::Database &database = m_auth.database().database().database();
    if (db::TokenRepository(database).findActiveApiToken(name)) {
        throw Error(Error::Kind::Conflict, QStringLiteral("name_taken"),
                    QStringLiteral("an active API token named '%1' exists; revoke it or choose another name").arg(name),
                    QJsonObject { { QStringLiteral("name"), name } });
    }

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
    http::ApiResponse response = http::ApiResponse::json(answer, 201);
    return http::withEtag(response, created.version)
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
            Error::Kind::Conflict, QStringLiteral("conflict"),
            QStringLiteral("token %1 is the gateway's service token; it is not managed here")
                .arg(id),
            QJsonObject { { QStringLiteral("id"), id } });
    }
    http::checkIfMatch(request, before.version);
    // Compare-and-set on the version read: a change in between is a 412 when If-Match was
    // sent; without it the revoke goes ahead.
    std::optional<bool> revoked = tokens.revokeAt(id, before.version);
    if (!revoked) {
        http::checkIfMatch(request, tokens.get(id).version);
        revoked = tokens.revoke(id);
    }
    const bool changed = *revoked;
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
    return tokenResponse(after);
}

} // namespace tf::gateway
