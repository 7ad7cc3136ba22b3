#pragma once

#include <QDialog>

class QCheckBox;
class QRadioButton;
class QSpinBox;
class QTabWidget;

namespace tf::console {

class ServersTab;

// Edit → Settings… (Ctrl+,): the servers (ServersTab), the display (refresh interval of the
// change feed, times in UTC or local time, light or dark theme) and which events show a tray
// notification. Every change applies at once through DisplaySettings and ServerList, so the
// dialog has only a Close button.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    // connectedTo: the gateway the window talks to now.
    explicit SettingsDialog(const QString &connectedTo, QWidget *parent = nullptr);

    QTabWidget *tabs() const { return m_tabs; }
    ServersTab *servers() const { return m_servers; }

private:
    QWidget *createDisplayTab();
    QWidget *createNotificationsTab();
    void showDisplaySettings();

    QTabWidget *m_tabs;
    ServersTab *m_servers;
    QSpinBox *m_interval = nullptr;
    QRadioButton *m_utc = nullptr;
    QRadioButton *m_local = nullptr;
    QRadioButton *m_light = nullptr;
    QRadioButton *m_dark = nullptr;
    QList<QCheckBox *> m_notify;
};

} // namespace tf::console
