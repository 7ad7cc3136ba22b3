#pragma once

#include "resourcetablemodel.h"

namespace tf::console {

// API tokens (GET /api/tokens items, the ApiToken schema): name, prefix, role, who made it,
// expiry, last use, active. The secret is never part of a list answer, so never of this model.
class TokensModel final : public ResourceTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokensModel)

public:
    enum Column {
        IdColumn,
        NameColumn,
        PrefixColumn,
        RoleColumn,
        CreatedByColumn,
        ExpiresColumn,
        LastUsedColumn,
        ActiveColumn,
        ColumnCount
    };

    explicit TokensModel(QObject *parent = nullptr);
};

} // namespace tf::console
