#include "fakeconnector.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <algorithm>

namespace tf::test {

using namespace tf::sync;

int compareValues(const QVariant &a, const QVariant &b, ValueType type)
{
    const bool aNull = a.isNull() || !a.isValid();
    const bool bNull = b.isNull() || !b.isValid();
    if (aNull || bNull)
        return aNull == bNull ? 0 : (aNull ? -1 : 1);
    switch (type) {
    case ValueType::Integer:
        return a.toLongLong() < b.toLongLong() ? -1 : (a.toLongLong() > b.toLongLong() ? 1 : 0);
    case ValueType::Double:
    case ValueType::Decimal:
        return a.toDouble() < b.toDouble() ? -1 : (a.toDouble() > b.toDouble() ? 1 : 0);
    default: {
        const QByteArray x = canonicalValue(a, type);
        const QByteArray y = canonicalValue(b, type);
        return x < y ? -1 : (y < x ? 1 : 0);
    }
    }
}

bool KeyLess::operator()(const KeyValues &a, const KeyValues &b) const
{
    for (int i = 0; i < a.size() && i < b.size(); ++i) {
        const int c = compareValues(a.at(i), b.at(i), types.value(i, ValueType::Text));
        if (c != 0)
            return c < 0;
    }
    return a.size() < b.size();
}

FakeSystem::FakeSystem(QString name)
    : m_name(std::move(name))
{ }

void FakeSystem::addEntity(const QString &name, const Schema &schema, const QStringList &keyColumns)
{
    Entity entity;
    entity.description = { name, schema, keyColumns };
    entity.keyIndexes = schema.indexesOf(keyColumns);
    for (int index : entity.keyIndexes)
        entity.keyTypes << schema.at(index).type;
    entity.rows = RowMap(KeyLess { entity.keyTypes });
    m_entities.insert(name, std::move(entity));
}

FakeSystem::Entity &FakeSystem::entity(const QString &name)
{
    const auto it = m_entities.find(name);
    if (it == m_entities.end())
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("%1 has no entity '%2'").arg(m_name, name));
    return it.value();
}

const FakeSystem::Entity &FakeSystem::entity(const QString &name) const
{
    return const_cast<FakeSystem *>(this)->entity(name);
}

KeyValues FakeSystem::keyOf(const Entity &entity, const Row &row) const
{
    KeyValues key;
    for (int index : entity.keyIndexes)
        key << row.value(index);
    return key;
}

void FakeSystem::put(const QString &name, const Row &row)
{
    Entity &e = entity(name);
    e.rows[keyOf(e, row)] = row;
}

void FakeSystem::remove(const QString &name, const KeyValues &key)
{
    entity(name).rows.erase(key);
}

QList<Row> FakeSystem::rows(const QString &name) const
{
    QList<Row> list;
    for (const auto &entry : entity(name).rows)
        list << entry.second;
    return list;
}

qsizetype FakeSystem::rowCount(const QString &name) const
{
    return qsizetype(entity(name).rows.size());
}

std::optional<Row> FakeSystem::row(const QString &name, const KeyValues &key) const
{
    const Entity &e = entity(name);
    const auto it = e.rows.find(key);
    if (it == e.rows.end())
        return std::nullopt;
    return it->second;
}

void FakeSystem::failApplyAt(int n, Error::Kind kind, int times)
{
    m_applyFaults.append(
        { m_counters.applies + n, m_counters.applies + n + times - 1, kind, false });
}

void FakeSystem::failApplyAfterCommitAt(int n, Error::Kind kind)
{
    m_applyFaults.append({ m_counters.applies + n, m_counters.applies + n, kind, true });
}

void FakeSystem::failReadAt(int n, Error::Kind kind, int times)
{
    m_readFaults.append({ m_counters.reads + n, m_counters.reads + n + times - 1, kind, false });
}

void FakeSystem::clearFaults()
{
    m_applyFaults.clear();
    m_readFaults.clear();
}

const FakeSystem::Fault *FakeSystem::faultAt(const QList<Fault> &faults, int count) const
{
    for (const Fault &fault : faults) {
        if (count >= fault.from && count <= fault.to)
            return &fault;
    }
    return nullptr;
}

void FakeSystem::readStep()
{
    ++m_counters.reads;
    if (const Fault *fault = faultAt(m_readFaults, m_counters.reads))
        throw Error(
            fault->kind,
            QStringLiteral("%1: injected read fault at step %2").arg(m_name).arg(m_counters.reads));
}

