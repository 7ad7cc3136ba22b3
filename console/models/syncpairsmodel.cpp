#include "syncpairsmodel.h"

#include "cdcstreamtext.h"
#include "durationtext.h"

#include <QColor>

namespace tf::console {

SyncPairsModel::SyncPairsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[NameColumn] = fieldColumn(tr("Name"), QStringLiteral("name"));
    columns[NameColumn].toolTip = [](const QJsonObject &pair) -> QVariant {
        const QString description = pair.value(QLatin1String("description")).toString();
        return description.isEmpty() ? QVariant() : QVariant(description);
    };

    auto &systems = columns[SystemsColumn];
    systems.header = tr("Source → target");
    systems.display = [](const QJsonObject &pair) -> QVariant {
        const QJsonValue source = pair.value(QLatin1String("source_system_id"));
        const QJsonValue target = pair.value(QLatin1String("target_system_id"));
        if (!source.isDouble() && !target.isDouble())
            return {};
        const auto text = [](const QJsonValue &id) {
            return id.isDouble() ? QString::number(id.toInteger()) : QStringLiteral("?");
        };
        return QStringLiteral("%1 → %2").arg(text(source), text(target));
    };
    systems.toolTip = [](const QJsonObject &pair) -> QVariant {
        const QString source = pair.value(QLatin1String("source_entity")).toString();
        const QString target = pair.value(QLatin1String("target_entity")).toString();
        if (source.isEmpty() && target.isEmpty())
            return {};
        return QStringLiteral("%1 → %2").arg(source, target);
    };

    // The list item carries mode only inside its definition.
    auto &mode = columns[ModeColumn];
    mode.header = tr("Mode");
    mode.display = [](const QJsonObject &pair) -> QVariant {
        const QJsonValue value
            = pair.value(QLatin1String("definition")).toObject().value(QLatin1String("mode"));
        return value.isString() ? QVariant(value.toString()) : QVariant();
    };

    auto &enabled = columns[EnabledColumn];
    enabled.header = tr("Status");
    enabled.display = [](const QJsonObject &pair) -> QVariant {
        const QJsonValue value = pair.value(QLatin1String("enabled"));
        if (!value.isBool())
            return {};
        return value.toBool() ? tr("enabled") : tr("disabled");
    };

    columns[ScheduleColumn] = fieldColumn(tr("Schedule"), QStringLiteral("schedule"));
    columns[NextRunColumn] = timeColumn(tr("Next run"), QStringLiteral("next_run_at"));

    const auto lastOperation = [](const QJsonObject &pair) {
        return pair.value(QLatin1String("last_operation")).toObject();
    };
    auto &lastRun = columns[LastRunColumn];
    lastRun.header = tr("Last run");
    lastRun.display = [lastOperation](const QJsonObject &pair) -> QVariant {
        const QJsonValue status = lastOperation(pair).value(QLatin1String("status"));
        return status.isString() ? QVariant(status.toString()) : QVariant();
    };
    lastRun.toolTip = [lastOperation](const QJsonObject &pair) -> QVariant {
        const QJsonObject operation = lastOperation(pair);
        const QString error = operation.value(QLatin1String("error"))
                                  .toObject()
                                  .value(QLatin1String("message"))
                                  .toString();
        const QString message = operation.value(QLatin1String("message")).toString();
        const QString text = error.isEmpty() ? message : error;
        return text.isEmpty() ? QVariant() : QVariant(text);
    };

    auto &duration = columns[LastDurationColumn];
    duration.header = tr("Duration"); // of the last run
    duration.alignment = Qt::AlignRight | Qt::AlignVCenter;
    duration.sortValue = [lastOperation](const QJsonObject &pair) -> QVariant {
        const QJsonValue ms = lastOperation(pair).value(QLatin1String("duration_ms"));
        return ms.isDouble() ? QVariant(ms.toInteger()) : QVariant();
    };
    duration.display = [lastOperation](const QJsonObject &pair) -> QVariant {
        const QJsonValue ms = lastOperation(pair).value(QLatin1String("duration_ms"));
        return ms.isDouble() ? QVariant(durationText(ms.toInteger())) : QVariant();
    };

