// The ArcGIS REST source (kind "arcgis") against recorded FeatureServer answers served over
// loopback by a QHttpServer that slices pages the way ArcGIS does.
#include "core/errors.h"
#include "sync/connectors/arcgisconnector.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace tf::sync;
using namespace Qt::StringLiterals;

namespace {

QJsonObject recorded(const QString &name)
{
    QFile file(qEnvironmentVariable("TF_SOURCE_DIR") + u"/tests/unit/data/arcgis/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

QHttpServerResponse json(const QJsonObject &object, QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok)
{
    return QHttpServerResponse("application/json", QJsonDocument(object).toJson(QJsonDocument::Compact), status);
}

} // namespace

class TestArcgisConnector : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void describeReadsLayerJson();
    void pagesUnderMaxRecordCount();
    void continuesWhileTransferLimitExceeded();
    void fallsBackToObjectIdsWithoutPagination();
    void failsWhenServiceIgnoresOffset();
    void errorAtHttp200IsAnError();
    void retriesTransientFailuresHonouringRetryAfter();
    void givesUpAsUnavailable();
    void readsByKeysAndSinceEditDate();
    void geometryAsGeoJson();
    void carriesNegativeZeroExactly();

private:
    std::unique_ptr<ArcgisConnector> connector(QList<std::chrono::milliseconds> *waits = nullptr);
    QList<Row> readAll(ArcgisConnector &c, const QString &entity, int batchSize = 100);
    QJsonObject layerJson(int id) const;
    QHttpServerResponse query(int layer, const QHttpServerRequest &request);

    QHttpServer m_server;
    quint16 m_port = 0;
    QJsonObject m_features;
    QList<QUrlQuery> m_queries;     // every query request, in order
    QList<QByteArray> m_tokens;     // X-Esri-Authorization of each request
    QList<int> m_failures;          // statuses to answer before the next real answer
};

QJsonObject TestArcgisConnector::layerJson(int id) const
{
    QJsonObject layer = recorded(u"layer.json"_s);
    layer[u"id"_s] = id;
    if (id == 1) { // an older server: no pagination
        layer.remove(u"supportsPagination"_s);
        layer.remove(u"advancedQueryCapabilities"_s);
    }
    if (id == 4) // serves negative-zero.json in one page
        layer[u"maxRecordCount"_s] = 1000;
    if (id == 2) // advertises more than the server then sends per page
        layer[u"maxRecordCount"_s] = 1000;
    return layer;
}

// Layers: 0 pages by offset (maxRecordCount 2), 1 cannot page, 2 advertises 1000 but caps at 2,
// 3 ignores resultOffset (always the first page), 9 answers {"error"} at HTTP 200.
QHttpServerResponse TestArcgisConnector::query(int layer, const QHttpServerRequest &request)
{
    const QUrlQuery q = request.query();
    m_queries << q;
    if (layer == 9)
        return json(recorded(u"error-invalid-where.json"_s));
    if (layer == 4) { // the recorded bytes as they are: QJsonDocument would drop -0.0's sign
        if (q.queryItemValue(u"returnCountOnly"_s) == u"true"_s)
            return json({ { u"count"_s, 3 } });
        QFile file(qEnvironmentVariable("TF_SOURCE_DIR") + u"/tests/unit/data/arcgis/negative-zero.json"_s);
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        return QHttpServerResponse("application/json", file.readAll());
    }
    QJsonArray all = m_features.value(u"features"_s).toArray();
    QList<QJsonObject> features;
    for (const QJsonValue &f : std::as_const(all))
        features << f.toObject();
    const auto oid = [](const QJsonObject &f) { return f[u"attributes"_s].toObject()[u"OBJECTID"_s].toInteger(); };
    std::sort(features.begin(), features.end(), [&](const QJsonObject &a, const QJsonObject &b) { return oid(a) < oid(b); });
    QJsonObject answer { { u"objectIdFieldName"_s, u"OBJECTID"_s } };
    if (q.queryItemValue(u"returnCountOnly"_s) == u"true"_s)
        return json({ { u"count"_s, features.size() } });
    if (q.queryItemValue(u"returnIdsOnly"_s) == u"true"_s) {
        QJsonArray ids;
        for (const QJsonObject &f : std::as_const(features))
            ids.prepend(oid(f)); // ArcGIS does not promise an order
        answer[u"objectIds"_s] = ids;
        return json(answer);
    }
    QJsonArray out;
    if (q.hasQueryItem(u"objectIds"_s)) {
        const QStringList wanted = q.queryItemValue(u"objectIds"_s).split(u',');
        for (const QJsonObject &f : std::as_const(features))
            if (wanted.contains(QString::number(oid(f))))
                out.prepend(f);
        answer[u"features"_s] = out;
        return json(answer);
    }
    if (layer == 1)
        return json({ { u"error"_s, QJsonObject { { u"code"_s, 400 }, { u"message"_s, u"Pagination is not supported."_s } } } });
    const int offset = layer == 3 ? 0 : q.queryItemValue(u"resultOffset"_s).toInt();
    const int asked = q.queryItemValue(u"resultRecordCount"_s).toInt();
    const int count = std::min(asked, 2); // the server's real maxRecordCount
    for (int i = offset; i < features.size() && i < offset + count; ++i)
        out.append(features.at(i));
    answer[u"features"_s] = out;
    answer[u"exceededTransferLimit"_s] = offset + count < features.size();
    return json(answer);
}

void TestArcgisConnector::initTestCase()
{
    m_features = recorded(u"features.json"_s);
    const auto remember = [this](const QHttpServerRequest &request) {
        m_tokens << request.value("X-Esri-Authorization");
    };
    const auto failure = [this]() -> std::optional<QHttpServerResponse> {
        if (m_failures.isEmpty())
            return std::nullopt;
        const int status = m_failures.takeFirst();
        QHttpServerResponse response("application/json", "{}", QHttpServerResponse::StatusCode(status));
        if (status == 429)
            response.setHeader("Retry-After", "7");
        return response;
    };
    m_server.route(u"/arcgis/rest/services/Parcels/FeatureServer"_s, [=](const QHttpServerRequest &request) {
        remember(request);
        if (auto fail = failure())
            return std::move(*fail);
        return json(recorded(u"service.json"_s));
    });
    m_server.route(u"/arcgis/rest/services/Parcels/FeatureServer/<arg>"_s, [=](int layer, const QHttpServerRequest &request) {
        remember(request);
        if (auto fail = failure())
            return std::move(*fail);
        return json(layerJson(layer));
    });
    m_server.route(u"/arcgis/rest/services/Parcels/FeatureServer/<arg>/query"_s, [=](int layer, const QHttpServerRequest &request) {
        remember(request);
        if (auto fail = failure())
            return std::move(*fail);
        return query(layer, request);
    });
    m_port = m_server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(m_port != 0);
}

std::unique_ptr<ArcgisConnector> TestArcgisConnector::connector(QList<std::chrono::milliseconds> *waits)
{
    const QJsonObject settings { { u"url"_s, u"http://127.0.0.1:%1/arcgis/rest/services/Parcels/FeatureServer"_s.arg(m_port) },
                                 { u"max_retries"_s, 3 } };
    return std::make_unique<ArcgisConnector>(SystemSettings { u"arcgis"_s, settings, { { u"token"_s, u"s3cret-token"_s } } },
                                             [waits](std::chrono::milliseconds ms) {
                                                 if (waits)
                                                     waits->append(ms);
                                             });
}

QList<Row> TestArcgisConnector::readAll(ArcgisConnector &c, const QString &entity, int batchSize)
{
    QList<Row> rows;
    ReadRequest request;
    request.entity = entity;
    request.batchSize = batchSize;
    c.readAll(request, [&](const RowBatch &batch) {
        rows += batch.rows;
        return true;
    });
    return rows;
}

void TestArcgisConnector::describeReadsLayerJson()
{
    auto c = connector();
    QCOMPARE(c->entities(), (QStringList { u"Parcels"_s, u"Owners"_s }));
    const EntityDescription d = c->describe(u"Parcels"_s);
    QCOMPARE(d.keyColumns, QStringList { u"OBJECTID"_s });
    QCOMPARE(d.schema.names(), (QStringList { u"OBJECTID"_s, u"PARCEL_ID"_s, u"ACRES"_s, u"LAND_VALUE"_s, u"GlobalID"_s,
                                              u"last_edited_date"_s, u"geometry"_s }));
    QCOMPARE(d.schema.at(0).type, ValueType::Integer);
    QCOMPARE(d.schema.at(2).type, ValueType::Double);
    QCOMPARE(d.schema.at(5).type, ValueType::TimestampTz);
    QCOMPARE(d.schema.at(6).type, ValueType::Json);
    // The token travels in the header only.
    QVERIFY(!m_tokens.isEmpty());
    QCOMPARE(m_tokens.last(), QByteArray("Bearer s3cret-token"));
    QVERIFY_THROWS_EXCEPTION(tf::Error, c->describe(u"Roads"_s));
}

void TestArcgisConnector::pagesUnderMaxRecordCount()
{
    auto c = connector();
    c->describe(u"0"_s);
    m_queries.clear();
    const QList<Row> rows = readAll(*c, u"0"_s, 2);
    QCOMPARE(rows.size(), 5);
    for (int i = 0; i < rows.size(); ++i)
        QCOMPARE(rows.at(i).at(0).toLongLong(), i + 1);
    QCOMPARE(m_queries.size(), 3); // 2 + 2 + 1, the last with exceededTransferLimit false
    for (const QUrlQuery &q : std::as_const(m_queries)) {
        QCOMPARE(q.queryItemValue(u"resultRecordCount"_s), u"2"_s); // never more than maxRecordCount
        QCOMPARE(q.queryItemValue(u"orderByFields"_s), u"OBJECTID ASC"_s);
    }
    QCOMPARE(m_queries.at(2).queryItemValue(u"resultOffset"_s), u"4"_s);
    // Exact values: a 64-bit integer past 2^53, a double to the last digit, 1e-20, UTF-8.
    QCOMPARE(rows.at(0).at(1).toString(), u"R-0001 Ñandú ✓"_s);
    QCOMPARE(rows.at(0).at(2).toDouble(), 12.345678901234567);
    QCOMPARE(rows.at(0).at(3).toLongLong(), 9007199254740993LL);
    QCOMPARE(rows.at(1).at(2).toDouble(), -2.5);
    QCOMPARE(rows.at(4).at(2).toDouble(), 1e-20);
    QCOMPARE(timeValueOf(rows.at(0).at(5), ValueType::TimestampTz).toQDateTime().toMSecsSinceEpoch(), 1701561600123LL);
    QVERIFY(rows.at(2).at(1).isNull());
    QVERIFY(rows.at(2).at(5).isNull());
    QVERIFY(rows.at(2).at(6).isNull());
    QCOMPARE(c->estimateRows(ReadRequest { u"0"_s, {}, {}, 100, false }, {}, std::nullopt), 5);
}

void TestArcgisConnector::continuesWhileTransferLimitExceeded()
{
    auto c = connector();
    m_queries.clear();
    const QList<Row> rows = readAll(*c, u"2"_s);
    QCOMPARE(rows.size(), 5); // pages of 2 although 1000 were asked: not a short last page
    QCOMPARE(m_queries.size(), 3);
    QCOMPARE(m_queries.at(0).queryItemValue(u"resultRecordCount"_s), u"1000"_s);
    QCOMPARE(m_queries.at(1).queryItemValue(u"resultOffset"_s), u"2"_s);
}

void TestArcgisConnector::fallsBackToObjectIdsWithoutPagination()
{
    auto c = connector();
    m_queries.clear();
    const QList<Row> rows = readAll(*c, u"1"_s);
    QCOMPARE(rows.size(), 5);
    for (int i = 0; i < rows.size(); ++i)
        QCOMPARE(rows.at(i).at(0).toLongLong(), i + 1);
    QCOMPARE(m_queries.first().queryItemValue(u"returnIdsOnly"_s), u"true"_s);
    QCOMPARE(m_queries.size(), 4); // ids, then batches of maxRecordCount (2): 1,2 / 3,4 / 5
    QCOMPARE(m_queries.at(1).queryItemValue(u"objectIds"_s), u"1,2"_s);
    QCOMPARE(m_queries.at(3).queryItemValue(u"objectIds"_s), u"5"_s);
}

void TestArcgisConnector::failsWhenServiceIgnoresOffset()
{
    auto c = connector();
    try {
        readAll(*c, u"3"_s);
        QFAIL("a service repeating its first page must fail the read");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(u"does not page in object id order"_s), qPrintable(error.message()));
    }
}

