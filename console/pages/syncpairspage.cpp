#include "syncpairspage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "dialogs/paireditordialog.h"
#include "dialogs/schemachangedialog.h"
#include "models/csvexport.h"
#include "models/resourcefiltermodel.h"
#include "models/syncpairsmodel.h"
#include "models/syncpairsreader.h"
#include "settings/displaysettings.h"
#include "widgets/errorbanner.h"
#include "widgets/pairbulkactions.h"
#include "widgets/pairdetail.h"
#include "widgets/pageaction.h"
#include "widgets/pairfilterbar.h"
#include "widgets/syncpairstable.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>


namespace tf::console {

namespace {

const QString SettingsGroup = QStringLiteral("pages/syncPairs");

} // namespace

SyncPairsPage::SyncPairsPage(GatewayClient *client, Permissions *permissions, ChangePoller *poller, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new SyncPairsModel(this))
    , m_filter(new ResourceFilterModel(this))
    , m_banner(new ErrorBanner(this))
    , m_message(new QLabel(this))
    , m_filters(new PairFilterBar(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_detail(new PairDetail(client, [this](qint64 id) { return systemName(id); }, this))
    , m_debounce(new QTimer(this))
    , m_reader(new SyncPairsReader(client, m_model, this))
    , m_bulk(new PairBulkActions(client, this))
{
    connect(m_reader, &SyncPairsReader::countersApplied, this, &SyncPairsPage::applySystemFilter);
    connect(m_reader, &SyncPairsReader::listFailed, this, [this](const QString &message) {
        m_banner->showMessage(tr("Sync pairs could not be read: %1").arg(message));
        m_readFailed = true;
    });
    connect(m_reader, &SyncPairsReader::listed, this, [this] {
        if (m_readFailed)
            m_banner->clear(); // a failed action's report stays until the next action
        m_readFailed = false;
        applySystemFilter();
        m_table->fitSystemsColumn();
        if (m_detail->shownPair() > 0)
            showDetail();
        emit refreshed();
    });
    connect(m_reader, &SyncPairsReader::detailRead, this, [this](qint64 id) {
        applySystemFilter();
        m_table->fitSystemsColumn(); // a pair the change feed brought may have longer names
        if (id == m_detail->shownPair())
            showDetail();
    });
    m_filter->setSourceModel(m_model);
    // The table sets its column widths: the filter must hold the model's columns first.
    m_table = new SyncPairsTable(m_model, m_filter, [this](qint64 id) { return systemName(id); }, this);
    const auto formatter = [](const QDateTime &when) { return DisplaySettings::instance()->formatDateTime(when); };
    m_model->setTimeFormatter(formatter);
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this,
            [this, formatter] { m_model->setTimeFormatter(formatter); });

    m_banner->setObjectName(QStringLiteral("pairsBanner"));
    m_banner->setAccessibleName(tr("Sync pair problem"));
    m_message->setObjectName(QStringLiteral("pairsMessage"));
    m_message->setAccessibleName(tr("Last action"));

    connect(m_filters, &PairFilterBar::changed, this, &SyncPairsPage::applyFilters);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        showDetail();
    });
    connect(m_table, &QTableView::doubleClicked, this, &SyncPairsPage::editPair);

    connect(m_detail, &PairDetail::shown, this, &SyncPairsPage::detailShown);
    m_splitter->setObjectName(QStringLiteral("pairsSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(QStringLiteral("pairsToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    createActions(permissions);
    for (QAction *action : actions()) {
        if (!action->property("hidden").toBool())
            toolbar->addAction(action);
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_banner);
    layout->addWidget(toolbar);
    layout->addWidget(m_filters);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_message);

    connect(m_bulk, &PairBulkActions::started, this, [this](const QString &text) {
        m_banner->clear();
        m_message->setText(text);
    });
    connect(m_bulk, &PairBulkActions::pairChanged, this, [this](const QJsonObject &pair) {
        m_reader->store(pair);
        if (pair.value(QLatin1String("id")).toInteger() == m_detail->shownPair())
            showDetail();
    });
    connect(m_bulk, &PairBulkActions::runQueued, this, [this](qint64 id) {
        m_reader->fetchDetail(id);
        if (id == m_detail->shownPair())
            showDetail();
    });
    connect(m_bulk, &PairBulkActions::finished, this, [this](const QString &summary, const QString &failures) {
        m_message->setText(summary);
        if (!failures.isEmpty())
            m_banner->showMessage(failures);
        emit actionFinished(summary, failures);
    });

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &SyncPairsPage::refresh);
    if (poller) {
        connect(poller, &ChangePoller::changed, this, &SyncPairsPage::onChanged);
        connect(poller, &ChangePoller::reloadAll, this, [this] {
            loadSystems();
            refresh();
        });
    }
    if (permissions)
        connect(permissions, &Permissions::changed, this, &SyncPairsPage::updateActions);
    updateActions();
    restoreSettings();
}

SyncPairsPage::~SyncPairsPage()
{
    saveSettings();
}

