// The OGC API Features source (kind "ogcapi") keeps a negative zero exactly: answers served byte
// for byte over loopback by a QHttpServer (QJsonDocument would drop -0.0's sign), read through
// the same HTTP client and helper as the ArcGIS source (gis::markNegativeZeros).
#include "core/errors.h"
#include "sync/connectors/gisrows.h"
#include "sync/connectors/ogcapiconnector.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>

using namespace tf::sync;
using namespace Qt::StringLiterals;

class TestOgcapiNegativeZero : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void marksOnlyNegativeZerosOutsideStrings();
    void readsNegativeZeroExactly();

private:
    QHttpServer m_server;
    quint16 m_port = 0;
};

void TestOgcapiNegativeZero::initTestCase()
{
    m_server.route(u"/ogc/collections/<arg>/items"_s, [](const QString &, const QHttpServerRequest &) {
        QFile file(qEnvironmentVariable("TF_SOURCE_DIR") + u"/tests/unit/data/ogcapi/negative-zero-items.json"_s);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        return QHttpServerResponse("application/geo+json", file.readAll());
    });
    m_port = m_server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(m_port != 0);
}

void TestOgcapiNegativeZero::marksOnlyNegativeZerosOutsideStrings()
{
    const QByteArray json = R"({"a":-0.0,"b":[-0,-0.05,-0.0e5,-10,-0.5],"c":"-0.0 \"-0\"","d":0.0,"e":-0.000E-3})";
    const QByteArray marked = gis::markNegativeZeros(json);
    QCOMPARE(marked.count("tf-negative-zero:"), 4); // a, b[0], b[2], e
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(marked, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(gis::isNegativeZero(object.value(u"a"_s)));
    QVERIFY(!gis::isNegativeZero(object.value(u"c"_s)));
    QCOMPARE(object.value(u"c"_s).toString(), u"-0.0 \"-0\""_s);
    QVERIFY(!gis::isNegativeZero(object.value(u"d"_s)));
    // Written back as sent.
    QCOMPARE(gis::jsonText(object.value(u"b"_s)), u"[-0,-0.05,-0.0e5,-10,-0.5]"_s);
    QCOMPARE(gis::jsonText(object.value(u"e"_s)), u"-0.000E-3"_s);
    const std::optional<QVariant> zero = gis::negativeZero(object.value(u"a"_s), true);
    QVERIFY(zero && std::signbit(zero->toDouble()));
    QVERIFY(!gis::negativeZero(object.value(u"d"_s), true));
}

void TestOgcapiNegativeZero::readsNegativeZeroExactly()
{
    OgcapiConnector source(SystemSettings { u"ogcapi"_s, { { u"url"_s, u"http://127.0.0.1:%1/ogc"_s.arg(m_port) } }, {} });
    const EntityDescription description = source.describe(u"parcels"_s);
    QCOMPARE(description.schema.names(), (QStringList { u"id"_s, u"area"_s, u"count"_s, u"note"_s, u"geometry"_s }));
    QCOMPARE(description.schema.at(1).type, ValueType::Double);  // -0.0 is no integer
    QCOMPARE(description.schema.at(2).type, ValueType::Double);  // neither is -0 (so the column cannot round it)
    QList<Row> rows;
    ReadRequest request;
    request.entity = u"parcels"_s;
    request.batchSize = 10;
    source.readAll(request, [&](const RowBatch &batch) {
        rows += batch.rows;
        return true;
    });
    QCOMPARE(rows.size(), 3);
    // Columns: id, area, count, note, geometry.
    QCOMPARE(rows.at(0).at(3).toString(), u"-0.0 stays text"_s);
    QCOMPARE(rows.at(0).at(1).typeId(), QMetaType::Double);
    QVERIFY(std::signbit(rows.at(0).at(1).toDouble()));
    QVERIFY(std::signbit(rows.at(1).at(1).toDouble()));
    QVERIFY(std::signbit(rows.at(1).at(2).toDouble()));
    QCOMPARE(rows.at(0).at(2).toDouble(), 5.0);
    QCOMPARE(rows.at(2).at(1).toDouble(), 0.25);
    // Geometry text carries the numbers as the service wrote them.
    QCOMPARE(rows.at(0).at(4).toString(), uR"({"coordinates":[-0.0,46.125],"type":"Point"})"_s);
    QCOMPARE(rows.at(1).at(4).toString(), uR"({"coordinates":[-0.5,-0],"type":"Point"})"_s);
}

QTEST_GUILESS_MAIN(TestOgcapiNegativeZero)
#include "tst_ogcapinegativezero.moc"
