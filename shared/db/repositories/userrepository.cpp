#include "userrepository.h"

#include "rowhelpers.h"

namespace tf::db {

namespace {
const QString kColumns
    = QStringLiteral("id, username, password_hash, role, disabled, must_change_password, "
                     "created_at, updated_at, last_login_at, version, source");
} // namespace

QJsonObject UserRecord::toJson() const
{
    return { { QStringLiteral("id"), id },
             { QStringLiteral("username"), username },
             { QStringLiteral("role"), role },
             { QStringLiteral("disabled"), disabled },
             { QStringLiteral("must_change_password"), mustChangePassword },
             { QStringLiteral("created_at"), rows::isoOrNull(createdAt) },
             { QStringLiteral("updated_at"), rows::isoOrNull(updatedAt) },
             { QStringLiteral("last_login_at"), rows::isoOrNull(lastLoginAt) },
             { QStringLiteral("version"), version },
             { QStringLiteral("source"), source } };
}

UserRecord UserRepository::read(const QSqlQuery &query) const
{
    const Dialect &dialect = m_database.dialect();
    UserRecord record;
    record.id = query.value(0).toLongLong();
    record.username = query.value(1).toString();
    record.passwordHash = query.value(2).toString();
    record.role = query.value(3).toString();
    record.disabled = query.value(4).toBool();
    record.mustChangePassword = query.value(5).toBool();
    record.createdAt = dialect.fromDb(query.value(6));
    record.updatedAt = dialect.fromDb(query.value(7));
    record.lastLoginAt = dialect.fromDb(query.value(8));
    record.version = query.value(9).toLongLong();
    record.source = query.value(10).toString();
    return record;
}

qint64 UserRepository::count() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT COUNT(*) FROM users"));
    m_database.exec(query, "counting users");
    return query.next() ? query.value(0).toLongLong() : 0;
}

int UserRepository::countEnabledAdmins() const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = ?"));
    query.addBindValue(false);
    m_database.exec(query, "counting administrators");
    return query.next() ? query.value(0).toInt() : 0;
}

std::optional<UserRecord> UserRepository::findByUsername(const QString &username) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM users WHERE username = ?"));
    query.addBindValue(username);
    m_database.exec(query, "reading a user");
    if (!query.next())
        return std::nullopt;
    return read(query);
}

UserRecord UserRepository::get(qint64 id) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM users WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "reading a user");
    if (!query.next())
        rows::notFound("user", id);
    return read(query);
}

QList<UserRecord> UserRepository::list() const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM users ORDER BY username"));
    m_database.exec(query, "listing users");
    QList<UserRecord> users;
    while (query.next())
        users.append(read(query));
    return users;
}

QList<UserRecord> UserRepository::page(qint64 afterId, int limit) const
{
    QSqlQuery query = m_database.prepare(QStringLiteral("SELECT ") + kColumns
                                         + QStringLiteral(" FROM users WHERE id > ? ORDER BY id LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    m_database.exec(query, "listing users");
    QList<UserRecord> users;
    while (query.next())
        users.append(read(query));
    return users;
}

UserRecord UserRepository::create(const QString &username, const QString &passwordHash,
                                  const QString &role, bool mustChangePassword)
{
    if (findByUsername(username)) {
        throw Error(Error::Kind::Conflict,
                    QStringLiteral("a user named '%1' already exists").arg(username),
                    QJsonObject { { QStringLiteral("username"), username } });
    }
    return insert(username, passwordHash, role, mustChangePassword, QStringLiteral("local"));
}

UserRecord UserRepository::insert(const QString &username, const QString &passwordHash,
                                  const QString &role, bool mustChangePassword, const QString &source)
{
    const QVariant now = m_database.dialect().toDb(QDateTime::currentDateTimeUtc());
    QSqlQuery query = m_database.prepare(
        QStringLiteral("INSERT INTO users (username, password_hash, role, disabled, "
                       "must_change_password, created_at, updated_at, source) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    query.addBindValue(username);
    query.addBindValue(passwordHash);
    query.addBindValue(role);
    query.addBindValue(false);
    query.addBindValue(mustChangePassword);
    query.addBindValue(now);
    query.addBindValue(now);
    query.addBindValue(source);
    m_database.exec(query, "creating a user");
    return get(rows::returnedId(m_database, query));
}

UserRecord UserRepository::update(qint64 id, const QString &role, bool disabled)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE users SET role = ?, disabled = ?, updated_at = ?, version = version + 1 WHERE id = ?"));
    query.addBindValue(role);
    query.addBindValue(disabled);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "updating a user");
    if (query.numRowsAffected() == 0)
        rows::notFound("user", id);
    return get(id);
}

bool UserRepository::compareAndUpdate(qint64 id, const QString &role, bool disabled, qint64 expectedVersion)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE users SET role = ?, disabled = ?, updated_at = ?, version = version + 1 "
                       "WHERE id = ? AND version = ?"));
    query.addBindValue(role);
    query.addBindValue(disabled);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    query.addBindValue(expectedVersion);
    m_database.exec(query, "updating a user");
    return query.numRowsAffected() > 0;
}

