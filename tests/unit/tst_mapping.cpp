#include "core/errors.h"
#include "sync/mapping/mappingplan.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace tf::sync;

Q_DECLARE_METATYPE(tf::sync::ValueType)

namespace {

QJsonObject object(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

QStringList names(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *name : list)
        result << QString::fromUtf8(name);
    return result;
}

QJsonArray array(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).array();
}

// The source side of every function test: "in" carries the value under test; the others are
// what field-reading functions (concat, coalesce) see.
Schema functionSource()
{
    return Schema({ { QStringLiteral("in"), ValueType::Text },
                    { QStringLiteral("Address"), ValueType::Text },
                    { QStringLiteral("City"), ValueType::Text },
                    { QStringLiteral("Missing"), ValueType::Text },
                    { QStringLiteral("Blob"), ValueType::Bytes } });
}

Schema propertySource()
{
    return Schema({ { QStringLiteral("PropertyID"), ValueType::Uuid },
                    { QStringLiteral("ParcelNumber"), ValueType::Text },
                    { QStringLiteral("Address"), ValueType::Text },
                    { QStringLiteral("City"), ValueType::Text },
                    { QStringLiteral("ZipCode"), ValueType::Text },
                    { QStringLiteral("Acreage"), ValueType::Decimal },
                    { QStringLiteral("YearBuilt"), ValueType::Integer },
                    { QStringLiteral("IsActive"), ValueType::Boolean } });
}

const char *const propertyMapping = R"({"fields": [
    {"target": "parcel_number", "source": "ParcelNumber", "transform": ["trim", "upper"]},
    {"target": "source_id", "source": "PropertyID", "transform": ["uuid_from"]},
    {"target": "situs", "transform": [{"fn": "concat", "args": [", ", "Address", "City"]}]},
    {"target": "acreage", "source": "Acreage", "transform": [{"fn": "round", "args": [2]}]},
    {"target": "is_active", "source": "IsActive"}
]})";

Schema camaProperty()
{
    return Schema({ { QStringLiteral("id"), ValueType::Integer },
                    { QStringLiteral("is_active"), ValueType::Boolean },
                    { QStringLiteral("source_id"), ValueType::Uuid },
                    { QStringLiteral("acreage"), ValueType::Decimal },
                    { QStringLiteral("situs"), ValueType::Text },
                    { QStringLiteral("parcel_number"), ValueType::Text } });
}

Row propertyRow(int i)
{
    return { QStringLiteral("c0ffee00-1234-4abc-8def-%1").arg(i, 12, 10, QLatin1Char('0')),
             QStringLiteral(" p-%1 ").arg(i), QStringLiteral("%1 Main St").arg(i), QStringLiteral("Yakima"),
             QStringLiteral("98901"), QStringLiteral("12.345"), qint64(1990), true };
}

const char *const fixture1 = R"({"fields": [{"target": "out", "source": "in"},
                                                                           {"target": "city", "source": "City"}]})";

const char *const fixture2 = R"({"fields": [{"target": "origin", "transform": [{"fn": "constant", "args": ["PACS"]}]},
                                  {"target": "place", "transform": [{"fn": "coalesce", "args": ["City", "Address"]}, "upper"]}]})";

const char *const fixture3 = R"({"fields": [
            {"target": "parcel_number", "source": "ParcelNumbr"},
            {"target": "nope", "source": "City"},
            {"target": "situs", "source": "City", "transform": ["uper"]},
            {"target": "acreage", "source": "Acreage", "transform": [{"fn": "round", "args": [2, 3]}]},
            {"target": "acreage", "source": "Acreage"},
            {"target": "year", "source": "YearBuilt", "transform": [{"fn": "round", "args": ["two"]}]},
            {"target": "city", "transform": [{"fn": "concat", "args": [" ", "Adress"]}]},
            {"target": "state", "transform": ["upper"]},
            {"target": "zip", "source": "ZipCode", "tranform": ["trim"]},
            {"target": "flag", "source": "IsActive", "transform": [{"fn": "map", "args": ["A"]}, 5]}
        ]})";

