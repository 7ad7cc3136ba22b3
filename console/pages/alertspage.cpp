#include "alertspage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "models/alertsmodel.h"
#include "models/csvexport.h"
#include "models/resourcefiltermodel.h"
#include "settings/displaysettings.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace tf::console {

namespace {
bool isOpen(const QJsonObject &alert)
{
    const QString status = alert.value(QLatin1String("status")).toString();
    return status == QLatin1String("raised") || status == QLatin1String("acknowledged");
}
} // namespace

AlertsPage::AlertsPage(GatewayClient *client, ChangePoller *poller, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new AlertsModel(this))
    , m_filter(new ResourceFilterModel(this))
    , m_status(new QComboBox(this))
    , m_text(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_message(new QLabel(this))
    , m_acknowledge(new QAction(tr("&Acknowledge"), this))
{
    m_model->setTimeFormatter([](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_model, [this] {
        m_model->setTimeFormatter([](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    });
    m_filter->setSourceModel(m_model);

    m_status->setObjectName(QStringLiteral("alertsStatus"));
    m_status->setAccessibleName(tr("Alert state"));
    m_status->addItem(tr("Open"), QStringList { QStringLiteral("raised"), QStringLiteral("acknowledged") });
    m_status->addItem(tr("Raised (not acknowledged)"), QStringList { QStringLiteral("raised") });
    m_status->addItem(tr("Acknowledged"), QStringList { QStringLiteral("acknowledged") });
    m_status->addItem(tr("Resolved"), QStringList { QStringLiteral("resolved") });
    m_status->addItem(tr("All"), QStringList());
    connect(m_status, &QComboBox::currentIndexChanged, this, &AlertsPage::applyStatusFilter);
    m_text->setObjectName(QStringLiteral("alertsFilter"));
    m_text->setAccessibleName(tr("Filter alerts"));
    m_text->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    connect(m_text, &QLineEdit::textChanged, m_filter, &ResourceFilterModel::setText);

    m_table->setObjectName(QStringLiteral("alertsTable"));
    m_table->setAccessibleName(tr("Alerts"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(AlertsModel::RaisedColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(AlertsModel::MessageColumn, QHeaderView::Stretch);
    m_table->setColumnHidden(AlertsModel::IdColumn, true);
    m_table->setColumnHidden(AlertsModel::AcknowledgedAtColumn, true);
    m_table->setColumnWidth(AlertsModel::RaisedColumn, 170);

    m_acknowledge->setObjectName(QStringLiteral("acknowledgeAlert"));
    m_acknowledge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_acknowledge->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_acknowledge->setToolTip(tr("Acknowledge the selected alert (Ctrl+K)"));
    connect(m_acknowledge, &QAction::triggered, this, &AlertsPage::acknowledgeSelected);
    if (permissions)
        permissions->bind(m_acknowledge, QStringLiteral("alerts:ack"));
    auto *find = new QAction(tr("Find"), this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, m_text, [this] {
        m_text->setFocus();
        m_text->selectAll();
    });
    auto *exportAction = new QAction(tr("Export CSV…"), this);
    exportAction->setObjectName(QStringLiteral("exportAlerts"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(exportAction, &QAction::triggered, this, &AlertsPage::chooseExportFile);
    auto *refreshAction = new QAction(tr("Refresh Alerts"), this);
    connect(refreshAction, &QAction::triggered, this, &AlertsPage::refresh);
    auto *recoveryPlan = new QAction(tr("Recovery &Plan"), this);
    recoveryPlan->setObjectName(QStringLiteral("openRecoveryPlan"));
    recoveryPlan->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    recoveryPlan->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    recoveryPlan->setToolTip(tr("Open the recovery plan for the selected alert (Ctrl+Shift+P)"));
    connect(recoveryPlan, &QAction::triggered, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            emit recoveryPlanRequested(m_model->itemAt(m_filter->mapToSource(rows.first()).row()).value(QLatin1String("rule")).toString());
    });
    addActions({ m_acknowledge, find, exportAction, recoveryPlan });

    auto button = [this](QAction *action, const QString &name) {
        auto *b = new QToolButton(this);
        b->setDefaultAction(action);
        b->setObjectName(name);
        b->setAccessibleName(action->text().remove(QLatin1Char('&')));
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        return b;
    };
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("State:"), this));
    bar->addWidget(m_status);
    bar->addWidget(m_text, 1);
    bar->addWidget(button(m_acknowledge, QStringLiteral("acknowledgeButton")));
    bar->addWidget(button(exportAction, QStringLiteral("exportButton")));
    bar->addWidget(button(recoveryPlan, QStringLiteral("recoveryPlanButton")));
    bar->addWidget(button(refreshAction, QStringLiteral("refreshButton")));
    m_message->setObjectName(QStringLiteral("alertsMessage"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    applyStatusFilter();

    if (poller) {
        connect(poller, &ChangePoller::reloadAll, this, &AlertsPage::refresh);
        connect(poller, &ChangePoller::changed, this, [this](const QString &type) {
            if (type == QLatin1String("alert"))
                refresh();
        });
    }
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon().isNull()
                                             ? style()->standardIcon(QStyle::SP_MessageBoxWarning)
                                             : QApplication::windowIcon(),
                                     this);
        m_tray->setToolTip(tr("TerraFusion alerts"));
    }
}

void AlertsPage::applyStatusFilter()
{
    m_filter->setFieldFilter(QStringLiteral("status"), m_status->currentData().toStringList());
}

void AlertsPage::refresh()
{
    if (m_inFlight) {
        m_again = true; // one more after this answer: a change may have come in meanwhile
        return;
    }
    m_inFlight = true;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("status"), QStringLiteral("all"));
    m_client->list(QStringLiteral("/api/alerts"), query, this, [this](const QJsonArray &items, const ApiResult &last) {
        m_inFlight = false;
        if (last.ok()) {
            notifyNew(items);
            m_model->applyItems(items);
            if (!m_sized && !items.isEmpty()) {
                m_sized = true; // once: later the user's widths stay
                for (int column : { int(AlertsModel::SeverityColumn), int(AlertsModel::RuleColumn), int(AlertsModel::SourceColumn),
                                    int(AlertsModel::StatusColumn), int(AlertsModel::AcknowledgedByColumn),
                                    int(AlertsModel::ValueColumn) })
                    m_table->resizeColumnToContents(column);
                // Wide enough for the longest state, which an acknowledge brings later.
                m_table->setColumnWidth(AlertsModel::StatusColumn,
                                        qMax(m_table->columnWidth(AlertsModel::StatusColumn),
                                             m_table->fontMetrics().horizontalAdvance(tr("acknowledged")) + 16));
            }
            int open = 0;
            for (const QJsonValue &item : items)
                open += isOpen(item.toObject()) ? 1 : 0;
            m_message->setText(tr("%n open alert(s); %1 shown", nullptr, open).arg(m_filter->rowCount()));
            if (open != m_openCount) {
                m_openCount = open;
                emit openCountChanged(open);
            }
        } else {
            m_message->setText(tr("Could not load the alerts: %1").arg(last.error.message()));
        }
        emit refreshed(last.ok());
        if (m_again) {
            m_again = false;
            refresh();
        }
    });
}

void AlertsPage::notifyNew(const QJsonArray &items)
{
    QStringList fresh;
    for (const QJsonValue &value : items) {
        const QJsonObject alert = value.toObject();
        const qint64 id = alert.value(QLatin1String("id")).toInteger(-1);
        if (m_seen.contains(id))
            continue;
        m_seen.insert(id);
        if (m_loaded && alert.value(QLatin1String("status")).toString() == QLatin1String("raised"))
            fresh << alert.value(QLatin1String("message")).toString();
    }
    m_loaded = true;
    QWidget *top = window();
    if (m_tray && !fresh.isEmpty() && (top->isHidden() || top->isMinimized())
        && DisplaySettings::instance()->notifies(DisplaySettings::Event::NewAlert)) {
        m_tray->show();
        m_tray->showMessage(tr("%n new alert(s)", nullptr, int(fresh.size())), fresh.join(QLatin1Char('\n')),
                            QSystemTrayIcon::Warning);
    }
}

void AlertsPage::acknowledgeSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_message->setText(tr("Select an alert to acknowledge."));
        return;
    }
    const QModelIndex source = m_filter->mapToSource(rows.first());
    const QJsonObject alert = m_model->itemAt(source.row());
    const qint64 id = m_model->idAt(source.row());
    if (alert.value(QLatin1String("status")).toString() != QLatin1String("raised")) {
        m_message->setText(tr("Alert %1 is %2; only a raised alert is acknowledged.")
                                   .arg(id)
                                   .arg(alert.value(QLatin1String("status")).toString()));
        return;
    }
    // The route takes no comment (only "by", which the gateway fills with the signed-in user).
    m_client->post(QStringLiteral("/api/alerts/%1/acknowledge").arg(id), QJsonObject(), this,
                   [this, id](const ApiResult &result) {
                       if (result.ok()) {
                           m_model->upsert(result.object());
                           m_message->setText(tr("Alert %1 acknowledged.").arg(id));
                       } else {
                           m_message->setText(tr("Could not acknowledge alert %1: %2").arg(id).arg(result.error.message()));
                       }
                       emit acknowledged(id, result.ok());
                       refresh();
                   });
}

bool AlertsPage::exportCsv(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    CsvExportOptions options;
    const QHeaderView *header = m_table->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            options.columns << logical;
    }
    return tf::console::exportCsv(*m_filter, file, options);
}

void AlertsPage::chooseExportFile()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Alerts"), QStringLiteral("alerts.csv"),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !exportCsv(path))
        m_message->setText(tr("Could not write %1.").arg(path));
}

} // namespace tf::console
