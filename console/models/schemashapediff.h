#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace tf::console {

// One column of a held cdc schema change (GET /api/sync-pairs/{id}/schema-changes), before and
// after: the shapes carry pgoutput's column list (name, type_oid, type_modifier, key).
struct ShapeColumnChange
{
    enum class Kind { Unchanged, Added, Dropped, TypeChanged, KeyChanged };
    QString name;
    QString before; // "bigint, key"; empty when added
    QString after;  // empty when dropped
    Kind kind = Kind::Unchanged;

    QString kindText() const;
};

// The columns of old_shape and new_shape side by side: the new shape's order, then the dropped
// columns in their old order. A column both retyped and (un)keyed reads as TypeChanged.
QList<ShapeColumnChange> diffShapes(const QJsonObject &oldShape, const QJsonObject &newShape);

// "bigint", "varchar(40)", "numeric(12,2)" for the built-in types; "type 16384" otherwise.
QString postgresTypeName(int oid, int typeModifier);

} // namespace tf::console
