#include "servicesmodel.h"

#include "durationtext.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace tf::console {

namespace {
bool overThreshold(const QJsonObject &service)
{
    return service.value(QLatin1String("restarts_24h")).toInt() >= ServicesModel::RestartThreshold;
}
} // namespace

ServicesModel::ServicesModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[ServiceColumn] = fieldColumn(tr("Service"), QStringLiteral("service"));
    columns[NodeColumn] = fieldColumn(tr("Node"), QStringLiteral("node"));
    auto &status = columns[StatusColumn];
    status = fieldColumn(tr("Status"), QStringLiteral("status"));
    status.display = [](const QJsonObject &service) -> QVariant {
        const QString state = service.value(QLatin1String("state")).toString();
        const QString text = service.value(QLatin1String("status")).toString();
        return state.isEmpty() || state == text ? text : QStringLiteral("%1 (%2)").arg(text, state);
    };
    status.toolTip = [](const QJsonObject &service) -> QVariant {
        return service.value(QLatin1String("error")).toString();
    };
    status.roles.insert(Qt::ForegroundRole, [](const QJsonObject &service) -> QVariant {
        return service.value(QLatin1String("status")).toString() == QLatin1String("running")
            ? QVariant()
            : QVariant(QBrush(QColor(0xd0, 0x3a, 0x2f)));
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