void TestArcgisConnector::errorAtHttp200IsAnError()
{
    auto c = connector();
    try {
        readAll(*c, u"9"_s);
        QFAIL("{\"error\"} at HTTP 200 must fail the read");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Validation);
        QVERIFY2(error.message().contains(u"code 400"_s) && error.message().contains(u"Invalid query parameters"_s),
                 qPrintable(error.message()));
        QVERIFY(!error.message().contains(u"s3cret"_s));
    }
    QCOMPARE(c->retries(), 0); // a 400 is not retried
}

void TestArcgisConnector::retriesTransientFailuresHonouringRetryAfter()
{
    QList<std::chrono::milliseconds> waits;
    auto c = connector(&waits);
    m_failures = { 503, 429, 502 };
    QCOMPARE(c->describe(u"Parcels"_s).schema.size(), 7);
    QCOMPARE(c->retries(), 3);
    // Backoff 500 ms, then Retry-After: 7 s, then doubled backoff 2 s.
    QCOMPARE(waits, (QList<std::chrono::milliseconds> { std::chrono::milliseconds(500), std::chrono::milliseconds(7000),
                                                        std::chrono::milliseconds(2000) }));
}

void TestArcgisConnector::givesUpAsUnavailable()
{
    auto c = connector();
    m_failures = { 500, 500, 500, 500 };
    try {
        c->entities();
        QFAIL("four failures with max_retries 3 must fail");
    } catch (const tf::Error &error) {
        QCOMPARE(error.kind(), tf::Error::Kind::Unavailable); // counted by the engine's circuit breaker
        QVERIFY2(error.message().contains(u"after 4 attempts: HTTP 500"_s), qPrintable(error.message()));
    }
    QVERIFY(m_failures.isEmpty());
}

