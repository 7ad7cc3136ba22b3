#include "auditpage.h"

#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "models/auditmodel.h"
#include "settings/displaysettings.h"
#include "widgets/auditdetail.h"
#include "widgets/auditfilterbar.h"
#include "widgets/auditsummarychart.h"
#include "widgets/audittableview.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

namespace {
QAction *newAction(const QString &text, const QKeySequence &shortcut, QWidget *owner)
{
    auto *action = new QAction(text, owner);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    owner->addAction(action);
    return action;
}

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setAccessibleName(action->text().remove(QLatin1Char('&')));
    return button;
}
} // namespace

AuditPage::AuditPage(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new AuditModel(client, this))
    , m_filterBar(new AuditFilterBar(this))
    , m_table(new AuditTableView(this))
    , m_tabs(new QTabWidget(this))
    , m_detail(new AuditDetail(this))
    , m_chart(new AuditSummaryChart(this))
    , m_total(new QLabel(this))
    , m_verifyState(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
    , m_refresh(newAction(tr("&Refresh"), QKeySequence(), this)) // F5 is the window's Refresh
    , m_verify(newAction(tr("&Verify chain"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V), this))
    , m_export(newAction(tr("&Export CSV…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this))
    , m_cancel(newAction(tr("&Cancel export"), QKeySequence(Qt::Key_Escape), this))
    , m_newest(newAction(tr("&Newest"), QKeySequence(Qt::CTRL | Qt::Key_Home), this))
    , m_oldest(newAction(tr("&Oldest"), QKeySequence(Qt::CTRL | Qt::Key_End), this))
{
    m_model->setTimeFormatter([](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    connect(DisplaySettings::instance(), &DisplaySettings::changed, m_model, [this] {
        m_model->setTimeFormatter([](const QDateTime &t) { return DisplaySettings::instance()->formatDateTime(t); });
    });

    auto *tools = new QHBoxLayout;
    for (QAction *action : { m_refresh, m_newest, m_oldest, m_verify, m_export })
        tools->addWidget(buttonFor(action, this));
    m_verifyState->setObjectName(QStringLiteral("auditVerifyState"));
    m_verifyState->setAccessibleName(tr("Chain verification"));
    tools->addWidget(m_verifyState, 1);
    m_total->setObjectName(QStringLiteral("auditTotal"));
    m_total->setAccessibleName(tr("Entries matching the filter"));
    tools->addWidget(m_total);

    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setAccessibleName(tr("Audit trail"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const int digit = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    for (auto [column, chars] : { std::pair { AuditModel::IdColumn, 9 }, std::pair { AuditModel::TimeColumn, 21 },
                                  std::pair { AuditModel::UserColumn, 10 }, std::pair { AuditModel::ActionColumn, 18 },
                                  std::pair { AuditModel::SeverityColumn, 8 }, std::pair { AuditModel::TargetColumn, 13 } })
        m_table->setColumnWidth(column, chars * digit);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AuditPage::showSelected);
    connect(m_model, &AuditModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const int current = m_table->currentIndex().row();
        if (current >= from.row() && current <= to.row() && m_detail->entry().isEmpty())
            showSelected();
    });

    m_detail->setObjectName(QStringLiteral("auditDetail"));
    m_chart->setObjectName(QStringLiteral("auditSummary"));
    m_tabs->addTab(m_detail, tr("Detail"));
    m_tabs->addTab(m_chart, tr("Summary"));
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({ 800, 520 });

    auto *progressRow = new QHBoxLayout;
    m_progress->setObjectName(QStringLiteral("auditProgress"));
    m_progress->setAccessibleName(tr("Progress"));
    m_cancelButton->setObjectName(QStringLiteral("auditCancel"));
    m_cancelButton->setAccessibleName(tr("Cancel export"));
    connect(m_cancelButton, &QPushButton::clicked, m_cancel, &QAction::trigger);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancelButton);
    m_progress->hide();
    m_cancelButton->hide();
    m_cancel->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filterBar);
    layout->addLayout(tools);
    layout->addWidget(splitter, 1);
    layout->addLayout(progressRow);

    connect(m_filterBar, &AuditFilterBar::filterChanged, m_model, &AuditModel::setFilter);
    connect(m_model, &AuditModel::summaryChanged, this, [this] {
        m_chart->setSummary(m_model->summary());
        showTotal();
    });
    connect(m_model, &AuditModel::rowsInserted, this, &AuditPage::showTotal);
    connect(m_model, &AuditModel::pageLoaded, this, &AuditPage::showTotal); // placeholders filled: more listed
    connect(m_model, &AuditModel::rowsRemoved, this, &AuditPage::showTotal); // the ends met
    connect(m_model, &AuditModel::modelReset, this, [this] {
        m_detail->setEntry({});
        showTotal();
    });
    connect(m_model, &AuditModel::loadFailed, this, [this](const QString &message) {
        m_total->setText(tr("Could not read the audit trail: %1").arg(message));
    });
    connect(m_refresh, &QAction::triggered, this, &AuditPage::refresh);
    connect(m_verify, &QAction::triggered, this, &AuditPage::verifyChain);
    connect(m_export, &QAction::triggered, this, &AuditPage::chooseExportFile);
    connect(m_cancel, &QAction::triggered, this, &AuditPage::cancel);
    connect(m_newest, &QAction::triggered, this, [this] { selectRow(0); });
    connect(m_oldest, &QAction::triggered, this, &AuditPage::showOldest);
    permissions->bind(m_verify, QStringLiteral("audit:read"));
    permissions->bind(m_refresh, QStringLiteral("audit:read"));
    permissions->bind(m_export, QStringLiteral("audit:export"));
    showTotal();
}

AuditPage::~AuditPage()
{
    // The download writes into m_file: stop it before the file goes (its callback then returns
    // at once).
    m_closing = true;
    cancel();
}

void AuditPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_loaded) {
        m_loaded = true;
        m_model->setFilter(m_filterBar->query());
    }
}

void AuditPage::refresh()
{
    if (!m_loaded) {
        m_loaded = true;
        m_model->setFilter(m_filterBar->query());
        return;
    }
    m_model->refresh();
}

void AuditPage::showTotal()
{
    const qint64 total = m_model->total();
    const QLocale locale;
    m_total->setText(total < 0 ? tr("Counting…")
                               : tr("%1 entries · %2 listed").arg(locale.toString(total), locale.toString(m_model->fetchedRows())));
}

void AuditPage::showSelected()
{
    m_detail->setEntry(m_model->entryAt(m_table->currentIndex().row()));
}

void AuditPage::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, AuditModel::IdColumn); // no sideways scroll
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
    showSelected();
}

