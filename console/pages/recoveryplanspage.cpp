#include "recoveryplanspage.h"

#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "models/recoveryplansmodel.h"
#include "settings/displaysettings.h"
#include "widgets/resourcetableview.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

RecoveryPlansPage::RecoveryPlansPage(GatewayClient *client, Permissions *permissions,
                                     QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new RecoveryPlansModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_table(makeResourceTable(this, m_sorted, QStringLiteral("recoveryPlansTable"),
                                tr("Recovery plans"), LastColumn::Fixed))
    , m_plan(new QTextBrowser(this))
    , m_scenario(new QComboBox(this))
    , m_status(new QLabel(this))
    , m_create(new QAction(tr("&Create Plan"), this))
    , m_saveScript(new QAction(tr("&Save Script…"), this))
{
    auto formatTimes = [this] {
        m_model->setTimeFormatter(
            [](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    };
    formatTimes();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_model, formatTimes);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(RecoveryPlansModel::SortRole);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RecoveryPlansModel::CreatedColumn, Qt::DescendingOrder);
    m_table->horizontalHeader()->setSectionResizeMode(RecoveryPlansModel::NameColumn,
                                                      QHeaderView::Stretch);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    openPlan(m_model->itemAt(m_sorted->mapToSource(current).row())
                                 .value(QLatin1String("name"))
                                 .toString());
            });
    m_plan->setObjectName(QStringLiteral("recoveryPlanText"));
    m_plan->setAccessibleName(tr("Recovery plan"));
    m_plan->setOpenLinks(false);
    m_plan->setPlaceholderText(tr("Select a plan to read it."));

    m_scenario->setObjectName(QStringLiteral("recoveryScenario"));
    m_scenario->setAccessibleName(tr("Recovery scenario"));
    m_scenario->addItem(tr("Service outage"), QStringLiteral("service_outage"));
    m_scenario->addItem(tr("Data corruption"), QStringLiteral("data_corruption"));
    m_scenario->addItem(tr("Complete failure"), QStringLiteral("complete_failure"));
    connect(m_scenario, &QComboBox::currentIndexChanged, this,
            &RecoveryPlansPage::applyScenarioDefaults);
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Scenario:"), this));
    bar->addWidget(m_scenario);
    bar->addWidget(new QLabel(tr("Include:"), this));
    for (const auto &[key, label] : { std::pair { QStringLiteral("gateway"), tr("Gateway") },
                                      std::pair { QStringLiteral("syncd"), tr("tf-syncd") },
                                      std::pair { QStringLiteral("database"), tr("Database") } }) {
        auto *box = new QCheckBox(label, this);
        box->setObjectName(QStringLiteral("component_") + key);
        box->setAccessibleName(tr("Include %1").arg(label));
        m_components.insert(key, box);
        bar->addWidget(box);
    }
    struct Command
    {
        QAction *action;
        const char *name;
        QKeySequence key;
        QString tip;
    };
    // Two rows, so the page fits a narrow window: writing a plan, then reading one.
    auto *readBar = new QHBoxLayout;
    for (const Command &command :
         { Command { m_create, "createRecoveryPlan", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
                     tr("Write a plan for the scenario and components (Ctrl+Shift+N)") },
           Command { m_saveScript, "saveRecoveryScript", QKeySequence::Save,
                     tr("Save the shown plan's script to a file (Ctrl+S)") } }) {
        command.action->setObjectName(QString::fromLatin1(command.name));
        command.action->setShortcut(command.key);
        command.action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        command.action->setToolTip(command.tip);
        auto *button = new QToolButton(this);
        button->setDefaultAction(command.action);
        button->setObjectName(QString::fromLatin1(command.name) + QStringLiteral("Button"));
        button->setAccessibleName(
            command.action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")));
        (command.action == m_create ? bar : readBar)->addWidget(button);
        addAction(command.action);
    }
    bar->addStretch(1);
    if (permissions)
        permissions->bind(m_create, QStringLiteral("recovery:write"));
    connect(m_create, &QAction::changed, this, [this] {
        m_scenario->setEnabled(m_create->isEnabled());
        for (QCheckBox *box : std::as_const(m_components))
            box->setEnabled(m_create->isEnabled());
    });
    m_saveScript->setEnabled(false);
    connect(m_create, &QAction::triggered, this, &RecoveryPlansPage::createPlan);
    connect(m_saveScript, &QAction::triggered, this, &RecoveryPlansPage::chooseScriptFile);
    auto *refreshAction = new QAction(tr("Re&fresh"), this);
    // No key of its own: the window's F5 refreshes the shown page (a second F5 would be ambiguous).
    connect(refreshAction, &QAction::triggered, this, &RecoveryPlansPage::refresh);
    addAction(refreshAction);
    readBar->addStretch(1);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(refreshAction);
    refreshButton->setAccessibleName(tr("Refresh"));
    readBar->addWidget(refreshButton);
    applyScenarioDefaults();

    m_status->setObjectName(QStringLiteral("recoveryStatus"));
    m_status->setWordWrap(true);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_plan);
    splitter->setStretchFactor(1, 3);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(readBar);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);
}

