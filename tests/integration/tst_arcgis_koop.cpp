// The ArcGIS source against a real FeatureServer implementation: Koop (npm @koopjs/koop-core
// with @koopjs/provider-file-geojson, tests/gis) serving a generated 10,000-parcel layer, synced
// through the engine into PostgreSQL in full and in hash mode, compared value for value; then
// the layer changes (updates, deletes, an insert) and both pairs follow exactly.
// TF_REQUIRE_KOOP=1 (scripts/test.sh) fails instead of skipping when Koop cannot be installed.
#include "pgsyncworld.h"
#include "sync/connectors/arcgisconnector.h"
#include "sync/engine/syncrunner.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

constexpr int kParcels = 10000;
const QStringList kColumns { u"OBJECTID"_s, u"parcel_id"_s, u"acres"_s, u"land_value"_s, u"geometry"_s };

struct Parcel
{
    qint64 id;
    QString parcelId;
    double acres;
    QVariant landValue; // NULL for some
    QJsonArray ring;    // clockwise, as ArcGIS keeps outer rings

    QJsonObject feature() const
    {
        return { { u"type"_s, u"Feature"_s },
                 { u"properties"_s, QJsonObject { { u"OBJECTID"_s, id }, { u"parcel_id"_s, parcelId }, { u"acres"_s, acres },
                                                  { u"land_value"_s, landValue.isNull() ? QJsonValue() : QJsonValue(landValue.toLongLong()) } } },
                 { u"geometry"_s, QJsonObject { { u"type"_s, u"Polygon"_s }, { u"coordinates"_s, QJsonArray { ring } } } } };
    }

    Row row() const
    {
        const QJsonObject geometry { { u"coordinates"_s, QJsonArray { ring } }, { u"type"_s, u"Polygon"_s } };
        return { id, parcelId, acres, landValue, QString::fromUtf8(QJsonDocument(geometry).toJson(QJsonDocument::Compact)) };
    }
};

Parcel parcel(qint64 i)
{
    const double x = -119.5 + double(i % 100) * 0.00137;
    const double y = 46.0 + double(i / 100) * 0.00091;
    const double d = 0.000513;
    const QJsonArray ring { QJsonArray { x, y }, QJsonArray { x, y + d }, QJsonArray { x + d, y + d }, QJsonArray { x + d, y },
                            QJsonArray { x, y } };
    return Parcel { i, i % 97 == 0 ? u"1-%1-Ñandú ✓"_s.arg(i, 5, 10, QLatin1Char('0')) : u"1-%1"_s.arg(i, 5, 10, QLatin1Char('0')),
                    double(i) * 0.0137 + 1.0 / 3.0, i % 50 == 0 ? QVariant() : QVariant(i * 1000 + 7), ring };
}

QString describeRun(const RunResult &result)
{
    return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Compact));
}

} // namespace

class TestArcgisKoop final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void syncsExactlyInFullAndHashModes();

private:
    void writeLayer();
    PairSpec pair(const QString &id, const QString &target, ChangeMode mode) const;
    QList<Row> targetRows(const QString &table);
    void compareTarget(const QString &table);

    QString m_pgUrl;
    tf::test::PgSyncWorld m_world;
    QTemporaryDir m_data;
    QProcess m_koop;
    QString m_serviceUrl;
    QMap<qint64, Parcel> m_parcels;
};

void TestArcgisKoop::writeLayer()
{
    QJsonArray features;
    for (const Parcel &p : std::as_const(m_parcels))
        features.append(p.feature());
    const QJsonObject collection { { u"type"_s, u"FeatureCollection"_s },
                                   { u"metadata"_s, QJsonObject { { u"idField"_s, u"OBJECTID"_s }, { u"maxRecordCount"_s, 1000 } } },
                                   { u"features"_s, features } };
    QFile file(m_data.filePath(u"parcels.geojson"_s));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(collection).toJson(QJsonDocument::Compact));
}

void TestArcgisKoop::initTestCase()
{
    const bool required = qEnvironmentVariable("TF_REQUIRE_KOOP") == u"1"_s;
    QVERIFY(m_data.isValid());
    for (qint64 i = 1; i <= kParcels; ++i)
        m_parcels.insert(i, parcel(i));
    writeLayer();
    const QString work = QDir(qEnvironmentVariable("TF_BIN_DIR")).absoluteFilePath(u"../gis-tools"_s);
    m_koop.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_koop.start(u"bash"_s, { qEnvironmentVariable("TF_SOURCE_DIR") + u"/tests/gis/start-koop.sh"_s, u"--work"_s, work, m_data.path() });
    QByteArray out;
    // The first run installs Koop with npm ci: wait for the line, not for a time.
    while (!out.contains('\n') && m_koop.waitForReadyRead(600000))
        out += m_koop.readAllStandardOutput();
    const QByteArray line = out.trimmed();
    if (!line.startsWith("listening ")) {
        if (required)
            QFAIL(qPrintable(u"TF_REQUIRE_KOOP=1 but Koop did not start: "_s + QString::fromUtf8(line)));
        QSKIP("Koop could not be installed or started (node, npm and the npm registry on the first run)");
    }
    m_serviceUrl = u"http://127.0.0.1:%1/file-geojson/rest/services/parcels/FeatureServer"_s.arg(QString::fromUtf8(line.mid(10)));

    m_pgUrl = tf::test::createScratchPostgresDatabase(u"tfkoop"_s);
    TF_REQUIRE_POSTGRES(m_pgUrl);
    QVERIFY(m_world.open(m_pgUrl, u"src"_s, u"dst"_s));
    for (const QString &table : { u"parcels_full"_s, u"parcels_hash"_s }) {
        m_world.admin->execDirect(u"CREATE TABLE dst.%1 (objectid bigint PRIMARY KEY, parcel_id text, acres double precision, "
                                  "land_value bigint, geometry json)"_s.arg(table), "test setup");
    }
}

