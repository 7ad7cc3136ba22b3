#include "userscontroller.h"

#include "auth/credentialpolicy.h"
#include "common/auditlog.h"
#include "common/databasestate.h"
#include "common/errorresponse.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"
#include "db/repositories/userrepository.h"
#include "gateway/auth/authcontext.h"
#include "gateway/auth/bodyfields.h"

#include <QJsonArray>

namespace tf::gateway {

namespace {

constexpr qint64 kUsersLock = 0x7466757365727300; // "tfusers": admin-count checks and changes

[[noreturn]] void lastAdmin(const db::UserRecord &user, const QString &what)
{
    throw Error(
        Error::Kind::Conflict,
        QStringLiteral(
            "'%1' is the last enabled admin and cannot be %2; make another user admin first")
            .arg(user.username, what),
        QJsonObject { { QStringLiteral("id"), user.id } });
}

bool isEnabledAdmin(const db::UserRecord &user)
{
    return user.role == QLatin1String("admin") && !user.disabled;
}

} // namespace

UsersController::UsersController(AuthContext &auth)
    : m_auth(auth)
{ }

void UsersController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/users"), Permission::UsersRead,
               [this](const http::ApiRequest &) { return list(); });
    router.addAsync(
        "POST", QStringLiteral("/api/users"), Permission::UsersWrite,
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { create(r, reply); });
    router.add("GET", QStringLiteral("/api/users/<id>"), Permission::UsersRead,
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/api/users/<id>"), Permission::UsersWrite,
               [this](const http::ApiRequest &r) { return update(r); });
    router.add("DELETE", QStringLiteral("/api/users/<id>"), Permission::UsersWrite,
               [this](const http::ApiRequest &r) { return remove(r); });
    router.addAsync("POST", QStringLiteral("/api/users/<id>/password"), Permission::UsersWrite,
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) {
                        resetPassword(r, reply);
                    });
}

http::ApiResponse UsersController::list() const
{
    QJsonArray items;
    for (const db::UserRecord &user :
         db::UserRepository(m_auth.database().database().database()).list())
        items.append(user.toJson());
    return http::ApiResponse::json(QJsonObject { { QStringLiteral("items"), items },
                                                 { QStringLiteral("count"), items.size() } });
}

http::ApiResponse UsersController::get(const http::ApiRequest &request) const
{
    return http::ApiResponse::json(db::UserRepository(m_auth.database().database().database())
                                       .get(request.idParam())
                                       .toJson());
}

void UsersController::create(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    const QJsonObject body = request.jsonBody();
    fields::rejectUnknown(body,
                          { QStringLiteral("username"), QStringLiteral("password"),
                            QStringLiteral("role"), QStringLiteral("must_change_password") });
    const QString username = fields::requiredString(body, QStringLiteral("username"));
    auth::validateUsername(username);
    const QString password = fields::requiredString(body, QStringLiteral("password"));
    auth::validatePassword(password);
    const QString role = fields::requiredRole(body);
    const bool mustChange
        = fields::optionalBool(body, QStringLiteral("must_change_password")).value_or(true);
    if (db::UserRepository(m_auth.database().database().database()).findByUsername(username)) {
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("a user named '%1' already exists").arg(username),
                    QJsonObject { { QStringLiteral("username"), username } });
    }
    const auth::PasswordHasher hasher = m_auth.hasher();
    m_auth.offload<QString>(
        [hasher, password] { return hasher.hash(password); },
        [this, request, reply, username, role, mustChange](QString hash) {
            try {
                db::Database &database = m_auth.database().database().database();
                const db::UserRecord user
                    = db::UserRepository(database).create(username, hash, role, mustChange);
                http::recordAudit(database, request,
                                  { QStringLiteral("user.created"),
                                    QStringLiteral("info"),
                                    QStringLiteral("user"),
                                    QString::number(user.id),
                                    0,
                                    QStringLiteral("user %1 '%2' created with role %3")
                                        .arg(user.id)
                                        .arg(user.username, user.role),
                                    {},
                                    user.toJson() });
                reply(http::ApiResponse::json(user.toJson(), 201)
                          .withHeader("Location",
                                      QByteArrayLiteral("/api/users/")
                                          + QByteArray::number(user.id)));
            } catch (const Error &error) {
                reply(http::errorResponse(error, request.requestId));
            }
        });
}