void AuditPage::showOldest()
{
    auto *connection = new QMetaObject::Connection;
    *connection = connect(m_model, &AuditModel::endReached, this, [this, connection] {
        disconnect(*connection);
        delete connection;
        selectRow(m_model->rowCount() - 1);
    });
    m_model->fetchToEnd();
}

QString AuditPage::verifyText() const
{
    return m_verifyState->text();
}

void AuditPage::verifyChain()
{
    m_verify->setEnabled(false);
    m_progress->setRange(0, 0); // the gateway answers once the whole chain is walked
    m_progress->setFormat(tr("Verifying the hash chain…"));
    m_progress->show();
    m_verifyState->setText(tr("Verifying…"));
    m_client->get(QStringLiteral("/api/audit/verify"), this, [this](const ApiResult &result) {
        m_verify->setEnabled(true);
        finishProgress();
        if (!result.ok()) {
            m_verifyState->setText(tr("Verification failed: %1").arg(result.error.message()));
            return;
        }
        const QJsonObject answer = result.object();
        const QLocale locale;
        if (answer.value(QLatin1String("intact")).toBool()) {
            m_brokenAt = 0;
            m_detail->setBroken(0, {});
            m_model->setMarkedId(0);
            m_verifyState->setStyleSheet(QStringLiteral("QLabel { color: #2e7d32; font-weight: bold; }"));
            m_verifyState->setText(tr("✔ Chain intact: %1 entries checked").arg(locale.toString(answer.value(QLatin1String("checked")).toInteger())));
            emit verified(true, 0);
            return;
        }
        m_brokenAt = answer.value(QLatin1String("broken_at")).toInteger();
        const QString problem = answer.value(QLatin1String("problem")).toString();
        m_verifyState->setStyleSheet(QStringLiteral("QLabel { color: #d32f2f; font-weight: bold; }"));
        m_verifyState->setText(tr("✖ Chain broken at entry %1").arg(m_brokenAt));
        m_verifyState->setToolTip(problem);
        m_detail->setBroken(m_brokenAt, problem);
        m_model->setMarkedId(m_brokenAt);
        m_tabs->setCurrentWidget(m_detail);
        showBrokenEntry(m_brokenAt);
    });
}

