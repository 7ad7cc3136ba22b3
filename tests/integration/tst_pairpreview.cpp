// POST /api/sync-pairs/preview through a real tf-gateway supervising a real tf-syncd over
// SQLite systems: an unsaved definition's first rows come back mapped (transforms applied)
// with the validation outcome of each row, the default and the largest limits hold, nothing
// is written (no target row, no pair, no operation), a definition that does not parse or
// does not fit the real schemas is a 422 naming the fields, and a viewer is refused.
#include "tst_gatewayproxy_fixture.h"

#include <QTest>

using namespace tf;
using namespace tf::test;
using namespace tf::test::proxyfixture;

class TestPairPreview final : public QObject, private test::GatewayProxyFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        makeSourceAndTarget(30, { 5, 7 });
        QProcessEnvironment env = test::ServiceProcess::cleanEnvironment();
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_TOKEN_RPS"), QStringLiteral("0"));
        env.insert(QStringLiteral("TF_RATE_LIMIT__PER_ADDRESS_RPS"), QStringLiteral("0"));
        QVERIFY(startGateway(env));
        m_source = createSqliteSystem(QStringLiteral("preview source"), QStringLiteral("source.db"));
        m_target = createSqliteSystem(QStringLiteral("preview target"), QStringLiteral("target.db"));
        QVERIFY(m_source > 0 && m_target > 0);
    }

    void mapsAndValidatesTheFirstRowsWithoutWriting()
    {
        QJsonObject body = definition();
        body.insert(QStringLiteral("limit"), 8);
        const HttpResult result = api("POST", QStringLiteral("/api/sync-pairs/preview"), body);
        QVERIFY2(result.status == 200, result.body.constData());
        const QJsonObject answer = result.json();
        QCOMPARE(answer.value(QStringLiteral("limit")).toInt(), 8);
        const QJsonArray entities = answer.value(QStringLiteral("entities")).toArray();
        QCOMPARE(entities.size(), 1);
        const QJsonObject parcel = entities.at(0).toObject();
        QCOMPARE(parcel.value(QStringLiteral("name")).toString(), QStringLiteral("parcel"));
        QCOMPARE(parcel.value(QStringLiteral("target_entity")).toString(), QStringLiteral("parcel_copy"));
        QStringList columns;
        for (const QJsonValue &column : parcel.value(QStringLiteral("columns")).toArray())
            columns << column[QStringLiteral("name")].toString();
        QCOMPARE(columns, (QStringList { QStringLiteral("source_id"), QStringLiteral("name"), QStringLiteral("value") }));
        const QJsonArray rows = parcel.value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), 8);
        for (int i = 0; i < rows.size(); ++i) {
            const QJsonObject row = rows.at(i).toObject();
            const int id = i + 1;
            QCOMPARE(row.value(QStringLiteral("source_key")).toString(), QString::number(id));
            const QJsonObject values = row.value(QStringLiteral("values")).toObject();
            QCOMPARE(values.value(QStringLiteral("source_id")).toInteger(), id);
            // The transform chain ran: trim | upper.
            QCOMPARE(values.value(QStringLiteral("name")).toString(), QStringLiteral("PARCEL %1").arg(id));
            const bool bad = id == 5 || id == 7;
            QCOMPARE(row.value(QStringLiteral("valid")).toBool(), !bad);
            const QJsonArray errors = row.value(QStringLiteral("errors")).toArray();
            QCOMPARE(errors.size(), bad ? 1 : 0);
            if (bad) {
                QCOMPARE(errors.at(0)[QStringLiteral("field")].toString(), QStringLiteral("value"));
                QCOMPARE(errors.at(0)[QStringLiteral("rule")].toString(), QStringLiteral("min_value"));
                QVERIFY(!errors.at(0)[QStringLiteral("message")].toString().isEmpty());
            }
        }
        // Nothing was written: no target row, no pair, no operation.
        QCOMPARE(count(m_dir.filePath(QStringLiteral("target.db")), QStringLiteral("parcel_copy")), 0);
        QCOMPARE(api("GET", QStringLiteral("/api/sync-pairs")).json().value(QStringLiteral("items")).toArray().size(), 0);
        QCOMPARE(api("GET", QStringLiteral("/api/sync-operations")).json().value(QStringLiteral("items")).toArray().size(), 0);
    }

    void limitsDefaultTo20AndStopAt100()
    {
        const HttpResult defaulted = api("POST", QStringLiteral("/api/sync-pairs/preview"), definition());
        QVERIFY2(defaulted.status == 200, defaulted.body.constData());
        QCOMPARE(defaulted.json().value(QStringLiteral("limit")).toInt(), 20);
        QCOMPARE(defaulted.json().value(QStringLiteral("entities"))[0][QStringLiteral("rows")].toArray().size(), 20);
        QJsonObject all = definition();
        all.insert(QStringLiteral("limit"), 100);
        const HttpResult everything = api("POST", QStringLiteral("/api/sync-pairs/preview"), all);
        QVERIFY2(everything.status == 200, everything.body.constData());
        QCOMPARE(everything.json().value(QStringLiteral("entities"))[0][QStringLiteral("rows")].toArray().size(), 30);
        for (const QJsonValue &limit : { QJsonValue(101), QJsonValue(0), QJsonValue(2.5), QJsonValue(QStringLiteral("10")) }) {
            QJsonObject body = definition();
            body.insert(QStringLiteral("limit"), limit);
            const HttpResult refused = api("POST", QStringLiteral("/api/sync-pairs/preview"), body);
            QVERIFY2(refused.status == 422, refused.body.constData());
            QCOMPARE(errorFields(refused), QStringList { QStringLiteral("limit") });
        }
    }

    void refusesWhatDoesNotParseOrFit()
    {
        QJsonObject unnamed = definition();
        unnamed.remove(QStringLiteral("name"));
        const HttpResult noName = api("POST", QStringLiteral("/api/sync-pairs/preview"), unnamed);
        QVERIFY2(noName.status == 422, noName.body.constData());
        QVERIFY(errorFields(noName).contains(QStringLiteral("name")));

        QJsonObject nowhere = definition();
        nowhere.insert(QStringLiteral("source_system_id"), 999999);
        const HttpResult unknown = api("POST", QStringLiteral("/api/sync-pairs/preview"), nowhere);
        QVERIFY2(unknown.status == 422, unknown.body.constData());
        QCOMPARE(errorFields(unknown), QStringList { QStringLiteral("source_system_id") });

        // A column the source does not have: known only once the schemas are read.
        QJsonObject misspelt = definition();
        QJsonArray entities = misspelt.value(QStringLiteral("entities")).toArray();
        QJsonObject entity = entities.at(0).toObject();
        entity.insert(QStringLiteral("mapping"),
                      QJsonObject { { QStringLiteral("fields"),
                                      QJsonArray { field("source_id", "id"), field("name", "nmae"), field("value", "value") } } });
        entities[0] = entity;
        misspelt.insert(QStringLiteral("entities"), entities);
        const HttpResult badMapping = api("POST", QStringLiteral("/api/sync-pairs/preview"), misspelt);
        QVERIFY2(badMapping.status == 422, badMapping.body.constData());
        const QStringList fields = errorFields(badMapping);
        QVERIFY2(!fields.isEmpty() && fields.first().startsWith(QLatin1String("entities[0].mapping.fields[1]")),
                 badMapping.body.constData());
        QVERIFY(badMapping.body.contains("nmae"));

        // A source table that does not exist: the entity's field, not a server error.
        QJsonObject missing = definition();
        entities = missing.value(QStringLiteral("entities")).toArray();
        entity = entities.at(0).toObject();
        entity.insert(QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), QStringLiteral("no_such_table") },
                                                              { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } });
        entities[0] = entity;
        missing.insert(QStringLiteral("entities"), entities);
        const HttpResult noTable = api("POST", QStringLiteral("/api/sync-pairs/preview"), missing);
        QVERIFY2(noTable.status == 422, noTable.body.constData());
        QCOMPARE(errorFields(noTable), QStringList { QStringLiteral("entities[0].source.entity") });
        QVERIFY(noTable.body.contains("no_such_table"));

        // Not a JSON object: 400.
        const HttpResult notAnObject = api("POST", QStringLiteral("/api/sync-pairs/preview"), QByteArray("[1, 2]"));
        QVERIFY2(notAnObject.status == 400, notAnObject.body.constData());
    }

    void aViewerIsRefused()
    {
        const QJsonObject me = meOfNewUser(QStringLiteral("vic"), QStringLiteral("viewer"));
        QVERIFY(!me.isEmpty());
        const HttpResult login = http("POST", base() + QStringLiteral("/api/auth/login"),
                                      compact({ { QStringLiteral("username"), QStringLiteral("vic") },
                                                { QStringLiteral("password"), QStringLiteral("Pw-vic-correct-horse-9") } }),
                                      { { "Content-Type", "application/json" } });
        const QByteArray token = login.json().value(QStringLiteral("token")).toString().toUtf8();
        QVERIFY(!token.isEmpty());
        const HttpResult refused = http("POST", base() + QStringLiteral("/api/sync-pairs/preview"), compact(definition()),
                                        { { "Authorization", "Bearer " + token }, { "Content-Type", "application/json" } });
        QCOMPARE(refused.status, 403);
    }

    void cleanupTestCase() { m_gateway.reset(); }

private:
    // parcel -> parcel_copy with name through trim | upper and value >= 0 (rows 5 and 7 are negative).
    QJsonObject definition() const
    {
        QJsonObject body = pairBody(QStringLiteral("preview"), m_source, m_target, QStringLiteral("parcel"));
        QJsonArray entities = body.value(QStringLiteral("entities")).toArray();
        QJsonObject entity = entities.at(0).toObject();
        QJsonObject name = field("name", "name");
        name.insert(QStringLiteral("transform"), QJsonArray { QStringLiteral("trim"), QStringLiteral("upper") });
        entity.insert(QStringLiteral("mapping"),
                      QJsonObject { { QStringLiteral("fields"), QJsonArray { field("source_id", "id"), name, field("value", "value") } } });
        entities[0] = entity;
        body.insert(QStringLiteral("entities"), entities);
        return body;
    }

    qint64 m_source = 0;
    qint64 m_target = 0;
};

QTEST_MAIN(TestPairPreview)
#include "tst_pairpreview.moc"