http::ApiResponse UsersController::update(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    fields::rejectUnknown(body, { QStringLiteral("role"), QStringLiteral("disabled") });
    const std::optional<QString> role = body.contains(QStringLiteral("role"))
        ? std::optional<QString>(fields::requiredRole(body))
        : std::nullopt;
    const std::optional<bool> disabled = fields::optionalBool(body, QStringLiteral("disabled"));
    if (!role && !disabled) {
        throw Error(Error::Kind::Validation, QStringLiteral("give role and/or disabled"),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("role") } });
    }

    db::Database &database = m_auth.database().database().database();
    db::UserRepository users(database);
    db::Transaction transaction(database);
    transaction.lock(kUsersLock);
    const db::UserRecord before = users.get(id);
    const QString newRole = role.value_or(before.role);
    const bool newDisabled = disabled.value_or(before.disabled);
    const bool staysAdmin = newRole == QLatin1String("admin") && !newDisabled;
    if (isEnabledAdmin(before) && !staysAdmin && users.countEnabledAdmins() <= 1)
        lastAdmin(before,
                  newDisabled ? QStringLiteral("disabled") : QStringLiteral("given another role"));
    const db::UserRecord after = users.update(id, newRole, newDisabled);
    int revoked = 0;
    if (after.disabled && !before.disabled)
        revoked = db::TokenRepository(database).revokeSessionsOf(id);
    transaction.commit();
    m_auth.authenticator().forgetAll();

    QString event = QStringLiteral("user.updated");
    if (after.disabled != before.disabled)
        event = after.disabled ? QStringLiteral("user.disabled") : QStringLiteral("user.enabled");
    http::recordAudit(
        database, request,
        { event, QStringLiteral("info"), QStringLiteral("user"), QString::number(id), 0,
          QStringLiteral("user %1 '%2': role %3, %4%5")
              .arg(id)
              .arg(after.username, after.role,
                   after.disabled ? QStringLiteral("disabled") : QStringLiteral("enabled"),
                   revoked > 0 ? QStringLiteral("; %1 session(s) ended").arg(revoked) : QString()),
          before.toJson(), after.toJson() });
    return http::ApiResponse::json(after.toJson());
}

http::ApiResponse UsersController::remove(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    db::Database &database = m_auth.database().database().database();
    db::UserRepository users(database);
    db::Transaction transaction(database);
    transaction.lock(kUsersLock);
    const db::UserRecord user = users.get(id);
    if (isEnabledAdmin(user) && users.countEnabledAdmins() <= 1)
        lastAdmin(user, QStringLiteral("deleted"));
    users.remove(id);
    transaction.commit();
    m_auth.authenticator().forgetAll();
    http::recordAudit(database, request,
                      { QStringLiteral("user.deleted"),
                        QStringLiteral("info"),
                        QStringLiteral("user"),
                        QString::number(id),
                        0,
                        QStringLiteral("user %1 '%2' deleted").arg(id).arg(user.username),
                        user.toJson(),
                        {} });
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("deleted"), true } });
}

void UsersController::resetPassword(const http::ApiRequest &request,
                                    const http::Router::Reply &reply)
{
    const qint64 id = request.idParam();
    const QJsonObject body = request.jsonBody();
    fields::rejectUnknown(body,
                          { QStringLiteral("password"), QStringLiteral("must_change_password") });
    const QString password = fields::requiredString(body, QStringLiteral("password"));
    auth::validatePassword(password);
    const bool mustChange
        = fields::optionalBool(body, QStringLiteral("must_change_password")).value_or(true);
    const db::UserRecord user
        = db::UserRepository(m_auth.database().database().database()).get(id); // 404 at once
    const auth::PasswordHasher hasher = m_auth.hasher();
    m_auth.offload<QString>(
        [hasher, password] { return hasher.hash(password); },
        [this, request, reply, user, mustChange](QString hash) {
            try {
                db::Database &database = m_auth.database().database().database();
                db::UserRepository(database).setPassword(user.id, hash, mustChange);
                // An admin resetting their own password keeps the session they did it from.
                const qint64 keep = request.caller.userId == user.id ? request.caller.tokenId : 0;
                const int revoked = db::TokenRepository(database).revokeSessionsOf(user.id, keep);
                m_auth.authenticator().forgetAll();
                http::recordAudit(
                    database, request,
                    { QStringLiteral("user.password_reset"),
                      QStringLiteral("info"),
                      QStringLiteral("user"),
                      QString::number(user.id),
                      0,
                      QStringLiteral("password of user %1 '%2' reset by %3; %4 session(s) ended")
                          .arg(user.id)
                          .arg(user.username, request.caller.username)
                          .arg(revoked),
                      {},
                      QJsonObject { { QStringLiteral("must_change_password"), mustChange } } });
                reply(http::ApiResponse::json(
                    QJsonObject { { QStringLiteral("id"), user.id },
                                  { QStringLiteral("status"), QStringLiteral("password_reset") },
                                  { QStringLiteral("must_change_password"), mustChange },
                                  { QStringLiteral("revoked_sessions"), revoked } }));
            } catch (const Error &error) {
                reply(http::errorResponse(error, request.requestId));
            }
        });
}

} // namespace tf::gateway