const char *const fixture4 = "["
    "{\"field\": \"mapping.fields[0].source\", \"message\": \"unknown source column 'ParcelNumbr'\"},"
    "{\"field\": \"mapping.fields[1].target\", \"message\": \"unknown target column 'nope'\"},"
    "{\"field\": \"mapping.fields[2].transform[0]\", \"message\": \"unknown function 'uper'\"},"
    "{\"field\": \"mapping.fields[3].transform[0]\", \"message\": \"round takes 0 to 1 argument(s), got 2\"},"
    "{\"field\": \"mapping.fields[4].target\", \"message\": \"duplicate target 'acreage'\"},"
    "{\"field\": \"mapping.fields[5].transform[0].args[0]\", \"message\": \"round: must be an integer from 0 to 15\"},"
    "{\"field\": \"mapping.fields[6].transform[0].args[1]\", \"message\": \"concat: unknown source column 'Adress'\"},"
    "{\"field\": \"mapping.fields[7].source\", \"message\": \"is required unless the first function reads fields (concat, coalesce, constant)\"},"
    "{\"field\": \"mapping.fields[8].tranform\", \"message\": \"unknown key (a field has \\\"target\\\", \\\"source\\\", \\\"transform\\\")\"},"
    "{\"field\": \"mapping.fields[9].transform[0].args[0]\", \"message\": \"map: must be an object\"},"
    "{\"field\": \"mapping.fields[9].transform[1]\", \"message\": \"must be a function name or {\\\"fn\\\": ..., \\\"args\\\": [...]}\"}"
    "]";

} // namespace

