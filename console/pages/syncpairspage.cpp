#include "syncpairspage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "dialogs/paireditordialog.h"
#include "models/csvexport.h"
#include "models/paircounters.h"
#include "models/resourcefiltermodel.h"
#include "models/syncpairsmodel.h"
#include "settings/displaysettings.h"
#include "widgets/errorbanner.h"
#include "widgets/pairdetail.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QStyledItemDelegate>
#include <QToolBar>
#include <QVBoxLayout>

#include <memory>

namespace tf::console {

namespace {

// The source and target column: system names rather than the ids the model holds.
class SystemsDelegate final : public QStyledItemDelegate
{
public:
    SystemsDelegate(const SyncPairsPage *page, const SyncPairsModel *model, QObject *parent)
        : QStyledItemDelegate(parent), m_page(page), m_model(model) { }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const qint64 id = index.data(ResourceTableModel::IdRole).toLongLong();
        const QJsonObject pair = m_model->itemAt(m_model->rowOf(id));
        if (pair.contains(QLatin1String("source_system_id")))
            option->text = QStringLiteral("%1 → %2").arg(m_page->systemName(pair.value(QLatin1String("source_system_id")).toInteger()),
                                                       m_page->systemName(pair.value(QLatin1String("target_system_id")).toInteger()));
    }

private:
    const SyncPairsPage *m_page;
    const SyncPairsModel *m_model;
};

// The pair detail's last_operation carries no duration_ms: derive it from its times.
QJsonObject withDuration(QJsonObject pair)
{
    QJsonObject operation = pair.value(QLatin1String("last_operation")).toObject();
    if (operation.isEmpty() || operation.value(QLatin1String("duration_ms")).isDouble())
        return pair;
    const QDateTime started = ResourceTableModel::parseTime(operation.value(QLatin1String("started_at")));
    const QDateTime finished = ResourceTableModel::parseTime(operation.value(QLatin1String("finished_at")));
    if (started.isValid() && finished.isValid()) {
        operation.insert(QStringLiteral("duration_ms"), started.msecsTo(finished));
        pair.insert(QStringLiteral("last_operation"), operation);
    }
    return pair;
}

const QString SettingsGroup = QStringLiteral("pages/syncPairs");

QString pairPath(qint64 id, const QString &tail = {})
{
    return QStringLiteral("/api/sync-pairs/%1").arg(id) + tail;
}
} // namespace

