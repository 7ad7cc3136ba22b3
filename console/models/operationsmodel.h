#pragma once

#include "resourcetablemodel.h"

#include <optional>

namespace tf::console {

// Sync operations (GET /api/sync-operations items, the Operation schema): the live table
// with a progress bar (ProgressRole, 0..1) per running operation and, next to it, the time
// left at the rate so far (eta_s).
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
        EtaColumn,
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
    // "1 min 5 s" from eta_s while the operation runs; empty when it has none.
    static QString etaText(const QJsonObject &operation);
};

} // namespace tf::console
