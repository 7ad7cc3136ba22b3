#include "servicesmodel.h"

#include "durationtext.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>

namespace tf::console {

namespace {
bool overThreshold(const QJsonObject &service)
{
    return service.value(QLatin1String("restarts_24h")).toInt() >= ServicesModel::RestartThreshold;
}
} // namespace

QColor ServicesModel::statusColour(const QString &status)
{
    if (status == QLatin1String("running"))
        return QColor(0x2e, 0x9d, 0x4f);
    if (status == QLatin1String("stale"))
        return QColor(0xe0, 0x8e, 0x0b);
    if (status == QLatin1String("stopped"))
        return QColor(0x8a, 0x8a, 0x8a);
    return QColor(0xd0, 0x3a, 0x2f); // degraded, down, anything unknown
}

bool ServicesModel::restartableHere(const QJsonObject &service)
{
    const QString name = service.value(QLatin1String("name")).toString();
    return name == QLatin1String("gateway") || name == QLatin1String("sync");
}

ServicesModel::ServicesModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    const Getter whyNotRestartable = [](const QJsonObject &service) -> QVariant {
        if (restartableHere(service))
            return {};
        return tr("%1 on %2 is not this gateway or the tf-syncd it supervises: restart it where it "
                  "runs (tfctl restart-sync or restart-api on that host, or its systemd unit).")
            .arg(service.value(QLatin1String("service")).toString(),
                 service.value(QLatin1String("host")).toString());
    };
    columns[ServiceColumn] = fieldColumn(tr("Service"), QStringLiteral("service"));
    columns[ServiceColumn].toolTip = whyNotRestartable;
    columns[NodeColumn] = fieldColumn(tr("Node"), QStringLiteral("node"));
    columns[NodeColumn].toolTip = whyNotRestartable;
    columns[HostColumn] = fieldColumn(tr("Host"), QStringLiteral("host"));
    columns[HostColumn].toolTip = [](const QJsonObject &service) -> QVariant {
        return service.value(QLatin1String("url")).toString();
    };
    auto &status = columns[StatusColumn];
    status = fieldColumn(tr("Status"), QStringLiteral("status"));
    status.display = [](const QJsonObject &service) -> QVariant {
        const QString state = service.value(QLatin1String("state")).toString();
        const QString text = service.value(QLatin1String("status")).toString();
        return state.isEmpty() || state == text ? text : QStringLiteral("%1 (%2)").arg(text, state);
    };
    status.toolTip = [](const QJsonObject &service) -> QVariant {
        const QString state = service.value(QLatin1String("status")).toString();
        if (state == QLatin1String("stale"))
            return tr("No heartbeat for more than three intervals and no clean stop: the process "
                      "probably died, or cannot reach the control database.");
        if (state == QLatin1String("stopped"))
            return tr("Stopped cleanly.");
        return service.value(QLatin1String("error")).toString();
    };
    status.roles.insert(Qt::DecorationRole, [](const QJsonObject &service) -> QVariant {
        return statusColour(service.value(QLatin1String("status")).toString());
    });
    status.roles.insert(Qt::ForegroundRole, [](const QJsonObject &service) -> QVariant {
        const QString state = service.value(QLatin1String("status")).toString();
        return state == QLatin1String("running") ? QVariant() : QVariant(QBrush(statusColour(state)));
    });
    columns[PidColumn] = numberColumn(tr("PID"), QStringLiteral("pid"));
    auto &uptime = columns[UptimeColumn];
    uptime = numberColumn(tr("Uptime"), QStringLiteral("uptime_s"));
    uptime.display = [](const QJsonObject &service) -> QVariant {
        const QJsonValue seconds = service.value(QLatin1String("uptime_s"));
        return seconds.isDouble() ? QVariant(durationText(qint64(seconds.toDouble() * 1000)))
                                  : QVariant();
    };
    uptime.sortValue = [](const QJsonObject &service) -> QVariant {
        return service.value(QLatin1String("uptime_s")).toVariant();
    };
    auto &heartbeat = columns[HeartbeatColumn];
    heartbeat = fieldColumn(tr("Heartbeat"), QStringLiteral("heartbeat_at"));
    // The age, computed when painted: the table says how old it was at the last repaint.
    heartbeat.display = [](const QJsonObject &service) -> QVariant {
        const QDateTime at = QDateTime::fromString(service.value(QLatin1String("heartbeat_at")).toString(), Qt::ISODateWithMs);
        if (!at.isValid())
            return {};
        const qint64 ms = qMax<qint64>(0, at.msecsTo(QDateTime::currentDateTimeUtc()));
        return tr("%1 ago").arg(durationText(ms < 10'000 ? ms : ms / 1000 * 1000)); // whole seconds past 10 s
    };
    heartbeat.toolTip = [](const QJsonObject &service) -> QVariant {
        return service.value(QLatin1String("heartbeat_at")).toString();
    };
    columns[VersionColumn] = fieldColumn(tr("Version"), QStringLiteral("version"));
    auto &restarts = columns[RestartsColumn];
    restarts = numberColumn(tr("Restarts (24 h)"), QStringLiteral("restarts_24h"));
    restarts.toolTip = [](const QJsonObject &service) -> QVariant {
        return overThreshold(service)
            ? tr("At or over the runbook's threshold of %1 restarts in 24 hours: find out why.")
                  .arg(RestartThreshold)
            : QVariant();
    };
    restarts.roles.insert(Qt::BackgroundRole, [](const QJsonObject &service) -> QVariant {
        return overThreshold(service) ? QVariant(QBrush(QColor(0xd0, 0x3a, 0x2f))) : QVariant();
    });
    restarts.roles.insert(Qt::ForegroundRole, [](const QJsonObject &service) -> QVariant {
        return overThreshold(service) ? QVariant(QBrush(Qt::white)) : QVariant();
    });
    restarts.roles.insert(Qt::FontRole, [](const QJsonObject &service) -> QVariant {
        if (!overThreshold(service))
            return {};
        QFont bold;
        bold.setBold(true);
        return bold;
    });
    setColumns(std::move(columns));
}

ServiceEventsModel::ServiceEventsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[TimeColumn] = timeColumn(tr("Time"), QStringLiteral("created_at"));
    columns[ServiceColumn] = fieldColumn(tr("Service"), QStringLiteral("service"));
    columns[NodeColumn] = fieldColumn(tr("Node"), QStringLiteral("node"));
    columns[EventColumn] = fieldColumn(tr("Event"), QStringLiteral("event"));
    columns[MessageColumn] = fieldColumn(tr("Message"), QStringLiteral("message"));
    columns[MessageColumn].toolTip = columns[MessageColumn].display;
    setColumns(std::move(columns));
}

} // namespace tf::console
