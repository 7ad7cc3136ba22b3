#pragma once

#include <QJsonObject>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
} // namespace tf

namespace tf::syncd::pairprobe {

// POST /sync-pairs/<id>/test: connects to both systems of a stored pair, describes every
// source and target entity, and compiles each entity's MappingPlan and ValidationPlan against
// the real schemas. Every problem is reported, none thrown (except NotFound for the pair):
// {"ok": false, "pair_id": 3,
//  "source": {"system_id": 1, "ok": true, "error": null},
//  "target": {"system_id": 2, "ok": false, "error": "cannot open ..."},
//  "entities": [{"name": "property", "source_entity": "Property", "target_entity": "cama_property",
//                "source_ok": true, "target_ok": false, "columns": [{"name", "type"}],
//                "errors": [{"field": "entities[0].mapping.fields[2].source", "message": "..."}]}],
//  "elapsed_ms": 40}
// Does I/O bounded by the connectors' timeouts: call it on a BackgroundJobs thread.
QJsonObject test(db::Database &control, const SecretBox &secrets, qint64 pairId);

} // namespace tf::syncd::pairprobe