void UserRepository::setPassword(qint64 id, const QString &passwordHash, bool mustChangePassword)
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = "
                       "?, version = version + 1 WHERE id = ?"));
    query.addBindValue(passwordHash);
    query.addBindValue(mustChangePassword);
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "changing a password");
    if (query.numRowsAffected() == 0)
        rows::notFound("user", id);
}

bool UserRepository::remove(qint64 id, qint64 expectedVersion)
{
    if (expectedVersion > 0) {
        QSqlQuery current = m_database.prepare(QStringLiteral("SELECT version FROM users WHERE id = ?"));
        current.addBindValue(id);
        m_database.exec(current, "reading a user's version");
        if (!current.next())
            rows::notFound("user", id);
        if (current.value(0).toLongLong() != expectedVersion)
            return false;
    }
    // Explicitly, not only by ON DELETE CASCADE: SQLite enforces foreign keys only when the
    // connection turned them on.
    QSqlQuery tokens
        = m_database.prepare(QStringLiteral("DELETE FROM api_tokens WHERE user_id = ?"));
    tokens.addBindValue(id);
    m_database.exec(tokens, "deleting a user's sessions");
    QSqlQuery query = m_database.prepare(QStringLiteral("DELETE FROM users WHERE id = ?"));
    query.addBindValue(id);
    m_database.exec(query, "deleting a user");
    if (query.numRowsAffected() == 0)
        rows::notFound("user", id);
    return true;
}

void UserRepository::recordLogin(qint64 id)
{
    QSqlQuery query
        = m_database.prepare(QStringLiteral("UPDATE users SET last_login_at = ? WHERE id = ?"));
    query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    m_database.exec(query, "recording a login");
}

UserRecord UserRepository::upsertDirectoryUser(const QString &username, const QString &role)
{
    for (int attempt = 0;; ++attempt) {
        const std::optional<UserRecord> existing = findByUsername(username);
        if (existing && !existing->isDirectoryUser()) {
            throw Error(Error::Kind::Conflict,
                        QStringLiteral("a local user named '%1' already exists").arg(username),
                        QJsonObject { { QStringLiteral("username"), username } });
        }
        if (existing) {
            if (existing->role == role)
                return *existing;
            QSqlQuery query = m_database.prepare(QStringLiteral(
                "UPDATE users SET role = ?, updated_at = ?, version = version + 1 WHERE id = ?"));
            query.addBindValue(role);
            query.addBindValue(m_database.dialect().toDb(QDateTime::currentDateTimeUtc()));
            query.addBindValue(existing->id);
            m_database.exec(query, "updating a directory user's role");
            return get(existing->id);
        }
        try {
            // Not a PBKDF2 hash: no password matches it.
            return insert(username, QStringLiteral("!directory"), role, false, QStringLiteral("directory"));
        } catch (const Error &) {
            if (attempt > 0)
                throw;
            // Another gateway's first sign-in of the same user came first: read its row.
        }
    }
}

} // namespace tf::db
