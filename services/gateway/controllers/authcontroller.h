#pragma once

#include "common/router.h"
#include "db/repositories/userrepository.h"

#include <optional>

namespace tf::gateway {

class AuthContext;

// /api/auth: log in (the only open route besides the health probes), log out, who am I, and
// change one's own password.
//   POST /api/auth/login     {username, password} -> {token, expires_at, role, ...}
//   POST /api/auth/logout    ends the calling session
//   GET  /api/auth/me        the caller, its role and permissions, must_change_password
//   POST /api/auth/password  {current_password, new_password}; ends the user's other sessions
class AuthController final
{
public:
    explicit AuthController(AuthContext &auth);
    void registerRoutes(http::Router &router);

private:
    void login(const http::ApiRequest &request, const http::Router::Reply &reply);
    // [ldap] set, and the name is not a local user's: the directory checks the password and
    // gives the role (directorylogin.cpp).
    void loginThroughDirectory(const http::ApiRequest &request, const http::Router::Reply &reply,
                               const QString &username, const QString &password,
                               const std::optional<db::UserRecord> &user);
    http::ApiResponse logout(const http::ApiRequest &request);
    http::ApiResponse me(const http::ApiRequest &request) const;
    void changePassword(const http::ApiRequest &request, const http::Router::Reply &reply);

    AuthContext &m_auth;
};

} // namespace tf::gateway
