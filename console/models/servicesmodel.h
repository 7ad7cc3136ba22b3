#pragma once

#include "resourcetablemodel.h"

#include <QColor>

namespace tf::console {

// Every tf-gateway and tf-syncd node (GET /api/services items, the Service schema), keyed by
// name: status, node, host, pid, uptime, heartbeat age, version and restarts in 24 h. The status
// has a colour (running green, stale amber, stopped grey, degraded or down red) and says why in
// its tooltip; restarts at or over the runbook's threshold (RestartThreshold) are drawn bold on a
// red background. Rows other than this gateway and its tf-syncd say in their tooltip why they
// cannot be restarted from here.
class ServicesModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesModel)

public:
    static constexpr int RestartThreshold = 3; // restarts in 24 h (the runbook's)

    enum Column {
        ServiceColumn,
        NodeColumn,
        HostColumn,
        StatusColumn,
        PidColumn,
        UptimeColumn,
        HeartbeatColumn,
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
    // The colour that stands for a status (also the status cell's decoration).
    static QColor statusColour(const QString &status);
    // Only this gateway ("gateway") and the tf-syncd it supervises ("sync") restart from here.
    static bool restartableHere(const QJsonObject &service);
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