void AuditPage::showBrokenEntry(qint64 id)
{
    m_model->locate(id, [this, id](int row) {
        if (row >= 0) {
            selectRow(row);
        } else { // not under the current filter: show it on its own
            m_table->clearSelection();
            m_client->get(QStringLiteral("/api/audit/%1").arg(id), this, [this](const ApiResult &entry) {
                if (entry.ok())
                    m_detail->setEntry(entry.object());
            });
        }
        emit verified(false, id);
    });
}

void AuditPage::chooseExportFile()
{
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)
        + QStringLiteral("/audit-%1.csv").arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the audit trail"), suggested, tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportTo(path);
}

bool AuditPage::exportTo(const QString &path)
{
    if (m_cancelExport)
        return false;
    m_file = new QSaveFile(path, this); // the file appears only when the export is complete
    if (!m_file->open(QIODevice::WriteOnly)) {
        emit exported(false, m_file->errorString());
        delete std::exchange(m_file, nullptr);
        return false;
    }
    const qint64 total = m_model->total();
    m_exportRows = 0;
    m_progress->setRange(0, total > 0 ? int(qMin<qint64>(total, INT_MAX)) : 0);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Exporting: %v of %m entries"));
    m_verifyState->setStyleSheet({});
    m_verifyState->setText(tr("Exporting to %1…").arg(QDir::toNativeSeparators(path)));
    m_progress->show();
    m_cancelButton->show();
    m_cancel->setEnabled(true);
    m_export->setEnabled(false);
    m_cancelExport = m_client->download(
        QStringLiteral("/api/audit/export"), m_model->filter(), m_file, this,
        [this](qint64, QByteArrayView chunk) {
            m_exportRows += chunk.count(QByteArrayView("\r\n")); // rows, give or take quoted line breaks
            if (m_progress->maximum() > 0)
                m_progress->setValue(int(qMin<qint64>(qMax<qint64>(0, m_exportRows - 1), m_progress->maximum())));
        },
        [this](const ApiResult &result) {
            m_cancelExport = nullptr;
            if (m_closing)
                return;
            const bool ok = result.ok() && m_file->commit();
            if (!ok)
                m_file->cancelWriting();
            const QString message = ok ? tr("Exported %1 entries to %2").arg(qMax<qint64>(0, m_exportRows - 1)).arg(m_file->fileName())
                                       : result.error.isError() ? result.error.message() : m_file->errorString();
            delete std::exchange(m_file, nullptr);
            m_cancel->setEnabled(false);
            m_export->setEnabled(true);
            finishProgress();
            m_verifyState->setText(message);
            emit exported(ok, message);
        });
    return true;
}

void AuditPage::cancel()
{
    // A copy: the abort answers at once, and that answer clears m_cancelExport.
    if (const std::function<void()> stop = m_cancelExport)
        stop();
}

void AuditPage::finishProgress()
{
    if (m_cancelExport)
        return;
    m_progress->hide();
    m_cancelButton->hide();
}

} // namespace tf::console
