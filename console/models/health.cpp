#include "health.h"

namespace tf::console {

Health healthFromString(const QString &status)
{
    const QString word = status.trimmed().toLower();
    if (word == QLatin1String("healthy") || word == QLatin1String("ok") || word == QLatin1String("up"))
        return Health::Healthy;
    if (word == QLatin1String("degraded") || word == QLatin1String("warning"))
        return Health::Degraded;
    if (word == QLatin1String("down") || word == QLatin1String("unhealthy") || word == QLatin1String("error"))
        return Health::Down;
    return Health::Unknown;
}

QString healthToString(Health health)
{
    switch (health) {
    case Health::Healthy: return QStringLiteral("healthy");
    case Health::Degraded: return QStringLiteral("degraded");
    case Health::Down: return QStringLiteral("down");
    case Health::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QColor healthColor(Health health)
{
    switch (health) {
    case Health::Healthy: return QColor(0x2e, 0x7d, 0x32);
    case Health::Degraded: return QColor(0xef, 0x8f, 0x00);
    case Health::Down: return QColor(0xc6, 0x28, 0x28);
    case Health::Unknown: break;
    }
    return QColor(0x75, 0x75, 0x75);
}

} // namespace tf::console
