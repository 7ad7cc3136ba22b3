#pragma once

#include <QString>

namespace tf::auth {

// The rules for usernames and passwords, shared by the API and the bootstrap.
inline constexpr int kMinPasswordLength = 12;
inline constexpr int kMaxPasswordLength = 1024;
inline constexpr int kMaxUsernameLength = 64;

// 1-64 characters of [A-Za-z0-9._@-]; throws tf::Error(Validation) naming the field.
void validateUsername(const QString &username, const QString &field = QStringLiteral("username"));
// At least 12 characters (at most 1024); throws tf::Error(Validation) naming the field.
void validatePassword(const QString &password, const QString &field = QStringLiteral("password"));
// A random password of letters and digits from the system's random source.
QString generatePassword(int length = 24);

} // namespace tf::auth
