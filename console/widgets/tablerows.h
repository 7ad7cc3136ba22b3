#pragma once

#include <QItemSelectionModel>
#include <QList>
#include <QTableWidget>

#include <algorithm>
#include <functional>

namespace tf::console {

// Removes every row of the table that has a selected cell, bottom-up so the indices stay valid.
inline void removeSelectedRows(QTableWidget *table)
{
    QList<int> rows;
    for (const QModelIndex &index : table->selectionModel()->selectedIndexes())
        if (!rows.contains(index.row()))
            rows << index.row();
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    for (int row : rows)
        table->removeRow(row);
}

} // namespace tf::console
