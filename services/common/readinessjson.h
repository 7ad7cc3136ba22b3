#pragma once

#include "db/controldatabase.h"

#include <QJsonObject>

namespace tf::http {

// {"status": "healthy"|"down", "backend", "latency_ms", "schema_version", "latest_version", "error"?}
QJsonObject readinessToJson(const db::ControlDatabase::Readiness &readiness);

} // namespace tf::http
