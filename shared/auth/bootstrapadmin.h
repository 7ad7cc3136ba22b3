#pragma once

#include <QString>

namespace tf::db {
class Database;
}

namespace tf::auth {

struct BootstrapResult
{
    bool created = false;
    QString passwordFile; // <data>/initial-admin-password
};

// True while `users` is empty: the first start.
bool needsBootstrapAdmin(const db::Database &database);

// On first start (no row in `users`) creates the account "admin" with the given password (a
// random 24 characters from generatePassword(), hashed beforehand: PBKDF2 takes a while),
// marked must_change_password, and writes the password once to
// <dataDir>/initial-admin-password (mode 0600; an existing file is never overwritten: the
// bootstrap then refuses with tf::Error(Conflict) naming it). Serialised across processes by a
// transaction lock, so gateways starting together create one admin. Does nothing (created
// false) when a user exists.
BootstrapResult bootstrapAdmin(const db::Database &database, const QString &dataDir,
                               const QString &password, const QString &passwordHash);

QString initialAdminPasswordFile(const QString &dataDir);

} // namespace tf::auth
