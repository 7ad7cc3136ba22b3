#pragma once

#include "client/apierror.h"

#include <QDialog>
#include <QJsonObject>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace tf::console {

class GatewayClient;
class JobFollower;

// Restores the control database from one backup (POST /api/backups/{name}/restore). It says
// what will happen (a safety backup first, syncs paused meanwhile, users and tokens back to
// the backup's state) and keeps Restore disabled until the backup's exact name is typed;
// then it follows the job to its end and shows the outcome.
class RestoreDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestoreDialog)

public:
    RestoreDialog(GatewayClient *client, const QJsonObject &backup, QWidget *parent = nullptr);

    QLineEdit *nameEdit() const { return m_name; }
    QPushButton *restoreButton() const { return m_restore; }
    QString statusText() const;

public slots:
    void restore();

signals:
    void restored(const QJsonObject &job);
    void failed(const tf::console::ApiError &error);

private:
    void showFinished(const QJsonObject &job);
    void showFailed(const ApiError &error);

    GatewayClient *m_client;
    JobFollower *m_follower;
    QString m_backupName;
    QLineEdit *m_name;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_restore;
    QPushButton *m_close;
};

} // namespace tf::console
