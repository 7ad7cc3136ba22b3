#pragma once

#include "client/apierror.h"
#include "dialogs/restoredialog.h"

#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;

namespace tf::console {

class BackupsModel;
class GatewayClient;
class JobFollower;
class Permissions;

// Backups of the control database (GET /api/backups): name, time, size, backend, schema
// version and verified state. Create Backup (optional label) runs as a job with a progress
// bar (backups:create); Delete asks first (backups:delete); Restore… opens the RestoreDialog
// (backups:restore). Every write is an action bound to its permission.
class BackupsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BackupsPage)

public:
    BackupsPage(GatewayClient *client, Permissions *permissions, QWidget *parent = nullptr);

    BackupsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *labelEdit() const { return m_label; }
    QAction *createAction() const { return m_create; }
    QAction *deleteAction() const { return m_delete; }
    QAction *restoreAction() const { return m_restore; }
    RestoreDialog *restoreDialog() const { return m_dialog; }
    QString statusText() const;
    QString selectedName() const;
    bool selectName(const QString &name);

public slots:
    void refresh();
    void createBackup();
    void deleteSelected();
    void openRestoreDialog();

signals:
    void refreshed(bool ok);
    void backupCreated(const QString &name, bool ok);
    void backupDeleted(const QString &name, bool ok);
    void restoreDialogOpened(tf::console::RestoreDialog *dialog);

private:
    void showStatus(const QString &text);

    GatewayClient *m_client;
    Permissions *m_permissions;
    BackupsModel *m_model;
    QSortFilterProxyModel *m_sorted;
    JobFollower *m_follower;
    QLineEdit *m_label;
    QTableView *m_table;
    QProgressBar *m_progress;
    QLabel *m_status;
    QAction *m_create;
    QAction *m_delete;
    QAction *m_restore;
    QPointer<RestoreDialog> m_dialog;
    bool m_sized = false;
};

} // namespace tf::console
