#pragma once

#include "auditrepository.h"

#include <QByteArray>
#include <QList>

// The audit trail as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma,
// quote, CR or LF quoted with inner quotes doubled; UTF-8). Every field of an entry is a column,
// so an exported row can be re-hashed to check it: id, timestamp, event_type, severity,
// resource_type, resource_id, operation_id, description, previous_state, new_state (compact
// JSON), username, ip_address, user_agent, correlation_id, prev_hash, entry_hash.
namespace tf::db::auditcsv {

QByteArray header();
QByteArray rows(const QList<AuditEntry> &entries);
QByteArray field(const QString &value); // one field, quoted when it must be

} // namespace tf::db::auditcsv
