// sync::GisDemoLayer against the PACS county of the same options (read back from the SQLite
// file the PACS generator writes): the same parcel numbers but for exactly the one-sided ones,
// ids 1..N, closed square polygons of the stated area, the same bytes for the same options.
#include "db/connection.h"
#include "db/databaseurl.h"
#include "sync/demo/gisdemolayer.h"
#include "sync/demo/pacsdemogenerator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace tf;

namespace {

QSet<QString> toSet(const QStringList &list)
{
    return QSet<QString>(list.cbegin(), list.cend());
}

} // namespace

class TestGisDemoLayer final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void layerMatchesThePacsCounty()
    {
        sync::PacsDemoGenerator::Options options;
        options.parcels = 500;
        options.seed = 99;
        QTemporaryDir dir;
        const QString pacsPath = dir.filePath(QStringLiteral("pacs.db"));
        const sync::DemoSummary summary = sync::PacsDemoGenerator::generate(pacsPath, options);

        // The PACS parcel numbers, and those of the properties broken on purpose.
        const db::Database pacs(db::DatabaseUrl::parse(QStringLiteral("sqlite://") + pacsPath));
        QSqlQuery query = pacs.prepare(
            QStringLiteral("SELECT PropertyID, ParcelNumber FROM Property ORDER BY rowid"));
        pacs.exec(query, "reading the PACS parcels");
        const QStringList brokenIds = summary.brokenKeys(QStringLiteral("Property"));
        QStringList numbers; // in parcel order; the broken parcel number row holds ""
        QList<int> brokenIndexes;
        while (query.next()) {
            if (brokenIds.contains(query.value(0).toString()))
                brokenIndexes << int(numbers.size());
            numbers << query.value(1).toString();
        }
        pacs.closeThreadConnection();
        QCOMPARE(numbers.size(), options.parcels);
        QVERIFY(!brokenIndexes.isEmpty());

        const sync::GisDemoLayer layer = sync::GisDemoLayer::generate(options);
        const QJsonArray features = layer.collection.value(QStringLiteral("features")).toArray();
        QCOMPARE(layer.gisOnly.size(), options.parcels / 50);
        QCOMPARE(layer.pacsOnly.size(), options.parcels / 50);
        QCOMPARE(features.size(), options.parcels - layer.pacsOnly.size() + layer.gisOnly.size());
        QCOMPARE(layer.pacsQuarantined.size(), brokenIndexes.size());

        QStringList layerNumbers;
        for (qsizetype i = 0; i < features.size(); ++i) {
            const QJsonObject feature = features.at(i).toObject();
            QCOMPARE(feature.value(QStringLiteral("id")).toInteger(), qint64(i + 1));
            const QJsonObject properties = feature.value(QStringLiteral("properties")).toObject();
            layerNumbers << properties.value(QStringLiteral("parcel_number")).toString();
            // A closed square ring whose area is gis_acres (the grid's degrees to metres).
            const QJsonArray ring = feature.value(QStringLiteral("geometry"))
                                        .toObject()
                                        .value(QStringLiteral("coordinates"))
                                        .toArray()
                                        .at(0)
                                        .toArray();
            QCOMPARE(ring.size(), 5);
            QCOMPARE(ring.first(), ring.last());
            const double width
                = (ring.at(1).toArray().at(0).toDouble() - ring.at(0).toArray().at(0).toDouble())
                * 111320.0 * std::cos(46.15 * M_PI / 180.0);
            const double height
                = (ring.at(2).toArray().at(1).toDouble() - ring.at(1).toArray().at(1).toDouble())
                * 111132.0;
            const double acres = width * height / 4046.8564224;
            QVERIFY2(std::abs(acres / properties.value(QStringLiteral("gis_acres")).toDouble() - 1)
                         < 0.01,
                     qPrintable(QString::number(acres)));
        }
        QCOMPARE(toSet(layerNumbers).size(), layerNumbers.size()); // unique

        // The PACS numbers as they should be (the one broken to "" keeps its real number in GIS).
        QSet<QString> pacsNumbers = toSet(numbers);
        pacsNumbers.remove(QString());
        QCOMPARE(pacsNumbers.size() + (numbers.contains(QString()) ? 1 : 0), options.parcels);
        const QSet<QString> gis = toSet(layerNumbers);
        QVERIFY(!gis.intersects(toSet(layer.pacsOnly)));
        QVERIFY(!pacsNumbers.intersects(toSet(layer.gisOnly)));
        QVERIFY(toSet(layer.pacsOnly).subtract(pacsNumbers).isEmpty());
        QCOMPARE(QSet<QString>(gis).subtract(pacsNumbers).subtract(toSet(layer.gisOnly)).size(),
                 numbers.contains(QString()) ? 1 : 0);
        QCOMPARE(QSet<QString>(pacsNumbers).subtract(gis), toSet(layer.pacsOnly));
        QVERIFY(toSet(layer.pacsQuarantined).subtract(gis).isEmpty());
        for (const int index : brokenIndexes) {
            if (!numbers.at(index).isEmpty())
                QVERIFY(layer.pacsQuarantined.contains(numbers.at(index)));
        }

        // The same options, the same bytes; another seed, another layer.
        QCOMPARE(QJsonDocument(sync::GisDemoLayer::generate(options).collection)
                     .toJson(QJsonDocument::Compact),
                 QJsonDocument(layer.collection).toJson(QJsonDocument::Compact));
        options.seed = 100;
        QVERIFY(sync::GisDemoLayer::generate(options).collection != layer.collection);
    }
};

QTEST_GUILESS_MAIN(TestGisDemoLayer)
#include "tst_gisdemolayer.moc"
