#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>

namespace tf::console {

// How the console shows things, chosen once and used by every page: times in UTC or in the
// local zone, the light or dark palette (Fusion), how often the change feed is polled, and
// which events raise a tray notification. Stored in QSettings under display/, polling/ and
// notifications/; edited in the Settings dialog and the View menu, applied at once (changed()).
// Every page formats a time through formatDateTime(), so switching the zone is one setting.
class DisplaySettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DisplaySettings)

public:
    enum class TimeZone { Utc, Local };
    Q_ENUM(TimeZone)
    enum class Theme { Light, Dark };
    Q_ENUM(Theme)
    // Events that may show a tray notification while the window is hidden.
    enum class Event { NewAlert, OperationFailed, QuarantineGrew };
    Q_ENUM(Event)

    static constexpr int DefaultRefreshIntervalMs = 2000;
    static constexpr int MinRefreshIntervalMs = 1000;
    static constexpr int MaxRefreshIntervalMs = 300000;

    // The one instance, owned by the application.
    static DisplaySettings *instance();

    TimeZone timeZone() const { return m_timeZone; }
    void setTimeZone(TimeZone zone);
    Theme theme() const { return m_theme; }
    // Applies the palette to the application at once.
    void setTheme(Theme theme);

    // How long the change feed waits between polls (ChangePoller::setInterval).
    int refreshIntervalMs() const { return m_refreshIntervalMs; }
    void setRefreshIntervalMs(int ms);
    bool notifies(Event event) const { return m_notify.value(int(event), true); }
    void setNotifies(Event event, bool on);

    // "2025-01-31 02:00:00 UTC" or the same moment in the local zone.
    QString formatDateTime(const QDateTime &when) const;
    // "5 s ago", "3 min ago", "2 h ago".
    static QString formatAge(qint64 seconds);

    static void applyTheme(Theme theme);

signals:
    void changed();
    void refreshIntervalChanged(int ms);

private:
    explicit DisplaySettings(QObject *parent = nullptr);
    void save() const;

    TimeZone m_timeZone = TimeZone::Local;
    Theme m_theme = Theme::Light;
    int m_refreshIntervalMs = DefaultRefreshIntervalMs;
    QHash<int, bool> m_notify;
};

} // namespace tf::console
