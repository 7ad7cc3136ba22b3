#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
namespace sync {
struct EntityDescription;
}
} // namespace tf

namespace tf::syncd {

// What the API learns by connecting to a stored system. These calls do network or file I/O
// bounded by the connectors' own timeouts (PostgreSQL connect_timeout 5 s): run them on a
// BackgroundJobs thread, never on the HTTP thread.
namespace systemprobe {

// {"ok": true, "entities_count": 4, "error": null, "elapsed_ms": 12}; a failure to connect or
// to list is reported as ok false with the reason (credential values scrubbed), not thrown.
// Throws only NotFound for an unknown id.
QJsonObject test(db::Database &control, const SecretBox &secrets, qint64 systemId);

// Every entity with its key and typed columns, for the console's editors:
// [{"name": "Property", "key": ["PropertyID"], "columns": [{"name", "type", "nullable"}]}].
QJsonArray entities(db::Database &control, const SecretBox &secrets, qint64 systemId);

QJsonObject describe(const sync::EntityDescription &description);

// The message with every credential value of the system replaced by "***", then redacted.
QString scrub(const QString &message, const QJsonObject &credentials);

} // namespace systemprobe

} // namespace tf::syncd
