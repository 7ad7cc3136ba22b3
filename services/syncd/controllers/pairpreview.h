#pragma once

#include <QJsonObject>

namespace tf {
class SecretBox;
namespace db {
class Database;
}
} // namespace tf

namespace tf::syncd::pairpreview {

// POST /sync-pairs/preview: the first `limit` source rows of every entity of a definition
// that need not be stored (the pair editor's form as it stands), read and put through the
// mapping, the target's column types and the validation rules exactly as a run would
// (RowTransformer), and nothing written anywhere: the target is only described and, for
// reference rules, read.
//   body: a sync pair definition, plus "limit" (1..100, default 20)
//   answer: {"limit": 20, "elapsed_ms": 35,
//            "entities": [{"name": "property", "source_entity": "Property",
//                          "target_entity": "cama_property",
//                          "columns": [{"name": "source_id", "type": "integer"}, ...],
//                          "rows": [{"source_key": "7", "values": {"source_id": 7, ...},
//                                    "valid": false,
//                                    "errors": [{"field": "value", "rule": "min_value",
//                                                "message": "value must be at least 0, got
//                                                -5"}]}]}]}
// A definition that does not parse is a 422 listing its fields; an unknown system a 422 on
// source_system_id/target_system_id; a mapping or rule that does not fit the real schemas a
// 422 on the entity's field. Does I/O: call it on a BackgroundJobs thread.
QJsonObject preview(db::Database &control, const SecretBox &secrets, const QJsonObject &body);

} // namespace tf::syncd::pairpreview
