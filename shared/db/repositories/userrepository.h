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
    qint64 version = 1; // of the editable fields (role, disabled, must_change_password): the ETag
    QString source = QStringLiteral("local"); // local, or directory (password checked by [ldap])

    bool isDirectoryUser() const { return source == QLatin1String("directory"); }

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
    // A page by id: at most `limit` users with an id above afterId.
    QList<UserRecord> page(qint64 afterId, int limit) const;

    // Conflict when the username is taken.
    UserRecord create(const QString &username, const QString &passwordHash, const QString &role,
                      bool mustChangePassword);
    // Compare-and-set: changes the row only while it is still at expectedVersion and moves it
    // to the next version; false (nothing changed) when another change came first.
    bool compareAndUpdate(qint64 id, const QString &role, bool disabled, qint64 expectedVersion);
    UserRecord update(qint64 id, const QString &role, bool disabled); // NotFound; whatever the version
    void setPassword(qint64 id, const QString &passwordHash, bool mustChangePassword); // NotFound
    // Compare-and-set as update(); expectedVersion 0: whatever the version. The user's
    // sessions go with it (ON DELETE CASCADE).
    bool remove(qint64 id, qint64 expectedVersion = 0);
    void recordLogin(qint64 id);

    // The row of a directory user (source 'directory'), created at the first directory sign-in
    // with a password hash no password matches; its role follows the directory's groups and
    // is written at every sign-in. Conflict when a local user holds the name.
    UserRecord upsertDirectoryUser(const QString &username, const QString &role);

private:
    UserRecord read(const QSqlQuery &query) const;
    UserRecord insert(const QString &username, const QString &passwordHash, const QString &role,
                      bool mustChangePassword, const QString &source);

    const Database &m_database;
};

} // namespace tf::db
