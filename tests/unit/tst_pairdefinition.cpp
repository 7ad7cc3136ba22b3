#include "core/errors.h"
#include "sync/definition/syncpairdefinition.h"
#include "sync/engine/pairspec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

using namespace tf::sync;

namespace {

// Every key present, so toJson() must give back exactly this.
const char *const fullDefinition = R"({
  "name": "pacs-to-cama",
  "description": "Nightly PACS to CAMA",
  "source_system_id": 1,
  "target_system_id": 2,
  "mode": "cursor",
  "schedule": "0 2 * * MON-SAT",
  "batch_size": 5000,
  "invalid_rows": "quarantine",
  "delete_policy": {"action": "soft_delete", "column": "is_deleted"},
  "cursor": {"column": "LastModified", "reconcile_every": 10},
  "enabled": true,
  "entities": [
    {"name": "property",
     "source": {"entity": "Property", "key": ["PropertyID"]},
     "target": {"entity": "cama_property", "key": ["source_id"]},
     "mapping": {"fields": [
        {"target": "source_id", "source": "PropertyID", "transform": ["uuid_from"]},
        {"target": "parcel_number", "source": "ParcelNumber", "transform": ["trim", "upper"]},
        {"target": "situs", "transform": [{"fn": "concat", "args": [", ", "Address", "City"]}]}]},
     "validation": [{"field": "parcel_number", "rule": "required"},
                    {"field": "source_id", "rule": "unique"}],
     "depends_on": []},
    {"name": "owner",
     "source": {"entity": "Owner", "key": ["OwnerID"]},
     "target": {"entity": "cama_owner", "key": ["source_id"]},
     "mapping": {"fields": [
        {"target": "source_id", "source": "OwnerID", "transform": ["uuid_from"]},
        {"target": "property_source_id", "source": "PropertyID", "transform": ["uuid_from"]}]},
     "validation": [{"field": "property_source_id", "rule": "reference", "entity": "cama_property", "column": "source_id"}],
     "depends_on": ["property"],
     "mode": "hash",
     "cursor": {"column": "ModifiedAt", "reconcile_every": 5},
     "delete_policy": {"action": "propagate"}}
  ]
})";