class TestMapping final : public QObject
{
    Q_OBJECT

private slots:
    void functions_data()
    {
        QTest::addColumn<QString>("transform");
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<ValueType>("targetType");
        QTest::addColumn<QVariant>("expected");
        QTest::addColumn<QString>("error");

        const QVariant null;
        const auto text = [](const char *t) { return QVariant(QString::fromUtf8(t)); };
        const auto row = [&](const char *name, const char *transform, const QVariant &input, ValueType type,
                             const QVariant &expected, const char *error = "") {
            QTest::newRow(name) << QString::fromUtf8(transform) << input << type << expected << QString::fromUtf8(error);
        };
        const char *uuidText = "c0ffee00-1234-4abc-8def-0123456789ab";
        const QVariant knownUuid = text("f0d4b2b0-13be-5bab-9e9d-b60439ea39c1"); // Python uuid.uuid5

        row("trim", R"(["trim"])", text("  a b  "), ValueType::Text, text("a b"));
        row("trim null", R"(["trim"])", null, ValueType::Text, null);
        row("trim bytes", R"(["trim"])", QByteArray("x"), ValueType::Text, null, "trim: binary data is not text");
        row("upper", R"(["upper"])", text("abc"), ValueType::Text, text("ABC"));
        row("upper bytes", R"(["upper"])", QByteArray("x"), ValueType::Text, null, "upper: binary data is not text");
        // Text that the step leaves as it is comes back equal (the step keeps the value); empty
        // text stays empty, never NULL; non-ASCII text is changed by character.
        row("trim unchanged", R"(["trim"])", text("a b"), ValueType::Text, text("a b"));
        row("trim empty", R"(["trim"])", text(""), ValueType::Text, text(""));
        row("trim to empty", R"(["trim"])", text(" \t "), ValueType::Text, text(""));
        row("trim non-ascii", R"(["trim"])", text("\u00a0 \u00e9t\u00e9 "), ValueType::Text, text("\u00e9t\u00e9"));
        row("upper unchanged", R"(["trim", "upper"])", text("0A1B2C3D"), ValueType::Text, text("0A1B2C3D"));
        row("upper non-ascii", R"(["upper"])", text("stra\u00dfe \u00e9"), ValueType::Text, text("STRASSE \u00c9"));
        row("upper empty", R"(["upper"])", text(""), ValueType::Text, text(""));
        row("lower", R"(["lower"])", text("AbC"), ValueType::Text, text("abc"));
        row("lower bytes", R"(["lower"])", QByteArray("x"), ValueType::Text, null, "lower: binary data is not text");
        row("capitalize", R"(["capitalize"])", text("JOHN o'brien-SMITH"), ValueType::Text, text("John O'Brien-Smith"));
        row("capitalize bytes", R"(["capitalize"])", QByteArray("x"), ValueType::Text, null, "capitalize: binary data is not text");

        row("to_int", R"(["to_int"])", text(" 12 "), ValueType::Integer, qint64(12));
        row("to_int whole decimal", R"(["to_int"])", text("12.0"), ValueType::Integer, qint64(12));
        row("to_int fraction", R"(["to_int"])", text("12.5"), ValueType::Integer, null, "to_int: '12.5' is not an integer");
        row("to_float", R"(["to_float"])", text("1.5"), ValueType::Double, 1.5);
        row("to_float bad", R"(["to_float"])", text("abc"), ValueType::Double, null, "to_float: 'abc' is not a number");
        row("to_decimal", R"(["to_decimal"])", text("0012.50"), ValueType::Decimal, text("12.5"));
        row("to_decimal bad", R"(["to_decimal"])", text("1,5"), ValueType::Decimal, null, "to_decimal: '1,5' is not a decimal number");
        row("to_bool", R"(["to_bool"])", text("yes"), ValueType::Boolean, true);
        row("to_bool bad", R"(["to_bool"])", text("maybe"), ValueType::Boolean, null, "to_bool: 'maybe' is not a boolean");
        row("invert_bool text", R"(["invert_bool"])", text("true"), ValueType::Boolean, false);
        row("invert_bool bool", R"(["invert_bool"])", false, ValueType::Boolean, true);
        row("invert_bool null", R"(["invert_bool"])", null, ValueType::Boolean, null);
        row("invert_bool bad", R"(["invert_bool"])", text("maybe"), ValueType::Boolean, null, "invert_bool: 'maybe' is not a boolean");

        row("round decimal half up", R"([{"fn": "round", "args": [2]}])", text("2.675"), ValueType::Decimal, text("2.68"));
        row("round decimal negative", R"([{"fn": "round", "args": [2]}])", text("-2.675"), ValueType::Decimal, text("-2.68"));
        row("round decimal carry", R"([{"fn": "round", "args": [2]}])", text("9.995"), ValueType::Decimal, text("10"));
        row("round decimal down", R"([{"fn": "round", "args": [2]}])", text("1.2349"), ValueType::Decimal, text("1.23"));
        row("round decimal huge", R"([{"fn": "round", "args": [1]}])", text("123456789012345678.45"), ValueType::Decimal,
            text("123456789012345678.5"));
        row("round zero places", R"(["round"])", text("2.5"), ValueType::Decimal, text("3"));
        // Nothing to round (the fast path that skips splitting the digits): the same text back.
        row("round nothing to round", R"([{"fn": "round", "args": [2]}])", text("-12.5"), ValueType::Decimal, text("-12.5"));
        row("round exact places", R"([{"fn": "round", "args": [2]}])", text("0.05"), ValueType::Decimal, text("0.05"));
        row("round whole", R"([{"fn": "round", "args": [2]}])", text("-9007199254740993"), ValueType::Decimal,
            text("-9007199254740993"));
        row("round one place past", R"([{"fn": "round", "args": [2]}])", text("-0.005"), ValueType::Decimal, text("-0.01"));
        row("round to zero", R"([{"fn": "round", "args": [2]}])", text("-0.004"), ValueType::Decimal, text("0"));
        row("round zero places negative", R"(["round"])", text("-2.5"), ValueType::Decimal, text("-3"));
        row("round double", R"([{"fn": "round", "args": [2]}])", 2.675, ValueType::Double, 2.68);
        row("round double 1.005", R"([{"fn": "round", "args": [2]}])", 1.005, ValueType::Double, 1.01);
        row("round integer", R"([{"fn": "round", "args": [2]}])", qint64(7), ValueType::Integer, qint64(7));
        row("round text", R"([{"fn": "round", "args": [2]}])", text("abc"), ValueType::Decimal, null, "round: 'abc' is not a number");
        row("round bool", R"([{"fn": "round", "args": [2]}])", true, ValueType::Decimal, null, "round: 'true' is not a number");

        row("format_date date", R"([{"fn": "format_date", "args": ["MM/dd/yyyy"]}])", QDate(2024, 3, 9), ValueType::Text,
            text("03/09/2024"));
        row("format_date timestamp", R"([{"fn": "format_date", "args": ["yyyy-MM-dd HH:mm"]}])",
            QDateTime(QDate(2024, 3, 9), QTime(14, 5), Qt::UTC), ValueType::Text, text("2024-03-09 14:05"));
        row("format_date exact timestamp", R"([{"fn": "format_date", "args": ["yyyy-MM-dd HH:mm:ss.zzz"]}])",
            TimeValue::parse(QStringLiteral("2024-03-09T14:05:06.789999"), TimeValue::Kind::Timestamp).toVariant(),
            ValueType::Text, text("2024-03-09 14:05:06.789"));
        row("format_date infinity", R"([{"fn": "format_date", "args": ["MM/dd/yyyy"]}])",
            TimeValue::infinity(TimeValue::Kind::Date, true).toVariant(), ValueType::Text, null,
            "format_date: 'infinity' cannot be formatted with a date format");
        row("format_date iso text", R"([{"fn": "format_date", "args": ["MM/dd/yyyy"]}])", text("2024-03-09"),
            ValueType::Text, text("03/09/2024"));
        row("format_date bad", R"([{"fn": "format_date", "args": ["MM/dd/yyyy"]}])", text("soon"), ValueType::Text, null,
            "format_date: 'soon' is not a date or timestamp");
        row("parse_date", R"([{"fn": "parse_date", "args": ["MM/dd/yyyy"]}])", text("03/09/2024"), ValueType::Date,
            TimeValue::fromCivil(TimeValue::Kind::Date, 2024, 3, 9).toVariant());
        row("parse_date timestamp", R"([{"fn": "parse_date", "args": ["yyyy-MM-dd HH:mm"]}])", text("2024-03-09 14:05"),
            ValueType::Timestamp, TimeValue::fromCivil(TimeValue::Kind::Timestamp, 2024, 3, 9, 14, 5).toVariant());
        row("parse_date bad", R"([{"fn": "parse_date", "args": ["MM/dd/yyyy"]}])", text("13/45/2024"), ValueType::Date,
            null, "parse_date: '13/45/2024' does not match the date format 'MM/dd/yyyy'");

        row("concat", R"([{"fn": "concat", "args": [", ", "Address", "City"]}])", null, ValueType::Text,
            text("12 Main St, Yakima"));
        row("concat skips null", R"([{"fn": "concat", "args": [", ", "Address", "Missing", "City"]}])", null,
            ValueType::Text, text("12 Main St, Yakima"));
        row("concat all null", R"([{"fn": "concat", "args": ["-", "Missing"]}])", text("ignored"), ValueType::Text, null);
        row("concat bytes", R"([{"fn": "concat", "args": ["-", "City", "Blob"]}])", null, ValueType::Text, null,
            "concat: binary data is not text");
        row("split", R"([{"fn": "split", "args": [",", 1]}, "trim"])", text("Smith, John"), ValueType::Text, text("John"));
        row("split from end", R"([{"fn": "split", "args": ["-", -1]}])", text("a-b-c"), ValueType::Text, text("c"));
        row("split missing part", R"([{"fn": "split", "args": [",", 1]}])", text("Smith"), ValueType::Text, null,
            "split: 'Smith' has no part 1 when split on ','");

        row("default null", R"([{"fn": "default", "args": ["n/a"]}])", null, ValueType::Text, text("n/a"));
        row("default empty", R"([{"fn": "default", "args": ["n/a"]}])", text(""), ValueType::Text, text("n/a"));
        row("default keeps", R"([{"fn": "default", "args": ["n/a"]}])", text("x"), ValueType::Text, text("x"));
        row("default wrong type", R"([{"fn": "default", "args": ["none"]}])", null, ValueType::Integer, null,
            "cannot be stored as integer: 'none' is not an integer");
        row("coalesce", R"([{"fn": "coalesce", "args": ["Missing", "City"]}])", null, ValueType::Text, text("Yakima"));
        row("coalesce keeps value", R"([{"fn": "coalesce", "args": ["Missing", "City"]}])", text("x"), ValueType::Text, text("x"));
        row("coalesce all null", R"([{"fn": "coalesce", "args": ["Missing"]}])", null, ValueType::Text, null);
        row("map", R"([{"fn": "map", "args": [{"A": "Active", "I": "Inactive"}]}])", text("A"), ValueType::Text, text("Active"));
        row("map unmapped", R"([{"fn": "map", "args": [{"A": "Active"}]}])", text("X"), ValueType::Text, null,
            "map: 'X' is not in the lookup table");
        row("map default", R"([{"fn": "map", "args": [{"A": "Active"}, "Unknown"]}])", text("X"), ValueType::Text, text("Unknown"));
        row("map number to bool", R"([{"fn": "map", "args": [{"1": true, "0": false}]}])", qint64(1), ValueType::Boolean, true);
        row("constant exact decimal", R"([{"fn": "constant", "args": [0.1]}])", text("x"), ValueType::Decimal, text("0.1"));
        row("constant integer", R"([{"fn": "constant", "args": [5]}])", null, ValueType::Integer, qint64(5));
        row("constant wrong type", R"([{"fn": "constant", "args": ["PACS"]}])", null, ValueType::Integer, null,
            "cannot be stored as integer: 'PACS' is not an integer");

        row("uuid_from known value", R"(["uuid_from"])", text(uuidText), ValueType::Uuid, knownUuid);
        row("uuid_from upper-case guid", R"(["uuid_from"])", text("C0FFEE00-1234-4ABC-8DEF-0123456789AB"), ValueType::Uuid, knownUuid);
        row("uuid_from braced guid", R"(["uuid_from"])", text("{c0ffee00-1234-4abc-8def-0123456789ab}"), ValueType::Uuid, knownUuid);
        row("uuid_from integer", R"(["uuid_from"])", qint64(42), ValueType::Uuid, text("24182957-3ace-53d7-9992-c24e60b663d5"));
        row("uuid_from named namespace", R"([{"fn": "uuid_from", "args": ["owner"]}])", qint64(42), ValueType::Uuid,
            text("9b313b4a-6f74-5fd1-90c0-7679e44913e2"));
        row("uuid_from null", R"(["uuid_from"])", null, ValueType::Uuid, null);
        row("uuid_from into integer", R"(["uuid_from"])", text(uuidText), ValueType::Integer, null,
            "cannot be stored as integer: 'f0d4b2b0-13be-5bab-9e9d-b60439ea39c1' is not an integer");

        // Geometry (GeoJSON text from the arcgis and ogcapi sources).
        const char *square = R"({"type":"Polygon","coordinates":[[[0,0],[0,4],[4,4],[4,0],[0,0]],[[0,0],[2,0],[2,2],[0,2],[0,0]]]})";
        row("geometry_wkt polygon", R"(["geometry_wkt"])", text(square), ValueType::Text,
            text("POLYGON ((0 0, 0 4, 4 4, 4 0, 0 0), (0 0, 2 0, 2 2, 0 2, 0 0))"));
        row("geometry_wkt exact point", R"(["geometry_wkt"])", text(R"({"type":"Point","coordinates":[-119.50123456789012,46.1]})"),
            ValueType::Text, text("POINT (-119.50123456789012 46.1)"));
        row("geometry_wkt multipolygon", R"(["geometry_wkt"])",
            text(R"({"type":"MultiPolygon","coordinates":[[[[0,0],[0,1],[1,1],[0,0]]],[[[5,5],[5,6],[6,6],[5,5]]]]})"), ValueType::Text,
            text("MULTIPOLYGON (((0 0, 0 1, 1 1, 0 0)), ((5 5, 5 6, 6 6, 5 5)))"));
        row("geometry_wkt null", R"(["geometry_wkt"])", null, ValueType::Text, null);
        row("geometry_wkt not geojson", R"(["geometry_wkt"])", text("R-0001"), ValueType::Text, null,
            "geometry_wkt: 'R-0001' is not a GeoJSON geometry with coordinates");
        // A 4x4 square without its lower-left 2x2 quarter: centroid (7/3, 7/3).
        row("centroid_x with hole", R"(["centroid_x"])", text(square), ValueType::Double, 28.0 / 12.0);
        row("centroid_y with hole", R"(["centroid_y"])", text(square), ValueType::Double, 28.0 / 12.0);
        // A parcel of the GIS demo (at 119 W 46 N): the sums of raw x*y products (about 5,500
        // each, for an area of 1.4e-7) cancelled and put its centroid 5 m west (-119.04604115).
        const char *parcel = R"({"type":"Polygon","coordinates":[[[-119.0463374,46.1525416],[-119.0458824,46.1525416],)"
                             R"([-119.0458824,46.1528574],[-119.0463374,46.1528574],[-119.0463374,46.1525416]]]})";
        row("centroid_x far parcel", R"(["centroid_x"])", text(parcel), ValueType::Double, -119.0461099);
        row("centroid_y far parcel", R"(["centroid_y"])", text(parcel), ValueType::Double, 46.1526995);
        row("centroid_x line", R"(["centroid_x"])", text(R"({"type":"LineString","coordinates":[[0,0],[2,0],[2,6]]})"),
            ValueType::Double, 1.75);
        row("centroid_y point", R"(["centroid_y"])", text(R"({"type":"Point","coordinates":[3.5,-7.25]})"), ValueType::Double, -7.25);
        row("centroid empty polygon", R"(["centroid_x"])", text(R"({"type":"Polygon","coordinates":[[[1,1],[1,1],[1,1]]]})"),
            ValueType::Double, null, "centroid_x: a Polygon without extent has no centroid");
    }

