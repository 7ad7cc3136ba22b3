#include "settingsdialog.h"

#include "dialogs/serverstab.h"
#include "settings/displaysettings.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace tf::console {

namespace {
using Event = DisplaySettings::Event;
} // namespace

SettingsDialog::SettingsDialog(const QString &connectedTo, QWidget *parent)
    : QDialog(parent)
    , m_tabs(new QTabWidget(this))
    , m_servers(new ServersTab(connectedTo, this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    m_tabs->setObjectName(QStringLiteral("settingsTabs"));
    m_tabs->setAccessibleName(tr("Settings"));
    m_tabs->addTab(m_servers, tr("&Servers"));
    m_tabs->addTab(createDisplayTab(), tr("&Display"));
    m_tabs->addTab(createNotificationsTab(), tr("&Notifications"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);

    // The View menu changes the same settings: the dialog follows.
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, &SettingsDialog::showDisplaySettings);
    showDisplaySettings();
    resize(640, 420);
}

QWidget *SettingsDialog::createDisplayTab()
{
    DisplaySettings *display = DisplaySettings::instance();
    auto *tab = new QWidget(this);
    tab->setObjectName(QStringLiteral("displayTab"));

    m_interval = new QSpinBox(tab);
    m_interval->setObjectName(QStringLiteral("refreshInterval"));
    m_interval->setAccessibleName(tr("Refresh interval in seconds"));
    m_interval->setRange(DisplaySettings::MinRefreshIntervalMs / 1000, DisplaySettings::MaxRefreshIntervalMs / 1000);
    m_interval->setSuffix(tr(" s"));
    m_interval->setMaximumWidth(m_interval->fontMetrics().horizontalAdvance(QStringLiteral("0000 s")) + 48);
    m_interval->setToolTip(tr("How long the console waits between two looks at the gateway's change feed."));
    connect(m_interval, &QSpinBox::valueChanged, display, [display](int seconds) { display->setRefreshIntervalMs(seconds * 1000); });

    m_utc = new QRadioButton(tr("&UTC"), tab);
    m_local = new QRadioButton(tr("&Local time"), tab);
    m_light = new QRadioButton(tr("L&ight"), tab);
    m_dark = new QRadioButton(tr("Dar&k"), tab);
    m_utc->setObjectName(QStringLiteral("timeZoneUtc"));
    m_local->setObjectName(QStringLiteral("timeZoneLocal"));
    m_light->setObjectName(QStringLiteral("themeLight"));
    m_dark->setObjectName(QStringLiteral("themeDark"));
    auto *zones = new QButtonGroup(tab);
    zones->addButton(m_utc);
    zones->addButton(m_local);
    auto *themes = new QButtonGroup(tab);
    themes->addButton(m_light);
    themes->addButton(m_dark);
    connect(m_utc, &QRadioButton::clicked, display, [display] { display->setTimeZone(DisplaySettings::TimeZone::Utc); });
    connect(m_local, &QRadioButton::clicked, display, [display] { display->setTimeZone(DisplaySettings::TimeZone::Local); });
    connect(m_light, &QRadioButton::clicked, display, [display] { display->setTheme(DisplaySettings::Theme::Light); });
    connect(m_dark, &QRadioButton::clicked, display, [display] { display->setTheme(DisplaySettings::Theme::Dark); });

    auto *zoneRow = new QHBoxLayout;
    zoneRow->addWidget(m_utc);
    zoneRow->addWidget(m_local);
    zoneRow->addStretch(1);
    auto *themeRow = new QHBoxLayout;
    themeRow->addWidget(m_light);
    themeRow->addWidget(m_dark);
    themeRow->addStretch(1);
    auto *form = new QFormLayout(tab);
    form->addRow(tr("&Refresh every:"), m_interval);
    form->addRow(tr("Show times in:"), zoneRow);
    form->addRow(tr("Theme:"), themeRow);
    auto *note = new QLabel(tr("Changes apply at once."), tab);
    note->setEnabled(false);
    form->addRow(note);
    return tab;
}

QWidget *SettingsDialog::createNotificationsTab()
{
    DisplaySettings *display = DisplaySettings::instance();
    auto *tab = new QWidget(this);
    tab->setObjectName(QStringLiteral("notificationsTab"));
    auto *layout = new QVBoxLayout(tab);
    auto *intro = new QLabel(tr("While the console's window is hidden or minimised, show a tray notification when:"), tab);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    const QList<std::tuple<Event, QString, QString>> events {
        { Event::NewAlert, QStringLiteral("notifyNewAlert"), tr("a new &alert is raised") },
        { Event::OperationFailed, QStringLiteral("notifyOperationFailed"), tr("an &operation fails") },
        { Event::QuarantineGrew, QStringLiteral("notifyQuarantineGrew"), tr("records are &quarantined") },
    };
    for (const auto &[event, name, text] : events) {
        auto *box = new QCheckBox(text, tab);
        box->setObjectName(name);
        box->setAccessibleName(text.mid(0).remove(QLatin1Char('&')));
        box->setProperty("event", int(event));
        connect(box, &QCheckBox::toggled, display, [display, event = event](bool on) { display->setNotifies(event, on); });
        m_notify.append(box);
        layout->addWidget(box);
    }
    layout->addStretch(1);
    return tab;
}

void SettingsDialog::showDisplaySettings()
{
    const DisplaySettings *display = DisplaySettings::instance();
    const QSignalBlocker blockInterval(m_interval);
    m_interval->setValue(display->refreshIntervalMs() / 1000);
    (display->timeZone() == DisplaySettings::TimeZone::Utc ? m_utc : m_local)->setChecked(true);
    (display->theme() == DisplaySettings::Theme::Dark ? m_dark : m_light)->setChecked(true);
    for (QCheckBox *box : std::as_const(m_notify)) {
        const QSignalBlocker block(box);
        box->setChecked(display->notifies(Event(box->property("event").toInt())));
    }
}

} // namespace tf::console