void SyncPairsPage::restoreSettings()
{
    // The splitter and the filters, as the user left them (the columns are MainWindow's
    // TableStateSaver's, as for every named table).
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    m_restoring = true;
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_filters->restoreSettings(settings);
    m_restoring = false;
    applyFilters();
}

void SyncPairsPage::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    m_filters->saveSettings(settings);
}

void SyncPairsPage::createActions(Permissions *permissions)
{
    m_new = addPageAction(this, tr("&New…"), QStringLiteral("newPairAction"), QKeySequence::New);
    m_edit = addPageAction(this, tr("&Edit…"), QStringLiteral("editPairAction"), QKeySequence(Qt::CTRL | Qt::Key_E));
    m_enable = addPageAction(this, tr("En&able"), QStringLiteral("enablePairsAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_disable = addPageAction(this, tr("&Disable"), QStringLiteral("disablePairsAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_run = addPageAction(this, tr("&Run"), QStringLiteral("runPairsAction"), QKeySequence(Qt::CTRL | Qt::Key_R));
    m_dryRun = addPageAction(this, tr("Dr&y Run"), QStringLiteral("dryRunPairsAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_approveSchema = addPageAction(this, tr("Appro&ve Schema Change"), QStringLiteral("approveSchemaChangeAction"), QKeySequence());
    m_rejectSchema = addPageAction(this, tr("Re&ject Schema Change"), QStringLiteral("rejectSchemaChangeAction"), QKeySequence());
    m_reviewSchema = addPageAction(this, tr("Revie&w Schema Change…"), QStringLiteral("reviewSchemaChangeAction"), QKeySequence());
    QAction *reload = addPageAction(this, tr("Re&load"), QStringLiteral("reloadPairsAction"), QKeySequence(Qt::ALT | Qt::Key_F5));
    QAction *csv = addPageAction(this, tr("Export &CSV…"), QStringLiteral("exportPairsCsvAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    QAction *find = addPageAction(this, tr("Find"), QStringLiteral("findPairsAction"), QKeySequence::Find);
    find->setProperty("hidden", true);
    m_new->setToolTip(tr("Create a sync pair"));
    m_enable->setToolTip(tr("Enable the selected pairs"));
    m_disable->setToolTip(tr("Disable the selected pairs"));
    m_run->setToolTip(tr("Queue a sync of the selected pairs"));
    m_dryRun->setToolTip(tr("Queue a dry run of the selected pairs: nothing is written"));
    m_approveSchema->setToolTip(tr("Approve the schema changes held for the selected cdc pairs: streaming continues from the held position"));
    m_rejectSchema->setToolTip(tr("Reject the schema changes held for the selected cdc pairs: each pair is disabled until re-snapshotted"));
    m_reviewSchema->setToolTip(tr("See the columns a held schema change adds, drops or retypes, edit the mapping and approve or reject it"));

    connect(m_new, &QAction::triggered, this, &SyncPairsPage::newPair);
    connect(m_edit, &QAction::triggered, this, &SyncPairsPage::editPair);
    connect(m_enable, &QAction::triggered, this, [this] { setEnabledOf(true); });
    connect(m_disable, &QAction::triggered, this, [this] { setEnabledOf(false); });
    connect(m_run, &QAction::triggered, this, [this] { run(false); });
    connect(m_dryRun, &QAction::triggered, this, [this] { run(true); });
    connect(m_approveSchema, &QAction::triggered, this, [this] { decideSchemaChanges(true); });
    connect(m_rejectSchema, &QAction::triggered, this, [this] { decideSchemaChanges(false); });
    connect(m_reviewSchema, &QAction::triggered, this, &SyncPairsPage::reviewSchemaChange);
    connect(reload, &QAction::triggered, this, [this] {
        loadSystems();
        refresh();
    });
    connect(csv, &QAction::triggered, this, &SyncPairsPage::exportCsv);
    connect(find, &QAction::triggered, m_filters, &PairFilterBar::focusText);
    if (permissions) {
        for (QAction *action : { m_new, m_edit, m_enable, m_disable, m_approveSchema, m_rejectSchema, m_reviewSchema })
            permissions->bind(action, QStringLiteral("pairs:write"));
        for (QAction *action : { m_run, m_dryRun })
            permissions->bind(action, QStringLiteral("sync:run"));
    }
}

void SyncPairsPage::updateActions()
{
    // Permissions::bind owns the enabled state; without a selection the bulk actions do nothing
    // and say so when triggered, so only Edit needs exactly one row.
    const int count = int(selectedIds().size());
    m_edit->setProperty("needsOne", count == 1);
    m_reviewSchema->setProperty("needsOne", count == 1);
}

QTableView *SyncPairsPage::table() const
{
    return m_table;
}

QList<qint64> SyncPairsPage::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids << m_model->idAt(m_filter->mapToSource(index).row());
    return ids;
}

void SyncPairsPage::selectId(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

QString SyncPairsPage::systemName(qint64 id) const
{
    return m_systems.value(id, QStringLiteral("#%1").arg(id));
}

void SyncPairsPage::loadSystems()
{
    m_client->list(QStringLiteral("/api/systems"), {}, this, [this](const QJsonArray &items, const ApiResult &last) {
        if (!last.ok()) {
            m_banner->showMessage(tr("Systems could not be read: %1").arg(last.error.message()));
            return;
        }
        m_systems.clear();
        m_table->viewport()->update();
        for (const QJsonValue &value : items) {
            const QJsonObject system = value.toObject();
            m_systems.insert(system.value(QLatin1String("id")).toInteger(), system.value(QLatin1String("name")).toString());
        }
        m_filters->setSystems(items);
        applyFilters();
        showDetail();
        m_table->fitSystemsColumn();
    });
}

void SyncPairsPage::refresh()
{
    if (m_systems.isEmpty())
        loadSystems();
    if (m_reader->isListing())
        m_debounce->start();
    else
        m_reader->refresh();
}

void SyncPairsPage::onChanged(const QString &type, const QString &id, const QString &action)
{
    if (type == QLatin1String("system")) {
        loadSystems();
    } else if (type == QLatin1String("sync_pair")) {
        if (action == QLatin1String("deleted")) {
            m_reader->remove(id.toLongLong());
        } else {
            m_reader->fetchDetail(id.toLongLong());
        }
    } else if (type == QLatin1String("sync_operation") || type == QLatin1String("quarantine_entry")) {
        m_debounce->start(); // which pair it touched is in the resource: re-read them all
    }
}

void SyncPairsPage::applyFilters()
{
    const QString status = m_filters->status();
    m_filter->setFieldFilter(QStringLiteral("enabled"), status.isEmpty() ? QStringList() : QStringList { status });
    m_filter->setText(m_filters->text());
    applySystemFilter();
    if (!m_restoring && !m_filters->isSystemPending())
        saveSettings();
}

void SyncPairsPage::applySystemFilter()
{
    m_filter->setFieldFilter(QStringLiteral("id"), m_filters->systemMatches(*m_model));
}

QList<QPair<qint64, QString>> SyncPairsPage::selectedForBulk()
{
    PairBulkActions::Pairs pairs;
    for (qint64 id : selectedIds())
        pairs.append({ id, m_model->itemAt(m_model->rowOf(id)).value(QLatin1String("name")).toString() });
    if (pairs.isEmpty()) {
        m_message->setText(tr("Select one or more pairs first."));
        emit actionFinished(m_message->text(), QString());
    }
    return pairs;
}

void SyncPairsPage::setEnabledOf(bool enable)
{
    if (const PairBulkActions::Pairs pairs = selectedForBulk(); !pairs.isEmpty())
        m_bulk->setEnabledOf(pairs, enable);
}

void SyncPairsPage::run(bool dryRun)
{
    if (const PairBulkActions::Pairs pairs = selectedForBulk(); !pairs.isEmpty())
        m_bulk->run(pairs, dryRun);
}

void SyncPairsPage::decideSchemaChanges(bool approve)
{
    if (const PairBulkActions::Pairs pairs = selectedForBulk(); !pairs.isEmpty())
        m_bulk->decideSchemaChanges(pairs, approve);
}

void SyncPairsPage::showDetail()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1)
        m_detail->showNone(int(ids.size()));
    else
        m_detail->showPair(ids.first(), m_model->itemAt(m_model->rowOf(ids.first())));
}

void SyncPairsPage::newPair()
{
    auto *dialog = new PairEditorDialog(m_client, 0, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PairEditorDialog::saved, this, [this](const QJsonObject &pair) {
        const qint64 id = pair.value(QLatin1String("id")).toInteger();
        m_model->upsert(pair);
        m_reader->fetchDetail(id);
        selectId(id);
    });
    dialog->open();
}

void SyncPairsPage::editPair()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1) {
        m_message->setText(tr("Select one pair to edit."));
        return;
    }
    auto *dialog = new PairEditorDialog(m_client, ids.first(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PairEditorDialog::saved, this, [this](const QJsonObject &pair) {
        m_model->upsert(pair);
        m_reader->fetchDetail(pair.value(QLatin1String("id")).toInteger());
    });
    dialog->open();
}

void SyncPairsPage::reviewSchemaChange()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1) {
        m_message->setText(tr("Select one pair to review its schema change."));
        return;
    }
    auto *dialog = new SchemaChangeDialog(m_client, ids.first(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SchemaChangeDialog::decided, this, [this, id = ids.first()] { m_reader->fetchDetail(id); });
    dialog->open();
}

void SyncPairsPage::exportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Sync Pairs"), QStringLiteral("sync-pairs.csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    CsvExportOptions options;
    options.columns = m_table->visibleColumns();
    if (!file.open(QIODevice::WriteOnly) || !tf::console::exportCsv(*m_filter, file, options))
        m_banner->showMessage(tr("Could not write %1.").arg(path));
    else
        m_message->setText(tr("Exported %n pair(s) to %1.", nullptr, m_filter->rowCount()).arg(path));
}

} // namespace tf::console
