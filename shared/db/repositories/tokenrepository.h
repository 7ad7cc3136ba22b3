#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace tf::db {

// A row of `api_tokens`: a login session ("session", bound to a user, with an expiry) or an
// API token for a program ("api_token", bound to a role). Only the hash of the token value is
// stored, and it is never read back out.
struct TokenRecord
{
    qint64 id = 0;
    QString name;
    QString kind; // session, api_token, service
    QString prefix; // first characters of the value, for telling tokens apart
    qint64 userId = 0; // 0 for API tokens
    QString username; // the session's user, "" for API tokens
    QString role; // a session's is its user's current role
    QString createdBy;
    QDateTime createdAt;
    QDateTime expiresAt; // invalid: never
    QDateTime lastUsedAt;
    QDateTime revokedAt;
    bool userDisabled = false;
    bool mustChangePassword = false;
    qint64 version = 1; // moves on revocation: the ETag

    bool isRevoked() const { return revokedAt.isValid(); }
    bool isExpired(const QDateTime &now) const { return expiresAt.isValid() && expiresAt <= now; }
    QJsonObject toJson() const;
};

struct NewToken
{
    QString name;
    QString kind;
    QString tokenHash;
    QString prefix;
    qint64 userId = 0;
    QString role;
    QString createdBy;
    QDateTime expiresAt;
};

class TokenRepository final
{
    Q_DISABLE_COPY_MOVE(TokenRepository)
public:
    explicit TokenRepository(const Database &database)
        : m_database(database)
    { }

    TokenRecord create(const NewToken &token);
    // The token with this hash, revoked or expired ones included (the caller decides).
    std::optional<TokenRecord> findByHash(const QString &tokenHash) const;
    TokenRecord get(qint64 id) const; // NotFound
    // An API token with this name that is neither revoked nor expired.
    std::optional<TokenRecord> findActiveApiToken(const QString &name) const;

    struct ListFilter
    {
        QString kind; // "" for every kind
        bool includeInactive = false; // revoked and expired ones too
        int limit = 200;
        qint64 beforeId = 0; // keyset paging: only ids below it (0: from the newest)
        bool excludeService = false; // leave the gateway's service token out
    };
    QList<TokenRecord> list(const ListFilter &filter) const; // newest first

    // Sets revoked_at; false when it was revoked already. NotFound for an unknown id.
    bool revoke(qint64 id);
    // Compare-and-set revoke: nullopt when the token is no longer at expectedVersion (nothing
    // changed); else as revoke(). NotFound for an unknown id.
    std::optional<bool> revokeAt(qint64 id, qint64 expectedVersion);
    // Revokes the user's sessions except one (0: all); returns how many.
    int revokeSessionsOf(qint64 userId, qint64 exceptTokenId = 0);
    void touch(qint64 id, const QDateTime &at);
    // Deletes sessions that expired or were revoked before the cutoff; returns how many.
    int purgeSessions(const QDateTime &before);

private:
    TokenRecord read(const QSqlQuery &query) const;

    const Database &m_database;
};

} // namespace tf::db
