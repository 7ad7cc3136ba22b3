#include "core/errors.h"
#include "sync/validation/validationplan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace tf::sync;

namespace {

// The mapped rows every test validates (cama_property after mapping, plus an owner link).
Schema targetSchema()
{
    return Schema({ { QStringLiteral("parcel_number"), ValueType::Text },
                    { QStringLiteral("acreage"), ValueType::Decimal },
                    { QStringLiteral("owner_email"), ValueType::Text },
                    { QStringLiteral("zip_code"), ValueType::Text },
                    { QStringLiteral("state"), ValueType::Text },
                    { QStringLiteral("source_id"), ValueType::Uuid },
                    { QStringLiteral("property_source_id"), ValueType::Uuid },
                    { QStringLiteral("name"), ValueType::Text },
                    { QStringLiteral("year_built"), ValueType::Integer },
                    { QStringLiteral("score"), ValueType::Double },
                    { QStringLiteral("sale_date"), ValueType::Date },
                    { QStringLiteral("raw"), ValueType::Text } });
}

QJsonArray parseArray(const QString &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.array();
}

Row rowWith(const QString &field, const QVariant &value)
{
    Row row(targetSchema().size());
    row[targetSchema().indexOf(field)] = value;
    return row;
}

QString uuid(int i)
{
    return QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
}

const char *const fixture1 = R"([
            {"field": "parcel_number", "rule": "required"},
            {"field": "acreage", "rule": "min_value", "value": 0},
            {"field": "state", "rule": "enum", "values": ["WA"]}])";

const char *const fixture2 = R"([
            {"field": "parcel_number", "rule": "required"},
            {"field": "parcel_numbr", "rule": "required"},
            {"field": "acreage", "rule": "at_least", "value": 0},
            {"field": "acreage", "rule": "min_value"},
            {"field": "zip_code", "rule": "pattern", "value": "^(\\d{5}$"},
            {"field": "state", "rule": "enum", "values": []},
            {"field": "owner_email", "rule": "type", "value": "mail"},
            {"field": "name", "rule": "max_length", "value": -1},
            {"field": "property_source_id", "rule": "reference", "entity": "cama_property"},
            {"field": "year_built", "rule": "enum", "values": [2020, "soon"]},
            {"field": "acreage", "rule": "min_value", "value": "zero"},
            {"field": "name", "rule": "required", "valu": 1},
            {"rule": "required"},
            "required",
            {"field": "source_id", "rule": "min_value", "value": 1}
        ])";

} // namespace

class TestValidation final : public QObject
{
    Q_OBJECT

private slots:
    void rules_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("message"); // empty: the value passes

        const auto row = [](const char *name, const char *rule, const char *field, const QVariant &value,
                            const char *message = "") {
            QTest::newRow(name) << QString::fromUtf8(rule) << QString::fromUtf8(field) << value << QString::fromUtf8(message);
        };
        const auto text = [](const char *t) { return QVariant(QString::fromUtf8(t)); };
        const QVariant null;

        const char *required = R"({"field": "parcel_number", "rule": "required"})";
        row("required ok", required, "parcel_number", text("P-1"));
        row("required null", required, "parcel_number", null, "parcel_number is required");
        row("required blank", required, "parcel_number", text("   "), "parcel_number is required");

        row("type string ok", R"({"field": "raw", "rule": "type", "value": "string"})", "raw", text("x"));
        row("type integer ok", R"({"field": "raw", "rule": "type", "value": "integer"})", "raw", text("42"));
        row("type integer bad", R"({"field": "raw", "rule": "type", "value": "integer"})", "raw", text("4.2"),
            "raw must be an integer, got '4.2'");
        row("type integer column", R"({"field": "year_built", "rule": "type", "value": "integer"})", "year_built", qint64(1990));
        row("type float ok", R"({"field": "raw", "rule": "type", "value": "float"})", "raw", text("1e-3"));
        row("type float bad", R"({"field": "raw", "rule": "type", "value": "float"})", "raw", text("one"),
            "raw must be a number, got 'one'");
        row("type decimal ok", R"({"field": "raw", "rule": "type", "value": "decimal"})", "raw", text("12.50"));
        row("type decimal bad", R"({"field": "raw", "rule": "type", "value": "decimal"})", "raw", text("12,5"),
            "raw must be a decimal number, got '12,5'");
        row("type boolean ok", R"({"field": "raw", "rule": "type", "value": "boolean"})", "raw", text("yes"));
        row("type boolean bad", R"({"field": "raw", "rule": "type", "value": "boolean"})", "raw", text("maybe"),
            "raw must be a boolean, got 'maybe'");
        row("type date ok", R"({"field": "raw", "rule": "type", "value": "date"})", "raw", text("2024-02-29"));
        row("type date bad", R"({"field": "raw", "rule": "type", "value": "date"})", "raw", text("2023-02-29"),
            "raw must be a date, got '2023-02-29'");
        row("type email ok", R"({"field": "owner_email", "rule": "type", "value": "email"})", "owner_email", text("ann@county.gov"));
        row("type email bad", R"({"field": "owner_email", "rule": "type", "value": "email"})", "owner_email", text("ann at county"),
            "owner_email must be an email address, got 'ann at county'");
        row("type null passes", R"({"field": "owner_email", "rule": "type", "value": "email"})", "owner_email", null);