    // The page adds "backlog" from the queued and running operations and next_run_at.
    auto &backlog = columns[BacklogColumn];
    backlog.header = tr("Backlog");
    backlog.alignment = Qt::AlignCenter;
    const auto backlogOf = [](const QJsonObject &pair) { return pair.value(QLatin1String("backlog")).toObject(); };
    backlog.display = [backlogOf](const QJsonObject &pair) -> QVariant {
        return pair.contains(QLatin1String("backlog")) ? QVariant(backlogText(backlogOf(pair))) : QVariant();
    };
    backlog.sortValue = [backlogOf](const QJsonObject &pair) -> QVariant {
        return pair.contains(QLatin1String("backlog")) ? QVariant(backlogWeight(backlogOf(pair))) : QVariant();
    };
    backlog.toolTip = [backlogOf](const QJsonObject &pair) -> QVariant {
        if (!pair.contains(QLatin1String("backlog")))
            return {};
        const QJsonObject value = backlogOf(pair);
        QString text = tr("Backlog: %1 operation(s) queued and %2 running for this pair.")
                               .arg(value.value(QLatin1String("queued")).toInt())
                               .arg(value.value(QLatin1String("running")).toInt());
        if (value.value(QLatin1String("overdue")).toBool())
            text += QLatin1Char(' ') + tr("The next scheduled run is overdue: its time has passed and it has not started.");
        return text;
    };
    backlog.roles.insert(Qt::ForegroundRole, [backlogOf](const QJsonObject &pair) -> QVariant {
        return backlogOf(pair).value(QLatin1String("overdue")).toBool() ? QVariant(QColor(0xd3, 0x54, 0x00)) : QVariant();
    });

    columns[OpenQuarantineColumn]
        = numberColumn(tr("Quarantine"), QStringLiteral("open_quarantine")); // open rows

    const auto cdcOf = [](const QJsonObject &pair) { return pair.value(QLatin1String("cdc")).toObject(); };
    auto &stream = columns[StreamColumn];
    stream.header = tr("Stream"); // cdc pairs
    stream.display = [cdcOf](const QJsonObject &pair) -> QVariant {
        const QString text = cdcStreamText(cdcOf(pair));
        return text.isEmpty() ? QVariant() : QVariant(text);
    };
    stream.sortValue = [cdcOf](const QJsonObject &pair) -> QVariant {
        const qint64 lag = cdcStreamLagBytes(cdcOf(pair));
        return lag >= 0 ? QVariant(lag) : QVariant();
    };
    stream.toolTip = [cdcOf](const QJsonObject &pair) -> QVariant {
        const QString text = cdcStreamToolTip(cdcOf(pair));
        return text.isEmpty() ? QVariant() : QVariant(text);
    };
    stream.roles.insert(Qt::ForegroundRole, [cdcOf](const QJsonObject &pair) -> QVariant {
        return cdcStreamNeedsAttention(cdcOf(pair)) ? QVariant(QColor(0xd3, 0x54, 0x00)) : QVariant();
    });
    setColumns(std::move(columns));
}

QString SyncPairsModel::backlogText(const QJsonObject &backlog)
{
    const int queued = backlog.value(QLatin1String("queued")).toInt();
    const int running = backlog.value(QLatin1String("running")).toInt();
    QString text = QString::number(queued + running);
    if (running > 0)
        text += QLatin1Char(' ') + tr("(%1 running)").arg(running);
    if (backlog.value(QLatin1String("overdue")).toBool())
        text += QLatin1Char(' ') + tr("overdue");
    return text;
}

int SyncPairsModel::backlogWeight(const QJsonObject &backlog)
{
    return backlog.value(QLatin1String("queued")).toInt() + backlog.value(QLatin1String("running")).toInt()
        + (backlog.value(QLatin1String("overdue")).toBool() ? 1 : 0);
}

} // namespace tf::console
