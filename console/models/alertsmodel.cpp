#include "alertsmodel.h"

namespace tf::console {

int AlertsModel::severityRank(const QString &severity)
{
    if (severity == QLatin1String("info"))
        return 0;
    if (severity == QLatin1String("warning"))
        return 1;
    if (severity == QLatin1String("critical"))
        return 2;
    return -1;
}

AlertsModel::AlertsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[IdColumn] = numberColumn(tr("ID"), QStringLiteral("id"));
    columns[SeverityColumn] = fieldColumn(tr("Severity"), QStringLiteral("severity"));
    columns[SeverityColumn].sortValue = [](const QJsonObject &alert) -> QVariant {
        const int rank = severityRank(alert.value(QLatin1String("severity")).toString());
        return rank < 0 ? QVariant() : QVariant(rank);
    };
    columns[RuleColumn] = fieldColumn(tr("Rule"), QStringLiteral("rule"));
    columns[SourceColumn] = fieldColumn(tr("Source"), QStringLiteral("source"));
    columns[MessageColumn] = fieldColumn(tr("Message"), QStringLiteral("message"));
    columns[MessageColumn].toolTip = columns[MessageColumn].display;
    columns[RaisedColumn] = timeColumn(tr("Raised"), QStringLiteral("raised_at"));
    columns[StatusColumn] = fieldColumn(tr("State"), QStringLiteral("status"));
    columns[AcknowledgedByColumn]
        = fieldColumn(tr("Acknowledged by"), QStringLiteral("acknowledged_by"));
    columns[AcknowledgedAtColumn]
        = timeColumn(tr("Acknowledged at"), QStringLiteral("acknowledged_at"));

    // The measured value that raised the alert (details.value, set by the alert rules).
    auto &value = columns[ValueColumn];
    value.header = tr("Value");
    value.alignment = Qt::AlignRight | Qt::AlignVCenter;
    value.sortValue = [](const QJsonObject &alert) -> QVariant {
        const QJsonValue v
            = alert.value(QLatin1String("details")).toObject().value(QLatin1String("value"));
        return v.isDouble() ? QVariant(v.toDouble()) : QVariant();
    };
    value.display = [](const QJsonObject &alert) -> QVariant {
        const QJsonValue v
            = alert.value(QLatin1String("details")).toObject().value(QLatin1String("value"));
        if (v.isDouble())
            return QString::number(v.toDouble(), 'g', 6);
        return v.isString() ? QVariant(v.toString()) : QVariant();
    };
    setColumns(std::move(columns));
}

} // namespace tf::console
