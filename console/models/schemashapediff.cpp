#include "schemashapediff.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>

namespace tf::console {

namespace {

struct Column
{
    QString name;
    int oid = 0;
    int modifier = -1;
    bool key = false;

    QString text() const
    {
        const QString type = postgresTypeName(oid, modifier);
        return key ? QCoreApplication::translate("SchemaShapeDiff", "%1, key").arg(type) : type;
    }
};

QList<Column> columnsOf(const QJsonObject &shape)
{
    QList<Column> columns;
    for (const QJsonValue &value : shape.value(QLatin1String("columns")).toArray()) {
        const QJsonObject column = value.toObject();
        columns.append({ column.value(QLatin1String("name")).toString(),
                         column.value(QLatin1String("type_oid")).toInt(),
                         column.value(QLatin1String("type_modifier")).toInt(-1),
                         column.value(QLatin1String("key")).toBool() });
    }
    return columns;
}

} // namespace

QString ShapeColumnChange::kindText() const
{
    switch (kind) {
    case Kind::Added:
        return QCoreApplication::translate("SchemaShapeDiff", "added");
    case Kind::Dropped:
        return QCoreApplication::translate("SchemaShapeDiff", "dropped");
    case Kind::TypeChanged:
        return QCoreApplication::translate("SchemaShapeDiff", "type changed");
    case Kind::KeyChanged:
        return QCoreApplication::translate("SchemaShapeDiff", "key changed");
    case Kind::Unchanged:
        break;
    }
    return QString();
}

QList<ShapeColumnChange> diffShapes(const QJsonObject &oldShape, const QJsonObject &newShape)
{
    const QList<Column> before = columnsOf(oldShape);
    const QList<Column> after = columnsOf(newShape);
    QHash<QString, Column> old;
    for (const Column &column : before)
        old.insert(column.name, column);
    QList<ShapeColumnChange> changes;
    QSet<QString> seen;
    for (const Column &column : after) {
        seen.insert(column.name);
        ShapeColumnChange change { column.name, QString(), column.text(), ShapeColumnChange::Kind::Added };
        const auto previous = old.constFind(column.name);
        if (previous != old.cend()) {
            change.before = previous->text();
            if (previous->oid != column.oid || previous->modifier != column.modifier)
                change.kind = ShapeColumnChange::Kind::TypeChanged;
            else if (previous->key != column.key)
                change.kind = ShapeColumnChange::Kind::KeyChanged;
            else
                change.kind = ShapeColumnChange::Kind::Unchanged;
        }
        changes.append(change);
    }
    for (const Column &column : before) {
        if (!seen.contains(column.name))
            changes.append({ column.name, column.text(), QString(), ShapeColumnChange::Kind::Dropped });
    }
    return changes;
}

QString postgresTypeName(int oid, int typeModifier)
{
    static const QHash<int, QString> names {
        { 16, QStringLiteral("boolean") },   { 17, QStringLiteral("bytea") },      { 20, QStringLiteral("bigint") },
        { 21, QStringLiteral("smallint") },  { 23, QStringLiteral("integer") },    { 25, QStringLiteral("text") },
        { 114, QStringLiteral("json") },     { 700, QStringLiteral("real") },      { 701, QStringLiteral("double precision") },
        { 1042, QStringLiteral("char") },    { 1043, QStringLiteral("varchar") },  { 1082, QStringLiteral("date") },
        { 1083, QStringLiteral("time") },    { 1114, QStringLiteral("timestamp") },
        { 1184, QStringLiteral("timestamptz") }, { 1700, QStringLiteral("numeric") },
        { 2950, QStringLiteral("uuid") },    { 3802, QStringLiteral("jsonb") },
    };
    const auto name = names.constFind(oid);
    if (name == names.cend())
        return QCoreApplication::translate("SchemaShapeDiff", "type %1").arg(oid);
    // varchar/char carry length + 4; numeric ((precision << 16) | scale) + 4.
    if ((oid == 1042 || oid == 1043) && typeModifier >= 4)
        return QStringLiteral("%1(%2)").arg(*name).arg(typeModifier - 4);
    if (oid == 1700 && typeModifier >= 4) {
        const int packed = typeModifier - 4;
        return QStringLiteral("numeric(%1,%2)").arg(packed >> 16).arg(packed & 0xffff);
    }
    return *name;
}

} // namespace tf::console
