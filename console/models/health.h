#pragma once

#include <QColor>
#include <QString>

namespace tf::console {

// The health words of /api/status, ordered so that a larger value is worse.
enum class Health { Healthy, Unknown, Degraded, Down };

Health healthFromString(const QString &status);
QString healthToString(Health health);
// The traffic-light colour the console shows for a health: green, amber, red, grey.
QColor healthColor(Health health);

} // namespace tf::console
