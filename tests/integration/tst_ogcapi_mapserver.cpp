// The OGC API Features source against MapServer 8 (cgi-mapserver), run as a CGI program behind
// a small HTTP server the test starts: a 10,000-parcel UTF-8 shapefile (made with ogr2ogr -lco
// ENCODING=UTF-8) synced into PostgreSQL in full and hash modes following the next links; and
// the same parcels in a GeoPackage, where MapServer 8.0 ignores the offset while its next links
// advance: the read must fail loudly, naming the repeated id, instead of losing rows. The same
// mapfile serves WFS 2.0 (GeoJSON output, an OGR layer so SORTBY works): the connector's "wfs"
// protocol syncs the 10,000 parcels exactly by STARTINDEX/COUNT pages sorted by pid.
// TF_REQUIRE_MAPSERVER=1 (scripts/test.sh) fails instead of skipping when MapServer is missing.
#include "core/errors.h"
#include "pgsyncworld.h"
#include "sync/connectors/ogcapiconnector.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

constexpr int kParcels = 10000;
const QString kMapserv = u"/usr/lib/cgi-bin/mapserv"_s;

// Runs the mapserv CGI for each request (one request per connection).
class CgiServer final : public QObject
{
public:
    QString configFile;

    quint16 listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        return m_server.listen(QHostAddress::LocalHost, 0) ? m_server.serverPort() : 0;
    }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &head = m_heads[socket];
        head += socket->readAll();
        if (!head.contains("\r\n\r\n"))
            return;
        const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
        m_heads.remove(socket);
        const QByteArray target = requestLine.value(1);
        const qsizetype question = target.indexOf('?');
        QProcessEnvironment env;
        env.insert(u"MAPSERVER_CONFIG_FILE"_s, configFile);
        env.insert(u"REQUEST_METHOD"_s, QString::fromLatin1(requestLine.value(0)));
        env.insert(u"PATH_INFO"_s, QUrl::fromPercentEncoding(question < 0 ? target : target.left(question)));
        env.insert(u"QUERY_STRING"_s, question < 0 ? QString() : QString::fromLatin1(target.mid(question + 1)));
        env.insert(u"SERVER_NAME"_s, u"127.0.0.1"_s);
        env.insert(u"SERVER_PORT"_s, QString::number(m_server.serverPort()));
        QProcess mapserv;
        mapserv.setProcessEnvironment(env);
        mapserv.start(kMapserv, {});
        mapserv.waitForFinished(120000);
        const QByteArray out = mapserv.readAllStandardOutput();
        const qsizetype split = out.indexOf("\r\n\r\n") >= 0 ? out.indexOf("\r\n\r\n") : out.indexOf("\n\n");
        const qsizetype bodyAt = split < 0 ? 0 : split + (out.mid(split, 4) == "\r\n\r\n" ? 4 : 2);
        QByteArray status = "200 OK";
        QByteArray headers;
        for (const QByteArray &line : out.left(qMax<qsizetype>(split, 0)).split('\n')) {
            const QByteArray trimmed = line.trimmed();
            if (trimmed.startsWith("Status:"))
                status = trimmed.mid(7).trimmed();
            else if (!trimmed.isEmpty())
                headers += trimmed + "\r\n";
        }
        const QByteArray body = out.mid(bodyAt);
        socket->write("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + QByteArray::number(body.size())
                      + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_heads;
};

QJsonArray ringOf(qint64 i)
{
    // Eighths: exact in binary and in MapServer's decimal output; inside EPSG:4326's extent
    // (MapServer leaves out features beyond it).
    const double x = double(i % 100) + 0.25;
    const double y = double(i / 100) * 0.5 + 0.25;
    return QJsonArray { QJsonArray { x, y }, QJsonArray { x, y + 0.375 }, QJsonArray { x + 0.75, y + 0.375 }, QJsonArray { x, y } };
}

QString parcelId(qint64 i)
{
    return i % 97 == 0 ? u"1-%1 Ñandú ✓"_s.arg(i, 5, 10, QLatin1Char('0')) : u"1-%1"_s.arg(i, 5, 10, QLatin1Char('0'));
}

QString describeRun(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace

class TestOgcapiMapserver final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void syncsShapefileExactlyInFullAndHashModes();
    void geoPackageOffsetBugFailsLoudly();
    void syncsWfsExactlyInFullAndHashModes();

private:
    bool ogr2ogr(const QStringList &arguments);
    PairSpec pair(const QString &id, const QString &target, ChangeMode mode) const;
    void compareTarget(const QString &table, const QMap<qint64, QString> &acres);

    QString m_pgUrl;
    tf::test::PgSyncWorld m_world;
    QTemporaryDir m_data;
    CgiServer m_server;
    QString m_url;
    QString m_wfsUrl;
};

