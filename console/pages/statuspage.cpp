#include "statuspage.h"

#include "client/gatewayclient.h"
#include "settings/displaysettings.h"
#include "models/statusmodel.h"
#include "widgets/errorbanner.h"
#include "widgets/healthbadge.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace tf::console {

StatusPage::StatusPage(GatewayClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new StatusModel(this))
    , m_banner(new ErrorBanner(this))
    , m_badge(new HealthBadge(this))
    , m_lastUpdated(new QLabel(tr("Never updated"), this))
    , m_version(new QLabel(this))
    , m_busy(new QProgressBar(this))
    , m_refreshButton(new QPushButton(tr("&Refresh"), this))
    , m_table(new QTableView(this))
    , m_timer(new QTimer(this))
{
    m_busy->setRange(0, 0); // indeterminate: we cannot know how long the gateway takes
    m_busy->setFixedWidth(120);
    m_busy->setTextVisible(false);
    m_busy->setAccessibleName(tr("Refreshing"));
    QSizePolicy keepSpace = m_busy->sizePolicy();
    keepSpace.setRetainSizeWhenHidden(true); // the header row must not jump on every poll
    m_busy->setSizePolicy(keepSpace);
    m_busy->hide();

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(StatusModel::DetailsColumn, QHeaderView::Stretch);
    m_table->setWordWrap(false);

    auto *stamps = new QVBoxLayout;
    stamps->addWidget(m_lastUpdated);
    stamps->addWidget(m_version);

    auto *header = new QHBoxLayout;
    header->addWidget(m_badge);
    header->addSpacing(12);
    header->addLayout(stamps);
    header->addStretch(1);
    header->addWidget(m_busy);
    header->addWidget(m_refreshButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(header);
    layout->addWidget(m_table, 1);

    connect(m_refreshButton, &QPushButton::clicked, this, &StatusPage::refresh);
    connect(m_model, &StatusModel::summaryChanged, this, &StatusPage::showSummary);
    connect(m_timer, &QTimer::timeout, this, &StatusPage::refresh);
    m_timer->setInterval(RefreshIntervalMs);
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, &StatusPage::showSummary);
}

void StatusPage::start()
{
    m_timer->start();
    refresh();
}

void StatusPage::stop()
{
    m_timer->stop();
}

void StatusPage::refresh()
{
    if (m_inFlight) // the timer and the button may both ask; one request at a time
        return;
    m_inFlight = true;
    m_busy->show();
    m_refreshButton->setEnabled(false);

    m_client->get(QStringLiteral("/api/status"), this, [this](const ApiResult &reply) {
        m_inFlight = false;
        m_busy->hide();
        m_refreshButton->setEnabled(true);

        bool ok = false;
        m_reachable = reply.status != 0;
        if (!m_reachable)
            m_model->setError(tr("The gateway cannot be reached. %1 Retrying every %2 s.")
                                      .arg(reply.error.message())
                                      .arg(RefreshIntervalMs / 1000));
        else if (reply.status == 401) {
            m_model->setError(tr("Sign in to see the platform's status."));
            emit authenticationRequired(tr("Your session has ended; sign in again."));
        } else if (!reply.ok())
            m_model->setError(tr("The gateway refused the status request: %1").arg(reply.error.message()));
        else
            ok = m_model->applyStatus(reply.json);
        emit refreshed(ok);
    });
}

void StatusPage::showSummary()
{
    if (m_model->hasError()) {
        m_banner->showMessage(m_model->errorString());
        m_badge->setHealth(Health::Down, m_reachable ? tr("ERROR") : tr("UNREACHABLE"));
        m_table->setEnabled(false); // what it shows is the last known state, not the current one
    } else {
        m_banner->clear();
        m_badge->setHealth(m_model->overallHealth());
        m_table->setEnabled(true);
        // Explicitly: a ResizeToContents header does not follow dataChanged or new rows.
        for (int column = 0; column < StatusModel::DetailsColumn; ++column)
            m_table->resizeColumnToContents(column);
    }
    const QDateTime updated = m_model->lastUpdated();
    m_lastUpdated->setText(updated.isValid()
                                   ? tr("Last updated %1").arg(DisplaySettings::instance()->formatDateTime(updated))
                                   : tr("Never updated"));
    m_version->setText(m_model->version().isEmpty() ? QString()
                                                     : tr("Gateway version %1").arg(m_model->version()));
}

} // namespace tf::console
