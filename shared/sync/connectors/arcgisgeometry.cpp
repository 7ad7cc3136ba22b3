#include "arcgisgeometry.h"

#include "core/errors.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tf::sync::arcgis {

namespace {

using Ring = QJsonArray; // of positions [x, y, ...]

[[noreturn]] void invalid(const QString &why)
{
    throw Error(Error::Kind::Validation, QStringLiteral("unreadable Esri geometry: %1").arg(why));
}

// Twice the signed area (shoelace); negative for a clockwise ring with y up.
double signedArea(const Ring &ring)
{
    double sum = 0;
    for (qsizetype i = 0; i + 1 < ring.size(); ++i) {
        const QJsonArray a = ring.at(i).toArray();
        const QJsonArray b = ring.at(i + 1).toArray();
        sum += a.at(0).toDouble() * b.at(1).toDouble() - b.at(0).toDouble() * a.at(1).toDouble();
    }
    return sum;
}

bool contains(const Ring &ring, const QJsonArray &point)
{
    const double x = point.at(0).toDouble();
    const double y = point.at(1).toDouble();
    bool inside = false;
    for (qsizetype i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const QJsonArray a = ring.at(i).toArray();
        const QJsonArray b = ring.at(j).toArray();
        const double ay = a.at(1).toDouble(), by = b.at(1).toDouble();
        if ((ay > y) != (by > y)
            && x < (b.at(0).toDouble() - a.at(0).toDouble()) * (y - ay) / (by - ay) + a.at(0).toDouble())
            inside = !inside;
    }
    return inside;
}

QJsonArray checkedPositions(const QJsonValue &value, const char *what)
{
    if (!value.isArray())
        invalid(QStringLiteral("%1 is not an array").arg(QLatin1String(what)));
    const QJsonArray positions = value.toArray();
    for (const QJsonValue &position : positions) {
        const QJsonArray p = position.toArray();
        if (p.size() < 2 || !p.at(0).isDouble() || !p.at(1).isDouble())
            invalid(QStringLiteral("a position of %1 is not [x, y, ...]").arg(QLatin1String(what)));
    }
    return positions;
}

QJsonArray checkedParts(const QJsonValue &value, const char *what)
{
    if (!value.isArray())
        invalid(QStringLiteral("%1 is not an array").arg(QLatin1String(what)));
    QJsonArray parts;
    for (const QJsonValue &part : value.toArray())
        parts.append(checkedPositions(part, what));
    return parts;
}

QJsonObject polygons(const QJsonArray &rings)
{
    QList<QJsonArray> shapes; // each: [outer, holes...]
    QList<Ring> holes;
    for (const QJsonValue &value : rings) {
        const Ring ring = value.toArray();
        if (signedArea(ring) <= 0)
            shapes << QJsonArray { ring };
        else
            holes << ring;
    }
    if (shapes.isEmpty()) // every ring counter-clockwise: a service that ignores Esri's winding
        for (const Ring &ring : std::as_const(holes))
            shapes << QJsonArray { ring };
    else {
        for (const Ring &hole : std::as_const(holes)) {
            qsizetype owner = shapes.size() - 1;
            for (qsizetype i = 0; i < shapes.size(); ++i) {
                if (!hole.isEmpty() && contains(shapes.at(i).at(0).toArray(), hole.at(0).toArray())) {
                    owner = i;
                    break;
                }
            }
            shapes[owner].append(hole);
        }
    }
    if (shapes.size() == 1)
        return { { QStringLiteral("type"), QStringLiteral("Polygon") }, { QStringLiteral("coordinates"), shapes.first() } };
    QJsonArray all;
    for (const QJsonArray &shape : std::as_const(shapes))
        all.append(shape);
    return { { QStringLiteral("type"), QStringLiteral("MultiPolygon") }, { QStringLiteral("coordinates"), all } };
}

} // namespace

QString geoJsonText(const QJsonObject &g)
{
    QJsonObject out;
    if (g.isEmpty())
        return {};
    if (g.contains(QStringLiteral("x"))) {
        if (g.value(QStringLiteral("x")).isNull() || g.value(QStringLiteral("x")).toString() == QLatin1String("NaN"))
            return {};
        QJsonArray position;
        for (const char *member : { "x", "y", "z", "m" }) {
            const QJsonValue v = g.value(QLatin1String(member));
            if (v.isUndefined())
                continue;
            if (!v.isDouble())
                invalid(QStringLiteral("%1 is not a number").arg(QLatin1String(member)));
            position.append(v);
        }
        if (position.size() < 2)
            invalid(QStringLiteral("a point without y"));
        out = { { QStringLiteral("type"), QStringLiteral("Point") }, { QStringLiteral("coordinates"), position } };
    } else if (g.contains(QStringLiteral("points"))) {
        const QJsonArray points = checkedPositions(g.value(QStringLiteral("points")), "points");
        if (points.isEmpty())
            return {};
        out = { { QStringLiteral("type"), QStringLiteral("MultiPoint") }, { QStringLiteral("coordinates"), points } };
    } else if (g.contains(QStringLiteral("paths"))) {
        const QJsonArray paths = checkedParts(g.value(QStringLiteral("paths")), "paths");
        if (paths.isEmpty())
            return {};
        out = paths.size() == 1
            ? QJsonObject { { QStringLiteral("type"), QStringLiteral("LineString") }, { QStringLiteral("coordinates"), paths.first() } }
            : QJsonObject { { QStringLiteral("type"), QStringLiteral("MultiLineString") }, { QStringLiteral("coordinates"), paths } };
    } else if (g.contains(QStringLiteral("rings"))) {
        const QJsonArray rings = checkedParts(g.value(QStringLiteral("rings")), "rings");
        if (rings.isEmpty())
            return {};
        out = polygons(rings);
    } else {
        invalid(QStringLiteral("none of x, points, paths or rings"));
    }
    return QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

} // namespace tf::sync::arcgis