EntityDescription FakeSystem::describe(const QString &name)
{
    return entity(name).description;
}

QStringList FakeSystem::entities()
{
    QStringList names = m_entities.keys();
    names.sort();
    return names;
}

SchemaPtr FakeSystem::projection(const Entity &e, const QStringList &columns,
                                 QList<int> *indexes) const
{
    const Schema &schema = e.description.schema;
    *indexes = columns.isEmpty() ? schema.indexesOf(schema.names()) : schema.indexesOf(columns);
    QList<Column> projected;
    for (int index : std::as_const(*indexes))
        projected << schema.at(index);
    return std::make_shared<const Schema>(projected);
}

Row FakeSystem::project(const Row &row, const QList<int> &indexes)
{
    Row projected;
    projected.reserve(indexes.size());
    for (int index : indexes)
        projected << row.value(index);
    return projected;
}

namespace {

// Delivers rows in batches of batchSize, one read step each (and one for no rows at all).
template<typename Item, typename Deliver>
void inBatches(const QList<Item> &items, int batchSize, const std::function<void()> &step,
               const Deliver &deliver)
{
    const qsizetype size = qMax(1, batchSize);
    if (items.isEmpty()) {
        step();
        deliver(QList<Item>());
        return;
    }
    for (qsizetype start = 0; start < items.size(); start += size) {
        step();
        if (!deliver(items.mid(start, size)))
            return;
    }
}

} // namespace

void FakeSystem::readAll(const ReadRequest &request, const BatchSink &sink)
{
    ++m_counters.readAllCalls;
    const Entity &e = entity(request.entity);
    QList<int> indexes;
    const SchemaPtr schema = projection(e, request.columns, &indexes);
    // Streams from the map in batches: the fake itself holds no copy of the table.
    RowBatch batch { schema, {}, {} };
    bool delivered = false;
    for (const auto &entry : e.rows) {
        batch.rows << project(entry.second, indexes);
        if (batch.rows.size() >= qMax(1, request.batchSize)) {
            readStep();
            delivered = true;
            if (!sink(batch))
                return;
            batch.rows.clear();
        }
    }
    if (!batch.rows.isEmpty() || !delivered) {
        readStep();
        sink(batch);
    }
}

void FakeSystem::readKeyHashes(const ReadRequest &request, const KeyHashSink &sink)
{
    const Entity &e = entity(request.entity);
    QList<int> indexes;
    const SchemaPtr schema = projection(e, request.columns, &indexes);
    QList<KeyHash> batch;
    bool delivered = false;
    for (const auto &entry : e.rows) {
        // Not rowHash(): a source's own hash is opaque to the engine.
        QCryptographicHash md5(QCryptographicHash::Md5);
        const Row projected = project(entry.second, indexes);
        for (int i = 0; i < projected.size(); ++i) {
            md5.addData(canonicalValue(projected.at(i), schema->at(i).type));
            md5.addData("|");
        }
        batch.append({ entry.first, md5.result().toHex() });
        if (batch.size() >= qMax(1, request.batchSize)) {
            readStep();
            delivered = true;
            if (!sink(batch))
                return;
            batch.clear();
        }
    }
    if (!batch.isEmpty() || !delivered) {
        readStep();
        sink(batch);
    }
}

void FakeSystem::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys,
                            const BatchSink &sink)
{
    ++m_counters.readByKeysCalls;
    if (m_beforeReadByKeys)
        m_beforeReadByKeys();
    const Entity &e = entity(request.entity);
    QList<int> indexes;
    const SchemaPtr schema = projection(e, request.columns, &indexes);
    QList<Row> found;
    for (const KeyValues &key : keys) {
        const auto it = e.rows.find(key);
        if (it != e.rows.end())
            found << project(it->second, indexes);
    }
    inBatches(
        found, request.batchSize, [this] { readStep(); },
        [&](const QList<Row> &rows) {
            return sink(RowBatch { schema, rows, {} });
        });
}

