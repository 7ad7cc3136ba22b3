#pragma once

#include "sync/connector.h"
#include "sync/row.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tf::sync::cdc {

// Where a cdc table writer's key columns are in `rowSchema` (cdctargetfactory.cpp); throws
// tf::Error(Validation) naming `table` when there are none or the rows lack one.
QList<int> keyIndexesOf(const Schema &rowSchema, const QStringList &keyColumns, const QString &table);
// The batch a table writer hands its connector's own upsert writer: `rows` of `entity`.
ChangeBatch upsertBatch(const QString &entity, const QStringList &keyColumns, SchemaPtr rowSchema,
                        const QList<Row> &rows);

} // namespace tf::sync::cdc
