#pragma once

#include "sync/connector.h"

#include <memory>

namespace tf::sync {

// The one place that turns a system's kind into a connector. Throws tf::Error(Validation)
// for an unknown kind or a kind that cannot play the asked role.
std::unique_ptr<SourceConnector> makeSource(const SystemSettings &settings);
std::unique_ptr<TargetConnector> makeTarget(const SystemSettings &settings);

} // namespace tf::sync
