#include "restoredialog.h"

#include "client/gatewayclient.h"
#include "client/jobfollower.h"
#include "models/backupsmodel.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace tf::console {

RestoreDialog::RestoreDialog(GatewayClient *client, const QJsonObject &backup, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_follower(new JobFollower(client, this))
    , m_backupName(backup.value(QLatin1String("name")).toString())
    , m_name(new QLineEdit(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("restoreDialog"));
    setWindowTitle(tr("Restore Backup"));
    auto *explanation = new QLabel(this);
    explanation->setObjectName(QStringLiteral("restoreExplanation"));
    explanation->setWordWrap(true);
    explanation->setTextFormat(Qt::RichText);
    explanation->setText(
        tr("<p>Restore the control database from <b>%1</b> (%2, schema %3, %4)?</p>"
           "<ul><li>A <b>safety backup</b> of the current database is taken first.</li>"
           "<li>Syncs are <b>paused</b> while the restore runs; running operations are waited "
           "for.</li>"
           "<li>Every control table is replaced: sync pairs, schedules, <b>users and tokens</b> "
           "return "
           "to their state at the time of the backup. Sign-ins made since may stop working.</li>"
           "<li>The database is then migrated to the current schema and syncs resume.</li></ul>"
           "<p>Type the backup's name to confirm.</p>")
            .arg(m_backupName.toHtmlEscaped(),
                 BackupsModel::sizeText(backup.value(QLatin1String("size_bytes")).toInteger()),
                 QString::number(backup.value(QLatin1String("schema_version")).toInt()),
                 backup.value(QLatin1String("backend")).toString().toHtmlEscaped()));
    explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_name->setObjectName(QStringLiteral("restoreName"));
    m_name->setAccessibleName(tr("Backup name to confirm"));
    m_name->setPlaceholderText(m_backupName);
    m_progress->setObjectName(QStringLiteral("restoreProgress"));
    m_progress->setAccessibleName(tr("Restore progress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setVisible(false);
    m_status->setObjectName(QStringLiteral("restoreStatus"));
    m_status->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(this);
    m_restore = buttons->addButton(tr("&Restore"), QDialogButtonBox::DestructiveRole);
    m_restore->setObjectName(QStringLiteral("restoreButton"));
    m_restore->setAccessibleName(tr("Restore"));
    m_restore->setEnabled(false);
    m_restore->setAutoDefault(false);
    m_close = buttons->addButton(QDialogButtonBox::Cancel);
    m_close->setObjectName(QStringLiteral("restoreCancel"));
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_restore, &QPushButton::clicked, this, &RestoreDialog::restore);
    auto *mismatch = new QLabel(tr("This is not the backup's name."), this);
    mismatch->setObjectName(QStringLiteral("restoreNameMismatch"));
    mismatch->setVisible(false);
    connect(m_name, &QLineEdit::textChanged, this, [this, mismatch](const QString &text) {
        m_restore->setEnabled(text == m_backupName && !m_follower->isActive());
        // Said once the typed text can no longer become the name, not at every keystroke.
        mismatch->setVisible(!text.isEmpty() && !m_backupName.startsWith(text));
    });

    connect(m_follower, &JobFollower::progress, this,
            [this](double fraction, const QString &message) {
                m_progress->setValue(int(fraction * 1000));
                m_status->setText(message);
            });
    connect(m_follower, &JobFollower::connectionLost, this, [this](const QString &reason) {
        m_status->setText(
            tr("The gateway does not answer (%1); still following the restore…").arg(reason));
    });
    connect(m_follower, &JobFollower::finished, this, &RestoreDialog::showFinished);
    connect(m_follower, &JobFollower::failed, this, &RestoreDialog::showFailed);

    auto *form = new QFormLayout;
    form->addRow(tr("Backup &name:"), m_name);
    form->addRow(QString(), mismatch);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

QString RestoreDialog::statusText() const
{
    return m_status->text();
}

void RestoreDialog::restore()
{
    if (m_name->text() != m_backupName || m_follower->isActive())
        return;
    m_restore->setEnabled(false);
    m_name->setReadOnly(true);
    m_progress->setVisible(true);
    m_status->setText(tr("Starting the restore…"));
    m_client->post(QStringLiteral("/api/backups/%1/restore").arg(m_backupName), QJsonObject(), this,
                   [this](const ApiResult &result) { m_follower->follow(result); });
}

void RestoreDialog::showFinished(const QJsonObject &job)
{
    const QJsonObject result = job.value(QLatin1String("result")).toObject();
    m_progress->setValue(1000);
    m_status->setText(
        tr("Restored %n row(s) from %1. Safety backup: %2. Schema %3 → %4.", nullptr,
           result.value(QLatin1String("total_rows")).toInt())
            .arg(m_backupName, result.value(QLatin1String("safety_backup")).toString(tr("none")),
                 QString::number(result.value(QLatin1String("schema_version_before")).toInt()),
                 QString::number(result.value(QLatin1String("schema_version_after")).toInt())));
    m_close->setText(tr("Close"));
    emit restored(job);
}

void RestoreDialog::showFailed(const ApiError &error)
{
    m_status->setText(tr("The restore failed: %1").arg(error.message()));
    m_name->setReadOnly(false);
    m_restore->setEnabled(m_name->text() == m_backupName);
    m_close->setText(tr("Close"));
    emit failed(error);
}

} // namespace tf::console
