#include "quarantinemodel.h"

namespace tf::console {

QuarantineModel::QuarantineModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[IdColumn] = numberColumn(tr("ID"), QStringLiteral("id"));
    columns[PairColumn] = numberColumn(tr("Pair"), QStringLiteral("pair_id"));
    columns[EntityColumn] = fieldColumn(tr("Entity"), QStringLiteral("entity"));
    columns[EntityColumn].toolTip = [](const QJsonObject &entry) -> QVariant {
        const QString key = entry.value(QLatin1String("source_key")).toString();
        return key.isEmpty() ? QVariant() : QVariant(tr("source key %1").arg(key));
    };
    columns[RuleColumn] = fieldColumn(tr("Rule"), QStringLiteral("rule"));
    columns[FieldColumn] = fieldColumn(tr("Field"), QStringLiteral("field"));
    columns[MessageColumn] = fieldColumn(tr("Message"), QStringLiteral("message"));
    columns[MessageColumn].toolTip = columns[MessageColumn].display;
    columns[AttemptsColumn] = numberColumn(tr("Attempts"), QStringLiteral("attempts"));
    columns[CreatedColumn] = timeColumn(tr("Created"), QStringLiteral("created_at"));
    columns[StatusColumn] = fieldColumn(tr("Status"), QStringLiteral("status"));
    setColumns(std::move(columns));
}

} // namespace tf::console
