#include "authcontroller.h"

#include "auth/bearertoken.h"
#include "auth/credentialpolicy.h"
#include "auth/permissions.h"
#include "common/auditlog.h"
#include "common/databasestate.h"
#include "common/errorresponse.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"
#include "db/repositories/userrepository.h"
#include "gateway/auth/authcontext.h"
#include "gateway/auth/authlogging.h"
#include "gateway/auth/bodyfields.h"
#include "gateway/auth/signinsteps.h"

#include <QJsonArray>

namespace tf::gateway {

namespace {

struct Verification
{
    bool ok = false;
    QString newHash; // set when the stored hash should be upgraded, or for a new password
};

} // namespace

AuthController::AuthController(AuthContext &auth)
    : m_auth(auth)
{ }

void AuthController::registerRoutes(http::Router &router)
{
    // Open: a caller without a token has to be able to get one. Rate limits per address and
    // the failed-login ban still apply.
    router.addAsync(
        "POST", QStringLiteral("/api/auth/login"),
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { login(r, reply); },
        true);
    router.add("POST", QStringLiteral("/api/auth/logout"), auth::Permission::Authenticated,
               [this](const http::ApiRequest &r) { return logout(r); });
    router.add("GET", QStringLiteral("/api/auth/me"), auth::Permission::Authenticated,
               [this](const http::ApiRequest &r) { return me(r); });
    router.addAsync("POST", QStringLiteral("/api/auth/password"), auth::Permission::Authenticated,
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) {
                        changePassword(r, reply);
                    });
}

void AuthController::login(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("username"), QStringLiteral("password") });
    const QString username = check.requiredString(QStringLiteral("username"));
    const QString password = check.requiredString(QStringLiteral("password"));
    check.finish();
    const QString address = request.caller.address.toString();

    if (const auto banned = signin::banInForce(m_auth, request, username, address)) {
        reply(*banned);
        return;
    }
    std::optional<db::UserRecord> user;
    const bool plausible = signin::isPlausibleUsername(username);
    if (plausible) // junk never reaches the database
        user = db::UserRepository(m_auth.database().database().database()).findByUsername(username);
    // A local account of the same name wins over the directory (docs/admin-guide.md, section 9).
    if (m_auth.directory() && plausible && (!user || user->isDirectoryUser())) {
        loginThroughDirectory(request, reply, username, password, user);
        return;
    }
    const QString stored = user ? user->passwordHash : QString();
    const auth::PasswordHasher hasher = m_auth.hasher();

    m_auth.offload<Verification>(
        [hasher, password, stored] {
            Verification result;
            // An unknown user costs the same PBKDF2 work as a wrong password.
            result.ok
                = stored.isEmpty() ? hasher.verifyDummy(password) : hasher.verify(password, stored);
            if (result.ok && hasher.needsRehash(stored))
                result.newHash = hasher.hash(password);
            return result;
        },
        [this, request, reply, username, address, user](Verification result) {
            signin::answer(request, reply, [&] {
                // Attempts still in flight when a ban began are refused like those after it,
                // whatever their outcome, so guessing in parallel gains nothing.
                if (const auto banned = signin::banInForce(m_auth, request, username, address))
                    return *banned;
                if (!result.ok || !user || user->disabled) {
                    signin::refuse(m_auth, request, username, user,
                                   { !user ? QStringLiteral("unknown user")
                                           : (result.ok ? QStringLiteral("account disabled")
                                                        : QStringLiteral("wrong password")) });
                }
                if (!result.newHash.isEmpty())
                    db::UserRepository(m_auth.database().database().database())
                        .setPassword(user->id, result.newHash, user->mustChangePassword);
                return signin::openSession(m_auth, request, *user);
            });
        });
}

http::ApiResponse AuthController::logout(const http::ApiRequest &request)
{
    if (request.caller.credentialKind != QLatin1String("session")) {
        throw Error(
            Error::Kind::BadRequest,
            QStringLiteral(
                "logout ends a login session; revoke an API token with DELETE /api/tokens/<id>"));
    }
    db::Database &database = m_auth.database().database().database();
    db::TokenRepository(database).revoke(request.caller.tokenId);
    m_auth.authenticator().forgetAll();
    http::recordAudit(database, request,
                      { QStringLiteral("auth.logout"),
                        QStringLiteral("info"),
                        QStringLiteral("user"),
                        QString::number(request.caller.userId),
                        0,
                        QStringLiteral("'%1' logged out (session %2)")
                            .arg(request.caller.username)
                            .arg(request.caller.tokenId),
                        {},
                        {} });
    return http::ApiResponse::json(
        QJsonObject { { QStringLiteral("status"), QStringLiteral("logged_out") } });
}

