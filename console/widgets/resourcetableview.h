#pragma once

#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace tf::console {

enum class LastColumn { Stretch, Fixed };

// The table every admin page lists its resources in: whole-row single selection, alternating
// rows, no row numbers; the last column stretches to the view's edge unless told otherwise.
QTableView *makeResourceTable(QWidget *parent, QAbstractItemModel *model, const QString &objectName,
                              const QString &accessibleName,
                              LastColumn lastColumn = LastColumn::Stretch);

} // namespace tf::console