        row("min_length ok", R"({"field": "name", "rule": "min_length", "value": 2})", "name", text("Al"));
        row("min_length bad", R"({"field": "name", "rule": "min_length", "value": 2})", "name", text("A"),
            "name must be at least 2 characters long, got 1");
        row("max_length ok", R"({"field": "name", "rule": "max_length", "value": 5})", "name", text("Ödön"));
        row("max_length bad", R"({"field": "name", "rule": "max_length", "value": 5})", "name", text("Annabel"),
            "name must be at most 5 characters long, got 7");

        row("min_value ok", R"({"field": "acreage", "rule": "min_value", "value": 0})", "acreage", text("0"));
        row("min_value bad", R"({"field": "acreage", "rule": "min_value", "value": 0})", "acreage", text("-3.5"),
            "acreage must be at least 0, got -3.5");
        // Exact: a double would call these equal.
        row("min_value exact decimal", R"({"field": "acreage", "rule": "min_value", "value": "0.10000000000000000001"})",
            "acreage", text("0.1"), "acreage must be at least 0.10000000000000000001, got 0.1");
        row("max_value ok", R"({"field": "acreage", "rule": "max_value", "value": 100.5})", "acreage", text("100.5"));
        row("max_value bad", R"({"field": "acreage", "rule": "max_value", "value": 100.5})", "acreage", text("100.50000000000000001"),
            "acreage must be at most 100.5, got 100.50000000000000001");
        row("max_value big decimal", R"({"field": "acreage", "rule": "max_value", "value": "123456789012.34"})", "acreage",
            text("123456789012.35"), "acreage must be at most 123456789012.34, got 123456789012.35");
        row("min_value integer", R"({"field": "year_built", "rule": "min_value", "value": 1800})", "year_built", qint64(1799),
            "year_built must be at least 1800, got 1799");
        row("max_value double", R"({"field": "score", "rule": "max_value", "value": 1})", "score", 1.25,
            "score must be at most 1, got 1.25");
        row("min_value text not number", R"({"field": "raw", "rule": "min_value", "value": 1})", "raw", text("lots"),
            "raw must be a number, got 'lots'");
        row("min_value date ok", R"({"field": "sale_date", "rule": "min_value", "value": "1900-01-01"})", "sale_date", QDate(1900, 1, 1));
        row("max_value date bad", R"({"field": "sale_date", "rule": "max_value", "value": "2030-12-31"})", "sale_date",
            QDate(2031, 1, 1), "sale_date must be at most 2030-12-31, got 2031-01-01");

        const char *zip = R"({"field": "zip_code", "rule": "pattern", "value": "^\\d{5}(-\\d{4})?$"})";
        row("pattern ok", zip, "zip_code", text("98901-1234"));
        row("pattern bad", zip, "zip_code", text("9890"), "zip_code must match ^\\d{5}(-\\d{4})?$, got '9890'");

        const char *states = R"({"field": "state", "rule": "enum", "values": ["WA", "OR"]})";
        row("enum ok", states, "state", text("OR"));
        row("enum bad", states, "state", text("CA"), "state must be one of WA, OR, got 'CA'");
        row("enum case-sensitive", states, "state", text("wa"), "state must be one of WA, OR, got 'wa'");
        row("enum typed", R"({"field": "year_built", "rule": "enum", "values": [2020, "2021"]})", "year_built", qint64(2021));