http::ApiResponse AuthController::me(const http::ApiRequest &request) const
{
    const http::Caller &caller = request.caller;
    QJsonArray permissions;
    auth::Role role = auth::Role::Viewer;
    if (auth::parseRole(caller.role, &role)) {
        for (auth::Permission permission : auth::allPermissions()) {
            if (auth::roleAllows(role, permission))
                permissions.append(auth::permissionName(permission));
        }
    }
    QJsonObject me {
        { QStringLiteral("authenticated"), caller.authenticated },
        { QStringLiteral("username"), caller.username },
        { QStringLiteral("role"), caller.role },
        { QStringLiteral("credential"),
          caller.credentialKind.isEmpty() ? QStringLiteral("none") : caller.credentialKind },
        { QStringLiteral("permissions"), permissions },
        { QStringLiteral("must_change_password"), false },
    };
    if (caller.tokenId > 0) {
        db::Database &database = m_auth.database().database().database();
        const db::TokenRecord token = db::TokenRepository(database).get(caller.tokenId);
        me.insert(QStringLiteral("token_id"), token.id);
        me.insert(QStringLiteral("expires_at"),
                  token.expiresAt.isValid()
                      ? QJsonValue(token.expiresAt.toUTC().toString(Qt::ISODateWithMs))
                      : QJsonValue());
        if (caller.userId > 0) {
            me.insert(QStringLiteral("user_id"), caller.userId);
            me.insert(QStringLiteral("must_change_password"), token.mustChangePassword);
        }
    }
    return http::ApiResponse::json(me);
}

void AuthController::changePassword(const http::ApiRequest &request,
                                    const http::Router::Reply &reply)
{
    if (request.caller.userId <= 0) {
        throw Error(
            Error::Kind::BadRequest,
            QStringLiteral(
                "only a logged-in user has a password to change (this caller is an API token)"));
    }
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("current_password"), QStringLiteral("new_password") });
    const QString current = check.requiredString(QStringLiteral("current_password"));
    const QString replacement = check.requiredString(QStringLiteral("new_password"));
    check.validate(QStringLiteral("new_password"),
                   [&] { auth::validatePassword(replacement, QStringLiteral("new_password")); });
    if (!check.hasProblem(QStringLiteral("new_password")) && !check.hasProblem(QStringLiteral("current_password"))
        && replacement == current)
        check.problem(QStringLiteral("new_password"), QStringLiteral("unchanged"),
                      QStringLiteral("must differ from current_password"));
    check.finish();
    const QString address = request.caller.address.toString();
    if (const auto banned = signin::banInForce(m_auth, request, request.caller.username, address)) {
        reply(*banned);
        return;
    }
    const db::UserRecord user
        = db::UserRepository(m_auth.database().database().database()).get(request.caller.userId);
    if (user.isDirectoryUser())
        throw Error(Error::Kind::Conflict, QStringLiteral("directory_account"),
                    QStringLiteral("'%1' signs in with the directory's password; change it there")
                        .arg(user.username),
                    QJsonObject { { QStringLiteral("username"), user.username } });
    const auth::PasswordHasher hasher = m_auth.hasher();
    const QString stored = user.passwordHash;

    m_auth.offload<Verification>(
        [hasher, current, replacement, stored] {
            Verification result;
            result.ok = hasher.verify(current, stored);
            if (result.ok)
                result.newHash = hasher.hash(replacement);
            return result;
        },
        [this, request, reply, user, address](Verification result) {
            signin::answer(request, reply, [&] {
                db::Database &database = m_auth.database().database().database();
                if (!result.ok) {
                    m_auth.throttle().recordFailure(database, user.username, address);
                    http::recordAudit(
                        database, request,
                        { QStringLiteral("user.password_change_failed"),
                          QStringLiteral("warning"),
                          QStringLiteral("user"),
                          QString::number(user.id),
                          0,
                          QStringLiteral("'%1' gave a wrong current password").arg(user.username),
                          {},
                          {} });
                    throw Error(Error::Kind::Validation,
                                QStringLiteral("current_password is not right"),
                                QJsonObject { { QStringLiteral("field"),
                                                QStringLiteral("current_password") } });
                }
                db::UserRepository(database).setPassword(user.id, result.newHash, false);
                const int revoked = db::TokenRepository(database).revokeSessionsOf(
                    user.id, request.caller.tokenId);
                m_auth.authenticator().forgetAll();
                http::recordAudit(
                    database, request,
                    { QStringLiteral("user.password_changed"),
                      QStringLiteral("info"),
                      QStringLiteral("user"),
                      QString::number(user.id),
                      0,
                      QStringLiteral("'%1' changed their password; %2 other session(s) ended")
                          .arg(user.username)
                          .arg(revoked),
                      {},
                      {} });
                return http::ApiResponse::json(
                    QJsonObject { { QStringLiteral("status"), QStringLiteral("password_changed") },
                                  { QStringLiteral("revoked_sessions"), revoked } });
            });
        });
}

} // namespace tf::gateway
