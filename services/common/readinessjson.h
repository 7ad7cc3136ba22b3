#pragma once

#include "db/controldatabase.h"

#include <QJsonObject>

namespace tf::http {

// {"status": "healthy"|"down", "backend", "latency_ms", "schema_version", "latest_version", "error"?}
QJsonObject readinessToJson(const db::ControlDatabase::Readiness &readiness);

// The /health/ready answer of both services: 200 {"status": "ready", "database"} or 503
// {"status": "not_ready", "reason", "database"}.
struct ApiResponse;
ApiResponse readinessResponse(const db::ControlDatabase::Readiness &readiness);

} // namespace tf::http
