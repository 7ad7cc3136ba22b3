#pragma once

#include "common/apirequest.h"
#include "common/apiresponse.h"

#include <QByteArray>

// Strong ETags of immutable named files (backups, recovery plans): the SHA-256 of what they
// hold, so the tag changes only when the file is replaced by another one of the same name.
namespace tf::gateway {

// "\"sha256:<hex>\""
QByteArray contentEtag(const QByteArray &content);
// 412 precondition_failed (current_etag) when If-Match is given and names neither "*" nor
// the current tag.
void checkIfMatchContent(const http::ApiRequest &request, const QByteArray &currentEtag);

} // namespace tf::gateway
