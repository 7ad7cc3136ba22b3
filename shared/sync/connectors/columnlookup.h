#pragma once

#include "core/errors.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::sync {

// The catalog entry of column `name` among a table's columns (any struct with a `name`), or
// tf::Error(Validation) naming the table and the column. Shared by the database catalogs.
template<typename Info> const Info &columnNamed(const QList<Info> &columns, const QString &table, const QString &name)
{
    for (const Info &info : columns) {
        if (info.name == name)
            return info;
    }
    throw Error(Error::Kind::Validation, QStringLiteral("table '%1' has no column '%2'").arg(table, name),
                QJsonObject { { QStringLiteral("column"), name } });
}

} // namespace tf::sync
