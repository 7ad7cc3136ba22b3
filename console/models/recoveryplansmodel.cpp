#include "recoveryplansmodel.h"

#include <QJsonArray>

namespace tf::console {

RecoveryPlansModel::RecoveryPlansModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[NameColumn] = fieldColumn(tr("Plan"), QStringLiteral("name"));
    columns[ScenarioColumn] = fieldColumn(tr("Scenario"), QStringLiteral("scenario"));
    auto &components = columns[ComponentsColumn];
    components.header = tr("Components");
    components.display = [](const QJsonObject &plan) -> QVariant {
        QStringList names;
        for (const QJsonValue &name : plan.value(QLatin1String("components")).toArray())
            names << name.toString();
        return names.join(QStringLiteral(", "));
    };
    columns[CreatedColumn] = timeColumn(tr("Created"), QStringLiteral("created_at"));
    columns[CreatedByColumn] = fieldColumn(tr("By"), QStringLiteral("created_by"));
    setColumns(std::move(columns));
}

QString RecoveryPlansModel::newestOf(const QString &scenario) const
{
    QString newest;
    QDateTime newestAt;
    for (int row = 0; row < rowCount(); ++row) {
        const QJsonObject plan = itemAt(row);
        if (plan.value(QLatin1String("scenario")).toString() != scenario)
            continue;
        const QDateTime at = parseTime(plan.value(QLatin1String("created_at")));
        if (newest.isEmpty() || at > newestAt) {
            newest = plan.value(QLatin1String("name")).toString();
            newestAt = at;
        }
    }
    return newest;
}

} // namespace tf::console
