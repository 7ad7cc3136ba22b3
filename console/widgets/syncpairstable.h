#pragma once

#include <QTableView>
#include <functional>

namespace tf::console {

class SyncPairsModel;

// The sync pairs table: sortable, several rows selectable, "source → target" by system name
// in the Systems column, which grows to its names (fitSystemsColumn()).
class SyncPairsTable final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncPairsTable)

public:
    using SystemName = std::function<QString(qint64)>;

    // proxy sorts and filters model (already its source); systemName names a system by its id.
    SyncPairsTable(const SyncPairsModel *model, QAbstractItemModel *proxy, SystemName systemName, QWidget *parent = nullptr);

    void fitSystemsColumn();
    // The columns shown, in the order shown (for the CSV export).
    QList<int> visibleColumns() const;
};

} // namespace tf::console
