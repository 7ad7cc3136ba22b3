#pragma once

#include <functional>

#include "core/errors.h"
#include "memorystatestore.h"
#include "sync/connector.h"

#include <map>

namespace tf::test {

// Orders keys by value, per the key columns' types (integers numerically), NULL first.
struct KeyLess
{
    QList<sync::ValueType> types;
    bool operator()(const sync::KeyValues &a, const sync::KeyValues &b) const;
};
int compareValues(const QVariant &a, const QVariant &b, sync::ValueType type);

// An external system in memory, usable as the source and the target of a pair, so the real
// engine runs with no network (STYLE.md: the fake server of ownCloud's tests). Entities hold
// rows by key; a test changes one side, syncs, and compares whole states with rows().
//
// Faults are injected by count: failApplyAt(n) makes the n-th apply() from now throw before
// changing anything; failApplyAfterCommitAt(n) lets it commit and then throws (a lost
// acknowledgement); failReadAt(n) makes the n-th read step throw (each batch a read
// delivers is one step, and so is a read that delivers nothing).
class FakeSystem final : public sync::SourceConnector, public sync::TargetConnector
{
public:
    explicit FakeSystem(QString name = QStringLiteral("fake"));

    void addEntity(const QString &name, const sync::Schema &schema, const QStringList &keyColumns);
    void put(const QString &entity, const sync::Row &row); // insert or replace by key
    void remove(const QString &entity, const sync::KeyValues &key);
    // Every row of the entity, sorted by key.
    QList<sync::Row> rows(const QString &entity) const;
    qsizetype rowCount(const QString &entity) const;
    std::optional<sync::Row> row(const QString &entity, const sync::KeyValues &key) const;

    void setHashesAtSource(bool on) { m_hashesAtSource = on; }
    // What cursorHorizon() answers (none by default: nothing can appear below a read).
    void setCursorHorizon(sync::CursorHorizon horizon) { m_horizon = std::move(horizon); }
    // What estimateRows answers for every read (default: unknown), right or wrong on purpose.
    void setEstimatedRows(qint64 rows) { m_estimatedRows = rows; }
    void setTransactional(bool on) { m_transactional = on; }

    void failApplyAt(int n, Error::Kind kind, int times = 1);
    void failApplyAfterCommitAt(int n, Error::Kind kind);
    void failReadAt(int n, Error::Kind kind, int times = 1);
    // Runs at the start of each readByKeys() (e.g. a concurrent delete between hash staging
    // and reading the changed rows).
    void setBeforeReadByKeys(std::function<void()> hook) { m_beforeReadByKeys = std::move(hook); }
    void clearFaults();

    struct Counters
    {
        int applies = 0; // apply() calls, failed ones included
        int reads = 0; // read steps
        int readByKeysCalls = 0;
        int readAllCalls = 0;
        int existingValuesCalls = 0;
        qint64 rowWrites = 0; // rows inserted, changed or deleted by apply()
        int largestApply = 0; // most upserts + deletes in one apply()
    };
    const Counters &counters() const { return m_counters; }
    void resetCounters() { m_counters = {}; }

    MemoryStateStore &memoryState() { return m_state; }

    // SourceConnector and TargetConnector
    sync::EntityDescription describe(const QString &entity) override;
    QStringList entities() override;
    void readAll(const sync::ReadRequest &request, const sync::BatchSink &sink) override;
    bool hashesAtSource() const override { return m_hashesAtSource; }
    sync::CursorHorizon cursorHorizon(const QString &, const QString &) override { return m_horizon; }
    qint64 estimateRows(const sync::ReadRequest &, const QString &,
                        const std::optional<sync::Checkpoint> &) override
    {
        return m_estimatedRows;
    }
    void readKeyHashes(const sync::ReadRequest &request, const sync::KeyHashSink &sink) override;
    void readByKeys(const sync::ReadRequest &request, const QList<sync::KeyValues> &keys,
                    const sync::BatchSink &sink) override;
    void readSince(const sync::ReadRequest &request, const QString &cursorColumn,
                   const std::optional<sync::Checkpoint> &after,
                   const sync::BatchSink &sink) override;
    bool isTransactional() const override { return m_transactional; }
    void apply(const sync::ChangeBatch &batch) override;
    void beginEntity(const QString &entity, sync::SchemaPtr schema,
                     const QStringList &keyColumns) override;
    void endEntity(const QString &entity, bool success) override;
    sync::StateStore &stateStore() override { return m_state; }
    QSet<QString> existingValues(const QString &entity, const QString &column, sync::ValueType type,
                                 const QList<QVariant> &values) override;

private:
    sync::CursorHorizon m_horizon;
    using RowMap = std::map<sync::KeyValues, sync::Row, KeyLess>;
    struct Entity
    {
        sync::EntityDescription description;
        QList<int> keyIndexes;
        QList<sync::ValueType> keyTypes;
        RowMap rows;
    };
    struct Fault
    {
        int from = 0;
        int to = 0;
        Error::Kind kind = Error::Kind::Unavailable;
        bool afterCommit = false;
    };

    Entity &entity(const QString &name);
    const Entity &entity(const QString &name) const;
    sync::KeyValues keyOf(const Entity &entity, const sync::Row &row) const;
    // The projected schema and the column indexes of a read.
    sync::SchemaPtr projection(const Entity &entity, const QStringList &columns,
                               QList<int> *indexes) const;
    static sync::Row project(const sync::Row &row, const QList<int> &indexes);
    void readStep();
    const Fault *faultAt(const QList<Fault> &faults, int count) const;
    void applyTo(QHash<QString, Entity> &entities, const sync::ChangeBatch &batch);

    QString m_name;
    std::function<void()> m_beforeReadByKeys;
    QHash<QString, Entity> m_entities;
    std::optional<QHash<QString, Entity>>
        m_pending; // non-transactional: visible at endEntity(true)
    MemoryStateStore m_state;
    bool m_hashesAtSource = false;
    qint64 m_estimatedRows = sync::SourceConnector::kUnknownRows;
    bool m_transactional = true;
    QList<Fault> m_applyFaults;
    QList<Fault> m_readFaults;
    Counters m_counters;
};

} // namespace tf::test
