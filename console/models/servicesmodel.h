#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// The gateway and its tf-syncd (GET /api/services items, the Service schema), keyed by name:
// status, node, pid, uptime, version and restarts in 24 h. Restarts at or over the runbook's
// threshold (RestartThreshold) are drawn bold on a red background.
class ServicesModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesModel)

public:
    static constexpr int RestartThreshold = 3; // restarts in 24 h (the runbook's)

    enum Column {
        ServiceColumn,
        NodeColumn,
        StatusColumn,
        PidColumn,
        UptimeColumn,
        VersionColumn,
        RestartsColumn,
        ColumnCount
    };

    explicit ServicesModel(QObject *parent = nullptr);

    void applyServices(const QJsonArray &items)
    {
        applyItemsKeyedBy(items, QStringLiteral("name"));
    }
    QJsonObject service(const QString &name) const { return itemAt(rowOfKey(name)); }
};

// What the services did (GET /api/services/events items, the ServiceEvent schema).
class ServiceEventsModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceEventsModel)

public:
    enum Column { TimeColumn, ServiceColumn, NodeColumn, EventColumn, MessageColumn, ColumnCount };

    explicit ServiceEventsModel(QObject *parent = nullptr);
};

} // namespace tf::console
