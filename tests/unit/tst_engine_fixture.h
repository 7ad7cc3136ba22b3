#pragma once

// A small county for the engine tests: PACS-like source entities (Property, Owner) in one
// FakeSystem, CAMA-like targets in another, a real SQLite control database for quarantine.

#include "db/controldatabase.h"
#include "fakeconnector.h"
#include "sync/engine/quarantinestore.h"
#include "sync/engine/syncrunner.h"
#include "sync/mapping/mappingplan.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

namespace tf::test {

using namespace tf::sync;

inline QJsonObject jsonObject(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

inline QJsonArray jsonArray(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).array();
}

inline QDateTime at(int minute)
{
    return QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).addSecs(60 * minute);
}

class EngineWorld final
{
public:
    explicit EngineWorld(ChangeMode mode = ChangeMode::Hash)
        : source(QStringLiteral("pacs"))
        , target(QStringLiteral("cama"))
    {
        static int worlds = 0;
        ++worlds;
        source.addEntity(QStringLiteral("Property"),
                         Schema({ { QStringLiteral("PropertyID"), ValueType::Integer, false },
                                  { QStringLiteral("Parcel"), ValueType::Text },
                                  { QStringLiteral("Acreage"), ValueType::Text },
                                  { QStringLiteral("Modified"), ValueType::Timestamp },
                                  { QStringLiteral("Note"), ValueType::Text } }),
                         { QStringLiteral("PropertyID") });
        source.addEntity(QStringLiteral("Owner"),
                         Schema({ { QStringLiteral("OwnerID"), ValueType::Integer, false },
                                  { QStringLiteral("PropertyID"), ValueType::Integer },
                                  { QStringLiteral("Name"), ValueType::Text },
                                  { QStringLiteral("Modified"), ValueType::Timestamp } }),
                         { QStringLiteral("OwnerID") });
        target.addEntity(QStringLiteral("cama_property"),
                         Schema({ { QStringLiteral("source_id"), ValueType::Integer, false },
                                  { QStringLiteral("parcel_number"), ValueType::Text },
                                  { QStringLiteral("acreage"), ValueType::Double },
                                  { QStringLiteral("is_deleted"), ValueType::Boolean } }),
                         { QStringLiteral("source_id") });
        target.addEntity(QStringLiteral("cama_owner"),
                         Schema({ { QStringLiteral("source_id"), ValueType::Integer, false },
                                  { QStringLiteral("property_source_id"), ValueType::Integer },
                                  { QStringLiteral("name"), ValueType::Text } }),
                         { QStringLiteral("source_id") });

        EntitySpec property;
        property.name = QStringLiteral("property");
        property.sourceEntity = QStringLiteral("Property");
        property.sourceKey = { QStringLiteral("PropertyID") };
        property.targetEntity = QStringLiteral("cama_property");
        property.targetKey = { QStringLiteral("source_id") };
        property.mapping = jsonObject(R"({"fields": [
            {"target": "source_id", "source": "PropertyID"},
            {"target": "parcel_number", "source": "Parcel", "transform": ["trim", "upper"]},
            {"target": "acreage", "source": "Acreage"},
            {"target": "is_deleted", "transform": [{"fn": "constant", "args": [false]}]}]})");
        property.validation
            = jsonArray(R"([{"field": "acreage", "rule": "min_value", "value": 0}])");
        property.mode = mode;
        property.cursorColumn = QStringLiteral("Modified");
        property.deleteAction = DeleteAction::Propagate;
        property.softDeleteColumn = QStringLiteral("is_deleted");
        pair.entities << property;

        pair.pairId = QStringLiteral("pair-%1").arg(worlds);
        pair.sourceSystem = QStringLiteral("pacs-%1").arg(worlds);
        pair.targetSystem = QStringLiteral("cama-%1").arg(worlds);
        pair.batchSize = 2;

        control = db::ControlDatabase::open(dir.filePath(QStringLiteral("control.db")));
        quarantine = std::make_unique<QuarantineStore>(control->database());
        retry.baseDelay = std::chrono::milliseconds(100);
        retry.maxDelay = std::chrono::milliseconds(1000);
    }

    void addOwners()
    {
        EntitySpec owner;
        owner.name = QStringLiteral("owner");
        owner.sourceEntity = QStringLiteral("Owner");
        owner.sourceKey = { QStringLiteral("OwnerID") };
        owner.targetEntity = QStringLiteral("cama_owner");
        owner.targetKey = { QStringLiteral("source_id") };
        owner.mapping = jsonObject(R"({"fields": [
            {"target": "source_id", "source": "OwnerID"},
            {"target": "property_source_id", "source": "PropertyID"},
            {"target": "name", "source": "Name"}]})");
        owner.validation = jsonArray(
            R"([{"field": "property_source_id", "rule": "reference", "entity": "cama_property", "column": "source_id"}])");
        owner.mode = pair.entities.constFirst().mode;
        owner.cursorColumn = QStringLiteral("Modified");
        pair.entities << owner;
    }

    void putProperty(qint64 id, const QString &parcel, const QString &acreage, int minute = 0,
                     const QString &note = QString())
    {
        source.put(QStringLiteral("Property"), { id, parcel, acreage, at(minute), note });
    }
    void removeProperty(qint64 id) { source.remove(QStringLiteral("Property"), { id }); }
    void putOwner(qint64 id, qint64 propertyId, const QString &name, int minute = 0)
    {
        source.put(QStringLiteral("Owner"), { id, propertyId, name, at(minute) });
    }

    // transform(source): every source row through the pair's mapping, by target key.
    QList<Row> expected(int entityIndex = 0) const
    {
        const EntitySpec &spec = pair.entities.at(entityIndex);
        FakeSystem &from = const_cast<FakeSystem &>(source);
        FakeSystem &to = const_cast<FakeSystem &>(target);
        const MappingPlan mapping
            = MappingPlan::compile(spec.mapping, from.describe(spec.sourceEntity).schema,
                                   to.describe(spec.targetEntity).schema);
        QList<Row> rows;
        for (const Row &row : source.rows(spec.sourceEntity))
            rows << mapping.apply(row).row;
        std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
            return a.at(0).toLongLong() < b.at(0).toLongLong();
        });
        return rows;
    }
    QList<Row> targetRows(int entityIndex = 0) const
    {
        return target.rows(pair.entities.at(entityIndex).targetEntity);
    }
    // The pair's sync state for an entity, wherever the target keeps it.
    QMap<QString, StateEntry> state(int entityIndex = 0)
    {
        MemoryStateStore &store = target.isTransactional() ? target.memoryState() : controlState;
        return store.entries(pair.pairId, pair.entities.at(entityIndex).name);
    }

    RunResult run(RunOptions options = {})
    {
        SyncRunner runner(pair, source, target, *quarantine, DetachedStateStore::of(controlState));
        runner.setRetryPolicy(retry);
        runner.setSleeper([this](std::chrono::milliseconds wait) { sleeps << wait; });
        runner.setBreakers(sourceBreaker, targetBreaker);
        return runner.run(options);
    }

    QTemporaryDir dir;
    FakeSystem source;
    FakeSystem target;
    MemoryStateStore controlState;
    PairSpec pair;
    std::unique_ptr<db::ControlDatabase> control;
    std::unique_ptr<QuarantineStore> quarantine;
    RetryPolicy retry;
    QList<std::chrono::milliseconds> sleeps;
    std::shared_ptr<CircuitBreaker> sourceBreaker = std::make_shared<CircuitBreaker>(
        QStringLiteral("source"), CircuitBreaker::Settings { 1000, {} });
    std::shared_ptr<CircuitBreaker> targetBreaker = std::make_shared<CircuitBreaker>(
        QStringLiteral("target"), CircuitBreaker::Settings { 1000, {} });
};

// Compares two row lists, naming the first difference.
inline bool sameRows(const QList<Row> &actual, const QList<Row> &expected, QString *why)
{
    if (actual.size() != expected.size()) {
        *why = QStringLiteral("%1 rows, expected %2").arg(actual.size()).arg(expected.size());
        return false;
    }
    for (int i = 0; i < actual.size(); ++i) {
        if (actual.at(i) != expected.at(i)) {
            QStringList a, e;
            for (const QVariant &v : actual.at(i))
                a << v.toString();
            for (const QVariant &v : expected.at(i))
                e << v.toString();
            *why = QStringLiteral("row %1: [%2], expected [%3]")
                       .arg(i)
                       .arg(a.join(QLatin1Char(',')), e.join(QLatin1Char(',')));
            return false;
        }
    }
    return true;
}

#define COMPARE_ROWS(actual, expected)                                                             \
    do {                                                                                           \
        QString why_;                                                                              \
        QVERIFY2(tf::test::sameRows((actual), (expected), &why_), qPrintable(why_));               \
    } while (false)

} // namespace tf::test