void TestArcgisConnector::readsByKeysAndSinceEditDate()
{
    auto c = connector();
    ReadRequest request { u"Parcels"_s, { u"OBJECTID"_s, u"PARCEL_ID"_s }, {}, 100, false };
    QList<Row> rows;
    c->readByKeys(request, { { 5LL }, { 2LL }, { 42LL } }, [&](const RowBatch &batch) {
        rows += batch.rows;
        return true;
    });
    QCOMPARE(rows, (QList<Row> { { 2LL, u"R-0002"_s }, { 5LL, u"R-0005"_s } }));

    // Past (2023-12-03 00:00:00.123Z, key 2): OBJECTID 4 and 5, in edit-date order; NULL dates never.
    const auto checkpoint = Checkpoint {
        QVariant::fromValue(TimeValue::fromQDateTime(QDateTime::fromMSecsSinceEpoch(1701561600123LL, Qt::UTC),
                                                     TimeValue::Kind::TimestampTz)),
        { 2LL } };
    rows.clear();
    c->readSince(request, u"last_edited_date"_s, checkpoint, [&](const RowBatch &batch) {
        rows += batch.rows;
        return true;
    });
    QCOMPARE(rows, (QList<Row> { { 4LL, u"R-0004"_s }, { 5LL, u"R-0005"_s } }));
    QVERIFY(m_queries.last().queryItemValue(u"where"_s).startsWith(u"last_edited_date >= timestamp '2023-12-03 00:00:00'"_s));
    // The checkpoint stays overlap_seconds behind now.
    const CursorHorizon horizon = c->cursorHorizon(u"Parcels"_s, u"last_edited_date"_s);
    QCOMPARE(horizon.kind, CursorHorizon::Kind::Below);
    const qint64 behind = QDateTime::currentMSecsSinceEpoch()
                          - timeValueOf(horizon.value, ValueType::TimestampTz).toQDateTime().toMSecsSinceEpoch();
    QVERIFY2(behind >= 300 * 1000, qPrintable(QString::number(behind)));
}

