#include "operationspage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "models/csvexport.h"
#include "models/operationsmodel.h"
#include "models/resourcefiltermodel.h"
#include "settings/displaysettings.h"
#include "widgets/changesetview.h"
#include "widgets/operationlogview.h"
#include "widgets/progressdelegate.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace tf::console {

namespace {

bool isActive(const QString &status)
{
    return status == QLatin1String("queued") || status == QLatin1String("running");
}

QString scalarText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return QString();
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 12);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return QString::fromUtf8(QJsonDocument(value.isObject() ? QJsonDocument(value.toObject())
                                                            : QJsonDocument(value.toArray()))
                                     .toJson(QJsonDocument::Compact));
}

QString timeText(const QJsonValue &value)
{
    const QDateTime when = ResourceTableModel::parseTime(value);
    return when.isValid() ? DisplaySettings::instance()->formatDateTime(when) : QStringLiteral("—");
}

QString msText(const QJsonValue &value)
{
    if (!value.isDouble())
        return QStringLiteral("—");
    const double ms = value.toDouble();
    return ms < 1000 ? QObject::tr("%1 ms").arg(qRound(ms)) : QObject::tr("%1 s").arg(ms / 1000.0, 0, 'f', 1);
}

} // namespace

OperationsPage::OperationsPage(GatewayClient *client, ChangePoller *poller, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new OperationsModel(this))
    , m_filter(new ResourceFilterModel(this))
    , m_table(new QTableView(this))
    , m_status(new QComboBox(this))
    , m_pair(new QLineEdit(this))
    , m_text(new QLineEdit(this))
    , m_message(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_tabs(new QTabWidget(this))
    , m_summary(new QTextBrowser(this))
    , m_changeSet(new ChangeSetView(this))
    , m_logView(new OperationLogView(client, this))
    , m_poll(new QTimer(this))
    , m_coalesce(new QTimer(this))
{
    setObjectName(QStringLiteral("operationsPage"));
    m_model->setTimeFormatter([](const QDateTime &when) { return DisplaySettings::instance()->formatDateTime(when); });
    m_filter->setSourceModel(m_model);

    // Filters: status and pair are asked of the gateway; the text filters what it sent.
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->setAccessibleName(tr("Status filter"));
    m_status->addItem(tr("All statuses"), QString());
    for (const char *status : { "queued", "running", "completed", "completed_with_errors", "failed", "cancelled" })
        m_status->addItem(QString::fromLatin1(status), QString::fromLatin1(status));
    m_pair->setObjectName(QStringLiteral("pairFilter"));
    m_pair->setAccessibleName(tr("Pair filter"));
    m_pair->setPlaceholderText(tr("Pair id"));
    m_pair->setValidator(new QIntValidator(1, INT_MAX, m_pair));
    m_pair->setMaximumWidth(90);
    m_pair->setClearButtonEnabled(true);
    m_text->setObjectName(QStringLiteral("filter"));
    m_text->setAccessibleName(tr("Filter text"));
    m_text->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);

    m_refreshAction = new QAction(tr("&Refresh"), this);
    m_refreshAction->setObjectName(QStringLiteral("refreshOperations"));
    // No key of its own: F5 is the window's Refresh, which refreshes the shown page.
    m_cancelAction = new QAction(tr("&Cancel Operation"), this);
    m_cancelAction->setObjectName(QStringLiteral("cancelOperation"));
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_retryAction = new QAction(tr("R&etry Operation"), this);
    m_retryAction->setObjectName(QStringLiteral("retryOperation"));
    m_retryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_exportAction = new QAction(tr("E&xport CSV..."), this);
    m_exportAction->setObjectName(QStringLiteral("exportOperations"));
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    auto *findAction = new QAction(tr("Find"), this);
    findAction->setShortcut(QKeySequence::Find);
    findAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addActions({ m_refreshAction, m_cancelAction, m_retryAction, m_exportAction });
    // Ctrl+F filters the table from the table and the filter bar; in the log it searches the log
    // (the log view's own Find action), so the two never claim the same key press.
    for (QWidget *widget : std::initializer_list<QWidget *> { m_table, m_text, m_status, m_pair })
        widget->addAction(findAction);
    connect(findAction, &QAction::triggered, this, [this] {
        m_text->setFocus(Qt::ShortcutFocusReason);
        m_text->selectAll();
    });
    connect(m_refreshAction, &QAction::triggered, this, &OperationsPage::refresh);
    connect(m_cancelAction, &QAction::triggered, this, &OperationsPage::cancelSelected);
    connect(m_retryAction, &QAction::triggered, this, &OperationsPage::retrySelected);
    connect(m_exportAction, &QAction::triggered, this, &OperationsPage::exportCsv);
    m_permissions->bind(m_cancelAction, QStringLiteral("sync:run"));
    m_permissions->bind(m_retryAction, QStringLiteral("sync:run"));
    connect(m_permissions, &Permissions::changed, this, &OperationsPage::updateActions);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Status:"), this));
    bar->addWidget(m_status);
    bar->addWidget(new QLabel(tr("Pair:"), this));
    bar->addWidget(m_pair);
    bar->addWidget(m_text, 1);

    m_table->setObjectName(QStringLiteral("operationsTable"));
    m_table->setAccessibleName(tr("Sync operations"));
    m_table->setModel(m_filter);
    m_table->setItemDelegateForColumn(OperationsModel::ProgressColumn, new ProgressDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(OperationsModel::IdColumn, Qt::DescendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(OperationsModel::ProgressColumn, 120);
    m_table->setColumnWidth(OperationsModel::MessageColumn, 220);
    m_table->setWordWrap(false);

    // The detail pane.
    m_summary->setObjectName(QStringLiteral("operationSummary"));
    m_summary->setAccessibleName(tr("Operation statistics and timings"));
    m_summary->addAction(findAction);
    m_changeSet->addAction(findAction);
    m_tabs->setObjectName(QStringLiteral("operationDetail"));
    m_tabs->addTab(m_summary, tr("Statistics"));
    m_tabs->addTab(m_changeSet, tr("Change Set"));
    m_tabs->addTab(m_logView, tr("Log"));

    m_splitter->setObjectName(QStringLiteral("operationsSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);

    m_message->setObjectName(QStringLiteral("operationsMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    // The commands sit in a tool bar: when the page is narrow they fold into its extension menu.
    auto *tools = new QToolBar(this);
    tools->setObjectName(QStringLiteral("operationsTools"));
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addActions({ m_refreshAction, m_cancelAction, m_retryAction, m_exportAction });
    bar->addWidget(tools);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_message);
    layout->addWidget(m_splitter, 1);

    connect(m_status, &QComboBox::currentIndexChanged, this, &OperationsPage::refresh);
    connect(m_pair, &QLineEdit::editingFinished, this, &OperationsPage::refresh);
    connect(m_text, &QLineEdit::textChanged, m_filter, &ResourceFilterModel::setText);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_changesFor = -1;
        loadDetail();
        updateActions();
    });

    m_poll->setInterval(PollIntervalMs);
    connect(m_poll, &QTimer::timeout, this, &OperationsPage::refresh);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(100); // a burst of changes is one re-list
    connect(m_coalesce, &QTimer::timeout, this, &OperationsPage::refresh);
    connect(poller, &ChangePoller::changed, this, [this](const QString &type, const QString &, const QString &) {
        if (type == QLatin1String("sync_operation"))
            m_coalesce->start();
    });
    connect(poller, &ChangePoller::reloadAll, this, &OperationsPage::refresh);
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this, [this] { showDetail(m_detail); });

    // The splitter and the filters are remembered.
    QSettings settings;
    m_splitter->restoreState(settings.value(QStringLiteral("operations/splitter")).toByteArray());
    {
        const QSignalBlocker blockStatus(m_status);
        m_status->setCurrentIndex(qMax(0, m_status->findData(settings.value(QStringLiteral("operations/status")).toString())));
        m_pair->setText(settings.value(QStringLiteral("operations/pair")).toString());
        m_text->setText(settings.value(QStringLiteral("operations/text")).toString());
    }
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        QSettings().setValue(QStringLiteral("operations/splitter"), m_splitter->saveState());
    });
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(QStringLiteral("operations/status"), statusFilter());
    });
    connect(m_pair, &QLineEdit::editingFinished, this, [this] {
        QSettings().setValue(QStringLiteral("operations/pair"), m_pair->text());
    });
    connect(m_text, &QLineEdit::textChanged, this, [](const QString &text) {
        QSettings().setValue(QStringLiteral("operations/text"), text);
    });

    showDetail({});
    updateActions();
}

