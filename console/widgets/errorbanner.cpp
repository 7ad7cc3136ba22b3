#include "errorbanner.h"

#include "models/health.h"

namespace tf::console {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; padding: 8px 12px; font-weight: bold; }")
                          .arg(healthColor(Health::Down).name()));
    hide();
}

void ErrorBanner::showMessage(const QString &message)
{
    setText(message);
    setAccessibleDescription(message);
    show();
}

void ErrorBanner::clear()
{
    QLabel::clear();
    hide();
}

} // namespace tf::console
