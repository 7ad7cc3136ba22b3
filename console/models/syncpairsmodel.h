#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Sync pairs (GET /api/sync-pairs items, or SyncPairDetail objects with last_operation and
// open_quarantine, and cdc for cdc pairs) and the page's backlog (queued and running operations, and whether the
// next scheduled run is overdue): what an operator scans to see which pair needs attention.
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
        BacklogColumn,
        OpenQuarantineColumn,
        StreamColumn, // cdc pairs: lag and latency
        ColumnCount
    };

    explicit SyncPairsModel(QObject *parent = nullptr);

    // What the backlog column shows for a pair's "backlog" ({queued, running, overdue}), and
    // the number it sorts by: queued + running, plus one when the next run is overdue.
    static QString backlogText(const QJsonObject &backlog);
    static int backlogWeight(const QJsonObject &backlog);
};

} // namespace tf::console
