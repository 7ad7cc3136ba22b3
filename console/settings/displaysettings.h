#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>

namespace tf::console {

// How the console shows things, chosen once and used by every page: times in UTC or in the
// local zone, and the light or dark palette (Fusion). Stored in QSettings under display/.
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

    // The one instance, owned by the application.
    static DisplaySettings *instance();

    TimeZone timeZone() const { return m_timeZone; }
    void setTimeZone(TimeZone zone);
    Theme theme() const { return m_theme; }
    // Applies the palette to the application at once.
    void setTheme(Theme theme);

    // "2025-01-31 02:00:00 UTC" or the same moment in the local zone.
    QString formatDateTime(const QDateTime &when) const;
    // "5 s ago", "3 min ago", "2 h ago".
    static QString formatAge(qint64 seconds);

    static void applyTheme(Theme theme);

signals:
    void changed();

private:
    explicit DisplaySettings(QObject *parent = nullptr);
    void save() const;

    TimeZone m_timeZone = TimeZone::Local;
    Theme m_theme = Theme::Light;
};

} // namespace tf::console
