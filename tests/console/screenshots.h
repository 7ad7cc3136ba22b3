#pragma once

// Screenshots of the console for people to look at: a widget grabbed in the light and the dark
// palette into <build>/console-screenshots/<name>-light.png and <name>-dark.png.
#include "settings/displaysettings.h"

#include <QApplication>
#include <QDir>
#include <QPixmap>
#include <QWidget>
#include <QtDebug>

namespace tf::test {

inline QString screenshotDir()
{
    const QString dir = QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../console-screenshots")).absolutePath();
    QDir().mkpath(dir);
    return dir;
}

// false (with a warning naming the file) when a grab is empty or cannot be written.
inline bool saveScreenshots(QWidget *widget, const QString &name)
{
    using console::DisplaySettings;
    DisplaySettings *display = DisplaySettings::instance();
    bool ok = true;
    for (const auto &[theme, suffix] : { std::pair { DisplaySettings::Theme::Light, QStringLiteral("-light") },
                                         std::pair { DisplaySettings::Theme::Dark, QStringLiteral("-dark") } }) {
        display->setTheme(theme);
        QApplication::processEvents();
        const QPixmap pixmap = widget->grab();
        const QString path = screenshotDir() + QLatin1Char('/') + name + suffix + QStringLiteral(".png");
        if (pixmap.isNull() || !pixmap.save(path)) {
            qWarning().noquote() << "screenshot not saved:" << path;
            ok = false;
        } else {
            qInfo().noquote() << "screenshot:" << path;
        }
    }
    display->setTheme(DisplaySettings::Theme::Light);
    QApplication::processEvents();
    return ok;
}

} // namespace tf::test
