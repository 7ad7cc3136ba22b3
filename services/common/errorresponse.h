#pragma once

#include "apiresponse.h"
#include "core/errors.h"

#include <QJsonArray>

namespace tf::http {

// The one place where error kinds become HTTP statuses.
int statusFor(Error::Kind kind);

// RFC 9457 problem details (application/problem+json), see docs/api-conventions.md:
// {"type": "urn:terrafusion:problem:<code>", "title": "...", "status": 409,
//  "detail": "<message>", "instance": "<request id>", "code": "<code>",
//  "errors": [{"field", "code", "message"}, ...],   (validation problems, every one)
//  ...the error's other details as extension members}
ApiResponse errorResponse(const Error &error, const QString &requestId = {});

// A problem answer built from its parts (for answers written before routing).
ApiResponse problemResponse(int status, const QString &code, const QString &detail,
                            const QString &requestId = {}, const QJsonObject &extensions = {},
                            const QJsonArray &errors = {});

// The problem's title for a status ("Conflict", "Unprocessable Content", ...).
QString problemTitle(int status);

} // namespace tf::http
