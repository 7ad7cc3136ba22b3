#include "tokenrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kSelect = QStringLiteral(
    "SELECT t.id, t.name, t.kind, t.prefix, t.user_id, u.username, COALESCE(u.role, t.role), "
    "t.created_by, "
    "t.created_at, t.expires_at, t.last_used_at, t.revoked_at, u.disabled, u.must_change_password, "
    "t.version "
    "FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id ");
} // namespace

QJsonObject TokenRecord::toJson() const
{
    QJsonObject json { { QStringLiteral("id"), id },
                       { QStringLiteral("name"), name },
                       { QStringLiteral("kind"), kind },
                       { QStringLiteral("prefix"), prefix },
                       { QStringLiteral("role"), role },
                       { QStringLiteral("created_by"),
                         createdBy.isEmpty() ? QJsonValue() : QJsonValue(createdBy) },
                       { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
                       { QStringLiteral("expires_at"), rows::isoOrNull(expiresAt) },
                       { QStringLiteral("last_used_at"), rows::isoOrNull(lastUsedAt) },
                       { QStringLiteral("revoked_at"), rows::isoOrNull(revokedAt) },
                       { QStringLiteral("active"),
                         !isRevoked() && !isExpired(QDateTime::currentDateTimeUtc()) },
                       { QStringLiteral("version"), version } };
    if (userId > 0) {
        json.insert(QStringLiteral("user_id"), userId);
        json.insert(QStringLiteral("username"), username);
    }
    return json;
}

TokenRecord TokenRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    TokenRecord record;
    record.id = query.value(0).toLongLong();
    record.name = query.value(1).toString();
    record.kind = query.value(2).toString();
    record.prefix = query.value(3).toString();
    record.userId = query.value(4).isNull() ? 0 : query.value(4).toLongLong();
    record.username = query.value(5).toString();
    record.role = query.value(6).toString();
    record.createdBy = query.value(7).toString();
    record.createdAt = dialect.fromDb(query.value(8));
    record.expiresAt = dialect.fromDb(query.value(9));
    record.lastUsedAt = dialect.fromDb(query.value(10));
    record.revokedAt = dialect.fromDb(query.value(11));
    record.userDisabled = query.value(12).toBool();
    record.mustChangePassword = query.value(13).toBool();
    record.version = query.value(14).toLongLong();
    return record;
}

TokenRecord TokenRepository::create(const NewToken &token)
{
    const Dialect &dialect = m_database.dialect();
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO api_tokens (name, kind, token_hash, prefix, user_id, role, "
                       "created_by, created_at, expires_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    query.addBindValue(token.name);
    query.addBindValue(token.kind);
    query.addBindValue(token.tokenHash);
    query.addBindValue(token.prefix);
    query.addBindValue(token.userId > 0 ? QVariant(token.userId)
                                        : Dialect::nullOf(QMetaType::LongLong));
    query.addBindValue(token.role);
    query.addBindValue(rows::textOrNull(token.createdBy));
    query.addBindValue(dialect.toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(dialect.toDb(token.expiresAt));
    m_database.exec(query, "storing a token");
    return get(rows::returnedId(m_database, query));
}

std::optional<TokenRecord> TokenRepository::findByHash(const QString &tokenHash) const
{
    QSqlQuery query = m_database.prepare(kSelect + QStringLiteral("WHERE t.token_hash = ?"));
    query.addBindValue(tokenHash);
    m_database.exec(query, "looking up a token");
    if (!query.next())
        return std::nullopt;
    return read(query);
}

TokenRecord TokenRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(kSelect + QStringLiteral("WHERE t.id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading a token");
    if (!query.next())
        rows::notFound("token", id);
    return read(query);
}

std::optional<TokenRecord> TokenRepository::findActiveApiToken(const QString &name) const
{
    QSqlQuery query = m_database.prepare(kSelect + QStringLiteral(
        "WHERE t.kind = 'api_token' AND t.name = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)"));
    query.addBindValue(name);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    m_database.exec(query, "looking up a token by name");
    if (!query.next())
        return std::nullopt;
    return read(query);
}

QList<TokenRecord> TokenRepository::list(const ListFilter &filter) const
{
    QString sql = kSelect + QStringLiteral("WHERE 1 = 1");
    if (!filter.kind.isEmpty())
        sql += QStringLiteral(" AND t.kind = ?");
    if (filter.excludeService)
        sql += QStringLiteral(" AND t.kind <> 'service'");
    if (filter.beforeId > 0)
        sql += QStringLiteral(" AND t.id < ?");
    if (!filter.includeInactive)
        sql += QStringLiteral(
            " AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)");
    sql += QStringLiteral(" ORDER BY t.id DESC LIMIT ?");
    QSqlQuery query = m_database.prepare(sql);
    if (!filter.kind.isEmpty())
        query.addBindValue(filter.kind);
    if (filter.beforeId > 0)
        query.addBindValue(filter.beforeId);
    if (!filter.includeInactive)
        query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(filter.limit);
    m_database.exec(query, "listing tokens");
    QList<TokenRecord> tokens;
    while (query.next())
        tokens.append(read(query));
    return tokens;
}

bool TokenRepository::revoke(qint64 id)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE api_tokens SET revoked_at = ?, version = version + 1 WHERE id = ? AND revoked_at IS NULL"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "revoking a token");
    if (query.numRowsAffected() > 0)
        return true;
    get(id); // NotFound when there is no such token
    return false;
}

std::optional<bool> TokenRepository::revokeAt(qint64 id, qint64 expectedVersion)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE api_tokens SET revoked_at = ?, version = version + 1 WHERE id = ? AND version = ? AND revoked_at IS NULL"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    query.addBindValue(expectedVersion);
    m_database.exec(query, "revoking a token");
    if (query.numRowsAffected() > 0)
        return true;
    const TokenRecord current = get(id); // NotFound when there is no such token
    if (current.version != expectedVersion)
        return std::nullopt;
    return false; // at that version and revoked already
}

int TokenRepository::revokeSessionsOf(qint64 userId, qint64 exceptTokenId)
{
    QSqlQuery query = m_database.prepare(QStringLiteral(
        "UPDATE api_tokens SET revoked_at = ?, version = version + 1 "
        "WHERE user_id = ? AND kind = 'session' AND revoked_at IS NULL AND id <> ?"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(userId);
    query.addBindValue(exceptTokenId);
    m_database.exec(query, "revoking sessions");
    return query.numRowsAffected();
}

void TokenRepository::touch(qint64 id, const QDateTime &at)
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"));
    query.addBindValue(m_database.dialect().toDb(at));
    query.addBindValue(id);
    m_database.exec(query, "recording token use");
}

int TokenRepository::purgeSessions(const QDateTime &before)
{
    const QVariant cutoff = m_database.dialect().toDb(before);
    QSqlQuery query
        = m_database.prepare(QStringLiteral("DELETE FROM api_tokens WHERE kind = 'session' "
                                            "AND ((expires_at IS NOT NULL AND expires_at < ?) OR "
                                            "(revoked_at IS NOT NULL AND revoked_at < ?))"));
    query.addBindValue(cutoff);
    query.addBindValue(cutoff);
    m_database.exec(query, "purging old sessions");
    return query.numRowsAffected();
}

} // namespace tf::db
