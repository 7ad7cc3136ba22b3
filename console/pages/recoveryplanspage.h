#pragma once

#include <QJsonObject>
#include <QMap>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace tf::console {

class GatewayClient;
class Permissions;
class RecoveryPlansModel;

// Recovery plans (GET /api/recovery-plans): create one for a scenario (service outage, data
// corruption, complete failure) with the components to include (POST, recovery:write), read
// the selected one rendered from its Markdown, and save its script to a file. openScenario()
// is how the Alerts page's "Open Recovery Plan" lands here.
class RecoveryPlansPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecoveryPlansPage)

public:
    RecoveryPlansPage(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    RecoveryPlansModel *model() const { return m_model; }
    QTextBrowser *plan() const { return m_plan; }
    QComboBox *scenarioChooser() const { return m_scenario; }
    QCheckBox *componentBox(const QString &component) const
    {
        return m_components.value(component);
    }
    QAction *createAction() const { return m_create; }
    QAction *saveScriptAction() const { return m_saveScript; }
    QString shownPlan() const { return m_shown.value(QLatin1String("name")).toString(); }
    QString statusText() const;

    // The plan scenario that answers an alert rule (service_restarts_per_24h: service_outage, ...).
    static QString scenarioForAlertRule(const QString &rule);

public slots:
    void refresh();
    void createPlan();
    void openPlan(const QString &name);
    // Shows the newest plan of the scenario, or readies the form to create one.
    void openScenario(const QString &scenario);
    bool saveScript(const QString &path);

signals:
    void refreshed(bool ok);
    void planCreated(const QString &name, bool ok);
    void planOpened(const QString &name, bool ok);

private:
    void applyScenarioDefaults();
    void chooseScriptFile();

    GatewayClient *m_client;
    RecoveryPlansModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_table;
    QTextBrowser *m_plan;
    QComboBox *m_scenario;
    QMap<QString, QCheckBox *> m_components;
    QLabel *m_status;
    QAction *m_create;
    QAction *m_saveScript;
    QJsonObject m_shown; // the plan on display, with its script_text
    QString m_pendingScenario; // openScenario() before the list arrived
};

} // namespace tf::console
