#include "connectionstatus.h"

#include "settings/displaysettings.h"

#include <QHBoxLayout>
#include <QLabel>

namespace tf::console {

ConnectionStatus::ConnectionStatus(QWidget *parent)
    : QWidget(parent)
    , m_state(new QLabel(this))
    , m_identity(new QLabel(this))
    , m_version(new QLabel(this))
    , m_updated(new QLabel(this))
{
    m_state->setObjectName(QStringLiteral("connectionState"));
    m_state->setAccessibleName(tr("Connection state"));
    m_identity->setObjectName(QStringLiteral("identity"));
    m_identity->setAccessibleName(tr("Signed-in user"));
    m_version->setObjectName(QStringLiteral("serverVersion"));
    m_version->setAccessibleName(tr("Server version"));
    m_updated->setObjectName(QStringLiteral("lastUpdate"));
    m_updated->setAccessibleName(tr("Last update"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(16);
    for (QLabel *label : { m_state, m_identity, m_version, m_updated })
        layout->addWidget(label);
    setState(ChangePoller::ConnectionState::Offline);
    setIdentity({}, {});
    tick();
    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &ConnectionStatus::tick);
    m_ticker.start();
}

void ConnectionStatus::setState(ChangePoller::ConnectionState state)
{
    static const QHash<ChangePoller::ConnectionState, QString> colours {
        { ChangePoller::ConnectionState::Connected, QStringLiteral("#2e7d32") },
        { ChangePoller::ConnectionState::Reconnecting, QStringLiteral("#ef6c00") },
        { ChangePoller::ConnectionState::Offline, QStringLiteral("#c62828") },
    };
    m_state->setText(QStringLiteral("<span style=\"color:%1\">\u25CF</span> %2")
                             .arg(colours.value(state), ChangePoller::stateName(state).toHtmlEscaped()));
}

QString ConnectionStatus::stateText() const { return m_state->text(); }
QString ConnectionStatus::updatedText() const { return m_updated->text(); }

void ConnectionStatus::setIdentity(const QString &username, const QString &role)
{
    m_identity->setText(username.isEmpty() ? tr("Not signed in") : tr("%1 (%2)").arg(username, role));
}

void ConnectionStatus::setServerVersion(const QString &version)
{
    m_version->setText(version.isEmpty() ? QString() : tr("Server %1").arg(version));
    m_version->setVisible(!version.isEmpty());
}

void ConnectionStatus::setLastUpdate(const QDateTime &when)
{
    m_lastUpdate = when;
    tick();
}

void ConnectionStatus::tick()
{
    if (!m_lastUpdate.isValid()) {
        m_updated->setText(tr("Not updated yet"));
        return;
    }
    m_updated->setText(tr("Updated %1").arg(DisplaySettings::formatAge(m_lastUpdate.secsTo(QDateTime::currentDateTimeUtc()))));
    m_updated->setToolTip(DisplaySettings::instance()->formatDateTime(m_lastUpdate));
}

} // namespace tf::console
