#include "backupsmodel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace tf::console {

BackupsModel::BackupsModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[NameColumn] = fieldColumn(tr("Name"), QStringLiteral("name"));
    columns[CreatedColumn] = timeColumn(tr("Created"), QStringLiteral("created_at"));
    columns[SizeColumn] = numberColumn(tr("Size"), QStringLiteral("size_bytes"));
    columns[SizeColumn].display = [](const QJsonObject &backup) -> QVariant {
        const QJsonValue size = backup.value(QLatin1String("size_bytes"));
        return size.isDouble() ? QVariant(sizeText(size.toInteger())) : QVariant();
    };
    columns[SizeColumn].sortValue = [](const QJsonObject &backup) -> QVariant {
        return backup.value(QLatin1String("size_bytes")).toVariant();
    };
    columns[BackendColumn] = fieldColumn(tr("Backend"), QStringLiteral("backend"));
    columns[SchemaColumn] = numberColumn(tr("Schema"), QStringLiteral("schema_version"));
    auto &verified = columns[VerifiedColumn];
    verified.header = tr("Verified");
    verified.display = [](const QJsonObject &backup) -> QVariant {
        if (backup.value(QLatin1String("verified")).toBool())
            return tr("verified");
        if (backup.value(QLatin1String("verified")).isNull()) // the gateway is still hashing it
            return tr("checking…");
        const QString problem = backup.value(QLatin1String("problem")).toString();
        return problem.isEmpty() ? tr("not verified") : problem;
    };
    verified.toolTip = verified.display;
    verified.roles.insert(Qt::ForegroundRole, [](const QJsonObject &backup) -> QVariant {
        const QJsonValue verified = backup.value(QLatin1String("verified"));
        return verified.toBool() || verified.isNull()
            ? QVariant()
            : QVariant(QBrush(QColor(0xd0, 0x3a, 0x2f)));
    });
    auto &label = columns[LabelColumn];
    label.header = tr("Kind / label");
    label.display = [](const QJsonObject &backup) -> QVariant {
        const QString kind = backup.value(QLatin1String("kind")).toString();
        const QString text = backup.value(QLatin1String("label")).toString();
        return text.isEmpty() ? kind : QStringLiteral("%1 · %2").arg(kind, text);
    };
    setColumns(std::move(columns));
}

void BackupsModel::applyBackups(const QJsonArray &items)
{
    applyItemsKeyedBy(items, QStringLiteral("name"));
}

QString BackupsModel::nameAt(int row) const
{
    return itemAt(row).value(QLatin1String("name")).toString();
}

int BackupsModel::rowOfName(const QString &name) const
{
    return rowOfKey(name);
}

QString BackupsModel::sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace tf::console
