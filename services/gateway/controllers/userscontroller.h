#pragma once

#include "common/router.h"

namespace tf::gateway {

class AuthContext;

// /api/users: the people who log in (admin manages, auditor reads).
//   GET    /api/users                  list: {items, next_cursor}, by id (?limit, ?cursor)
//   POST   /api/users                  {username, password, role, must_change_password?}
//   GET    /api/users/<id>             with ETag: "<version>"
//   PUT    /api/users/<id>             {role, disabled?}: replaces the editable fields
//                                      (disabled defaults to false); disabling ends the
//                                      user's sessions
//   PATCH  /api/users/<id>             JSON merge patch of {role, disabled}
//   DELETE /api/users/<id>
// PUT, PATCH and DELETE honour If-Match (412 precondition_failed; nothing changes).
//   POST   /api/users/<id>/password    {password, must_change_password?}: an admin's reset;
//                                      ends the user's sessions
// The last enabled admin cannot be deleted, disabled or demoted (409 last_admin); a taken
// username is 409 name_taken; every problem of a body is listed at once (422).
class UsersController final
{
public:
    explicit UsersController(AuthContext &auth);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    void create(const http::ApiRequest &request, const http::Router::Reply &reply);
    http::ApiResponse replace(const http::ApiRequest &request);
    http::ApiResponse patch(const http::ApiRequest &request);
    // Replaces the editable fields with `body` (PUT rules); readVersion: the version a PATCH
    // merged into (0 for PUT).
    http::ApiResponse apply(const http::ApiRequest &request, qint64 id, const QJsonObject &body,
                            qint64 readVersion = 0);
    http::ApiResponse remove(const http::ApiRequest &request);
    void resetPassword(const http::ApiRequest &request, const http::Router::Reply &reply);

    AuthContext &m_auth;
};

} // namespace tf::gateway
