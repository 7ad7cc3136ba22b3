#pragma once

#include "apirequest.h"
#include "apiresponse.h"

#include <QJsonObject>

// Optimistic concurrency (docs/api-conventions.md): every single resource answers with an
// ETag naming the version of its editable fields ("\"<version>\""); PUT, PATCH and DELETE
// honour If-Match and answer 412 precondition_failed when it names another version.
namespace tf::http {

QByteArray etagFor(qint64 version);
// Adds ETag to an answer.
ApiResponse &withEtag(ApiResponse &response, qint64 version);
// Throws tf::Error(PreconditionFailed) when If-Match is given and matches neither "*" nor
// the current version. No If-Match: the change goes ahead (last writer wins, as before).
void checkIfMatch(const ApiRequest &request, qint64 currentVersion);
// The version If-Match names (for a compare-and-set in the UPDATE); 0 when absent or "*".
qint64 ifMatchVersion(const ApiRequest &request);

// RFC 7396 JSON Merge Patch: members of `patch` replace those of `target`, null removes one,
// objects merge recursively.
QJsonObject mergePatch(const QJsonObject &target, const QJsonObject &patch);

} // namespace tf::http
