#include "quarantinepage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "models/csvexport.h"
#include "models/quarantinemodel.h"
#include "models/resourcefiltermodel.h"
#include "settings/displaysettings.h"
#include "widgets/pageaction.h"
#include "widgets/quarantinebatch.h"
#include "widgets/quarantinedetail.h"
#include "widgets/quarantinefilterbar.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace tf::console {

QuarantinePage::QuarantinePage(GatewayClient *client, ChangePoller *poller, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new QuarantineModel(this))
    , m_filter(new ResourceFilterModel(this))
    , m_table(new QTableView(this))
    , m_filters(new QuarantineFilterBar(this))
    , m_text(m_filters->textEdit())
    , m_status(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_detail(new QuarantineDetail(this))
    , m_batch(new QuarantineBatch(client, this))
{
    setObjectName(QStringLiteral("quarantinePage"));
    connect(m_batch, &QuarantineBatch::started, this, &QuarantinePage::updateActions);
    connect(m_batch, &QuarantineBatch::rowDone, this, [this](qint64 id) {
        m_model->removeId(id);
        if (m_detail->entryId() == id)
            showDetail({});
    });
    connect(m_batch, &QuarantineBatch::finished, this, &QuarantinePage::finishBatch);
    m_model->setTimeFormatter([](const QDateTime &when) { return DisplaySettings::instance()->formatDateTime(when); });
    m_filter->setSourceModel(m_model);

    // No key of its own: F5 is the window's Refresh, which refreshes the shown page.
    m_refreshAction = addPageAction(this, tr("&Refresh"), QStringLiteral("refreshQuarantine"), QKeySequence());
    m_saveAction = addPageAction(this, tr("&Save Edits"), QStringLiteral("saveQuarantineEdits"), QKeySequence::Save);
    m_replayAction = addPageAction(this, tr("Re&play"), QStringLiteral("replayQuarantine"), QKeySequence(Qt::CTRL | Qt::Key_R));
    m_discardAction = addPageAction(this, tr("&Discard"), QStringLiteral("discardQuarantine"), QKeySequence(Qt::CTRL | Qt::Key_Delete));
    m_exportAction = addPageAction(this, tr("E&xport CSV..."), QStringLiteral("exportQuarantine"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    QAction *find = addPageAction(this, tr("Find"), QStringLiteral("findQuarantine"), QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_text->setFocus(Qt::ShortcutFocusReason);
        m_text->selectAll();
    });
    connect(m_refreshAction, &QAction::triggered, this, &QuarantinePage::refresh);
    connect(m_saveAction, &QAction::triggered, this, &QuarantinePage::saveEdits);
    connect(m_replayAction, &QAction::triggered, this, &QuarantinePage::replaySelected);
    connect(m_discardAction, &QAction::triggered, this, &QuarantinePage::discardSelected);
    connect(m_exportAction, &QAction::triggered, this, &QuarantinePage::exportCsv);
    for (QAction *action : { m_saveAction, m_replayAction, m_discardAction })
        m_permissions->bind(action, QStringLiteral("quarantine:write"));
    connect(m_permissions, &Permissions::changed, this, &QuarantinePage::updateActions);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filters, 1);

    m_table->setObjectName(QStringLiteral("quarantineTable"));
    m_table->setAccessibleName(tr("Quarantined rows"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(QuarantineModel::IdColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QuarantineModel::MessageColumn, QHeaderView::Stretch);
    m_table->hideColumn(QuarantineModel::StatusColumn); // the page lists open entries only
    m_table->setWordWrap(false);

    // The detail pane: what failed, the source row, the editable transformed row.
    m_detail->addCommand(m_saveAction);
    m_detail->addCommand(m_replayAction);

    m_splitter->setObjectName(QStringLiteral("quarantineSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({ 600, 400 });
    m_splitter->setChildrenCollapsible(false);

    m_status->setObjectName(QStringLiteral("quarantineStatus"));
    m_status->setWordWrap(true);

    // The commands sit in a tool bar: when the page is narrow they fold into its extension menu.
    auto *tools = new QToolBar(this);
    tools->setObjectName(QStringLiteral("quarantineTools"));
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addActions({ m_refreshAction, m_replayAction, m_discardAction, m_exportAction });
    bar->addWidget(tools);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);

    // Pair, entity, rule and age narrow the list on the server; field and text here.
    connect(m_filters, &QuarantineFilterBar::serverFiltersChanged, this, &QuarantinePage::refresh);
    connect(m_filters, &QuarantineFilterBar::fieldChanged, this, &QuarantinePage::applyFilters);
    connect(m_text, &QLineEdit::textChanged, m_filter, &ResourceFilterModel::setText);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        loadDetail();
        updateActions();
    });
    connect(m_detail, &QuarantineDetail::edited, this, &QuarantinePage::updateActions);

    auto *coalesce = new QTimer(this);
    coalesce->setSingleShot(true);
    coalesce->setInterval(150);
    connect(coalesce, &QTimer::timeout, this, &QuarantinePage::refresh);
    connect(poller, &ChangePoller::changed, this, [coalesce](const QString &type, const QString &, const QString &) {
        if (type == QLatin1String("quarantine_entry") || type == QLatin1String("sync_pair"))
            coalesce->start();
    });
    connect(poller, &ChangePoller::reloadAll, this, &QuarantinePage::refresh);

    // The splitter and the text filter are remembered (the choice filters follow the data).
    QSettings settings;
    m_splitter->restoreState(settings.value(QStringLiteral("quarantine/splitter")).toByteArray());
    m_text->setText(settings.value(QStringLiteral("quarantine/text")).toString());
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        QSettings().setValue(QStringLiteral("quarantine/splitter"), m_splitter->saveState());
    });
    connect(m_text, &QLineEdit::textChanged, this, [](const QString &text) {
        QSettings().setValue(QStringLiteral("quarantine/text"), text);
    });

    showDetail({});
    updateActions();
}