    void functions()
    {
        QFETCH(QString, transform);
        QFETCH(QVariant, input);
        QFETCH(ValueType, targetType);
        QFETCH(QVariant, expected);
        QFETCH(QString, error);

        QJsonObject field { { QStringLiteral("target"), QStringLiteral("out") }, { QStringLiteral("source"), QStringLiteral("in") } };
        field.insert(QStringLiteral("transform"), QJsonDocument::fromJson(transform.toUtf8()).array());
        const QJsonObject mapping { { QStringLiteral("fields"), QJsonArray { field } } };
        const MappingPlan plan = MappingPlan::compile(mapping, functionSource(), Schema({ { QStringLiteral("out"), targetType } }));

        const Row source { input, QStringLiteral("12 Main St"), QStringLiteral("Yakima"), QVariant(), QByteArray("\x01") };
        const MappingPlan::Result result = plan.apply(source);
        QCOMPARE(result.row.size(), 1);
        if (error.isEmpty()) {
            QCOMPARE(result.errors.size(), 0);
        } else {
            QCOMPARE(result.errors.size(), 1);
            QCOMPARE(result.errors.at(0).message, error);
            QCOMPARE(result.errors.at(0).rule, QStringLiteral("mapping"));
            QCOMPARE(result.errors.at(0).field, QStringLiteral("out"));
        }
        const QVariant &value = result.row.at(0);
        QCOMPARE(value.isValid(), expected.isValid());
        QCOMPARE(value.typeId(), expected.typeId());
        QCOMPARE(value, expected);
    }

