#include "signinsteps.h"

#include "auth/bearertoken.h"
#include "auth/credentialpolicy.h"
#include "authcontext.h"
#include "authlogging.h"
#include "common/auditlog.h"
#include "common/databasestate.h"
#include "common/errorresponse.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"

namespace tf::gateway::signin {

bool isPlausibleUsername(const QString &username)
{
    try {
        auth::validateUsername(username);
        return true;
    } catch (const Error &) {
        return false;
    }
}

http::ApiResponse bannedResponse(const http::ApiRequest &request, const auth::LoginThrottle::Ban &ban)
{
    const qint64 seconds = qMax<qint64>(1, (ban.remainingMs + 999) / 1000);
    const Error error(Error::Kind::TooManyRequests, QStringLiteral("login_banned"),
                      QStringLiteral("too many failed logins for this %1; try again in %2 minute(s)")
                          .arg(ban.subject)
                          .arg((seconds + 59) / 60),
                      QJsonObject { { QStringLiteral("retry_after_s"), seconds },
                                    { QStringLiteral("banned"), ban.subject } });
    return http::errorResponse(error, request.requestId)
        .withHeader("Retry-After", QByteArray::number(seconds));
}

std::optional<http::ApiResponse> banInForce(AuthContext &auth, const http::ApiRequest &request,
                                            const QString &username, const QString &address)
{
    const auth::LoginThrottle::Ban ban
        = auth.throttle().banFor(auth.database().database().database(), username, address);
    if (ban.remainingMs > 0)
        return bannedResponse(request, ban);
    return std::nullopt;
}

void refuse(AuthContext &auth, const http::ApiRequest &request, const QString &username,
            const std::optional<db::UserRecord> &user, const Refusal &refusal)
{
    db::Database &database = auth.database().database().database();
    const QString address = request.caller.address.toString();
    // Only a well-formed name goes into a log line (no forged lines, no passwords typed into
    // the wrong field).
    const QString shown
        = user || isPlausibleUsername(username) ? username : QStringLiteral("<not a username>");
    if (refusal.countsAsFailure) {
        const auth::LoginThrottle::Ban started
            = auth.throttle().recordFailure(database, username, address);
        qCWarning(lcGatewayAuth).noquote() << "failed login for" << shown << "from" << address
                                           << QStringLiteral("(%1)").arg(refusal.reason);
        if (started.remainingMs > 0) {
            qCWarning(lcGatewayAuth).noquote()
                << "login banned for" << (started.remainingMs / 60000)
                << "minutes:" << started.subject
                << (started.subject == QLatin1String("address") ? address : shown);
        }
    } else {
        qCWarning(lcGatewayAuth).noquote() << "refused login for" << shown << "from" << address
                                           << QStringLiteral("(%1)").arg(refusal.reason);
    }
    http::recordAudit(database, request,
                      { QStringLiteral("auth.login_failed"),
                        QStringLiteral("warning"),
                        QStringLiteral("user"),
                        user ? QString::number(user->id) : QString(),
                        0,
                        QStringLiteral("failed login for '%1' from %2: %3")
                            .arg(shown, address, refusal.reason),
                        {},
                        QJsonObject { { QStringLiteral("username"), shown } } });
    throw refusal.answer;
}

http::ApiResponse openSession(AuthContext &auth, const http::ApiRequest &request,
                              const db::UserRecord &user, const QString &how)
{
    db::Database &database = auth.database().database().database();
    const QString address = request.caller.address.toString();
    auth.throttle().recordSuccess(database, user.username, address);
    const auth::IssuedToken token = auth::issueToken(auth::TokenKind::Session);
    db::NewToken row;
    row.name = QStringLiteral("login");
    row.kind = auth::tokenKindName(auth::TokenKind::Session);
    row.tokenHash = token.hash;
    row.prefix = token.prefix;
    row.userId = user.id;
    row.role = user.role;
    row.createdBy = user.username;
    row.expiresAt = QDateTime::currentDateTimeUtc().addSecs(
        qint64(auth.settings().sessionTtlMinutes) * 60);
    const db::TokenRecord session = db::TokenRepository(database).create(row);
    db::UserRepository(database).recordLogin(user.id);

    const QString suffix = how.isEmpty() ? QString() : QLatin1Char(' ') + how;
    http::ApiRequest actor = request;
    actor.caller.username = user.username;
    actor.caller.role = user.role;
    actor.caller.userId = user.id;
    QJsonObject after { { QStringLiteral("session_id"), session.id } };
    if (user.isDirectoryUser()) {
        after.insert(QStringLiteral("source"), user.source);
        after.insert(QStringLiteral("role"), user.role);
    }
    http::recordAudit(database, actor,
                      { QStringLiteral("auth.login"),
                        QStringLiteral("info"),
                        QStringLiteral("user"),
                        QString::number(user.id),
                        0,
                        QStringLiteral("'%1' logged in from %2%3 (session %4)")
                            .arg(user.username, address, suffix)
                            .arg(session.id),
                        {},
                        after });
    if (how.isEmpty())
        qCInfo(lcGatewayAuth).noquote()
            << "login:" << user.username << "from" << address << "session" << session.id;
    else
        qCInfo(lcGatewayAuth).noquote() << "login:" << user.username << "from" << address
                                        << "session" << session.id << how;
    return http::ApiResponse::json(QJsonObject {
        { QStringLiteral("token"), token.value },
        { QStringLiteral("token_type"), QStringLiteral("Bearer") },
        { QStringLiteral("expires_at"), session.expiresAt.toUTC().toString(Qt::ISODateWithMs) },
        { QStringLiteral("expires_in_s"), QDateTime::currentDateTimeUtc().secsTo(session.expiresAt) },
        { QStringLiteral("session_id"), session.id },
        { QStringLiteral("user_id"), user.id },
        { QStringLiteral("username"), user.username },
        { QStringLiteral("role"), user.role },
        { QStringLiteral("must_change_password"), user.mustChangePassword },
        { QStringLiteral("source"), user.source },
    });
}

} // namespace tf::gateway::signin
