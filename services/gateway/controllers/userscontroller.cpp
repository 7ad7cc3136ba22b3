#include "userscontroller.h"

#include "auth/credentialpolicy.h"
#include "common/auditlog.h"
#include "common/databasestate.h"
#include "common/errorresponse.h"
#include "common/listquery.h"
#include "common/preconditions.h"
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
        Error::Kind::Conflict, QStringLiteral("last_admin"),
        QStringLiteral(
            "'%1' is the last enabled admin and cannot be %2; make another user admin first")
            .arg(user.username, what),
        QJsonObject { { QStringLiteral("id"), user.id } });
}

[[noreturn]] void nameTaken(const QString &username)
{
    throw Error(Error::Kind::Conflict, QStringLiteral("name_taken"),
                QStringLiteral("a user named '%1' already exists").arg(username),
                QJsonObject { { QStringLiteral("username"), username } });
}

[[noreturn]] void staleVersion(qint64 current)
{
    throw Error(Error::Kind::PreconditionFailed, QStringLiteral("precondition_failed"),
                QStringLiteral("the user changed since it was read; it is now at %1. Read it again, "
                               "reapply your change and send the new ETag")
                    .arg(QString::fromLatin1(http::etagFor(current))),
                QJsonObject { { QStringLiteral("current_etag"), QString::fromLatin1(http::etagFor(current)) } });
}

bool isEnabledAdmin(const db::UserRecord &user)
{
    return user.role == QLatin1String("admin") && !user.disabled;
}

// The editable fields of a user: what PUT replaces and PATCH merges into.
const QStringList kEditable { QStringLiteral("role"), QStringLiteral("disabled") };

QJsonObject editableOf(const db::UserRecord &user)
{
    return { { QStringLiteral("role"), user.role }, { QStringLiteral("disabled"), user.disabled } };
}

http::ApiResponse userResponse(const db::UserRecord &user, int status = 200)
{
    http::ApiResponse response = http::ApiResponse::json(user.toJson(), status);
    return http::withEtag(response, user.version);
}

} // namespace

UsersController::UsersController(AuthContext &auth)
    : m_auth(auth)
{ }

void UsersController::registerRoutes(http::Router &router)
{
    using auth::Permission;
    router.add("GET", QStringLiteral("/api/users"), Permission::UsersRead,
               [this](const http::ApiRequest &r) { return list(r); });
    router.addAsync(
        "POST", QStringLiteral("/api/users"), Permission::UsersWrite,
        [this](const http::ApiRequest &r, const http::Router::Reply &reply) { create(r, reply); });
    router.add("GET", QStringLiteral("/api/users/<id>"), Permission::UsersRead,
               [this](const http::ApiRequest &r) { return get(r); });
    router.add("PUT", QStringLiteral("/api/users/<id>"), Permission::UsersWrite,
               [this](const http::ApiRequest &r) { return replace(r); });
    router.add("PATCH", QStringLiteral("/api/users/<id>"), Permission::UsersWrite,
               [this](const http::ApiRequest &r) { return patch(r); });
    router.add("DELETE", QStringLiteral("/api/users/<id>"), Permission::UsersWrite,
               [this](const http::ApiRequest &r) { return remove(r); });
    router.addAsync("POST", QStringLiteral("/api/users/<id>/password"), Permission::UsersWrite,
                    [this](const http::ApiRequest &r, const http::Router::Reply &reply) {
                        resetPassword(r, reply);
                    });
}

http::ApiResponse UsersController::list(const http::ApiRequest &request) const
{
    const http::QueryParams params = http::QueryParams::forList(request);
    const QList<db::UserRecord> users
        = db::UserRepository(m_auth.database().database().database()).page(params.cursorId(), params.limit() + 1);
    QJsonArray items;
    for (qsizetype i = 0; i < users.size() && i < params.limit(); ++i)
        items.append(users.at(i).toJson());
    const QString next = users.size() > params.limit() ? QString::number(users.at(params.limit() - 1).id) : QString();
    return http::listResponse(request, params, items, next);
}

http::ApiResponse UsersController::get(const http::ApiRequest &request) const
{
    return userResponse(db::UserRepository(m_auth.database().database().database()).get(request.idParam()));
}