QJsonObject parseObject(const QString &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

QJsonObject full()
{
    return parseObject(QString::fromUtf8(fullDefinition));
}

// Sets (or, for null, removes) the value at a path like "entities[0].target.key".
QJsonValue withPath(const QJsonValue &node, QStringList parts, const QJsonValue &value)
{
    if (parts.isEmpty())
        return value;
    const QString part = parts.takeFirst();
    static const QRegularExpression indexed(QStringLiteral("^(\\w+)\\[(\\d+)\\]$"));
    const auto m = indexed.match(part);
    QJsonObject object = node.toObject();
    const QString key = m.hasMatch() ? m.captured(1) : part;
    if (m.hasMatch()) {
        QJsonArray array = object.value(key).toArray();
        const int index = m.captured(2).toInt();
        array[index] = withPath(array.at(index), parts, value);
        object[key] = array;
    } else if (parts.isEmpty() && value.isNull()) {
        object.remove(key);
    } else {
        object[key] = withPath(object.value(key), parts, value);
    }
    return object;
}

QJsonObject patched(const QJsonObject &patch)
{
    QJsonValue definition = full();
    for (auto it = patch.begin(); it != patch.end(); ++it)
        definition = withPath(definition, it.key().split(QLatin1Char('.')), it.value());
    return definition.toObject();
}

QJsonArray errorsOf(const QJsonObject &json)
{
    try {
        SyncPairDefinition::parse(json);
    } catch (const tf::Error &error) {
        if (error.kind() != tf::Error::Kind::Validation || error.message() != QStringLiteral("sync pair definition is invalid"))
            qWarning("unexpected error: %s", qPrintable(error.message()));
        return error.details().value(QStringLiteral("errors")).toArray();
    }
    return {};
}

QJsonObject entity(const QString &name, const QStringList &dependsOn)
{
    return QJsonObject {
        { QStringLiteral("name"), name },
        { QStringLiteral("source"), QJsonObject { { QStringLiteral("entity"), name }, { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
        { QStringLiteral("target"), QJsonObject { { QStringLiteral("entity"), name }, { QStringLiteral("key"), QJsonArray { QStringLiteral("id") } } } },
        { QStringLiteral("mapping"), parseObject(QStringLiteral("{\"fields\": [{\"target\": \"id\", \"source\": \"id\"}]}")) },
        { QStringLiteral("depends_on"), QJsonArray::fromStringList(dependsOn) },
    };
}

QJsonObject pairOf(const QJsonArray &entities)
{
    return QJsonObject { { QStringLiteral("name"), QStringLiteral("p") },
                         { QStringLiteral("source_system_id"), 1 },
                         { QStringLiteral("target_system_id"), 2 },
                         { QStringLiteral("entities"), entities } };
}

} // namespace

class TestPairDefinition final : public QObject
{
    Q_OBJECT

private slots:
    void fullDefinitionRoundTrips()
    {
        const SyncPairDefinition pair = SyncPairDefinition::parse(full());
        QCOMPARE(pair.name, QStringLiteral("pacs-to-cama"));
        QCOMPARE(pair.sourceSystem, 1);
        QCOMPARE(pair.targetSystem, 2);
        QCOMPARE(pair.mode, SyncMode::Cursor);
        QCOMPARE(pair.schedule, QStringLiteral("0 2 * * MON-SAT"));
        QCOMPARE(pair.deletePolicy.action, DeletePolicy::Action::SoftDelete);
        QCOMPARE(pair.deletePolicy.column, QStringLiteral("is_deleted"));
        QCOMPARE(pair.cursor->column, QStringLiteral("LastModified"));
        QCOMPARE(pair.entities.size(), 2);
        QCOMPARE(pair.entities.at(1).dependsOn, QStringList { QStringLiteral("property") });
        QCOMPARE(pair.entities.at(1).target.key, QStringList { QStringLiteral("source_id") });

        QCOMPARE(pair.toJson(), full());
        QCOMPARE(SyncPairDefinition::parse(pair.toJson()).toJson(), full());
    }

    void defaultsAndOverrides()
    {
        const QJsonObject minimal = pairOf({ entity(QStringLiteral("a"), {}) });
        const SyncPairDefinition pair = SyncPairDefinition::parse(minimal);
        QCOMPARE(pair.mode, SyncMode::Hash);
        QCOMPARE(pair.batchSize, 5000);
        QVERIFY(pair.quarantineInvalidRows);
        QCOMPARE(pair.deletePolicy.action, DeletePolicy::Action::Propagate);
        QVERIFY(pair.enabled);
        QVERIFY(pair.schedule.isEmpty());
        QVERIFY(!pair.cursor);
        const QJsonObject json = pair.toJson();
        QVERIFY(!json.contains(QStringLiteral("schedule")));
        QCOMPARE(json.value(QStringLiteral("mode")).toString(), QStringLiteral("hash"));
        QCOMPARE(SyncPairDefinition::parse(json).toJson(), json);

        QJsonObject cdc = minimal;
        cdc.insert(QStringLiteral("mode"), QStringLiteral("cdc"));
        const SyncPairDefinition streamed = SyncPairDefinition::parse(cdc);
        QCOMPARE(streamed.mode, SyncMode::Cdc);
        QCOMPARE(streamed.toJson().value(QStringLiteral("mode")).toString(), QStringLiteral("cdc"));
        const PairSpec spec = pairSpecFrom(streamed, QStringLiteral("9"));
        QVERIFY(spec.cdc);
        QCOMPARE(spec.entities.at(0).mode, ChangeMode::Full); // the initial snapshot loads whole
        QVERIFY(!pairSpecFrom(pair, QStringLiteral("9")).cdc);

        const SyncPairDefinition fullPair = SyncPairDefinition::parse(full());
        QCOMPARE(fullPair.modeOf(0), SyncMode::Cursor);
        QCOMPARE(fullPair.modeOf(1), SyncMode::Hash);
        QCOMPARE(fullPair.cursorOf(0)->column, QStringLiteral("LastModified"));
        QCOMPARE(fullPair.cursorOf(1)->reconcileEvery, 5);
        QCOMPARE(fullPair.deletePolicyOf(0).action, DeletePolicy::Action::SoftDelete);
        QCOMPARE(fullPair.deletePolicyOf(1).action, DeletePolicy::Action::Propagate);
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("patch"); // path -> new value; null removes the key
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("errorCount");

        const auto row = [](const char *name, const char *patch, const char *field, const QString &message, int count = 1) {
            QTest::newRow(name) << QString::fromUtf8(patch) << QString::fromUtf8(field) << message << count;
        };
        const auto text = [](const char *t) { return QString::fromUtf8(t); };
        row("no name", R"({"name": null})", "name", text("is required"));
        row("empty name", R"({"name": "  "})", "name", text("must be a non-empty string"));
        row("description not text", R"({"description": 5})", "description", text("must be a string"));
        row("source system zero", R"({"source_system_id": 0})", "source_system_id", text("must be a positive integer id"));
        row("source system text", R"({"source_system_id": "1"})", "source_system_id", text("must be a positive integer id"));
        row("no target system", R"({"target_system_id": null})", "target_system_id", text("is required"));
        // The deprecated names (before issue 13) are still read, and errors name what was sent.
        row("deprecated source name zero", R"({"source_system_id": null, "source_system": 0})", "source_system",
            text("must be a positive integer id"));
        row("both source names", R"({"source_system": 1})", "source_system",
            text("give source_system_id only (source_system is its deprecated name)"));
        row("unknown mode", R"({"mode": "stream"})", "mode", text("must be one of: hash, cursor, full, cdc"));
        row("cdc pair with an entity mode", R"({"mode": "cdc"})", "entities[1].mode",
            text("cannot be overridden in a cdc pair: every entity streams from its slot"));
        row("cdc as an entity mode", R"({"entities[1].mode": "cdc"})", "entities[1].mode",
            text("cdc is a mode of the whole pair, not of one entity"));
        row("bad schedule", R"({"schedule": "0 2 * * MOX"})", "schedule", text("day-of-week: 'MOX' is not a day name"));
        row("short schedule", R"({"schedule": "0 2 *"})", "schedule",
            text("expected 5 fields (minute hour day-of-month month day-of-week), got 3"));
        row("batch size zero", R"({"batch_size": 0})", "batch_size", text("must be an integer from 1 to 100000"));
        row("batch size too big", R"({"batch_size": 100001})", "batch_size", text("must be an integer from 1 to 100000"));
        row("batch size fraction", R"({"batch_size": 2.5})", "batch_size", text("must be an integer from 1 to 100000"));
        row("invalid rows", R"({"invalid_rows": "drop"})", "invalid_rows", text("must be one of: quarantine, fail"));
        row("soft delete without column", R"({"delete_policy": {"action": "soft_delete"}})", "delete_policy.column",
            text("is required"));
        row("unknown delete action", R"({"delete_policy": {"action": "erase"}})", "delete_policy.action",
            text("must be one of: propagate, soft_delete, ignore"));
        row("cursor mode without cursor", R"({"cursor": null})", "cursor", text("is required when mode is cursor"));
        row("cursor without column", R"({"cursor": {"reconcile_every": 3}})", "cursor.column", text("is required"));
        row("reconcile zero", R"({"cursor.reconcile_every": 0})", "cursor.reconcile_every",
            text("must be an integer from 1 to 10000"));
        row("enabled text", R"({"enabled": "yes"})", "enabled", text("must be true or false"));
        row("misspelt key", R"({"shedule": "0 2 * * *"})", "shedule",
            text("unknown key (expected one of: name, description, source_system_id, target_system_id, source_system, target_system, "
                 "mode, schedule, verify_schedule, "
                 "batch_size, workers_per_pair, invalid_rows, delete_policy, cursor, enabled, entities)"));
        row("bad verify schedule", R"({"verify_schedule": "0 4 * * SUX"})", "verify_schedule", text("day-of-week: 'SUX' is not a day name"));
        row("no entities", R"({"entities": null})", "entities", text("is required"));
        row("empty entities", R"({"entities": []})", "entities", text("must list at least one entity"));
        row("entity not object", R"({"entities[0]": "property"})", "entities[0]", text("must be an object"));
        row("empty target key", R"({"entities[0].target.key": []})", "entities[0].target.key",
            text("must list at least one column"));
        row("target key not array", R"({"entities[0].target.key": "source_id"})", "entities[0].target.key",
            text("must be an array of names"));
        row("repeated source key", R"({"entities[0].source.key": ["PropertyID", "PropertyID"]})", "entities[0].source.key[1]",
            text("'PropertyID' is listed twice"));
        row("no source entity", R"({"entities[0].source.entity": null})", "entities[0].source.entity", text("is required"));
        row("no target", R"({"entities[1].target": null})", "entities[1].target", text("is required"));
        row("target key not mapped", R"({"entities[0].target.key": ["id"]})", "entities[0].target.key",
            text("'id' is not a target of the mapping"));
        row("duplicate entity", R"({"entities[0].name": "owner"})", "entities[1].name", text("duplicate entity name 'owner'"), 2); // and 'property' is gone
        row("unknown dependency", R"({"entities[1].depends_on": ["parcel"]})", "entities[1].depends_on[0]",
            text("'parcel' is not an entity of this pair"));
        row("self dependency", R"({"entities[1].depends_on": ["owner"]})", "entities[1].depends_on[0]",
            text("an entity cannot depend on itself"));
        row("dependency not array", R"({"entities[1].depends_on": "property"})", "entities[1].depends_on",
            text("must be an array of names"));
        row("no mapping", R"({"entities[0].mapping": null})", "entities[0].mapping", text("is required"));
        row("unknown function", R"({"entities[0].mapping.fields[1].transform": ["uper"]})",
            "entities[0].mapping.fields[1].transform[0]", text("unknown function 'uper'"));
        row("duplicate mapping target", R"({"entities[0].mapping.fields[2].target": "parcel_number"})",
            "entities[0].mapping.fields[2].target", text("duplicate target 'parcel_number'"));
        row("unknown rule", R"({"entities[0].validation[0].rule": "needed"})", "entities[0].validation[0].rule",
            text("unknown rule 'needed'"));
        row("validation not array", R"({"entities[0].validation": {"field": "x"}})", "entities[0].validation",
            text("must be an array"));
        row("entity mode", R"({"entities[1].mode": "stream"})", "entities[1].mode", text("must be one of: hash, cursor, full, cdc"));
        row("entity cursor mode without cursor", R"({"mode": "hash", "cursor": null, "entities[1].mode": "cursor", "entities[1].cursor": null})",
            "entities[1].cursor", text("is required when mode is cursor"));
        row("entity delete policy", R"({"entities[1].delete_policy": {"action": "soft_delete"}})",
            "entities[1].delete_policy.column", text("is required"));
        row("entity unknown key", R"({"entities[0].colour": 1})", "entities[0].colour",
            text("unknown key (expected one of: name, source, target, mapping, validation, depends_on, mode, cursor, delete_policy)"));
    }

    void invalid()
    {
        QFETCH(QString, patch);
        QFETCH(QString, field);
        QFETCH(QString, message);
        QFETCH(int, errorCount);
        const QJsonArray errors = errorsOf(patched(parseObject(patch)));
        const QJsonObject expected { { QStringLiteral("field"), field }, { QStringLiteral("message"), message } };
        QVERIFY2(errors.contains(expected), QJsonDocument(errors).toJson().constData());
        QCOMPARE(errors.size(), errorCount);
    }

    void listsEveryError()
    {
        const QJsonArray errors = errorsOf(patched(parseObject(QStringLiteral(
            R"({"name": null, "batch_size": 0, "entities[0].target.key": [], "entities[1].depends_on": ["nobody"]})"))));
        QCOMPARE(errors.size(), 4);
        QCOMPARE(errors.at(0)[QLatin1String("field")].toString(), QStringLiteral("name"));
        QCOMPARE(errors.at(1)[QLatin1String("field")].toString(), QStringLiteral("batch_size"));
        QCOMPARE(errors.at(2)[QLatin1String("field")].toString(), QStringLiteral("entities[0].target.key"));
        QCOMPARE(errors.at(3)[QLatin1String("field")].toString(), QStringLiteral("entities[1].depends_on[0]"));
    }

    void cycles()
    {
        // a needs c, c needs b, b needs a.
        const QJsonArray errors = errorsOf(pairOf({ entity(QStringLiteral("a"), { QStringLiteral("c") }),
                                                    entity(QStringLiteral("b"), { QStringLiteral("a") }),
                                                    entity(QStringLiteral("c"), { QStringLiteral("b") }),
                                                    entity(QStringLiteral("d"), { QStringLiteral("a") }) }));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).toObject(), (QJsonObject { { QStringLiteral("field"), QStringLiteral("entities[1].depends_on") },
                                                         { QStringLiteral("message"), QStringLiteral("dependency cycle: a -> c -> b -> a") } }));

        const QJsonArray pairCycle = errorsOf(pairOf({ entity(QStringLiteral("x"), { QStringLiteral("y") }),
                                                       entity(QStringLiteral("y"), { QStringLiteral("x") }) }));
        QCOMPARE(pairCycle.size(), 1);
        QCOMPARE(pairCycle.at(0)[QLatin1String("message")].toString(), QStringLiteral("dependency cycle: x -> y -> x"));

        // A diamond is not a cycle.
        QVERIFY(errorsOf(pairOf({ entity(QStringLiteral("top"), {}),
                                  entity(QStringLiteral("left"), { QStringLiteral("top") }),
                                  entity(QStringLiteral("right"), { QStringLiteral("top") }),
                                  entity(QStringLiteral("bottom"), { QStringLiteral("left"), QStringLiteral("right") }) }))
                    .isEmpty());
    }

    void executionOrder_data()
    {
        QTest::addColumn<QJsonArray>("entities");
        QTest::addColumn<QList<int>>("order");
        const auto e = [](const char *name, std::initializer_list<const char *> parents) {
            QStringList list;
            for (const char *parent : parents)
                list << QString::fromUtf8(parent);
            return entity(QString::fromUtf8(name), list);
        };
        QTest::newRow("independent keep definition order") << QJsonArray { e("a", {}), e("b", {}), e("c", {}) } << QList<int> { 0, 1, 2 };
        QTest::newRow("parent defined last") << QJsonArray { e("owner", { "property" }), e("value", { "property" }), e("property", {}),
                                                             e("structure", { "property" }), e("sale", { "owner", "value" }) }
                                             << QList<int> { 2, 0, 1, 3, 4 };
        QTest::newRow("chain reversed") << QJsonArray { e("c", { "b" }), e("b", { "a" }), e("a", {}) } << QList<int> { 2, 1, 0 };
        QTest::newRow("stable among ready") << QJsonArray { e("child", { "root" }), e("other", {}), e("root", {}) }
                                            << QList<int> { 1, 2, 0 };
    }

    void executionOrder()
    {
        QFETCH(QJsonArray, entities);
        QFETCH(QList<int>, order);
        QCOMPARE(SyncPairDefinition::parse(pairOf(entities)).executionOrder(), order);
    }
};

QTEST_GUILESS_MAIN(TestPairDefinition)
#include "tst_pairdefinition.moc"
