#include "systemspage.h"

#include "client/changepoller.h"
#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "dialogs/systemeditordialog.h"
#include "dialogs/systementitiesdialog.h"
#include "models/systemkinds.h"
#include "models/systemsmodel.h"
#include "widgets/confirmation.h"
#include "widgets/problemtext.h"
#include "widgets/resourcetableview.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

SystemsPage::SystemsPage(GatewayClient *client, Permissions *permissions, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(new SystemsModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_table(makeResourceTable(this, m_sorted, QStringLiteral("systemsTable"), tr("Systems")))
    , m_status(new QLabel(this))
    , m_new(new QAction(tr("&New…"), this))
    , m_edit(new QAction(tr("&Edit…"), this))
    , m_delete(new QAction(tr("&Delete…"), this))
    , m_test(new QAction(tr("&Test Connection"), this))
    , m_browse(new QAction(tr("&Browse Entities…"), this))
{
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(SystemsModel::SortRole);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SystemsModel::NameColumn, Qt::AscendingOrder);
    m_table->setWordWrap(false); // one line a system; the tooltips hold the long texts
    // Wide enough for the longest kind, whichever systems the first list holds.
    int kindWidth = 0;
    for (const QString &kind : systemkinds::kinds())
        kindWidth = qMax(kindWidth, m_table->fontMetrics().horizontalAdvance(systemkinds::label(kind)));
    m_table->setColumnWidth(SystemsModel::KindColumn, kindWidth + 24);
    m_status->setObjectName(QStringLiteral("systemsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    struct Command
    {
        QAction *action;
        const char *name;
        QKeySequence key;
        QString tip;
        const char *permission;
    };
    const QList<Command> commands {
        { m_new, "newSystem", QKeySequence(Qt::CTRL | Qt::Key_N), tr("Define a new system (Ctrl+N)"), "pairs:write" },
        { m_edit, "editSystem", QKeySequence(Qt::CTRL | Qt::Key_E), tr("Edit the selected system (Ctrl+E)"), "pairs:write" },
        { m_delete, "deleteSystem", QKeySequence::Delete, tr("Delete the selected system (Del)"), "pairs:write" },
        { m_test, "testSystem", QKeySequence(Qt::CTRL | Qt::Key_T),
          tr("Connect to the selected system and count its entities (Ctrl+T)"), "pairs:write" },
        { m_browse, "browseSystem", QKeySequence(Qt::CTRL | Qt::Key_B),
          tr("List the entities of the selected system and their columns (Ctrl+B)"), "pairs:read" },
    };
    auto *bar = new QHBoxLayout;
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
        button->setAccessibleName(command.action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")));
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(button);
        addAction(command.action);
    }
    auto *refreshAction = new QAction(tr("Re&fresh"), this);
    refreshAction->setObjectName(QStringLiteral("refreshSystems"));
    // No key of its own: the window's F5 refreshes the shown page.
    connect(refreshAction, &QAction::triggered, this, &SystemsPage::refresh);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(refreshAction);
    refreshButton->setAccessibleName(tr("Refresh"));
    bar->addStretch(1);
    bar->addWidget(refreshButton);
    addAction(refreshAction);

    connect(m_new, &QAction::triggered, this, &SystemsPage::newSystem);
    connect(m_edit, &QAction::triggered, this, &SystemsPage::editSelected);
    connect(m_delete, &QAction::triggered, this, &SystemsPage::deleteSelected);
    connect(m_test, &QAction::triggered, this, &SystemsPage::testSelected);
    connect(m_browse, &QAction::triggered, this, &SystemsPage::browseSelected);
    connect(m_table, &QTableView::doubleClicked, this, [this] {
        if (m_edit->isEnabled())
            editSelected();
        else
            browseSelected();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
}

void SystemsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_client->hasBearerToken())
        refresh();
}

QString SystemsPage::statusText() const
{
    return m_status->text();
}

void SystemsPage::showStatus(const QString &text, bool problem)
{
    showMessage(m_status, text, problem);
}

qint64 SystemsPage::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_model->idAt(m_sorted->mapToSource(rows.first()).row());
}

bool SystemsPage::selectId(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_table->selectRow(m_sorted->mapFromSource(m_model->index(row, 0)).row());
    return selectedId() == id;
}

void SystemsPage::followChanges(ChangePoller *poller)
{
    connect(poller, &ChangePoller::reloadAll, this, &SystemsPage::refresh);
    connect(poller, &ChangePoller::changed, this, [this](const QString &type) {
        if (type == QLatin1String("system") || type == QLatin1String("sync_pair"))
            refresh();
    });
}

void SystemsPage::refresh()
{
    if (m_refreshing) {
        m_refreshAgain = true; // a save's refresh must see the saved system
        return;
    }
    m_refreshing = true;
    // The pairs first (for "used by"), then the systems; the rows change once, in place.
    m_client->list(QStringLiteral("/api/sync-pairs"), {}, this, [this](const QJsonArray &pairs, const ApiResult &pairsLast) {
        m_client->list(QStringLiteral("/api/systems"), {}, this,
                       [this, pairs, pairsOk = pairsLast.ok()](const QJsonArray &systems, const ApiResult &last) {
                           m_refreshing = false;
                           if (m_refreshAgain) {
                               m_refreshAgain = false;
                               refresh();
                               return;
                           }
                           if (!last.ok()) {
                               showStatus(tr("Could not load the systems: %1").arg(last.error.message()), true);
                               emit refreshed(false);
                               return;
                           }
                           m_model->applySystems(systems, pairs);
                           // Columns grow to a longer name, path or pair, never shrink: a
                           // width the user chose stays unless new content needs more.
                           for (int column : { int(SystemsModel::NameColumn), int(SystemsModel::WhereColumn),
                                               int(SystemsModel::PairsColumn) }) {
                               const int before = m_table->columnWidth(column);
                               m_table->resizeColumnToContents(column);
                               m_table->setColumnWidth(column, qMax(before, qMin(m_table->columnWidth(column), 420)));
                           }
                           showStatus(pairsOk ? tr("%n system(s).", nullptr, int(systems.size()))
                                              : tr("%n system(s); the pairs using them could not be read.", nullptr,
                                                   int(systems.size())),
                                      !pairsOk);
                           emit refreshed(true);
                       });
    });
}

void SystemsPage::newSystem()
{
    openEditor(0);
}

void SystemsPage::editSelected()
{
    const qint64 id = selectedId();
    if (id <= 0) {
        showStatus(tr("Select a system to edit."));
        return;
    }
    openEditor(id);
}

void SystemsPage::openEditor(qint64 id)
{
    if (m_editor)
        m_editor->deleteLater();
    m_editor = new SystemEditorDialog(m_client, id, this);
    m_editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_editor, &SystemEditorDialog::saved, this, [this, id](const QJsonObject &system) {
        const qint64 savedId = system.value(QLatin1String("id")).toInteger();
        showStatus(id > 0 ? tr("System %1 saved.").arg(system.value(QLatin1String("name")).toString())
                          : tr("System %1 created.").arg(system.value(QLatin1String("name")).toString()));
        // The list first, so the new row is there to select.
        connect(this, &SystemsPage::refreshed, this, [this, savedId] { selectId(savedId); }, Qt::SingleShotConnection);
        refresh();
    });
    m_editor->open();
    emit editorOpened(m_editor);
}

void SystemsPage::deleteSelected()
{
    const qint64 id = selectedId();
    if (id <= 0) {
        showStatus(tr("Select a system to delete."));
        return;
    }
    const QString name = m_model->nameOf(id);
    const QStringList pairs = m_model->pairNamesOf(id);
    const QString text = pairs.isEmpty()
        ? tr("Delete the system %1? No sync pair uses it.").arg(name)
        : tr("Delete the system %1? It is used by %n sync pair(s): %2. The gateway refuses while a pair uses it; "
             "change or delete those pairs first.",
             nullptr, int(pairs.size()))
              .arg(name, pairs.join(QStringLiteral(", ")));
    confirm(this, tr("Delete System"), text, tr("Delete"), [this, id, name] {
        m_client->del(QStringLiteral("/api/systems/%1").arg(id), {}, this, [this, id, name](const ApiResult &result) {
            if (result.ok())
                showStatus(tr("System %1 deleted.").arg(name));
            else
                showStatus(tr("Could not delete %1: %2").arg(name, result.error.message()), true);
            refresh();
            emit deleted(id, result.ok());
        });
    });
}

void SystemsPage::testSelected()
{
    const qint64 id = selectedId();
    if (id <= 0) {
        showStatus(tr("Select a system to test."));
        return;
    }
    const QString name = m_model->nameOf(id);
    m_model->setTesting(id);
    showStatus(tr("Testing the connection to %1…").arg(name));
    // tf-syncd answers when the connection was made or failed (a closed port, a refused login).
    m_client->post(QStringLiteral("/api/systems/%1/test").arg(id), {}, this, [this, id, name](const ApiResult &result) {
        if (!result.ok()) {
            m_model->setTestResult(id, {}, result.error.message());
            showStatus(tr("The test of %1 was refused: %2").arg(name, result.error.message()), true);
            emit tested(id, false);
            return;
        }
        const QJsonObject finding = result.object();
        m_model->setTestResult(id, finding);
        const bool ok = finding.value(QLatin1String("ok")).toBool();
        if (ok)
            showStatus(tr("%1 answered: %n entities in %2 ms.", nullptr, int(finding.value(QLatin1String("entities_count")).toInteger()))
                           .arg(name)
                           .arg(finding.value(QLatin1String("elapsed_ms")).toInteger()));
        else
            showStatus(tr("%1: %2").arg(name, finding.value(QLatin1String("error")).toString()), true);
        emit tested(id, ok);
    });
}

void SystemsPage::browseSelected()
{
    const qint64 id = selectedId();
    if (id <= 0) {
        showStatus(tr("Select a system to browse."));
        return;
    }
    if (m_entities)
        m_entities->deleteLater();
    m_entities = new SystemEntitiesDialog(m_client, id, m_model->nameOf(id), this);
    m_entities->setAttribute(Qt::WA_DeleteOnClose);
    m_entities->open();
}

} // namespace tf::console
