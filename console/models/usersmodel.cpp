#include "usersmodel.h"

namespace tf::console {

namespace {
// "yes" or empty: a column of flags reads as a list of the exceptions.
ResourceTableModel::Getter yesWhen(const QString &field)
{
    return [field](const QJsonObject &user) -> QVariant {
        return user.value(field).toBool() ? UsersModel::tr("yes") : QString();
    };
}
} // namespace

UsersModel::UsersModel(QObject *parent)
    : ResourceTableModel(parent)
{
    QList<ColumnSpec> columns(ColumnCount);
    columns[IdColumn] = numberColumn(tr("ID"), QStringLiteral("id"));
    columns[UsernameColumn] = fieldColumn(tr("User"), QStringLiteral("username"));
    columns[RoleColumn] = fieldColumn(tr("Role"), QStringLiteral("role"));
    columns[DisabledColumn].header = tr("Disabled");
    columns[DisabledColumn].display = yesWhen(QStringLiteral("disabled"));
    columns[MustChangeColumn].header = tr("Must change password");
    columns[MustChangeColumn].display = yesWhen(QStringLiteral("must_change_password"));
    columns[LastLoginColumn] = timeColumn(tr("Last sign-in"), QStringLiteral("last_login_at"));
    setColumns(std::move(columns));
}

} // namespace tf::console
