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
        const QString problem = backup.value(QLatin1String("problem")).toString();
        return problem.isEmpty() ? tr("not verified") : problem;
    };
    verified.toolTip = verified.display;
    verified.roles.insert(Qt::ForegroundRole, [](const QJsonObject &backup) -> QVariant {
        return backup.value(QLatin1String("verified")).toBool() ? QVariant() : QVariant(QBrush(QColor(0xd0, 0x3a, 0x2f)));
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
    QJsonArray keyed;
    for (const QJsonValue &value : items) {
        QJsonObject backup = value.toObject();
        const QString name = backup.value(QLatin1String("name")).toString();
        if (name.isEmpty())
            continue;
        auto it = m_idByName.constFind(name);
        if (it == m_idByName.constEnd())
            it = m_idByName.insert(name, m_idByName.size() + 1);
        backup.insert(QStringLiteral("id"), it.value());
        keyed.append(backup);
    }
    applyItems(keyed);
}

QString BackupsModel::nameAt(int row) const
{
    return itemAt(row).value(QLatin1String("name")).toString();
}

int BackupsModel::rowOfName(const QString &name) const
{
    const auto it = m_idByName.constFind(name);
    return it == m_idByName.constEnd() ? -1 : rowOf(it.value());
}

QString BackupsModel::sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace tf::console
