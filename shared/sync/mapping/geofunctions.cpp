// Geometry functions of the mapping, over GeoJSON geometry text (what the arcgis and ogcapi
// sources carry): geometry_wkt (the same geometry as WKT text), centroid_x and centroid_y
// (doubles: area-weighted for polygons, length-weighted for lines, the mean of points).
// Coordinates are written in their shortest exact form; NULL passes through.
#include "functions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace tf::sync {

namespace {

bool geometryOf(const QVariant &value, QJsonObject *geometry, QString *error)
{
    const QJsonDocument document = QJsonDocument::fromJson(value.toString().toUtf8());
    *geometry = document.object();
    const QString type = geometry->value(QStringLiteral("type")).toString();
    if (!document.isObject() || type.isEmpty() || !geometry->value(QStringLiteral("coordinates")).isArray()) {
        *error = QStringLiteral("'%1' is not a GeoJSON geometry with coordinates").arg(value.toString().left(80));
        return false;
    }
    return true;
}

QString number(double value)
{
    return QString::fromLatin1(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
}

QString position(const QJsonArray &p)
{
    QStringList parts;
    for (const QJsonValue &v : p)
        parts << number(v.toDouble());
    return parts.join(QLatin1Char(' '));
}

QString positions(const QJsonArray &list)
{
    QStringList parts;
    for (const QJsonValue &p : list)
        parts << position(p.toArray());
    return QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QString nested(const QJsonArray &list, int depth)
{
    if (depth == 0)
        return positions(list);
    QStringList parts;
    for (const QJsonValue &part : list)
        parts << nested(part.toArray(), depth - 1);
    return QLatin1Char('(') + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}

bool wkt(const QJsonObject &g, QString *out, QString *error)
{
    const QString type = g.value(QStringLiteral("type")).toString();
    const QJsonArray c = g.value(QStringLiteral("coordinates")).toArray();
    if (type == QLatin1String("Point"))
        *out = QStringLiteral("POINT (") + position(c) + QLatin1Char(')');
    else if (type == QLatin1String("MultiPoint"))
        *out = QStringLiteral("MULTIPOINT ") + positions(c);
    else if (type == QLatin1String("LineString"))
        *out = QStringLiteral("LINESTRING ") + positions(c);
    else if (type == QLatin1String("MultiLineString"))
        *out = QStringLiteral("MULTILINESTRING ") + nested(c, 1);
    else if (type == QLatin1String("Polygon"))
        *out = QStringLiteral("POLYGON ") + nested(c, 1);
    else if (type == QLatin1String("MultiPolygon"))
        *out = QStringLiteral("MULTIPOLYGON ") + nested(c, 2);
    else {
        *error = QStringLiteral("geometry type '%1' has no WKT here").arg(type);
        return false;
    }
    return true;
}

// Sums for a centroid: weight and weighted x, y.
struct Moments
{
    double w = 0, x = 0, y = 0;
};

// The shoelace sums taken about the ring's first point: with raw coordinates each cross
// product is of the order x*y (about 5,000 for a parcel at 119 W 46 N) while a parcel's area
// is about 1e-7 square degrees, and the cancellation moved centroids by metres.
void ringMoments(const QJsonArray &ring, double sign, Moments *m)
{
    if (ring.isEmpty())
        return;
    const double ox = ring.at(0).toArray().at(0).toDouble(), oy = ring.at(0).toArray().at(1).toDouble();
    double area = 0, cx = 0, cy = 0;
    for (qsizetype i = 0; i + 1 < ring.size(); ++i) {
        const QJsonArray a = ring.at(i).toArray(), b = ring.at(i + 1).toArray();
        const double ax = a.at(0).toDouble() - ox, ay = a.at(1).toDouble() - oy;
        const double bx = b.at(0).toDouble() - ox, by = b.at(1).toDouble() - oy;
        const double cross = ax * by - bx * ay;
        area += cross;
        cx += (ax + bx) * cross;
        cy += (ay + by) * cross;
    }
    if (area == 0)
        return;
    // |A| weights, whatever the winding; holes subtract.
    const double weight = std::abs(area) / 2 * sign;
    m->w += weight;
    m->x += weight * (ox + cx / (3 * area));
    m->y += weight * (oy + cy / (3 * area));
}

void lineMoments(const QJsonArray &line, Moments *m)
{
    for (qsizetype i = 0; i + 1 < line.size(); ++i) {
        const QJsonArray a = line.at(i).toArray(), b = line.at(i + 1).toArray();
        const double length = std::hypot(b.at(0).toDouble() - a.at(0).toDouble(), b.at(1).toDouble() - a.at(1).toDouble());
        m->w += length;
        m->x += length * (a.at(0).toDouble() + b.at(0).toDouble()) / 2;
        m->y += length * (a.at(1).toDouble() + b.at(1).toDouble()) / 2;
    }
}

bool centroid(const QJsonObject &g, double *x, double *y, QString *error)
{
    const QString type = g.value(QStringLiteral("type")).toString();
    const QJsonArray c = g.value(QStringLiteral("coordinates")).toArray();
    Moments m;
    const auto polygon = [&m](const QJsonArray &rings) {
        for (qsizetype i = 0; i < rings.size(); ++i)
            ringMoments(rings.at(i).toArray(), i == 0 ? 1 : -1, &m);
    };
    if (type == QLatin1String("Point")) {
        m = { 1, c.at(0).toDouble(), c.at(1).toDouble() };
    } else if (type == QLatin1String("MultiPoint")) {
        for (const QJsonValue &p : c)
            m = { m.w + 1, m.x + p.toArray().at(0).toDouble(), m.y + p.toArray().at(1).toDouble() };
    } else if (type == QLatin1String("LineString")) {
        lineMoments(c, &m);
    } else if (type == QLatin1String("MultiLineString")) {
        for (const QJsonValue &line : c)
            lineMoments(line.toArray(), &m);
    } else if (type == QLatin1String("Polygon")) {
        polygon(c);
    } else if (type == QLatin1String("MultiPolygon")) {
        for (const QJsonValue &rings : c)
            polygon(rings.toArray());
    } else {
        *error = QStringLiteral("geometry type '%1' has no centroid here").arg(type);
        return false;
    }
    if (m.w == 0) {
        *error = QStringLiteral("a %1 without extent has no centroid").arg(type);
        return false;
    }
    *x = m.x / m.w;
    *y = m.y / m.w;
    return true;
}

TransformStep centroidStep(bool wantX)
{
    return [wantX](QVariant &value, const Row &, QString *error) {
        if (value.isNull() || !value.isValid())
            return true;
        QJsonObject geometry;
        double x = 0, y = 0;
        if (!geometryOf(value, &geometry, error) || !centroid(geometry, &x, &y, error))
            return false;
        value = wantX ? x : y;
        return true;
    };
}

} // namespace

void registerGeoFunctions(FunctionRegistry &registry)
{
    using Spec = FunctionRegistry::Spec;
    registry.add(QStringLiteral("geometry_wkt"), Spec { 0, 0, false, [](FunctionArgs &) -> TransformStep {
        return [](QVariant &value, const Row &, QString *error) {
            if (value.isNull() || !value.isValid())
                return true;
            QJsonObject geometry;
            QString text;
            if (!geometryOf(value, &geometry, error) || !wkt(geometry, &text, error))
                return false;
            value = text;
            return true;
        };
    } });
    registry.add(QStringLiteral("centroid_x"), Spec { 0, 0, false, [](FunctionArgs &) { return centroidStep(true); } });
    registry.add(QStringLiteral("centroid_y"), Spec { 0, 0, false, [](FunctionArgs &) { return centroidStep(false); } });
}

} // namespace tf::sync
