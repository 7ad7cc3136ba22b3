#include "syncpairstable.h"

#include "models/syncpairsmodel.h"

#include <QHeaderView>
#include <QJsonObject>
#include <QStyledItemDelegate>

namespace tf::console {

namespace {

// The source and target column: system names rather than the ids the model holds.
class SystemsDelegate final : public QStyledItemDelegate
{
public:
    SystemsDelegate(SyncPairsTable::SystemName systemName, const SyncPairsModel *model, QObject *parent)
        : QStyledItemDelegate(parent), m_systemName(std::move(systemName)), m_model(model) { }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const qint64 id = index.data(ResourceTableModel::IdRole).toLongLong();
        const QJsonObject pair = m_model->itemAt(m_model->rowOf(id));
        if (pair.contains(QLatin1String("source_system_id")))
            option->text = QStringLiteral("%1 → %2").arg(m_systemName(pair.value(QLatin1String("source_system_id")).toInteger()),
                                                       m_systemName(pair.value(QLatin1String("target_system_id")).toInteger()));
    }

private:
    SyncPairsTable::SystemName m_systemName;
    const SyncPairsModel *m_model;
};

} // namespace

SyncPairsTable::SyncPairsTable(const SyncPairsModel *model, QAbstractItemModel *proxy, SystemName systemName, QWidget *parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("pairsTable"));
    setAccessibleName(tr("Sync pairs"));
    setModel(proxy);
    setSortingEnabled(true);
    sortByColumn(SyncPairsModel::NameColumn, Qt::AscendingOrder);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    verticalHeader()->hide();
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionsMovable(true);
    setItemDelegateForColumn(SyncPairsModel::SystemsColumn, new SystemsDelegate(std::move(systemName), model, this));
    setWordWrap(false);
    // At 1280 px every column fits beside the sidebar; Source → target widens to its names.
    const QList<QPair<int, int>> widths { { SyncPairsModel::NameColumn, 88 }, { SyncPairsModel::SystemsColumn, 180 },
                                          { SyncPairsModel::ModeColumn, 50 }, { SyncPairsModel::EnabledColumn, 65 },
                                          { SyncPairsModel::ScheduleColumn, 108 }, { SyncPairsModel::NextRunColumn, 165 },
                                          { SyncPairsModel::LastRunColumn, 150 }, { SyncPairsModel::LastDurationColumn, 80 },
                                          { SyncPairsModel::BacklogColumn, 75 }, { SyncPairsModel::OpenQuarantineColumn, 80 } };
    for (const auto &[column, width] : widths)
        setColumnWidth(column, width);
    // Stream (lag and latency of cdc pairs) is the last section, shown only while a cdc pair is
    // listed: it takes what is left; its tooltip has every figure.
    const auto showStream = [this, model] {
        bool anyCdc = false;
        for (int row = 0; row < model->rowCount() && !anyCdc; ++row)
            anyCdc = model->index(row, SyncPairsModel::ModeColumn).data().toString() == QLatin1String("cdc");
        setColumnHidden(SyncPairsModel::StreamColumn, !anyCdc);
    };
    connect(model, &QAbstractItemModel::rowsInserted, this, showStream);
    connect(model, &QAbstractItemModel::rowsRemoved, this, showStream);
    connect(model, &QAbstractItemModel::modelReset, this, showStream);
    connect(model, &QAbstractItemModel::dataChanged, this, showStream);
    showStream();
}

void SyncPairsTable::fitSystemsColumn()
{
    // "source → target" names are never cut: the column grows to them (the user may widen it).
    const int needed = sizeHintForColumn(SyncPairsModel::SystemsColumn);
    if (needed > columnWidth(SyncPairsModel::SystemsColumn))
        setColumnWidth(SyncPairsModel::SystemsColumn, needed);
}

QList<int> SyncPairsTable::visibleColumns() const
{
    QList<int> columns;
    const QHeaderView *header = horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns << logical;
    }
    return columns;
}

} // namespace tf::console