void UsersController::create(const http::ApiRequest &request, const http::Router::Reply &reply)
{
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("username"), QStringLiteral("password"), QStringLiteral("role"),
                      QStringLiteral("must_change_password") });
    const QString username = check.requiredString(QStringLiteral("username"));
    check.validate(QStringLiteral("username"), [&] { auth::validateUsername(username); });
    const QString password = check.requiredString(QStringLiteral("password"));
    check.validate(QStringLiteral("password"), [&] { auth::validatePassword(password); });
    const QString role = check.requiredRole();
    const bool mustChange = check.optionalBool(QStringLiteral("must_change_password")).value_or(true);
    check.finish();
    if (db::UserRepository(m_auth.database().database().database()).findByUsername(username))
        nameTaken(username);
    const auth::PasswordHasher hasher = m_auth.hasher();
    m_auth.offload<QString>(
        [hasher, password] { return hasher.hash(password); },
        [this, request, reply, username, role, mustChange](QString hash) {
            try {
                db::Database &database = m_auth.database().database().database();
                db::UserRepository users(database);
                if (users.findByUsername(username)) // taken while the password was hashed
                    nameTaken(username);
                const db::UserRecord user = users.create(username, hash, role, mustChange);
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
                reply(userResponse(user, 201)
                          .withHeader("Location",
                                      QByteArrayLiteral("/api/users/")
                                          + QByteArray::number(user.id)));
            } catch (const Error &error) {
                reply(http::errorResponse(error, request.requestId));
            }
        });
}

http::ApiResponse UsersController::replace(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    return apply(request, id, request.jsonBody());
}

http::ApiResponse UsersController::patch(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    const QJsonObject changes = request.jsonBody();
    const db::UserRecord current = db::UserRepository(m_auth.database().database().database()).get(id);
    http::checkIfMatch(request, current.version);
    // Members that are not editable are refused by apply() as they would be in a PUT.
    return apply(request, id, http::mergePatch(editableOf(current), changes), current.version);
}

http::ApiResponse UsersController::apply(const http::ApiRequest &request, qint64 id, const QJsonObject &body,
                                         qint64 readVersion)
{
    // PUT semantics: role is required, disabled falls back to its default (false).
    fields::BodyCheck check(body);
    check.allowOnly(kEditable);
    const QString newRole = check.requiredRole();
    const bool newDisabled = check.optionalBool(QStringLiteral("disabled")).value_or(false);
    check.finish();

    db::Database &database = m_auth.database().database().database();
    db::UserRepository users(database);
    db::Transaction transaction(database);
    transaction.lock(kUsersLock);
    const db::UserRecord before = users.get(id);
    http::checkIfMatch(request, before.version);
    if (readVersion > 0 && readVersion != before.version) // a PATCH merged into an older read
        staleVersion(before.version);
    const bool staysAdmin = newRole == QLatin1String("admin") && !newDisabled;
    if (isEnabledAdmin(before) && !staysAdmin && users.countEnabledAdmins() <= 1)
        lastAdmin(before,
                  newDisabled ? QStringLiteral("disabled") : QStringLiteral("given another role"));
    if (newRole == before.role && newDisabled == before.disabled) {
        transaction.commit();
        return userResponse(before); // nothing to change: same version, nothing audited
    }
    if (!users.compareAndUpdate(id, newRole, newDisabled, before.version))
        staleVersion(users.get(id).version);
    const db::UserRecord after = users.get(id);
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
    return userResponse(after);
}

http::ApiResponse UsersController::remove(const http::ApiRequest &request)
{
    const qint64 id = request.idParam();
    db::Database &database = m_auth.database().database().database();
    db::UserRepository users(database);
    db::Transaction transaction(database);
    transaction.lock(kUsersLock);
    const db::UserRecord user = users.get(id);
    http::checkIfMatch(request, user.version);
    if (isEnabledAdmin(user) && users.countEnabledAdmins() <= 1)
        lastAdmin(user, QStringLiteral("deleted"));
    if (!users.remove(id, user.version))
        staleVersion(users.get(id).version);
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
    fields::BodyCheck check(request.jsonBody());
    check.allowOnly({ QStringLiteral("password"), QStringLiteral("must_change_password") });
    const QString password = check.requiredString(QStringLiteral("password"));
    check.validate(QStringLiteral("password"), [&] { auth::validatePassword(password); });
    const bool mustChange = check.optionalBool(QStringLiteral("must_change_password")).value_or(true);
    check.finish();
    const db::UserRecord user
        = db::UserRepository(m_auth.database().database().database()).get(id); // 404 at once
    if (user.isDirectoryUser())
        throw Error(Error::Kind::Conflict, QStringLiteral("directory_account"),
                    QStringLiteral("'%1' signs in with the directory's password; reset it there")
                        .arg(user.username),
                    QJsonObject { { QStringLiteral("username"), user.username } });
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
