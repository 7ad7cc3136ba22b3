#include "maintenancepage.h"

#include "client/gatewayclient.h"
#include "client/jobfollower.h"
#include "client/permissions.h"
#include "models/maintenancemodels.h"
#include "settings/displaysettings.h"
#include "widgets/resourcetableview.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

MaintenancePage::MaintenancePage(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_windows(new MaintenanceWindowsModel(this))
    , m_runs(new MaintenanceRunsModel(this))
    , m_sortedRuns(new QSortFilterProxyModel(this))
    , m_follower(new JobFollower(client, this))
    , m_report(new QTextBrowser(this))
    , m_type(new QComboBox(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_runNow(new QAction(tr("&Run Now…"), this))
{
    auto formatTimes = [this] {
        const auto format
            = [](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); };
        m_windows->setTimeFormatter(format);
        m_runs->setTimeFormatter(format);
    };
    formatTimes();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, formatTimes);
    m_sortedRuns->setSourceModel(m_runs);
    m_sortedRuns->setSortRole(MaintenanceRunsModel::SortRole);
    m_sortedRuns->sort(MaintenanceRunsModel::IdColumn, Qt::DescendingOrder);

    m_windowsTable = makeResourceTable(this, m_windows, QStringLiteral("maintenanceWindows"),
                                       tr("Maintenance windows"));
    m_windowsTable->setWordWrap(false); // the task list is elided; its tooltip has it whole
    m_windowsTable->setMaximumHeight(m_windowsTable->verticalHeader()->defaultSectionSize() * 3
                                     + m_windowsTable->horizontalHeader()->sizeHint().height() + 4);
    m_runsTable = makeResourceTable(this, m_sortedRuns, QStringLiteral("maintenanceRuns"),
                                    tr("Maintenance runs"));
    connect(m_runsTable, &QTableView::activated, this, &MaintenancePage::openSelected);
    connect(m_runsTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MaintenancePage::openSelected);
    m_report->setObjectName(QStringLiteral("maintenanceReport"));
    m_report->setAccessibleName(tr("Maintenance report"));
    m_report->setOpenLinks(false);
    m_report->setPlaceholderText(tr("Select a run to read its report."));

    m_type->setObjectName(QStringLiteral("maintenanceType"));
    m_type->setAccessibleName(tr("Maintenance window to run"));
    m_type->addItem(tr("Weekly"), QStringLiteral("weekly"));
    m_type->addItem(tr("Monthly"), QStringLiteral("monthly"));
    m_type->addItem(tr("Quarterly"), QStringLiteral("quarterly"));
    m_runNow->setObjectName(QStringLiteral("runMaintenance"));
    m_runNow->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    m_runNow->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_runNow->setToolTip(tr("Run the chosen maintenance window now (Ctrl+Shift+M)"));
    if (m_permissions)
        m_permissions->bind(m_runNow, QStringLiteral("maintenance:run"));
    connect(m_runNow, &QAction::triggered, this, &MaintenancePage::runNow);
    connect(m_runNow, &QAction::changed, m_type,
            [this] { m_type->setEnabled(m_runNow->isEnabled()); });
    m_type->setEnabled(m_runNow->isEnabled());
    auto *refreshAction = new QAction(tr("Re&fresh"), this);
    // No key of its own: the window's F5 refreshes the shown page (a second F5 would be ambiguous).
    connect(refreshAction, &QAction::triggered, this, &MaintenancePage::refresh);
    addActions({ m_runNow, refreshAction });

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Window:"), this));
    bar->addWidget(m_type);
    auto *runButton = new QToolButton(this);
    runButton->setDefaultAction(m_runNow);
    runButton->setObjectName(QStringLiteral("runMaintenanceButton"));
    runButton->setAccessibleName(tr("Run Now"));
    bar->addWidget(runButton);
    bar->addStretch(1);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(refreshAction);
    refreshButton->setAccessibleName(tr("Refresh"));
    bar->addWidget(refreshButton);

    m_progress->setObjectName(QStringLiteral("maintenanceProgress"));
    m_progress->setAccessibleName(tr("Maintenance progress"));
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_status->setObjectName(QStringLiteral("maintenanceStatus"));
    m_status->setWordWrap(true);
    connect(m_follower, &JobFollower::progress, this,
            [this](double fraction, const QString &message) {
                m_progress->setValue(int(fraction * 1000));
                m_status->setText(message);
            });
    connect(m_follower, &JobFollower::finished, this, [this](const QJsonObject &job) {
        const QJsonObject result = job.value(QLatin1String("result")).toObject();
        const qint64 runId = result.value(QLatin1String("run_id")).toInteger();
        m_progress->setVisible(false);
        m_status->setText(tr("Maintenance run %1 finished: %2.")
                              .arg(runId)
                              .arg(result.value(QLatin1String("status")).toString()));
        refresh();
        openReport(runId);
        emit runFinished(runId, true);
    });
    connect(m_follower, &JobFollower::failed, this, [this](const ApiError &error) {
        m_progress->setVisible(false);
        m_status->setText(tr("The maintenance run failed: %1").arg(error.message()));
        emit runFinished(0, false);
    });

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("maintenanceSplitter"));
    splitter->addWidget(m_runsTable);
    splitter->addWidget(m_report);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_windowsTable);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
}