    void coercionFailuresAreErrors_data()
    {
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<ValueType>("targetType");
        QTest::addColumn<QString>("message");
        QTest::newRow("word into integer") << QVariant(QStringLiteral("abc")) << ValueType::Integer
                                           << "cannot be stored as integer: 'abc' is not an integer";
        QTest::newRow("fraction into integer") << QVariant(QStringLiteral("12.5")) << ValueType::Integer
                                               << "cannot be stored as integer: '12.5' is not an integer";
        QTest::newRow("empty into decimal") << QVariant(QStringLiteral("")) << ValueType::Decimal
                                            << "cannot be stored as decimal: '' is not a decimal number";
        QTest::newRow("word into date") << QVariant(QStringLiteral("yesterday")) << ValueType::Date
                                        << "cannot be stored as date: 'yesterday' is not a date (YYYY-MM-DD)";
        QTest::newRow("word into uuid") << QVariant(QStringLiteral("P-1")) << ValueType::Uuid
                                        << "cannot be stored as uuid: 'P-1' is not a UUID";
    }

    void coercionFailuresAreErrors()
    {
        QFETCH(QVariant, input);
        QFETCH(ValueType, targetType);
        QFETCH(QString, message);
        const MappingPlan plan = MappingPlan::compile(object(fixture1),
                                                      functionSource(),
                                                      Schema({ { QStringLiteral("city"), ValueType::Text },
                                                               { QStringLiteral("out"), targetType } }));
        const MappingPlan::Result result = plan.apply({ input, QVariant(), QStringLiteral("Yakima"), QVariant(), QVariant() });
        QCOMPARE(result.errors, (QList<FieldError> { { QStringLiteral("out"), QStringLiteral("mapping"), message } }));
        QVERIFY(!result.row.at(0).isValid()); // not 0, not "": NULL with an error beside it
        QCOMPARE(result.row.at(1), QVariant(QStringLiteral("Yakima")));
    }

