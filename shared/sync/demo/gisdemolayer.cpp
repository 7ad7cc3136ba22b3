#include "gisdemolayer.h"

#include "demorandom.h"
#include "pacsdemowriter.h"
#include "pacsparcelbuilder.h"
#include "pacsrowsink.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <cmath>

namespace tf::sync {

namespace {

// A grid of 200 columns of 600 m cells (an 80-acre parcel is 570 m on a side).
constexpr int kColumns = 200;
constexpr double kCellMetres = 600.0;
constexpr double kWest = -119.05;
constexpr double kSouth = 46.15;
constexpr double kSquareMetresPerAcre = 4046.8564224;
constexpr double kFallbackAcres = 0.25;

struct Parcel
{
    QString number;
    double acres = 0;
    bool quarantined = false;
};

// Keeps what the layer needs of each PACS property row, in parcel order.
class PropertyCapture final : public demo::PacsRowSink
{
public:
    void insert(demo::PacsTable table, const QVariantList &values) override
    {
        if (table != demo::PacsTable::Property)
            return;
        static const int acreage
            = demo::PacsDemoWriter::columnIndex(table, QStringLiteral("Acreage"));
        bool ok = false;
        double acres = values.at(acreage).toString().toDouble(&ok);
        if (!ok || acres <= 0)
            acres = kFallbackAcres;
        const int index = int(parcels.size());
        parcels.append(Parcel { demo::PacsParcelBuilder::parcelNumber(index), acres, false });
        indexOfId.insert(values.first().toString(), index);
    }

    QList<Parcel> parcels;
    QHash<QString, int> indexOfId;
};

// 7 decimal places (about 1 cm), so the text is short and the same on every machine.
double rounded(double degrees)
{
    return std::round(degrees * 1e7) / 1e7;
}

QJsonObject feature(qint64 id, int cell, const Parcel &parcel)
{
    const int row = cell / kColumns;
    const int column = cell % kColumns;
    const double metresPerDegreeLat = 111132.0;
    const double metresPerDegreeLon = 111320.0 * std::cos(kSouth * M_PI / 180.0);
    const double centreX = kWest + (column + 0.5) * kCellMetres / metresPerDegreeLon;
    const double centreY = kSouth + (row + 0.5) * kCellMetres / metresPerDegreeLat;
    const double half = std::sqrt(parcel.acres * kSquareMetresPerAcre) / 2.0;
    const double x0 = rounded(centreX - half / metresPerDegreeLon),
                 x1 = rounded(centreX + half / metresPerDegreeLon);
    const double y0 = rounded(centreY - half / metresPerDegreeLat),
                 y1 = rounded(centreY + half / metresPerDegreeLat);
    // Exterior ring counter-clockwise (RFC 7946).
    const QJsonArray ring { QJsonArray { x0, y0 }, QJsonArray { x1, y0 }, QJsonArray { x1, y1 },
                            QJsonArray { x0, y1 }, QJsonArray { x0, y0 } };
    return QJsonObject {
        { QStringLiteral("type"), QStringLiteral("Feature") },
        { QStringLiteral("id"), id },
        { QStringLiteral("properties"),
          QJsonObject { { QStringLiteral("parcel_number"), parcel.number },
                        { QStringLiteral("gis_acres"), parcel.acres } } },
        { QStringLiteral("geometry"),
          QJsonObject { { QStringLiteral("type"), QStringLiteral("Polygon") },
                        { QStringLiteral("coordinates"), QJsonArray { ring } } } },
    };
}

} // namespace

GisDemoLayer GisDemoLayer::generate(const PacsDemoGenerator::Options &options)
{
    PropertyCapture capture;
    const DemoSummary summary = PacsDemoGenerator::generateInto(capture, options);
    for (const DemoSummary::BrokenRow &broken : summary.brokenRows) {
        if (broken.table == demo::PacsDemoWriter::tableName(demo::PacsTable::Property))
            capture.parcels[capture.indexOfId.value(broken.key)].quarantined = true;
    }
    const int parcels = int(capture.parcels.size());

    // Its own stream of chance (a different seed), so the PACS rows do not change.
    demo::DemoRandom random(options.seed ^ 0x6a15u);
    const int oneSided = qMax(1, parcels / 50); // 2% on each side
    QSet<int> missing;
    while (missing.size() < qMin(oneSided, parcels / 2)) {
        const int index = random.between(0, parcels - 1);
        if (!capture.parcels.at(index).quarantined) // a quarantined parcel stays visible in GIS
            missing.insert(index);
    }

    GisDemoLayer layer;
    QJsonArray features;
    qint64 id = 0;
    for (int index = 0; index < parcels; ++index) {
        const Parcel &parcel = capture.parcels.at(index);
        if (missing.contains(index)) {
            layer.pacsOnly << parcel.number;
            continue;
        }
        if (parcel.quarantined)
            layer.pacsQuarantined << parcel.number;
        features.append(feature(++id, index, parcel));
    }
    // Parcels past the county's last one: numbers PACS never gave out (unique up to 2.25M).
    for (int extra = 0; extra < oneSided; ++extra) {
        const Parcel parcel { demo::PacsParcelBuilder::parcelNumber(parcels + extra),
                              double(random.between(1200, 4500)) / 10000.0, false };
        layer.gisOnly << parcel.number;
        features.append(feature(++id, parcels + extra, parcel));
    }
    layer.collection
        = QJsonObject { { QStringLiteral("type"), QStringLiteral("FeatureCollection") },
                        { QStringLiteral("features"), features } };
    return layer;
}

QJsonObject GisDemoLayer::summaryJson() const
{
    return QJsonObject {
        { QStringLiteral("features"),
          collection.value(QStringLiteral("features")).toArray().size() },
        { QStringLiteral("gis_only"), QJsonArray::fromStringList(gisOnly) },
        { QStringLiteral("pacs_only"), QJsonArray::fromStringList(pacsOnly) },
        { QStringLiteral("pacs_quarantined"), QJsonArray::fromStringList(pacsQuarantined) },
    };
}

} // namespace tf::sync
