#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Sync pairs (GET /api/sync-pairs items, or SyncPairDetail objects with last_operation and
// open_quarantine): what an operator scans to see which pair needs attention.
class SyncPairsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncPairsModel)

public:
    enum Column {
        NameColumn,
        SystemsColumn,
        ModeColumn,
        EnabledColumn,
        ScheduleColumn,
        NextRunColumn,
        LastRunColumn,
        LastDurationColumn,
        OpenQuarantineColumn,
        ColumnCount
    };

    explicit SyncPairsModel(QObject *parent = nullptr);
};

} // namespace tf::console