    void fullMapping()
    {
        const MappingPlan plan = MappingPlan::compile(object(propertyMapping), propertySource(), camaProperty());
        QCOMPARE(plan.targetSchema()->names(),
                 names({ "parcel_number", "source_id", "situs", "acreage", "is_active" }));
        QCOMPARE(plan.targetSchema()->at(1).type, ValueType::Uuid);
        QCOMPARE(plan.targetSchema()->at(3).type, ValueType::Decimal);
        QCOMPARE(plan.sourceColumnsUsed(),
                 names({ "ParcelNumber", "PropertyID", "Address", "City", "Acreage", "IsActive" }));

        const MappingPlan::Result result = plan.apply(propertyRow(7));
        QVERIFY(result.errors.isEmpty());
        QCOMPARE(result.row.at(0), QVariant(QStringLiteral("P-7")));
        QCOMPARE(result.row.at(2), QVariant(QStringLiteral("7 Main St, Yakima")));
        QCOMPARE(result.row.at(3), QVariant(QStringLiteral("12.35")));
        QCOMPARE(result.row.at(4), QVariant(true));
        // Same input, same UUID: a re-run (or another machine) addresses the same target row.
        QCOMPARE(plan.apply(propertyRow(7)).row.at(1), result.row.at(1));
        QVERIFY(plan.apply(propertyRow(8)).row.at(1) != result.row.at(1));
    }

