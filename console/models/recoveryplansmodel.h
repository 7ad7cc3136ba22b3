#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Recovery plans (GET /api/recovery-plans items, the RecoveryPlan schema), keyed by name:
// scenario, components, when and by whom.
class RecoveryPlansModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecoveryPlansModel)

public:
    enum Column {
        NameColumn,
        ScenarioColumn,
        ComponentsColumn,
        CreatedColumn,
        CreatedByColumn,
        ColumnCount
    };

    explicit RecoveryPlansModel(QObject *parent = nullptr);

    void applyPlans(const QJsonArray &items) { applyItemsKeyedBy(items, QStringLiteral("name")); }
    // The newest plan of a scenario; empty when there is none.
    QString newestOf(const QString &scenario) const;
};

} // namespace tf::console
