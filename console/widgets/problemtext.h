#pragma once

#include "settings/displaysettings.h"

#include <QLabel>

namespace tf::console {

// Shows text on a message line, in a red that reads on both palettes (darker on light,
// lighter on dark) when it reports a problem.
inline void showMessage(QLabel *label, const QString &text, bool problem)
{
    const bool dark = DisplaySettings::instance()->theme() == DisplaySettings::Theme::Dark;
    label->setStyleSheet(!problem   ? QString()
                             : dark ? QStringLiteral("color: #ff6b6b;")
                                    : QStringLiteral("color: #b00020;"));
    label->setText(text);
}

} // namespace tf::console