qint64 OperationsPage::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return -1;
    return rows.first().data(ResourceTableModel::IdRole).toLongLong();
}

void OperationsPage::selectId(qint64 id)
{
    const int sourceRow = m_model->rowOf(id);
    if (sourceRow < 0)
        return;
    const QModelIndex index = m_filter->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid())
        return;
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
}

QString OperationsPage::statusFilter() const
{
    return m_status->currentData().toString();
}

void OperationsPage::refresh()
{
    if (m_inFlight) { // one list at a time; ask again once it answers
        m_again = true;
        return;
    }
    m_inFlight = true;
    QUrlQuery query;
    if (!statusFilter().isEmpty())
        query.addQueryItem(QStringLiteral("status"), statusFilter());
    if (!m_pair->text().isEmpty())
        query.addQueryItem(QStringLiteral("pair_id"), m_pair->text());
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
    m_client->list(QStringLiteral("/api/sync-operations"), query, this,
                   [this](const QJsonArray &items, const ApiResult &last) {
                       m_inFlight = false;
                       const bool ok = last.ok();
                       if (ok) {
                           m_model->applyItems(items);
                           m_message->hide();
                           // Columns grow to fit what they show (never shrink under the user's hand).
                           for (int column = 0; column < OperationsModel::MessageColumn; ++column) {
                               if (column == OperationsModel::ProgressColumn)
                                   continue;
                               const int wanted = qMax(static_cast<QAbstractItemView *>(m_table)->sizeHintForColumn(column),
                                                       m_table->horizontalHeader()->sectionSizeHint(column));
                               if (!m_sized || wanted > m_table->columnWidth(column))
                                   m_table->setColumnWidth(column, wanted);
                           }
                           m_sized = m_sized || m_model->rowCount() > 0;
                           if (!m_table->selectionModel()->selectedRows().isEmpty())
                               loadDetail();
                       } else {
                           m_message->setText(tr("The operations could not be listed: %1").arg(last.error.message()));
                           m_message->show();
                       }
                       updateActions();
                       updatePolling();
                       emit refreshed(ok);
                       if (m_again) {
                           m_again = false;
                           refresh();
                       }
                   },
                   5);
}

