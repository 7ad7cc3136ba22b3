#include "resourcetableview.h"

#include <QHeaderView>
#include <QTableView>

namespace tf::console {

QTableView *makeResourceTable(QWidget *parent, QAbstractItemModel *model, const QString &objectName,
                              const QString &accessibleName, LastColumn lastColumn)
{
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(lastColumn == LastColumn::Stretch);
    return table;
}

} // namespace tf::console