void FakeSystem::readSince(const ReadRequest &request, const QString &cursorColumn,
                           const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const Entity &e = entity(request.entity);
    const int cursorIndex = e.description.schema.indexesOf({ cursorColumn }).constFirst();
    const ValueType cursorType = e.description.schema.at(cursorIndex).type;
    const KeyLess keyLess { e.keyTypes };
    const auto before = [&](const QVariant &cursorA, const KeyValues &keyA, const QVariant &cursorB,
                            const KeyValues &keyB) {
        const int c = compareValues(cursorA, cursorB, cursorType);
        return c != 0 ? c < 0 : keyLess(keyA, keyB);
    };
    QList<const RowMap::value_type *> past;
    for (const auto &entry : e.rows) {
        const QVariant cursor = entry.second.value(cursorIndex);
        if (!after || before(after->cursor, after->key, cursor, entry.first))
            past << &entry;
    }
    std::sort(past.begin(), past.end(), [&](const auto *a, const auto *b) {
        return before(a->second.value(cursorIndex), a->first, b->second.value(cursorIndex),
                      b->first);
    });
    QList<int> indexes;
    const SchemaPtr schema = projection(e, request.columns, &indexes);
    inBatches(
        past, request.batchSize, [this] { readStep(); },
        [&](const QList<const RowMap::value_type *> &items) {
            RowBatch batch { schema, {}, {} };
            for (const auto *item : items)
                batch.rows << project(item->second, indexes);
            return sink(batch);
        });
}

void FakeSystem::applyTo(QHash<QString, Entity> &entities, const ChangeBatch &batch)
{
    const auto it = entities.find(batch.entity);
    if (it == entities.end())
        throw Error(Error::Kind::NotFound,
                    QStringLiteral("%1 has no entity '%2'").arg(m_name, batch.entity));
    Entity &e = it.value();
    // Checked before anything changes: an apply is all or nothing.
    const QList<int> columns
        = batch.schema ? e.description.schema.indexesOf(batch.schema->names()) : QList<int>();
    const QList<int> keyInBatch
        = batch.schema ? batch.schema->indexesOf(e.description.keyColumns) : QList<int>();
    for (const Row &row : batch.upserts) {
        Row full;
        KeyValues key;
        for (int index : keyInBatch)
            key << row.value(index);
        const auto existing = e.rows.find(key);
        full = existing != e.rows.end() ? existing->second : Row(e.description.schema.size());
        for (int i = 0; i < columns.size(); ++i)
            full[columns.at(i)] = row.value(i);
        if (existing == e.rows.end() || existing->second != full) {
            ++m_counters.rowWrites;
            e.rows[key] = full;
        }
    }
    for (const KeyValues &key : batch.deletes)
        m_counters.rowWrites += qint64(e.rows.erase(key));
}

void FakeSystem::apply(const ChangeBatch &batch)
{
    ++m_counters.applies;
    m_counters.largestApply
        = qMax(m_counters.largestApply, int(batch.upserts.size() + batch.deletes.size()));
    const Fault *fault = faultAt(m_applyFaults, m_counters.applies);
    const QString message
        = QStringLiteral("%1: injected apply fault at call %2").arg(m_name).arg(m_counters.applies);
    if (fault && !fault->afterCommit)
        throw Error(fault->kind, message);
    if (m_pending) {
        applyTo(*m_pending, batch); // visible at endEntity(true); state is the caller's business
    } else {
        applyTo(m_entities, batch);
        if (m_transactional)
            m_state.applyState(batch);
    }
    if (fault)
        throw Error(fault->kind, message);
}

void FakeSystem::beginEntity(const QString &, SchemaPtr, const QStringList &)
{
    if (!m_transactional)
        m_pending = m_entities;
}

void FakeSystem::endEntity(const QString &, bool success)
{
    if (m_pending && success)
        m_entities = *m_pending;
    m_pending.reset();
}

QSet<QString> FakeSystem::existingValues(const QString &name, const QString &column, ValueType type,
                                         const QList<QVariant> &values)
{
    ++m_counters.existingValuesCalls;
    const Entity &e = entity(name);
    QSet<QString> found;
    if (e.description.keyColumns == QStringList { column }) {
        for (const QVariant &value : values) {
            if (e.rows.count(KeyValues { value }) > 0)
                found.insert(QString::fromUtf8(canonicalValue(value, type)));
        }
        return found;
    }
    QSet<QString> wanted;
    for (const QVariant &value : values)
        wanted.insert(QString::fromUtf8(canonicalValue(value, type)));
    const int index = e.description.schema.indexesOf({ column }).constFirst();
    for (const auto &entry : e.rows) {
        const QString text = QString::fromUtf8(canonicalValue(entry.second.value(index), type));
        if (wanted.contains(text))
            found.insert(text);
    }
    return found;
}

} // namespace tf::test