QList<qint64> QuarantinePage::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids << index.data(ResourceTableModel::IdRole).toLongLong();
    std::sort(ids.begin(), ids.end());
    return ids;
}

void QuarantinePage::selectIds(const QList<qint64> &ids)
{
    QItemSelection selection;
    for (qint64 id : ids) {
        const int row = m_model->rowOf(id);
        const QModelIndex index = row < 0 ? QModelIndex() : m_filter->mapFromSource(m_model->index(row, 0));
        if (index.isValid())
            selection.select(index, index.siblingAtColumn(m_filter->columnCount() - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QTableWidget *QuarantinePage::rowEditor() const
{
    return m_detail->rowEditor();
}

QString QuarantinePage::statusText() const
{
    return m_status->text();
}

void QuarantinePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void QuarantinePage::refresh()
{
    if (m_pairNames.isEmpty())
        listPairNames();
    const int generation = ++m_generation;
    m_client->list(QStringLiteral("/api/quarantine"), listQuery(), this,
                   [this, generation](const QJsonArray &items, const ApiResult &last) {
                       if (generation != m_generation)
                           return; // the filters changed while it was read
                       if (!last.ok()) {
                           say(tr("The quarantine could not be listed: %1").arg(last.error.message()), true);
                           emit refreshed(false);
                           return;
                       }
                       m_model->applyItems(items);
                       finishRefresh(true);
                   });
}

QUrlQuery QuarantinePage::listQuery() const
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("status"), QStringLiteral("open"));
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("500"));
    m_filters->addServerFilters(query);
    return query;
}

void QuarantinePage::listPairNames()
{
    m_client->list(QStringLiteral("/api/sync-pairs"), {}, this, [this](const QJsonArray &pairs, const ApiResult &last) {
        if (!last.ok()) {
            say(tr("The sync pairs could not be listed: %1").arg(last.error.message()), true);
            return;
        }
        m_pairNames.clear();
        for (const QJsonValue &value : pairs) {
            const QJsonObject pair = value.toObject();
            m_pairNames.insert(pair.value(QLatin1String("id")).toInteger(), pair.value(QLatin1String("name")).toString());
        }
        rebuildFilterChoices();
    });
}

void QuarantinePage::finishRefresh(bool ok)
{
    rebuildFilterChoices();
    const bool narrowed = m_filters->narrowsOnServer(); // the count is of the matches
    if (ok && !m_batch->isRunning() && !m_status->property("keep").toBool()) {
        const int rows = m_model->rowCount();
        if (narrowed)
            say(rows == 1 ? tr("1 open quarantined row matches the pair, entity, rule and age filters.")
                          : tr("%1 open quarantined rows match the pair, entity, rule and age filters.").arg(rows));
        else
            say(rows == 1 ? tr("1 open quarantined row.") : tr("%1 open quarantined rows.").arg(rows));
    }
    m_status->setProperty("keep", false);
    // The entry shown may have gone (replayed or discarded elsewhere).
    if (!m_detail->entry().isEmpty() && m_model->rowOf(m_detail->entryId()) < 0)
        showDetail({});
    for (int column = 0; column < QuarantineModel::ColumnCount; ++column)
        if (column != QuarantineModel::MessageColumn)
            m_table->resizeColumnToContents(column);
    updateActions();
    emit refreshed(ok);
}

void QuarantinePage::rebuildFilterChoices()
{
    m_filters->rebuildChoices(*m_model, m_pairNames);
    applyFilters();
}

void QuarantinePage::applyFilters()
{
    // Pair, entity, rule and age were applied by the server.
    const QString field = m_filters->field();
    m_filter->setFieldFilter(QStringLiteral("field"), field.isEmpty() ? QStringList() : QStringList { field });
}

void QuarantinePage::loadDetail()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1) {
        showDetail({});
        if (ids.size() > 1)
            m_detail->setMessage(tr("%1 rows selected.").arg(ids.size()));
        return;
    }
    const qint64 id = ids.first();
    if (m_detail->entryId() == id)
        return; // already shown (and maybe being edited)
    m_client->get(QStringLiteral("/api/quarantine/%1").arg(id), this, [this, id](const ApiResult &reply) {
        if (selectedIds() != QList<qint64> { id })
            return;
        if (!reply.ok()) {
            m_detail->setMessage(tr("The entry could not be read: %1").arg(reply.error.message()));
            return;
        }
        showDetail(reply.object(), reply.etag());
        emit detailShown(id);
    });
}