bool TestOgcapiMapserver::ogr2ogr(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(u"ogr2ogr"_s, arguments);
    return process.waitForFinished(300000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void TestOgcapiMapserver::initTestCase()
{
    const bool required = qEnvironmentVariable("TF_REQUIRE_MAPSERVER") == u"1"_s;
    if (!QFile::exists(kMapserv) || QStandardPaths::findExecutable(u"ogr2ogr"_s).isEmpty()) {
        if (required)
            QFAIL("TF_REQUIRE_MAPSERVER=1 but mapserv or ogr2ogr is missing (cgi-mapserver, gdal-bin)");
        QSKIP("no MapServer: install cgi-mapserver, mapserver-bin and gdal-bin");
    }
    QVERIFY(m_data.isValid());
    // Every property is text in the layer (a DBF would print numbers with its own precision).
    QJsonArray features;
    for (qint64 i = 1; i <= kParcels; ++i) {
        features.append(QJsonObject {
            { u"type"_s, u"Feature"_s },
            { u"properties"_s, QJsonObject { { u"pid"_s, i }, { u"parcel_id"_s, parcelId(i) },
                                             { u"acres"_s, QString::number(double(i) * 0.125, 'f', 3) } } },
            { u"geometry"_s, QJsonObject { { u"type"_s, u"Polygon"_s }, { u"coordinates"_s, QJsonArray { ringOf(i) } } } } });
    }
    QFile geojson(m_data.filePath(u"parcels.geojson"_s));
    QVERIFY(geojson.open(QIODevice::WriteOnly));
    geojson.write(QJsonDocument(QJsonObject { { u"type"_s, u"FeatureCollection"_s }, { u"features"_s, features } }).toJson());
    geojson.close();
    QVERIFY(ogr2ogr({ u"-f"_s, u"ESRI Shapefile"_s, u"-lco"_s, u"ENCODING=UTF-8"_s, m_data.filePath(u"parcels.shp"_s), geojson.fileName() }));
    QVERIFY(ogr2ogr({ u"-f"_s, u"GPKG"_s, u"-nln"_s, u"parcels"_s, m_data.filePath(u"parcels.gpkg"_s), geojson.fileName() }));

    const quint16 port = m_server.listen();
    QVERIFY(port != 0);
    m_url = u"http://127.0.0.1:%1/parcels/ogcapi"_s.arg(port);
    m_wfsUrl = u"http://127.0.0.1:%1/wfs"_s.arg(port);
    const QString layer = uR"(
  LAYER
    NAME "%1"
    TYPE POLYGON
    STATUS ON
    TEMPLATE "void"
    EXTENT -180 -90 180 90
    %2
    PROJECTION "init=epsg:4326" END
    METADATA "gml_include_items" "all" "gml_featureid" "pid" "oga_enable_request" "*" "wfs_getfeature_formatlist" "geojson" END
  END)"_s;
    QFile map(m_data.filePath(u"parcels.map"_s));
    QVERIFY(map.open(QIODevice::WriteOnly));
    map.write(uR"(MAP
  NAME "parcels"
  EXTENT -180 -90 180 90
  PROJECTION "init=epsg:4326" END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json; subtype=geojson"
    FORMATOPTION "STORAGE=stream"
    FORMATOPTION "FORM=SIMPLE"
  END
  WEB METADATA "oga_enable_request" "*" "oga_onlineresource" "%1" "ows_title" "Parcels"
    "wfs_enable_request" "*" "wfs_onlineresource" "%4?map=parcels" "wfs_srs" "EPSG:4326" END END
  %2
  %3
  %5
END
)"_s.arg(m_url, layer.arg(u"parcels"_s, u"DATA \"%1\""_s.arg(m_data.filePath(u"parcels.shp"_s))),
         layer.arg(u"parcelsgpkg"_s, u"CONNECTIONTYPE OGR CONNECTION \"%1\" DATA \"parcels\""_s.arg(m_data.filePath(u"parcels.gpkg"_s))),
         m_wfsUrl,
         // Through OGR, MapServer sorts (SORTBY); its native shapefile driver does not.
         layer.arg(u"parcelswfs"_s, u"CONNECTIONTYPE OGR CONNECTION \"%1\" DATA \"parcels\""_s.arg(m_data.filePath(u"parcels.shp"_s))))
                  .toUtf8());
    map.close();
    QFile config(m_data.filePath(u"mapserver.conf"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(u"CONFIG\n  MAPS\n    \"parcels\" \"%1\"\n  END\nEND\n"_s.arg(map.fileName()).toUtf8());
    config.close();
    m_server.configFile = config.fileName();

    m_pgUrl = tf::test::createScratchPostgresDatabase(u"tfogc"_s);
    TF_REQUIRE_POSTGRES(m_pgUrl);
    QVERIFY(m_world.open(m_pgUrl, u"src"_s, u"dst"_s));
    for (const QString &table : { u"parcels_full"_s, u"parcels_hash"_s, u"parcels_wfs_full"_s, u"parcels_wfs_hash"_s }) {
        m_world.admin->execDirect(u"CREATE TABLE dst.%1 (pid text PRIMARY KEY, parcel_id text, acres text, geometry json)"_s.arg(table),
                                  "test setup");
    }
}

void TestOgcapiMapserver::cleanupTestCase()
{
    m_world.close();
}

PairSpec TestOgcapiMapserver::pair(const QString &id, const QString &target, ChangeMode mode) const
{
    QJsonArray fields;
    for (const auto &[to, from] : { std::pair { u"pid"_s, u"id"_s }, std::pair { u"parcel_id"_s, u"parcel_id"_s },
                                    std::pair { u"acres"_s, u"acres"_s }, std::pair { u"geometry"_s, u"geometry"_s } })
        fields.append(QJsonObject { { u"target"_s, to }, { u"source"_s, from } });
    EntitySpec entity;
    entity.name = u"parcels"_s;
    entity.sourceEntity = u"parcels"_s;
    entity.sourceKey = { u"id"_s };
    entity.targetEntity = target;
    entity.targetKey = { u"pid"_s };
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = mode;
    PairSpec spec;
    spec.pairId = id;
    spec.sourceSystem = u"mapserver"_s;
    spec.targetSystem = u"pg"_s;
    spec.batchSize = 900;
    spec.entities = { entity };
    return spec;
}

void TestOgcapiMapserver::compareTarget(const QString &table, const QMap<qint64, QString> &acres)
{
    QMap<qint64, Row> got;
    ReadRequest request;
    request.entity = table;
    request.columns = { u"pid"_s, u"parcel_id"_s, u"acres"_s, u"geometry"_s };
    request.keyColumns = { u"pid"_s };
    m_world.dst->readAll(request, [&](const RowBatch &batch) {
        for (const Row &row : batch.rows)
            got.insert(row.at(0).toString().toLongLong(), row);
        return true;
    });
    QCOMPARE(got.size(), kParcels);
    for (qint64 i = 1; i <= kParcels; ++i) {
        const Row row = got.value(i);
        QCOMPARE(row.value(0).toString(), QString::number(i));
        QCOMPARE(row.value(1).toString(), parcelId(i));
        QCOMPARE(row.value(2).toString(), acres.value(i));
        const QJsonObject geometry { { u"coordinates"_s, QJsonArray { ringOf(i) } }, { u"type"_s, u"Polygon"_s } };
        QCOMPARE(row.value(3).toString(), QString::fromUtf8(QJsonDocument(geometry).toJson(QJsonDocument::Compact)));
    }
}

void TestOgcapiMapserver::syncsShapefileExactlyInFullAndHashModes()
{
    OgcapiConnector source(SystemSettings { u"ogcapi"_s, { { u"url"_s, m_url }, { u"page_size"_s, 2500 } }, {} });
    QVERIFY(source.entities().contains(u"parcels"_s));
    QCOMPARE(source.estimateRows(ReadRequest { u"parcels"_s, {}, {}, 100, false }, {}, std::nullopt), kParcels);
    QMap<qint64, QString> acres;
    for (qint64 i = 1; i <= kParcels; ++i)
        acres.insert(i, QString::number(double(i) * 0.125, 'f', 3));
    for (const auto &[id, table, mode] : { std::tuple { u"ogc-full"_s, u"parcels_full"_s, ChangeMode::Full },
                                           std::tuple { u"ogc-hash"_s, u"parcels_hash"_s, ChangeMode::Hash } }) {
        SyncRunner runner(pair(id, table, mode), source, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
        const RunResult result = runner.run(RunOptions {});
        QVERIFY2(result.status == RunStatus::Completed && result.totals.quarantined == 0, qPrintable(describeRun(result)));
        QCOMPARE(result.totals.inserted, kParcels);
        compareTarget(table, acres);
        // A second hash run finds nothing to write.
        if (mode == ChangeMode::Hash) {
            SyncRunner again(pair(id, table, mode), source, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
            const RunResult second = again.run(RunOptions {});
            QVERIFY2(second.status == RunStatus::Completed, qPrintable(describeRun(second)));
            QCOMPARE(second.totals.writes(), 0);
        }
    }
}

void TestOgcapiMapserver::geoPackageOffsetBugFailsLoudly()
{
    OgcapiConnector source(SystemSettings { u"ogcapi"_s, { { u"url"_s, m_url }, { u"page_size"_s, 1000 } }, {} });
    ReadRequest request { u"parcelsgpkg"_s, {}, {}, 1000, false };
    qint64 rows = 0;
    try {
        source.readAll(request, [&](const RowBatch &batch) {
            rows += batch.rows.size();
            return true;
        });
        QFAIL("MapServer 8.0 repeats the first page of a GeoPackage layer: the read must fail");
    } catch (const tf::Error &error) {
        QVERIFY2(error.message().contains(u"feature id 1 came again on page 2"_s), qPrintable(error.message()));
    }
    QCOMPARE(rows, 1000); // the first page only; nothing after the repeat was handed on
    // Through the engine, the run fails and writes nothing it cannot stand behind.
    m_world.admin->execDirect(u"CREATE TABLE dst.parcels_gpkg (pid text PRIMARY KEY, parcel_id text, acres text, geometry json)"_s,
                              "test setup");
    PairSpec spec = pair(u"ogc-gpkg"_s, u"parcels_gpkg"_s, ChangeMode::Hash);
    spec.entities[0].sourceEntity = u"parcelsgpkg"_s;
    SyncRunner runner(spec, source, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
    const RunResult result = runner.run(RunOptions {});
    QVERIFY2(result.status == RunStatus::Failed, qPrintable(describeRun(result)));
    QVERIFY2(result.error.contains(u"came again"_s), qPrintable(describeRun(result)));
}

void TestOgcapiMapserver::syncsWfsExactlyInFullAndHashModes()
{
    const SystemSettings settings { u"ogcapi"_s,
                                    { { u"url"_s, m_wfsUrl }, { u"protocol"_s, u"wfs"_s }, { u"id_property"_s, u"pid"_s },
                                      { u"wfs_parameters"_s, QJsonObject { { u"map"_s, u"parcels"_s } } },
                                      { u"page_size"_s, 1500 } },
                                    {} };
    OgcapiConnector source(settings);
    QVERIFY2(source.entities().contains(u"parcelswfs"_s), qPrintable(source.entities().join(u", "_s)));
    QCOMPARE(source.estimateRows(ReadRequest { u"parcelswfs"_s, {}, {}, 100, false }, {}, std::nullopt), kParcels);
    // pid is the id column (it leaves the properties); the rest as OGC API reads them.
    const EntityDescription description = source.describe(u"parcelswfs"_s);
    QCOMPARE(description.schema.at(0).name, u"id"_s);
    QCOMPARE(description.schema.indexOf(u"pid"_s), -1);
    QMap<qint64, QString> acres;
    for (qint64 i = 1; i <= kParcels; ++i)
        acres.insert(i, QString::number(double(i) * 0.125, 'f', 3));
    for (const auto &[id, table, mode] : { std::tuple { u"wfs-full"_s, u"parcels_wfs_full"_s, ChangeMode::Full },
                                           std::tuple { u"wfs-hash"_s, u"parcels_wfs_hash"_s, ChangeMode::Hash } }) {
        PairSpec spec = pair(id, table, mode);
        spec.entities[0].sourceEntity = u"parcelswfs"_s;
        SyncRunner runner(spec, source, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
        const RunResult result = runner.run(RunOptions {});
        QVERIFY2(result.status == RunStatus::Completed && result.totals.quarantined == 0, qPrintable(describeRun(result)));
        QCOMPARE(result.totals.inserted, kParcels);
        compareTarget(table, acres);
        if (mode == ChangeMode::Hash) {
            SyncRunner again(spec, source, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
            const RunResult second = again.run(RunOptions {});
            QVERIFY2(second.status == RunStatus::Completed, qPrintable(describeRun(second)));
            QCOMPARE(second.totals.writes(), 0);
        }
    }
    // A feature type the service lacks fails with the server's own reason.
    OgcapiConnector noSuchType(settings);
    try {
        ReadRequest request { u"nosuchlayer"_s, {}, {}, 100, false };
        noSuchType.readAll(request, [](const RowBatch &) { return true; });
        QFAIL("reading a feature type the service does not have must fail");
    } catch (const tf::Error &error) {
        // MapServer's ows:ExceptionReport, shown by its text rather than its XML head.
        QVERIFY2(error.message().contains(u"nosuchlayer"_s) && !error.message().contains(u"<?xml"_s), qPrintable(error.message()));
    }
}

QTEST_GUILESS_MAIN(TestOgcapiMapserver)
#include "tst_ogcapi_mapserver.moc"
