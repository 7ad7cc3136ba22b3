#include "resourcepanel.h"

#include "client/gatewayclient.h"
#include "client/permissions.h"
#include "models/resourcefiltermodel.h"
#include "models/resourcetablemodel.h"
#include "problemtext.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace tf::console {

ResourcePanel::ResourcePanel(GatewayClient *client, Permissions *permissions,
                             ResourceTableModel *model, const QString &path,
                             const QString &readPermission, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_permissions(permissions)
    , m_model(model)
    , m_filter(new ResourceFilterModel(this))
    , m_table(new QTableView(this))
    , m_message(new QLabel(this))
    , m_bar(new QWidget(this))
    , m_path(path)
    , m_readPermission(readPermission)
{
    m_model->setParent(this);
    m_filter->setSourceModel(m_model);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(0, true); // the id: the name says which
    m_table->resizeColumnsToContents(); // the headers fit before any row arrives
    m_message->setWordWrap(true);
    // The selected row's state (disabled or not) names some actions, so a change of the
    // row counts like a change of the selection.
    auto selectedChanged = [this] {
        updateActions();
        selectionChanged();
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            selectedChanged);
    connect(m_model, &QAbstractItemModel::dataChanged, this, selectedChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, selectedChanged);
    auto *bar = new QHBoxLayout(m_bar);
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    connect(m_permissions, &Permissions::changed, this, &ResourcePanel::updateActions);
}

QToolButton *ResourcePanel::addButton(QAction *action, const QString &name)
{
    auto *button = new QToolButton(m_bar);
    button->setDefaultAction(action);
    button->setObjectName(name);
    button->setAccessibleName(action->text().remove(QLatin1Char('&')));
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *bar = static_cast<QHBoxLayout *>(m_bar->layout());
    bar->insertWidget(bar->count() - 1, button);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    return button;
}

void ResourcePanel::bindWrite(QAction *action, const QString &permission, bool needsSelection)
{
    action->setProperty("permission", permission);
    m_permissions->bind(action, permission);
    if (needsSelection)
        m_needSelection.append(action);
    updateActions();
}

QJsonObject ResourcePanel::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QJsonObject()
                          : m_model->itemAt(m_filter->mapToSource(rows.first()).row());
}

bool ResourcePanel::select(qint64 id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    m_table->selectRow(m_filter->mapFromSource(m_model->index(row, 1)).row());
    return true;
}

void ResourcePanel::updateActions()
{
    const bool any = !selected().isEmpty();
    for (QAction *action : std::as_const(m_needSelection)) {
        // The permission binding decides first; a row must be selected too.
        if (m_permissions->has(action->property("permission").toString()))
            action->setEnabled(any);
    }
}

void ResourcePanel::clear(const QString &why)
{
    m_model->applyItems({});
    showMessage(m_message, why, false);
}

void ResourcePanel::refresh()
{
    if (!m_permissions->has(m_readPermission)) {
        clear(
            tr("Needs %1 (the role %2) to list these.")
                .arg(m_readPermission, Permissions::rolesWith(m_readPermission).join(tr(" or "))));
        emit refreshed(false);
        return;
    }
    if (m_inFlight) {
        m_again = true;
        return;
    }
    m_inFlight = true;
    m_client->list(m_path, {}, this, [this](const QJsonArray &items, const ApiResult &last) {
        m_inFlight = false;
        if (last.ok()) {
            m_model->applyItems(items);
            if (!m_sized && !items.isEmpty()) {
                m_sized = true; // once: later the user's widths stay
                m_table->resizeColumnsToContents();
            }
            updateActions();
        } else {
            showMessage(m_message, tr("Could not load the list: %1").arg(last.error.message()),
                        true);
        }
        emit refreshed(last.ok());
        if (m_again) {
            m_again = false;
            refresh();
        }
    });
}

void ResourcePanel::withEtag(qint64 id, const QString &what,
                             std::function<void(const QByteArray &)> write)
{
    m_client->get(QStringLiteral("%1/%2").arg(m_path).arg(id), this,
                  [this, what, write = std::move(write)](const ApiResult &read) {
                      if (!read.ok()) {
                          report(read, QString(), what);
                          return;
                      }
                      write(read.etag());
                  });
}

void ResourcePanel::report(const ApiResult &result, const QString &done, const QString &what)
{
    showMessage(m_message,
                result.ok() ? done : tr("%1 failed: %2").arg(what, result.error.message()),
                !result.ok());
    emit actionFinished(result.ok());
}

} // namespace tf::console