    void copiesEveryColumnInPlaceWithoutCopyingValues()
    {
        // Every column to the same column of the same type: the mapped row is the source row
        // itself (shared, no per-value copy). Reordered, retyped, transformed or a subset: the
        // values are copied or converted as before, with the same result.
        const Schema source({ { QStringLiteral("id"), ValueType::Integer },
                              { QStringLiteral("name"), ValueType::Text },
                              { QStringLiteral("note"), ValueType::Text } });
        const Row row { qint64(7), QStringLiteral("Parcel 7"), QVariant() };
        const MappingPlan same = MappingPlan::compile(
            object(R"({"fields": [{"target": "id", "source": "id"}, {"target": "name", "source": "name"},
                                  {"target": "note", "source": "note"}]})"),
            source, source);
        const MappingPlan::Result copied = same.apply(row);
        QVERIFY(copied.errors.isEmpty());
        QCOMPARE(copied.row, row);
        QVERIFY(copied.row.isSharedWith(row));

        const Schema swapped({ { QStringLiteral("name"), ValueType::Text },
                               { QStringLiteral("id"), ValueType::Integer },
                               { QStringLiteral("note"), ValueType::Text } });
        const MappingPlan reordered = MappingPlan::compile(
            object(R"({"fields": [{"target": "name", "source": "name"}, {"target": "id", "source": "id"},
                                  {"target": "note", "source": "note"}]})"),
            source, swapped);
        QCOMPARE(reordered.apply(row).row, Row({ QStringLiteral("Parcel 7"), qint64(7), QVariant() }));
        QVERIFY(!reordered.apply(row).row.isSharedWith(row));

        const Schema asText({ { QStringLiteral("id"), ValueType::Text },
                              { QStringLiteral("name"), ValueType::Text },
                              { QStringLiteral("note"), ValueType::Text } });
        const MappingPlan retyped = MappingPlan::compile(
            object(R"({"fields": [{"target": "id", "source": "id"}, {"target": "name", "source": "name"},
                                  {"target": "note", "source": "note"}]})"),
            source, asText);
        QCOMPARE(retyped.apply(row).row, Row({ QStringLiteral("7"), QStringLiteral("Parcel 7"), QVariant() }));

        const MappingPlan transformed = MappingPlan::compile(
            object(R"({"fields": [{"target": "id", "source": "id"}, {"target": "name", "source": "name", "transform": ["upper"]},
                                  {"target": "note", "source": "note"}]})"),
            source, source);
        QCOMPARE(transformed.apply(row).row, Row({ qint64(7), QStringLiteral("PARCEL 7"), QVariant() }));

        const MappingPlan subset = MappingPlan::compile(
            object(R"({"fields": [{"target": "id", "source": "id"}, {"target": "name", "source": "name"}]})"), source, source);
        QCOMPARE(subset.apply(row).row, Row({ qint64(7), QStringLiteral("Parcel 7") }));
    }

    void sourceMayBeOmittedForFieldFunctions()
    {
        const MappingPlan plan = MappingPlan::compile(
            object(fixture2),
            propertySource(), Schema({ { QStringLiteral("origin"), ValueType::Text }, { QStringLiteral("place"), ValueType::Text } }));
        QCOMPARE(plan.sourceColumnsUsed(), names({ "City", "Address" }));
        QCOMPARE(plan.apply(propertyRow(1)).row, Row({ QStringLiteral("PACS"), QStringLiteral("YAKIMA") }));
    }

    void compileListsEveryProblem()
    {
        const QJsonObject mapping = object(fixture3);
        const Schema target({ { QStringLiteral("parcel_number"), ValueType::Text }, { QStringLiteral("situs"), ValueType::Text },
                              { QStringLiteral("acreage"), ValueType::Decimal }, { QStringLiteral("year"), ValueType::Integer },
                              { QStringLiteral("city"), ValueType::Text }, { QStringLiteral("state"), ValueType::Text },
                              { QStringLiteral("zip"), ValueType::Text }, { QStringLiteral("flag"), ValueType::Text } });
        try {
            MappingPlan::compile(mapping, propertySource(), target);
            QFAIL("compile accepted an invalid mapping");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Validation);
            QCOMPARE(error.message(), QStringLiteral("mapping is invalid"));
            const QJsonArray expected = array(fixture4);
            const QJsonArray actual = error.details().value(QStringLiteral("errors")).toArray();
            for (qsizetype i = 0; i < std::min(actual.size(), expected.size()); ++i)
                QCOMPARE(actual.at(i).toObject(), expected.at(i).toObject());
            QCOMPARE(actual.size(), expected.size());
        }
    }

    void compileRejectsEmptyMapping_data()
    {
        QTest::addColumn<QString>("mapping");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("no fields") << "{}" << "mapping.fields" << "must be a non-empty array of fields";
        QTest::newRow("empty fields") << R"({"fields": []})" << "mapping.fields" << "must be a non-empty array of fields";
        QTest::newRow("field not object") << R"({"fields": ["a"]})" << "mapping.fields[0]" << "must be an object with \"target\"";
        QTest::newRow("no target") << R"({"fields": [{"source": "City"}]})" << "mapping.fields[0].target" << "must name a target column";
        QTest::newRow("transform not array") << R"({"fields": [{"target": "city", "source": "City", "transform": "trim"}]})"
                                             << "mapping.fields[0].transform" << "must be an array of functions";
        QTest::newRow("no source, no transform") << R"({"fields": [{"target": "city"}]})" << "mapping.fields[0].source"
                                                 << "is required unless the first function reads fields (concat, coalesce, constant)";
        QTest::newRow("split index type") << R"({"fields": [{"target": "city", "source": "City", "transform": [{"fn": "split", "args": [",", "x"]}]}]})"
                                          << "mapping.fields[0].transform[0].args[1]" << "split: must be an integer from -1000 to 1000";
        QTest::newRow("format_date empty") << R"({"fields": [{"target": "city", "source": "City", "transform": [{"fn": "format_date", "args": [""]}]}]})"
                                           << "mapping.fields[0].transform[0].args[0]" << "format_date: must not be empty";
        QTest::newRow("constant without value") << R"({"fields": [{"target": "city", "transform": ["constant"]}]})"
                                                << "mapping.fields[0].transform[0]" << "constant takes 1 argument(s), got 0";
        QTest::newRow("concat too few") << R"({"fields": [{"target": "city", "transform": [{"fn": "concat", "args": [","]}]}]})"
                                        << "mapping.fields[0].transform[0]" << "concat takes at least 2 argument(s), got 1";
        QTest::newRow("step without fn") << R"({"fields": [{"target": "city", "source": "City", "transform": [{"args": [1]}]}]})"
                                         << "mapping.fields[0].transform[0].fn" << "must name a function";
    }

    void compileRejectsEmptyMapping()
    {
        QFETCH(QString, mapping);
        QFETCH(QString, field);
        QFETCH(QString, message);
        try {
            MappingPlan::compile(QJsonDocument::fromJson(mapping.toUtf8()).object(), propertySource(),
                                 Schema({ { QStringLiteral("city"), ValueType::Text } }));
            QFAIL("compile accepted an invalid mapping");
        } catch (const tf::Error &error) {
            const QJsonArray errors = error.details().value(QStringLiteral("errors")).toArray();
            QCOMPARE(errors.size(), 1);
            QCOMPARE(errors.at(0).toObject().value(QStringLiteral("field")).toString(), field);
            QCOMPARE(errors.at(0).toObject().value(QStringLiteral("message")).toString(), message);
        }
    }

    void applySpeed()
    {
        const MappingPlan plan = MappingPlan::compile(object(propertyMapping), propertySource(), camaProperty());
        QList<Row> rows;
        const int count = 200000;
        rows.reserve(count);
        for (int i = 0; i < count; ++i)
            rows << propertyRow(i);
        QElapsedTimer timer;
        timer.start();
        qsizetype errors = 0;
        for (const Row &row : std::as_const(rows))
            errors += plan.apply(row).errors.size();
        const qint64 ms = std::max<qint64>(1, timer.elapsed());
        QCOMPARE(errors, 0);
        qInfo("MappingPlan::apply: %d rows x 5 fields in %lld ms = %.0f rows/s", count, ms, count * 1000.0 / double(ms));
    }
};

QTEST_GUILESS_MAIN(TestMapping)
#include "tst_mapping.moc"
