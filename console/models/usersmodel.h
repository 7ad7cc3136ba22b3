#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// Users (GET /api/users items, the User schema): name, role, disabled, must change the
// password, last sign-in.
class UsersModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersModel)

public:
    enum Column {
        IdColumn,
        UsernameColumn,
        RoleColumn,
        DisabledColumn,
        MustChangeColumn,
        LastLoginColumn,
        ColumnCount
    };

    explicit UsersModel(QObject *parent = nullptr);
};

} // namespace tf::console