void QuarantinePage::showDetail(const QJsonObject &entry, const QByteArray &etag)
{
    m_detail->showEntry(entry, etag, m_permissions->has(QStringLiteral("quarantine:write")));
    updateActions();
}

void QuarantinePage::updateActions()
{
    const bool mayWrite = m_permissions->has(QStringLiteral("quarantine:write"));
    const int selected = int(m_table->selectionModel()->selectedRows().size());
    m_replayAction->setEnabled(mayWrite && selected > 0 && !m_batch->isRunning());
    m_discardAction->setEnabled(mayWrite && selected > 0 && !m_batch->isRunning());
    m_saveAction->setEnabled(mayWrite && m_detail->isDirty() && !m_detail->entry().isEmpty());
}

void QuarantinePage::saveEdits()
{
    if (m_detail->entry().isEmpty())
        return;
    const QJsonObject row = m_detail->editedRow();
    const qint64 id = m_detail->entryId();
    m_client->put(QStringLiteral("/api/quarantine/%1").arg(id), QJsonObject { { QStringLiteral("row"), row } }, m_detail->etag(),
                  this, [this, id](const ApiResult &reply) {
                      if (!reply.ok()) {
                          QString message = reply.error.message();
                          say(tr("The edits of entry %1 were refused: %2").arg(id).arg(message), true);
                          emit saved(false);
                          return;
                      }
                      m_model->upsert(reply.object());
                      if (m_detail->entryId() == id)
                          showDetail(reply.object(), reply.etag());
                      say(tr("Entry %1 saved. Replay it to write it to the target.").arg(id));
                      emit saved(true);
                  });
}

void QuarantinePage::replaySelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    if (m_detail->isDirty() && ids.size() == 1) { // save what was typed first, then replay it
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(this, &QuarantinePage::saved, this, [this, ids, connection](bool ok) {
            disconnect(*connection);
            if (ok)
                m_batch->start(QuarantineBatch::Kind::Replay, ids);
        });
        saveEdits();
        return;
    }
    if (m_batch->confirmReplay(int(ids.size())))
        m_batch->start(QuarantineBatch::Kind::Replay, ids);
}

void QuarantinePage::discardSelected()
{
    const QList<qint64> ids = selectedIds();
    if (!ids.isEmpty() && m_batch->confirmDiscard(int(ids.size())))
        m_batch->start(QuarantineBatch::Kind::Discard, ids);
}

void QuarantinePage::finishBatch(int succeeded, int failed, const QString &summary)
{
    say(summary, failed > 0);
    m_status->setProperty("keep", true);
    updateActions();
    emit batchFinished(succeeded, failed);
    refresh();
}

void QuarantinePage::say(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c0392b;") : QString());
}

void QuarantinePage::exportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Quarantine"), QStringLiteral("quarantine.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !console::exportCsv(*m_filter, file))
        say(tr("Could not write %1.").arg(path), true);
}

} // namespace tf::console