void TestArcgisKoop::cleanupTestCase()
{
    m_world.close();
    if (m_koop.state() != QProcess::NotRunning) {
        m_koop.kill();
        m_koop.waitForFinished();
    }
}

PairSpec TestArcgisKoop::pair(const QString &id, const QString &target, ChangeMode mode) const
{
    QJsonArray fields;
    const QStringList targets { u"objectid"_s, u"parcel_id"_s, u"acres"_s, u"land_value"_s, u"geometry"_s };
    for (int i = 0; i < kColumns.size(); ++i)
        fields.append(QJsonObject { { u"target"_s, targets.at(i) }, { u"source"_s, kColumns.at(i) } });
    EntitySpec entity;
    entity.name = u"parcels"_s;
    entity.sourceEntity = u"parcels.geojson"_s; // Koop names the layer after its file
    entity.sourceKey = { u"OBJECTID"_s };
    entity.targetEntity = target;
    entity.targetKey = { u"objectid"_s };
    entity.mapping = QJsonObject { { u"fields"_s, fields } };
    entity.mode = mode;
    PairSpec spec;
    spec.pairId = id;
    spec.sourceSystem = u"koop"_s;
    spec.targetSystem = u"pg"_s;
    spec.batchSize = 700;
    spec.entities = { entity };
    return spec;
}

QList<Row> TestArcgisKoop::targetRows(const QString &table)
{
    QList<Row> rows;
    ReadRequest request;
    request.entity = table;
    request.columns = { u"objectid"_s, u"parcel_id"_s, u"acres"_s, u"land_value"_s, u"geometry"_s };
    request.keyColumns = { u"objectid"_s };
    m_world.dst->readAll(request, [&](const RowBatch &batch) {
        rows += batch.rows;
        return true;
    });
    return rows;
}

void TestArcgisKoop::compareTarget(const QString &table)
{
    const QList<Row> rows = targetRows(table);
    QCOMPARE(rows.size(), m_parcels.size());
    auto expected = m_parcels.cbegin();
    for (const Row &row : rows) {
        const Row want = expected.value().row();
        QCOMPARE(row.at(0).toLongLong(), want.at(0).toLongLong());
        QCOMPARE(row.at(1).toString(), want.at(1).toString());
        QCOMPARE(QByteArray::number(row.at(2).toDouble(), 'g', 17), QByteArray::number(want.at(2).toDouble(), 'g', 17));
        QCOMPARE(row.at(3).isNull(), want.at(3).isNull());
        QCOMPARE(row.at(3).toLongLong(), want.at(3).toLongLong());
        QCOMPARE(row.at(4).toString(), want.at(4).toString());
        ++expected;
    }
}

void TestArcgisKoop::syncsExactlyInFullAndHashModes()
{
    ArcgisConnector source(SystemSettings { u"arcgis"_s, { { u"url"_s, m_serviceUrl } }, {} });
    const auto run = [&](const PairSpec &spec, EntityStats *stats) {
        SyncRunner runner(spec, source, *m_world.dst, *m_world.quarantine, DetachedStateStore {});
        const RunResult result = runner.run(RunOptions {});
        QVERIFY2(result.status == RunStatus::Completed && result.totals.quarantined == 0, qPrintable(describeRun(result)));
        *stats = result.totals;
    };
    const PairSpec full = pair(u"koop-full"_s, u"parcels_full"_s, ChangeMode::Full);
    const PairSpec hash = pair(u"koop-hash"_s, u"parcels_hash"_s, ChangeMode::Hash);
    EntityStats stats;
    run(full, &stats);
    QCOMPARE(stats.inserted, kParcels);
    run(hash, &stats);
    QCOMPARE(stats.inserted, kParcels);
    compareTarget(u"parcels_full"_s);
    compareTarget(u"parcels_hash"_s);

    // The layer changes: three parcels edited, two deleted, one added.
    m_parcels[17].parcelId = u"1-00017-split"_s;
    m_parcels[4242].acres = 0.1 + 0.2;
    m_parcels[9999].ring = QJsonArray { QJsonArray { 1.5, 2.5 }, QJsonArray { 1.5, 3.5 }, QJsonArray { 2.5, 3.5 }, QJsonArray { 1.5, 2.5 } };
    m_parcels.remove(5);
    m_parcels.remove(6000);
    m_parcels.insert(kParcels + 1, parcel(kParcels + 1));
    writeLayer();
    run(hash, &stats);
    QCOMPARE(stats.updated, 3);
    QCOMPARE(stats.deleted, 2);
    QCOMPARE(stats.inserted, 1);
    run(full, &stats);
    compareTarget(u"parcels_full"_s);
    compareTarget(u"parcels_hash"_s);
    // Nothing changed since: a hash run writes nothing.
    run(hash, &stats);
    QCOMPARE(stats.writes(), 0);
    QCOMPARE(stats.read, qint64(m_parcels.size()));
}

QTEST_GUILESS_MAIN(TestArcgisKoop)
#include "tst_arcgis_koop.moc"
