#include "authenticator.h"

#include "auth/bearertoken.h"
#include "authlogging.h"
#include "common/databasestate.h"
#include "core/errors.h"
#include "db/repositories/tokenrepository.h"

Q_LOGGING_CATEGORY(lcGatewayAuth, "gateway.auth")

namespace tf::gateway {

namespace {

[[noreturn]] void refuse(const QString &message)
{
    throw Error(Error::Kind::Unauthorized, message);
}

} // namespace

Authenticator::Authenticator(const DatabaseState &database, auth::MonotonicClock clock)
    : m_database(database)
    , m_clock(std::move(clock))
{ }

void Authenticator::forgetAll()
{
    m_cache.clear();
}

http::Caller Authenticator::authenticate(const QByteArray &token, const QHostAddress &address)
{
    if (!auth::isWellFormedToken(token))
        refuse(QStringLiteral("malformed bearer token"));
    const QString hash = auth::hashToken(token);
    const qint64 nowMs = m_clock();
    const QDateTime now = QDateTime::currentDateTimeUtc();

    auto it = m_cache.find(hash);
    if (it != m_cache.end() && nowMs - it->cachedAtMs >= kCacheMs) {
        m_cache.erase(it);
        it = m_cache.end();
    }
    if (it == m_cache.end()) {
        if (m_cache.size() > 10000)
            m_cache.clear(); // bounded; it refills from the database
        Cached entry;
        entry.caller = lookUp(hash, &entry.expiresAt);
        entry.cachedAtMs = nowMs;
        it = m_cache.insert(hash, entry);
    }
    if (it->expiresAt.isValid() && it->expiresAt <= now) {
        m_cache.erase(it);
        refuse(QStringLiteral("token expired; log in again"));
    }
    http::Caller caller = it->caller;
    caller.address = address;
    touch(caller.tokenId, nowMs);
    return caller;
}

http::Caller Authenticator::lookUp(const QString &hash, QDateTime *expiresAt)
{
    db::TokenRepository tokens(m_database.database().database());
    const std::optional<db::TokenRecord> token = tokens.findByHash(hash);
    if (!token || token->kind == QLatin1String("service"))
        refuse(QStringLiteral("invalid token"));
    if (token->isRevoked())
        refuse(QStringLiteral("token revoked"));
    if (token->isExpired(QDateTime::currentDateTimeUtc()))
        refuse(QStringLiteral("token expired; log in again"));
    const bool session = token->kind == QLatin1String("session");
    if (session && (token->userId <= 0 || token->username.isEmpty()))
        refuse(QStringLiteral("invalid token")); // its user is gone
    if (session && token->userDisabled)
        refuse(QStringLiteral("account disabled"));

    http::Caller caller;
    caller.authenticated = true;
    caller.username = session ? token->username : QStringLiteral("token:") + token->name;
    caller.role = token->role;
    caller.userId = session ? token->userId : 0;
    caller.tokenId = token->id;
    caller.credentialKind = token->kind;
    caller.mustChangePassword = session && token->mustChangePassword; // API tokens have no password
    *expiresAt = token->expiresAt;
    return caller;
}

void Authenticator::touch(qint64 tokenId, qint64 nowMs)
{
    auto it = m_lastTouchMs.find(tokenId);
    if (it != m_lastTouchMs.end() && nowMs - *it < kTouchIntervalMs)
        return;
    if (m_lastTouchMs.size() > 10000)
        m_lastTouchMs.clear();
    m_lastTouchMs.insert(tokenId, nowMs);
    try {
        db::TokenRepository(m_database.database().database())
            .touch(tokenId, QDateTime::currentDateTimeUtc());
    } catch (const Error &error) {
        // Bookkeeping only: the request goes on.
        qCWarning(lcGatewayAuth).noquote()
            << "last use of token" << tokenId << "not recorded:" << error.message();
    }
}

} // namespace tf::gateway
