#include "backupspage.h"

#include "client/gatewayclient.h"
#include "client/jobfollower.h"
#include "client/permissions.h"
#include "dialogs/restoredialog.h"
#include "models/backupsmodel.h"
#include "settings/displaysettings.h"
#include "widgets/resourcetableview.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QRegularExpressionValidator>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

BackupsPage::BackupsPage(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new BackupsModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_follower(new JobFollower(client, this))
    , m_label(new QLineEdit(this))
    , m_table(makeResourceTable(this, m_sorted, QStringLiteral("backupsTable"), tr("Backups"),
                                LastColumn::Fixed))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
    , m_create(new QAction(tr("&Create Backup"), this))
    , m_delete(new QAction(tr("&Delete…"), this))
    , m_restore(new QAction(tr("&Restore…"), this))
{
    auto formatTimes = [this] {
        m_model->setTimeFormatter(
            [](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    };
    formatTimes();
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_model, formatTimes);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(BackupsModel::SortRole);

    m_label->setObjectName(QStringLiteral("backupLabel"));
    m_label->setAccessibleName(tr("Backup label"));
    m_label->setPlaceholderText(tr("Label (optional)"));
    m_label->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z0-9_-][A-Za-z0-9._-]{0,39}")), m_label));
    m_label->setMaximumWidth(220);

    m_table->setSortingEnabled(true);
    m_table->sortByColumn(BackupsModel::CreatedColumn, Qt::DescendingOrder);
    m_table->horizontalHeader()->setSectionResizeMode(BackupsModel::NameColumn,
                                                      QHeaderView::Stretch);

    m_progress->setObjectName(QStringLiteral("backupProgress"));
    m_progress->setAccessibleName(tr("Backup progress"));
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_status->setObjectName(QStringLiteral("backupsStatus"));
    m_status->setWordWrap(true);

    struct Command
    {
        QAction *action;
        const char *name;
        QKeySequence key;
        QString tip;
        const char *permission;
    };
    const QList<Command> commands {
        { m_create, "createBackup", QKeySequence(Qt::CTRL | Qt::Key_B),
          tr("Back up the control database now (Ctrl+B)"), "backups:create" },
        { m_delete, "deleteBackup", QKeySequence::Delete,
          tr("Delete the selected backup file (Del)"), "backups:delete" },
        { m_restore, "restoreBackup", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
          tr("Restore the control database from the selected backup (Ctrl+Shift+R)"),
          "backups:restore" },
    };
    auto *refreshAction = new QAction(tr("Re&fresh"), this);
    refreshAction->setObjectName(QStringLiteral("refreshBackups"));
    // No key of its own: the window's F5 refreshes the shown page (a second F5 would be ambiguous).
    connect(refreshAction, &QAction::triggered, this, &BackupsPage::refresh);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_label);
    for (const Command &command : commands) {
        command.action->setObjectName(QString::fromLatin1(command.name));
        command.action->setShortcut(command.key);
        command.action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        command.action->setToolTip(command.tip);
        if (m_permissions)
            m_permissions->bind(command.action, QString::fromLatin1(command.permission));
        auto *button = new QToolButton(this);
        button->setDefaultAction(command.action);
        button->setObjectName(QString::fromLatin1(command.name) + QStringLiteral("Button"));
        button->setAccessibleName(
            command.action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")));
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(button);
        addAction(command.action);
    }
    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(refreshAction);
    refreshButton->setAccessibleName(tr("Refresh"));
    bar->addStretch(1);
    bar->addWidget(refreshButton);
    addAction(refreshAction);
    connect(m_create, &QAction::triggered, this, &BackupsPage::createBackup);
    connect(m_create, &QAction::changed, m_label,
            [this] { m_label->setEnabled(m_create->isEnabled()); });
    m_label->setEnabled(m_create->isEnabled());
    connect(m_delete, &QAction::triggered, this, &BackupsPage::deleteSelected);
    connect(m_restore, &QAction::triggered, this, &BackupsPage::openRestoreDialog);
    connect(m_table, &QTableView::doubleClicked, this, [this] {
        if (m_restore->isEnabled())
            openRestoreDialog();
    });

    connect(m_follower, &JobFollower::progress, this,
            [this](double fraction, const QString &message) {
                m_progress->setValue(int(fraction * 1000));
                showStatus(tr("Backing up: %1").arg(message));
            });
    connect(m_follower, &JobFollower::connectionLost, this, [this](const QString &reason) {
        showStatus(tr("The gateway does not answer (%1); still following the backup…").arg(reason));
    });
    connect(m_follower, &JobFollower::finished, this, [this](const QJsonObject &job) {
        const QString name
            = job.value(QLatin1String("result")).toObject().value(QLatin1String("name")).toString();
        m_progress->setVisible(false);
        m_create->setEnabled(!m_permissions
                             || m_permissions->has(QStringLiteral("backups:create")));
        showStatus(tr("Backup %1 created.").arg(name));
        refresh();
        emit backupCreated(name, true);
    });
    connect(m_follower, &JobFollower::failed, this, [this](const ApiError &error) {
        m_progress->setVisible(false);
        m_create->setEnabled(!m_permissions
                             || m_permissions->has(QStringLiteral("backups:create")));
        showStatus(tr("The backup failed: %1").arg(error.message()));
        emit backupCreated(QString(), false);
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
}

QString BackupsPage::statusText() const
{
    return m_status->text();
}

void BackupsPage::showStatus(const QString &text)
{
    m_status->setText(text);
}

QString BackupsPage::selectedName() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->nameAt(m_sorted->mapToSource(rows.first()).row());
}

bool BackupsPage::selectName(const QString &name)
{
    const int row = m_model->rowOfName(name);
    if (row < 0)
        return false;
    m_table->selectRow(m_sorted->mapFromSource(m_model->index(row, 0)).row());
    return selectedName() == name;
}

void BackupsPage::refresh()
{
    m_client->list(QStringLiteral("/api/backups"), {}, this,
                   [this](const QJsonArray &items, const ApiResult &last) {
                       if (last.ok()) {
                           m_model->applyBackups(items);
                           if (!m_sized && !items.isEmpty()) {
                               m_sized = true;
                               for (int column = BackupsModel::CreatedColumn;
                                    column < BackupsModel::ColumnCount; ++column)
                                   m_table->resizeColumnToContents(column);
                           }
                           if (!m_follower->isActive())
                               showStatus(tr("%n backup(s).", nullptr, int(items.size())));
                       } else {
                           showStatus(
                               tr("Could not load the backups: %1").arg(last.error.message()));
                       }
                       emit refreshed(last.ok());
                   });
}

void BackupsPage::createBackup()
{
    if (m_follower->isActive())
        return;
    QJsonObject body;
    if (!m_label->text().isEmpty())
        body.insert(QStringLiteral("label"), m_label->text());
    m_create->setEnabled(false);
    m_progress->setValue(0);
    m_progress->setVisible(true);
    showStatus(tr("Starting the backup…"));
    m_client->post(QStringLiteral("/api/backups"), body, this,
                   [this](const ApiResult &result) { m_follower->follow(result); });
}

void BackupsPage::deleteSelected()
{
    const QString name = selectedName();
    if (name.isEmpty()) {
        showStatus(tr("Select a backup to delete."));
        return;
    }
    if (QMessageBox::question(this, tr("Delete Backup"),
                              tr("Delete the backup %1? The file cannot be recovered.").arg(name))
        != QMessageBox::Yes)
        return;
    m_client->del(QStringLiteral("/api/backups/%1").arg(name), {}, this,
                  [this, name](const ApiResult &result) {
                      showStatus(
                          result.ok()
                              ? tr("Backup %1 deleted.").arg(name)
                              : tr("Could not delete %1: %2").arg(name, result.error.message()));
                      refresh();
                      emit backupDeleted(name, result.ok());
                  });
}

void BackupsPage::openRestoreDialog()
{
    const QString name = selectedName();
    if (name.isEmpty()) {
        showStatus(tr("Select a backup to restore."));
        return;
    }
    if (m_dialog)
        m_dialog->deleteLater();
    m_dialog = new RestoreDialog(m_client, m_model->itemAt(m_model->rowOfName(name)), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &RestoreDialog::restored, this, [this] {
        showStatus(tr("Restore finished."));
        refresh();
    });
    m_dialog->open();
    emit restoreDialogOpened(m_dialog);
}

} // namespace tf::console
