// The GIS demo end to end (`tfctl demo install --gis`, docs/demo-gis.md): the parcel layer
// served by a real tf-gateway at /demo/ogcapi over loopback, read by the ogcapi connector in
// pages of 37 through the real engine (`tfctl sync run`), written into the CAMA database
// beside the PACS pairs' rows; gis_parcels equals the layer feature for feature (parcel
// number, area, WKT, centroid); parcel_gis_mismatch and `tfctl demo report` list exactly the
// one-sided parcels; a second hash run changes nothing; bad paging parameters are 400
// problems. On SQLite and with PACS and CAMA in PostgreSQL.
#include "db/connection.h"
#include "db/databaseurl.h"
#include "testsupport.h"
#include "toolrun.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace tf;

namespace {

using Run = test::ToolRun;
constexpr int kParcels = 400;
constexpr int kPageSize = 37;
const QString kGisPair = QStringLiteral("5"); // after the four PACS pairs
const QString kPropertyPair = QStringLiteral("1");

Run tfctl(const QStringList &arguments, const QByteArray &stdinData = {})
{
    test::ToolOptions options;
    options.timeoutMs = 120000;
    options.stdinData = stdinData;
    return test::runTool(QStringLiteral("tfctl"), arguments, options);
}

QString describe(const Run &run)
{
    return QStringLiteral("exit %1\n--- stdout ---\n%2\n--- stderr ---\n%3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out.right(3000)), QString::fromUtf8(run.err.right(3000)));
}

// "completed in 1.1s: read 400  +400 ~0 -0 =0  quarantined 0" -> read, +, ~, -, =, quarantined.
QList<qint64> totals(const QByteArray &out)
{
    static const QRegularExpression re(QStringLiteral(
        R"re(\n(completed\S*) in [\d.]+s: read (\d+)  \+(\d+) ~(\d+) -(\d+) =(\d+)  quarantined (\d+))re"));
    const auto match = re.match(QString::fromUtf8(out));
    QList<qint64> numbers;
    for (int i = 2; match.hasMatch() && i <= 7; ++i)
        numbers << match.captured(i).toLongLong();
    return numbers;
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()
                                          : QJsonObject();
}

QSet<QString> stringSet(const QJsonValue &array)
{
    QSet<QString> out;
    for (const QJsonValue &value : array.toArray())
        out.insert(value.toString());
    return out;
}

QString number(double value)
{
    return QString::fromLatin1(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
}

// The WKT of a GeoJSON polygon, written from its coordinates.
QString polygonWkt(const QJsonObject &geometry)
{
    QStringList rings;
    for (const QJsonValue &ring : geometry.value(QStringLiteral("coordinates")).toArray()) {
        QStringList points;
        for (const QJsonValue &point : ring.toArray())
            points << number(point.toArray().at(0).toDouble()) + QLatin1Char(' ')
                    + number(point.toArray().at(1).toDouble());
        rings << QLatin1Char('(') + points.join(QStringLiteral(", ")) + QLatin1Char(')');
    }
    return QStringLiteral("POLYGON (") + rings.join(QStringLiteral(", ")) + QLatin1Char(')');
}

} // namespace

class TestGisDemo final : public QObject
{
    Q_OBJECT

    // Installs the demo with --gis into dir, serves it with a real tf-gateway, runs the PACS
    // property pair and the GIS pair through tfctl and compares what CAMA holds with the layer.
    void endToEnd(const QString &pacsUrl, const QString &camaUrl)
    {
        QTemporaryDir dir;
        const QString data = dir.filePath(QStringLiteral("data"));
        const QStringList where { QStringLiteral("--data-dir"), data };
        const quint16 port = test::freePort();
        const QString base = QStringLiteral("http://127.0.0.1:%1").arg(port);
        QCOMPARE(test::initPlatform(where).exitCode, 0);
        QStringList install { QStringLiteral("demo"),
                              QStringLiteral("install"),
                              QStringLiteral("--gis"),
                              QStringLiteral("--parcels"),
                              QString::number(kParcels),
                              QStringLiteral("--gis-url"),
                              base + QStringLiteral("/demo/ogcapi") };
        if (!pacsUrl.isEmpty())
            install << QStringLiteral("--pacs-url") << pacsUrl;
        if (!camaUrl.isEmpty())
            install << QStringLiteral("--cama-url") << camaUrl;
        const Run installed = tfctl(install + where);
        QVERIFY2(installed.exitCode == 0, qPrintable(describe(installed)));
        QVERIFY2(installed.out.contains("added sync pair 5 \"GIS parcels to CAMA\""),
                 qPrintable(describe(installed)));

        const QJsonArray features = readJson(data + QStringLiteral("/demo/gis-parcels.geojson"))
                                        .value(QStringLiteral("features"))
                                        .toArray();
        const QJsonObject summary = readJson(data + QStringLiteral("/demo/gis-summary.json"));
        const QSet<QString> gisOnly = stringSet(summary.value(QStringLiteral("gis_only")));
        const QSet<QString> pacsOnly = stringSet(summary.value(QStringLiteral("pacs_only")));
        const QSet<QString> quarantined
            = stringSet(summary.value(QStringLiteral("pacs_quarantined")));
        QCOMPARE(gisOnly.size(), kParcels / 50);
        QCOMPARE(pacsOnly.size(), kParcels / 50);
        QVERIFY(!quarantined.isEmpty());
        QCOMPARE(features.size(), kParcels - pacsOnly.size() + gisOnly.size());

        // Small pages, so the read crosses many next links (the admin's way: system edit).
        const QJsonObject edited {
            { QStringLiteral("name"), QStringLiteral("GIS parcels (demo)") },
            { QStringLiteral("kind"), QStringLiteral("ogcapi") },
            { QStringLiteral("settings"),
              QJsonObject {
                  { QStringLiteral("url"), QString(base + QStringLiteral("/demo/ogcapi")) },
                  { QStringLiteral("page_size"), kPageSize } } }
        };
        const Run edit
            = tfctl(QStringList { QStringLiteral("system"), QStringLiteral("edit"),
                                  QStringLiteral("GIS parcels (demo)"), QStringLiteral("-") }
                        + where,
                    QJsonDocument(edited).toJson());
        QVERIFY2(edit.exitCode == 0 && edit.out.contains("credentials kept"),
                 qPrintable(describe(edit)));

        test::ServiceProcess gateway(test::binary(QStringLiteral("tf-gateway")),
                                     QStringList { QStringLiteral("--port"), QString::number(port),
                                                   QStringLiteral("--sync-port"),
                                                   QString::number(test::freePort()) }
                                         + where);
        QVERIFY(gateway.start());
        QVERIFY2(gateway.waitHealthy(base + QStringLiteral("/health/ready"), 30000),
                 gateway.output().constData());

        // The route keeps the gateway's authentication; bad paging parameters are 400 problems.
        QCOMPARE(test::http("GET", base + QStringLiteral("/demo/ogcapi/collections")).status, 401);
        const auto admin = test::authorizationHeaders(test::gatewayAdminAuthorization(base, data));
        const QString items = base + QStringLiteral("/demo/ogcapi/collections/parcels/items");
        for (const QString &bad :
             { QStringLiteral("limit=abc"), QStringLiteral("offset=-1"), QStringLiteral("limit=0"),
               QStringLiteral("f=html"), QStringLiteral("bbox=1,2,3,4") }) {
            const test::HttpResult refused
                = test::http("GET", items + QLatin1Char('?') + bad, {}, admin);
            QVERIFY2(refused.status == 400,
                     qPrintable(bad + QStringLiteral(": ") + QString::fromUtf8(refused.body)));
            QVERIFY2(refused.headers.value("content-type").contains("json"),
                     refused.headers.value("content-type").constData());
            QVERIFY2(refused.body.contains(bad.section(QLatin1Char('='), 0, 0).toUtf8()),
                     refused.body.constData());
        }
        QCOMPARE(test::http("GET", base + QStringLiteral("/demo/ogcapi/collections/roads/items"),
                            {}, admin)
                     .status,
                 404);
        const test::HttpResult last = test::http(
            "GET", items + QStringLiteral("?limit=10&offset=%1").arg(features.size() - 4), {},
            admin);
        QCOMPARE(last.status, 200);
        QCOMPARE(last.json().value(QStringLiteral("numberMatched")).toInteger(),
                 qint64(features.size()));
        QCOMPARE(last.json().value(QStringLiteral("numberReturned")).toInteger(), qint64(4));
        QVERIFY(!last.body.contains("\"rel\":\"next\""));

        const Run tested = tfctl(QStringList { QStringLiteral("system"), QStringLiteral("test"),
                                               QStringLiteral("GIS parcels (demo)") }
                                 + where);
        QVERIFY2(tested.exitCode == 0 && tested.out.contains("OK, 1 entities"),
                 qPrintable(describe(tested)));

        const Run property = tfctl(
            QStringList { QStringLiteral("sync"), QStringLiteral("run"), kPropertyPair } + where);
        QVERIFY2(property.exitCode == 0, qPrintable(describe(property)));
        const Run first = tfctl(
            QStringList { QStringLiteral("sync"), QStringLiteral("run"), kGisPair } + where);
        QVERIFY2(first.exitCode == 0, qPrintable(describe(first)));
        const QList<qint64> t = totals(first.out);
        QVERIFY2(t.size() == 6, qPrintable(describe(first)));
        QCOMPARE(t.at(0), qint64(features.size())); // read, over ceil(n / 37) pages
        QCOMPARE(t.at(1), qint64(features.size())); // inserted
        QCOMPARE(t.at(5), qint64(0)); // nothing quarantined

        // gis_parcels == the layer, feature for feature.
        const db::Database cama(db::DatabaseUrl::parse(
            camaUrl.isEmpty() ? QStringLiteral("sqlite://") + data + QStringLiteral("/demo/cama.db")
                              : camaUrl));
        QSqlQuery rows = cama.prepare(
            QStringLiteral("SELECT source_id, parcel_number, area_acres, centroid_x, centroid_y, "
                           "geometry_wkt FROM gis_parcels ORDER BY source_id"));
        cama.exec(rows, "reading gis_parcels");
        int index = 0;
        while (rows.next()) {
            QVERIFY2(index < features.size(), "more rows than features");
            const QJsonObject feature = features.at(index++).toObject();
            const QJsonObject properties = feature.value(QStringLiteral("properties")).toObject();
            const QJsonObject geometry = feature.value(QStringLiteral("geometry")).toObject();
            QCOMPARE(rows.value(0).toLongLong(), feature.value(QStringLiteral("id")).toInteger());
            QCOMPARE(rows.value(1).toString(),
                     properties.value(QStringLiteral("parcel_number")).toString());
            QCOMPARE(rows.value(2).toDouble(),
                     properties.value(QStringLiteral("gis_acres")).toDouble());
            QCOMPARE(rows.value(5).toString(), polygonWkt(geometry));
            // A rectangle's centroid is its centre.
            const QJsonArray ring
                = geometry.value(QStringLiteral("coordinates")).toArray().at(0).toArray();
            const double cx
                = (ring.at(0).toArray().at(0).toDouble() + ring.at(1).toArray().at(0).toDouble())
                / 2;
            const double cy
                = (ring.at(0).toArray().at(1).toDouble() + ring.at(2).toArray().at(1).toDouble())
                / 2;
            QVERIFY2(qAbs(rows.value(3).toDouble() - cx) < 1e-9,
                     qPrintable(QStringLiteral("%1 vs %2")
                                    .arg(rows.value(3).toDouble(), 0, 'g', 17)
                                    .arg(cx, 0, 'g', 17)));
            QVERIFY2(qAbs(rows.value(4).toDouble() - cy) < 1e-9,
                     qPrintable(QStringLiteral("%1 vs %2")
                                    .arg(rows.value(4).toDouble(), 0, 'g', 17)
                                    .arg(cy, 0, 'g', 17)));
        }
        QCOMPARE(index, features.size());

        // The one-sided parcels, from the data itself: CAMA's properties against the layer.
        QSet<QString> layerNumbers;
        for (const QJsonValue &feature : features)
            layerNumbers.insert(feature.toObject()
                                    .value(QStringLiteral("properties"))
                                    .toObject()
                                    .value(QStringLiteral("parcel_number"))
                                    .toString());
        QSet<QString> camaNumbers;
        QSqlQuery properties
            = cama.prepare(QStringLiteral("SELECT parcel_number FROM cama_property"));
        cama.exec(properties, "reading cama_property");
        while (properties.next())
            camaNumbers.insert(properties.value(0).toString());
        QCOMPARE(QSet<QString>(layerNumbers).subtract(camaNumbers),
                 QSet<QString>(gisOnly).unite(quarantined));
        QCOMPARE(QSet<QString>(camaNumbers).subtract(layerNumbers), pacsOnly);

        QHash<QString, QString> expected;
        for (const QString &n : gisOnly + quarantined)
            expected.insert(n, QStringLiteral("GIS"));
        for (const QString &n : pacsOnly)
            expected.insert(n, QStringLiteral("PACS"));
        QHash<QString, QString> listed;
        QSqlQuery mismatch = cama.prepare(
            QStringLiteral("SELECT parcel_number, only_in FROM parcel_gis_mismatch"));
        cama.exec(mismatch, "reading parcel_gis_mismatch");
        while (mismatch.next()) {
            QVERIFY2(!listed.contains(mismatch.value(0).toString()),
                     qPrintable(mismatch.value(0).toString()));
            listed.insert(mismatch.value(0).toString(), mismatch.value(1).toString());
        }
        QCOMPARE(listed, expected);
        cama.closeThreadConnection();

        const Run report = tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("report"),
                                               QStringLiteral("--json"), QStringLiteral("--limit"),
                                               QStringLiteral("1000") }
                                 + where);
        QVERIFY2(report.exitCode == 0, qPrintable(describe(report)));
        const QJsonObject json = report.json();
        QCOMPARE(json.value(QStringLiteral("gis_parcels")).toInteger(), qint64(features.size()));
        const QJsonObject gisSide = json.value(QStringLiteral("only_in_gis")).toObject();
        QCOMPARE(gisSide.value(QStringLiteral("count")).toInteger(),
                 qint64(gisOnly.size() + quarantined.size()));
        QCOMPARE(gisSide.value(QStringLiteral("pacs_rows_quarantined")).toInteger(),
                 qint64(quarantined.size()));
        QSet<QString> reported;
        for (const QJsonValue &parcel : gisSide.value(QStringLiteral("parcels")).toArray()) {
            const QString n = parcel.toObject().value(QStringLiteral("parcel_number")).toString();
            QCOMPARE(parcel.toObject().value(QStringLiteral("pacs_row_quarantined")).toBool(),
                     quarantined.contains(n));
            reported.insert(n);
        }
        QCOMPARE(reported, QSet<QString>(gisOnly).unite(quarantined));
        reported.clear();
        for (const QJsonValue &parcel : json.value(QStringLiteral("only_in_pacs"))
                                            .toObject()
                                            .value(QStringLiteral("parcels"))
                                            .toArray())
            reported.insert(parcel.toObject().value(QStringLiteral("parcel_number")).toString());
        QCOMPARE(reported, pacsOnly);
        const Run text = tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("report"),
                                             QStringLiteral("--limit"), QStringLiteral("3") }
                               + where);
        QVERIFY2(text.exitCode == 0 && text.out.contains("only in GIS: ")
                     && text.out.contains("more (--limit)"),
                 qPrintable(describe(text)));

        // Nothing changed: the second hash run writes nothing.
        const Run second = tfctl(
            QStringList { QStringLiteral("sync"), QStringLiteral("run"), kGisPair } + where);
        QVERIFY2(second.exitCode == 0, qPrintable(describe(second)));
        const QList<qint64> again = totals(second.out);
        QVERIFY2(again.size() == 6, qPrintable(describe(second)));
        QCOMPARE(again.at(0), qint64(features.size()));
        QCOMPARE(again.at(1) + again.at(2) + again.at(3), qint64(0));
        QCOMPARE(again.at(4), qint64(features.size()));

        gateway.terminate();
        QVERIFY(gateway.waitFinished(20000));
    }

