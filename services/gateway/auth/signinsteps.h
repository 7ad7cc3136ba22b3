#pragma once

#include "auth/loginthrottle.h"
#include "common/apirequest.h"
#include "common/errorresponse.h"
#include "common/router.h"
#include "core/errors.h"
#include "db/repositories/userrepository.h"

#include <optional>

namespace tf::gateway {

class AuthContext;

// The steps every sign-in shares, local password or directory alike, so both are banned,
// logged and audited the same way.
namespace signin {

// Runs a completion on the HTTP thread, turning a thrown tf::Error into the usual answer.
template<typename Fn>
void answer(const http::ApiRequest &request, const http::Router::Reply &reply, Fn fn)
{
    try {
        reply(fn());
    } catch (const Error &error) {
        reply(http::errorResponse(error, request.requestId));
    }
}

// Whether a name passes the user name rules (junk never reaches the database or directory).
bool isPlausibleUsername(const QString &username);

// The ban answer: 429, Retry-After, and code login_banned.
http::ApiResponse bannedResponse(const http::ApiRequest &request, const auth::LoginThrottle::Ban &ban);

// The ban in force for this name or address, if any (for attempts still in flight when it began).
std::optional<http::ApiResponse> banInForce(AuthContext &auth, const http::ApiRequest &request,
                                            const QString &username, const QString &address);

struct Refusal
{
    QString reason;          // for the log and the audit trail: "wrong password", ...
    bool countsAsFailure = true; // towards the failed-login ban
    Error answer = Error(Error::Kind::Unauthorized, QStringLiteral("invalid username or password"));
};

// Counts the failure (when it counts), logs it, audits auth.login_failed, and throws
// refusal.answer.
[[noreturn]] void refuse(AuthContext &auth, const http::ApiRequest &request, const QString &username,
                         const std::optional<db::UserRecord> &user, const Refusal &refusal);

// Records the success, opens a session for the user, audits auth.login and answers with the
// token. `how` goes into the log line and the audit entry ("" or "through the directory").
http::ApiResponse openSession(AuthContext &auth, const http::ApiRequest &request,
                              const db::UserRecord &user, const QString &how = {});

} // namespace signin
} // namespace tf::gateway