        row("custom message", R"({"field": "acreage", "rule": "min_value", "value": 0, "message": "negative acreage"})",
            "acreage", text("-1"), "negative acreage");
    }

    void rules()
    {
        QFETCH(QString, rule);
        QFETCH(QString, field);
        QFETCH(QVariant, value);
        QFETCH(QString, message);
        ValidationPlan plan = ValidationPlan::compile(parseArray(QLatin1Char('[') + rule + QLatin1Char(']')), targetSchema());
        plan.beginRun();
        const QList<QList<FieldError>> errors = plan.validateBatch({ rowWith(field, value) }, {});
        QCOMPARE(errors.size(), 1);
        if (message.isEmpty()) {
            QCOMPARE(errors.at(0), QList<FieldError>());
        } else {
            const QString ruleName = parseArray(QLatin1Char('[') + rule + QLatin1Char(']')).at(0)[QLatin1String("rule")].toString();
            QCOMPARE(errors.at(0), (QList<FieldError> { { field, ruleName, message } }));
        }
    }

    void errorsPerRowInRuleOrder()
    {
        ValidationPlan plan = ValidationPlan::compile(parseArray(QString::fromUtf8(fixture1)), targetSchema());
        Row good = rowWith(QStringLiteral("parcel_number"), QStringLiteral("P-1"));
        good[4] = QStringLiteral("WA");
        Row bad = rowWith(QStringLiteral("acreage"), QStringLiteral("-2"));
        bad[4] = QStringLiteral("ID");
        const auto errors = plan.validateBatch({ good, bad, good }, {});
        QCOMPARE(errors.size(), 3);
        QVERIFY(errors.at(0).isEmpty());
        QVERIFY(errors.at(2).isEmpty());
        QCOMPARE(errors.at(1).size(), 3);
        QCOMPARE(errors.at(1).at(0).rule, QStringLiteral("required"));
        QCOMPARE(errors.at(1).at(1).rule, QStringLiteral("min_value"));
        QCOMPARE(errors.at(1).at(2).rule, QStringLiteral("enum"));
    }

    void uniqueAcrossBatchesUntilNextRun()
    {
        ValidationPlan plan = ValidationPlan::compile(parseArray(QStringLiteral(R"([{"field": "source_id", "rule": "unique"}])")),
                                                      targetSchema());
        const auto row = [](const QVariant &id) { return rowWith(QStringLiteral("source_id"), id); };
        plan.beginRun();
        auto errors = plan.validateBatch({ row(uuid(1)), row(uuid(2)), row(uuid(1)), row(QVariant()), row(QVariant()) }, {});
        QVERIFY(errors.at(0).isEmpty());
        QVERIFY(errors.at(1).isEmpty());
        QCOMPARE(errors.at(2), (QList<FieldError> { { QStringLiteral("source_id"), QStringLiteral("unique"),
                                                     QStringLiteral("source_id must be unique, '%1' occurs more than once in this run").arg(uuid(1)) } }));
        QVERIFY(errors.at(3).isEmpty()); // NULLs are not values
        QVERIFY(errors.at(4).isEmpty());

        errors = plan.validateBatch({ row(uuid(2)), row(uuid(3)) }, {});
        QCOMPARE(errors.at(0).size(), 1); // seen in the previous batch of this run
        QVERIFY(errors.at(1).isEmpty());

        plan.beginRun();
        errors = plan.validateBatch({ row(uuid(1)), row(uuid(2)), row(uuid(3)) }, {});
        for (const auto &rowErrors : errors)
            QVERIFY(rowErrors.isEmpty());
    }

    void referenceLooksUpOncePerBatch()
    {
        ValidationPlan plan = ValidationPlan::compile(parseArray(QStringLiteral(
            R"([{"field": "property_source_id", "rule": "reference", "entity": "cama_property", "column": "source_id"}])")),
            targetSchema());
        QVERIFY(plan.hasReferenceRules());
        int calls = 0;
        QList<QVariant> asked;
        const ValidationPlan::ReferenceLookup lookup = [&](const QString &entity, const QString &column, ValueType type,
                                                           const QList<QVariant> &values) {
            ++calls;
            asked = values;
            [&] {
                QCOMPARE(entity, QStringLiteral("cama_property"));
                QCOMPARE(column, QStringLiteral("source_id"));
                QCOMPARE(type, ValueType::Uuid);
            }();
            return QSet<QString> { uuid(1), uuid(3) };
        };
        const auto row = [](const QVariant &id) { return rowWith(QStringLiteral("property_source_id"), id); };
        QList<Row> batch;
        for (int i = 0; i < 100; ++i)
            batch << row(uuid(1 + i % 3)); // 1, 2, 3, 1, 2, 3...
        batch << row(QVariant());
        plan.beginRun();
        const auto errors = plan.validateBatch(batch, lookup);
        QCOMPARE(calls, 1);
        QCOMPARE(asked, (QList<QVariant> { uuid(1), uuid(2), uuid(3) })); // distinct, first-seen order
        for (int i = 0; i < 100; ++i) {
            if (i % 3 == 1) {
                QCOMPARE(errors.at(i), (QList<FieldError> { { QStringLiteral("property_source_id"), QStringLiteral("reference"),
                                                             QStringLiteral("property_source_id '%1' does not exist in cama_property.source_id").arg(uuid(2)) } }));
            } else {
                QVERIFY(errors.at(i).isEmpty());
            }
        }
        QVERIFY(errors.at(100).isEmpty()); // NULL is not a dangling reference

        plan.validateBatch(batch.mid(0, 10), lookup);
        QCOMPARE(calls, 2); // once per batch
        plan.validateBatch({ row(QVariant()) }, lookup);
        QCOMPARE(calls, 2); // nothing to ask
    }

    void noReferenceRules()
    {
        const ValidationPlan plan = ValidationPlan::compile(parseArray(QStringLiteral(R"([{"field": "name", "rule": "required"}])")),
                                                            targetSchema());
        QVERIFY(!plan.hasReferenceRules());
        QCOMPARE(plan.ruleCount(), 1);
    }

    void compileListsEveryBadRule()
    {
        const QJsonArray rules = parseArray(QString::fromUtf8(fixture2));
        try {
            ValidationPlan::compile(rules, targetSchema());
            QFAIL("compile accepted bad rules");
        } catch (const tf::Error &error) {
            QCOMPARE(error.kind(), tf::Error::Kind::Validation);
            QCOMPARE(error.message(), QStringLiteral("validation rules are invalid"));
            QRegularExpression regexError(QStringLiteral("^(\\d{5}$"));
            const QList<QPair<QString, QString>> expected {
                { QStringLiteral("validation[1].field"), QStringLiteral("unknown field 'parcel_numbr'") },
                { QStringLiteral("validation[2].rule"), QStringLiteral("unknown rule 'at_least'") },
                { QStringLiteral("validation[3].value"), QStringLiteral("is required by the min_value rule") },
                { QStringLiteral("validation[4].value"), QStringLiteral("invalid regular expression: %1 at offset %2")
                                                             .arg(regexError.errorString()).arg(regexError.patternErrorOffset()) },
                { QStringLiteral("validation[5].values"), QStringLiteral("must be a non-empty array") },
                { QStringLiteral("validation[6].value"),
                  QStringLiteral("unknown type 'mail' (string, integer, float, decimal, boolean, date, email)") },
                { QStringLiteral("validation[7].value"), QStringLiteral("must be a whole number of at least 0") },
                { QStringLiteral("validation[8].column"), QStringLiteral("is required by the reference rule") },
                { QStringLiteral("validation[9].values[1]"), QStringLiteral("'soon' is not an integer") },
                { QStringLiteral("validation[10].value"), QStringLiteral("must be a number") },
                { QStringLiteral("validation[11].valu"), QStringLiteral("unknown key for the required rule") },
                { QStringLiteral("validation[12].field"), QStringLiteral("must name a field") },
                { QStringLiteral("validation[13]"), QStringLiteral("must be an object with \"field\" and \"rule\"") },
                { QStringLiteral("validation[14].value"), QStringLiteral("min_value applies to numbers and dates; source_id is uuid") },
            };
            const QJsonArray actual = error.details().value(QStringLiteral("errors")).toArray();
            for (qsizetype i = 0; i < std::min<qsizetype>(actual.size(), expected.size()); ++i) {
                QCOMPARE(actual.at(i)[QLatin1String("field")].toString(), expected.at(i).first);
                QCOMPARE(actual.at(i)[QLatin1String("message")].toString(), expected.at(i).second);
            }
            QCOMPARE(actual.size(), expected.size());
        }
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
