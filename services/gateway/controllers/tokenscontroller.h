#pragma once

#include "common/router.h"

namespace tf::gateway {

class AuthContext;

// /api/tokens: API tokens for programs (and, with ?kind=session, login sessions).
//   GET    /api/tokens       {items, next_cursor}, newest first; ?kind=api_token (default) |
//                            session | all, ?include_inactive=true, ?limit, ?cursor
//   POST   /api/tokens       {name, role, expires_in_days?} -> 201, the token value shown once;
//                            an active API token of that name is 409 name_taken
//   GET    /api/tokens/<id>  with ETag: "<version>"
//   DELETE /api/tokens/<id>  revokes it (a session: that login ends); honours If-Match
class TokensController final
{
public:
    explicit TokensController(AuthContext &auth);
    void registerRoutes(http::Router &router);

private:
    http::ApiResponse list(const http::ApiRequest &request) const;
    http::ApiResponse get(const http::ApiRequest &request) const;
    http::ApiResponse create(const http::ApiRequest &request);
    http::ApiResponse revoke(const http::ApiRequest &request);

    AuthContext &m_auth;
};

} // namespace tf::gateway
