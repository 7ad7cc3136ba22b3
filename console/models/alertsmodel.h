#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Alerts (GET /api/alerts items, the Alert schema), active and resolved. SortRole of the
// severity column is its rank (info 0, warning 1, critical 2), so critical sorts first
// in descending order.
class AlertsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsModel)

public:
    enum Column {
        IdColumn,
        SeverityColumn,
        RuleColumn,
        SourceColumn,
        MessageColumn,
        RaisedColumn,
        StatusColumn,
        AcknowledgedByColumn,
        AcknowledgedAtColumn,
        ValueColumn,
        ColumnCount
    };

    explicit AlertsModel(QObject *parent = nullptr);

    static int severityRank(const QString &severity); // -1 for an unknown one (sorts as empty)
};

} // namespace tf::console
