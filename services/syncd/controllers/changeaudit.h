#pragma once

#include "common/apirequest.h"

#include <QJsonObject>
#include <QString>

namespace tf {
class DatabaseState;
}

namespace tf::syncd {

// One change made through the sync API, for the audit trail.
struct Change
{
    QString eventType; // "sync_pair.updated", "sync_operation.started", ...
    QString resourceType; // "sync_pair", "system", "sync_operation", "quarantine", "alert"
    qint64 resourceId = 0;
    QString description;
    QJsonObject before;
    QJsonObject after;
    qint64 operationId = 0;
};

// Appends the change to the audit trail with the caller tf-syncd took from the gateway
// (actor, role, address, user agent, X-Request-Id; see http::serviceTokenFilter). Secrets in
// before and after are redacted. Never throws: the change has been made already, so a
// failure to record it is logged as a warning.
void auditChange(const DatabaseState &database, const http::ApiRequest &request,
                 const Change &change);

} // namespace tf::syncd