void TestArcgisConnector::geometryAsGeoJson()
{
    auto c = connector();
    const QList<Row> rows = readAll(*c, u"Parcels"_s);
    QCOMPARE(rows.size(), 5);
    // Outer rings (clockwise) start polygons; the counter-clockwise ring is the first one's hole.
    QCOMPARE(rows.at(0).at(6).toString(),
             uR"({"coordinates":[[[[0,0],[0,10],[10,10],[10,0],[0,0]],[[2,2],[4,2],[4,4],[2,4],[2,2]]],[[[20,20],[20,30],[30,30],[30,20],[20,20]]]],"type":"MultiPolygon"})"_s);
    QCOMPARE(rows.at(1).at(6).toString(),
             uR"({"coordinates":[[[-119.5,46.25],[-119.5,46.5],[-119.25,46.5],[-119.5,46.25]]],"type":"Polygon"})"_s);
    QCOMPARE(rows.at(3).at(6).toString(), uR"({"coordinates":[-119.25,46.125],"type":"Point"})"_s);
    QCOMPARE(rows.at(4).at(6).toString(), uR"({"coordinates":[[1,2,3],[4,5,6]],"type":"LineString"})"_s);
}

void TestArcgisConnector::carriesNegativeZeroExactly()
{
    auto c = connector();
    const QList<Row> rows = readAll(*c, u"4"_s);
    QCOMPARE(rows.size(), 3);
    // A double field keeps the sign of zero, whichever way the number was written.
    for (int i : { 0, 1 }) {
        QCOMPARE(rows.at(i).at(2).typeId(), QMetaType::Double);
        QCOMPARE(rows.at(i).at(2).toDouble(), 0.0);
        QVERIFY2(std::signbit(rows.at(i).at(2).toDouble()), qPrintable(QString::number(i)));
    }
    QVERIFY(!std::signbit(rows.at(2).at(2).toDouble())); // 0.0 stays positive
    QCOMPARE(rows.at(0).at(1).toString(), u"-0.0 stays text"_s); // inside a string: untouched
    QCOMPARE(rows.at(0).at(3).toLongLong(), 5);
    // -0 cannot be held by an integer column: unreadable (quarantined, named), never 0.
    const auto *unreadable = unreadableOf(rows.at(1).at(3));
    QVERIFY(unreadable);
    QCOMPARE(unreadable->text, u"-0"_s);
    QVERIFY2(unreadable->reason.contains(u"negative zero"_s), qPrintable(unreadable->reason));
    // An Esri geometry is rebuilt from doubles, which would lose the sign: refused, not changed.
    QVERIFY(!unreadableOf(rows.at(0).at(6)));
    const auto *geometry = unreadableOf(rows.at(2).at(6));
    QVERIFY2(geometry, qPrintable(rows.at(2).at(6).toString()));
    QVERIFY2(geometry->text.contains(u"-0.0"_s), qPrintable(geometry->text));
    QVERIFY2(geometry->reason.contains(u"negative zero"_s), qPrintable(geometry->reason));
}

QTEST_GUILESS_MAIN(TestArcgisConnector)
#include "tst_arcgisconnector.moc"
