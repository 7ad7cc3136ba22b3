#include "changeaudit.h"

#include "common/auditlog.h"
#include "common/databasestate.h"
#include "core/errors.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcChangeAudit, "syncd.api.audit")

namespace tf::syncd {

void auditChange(const DatabaseState &database, const http::ApiRequest &request,
                 const Change &change)
{
    http::AuditEvent event;
    event.eventType = change.eventType;
    event.resourceType = change.resourceType;
    event.resourceId = change.resourceId > 0 ? QString::number(change.resourceId) : QString();
    event.operationId = change.operationId;
    event.description = change.description;
    event.before = change.before;
    event.after = change.after;
    try {
        http::recordAudit(database.database().database(), request, event);
    } catch (const Error &error) {
        // The database went away between the change and its record.
        qCWarning(lcChangeAudit).noquote()
            << "audit entry" << change.eventType << "not stored:" << error.message();
    }
}

} // namespace tf::syncd
