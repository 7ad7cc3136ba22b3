#include "auditcsv.h"

#include "core/jsonutil.h"

namespace tf::db::auditcsv {

QByteArray field(const QString &value)
{
    QByteArray bytes = value.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\r') || bytes.contains('\n')) {
        bytes.replace('"', "\"\"");
        bytes.prepend('"');
        bytes.append('"');
    }
    return bytes;
}

QByteArray header()
{
    return QByteArrayLiteral("id,timestamp,event_type,severity,resource_type,resource_id,operation_id,description,"
                             "previous_state,new_state,username,ip_address,user_agent,correlation_id,prev_hash,"
                             "entry_hash\r\n");
}

QByteArray rows(const QList<AuditEntry> &entries)
{
    QByteArray out;
    out.reserve(entries.size() * 400);
    for (const AuditEntry &entry : entries) {
        const QList<QByteArray> fields {
            QByteArray::number(entry.id),
            field(entry.createdAt.isValid() ? entry.createdAt.toUTC().toString(Qt::ISODateWithMs) : QString()),
            field(entry.eventType),
            field(entry.severity),
            field(entry.resourceType),
            field(entry.resourceId),
            entry.operationId == 0 ? QByteArray() : QByteArray::number(entry.operationId),
            field(entry.description),
            field(QString::fromUtf8(json::compact(entry.previousState))),
            field(QString::fromUtf8(json::compact(entry.newState))),
            field(entry.username),
            field(entry.ipAddress),
            field(entry.userAgent),
            field(entry.correlationId),
            field(entry.prevHash),
            field(entry.entryHash),
        };
        out += fields.join(',');
        out += "\r\n";
    }
    return out;
}

} // namespace tf::db::auditcsv