void OperationsPage::loadDetail()
{
    const qint64 id = selectedId();
    if (id < 0) {
        m_detail = {};
        showDetail({});
        return;
    }
    if (m_detailInFlight)
        return;
    m_detailInFlight = true;
    m_client->get(QStringLiteral("/api/sync-operations/%1").arg(id), this, [this, id](const ApiResult &reply) {
        m_detailInFlight = false;
        if (selectedId() != id) { // the selection moved on meanwhile
            loadDetail();
            return;
        }
        if (!reply.ok()) {
            m_summary->setPlainText(tr("The operation could not be read: %1").arg(reply.error.message()));
            return;
        }
        m_detail = reply.object();
        showDetail(m_detail);
        m_logView->tail(id, isActive(m_detail.value(QLatin1String("status")).toString()));
        const bool dryRun = m_detail.value(QLatin1String("dry_run")).toBool();
        const bool finished = !isActive(m_detail.value(QLatin1String("status")).toString());
        if (!dryRun) {
            showChanges({}, tr("Not a dry run: the operation wrote its changes."));
        } else if (!finished) {
            showChanges({}, tr("The change set is listed once the dry run has finished."));
        } else if (m_changesFor != id) {
            m_changesFor = id;
            m_client->list(QStringLiteral("/api/sync-operations/%1/changes").arg(id), {}, this,
                           [this, id](const QJsonArray &items, const ApiResult &last) {
                               if (selectedId() != id)
                                   return;
                               if (!last.ok())
                                   showChanges({}, tr("The change set could not be read: %1").arg(last.error.message()));
                               else
                                   showChanges(items, items.isEmpty() ? tr("The dry run found nothing to change.") : QString());
                               emit detailShown(id);
                           },
                           10);
            return;
        }
        emit detailShown(id);
    });
}

