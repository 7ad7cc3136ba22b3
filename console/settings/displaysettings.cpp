#include "displaysettings.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace tf::console {

namespace {
const QString TimeZoneKey = QStringLiteral("display/time_zone");
const QString ThemeKey = QStringLiteral("display/theme");
const QString RefreshIntervalKey = QStringLiteral("polling/interval_ms");

QString notifyKey(DisplaySettings::Event event)
{
    switch (event) {
    case DisplaySettings::Event::NewAlert: return QStringLiteral("notifications/new_alert");
    case DisplaySettings::Event::OperationFailed: return QStringLiteral("notifications/operation_failed");
    case DisplaySettings::Event::QuarantineGrew: return QStringLiteral("notifications/quarantine_grew");
    }
    return QString();
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x6a, 0xb0, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x35, 0x74, 0xd0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    for (const auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}
} // namespace

DisplaySettings *DisplaySettings::instance()
{
    static DisplaySettings *settings = new DisplaySettings(qApp);
    return settings;
}

DisplaySettings::DisplaySettings(QObject *parent)
    : QObject(parent)
{
    QSettings settings;
    m_timeZone = settings.value(TimeZoneKey).toString() == QLatin1String("utc") ? TimeZone::Utc : TimeZone::Local;
    m_theme = settings.value(ThemeKey).toString() == QLatin1String("dark") ? Theme::Dark : Theme::Light;
    m_refreshIntervalMs = qBound(MinRefreshIntervalMs, settings.value(RefreshIntervalKey, DefaultRefreshIntervalMs).toInt(),
                                 MaxRefreshIntervalMs);
    for (const Event event : { Event::NewAlert, Event::OperationFailed, Event::QuarantineGrew })
        m_notify.insert(int(event), settings.value(notifyKey(event), true).toBool());
}

void DisplaySettings::save() const
{
    QSettings settings;
    settings.setValue(TimeZoneKey, m_timeZone == TimeZone::Utc ? QStringLiteral("utc") : QStringLiteral("local"));
    settings.setValue(ThemeKey, m_theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
    settings.setValue(RefreshIntervalKey, m_refreshIntervalMs);
    for (auto it = m_notify.cbegin(); it != m_notify.cend(); ++it)
        settings.setValue(notifyKey(Event(it.key())), it.value());
}

void DisplaySettings::setRefreshIntervalMs(int ms)
{
    ms = qBound(MinRefreshIntervalMs, ms, MaxRefreshIntervalMs);
    if (m_refreshIntervalMs == ms)
        return;
    m_refreshIntervalMs = ms;
    save();
    emit refreshIntervalChanged(ms);
    emit changed();
}

void DisplaySettings::setNotifies(Event event, bool on)
{
    if (notifies(event) == on)
        return;
    m_notify.insert(int(event), on);
    save();
    emit changed();
}

void DisplaySettings::setTimeZone(TimeZone zone)
{
    if (m_timeZone == zone)
        return;
    m_timeZone = zone;
    save();
    emit changed();
}

void DisplaySettings::setTheme(Theme theme)
{
    applyTheme(theme);
    if (m_theme == theme)
        return;
    m_theme = theme;
    save();
    emit changed();
}

void DisplaySettings::applyTheme(Theme theme)
{
    if (QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    QApplication::setPalette(theme == Theme::Dark ? darkPalette() : QApplication::style()->standardPalette());
}

QString DisplaySettings::formatDateTime(const QDateTime &when) const
{
    if (!when.isValid())
        return tr("never");
    if (m_timeZone == TimeZone::Utc)
        return when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + tr(" UTC");
    return when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

QString DisplaySettings::formatAge(qint64 seconds)
{
    if (seconds < 60)
        return tr("%n s ago", nullptr, int(qMax<qint64>(0, seconds)));
    if (seconds < 3600)
        return tr("%n min ago", nullptr, int(seconds / 60));
    return tr("%n h ago", nullptr, int(seconds / 3600));
}

} // namespace tf::console
