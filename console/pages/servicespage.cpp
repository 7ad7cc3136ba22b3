#include "servicespage.h"

#include "client/gatewayclient.h"
#include "client/jobfollower.h"
#include "client/permissions.h"
#include "models/servicesmodel.h"
#include "settings/displaysettings.h"
#include "widgets/errorbanner.h"
#include "widgets/resourcetableview.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace tf::console {

ServicesPage::ServicesPage(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new ServicesModel(this))
    , m_events(new ServiceEventsModel(this))
    , m_follower(new JobFollower(client, this))
    , m_banner(new ErrorBanner(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_restartSync(new QAction(tr("Restart &tf-syncd…"), this))
    , m_restartGateway(new QAction(tr("Restart &Gateway…"), this))
{
    auto formatTimes = [this] {
        m_events->setTimeFormatter(
            [](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    };
    formatTimes();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_events, formatTimes);
    m_table = makeResourceTable(this, m_model, QStringLiteral("servicesTable"), tr("Services"),
                                LastColumn::Fixed); // a red threshold cell stays a cell
    fitTableToRows();
    m_table->horizontalHeader()->setSectionResizeMode(ServicesModel::StatusColumn,
                                                      QHeaderView::Stretch);
    auto *newestFirst = new QSortFilterProxyModel(this);
    newestFirst->setSourceModel(m_events);
    newestFirst->setSortRole(
        ServiceEventsModel::IdRole); // ids grow with time; ties in created_at are common
    newestFirst->sort(ServiceEventsModel::TimeColumn, Qt::DescendingOrder);
    m_eventsTable = makeResourceTable(this, newestFirst, QStringLiteral("serviceEventsTable"),
                                      tr("Service events"));
    m_banner->setObjectName(QStringLiteral("servicesBanner"));
    m_progress->setObjectName(QStringLiteral("restartProgress"));
    m_progress->setAccessibleName(tr("Restart progress"));
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_status->setObjectName(QStringLiteral("servicesStatus"));
    m_status->setWordWrap(true);

    auto *bar = new QHBoxLayout;
    const QList<std::tuple<QAction *, QString, QKeySequence, QString, QString>> restarts {
        { m_restartSync, QStringLiteral("restartSync"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Y),
          tr("Stop tf-syncd and start it again (Ctrl+Shift+Y)"), QStringLiteral("sync") },
        { m_restartGateway, QStringLiteral("restartGateway"),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G),
          tr("Re-execute tf-gateway in place; the console reconnects (Ctrl+Shift+G)"),
          QStringLiteral("gateway") },
    };
    for (const auto &[action, name, key, tip, service] : restarts) {
        action->setObjectName(name);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setToolTip(tip);
        if (m_permissions)
            m_permissions->bind(action, QStringLiteral("services:restart"));
        connect(action, &QAction::triggered, this,
                [this, service = service] { restartService(service); });
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setObjectName(name + QStringLiteral("Button"));
        button->setAccessibleName(
            action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")));
        bar->addWidget(button);
        addAction(action);
    }
    auto *refreshAction = new QAction(tr("Re&fresh"), this);
    refreshAction->setObjectName(QStringLiteral("refreshServices"));
    // No key of its own: the window's F5 refreshes the shown page (a second F5 would be ambiguous).
    connect(refreshAction, &QAction::triggered, this, &ServicesPage::refresh);
    addAction(refreshAction);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(refreshAction);
    refreshButton->setAccessibleName(tr("Refresh"));
    bar->addStretch(1);
    bar->addWidget(refreshButton);

    connect(m_follower, &JobFollower::progress, this,
            [this](double fraction, const QString &message) {
                m_progress->setValue(int(fraction * 1000));
                m_status->setText(message);
            });
    connect(m_follower, &JobFollower::finished, this, &ServicesPage::jobFinished);
    connect(m_follower, &JobFollower::failed, this, [this](const ApiError &error) {
        endRestart(false, tr("The restart failed: %1").arg(error.message()));
    });
    m_backTimer.setSingleShot(true);
    connect(&m_backTimer, &QTimer::timeout, this, &ServicesPage::waitUntilBack);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(bar);
    layout->addWidget(m_table);
    layout->addWidget(new QLabel(tr("Recent service events:"), this));
    layout->addWidget(m_eventsTable, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
}

void ServicesPage::fitTableToRows()
{
    // Every node's row without scrolling up to MaxVisibleNodes; the events get the rest.
    const int rows = qBound(2, m_model->rowCount(), MaxVisibleNodes);
    m_table->setFixedHeight(m_table->verticalHeader()->defaultSectionSize() * rows
                            + m_table->horizontalHeader()->sizeHint().height() + 2 * m_table->frameWidth() + 2);
}

QString ServicesPage::statusText() const
{
    return m_status->text();
}

void ServicesPage::refresh()
{
    m_client->get(QStringLiteral("/api/services"), this, [this](const ApiResult &result) {
        if (result.ok()) {
            m_model->applyServices(result.object().value(QLatin1String("items")).toArray());
            m_table->resizeColumnsToContents();
            fitTableToRows();
        } else if (m_restarting.isEmpty()) {
            m_status->setText(tr("Could not load the services: %1").arg(result.error.message()));
        }
        emit refreshed(result.ok());
    });
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
    m_client->get(QStringLiteral("/api/services/events"), query, this,
                  [this](const ApiResult &result) {
                      if (!result.ok())
                          return;
                      m_events->applyItems(result.object().value(QLatin1String("items")).toArray());
                      m_eventsTable->resizeColumnsToContents();
                  });
}

void ServicesPage::restartService(const QString &name)
{
    if (!m_restarting.isEmpty())
        return;
    const QString question = name == QLatin1String("gateway")
        ? tr("Restart the gateway? It re-executes itself in place: every console loses its "
             "connection for a few "
             "seconds and reconnects, and tf-syncd is restarted with it.")
        : tr("Restart tf-syncd? Running sync operations are interrupted and retried by the new "
             "process.");
    if (QMessageBox::question(this, tr("Restart Service"), question) != QMessageBox::Yes)
        return;
    m_restarting = name;
    m_before = m_model->service(name);
    m_newPid = 0;
    m_dropped = false;
    m_restartSync->setEnabled(false);
    m_restartGateway->setEnabled(false);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_status->setText(tr("Requesting the restart…"));
    m_client->post(QStringLiteral("/api/services/%1/restart").arg(name), QJsonObject(), this,
                   [this](const ApiResult &result) { m_follower->follow(result); });
}

void ServicesPage::jobFinished(const QJsonObject &job)
{
    const QJsonObject result = job.value(QLatin1String("result")).toObject();
    m_newPid = result.value(QLatin1String("new_pid")).toInteger();
    m_status->setText(m_restarting == QLatin1String("gateway")
                          ? tr("The gateway is restarting; waiting for it to answer again…")
                          : tr("tf-syncd restarted; waiting for it to report healthy…"));
    m_waiting.start();
    waitUntilBack();
}

void ServicesPage::waitUntilBack()
{
    if (m_restarting.isEmpty())
        return;
    if (m_waiting.elapsed() > BackTimeoutMs) {
        endRestart(false,
                   tr("%1 did not come back within %n second(s).", nullptr, BackTimeoutMs / 1000)
                       .arg(m_restarting == QLatin1String("gateway") ? tr("The gateway")
                                                                     : QStringLiteral("tf-syncd")));
        return;
    }
    m_client->get(QStringLiteral("/api/services"), this, [this](const ApiResult &result) {
        const bool answered = result.status != 0 && result.status != 502 && result.status != 503
            && result.status != 504;
        backCheck(result.object().value(QLatin1String("items")).toArray(), answered && result.ok());
    });
}

void ServicesPage::backCheck(const QJsonArray &items, bool answered)
{
    if (!answered) {
        if (!m_dropped && m_restarting == QLatin1String("gateway")) {
            m_dropped = true;
            m_banner->showMessage(
                tr("The connection to the gateway dropped while it restarts; reconnecting…"));
            emit connectionDropped();
        }
        m_backTimer.start(ReconnectPollMs);
        return;
    }
    m_model->applyServices(items);
    const QJsonObject now = m_model->service(m_restarting);
    const bool running = now.value(QLatin1String("status")).toString() == QLatin1String("running");
    if (m_restarting == QLatin1String("sync")) {
        const qint64 pid = now.value(QLatin1String("pid")).toInteger();
        if (running && pid > 0 && pid != m_before.value(QLatin1String("pid")).toInteger()
            && (m_newPid == 0 || pid == m_newPid)) {
            endRestart(true,
                       tr("tf-syncd is back: pid %1 → %2.")
                           .arg(m_before.value(QLatin1String("pid")).toInteger())
                           .arg(pid));
            return;
        }
    } else {
        // Same pid after a re-exec: the uptime starting over says it restarted.
        const double uptime = now.value(QLatin1String("uptime_s")).toDouble();
        const double before
            = m_before.value(QLatin1String("uptime_s")).toDouble() + m_waiting.elapsed() / 1000.0;
        if (running && (m_dropped || uptime < before - 0.5)) {
            m_banner->clear();
            endRestart(true,
                       tr("Reconnected: the gateway restarted (pid %1, up %2 s).")
                           .arg(now.value(QLatin1String("pid")).toInteger())
                           .arg(uptime, 0, 'f', 1));
            return;
        }
    }
    m_backTimer.start(ReconnectPollMs);
}

void ServicesPage::endRestart(bool ok, const QString &message)
{
    const QString name = m_restarting;
    m_restarting.clear();
    m_backTimer.stop();
    m_progress->setVisible(false);
    m_status->setText(message);
    const bool allowed = !m_permissions || m_permissions->has(QStringLiteral("services:restart"));
    m_restartSync->setEnabled(allowed);
    m_restartGateway->setEnabled(allowed);
    refresh();
    emit serviceBack(name, ok);
}

} // namespace tf::console
