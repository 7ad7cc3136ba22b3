#pragma once

#include "apiresponse.h"
#include "core/errors.h"

namespace tf::http {

// The one place where error kinds become HTTP statuses.
int statusFor(Error::Kind kind);

// {"error": {"code": "...", "message": "...", "details": {...}, "request_id": "..."}}
ApiResponse errorResponse(const Error &error, const QString &requestId = {});

} // namespace tf::http
