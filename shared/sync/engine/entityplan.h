#pragma once

#include "batchvalidator.h"
#include "pairspec.h"
#include "sync/connector.h"
#include "sync/mapping/mappingplan.h"

#include <memory>
#include <optional>

namespace tf::sync {

// One entity of a run, planned: everything compiled and resolved once (schemas, column
// indexes, key types, mapping, validation) so the executors work on plain vectors.
//
// Rows are read with readSchema: the source key columns, then the columns the mapping uses,
// then the cursor column; hashes cover exactly these columns, so a change to a column the
// pair does not carry is not a change.
struct EntityPlan
{
    EntitySpec spec;
    ChangeMode mode = ChangeMode::Hash;
    SchemaPtr readSchema;
    QList<ValueType> sourceKeyTypes; // source key = first sourceKeyTypes.size() read columns
    int cursorIndex = -1; // in readSchema
    std::shared_ptr<const MappingPlan> mapping; // compiled against readSchema
    SchemaPtr targetSchema; // the mapped columns
    QList<int> targetKeyIndexes; // in targetSchema
    QList<ValueType> targetKeyTypes;
    // Each target key column is the source key column at its position, copied unchanged:
    // targetKeyText(mapped) == sourceKeyText(read) for every row.
    bool targetKeyIsSourceKey = false;
    SchemaPtr softDeleteSchema; // target key columns + the soft-delete column
    std::shared_ptr<BatchValidator> validator; // null: no rules

    ReadRequest readRequest(int batchSize) const;
    KeyValues sourceKey(const Row &readRow) const;
    QString sourceKeyText(const Row &readRow) const;
    KeyValues targetKey(const Row &mappedRow) const;
    QString targetKeyText(const Row &mappedRow) const;
    const SourceConnector *source = nullptr; // hashes rows as its own readKeyHashes does
    QByteArray hash(const Row &readRow) const
    {
        return source ? source->hashRow(readRow, *readSchema) : rowHash(readRow, *readSchema);
    }
    // hash() of each row, asked of the source in one call where it can (PostgreSQL's typed hash).
    QList<QByteArray> hashes(const QList<Row> &readRows) const;
    std::optional<Checkpoint> checkpointOf(const Row &readRow) const;
    // The batch's rows in readSchema order (connectors should already deliver them so).
    // Throws tf::Error(Validation) naming the column when a key or cursor value is an
    // UnreadableValue; one anywhere else is left for RowTransformer to quarantine.
    QList<Row> conform(const RowBatch &batch) const;
    void requireReadable(const Row &readRow) const;
    // (source key text, hash) of rows, for StateStore::stage(); the source's own hashes
    // (RowBatch::hashes) when there is one per row, else hash().
    QList<QPair<QString, QByteArray>> keyHashes(const QList<Row> &rows,
                                                const QList<QByteArray> &sourceHashes = {}) const;
};

// Describes both sides and compiles the entity. Throws tf::Error(Validation) naming what
// does not fit (a key column the mapping does not produce, a missing cursor column...).
EntityPlan planEntity(const EntitySpec &spec, ChangeMode mode, SourceConnector &source,
                      TargetConnector &target, const ValidatorFactory &validators);

} // namespace tf::sync