void OperationsPage::showDetail(const QJsonObject &op)
{
    if (op.isEmpty()) {
        m_summary->setHtml(tr("<p><i>Select an operation to see its statistics, timings, log and change set.</i></p>"));
        m_logView->clear();
        showChanges({}, QString());
        return;
    }
    const auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td style='padding-right:16px'><b>%1</b></td><td>%2</td></tr>")
                .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    };
    QString html = QStringLiteral("<h3>%1</h3>")
                           .arg(tr("Operation %1 — pair %2 — %3")
                                        .arg(op.value(QLatin1String("id")).toInteger())
                                        .arg(op.value(QLatin1String("pair_id")).toInteger())
                                        .arg(op.value(QLatin1String("status")).toString())
                                        .toHtmlEscaped());
    const QJsonObject error = op.value(QLatin1String("error")).toObject();
    if (!error.isEmpty()) // first: it is what the reader looks for
        html += QStringLiteral("<p style='color:#e74c3c'><b>%1</b> %2</p>")
                        .arg(tr("Error %1:").arg(error.value(QLatin1String("code")).toString()).toHtmlEscaped(),
                             error.value(QLatin1String("message")).toString().toHtmlEscaped());
    // Two columns: the run and its timings, then its counts.
    html += QStringLiteral("<table><tr><td valign='top'><table>");
    html += row(tr("Kind / mode"), QStringLiteral("%1 / %2%3")
                                           .arg(op.value(QLatin1String("kind")).toString(),
                                                op.value(QLatin1String("mode")).toString(),
                                                op.value(QLatin1String("dry_run")).toBool() ? tr(" (dry run)") : QString()));
    html += row(tr("Trigger"), op.value(QLatin1String("trigger")).toString());
    html += row(tr("Node / attempt"), QStringLiteral("%1 / %2")
                                              .arg(scalarText(op.value(QLatin1String("node_id"))))
                                              .arg(op.value(QLatin1String("attempt")).toInteger()));
    if (op.value(QLatin1String("progress")).isDouble())
        html += row(tr("Progress"), tr("%1 %").arg(qRound(op.value(QLatin1String("progress")).toDouble() * 100)));
    if (const QString eta = OperationsModel::etaText(op); !eta.isEmpty())
        html += row(tr("Time left"), eta);
    html += row(tr("Message"), op.value(QLatin1String("message")).toString());
    html += row(tr("Created"), timeText(op.value(QLatin1String("created_at"))));
    html += row(tr("Started"), timeText(op.value(QLatin1String("started_at"))));
    html += row(tr("Finished"), timeText(op.value(QLatin1String("finished_at"))));
    html += row(tr("Queued for"), msText(op.value(QLatin1String("queued_ms"))));
    html += row(tr("Duration"), msText(op.value(QLatin1String("duration_ms"))));
    if (!op.value(QLatin1String("not_before")).isNull() && op.value(QLatin1String("not_before")).isString())
        html += row(tr("Next attempt"), timeText(op.value(QLatin1String("not_before"))));
    if (op.value(QLatin1String("retry_of")).isDouble())
        html += row(tr("Retry of"), tr("operation %1").arg(op.value(QLatin1String("retry_of")).toInteger()));
    if (op.value(QLatin1String("cancel_requested")).toBool())
        html += row(tr("Cancel"), tr("requested; it stops at its next heartbeat"));
    html += QStringLiteral("</table></td><td width='48'></td><td valign='top'><table>");
    if (const auto rate = OperationsModel::rowsPerSecond(op))
        html += row(tr("Rows/s"), QString::number(*rate, 'f', 1));
    const QJsonObject statistics = op.value(QLatin1String("statistics")).toObject();
    const QJsonObject totals = statistics.value(QLatin1String("totals")).toObject();
    for (auto it = totals.begin(); it != totals.end(); ++it)
        html += row(tr("Rows %1").arg(it.key()), scalarText(it.value()));
    if (statistics.contains(QLatin1String("retries")))
        html += row(tr("Retries"), scalarText(statistics.value(QLatin1String("retries"))));
    html += QStringLiteral("</table></td></tr></table>");
    m_summary->setHtml(html);
}

void OperationsPage::showChanges(const QJsonArray &changes, const QString &note)
{
    m_changeSet->setChanges(changes, note);
}

void OperationsPage::updateActions()
{
    const qint64 id = selectedId();
    const QString status = id < 0 ? QString() : m_model->itemAt(m_model->rowOf(id)).value(QLatin1String("status")).toString();
    const bool mayRun = m_permissions->has(QStringLiteral("sync:run"));
    m_cancelAction->setEnabled(mayRun && isActive(status));
    m_retryAction->setEnabled(mayRun && (status == QLatin1String("failed") || status == QLatin1String("cancelled")));
}

void OperationsPage::updatePolling()
{
    bool active = false;
    for (int row = 0; row < m_model->rowCount() && !active; ++row)
        active = isActive(m_model->itemAt(row).value(QLatin1String("status")).toString());
    if (active && isVisible()) {
        if (!m_poll->isActive())
            m_poll->start();
    } else {
        m_poll->stop();
    }
}

bool OperationsPage::isPolling() const
{
    return m_poll->isActive();
}

void OperationsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void OperationsPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_poll->stop();
}

void OperationsPage::cancelSelected()
{
    const qint64 id = selectedId();
    if (id < 0)
        return;
    m_client->post(QStringLiteral("/api/sync-operations/%1/cancel").arg(id), {}, this, [this](const ApiResult &reply) {
        if (reply.ok()) {
            m_model->upsert(reply.object());
            m_message->hide();
        } else {
            m_message->setText(tr("Cancel refused: %1").arg(reply.error.message()));
            m_message->show();
        }
        refresh();
    });
}

void OperationsPage::retrySelected()
{
    const qint64 id = selectedId();
    if (id < 0)
        return;
    m_client->post(QStringLiteral("/api/sync-operations/%1/retry").arg(id), {}, this, [this](const ApiResult &reply) {
        if (reply.ok()) {
            m_model->upsert(reply.object());
            selectId(reply.object().value(QLatin1String("id")).toInteger());
            m_message->hide();
        } else {
            m_message->setText(tr("Retry refused: %1").arg(reply.error.message()));
            m_message->show();
        }
        refresh();
    });
}

void OperationsPage::exportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Operations"), QStringLiteral("operations.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !console::exportCsv(*m_filter, file)) {
        m_message->setText(tr("Could not write %1.").arg(path));
        m_message->show();
    }
}

} // namespace tf::console