SyncPairsPage::SyncPairsPage(GatewayClient *client, Permissions *permissions, ChangePoller *poller, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new SyncPairsModel(this))
    , m_filter(new ResourceFilterModel(this))
    , m_banner(new ErrorBanner(this))
    , m_message(new QLabel(this))
    , m_statusFilter(new QComboBox(this))
    , m_systemFilter(new QComboBox(this))
    , m_textFilter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_detail(new PairDetail(client, [this](qint64 id) { return systemName(id); }, this))
    , m_debounce(new QTimer(this))
    , m_counters(new PairCounters(client, this))
{
    // Open quarantine and backlog of every pair in three reads, not one per pair.
    connect(m_counters, &PairCounters::updated, this, [this](bool ok) {
        if (!ok)
            return;
        for (int row = 0; row < m_model->rowCount(); ++row)
            m_model->upsert(m_counters->decorate(m_model->itemAt(row)));
        applySystemFilter();
    });
    m_filter->setSourceModel(m_model);
    const auto formatter = [](const QDateTime &when) { return DisplaySettings::instance()->formatDateTime(when); };
    m_model->setTimeFormatter(formatter);
    connect(DisplaySettings::instance(), &DisplaySettings::changed, this,
            [this, formatter] { m_model->setTimeFormatter(formatter); });

    m_banner->setObjectName(QStringLiteral("pairsBanner"));
    m_banner->setAccessibleName(tr("Sync pair problem"));
    m_message->setObjectName(QStringLiteral("pairsMessage"));
    m_message->setAccessibleName(tr("Last action"));

    m_statusFilter->setObjectName(QStringLiteral("statusFilter"));
    m_statusFilter->setAccessibleName(tr("Status filter"));
    m_statusFilter->addItem(tr("All statuses"), QString());
    m_statusFilter->addItem(tr("Enabled"), QStringLiteral("true"));
    m_statusFilter->addItem(tr("Disabled"), QStringLiteral("false"));
    m_systemFilter->setObjectName(QStringLiteral("systemFilter"));
    m_systemFilter->setAccessibleName(tr("System filter"));
    m_systemFilter->addItem(tr("All systems"), qint64(-1));
    m_systemFilter->setMinimumContentsLength(14);
    m_textFilter->setObjectName(QStringLiteral("textFilter"));
    m_textFilter->setAccessibleName(tr("Filter text"));
    m_textFilter->setPlaceholderText(tr("Filter (Ctrl+F)"));
    m_textFilter->setClearButtonEnabled(true);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &SyncPairsPage::applyFilters);
    connect(m_systemFilter, &QComboBox::currentIndexChanged, this, &SyncPairsPage::applyFilters);
    connect(m_textFilter, &QLineEdit::textChanged, this, &SyncPairsPage::applyFilters);

    m_table->setObjectName(QStringLiteral("pairsTable"));
    m_table->setAccessibleName(tr("Sync pairs"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SyncPairsModel::NameColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->setItemDelegateForColumn(SyncPairsModel::SystemsColumn, new SystemsDelegate(this, m_model, m_table));
    m_table->setWordWrap(false);
    // At 1280 px every column fits beside the sidebar; Source → target widens to its names.
    const QList<QPair<int, int>> widths { { SyncPairsModel::NameColumn, 88 }, { SyncPairsModel::SystemsColumn, 180 },
                                          { SyncPairsModel::ModeColumn, 50 }, { SyncPairsModel::EnabledColumn, 65 },
                                          { SyncPairsModel::ScheduleColumn, 108 }, { SyncPairsModel::NextRunColumn, 165 },
                                          { SyncPairsModel::LastRunColumn, 150 }, { SyncPairsModel::LastDurationColumn, 80 },
                                          { SyncPairsModel::BacklogColumn, 75 } };
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
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

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Status:"), this));
    filters->addWidget(m_statusFilter);
    filters->addWidget(new QLabel(tr("System:"), this));
    filters->addWidget(m_systemFilter);
    filters->addWidget(m_textFilter, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_banner);
    layout->addWidget(toolbar);
    layout->addLayout(filters);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_message);

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
    const int status = m_statusFilter->findData(settings.value(QStringLiteral("status")).toString());
    m_statusFilter->setCurrentIndex(qMax(0, status));
    m_textFilter->setText(settings.value(QStringLiteral("text")).toString());
    m_pendingSystem = settings.value(QStringLiteral("system"), -1).toLongLong();
    m_restoring = false;
    applyFilters();
}

void SyncPairsPage::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(SettingsGroup);
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("status"), m_statusFilter->currentData().toString());
    settings.setValue(QStringLiteral("text"), m_textFilter->text());
    settings.setValue(QStringLiteral("system"),
                      m_pendingSystem > 0 ? m_pendingSystem : m_systemFilter->currentData().toLongLong());
}

