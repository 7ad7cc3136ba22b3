#pragma once

#include "resourcetablemodel.h"

#include <optional>

namespace tf::console {

// Sync operations (GET /api/sync-operations items, the Operation schema): the live table
// with a progress bar (ProgressRole, 0..1) per running operation.
class OperationsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationsModel)

public:
    enum Column {
        IdColumn,
        PairColumn,
        KindColumn,
        StatusColumn,
        ProgressColumn,
        RowsPerSecondColumn,
        NodeColumn,
        AttemptColumn,
        CreatedColumn,
        StartedColumn,
        FinishedColumn,
        MessageColumn,
        ErrorColumn,
        ColumnCount
    };

    explicit OperationsModel(QObject *parent = nullptr);

    // statistics.rows_per_second when the run reports it, else rows read over the duration.
    static std::optional<double> rowsPerSecond(const QJsonObject &operation);
};

} // namespace tf::console