private Q_SLOTS:
    void gisDemoOnSqlite() { endToEnd(QString(), QString()); }

    void gisDemoInPostgres()
    {
        const QString cama = test::createScratchPostgresDatabase(QStringLiteral("gcama"));
        TF_REQUIRE_POSTGRES(cama);
        endToEnd(test::createScratchPostgresDatabase(QStringLiteral("gpacs")), cama);
    }

    // --gis --if-missing beside an installed demo adds the GIS part from the demo's own parcels
    // and seed: the same layer, byte for byte, as installing both at once.
    void gisAddedToAnInstalledDemo()
    {
        QTemporaryDir dir;
        const QStringList later { QStringLiteral("--data-dir"),
                                  dir.filePath(QStringLiteral("later")) };
        const QStringList atOnce { QStringLiteral("--data-dir"),
                                   dir.filePath(QStringLiteral("once")) };
        const QStringList options { QStringLiteral("--parcels"), QStringLiteral("150"),
                                    QStringLiteral("--seed"), QStringLiteral("7") };
        QCOMPARE(test::initPlatform(later).exitCode, 0);
        QCOMPARE(test::initPlatform(atOnce).exitCode, 0);
        QCOMPARE(tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install") } + options
                       + later)
                     .exitCode,
                 0);
        const Run added
            = tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"),
                                  QStringLiteral("--gis"), QStringLiteral("--if-missing") }
                    + later);
        QVERIFY2(added.exitCode == 0 && added.out.contains("added sync pair 5"),
                 qPrintable(describe(added)));
        const Run again
            = tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"),
                                  QStringLiteral("--gis"), QStringLiteral("--if-missing") }
                    + later);
        QVERIFY2(again.exitCode == 0 && again.out.contains("GIS demo already installed"),
                 qPrintable(describe(again)));
        QCOMPARE(tfctl(QStringList { QStringLiteral("demo"), QStringLiteral("install"),
                                     QStringLiteral("--gis") }
                       + options + atOnce)
                     .exitCode,
                 0);
        QFile a(later.at(1) + QStringLiteral("/demo/gis-parcels.geojson"));
        QFile b(atOnce.at(1) + QStringLiteral("/demo/gis-parcels.geojson"));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        const QByteArray layer = a.readAll();
        QVERIFY(layer.size() > 10000);
        QVERIFY(layer == b.readAll());
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("gis url") << QStringList {
            QStringLiteral("install"), QStringLiteral("--gis"), QStringLiteral("--gis-url"),
            QStringLiteral("ftp://x/y")
        } << QStringLiteral("--gis-url must be an http");
        QTest::newRow("report limit")
            << QStringList { QStringLiteral("report"), QStringLiteral("--limit"),
                             QStringLiteral("-3") }
            << QStringLiteral("--limit must be a number");
        QTest::newRow("json on install")
            << QStringList { QStringLiteral("install"), QStringLiteral("--json") }
            << QStringLiteral("--json is an option of demo report");
        QTest::newRow("report without gis") << QStringList { QStringLiteral("report") }
                                            << QStringLiteral("the GIS demo is not installed");
    }

    // Exit 2 with one line.
    void refusals()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QStringList where { QStringLiteral("--data-dir"), dir.path() };
        QCOMPARE(test::initPlatform(where).exitCode, 0);
        const Run run = tfctl(QStringList { QStringLiteral("demo") } + arguments + where);
        QVERIFY2(run.exitCode == 2 && run.err.contains(message.toUtf8()),
                 qPrintable(describe(run)));
        QCOMPARE(run.err.trimmed().count('\n'), 0);
    }
};

QTEST_GUILESS_MAIN(TestGisDemo)
#include "tst_gisdemo.moc"
