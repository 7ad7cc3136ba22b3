#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Quarantined rows (GET /api/quarantine items, the QuarantineEntry schema).
class QuarantineModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QuarantineModel)

public:
    enum Column {
        IdColumn,
        PairColumn,
        EntityColumn,
        RuleColumn,
        FieldColumn,
        MessageColumn,
        AttemptsColumn,
        CreatedColumn,
        StatusColumn,
        ColumnCount
    };

    explicit QuarantineModel(QObject *parent = nullptr);
};

} // namespace tf::console