void SyncPairsPage::createActions(Permissions *permissions)
{
    const auto make = [this](const QString &text, const QString &name, const QKeySequence &shortcut) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        return action;
    };
    m_new = make(tr("&New…"), QStringLiteral("newPairAction"), QKeySequence::New);
    m_edit = make(tr("&Edit…"), QStringLiteral("editPairAction"), QKeySequence(Qt::CTRL | Qt::Key_E));
    m_enable = make(tr("En&able"), QStringLiteral("enablePairsAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    m_disable = make(tr("&Disable"), QStringLiteral("disablePairsAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_run = make(tr("&Run"), QStringLiteral("runPairsAction"), QKeySequence(Qt::CTRL | Qt::Key_R));
    m_dryRun = make(tr("Dr&y Run"), QStringLiteral("dryRunPairsAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    QAction *reload = make(tr("Re&load"), QStringLiteral("reloadPairsAction"), QKeySequence(Qt::ALT | Qt::Key_F5));
    QAction *csv = make(tr("Export &CSV…"), QStringLiteral("exportPairsCsvAction"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    QAction *find = make(tr("Find"), QStringLiteral("findPairsAction"), QKeySequence::Find);
    find->setProperty("hidden", true);
    m_new->setToolTip(tr("Create a sync pair"));
    m_enable->setToolTip(tr("Enable the selected pairs"));
    m_disable->setToolTip(tr("Disable the selected pairs"));
    m_run->setToolTip(tr("Queue a sync of the selected pairs"));
    m_dryRun->setToolTip(tr("Queue a dry run of the selected pairs: nothing is written"));

    connect(m_new, &QAction::triggered, this, &SyncPairsPage::newPair);
    connect(m_edit, &QAction::triggered, this, &SyncPairsPage::editPair);
    connect(m_enable, &QAction::triggered, this, [this] { setEnabledOf(true); });
    connect(m_disable, &QAction::triggered, this, [this] { setEnabledOf(false); });
    connect(m_run, &QAction::triggered, this, [this] { run(false); });
    connect(m_dryRun, &QAction::triggered, this, [this] { run(true); });
    connect(reload, &QAction::triggered, this, [this] {
        loadSystems();
        refresh();
    });
    connect(csv, &QAction::triggered, this, &SyncPairsPage::exportCsv);
    connect(find, &QAction::triggered, this, [this] {
        m_textFilter->setFocus(Qt::ShortcutFocusReason);
        m_textFilter->selectAll();
    });
    if (permissions) {
        for (QAction *action : { m_new, m_edit, m_enable, m_disable })
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
        const qint64 chosen = m_pendingSystem > 0 ? m_pendingSystem : m_systemFilter->currentData().toLongLong();
        m_pendingSystem = -1;
        const QSignalBlocker blocker(m_systemFilter);
        while (m_systemFilter->count() > 1)
            m_systemFilter->removeItem(1);
        for (const QJsonValue &value : items) {
            const QJsonObject system = value.toObject();
            m_systemFilter->addItem(system.value(QLatin1String("name")).toString(),
                                    system.value(QLatin1String("id")).toInteger());
        }
        const int index = m_systemFilter->findData(chosen);
        m_systemFilter->setCurrentIndex(index < 0 ? 0 : index);
        applyFilters();
        showDetail();
        fitSystemsColumn();
    });
}

void SyncPairsPage::refresh()
{
    if (m_systems.isEmpty())
        loadSystems();
    if (m_listing) {
        m_debounce->start();
        return;
    }
    m_listing = true;
    m_counters->refresh();
    m_client->list(QStringLiteral("/api/sync-pairs"), {}, this, [this](const QJsonArray &items, const ApiResult &last) {
        m_listing = false;
        if (!last.ok()) {
            m_banner->showMessage(tr("Sync pairs could not be read: %1").arg(last.error.message()));
            m_readFailed = true;
            return;
        }
        if (m_readFailed)
            m_banner->clear(); // a failed action's report stays until the next action
        m_readFailed = false;
        applyList(items);
        for (const QJsonValue &value : items)
            fetchDetail(value.toObject().value(QLatin1String("id")).toInteger());
        if (m_detail->shownPair() > 0)
            showDetail();
        emit refreshed();
    });
}

void SyncPairsPage::applyList(const QJsonArray &items)
{
    // The list carries no last operation or quarantine count: keep the ones last read.
    QJsonArray merged;
    for (const QJsonValue &value : items) {
        QJsonObject pair = value.toObject();
        const QJsonObject detail = m_details.value(pair.value(QLatin1String("id")).toInteger());
        for (const QString &key : { QStringLiteral("last_operation"), QStringLiteral("open_quarantine") }) {
            if (!pair.contains(key) && detail.contains(key))
                pair.insert(key, detail.value(key));
        }
        merged.append(m_counters->decorate(pair));
    }
    m_model->applyItems(merged);
    applySystemFilter();
    fitSystemsColumn();
}

void SyncPairsPage::fetchDetail(qint64 id)
{
    if (id <= 0)
        return;
    m_client->get(pairPath(id), this, [this, id](const ApiResult &result) {
        if (result.status == 404) {
            m_details.remove(id);
            m_model->removeId(id);
            return;
        }
        if (!result.ok())
            return;
        const QJsonObject pair = withDuration(result.object());
        m_details.insert(id, pair);
        m_model->upsert(m_counters->decorate(pair));
        applySystemFilter();
        if (id == m_detail->shownPair())
            showDetail();
    });
}

void SyncPairsPage::onChanged(const QString &type, const QString &id, const QString &action)
{
    if (type == QLatin1String("system")) {
        loadSystems();
    } else if (type == QLatin1String("sync_pair")) {
        if (action == QLatin1String("deleted")) {
            m_details.remove(id.toLongLong());
            m_model->removeId(id.toLongLong());
        } else {
            fetchDetail(id.toLongLong());
        }
    } else if (type == QLatin1String("sync_operation") || type == QLatin1String("quarantine_entry")) {
        m_debounce->start(); // which pair it touched is in the resource: re-read them all
    }
}

void SyncPairsPage::fitSystemsColumn()
{
    // "source → target" names are never cut: the column grows to them (the user may widen it).
    const QAbstractItemView *view = m_table; // QAbstractItemView::sizeHintForColumn is public
    const int needed = view->sizeHintForColumn(SyncPairsModel::SystemsColumn);
    if (needed > m_table->columnWidth(SyncPairsModel::SystemsColumn))
        m_table->setColumnWidth(SyncPairsModel::SystemsColumn, needed);
}

void SyncPairsPage::applyFilters()
{
    const QString status = m_statusFilter->currentData().toString();
    m_filter->setFieldFilter(QStringLiteral("enabled"), status.isEmpty() ? QStringList() : QStringList { status });
    m_filter->setText(m_textFilter->text());
    applySystemFilter();
    if (!m_restoring && m_pendingSystem <= 0)
        saveSettings();
}

void SyncPairsPage::applySystemFilter()
{
    // A pair matches a system as its source or its target: filter on the ids that match.
    const qint64 system = m_systemFilter->currentData().toLongLong();
    QStringList ids;
    if (system > 0) {
        ids << QStringLiteral("0"); // matches nothing when no pair uses the system
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QJsonObject pair = m_model->itemAt(row);
            if (pair.value(QLatin1String("source_system_id")).toInteger() == system
                || pair.value(QLatin1String("target_system_id")).toInteger() == system)
                ids << QString::number(m_model->idAt(row));
        }
    }
    m_filter->setFieldFilter(QStringLiteral("id"), ids);
}

void SyncPairsPage::bulk(const QString &verb, const std::function<void(qint64, std::function<void(const QString &)>)> &call)
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty()) {
        m_message->setText(tr("Select one or more pairs first."));
        emit actionFinished(m_message->text(), QString());
        return;
    }
    struct Progress
    {
        int left = 0;
        QStringList failures;
    };
    auto progress = std::make_shared<Progress>();
    progress->left = int(ids.size());
    m_banner->clear();
    m_message->setText(tr("%1: %n pair(s)…", nullptr, int(ids.size())).arg(verb));
    for (qint64 id : ids) {
        const QString name = m_model->itemAt(m_model->rowOf(id)).value(QLatin1String("name")).toString();
        call(id, [this, progress, verb, name, count = int(ids.size())](const QString &failure) {
            if (!failure.isEmpty())
                progress->failures << tr("%1: %2").arg(name, failure);
            if (--progress->left > 0)
                return;
            const int done = count - int(progress->failures.size());
            const QString summary = tr("%1: %2 of %n pair(s) done.", nullptr, count).arg(verb).arg(done);
            m_message->setText(summary);
            const QString failures = progress->failures.join(QLatin1Char('\n'));
            if (!failures.isEmpty())
                m_banner->showMessage(failures);
            emit actionFinished(summary, failures);
        });
    }
}

void SyncPairsPage::setEnabledOf(bool enable)
{
    const QString tail = enable ? QStringLiteral("/enable") : QStringLiteral("/disable");
    bulk(enable ? tr("Enable") : tr("Disable"), [this, tail](qint64 id, std::function<void(const QString &)> done) {
        m_client->post(pairPath(id, tail), {}, this, [this, id, done](const ApiResult &result) {
            if (!result.ok()) {
                done(result.error.message());
                return;
            }
            const QJsonObject pair = withDuration(result.object());
            if (pair.value(QLatin1String("id")).toInteger() == id) {
                m_details.insert(id, pair);
                m_model->upsert(pair);
                if (id == m_detail->shownPair())
                    showDetail();
            }
            done(QString());
        });
    });
}

void SyncPairsPage::run(bool dryRun)
{
    bulk(dryRun ? tr("Dry run") : tr("Run"), [this, dryRun](qint64 id, std::function<void(const QString &)> done) {
        QJsonObject body { { QStringLiteral("pair_id"), id } };
        if (dryRun)
            body.insert(QStringLiteral("dry_run"), true);
        m_client->post(QStringLiteral("/api/sync-operations"), body, this, [this, id, done](const ApiResult &result) {
            if (!result.ok()) {
                done(result.error.message());
                return;
            }
            fetchDetail(id);
            if (id == m_detail->shownPair())
                showDetail();
            done(QString());
        });
    });
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
        fetchDetail(id);
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
        fetchDetail(pair.value(QLatin1String("id")).toInteger());
    });
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
    QHeaderView *header = m_table->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            options.columns << logical;
    }
    if (!file.open(QIODevice::WriteOnly) || !tf::console::exportCsv(*m_filter, file, options))
        m_banner->showMessage(tr("Could not write %1.").arg(path));
    else
        m_message->setText(tr("Exported %n pair(s) to %1.", nullptr, m_filter->rowCount()).arg(path));
}

} // namespace tf::console
