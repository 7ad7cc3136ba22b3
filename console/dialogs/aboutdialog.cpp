#include "aboutdialog.h"

#include "client/gatewayclient.h"
#include "models/compatibility.h"
#include "settings/displaysettings.h"
#include "tfversion.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QVBoxLayout>
#include <QtGlobal>

namespace tf::console {

AboutDialog::AboutDialog(GatewayClient *client, QWidget *parent)
    : QDialog(parent)
    , m_server(new QLabel(tr("asking…"), this))
    , m_api(new QLabel(tr("asking…"), this))
    , m_warning(new QLabel(this))
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About TerraFusion Console"));
    auto *title = new QLabel(tr("<b>%1</b> console<br>Keeps county assessment systems in step.")
                                     .arg(QStringLiteral(TF_PRODUCT_NAME)),
                             this);
    auto *clientVersion = new QLabel(QStringLiteral(TF_VERSION_STRING), this);
    auto *api = new QLabel(Compatibility::clientApiVersion(), this);
    auto *qt = new QLabel(tr("%1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)), this);
    auto *gateway = new QLabel(client->baseUrl().toString(QUrl::RemoveUserInfo).toHtmlEscaped(), this);
    clientVersion->setObjectName(QStringLiteral("clientVersion"));
    m_server->setObjectName(QStringLiteral("serverVersion"));
    m_api->setObjectName(QStringLiteral("serverApiVersion"));
    qt->setObjectName(QStringLiteral("qtVersion"));
    m_warning->setObjectName(QStringLiteral("compatibilityWarning"));
    m_warning->setAccessibleName(tr("Compatibility warning"));
    m_warning->setWordWrap(true);
    m_warning->hide();
    for (QLabel *label : { clientVersion, m_server, m_api, qt, gateway })
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The sign-in message's reds: readable on both palettes.
    auto colourWarning = [this] {
        const bool dark = DisplaySettings::instance()->theme() == DisplaySettings::Theme::Dark;
        m_warning->setStyleSheet(dark ? QStringLiteral("color: #ff6b6b; font-weight: bold;")
                                      : QStringLiteral("color: #b00020; font-weight: bold;"));
    };
    colourWarning();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_warning, colourWarning);

    auto *form = new QFormLayout;
    form->addRow(tr("Console version:"), clientVersion);
    form->addRow(tr("Console API version:"), api);
    form->addRow(tr("Gateway:"), gateway);
    form->addRow(tr("Server version:"), m_server);
    form->addRow(tr("Server API version:"), m_api);
    form->addRow(tr("Qt version:"), qt);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addWidget(m_warning);
    layout->addStretch(1);
    layout->addWidget(buttons);

    m_pending = 1;
    client->get(QStringLiteral("/health"), this, [this](const ApiResult &reply) {
        m_serverVersion = reply.json.object().value(QStringLiteral("version")).toString();
        m_server->setText(m_serverVersion.isEmpty() ? tr("unknown (%1)").arg(reply.ok() ? tr("no version in /health")
                                                                                         : reply.error.message())
                                                    : m_serverVersion);
        answered();
    });
    if (client->hasBearerToken()) {
        // Only signed in: a 401 here would open the sign-in dialog.
        ++m_pending;
        client->get(QStringLiteral("/api/v1/status"), this, [this](const ApiResult &reply) {
            if (reply.ok())
                m_serverApi = Compatibility::clientApiVersion();
            else if (reply.status == 404)
                m_serverApi = tr("not v1");
            m_api->setText(m_serverApi.isEmpty() ? tr("unknown (%1)").arg(reply.error.message()) : m_serverApi);
            answered();
        });
    } else {
        m_api->setText(tr("unknown (sign in to ask)"));
    }
    setMinimumWidth(480);
}

void AboutDialog::answered()
{
    if (--m_pending > 0)
        return;
    showCompatibility();
    emit serverChecked();
}

void AboutDialog::showCompatibility()
{
    const Compatibility check = Compatibility::check(QStringLiteral(TF_VERSION_STRING), m_serverVersion, m_serverApi);
    m_warning->setText(check.compatible ? QString() : tr("⚠ This console and the server may not work together: %1").arg(check.reason));
    m_warning->setVisible(!check.compatible);
}

bool AboutDialog::showsIncompatibility() const
{
    return !m_warning->isHidden();
}

} // namespace tf::console
