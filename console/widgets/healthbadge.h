#pragma once

#include "models/health.h"

#include <QLabel>

namespace tf::console {

// A large coloured word for an overall health ("HEALTHY" on green, ...), readable at a glance
// from across the room.
class HealthBadge final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HealthBadge)

public:
    explicit HealthBadge(QWidget *parent = nullptr);

    // text overrides the health word, e.g. "UNREACHABLE".
    void setHealth(Health health, const QString &text = {});
    Health health() const { return m_health; }

private:
    Health m_health = Health::Unknown;
};

} // namespace tf::console
