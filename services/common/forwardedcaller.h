#pragma once

#include "apirequest.h"
#include "apiserver.h"
#include "servicetoken.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace tf::http {

// How tf-gateway tells tf-syncd who a proxied request is for. The gateway authenticates the
// person; tf-syncd authenticates only the gateway (its service token) and then takes the
// person from these headers, so its audit entries name the real actor, address, user agent
// and correlation id. Values are percent-encoded UTF-8.
//   X-TF-Actor          username ("" when the gateway has no authenticated caller)
//   X-TF-Actor-Role     admin, operator, auditor, viewer
//   X-TF-Client-Address the client's address as the gateway saw it
//   X-TF-User-Agent     the client's User-Agent
//   X-Request-Id        the correlation id (the gateway's request id)

// Gateway side: the headers for a call to tf-syncd on behalf of `request`, service token
// included. Nothing the client sent under these names is passed on.
QList<QPair<QByteArray, QByteArray>> forwardedCallerHeaders(const ApiRequest &request,
                                                            const ServiceToken &token);

// tf-syncd side: refuses (tf::Error Unauthorized, 401) every route that is not open unless
// it carries exactly the service token, then fills request.caller from the forwarded headers
// (username "service" and role "service" when none was forwarded) and replaces the
// User-Agent header with the client's. Headers of requests without the token are never read.
ApiServer::RequestFilter serviceTokenFilter(ServiceToken token);

} // namespace tf::http