QString RecoveryPlansPage::statusText() const
{
    return m_status->text();
}

QString RecoveryPlansPage::scenarioForAlertRule(const QString &rule)
{
    // Operations failing by the hour point at the data; everything else at a service.
    if (rule == QLatin1String("failed_operations_per_hour"))
        return QStringLiteral("data_corruption");
    return QStringLiteral("service_outage");
}

void RecoveryPlansPage::applyScenarioDefaults()
{
    // The gateway's defaults per scenario: outage gateway + syncd, corruption the database,
    // complete failure all three.
    const QString scenario = m_scenario->currentData().toString();
    m_components.value(QStringLiteral("gateway"))
        ->setChecked(scenario != QLatin1String("data_corruption"));
    m_components.value(QStringLiteral("syncd"))
        ->setChecked(scenario != QLatin1String("data_corruption"));
    m_components.value(QStringLiteral("database"))
        ->setChecked(scenario != QLatin1String("service_outage"));
}

void RecoveryPlansPage::refresh()
{
    m_client->list(
        QStringLiteral("/api/recovery-plans"), {}, this,
        [this](const QJsonArray &items, const ApiResult &last) {
            if (last.ok()) {
                m_model->applyPlans(items);
                m_table->resizeColumnsToContents();
                if (!m_pendingScenario.isEmpty())
                    openScenario(std::exchange(m_pendingScenario, QString()));
            } else {
                m_status->setText(
                    tr("Could not load the recovery plans: %1").arg(last.error.message()));
            }
            emit refreshed(last.ok());
        },
        4);
}

void RecoveryPlansPage::createPlan()
{
    QJsonArray components;
    for (auto it = m_components.cbegin(); it != m_components.cend(); ++it)
        if (it.value()->isChecked())
            components.append(it.key());
    const QJsonObject body { { QStringLiteral("scenario"), m_scenario->currentData().toString() },
                             { QStringLiteral("components"), components } };
    m_status->setText(tr("Writing the plan…"));
    m_client->post(
        QStringLiteral("/api/recovery-plans"), body, this, [this](const ApiResult &result) {
            const QString name = result.object().value(QLatin1String("name")).toString();
            if (result.ok()) {
                m_status->setText(tr("Plan %1 written.").arg(name));
                refresh();
                openPlan(name);
            } else {
                m_status->setText(tr("Could not write the plan: %1").arg(result.error.message()));
            }
            emit planCreated(name, result.ok());
        });
}

void RecoveryPlansPage::openPlan(const QString &name)
{
    if (name.isEmpty() || name == shownPlan())
        return;
    m_client->get(QStringLiteral("/api/recovery-plans/%1").arg(name), this,
                  [this, name](const ApiResult &result) {
                      if (result.ok()) {
                          m_shown = result.object();
                          m_plan->setMarkdown(m_shown.value(QLatin1String("markdown")).toString());
                          m_saveScript->setEnabled(
                              !m_shown.value(QLatin1String("script_text")).toString().isEmpty());
                      } else {
                          m_status->setText(
                              tr("Could not read %1: %2").arg(name, result.error.message()));
                      }
                      emit planOpened(name, result.ok());
                  });
}

void RecoveryPlansPage::openScenario(const QString &scenario)
{
    m_scenario->setCurrentIndex(qMax(0, m_scenario->findData(scenario)));
    if (m_model->rowCount() == 0 && m_pendingScenario.isEmpty()) {
        m_pendingScenario = scenario; // answered when the list arrives
        refresh();
        return;
    }
    const QString newest = m_model->newestOf(scenario);
    if (newest.isEmpty()) {
        m_status->setText(tr("There is no %1 plan yet: choose its components and Create Plan.")
                              .arg(m_scenario->currentText().toLower()));
        return;
    }
    m_table->selectRow(m_sorted->mapFromSource(m_model->index(m_model->rowOfKey(newest), 0)).row());
    openPlan(newest);
}

bool RecoveryPlansPage::saveScript(const QString &path)
{
    const QString script = m_shown.value(QLatin1String("script_text")).toString();
    QFile file(path);
    if (script.isEmpty() || !file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_status->setText(tr("Could not write %1.").arg(path));
        return false;
    }
    const bool written = file.write(script.toUtf8()) == script.toUtf8().size();
    file.setPermissions(file.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeUser);
    m_status->setText(written ? tr("Script saved to %1.").arg(path)
                              : tr("Could not write %1.").arg(path));
    return written;
}

void RecoveryPlansPage::chooseScriptFile()
{
    const QString suggested = m_shown.value(QLatin1String("script")).toString();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Recovery Script"), suggested,
                                                      tr("Shell scripts (*.sh)"));
    if (!path.isEmpty())
        saveScript(path);
}

} // namespace tf::console