QString MaintenancePage::statusText() const
{
    return m_status->text();
}

void MaintenancePage::refresh()
{
    m_client->get(QStringLiteral("/api/maintenance"), this, [this](const ApiResult &result) {
        if (result.ok()) {
            m_windows->applySchedule(result.object().value(QLatin1String("schedule")).toArray());
            m_windowsTable->resizeColumnsToContents();
        } else {
            m_status->setText(
                tr("Could not load the maintenance windows: %1").arg(result.error.message()));
        }
        emit refreshed(result.ok());
    });
    m_client->list(
        QStringLiteral("/api/maintenance/runs"), {}, this,
        [this](const QJsonArray &items, const ApiResult &last) {
            if (last.ok()) {
                m_runs->applyItems(items);
                m_runsTable->resizeColumnsToContents();
            }
        },
        4);
}

void MaintenancePage::runNow()
{
    if (m_follower->isActive())
        return;
    const QString type = m_type->currentData().toString();
    if (QMessageBox::question(
            this, tr("Run Maintenance"),
            tr("Run the %1 maintenance window now? It runs its tasks at once, beside the syncs.")
                .arg(type))
        != QMessageBox::Yes)
        return;
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_status->setText(tr("Starting the %1 maintenance…").arg(type));
    m_client->post(QStringLiteral("/api/maintenance/run"),
                   QJsonObject { { QStringLiteral("type"), type } }, this,
                   [this](const ApiResult &result) { m_follower->follow(result); });
}

void MaintenancePage::openSelected()
{
    const QModelIndex current = m_runsTable->currentIndex();
    if (current.isValid())
        openReport(current.data(MaintenanceRunsModel::IdRole).toLongLong());
}

void MaintenancePage::openReport(qint64 runId)
{
    if (runId <= 0)
        return;
    m_client->get(
        QStringLiteral("/api/maintenance/runs/%1").arg(runId), this,
        [this, runId](const ApiResult &result) {
            const QJsonValue markdown = result.object().value(QLatin1String("markdown"));
            if (result.ok() && markdown.isString()) {
                m_report->setMarkdown(markdown.toString());
            } else if (result.ok()) {
                m_report->setPlainText(
                    tr("The report file of run %1 is no longer there.").arg(runId));
            } else {
                m_report->setPlainText(
                    tr("Could not read run %1: %2").arg(runId).arg(result.error.message()));
            }
            emit reportOpened(runId, result.ok() && markdown.isString());
        });
}

} // namespace tf::console
