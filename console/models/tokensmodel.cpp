#include "tokensmodel.h"

namespace tf::console {

TokensModel::TokensModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[IdColumn] = numberColumn(tr("ID"), QStringLiteral("id"));
    columns[NameColumn] = fieldColumn(tr("Name"), QStringLiteral("name"));
    columns[PrefixColumn] = fieldColumn(tr("Prefix"), QStringLiteral("prefix"));
    columns[RoleColumn] = fieldColumn(tr("Role"), QStringLiteral("role"));
    columns[CreatedByColumn] = fieldColumn(tr("Created by"), QStringLiteral("created_by"));
    columns[ExpiresColumn] = timeColumn(tr("Expires"), QStringLiteral("expires_at"));
    const Getter expires = columns[ExpiresColumn].display;
    columns[ExpiresColumn].display = [expires](const QJsonObject &token) -> QVariant {
        return token.value(QLatin1String("expires_at")).isNull() ? tr("never") : expires(token);
    };
    columns[LastUsedColumn] = timeColumn(tr("Last used"), QStringLiteral("last_used_at"));
    columns[ActiveColumn].header = tr("State");
    columns[ActiveColumn].display = [](const QJsonObject &token) -> QVariant {
        if (token.value(QLatin1String("active")).toBool())
            return tr("active");
        return token.value(QLatin1String("revoked_at")).isNull() ? tr("expired") : tr("revoked");
    };
    setColumns(std::move(columns));
}

} // namespace tf::console
