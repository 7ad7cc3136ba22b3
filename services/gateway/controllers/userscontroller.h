#pragma once

#include "common/router.h"

namespace tf::gateway {

class AuthContext;

// /api/users: the people who log in (admin manages, auditor reads).
//   GET    /api/users                  list
//   POST   /api/users                  {username, password, role, must_change_password?}
//   GET    /api/users/<id>
//   PUT    /api/users/<id>             {role?, disabled?}; disabling ends the user's sessions
//   DELETE /api/users/<id>
//   POST   /api/users/<id>/password    {password, must_change_password?}: an admin's reset;
//                                      ends the user's sessions
// The last enabled admin cannot be deleted, disabled or demoted (409).
class UsersController final
{
public:
    explicit UsersController(AuthContext &auth);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list() const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    void create(const http::ApiRequest &request, const http::Router::Reply &reply);
    http::ApiResponse update(const http::ApiRequest &request);
    http::ApiResponse remove(const http::ApiRequest &request);
    void resetPassword(const http::ApiRequest &request, const http::Router::Reply &reply);

    AuthContext &m_auth;
};

} // namespace tf::gateway
