#include "healthbadge.h"

namespace tf::console {

HealthBadge::HealthBadge(QWidget *parent)
    : QLabel(parent)
{
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    setFont(big);
    setAlignment(Qt::AlignCenter);
    setMinimumWidth(220);
    setAccessibleName(tr("Overall status"));
    setHealth(Health::Unknown, tr("CONNECTING…"));
}

void HealthBadge::setHealth(Health health, const QString &text)
{
    m_health = health;
    setText(text.isEmpty() ? healthToString(health).toUpper() : text);
    setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 6px; padding: 8px 18px; }")
                          .arg(healthColor(health).name()));
}

} // namespace tf::console
