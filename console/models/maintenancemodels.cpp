#include "maintenancemodels.h"

#include "durationtext.h"

#include <QJsonArray>

namespace tf::console {

MaintenanceWindowsModel::MaintenanceWindowsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[TypeColumn] = fieldColumn(tr("Window"), QStringLiteral("type"));
    columns[WhenColumn] = fieldColumn(tr("When"), QStringLiteral("when"));
    columns[WhenColumn].toolTip = [](const QJsonObject &window) -> QVariant {
        return window.value(QLatin1String("cron")).toString();
    };
    columns[NextRunColumn] = timeColumn(tr("Next run"), QStringLiteral("next_run_utc"));
    auto &last = columns[LastRunColumn];
    last.header = tr("Last run");
    last.display = [](const QJsonObject &window) -> QVariant {
        const QJsonObject run = window.value(QLatin1String("last_run")).toObject();
        if (run.isEmpty())
            return tr("never");
        return tr("#%1 %2")
            .arg(run.value(QLatin1String("id")).toInteger())
            .arg(run.value(QLatin1String("status")).toString());
    };
    auto &tasks = columns[TasksColumn];
    tasks.header = tr("Tasks");
    tasks.display = [](const QJsonObject &window) -> QVariant {
        QStringList names;
        for (const QJsonValue &task : window.value(QLatin1String("tasks")).toArray())
            names << task.toString();
        return names.join(QStringLiteral(", "));
    };
    tasks.toolTip = tasks.display;
    setColumns(std::move(columns));
}

MaintenanceRunsModel::MaintenanceRunsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[IdColumn] = numberColumn(tr("Run"), QStringLiteral("id"));
    columns[TypeColumn] = fieldColumn(tr("Window"), QStringLiteral("type"));
    columns[StatusColumn] = fieldColumn(tr("Status"), QStringLiteral("status"));
    columns[StatusColumn].toolTip = [](const QJsonObject &run) -> QVariant {
        return run.value(QLatin1String("message")).toString();
    };
    columns[TriggeredByColumn] = fieldColumn(tr("Triggered by"), QStringLiteral("triggered_by"));
    columns[StartedColumn] = timeColumn(tr("Started"), QStringLiteral("started_at"));
    auto &duration = columns[DurationColumn];
    duration.header = tr("Duration");
    duration.alignment = Qt::AlignRight | Qt::AlignVCenter;
    duration.sortValue = [](const QJsonObject &run) -> QVariant {
        const QDateTime started = parseTime(run.value(QLatin1String("started_at")));
        const QDateTime finished = parseTime(run.value(QLatin1String("finished_at")));
        return started.isValid() && finished.isValid() ? QVariant(started.msecsTo(finished))
                                                       : QVariant();
    };
    duration.display = [sort = duration.sortValue](const QJsonObject &run) -> QVariant {
        const QVariant ms = sort(run);
        return ms.isValid() ? QVariant(durationText(ms.toLongLong())) : QVariant(tr("running"));
    };
    auto &findings = columns[FindingsColumn];
    findings.header = tr("Findings");
    findings.display = [](const QJsonObject &run) -> QVariant {
        const QJsonObject counts = run.value(QLatin1String("finding_counts")).toObject();
        QStringList parts;
        for (const char *severity : { "critical", "high", "medium", "low", "info" }) {
            const int n = counts.value(QLatin1String(severity)).toInt();
            if (n > 0)
                parts << QStringLiteral("%1 %2").arg(n).arg(QLatin1String(severity));
        }
        return parts.isEmpty() ? tr("none") : parts.join(QStringLiteral(", "));
    };
    setColumns(std::move(columns));
}

} // namespace tf::console
