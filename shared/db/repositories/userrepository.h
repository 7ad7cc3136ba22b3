#pragma once

#include "db/connection.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace tf::db {

// A row of `users`. The password hash never leaves the gateway: toJson() leaves it out.
struct UserRecord
{
    qint64 id = 0;
    QString username;
    QString passwordHash;
    QString role; // admin, operator, auditor, viewer
    bool disabled = false;
    bool mustChangePassword = false;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastLoginAt;

    QJsonObject toJson() const;
};

// The `users` table: people who log in to the gateway.
class UserRepository final
{
    Q_DISABLE_COPY_MOVE(UserRepository)
public:
    explicit UserRepository(const Database &database)
        : m_database(database)
    { }

    qint64 count() const;
    int countEnabledAdmins() const;
    std::optional<UserRecord> findByUsername(const QString &username) const;
    UserRecord get(qint64 id) const; // NotFound
    QList<UserRecord> list() const; // by username

    // Conflict when the username is taken.
    UserRecord create(const QString &username, const QString &passwordHash, const QString &role,
                      bool mustChangePassword);
    UserRecord update(qint64 id, const QString &role, bool disabled); // NotFound
    void setPassword(qint64 id, const QString &passwordHash, bool mustChangePassword); // NotFound
    void remove(qint64 id); // NotFound; the user's sessions go with it (ON DELETE CASCADE)
    void recordLogin(qint64 id);

private:
    UserRecord read(const QSqlQuery &query) const;

    const Database &m_database;
};

} // namespace tf::db
