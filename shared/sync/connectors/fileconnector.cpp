#include "fileconnector.h"

#include "core/errors.h"
#include "filetargetfile.h"
#include "filevalues.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace tf::sync {

struct FileConnector::Writer
{
    std::unique_ptr<files::FileTargetFile> file;
    SchemaPtr schema;
};

namespace {

// The columns a request selects, as a schema and as indexes into the full row.
struct Projection
{
    SchemaPtr schema;
    QList<int> indexes;

    Projection(const Schema &full, const QStringList &columns)
    {
        const QStringList names = columns.isEmpty() ? full.names() : columns;
        indexes = full.indexesOf(names);
        QList<Column> selected;
        for (int index : std::as_const(indexes))
            selected << full.at(index);
        schema = std::make_shared<const Schema>(selected);
    }

    Row apply(const Row &row) const
    {
        Row out;
        out.reserve(indexes.size());
        for (int index : indexes)
            out << row.at(index);
        return out;
    }
};

// Collects projected rows into batches of the requested size.
class Batcher
{
public:
    Batcher(SchemaPtr schema, int batchSize, const BatchSink &sink)
        : m_batch { std::move(schema), {}, {} }
        , m_limit(qMax(1, batchSize))
        , m_sink(sink)
    { }

    bool add(Row row)
    {
        m_batch.rows << std::move(row);
        if (m_batch.rows.size() < m_limit)
            return true;
        return flush();
    }

    bool flush()
    {
        if (m_batch.rows.isEmpty())
            return true;
        const bool more = m_sink(m_batch);
        m_batch.rows.clear();
        return more;
    }

private:
    RowBatch m_batch;
    int m_limit;
    const BatchSink &m_sink;
};

QList<ValueType> typesAt(const Schema &schema, const QList<int> &indexes)
{
    QList<ValueType> types;
    for (int index : indexes)
        types << schema.at(index).type;
    return types;
}

} // namespace

FileConnector::FileConnector(const SystemSettings &settings, bool withDelimiter)
    : m_settings(files::FileSettings::parse(settings, withDelimiter))
{
}

FileConnector::~FileConnector() = default; // unfinished writers drop their temporary files

QString FileConnector::filePath(const QString &entity) const
{
    const QFileInfo info(m_settings.path);
    const bool isFolder = info.isDir() || (!info.exists() && !extensions().contains(info.suffix().toLower()));
    if (!isFolder) {
        if (entity != info.completeBaseName()) {
            throw Error(Error::Kind::NotFound, QStringLiteral("no entity '%1': %2 holds only '%3'")
                                                   .arg(entity, m_settings.path, info.completeBaseName()),
                        QJsonObject { { QStringLiteral("entity"), entity } });
        }
        return m_settings.path;
    }
    if (entity.isEmpty() || entity.contains(QLatin1Char('/')) || entity.contains(QLatin1Char('\\'))
        || entity == QLatin1String(".") || entity == QLatin1String("..")) {
        throw Error(Error::Kind::Validation, QStringLiteral("'%1' cannot name a file in %2").arg(entity, m_settings.path),
                    QJsonObject { { QStringLiteral("entity"), entity } });
    }
    const QDir folder(m_settings.path);
    for (const QString &extension : extensions()) {
        const QString candidate = folder.filePath(entity + QLatin1Char('.') + extension);
        if (QFileInfo::exists(candidate))
            return candidate;
    }
    return folder.filePath(entity + QLatin1Char('.') + extensions().constFirst());
}

QStringList FileConnector::entities()
{
    const QFileInfo info(m_settings.path);
    if (!info.isDir()) {
        if (!info.exists() && !extensions().contains(info.suffix().toLower()))
            throw Error(Error::Kind::NotFound, QStringLiteral("folder %1 does not exist").arg(m_settings.path));
        return { info.completeBaseName() };
    }
    QStringList filters;
    for (const QString &extension : extensions())
        filters << QStringLiteral("*.") + extension;
    QStringList names;
    for (const QFileInfo &file : QDir(m_settings.path).entryInfoList(filters, QDir::Files, QDir::Name)) {
        if (!names.contains(file.completeBaseName()))
            names << file.completeBaseName();
    }
    return names;
}

EntityDescription FileConnector::describe(const QString &entity)
{
    const QString path = filePath(entity);
    EntityDescription description;
    description.name = entity;
    // A target file that does not exist yet has the declared columns, or none (the run's decide).
    description.schema = QFileInfo::exists(path) ? readSchema(path) : Schema(m_settings.columns);
    description.keyColumns = m_settings.keyColumns;
    if (description.schema.size() > 0) {
        for (const QString &key : std::as_const(description.keyColumns)) {
            if (description.schema.indexOf(key) < 0) {
                throw Error(Error::Kind::Validation, QStringLiteral("key column '%1' is not a column of %2").arg(key, path),
                            QJsonObject { { QStringLiteral("field"), QStringLiteral("key") } });
            }
        }
    }
    return description;
}

void FileConnector::scan(const QString &entity, const Schema &schema, const std::function<bool(const Row &)> &visit)
{
    const QString path = filePath(entity);
    if (!QFileInfo(path).isFile()) {
        // Never read a missing file as empty: that would look like every row was deleted.
        throw Error(Error::Kind::NotFound, QStringLiteral("file %1 does not exist").arg(path),
                    QJsonObject { { QStringLiteral("entity"), entity }, { QStringLiteral("path"), path } });
    }
    const std::unique_ptr<files::FileRowReader> reader = openReader(path, schema);
    Row row;
    while (reader->next(&row)) {
        if (!visit(row))
            return;
    }
}

void FileConnector::readAll(const ReadRequest &request, const BatchSink &sink)
{
    const Schema schema = describe(request.entity).schema;
    const Projection projection(schema, request.columns);
    Batcher batcher(projection.schema, request.batchSize, sink);
    bool more = true;
    scan(request.entity, schema, [&](const Row &row) { return more = batcher.add(projection.apply(row)); });
    if (more)
        batcher.flush();
}

void FileConnector::readByKeys(const ReadRequest &request, const QList<KeyValues> &keys, const BatchSink &sink)
{
    const EntityDescription description = describe(request.entity);
    const Projection projection(description.schema, request.columns);
    const QList<int> keyIndexes =
        description.schema.indexesOf(request.keyColumns.isEmpty() ? description.keyColumns : request.keyColumns);
    if (keyIndexes.isEmpty())
        throw Error(Error::Kind::Validation, QStringLiteral("reading '%1' by key needs key columns").arg(request.entity));
    const QList<ValueType> keyTypes = typesAt(description.schema, keyIndexes);
    QSet<QString> wanted;
    for (const KeyValues &key : keys)
        wanted.insert(keyText(key, keyTypes));
    Batcher batcher(projection.schema, request.batchSize, sink);
    bool more = true;
    scan(request.entity, description.schema, [&](const Row &row) {
        KeyValues key;
        for (int index : keyIndexes)
            key << row.at(index);
        if (wanted.contains(keyText(key, keyTypes)))
            more = batcher.add(projection.apply(row));
        return more;
    });
    if (more)
        batcher.flush();
}

void FileConnector::readSince(const ReadRequest &request, const QString &cursorColumn,
                              const std::optional<Checkpoint> &after, const BatchSink &sink)
{
    const EntityDescription description = describe(request.entity);
    const Schema &schema = description.schema;
    const Projection projection(schema, request.columns);
    // Position = cursor then key columns; rows past the checkpoint are kept and sorted.
    QList<int> position = schema.indexesOf({ cursorColumn });
    position << schema.indexesOf(request.keyColumns.isEmpty() ? description.keyColumns : request.keyColumns);
    const QList<ValueType> types = typesAt(schema, position);
    const auto compare = [&](const Row &row, const QList<QVariant> &than) {
        for (int i = 0; i < position.size() && i < than.size(); ++i) {
            if (const int c = files::compareValues(row.at(position.at(i)), than.at(i), types.at(i)))
                return c;
        }
        return 0;
    };
    QList<QVariant> checkpoint;
    if (after)
        checkpoint = QList<QVariant> { after->cursor } + after->key;
    QList<Row> rows;
    scan(request.entity, schema, [&](const Row &row) {
        for (int index : std::as_const(position)) {
            // A row that cannot be placed in cursor order cannot be read past safely.
            if (const UnreadableValue *unreadable = unreadableOf(row.at(index))) {
                throw Error(Error::Kind::Validation,
                            QStringLiteral("entity '%1', column '%2': %3").arg(request.entity, schema.at(index).name, unreadable->reason),
                            QJsonObject { { QStringLiteral("entity"), request.entity }, { QStringLiteral("column"), schema.at(index).name } });
            }
        }
        if (!after || compare(row, checkpoint) > 0)
            rows << row;
        return true;
    });
    std::stable_sort(rows.begin(), rows.end(), [&](const Row &a, const Row &b) {
        for (int i = 0; i < position.size(); ++i) {
            if (const int c = files::compareValues(a.at(position.at(i)), b.at(position.at(i)), types.at(i)))
                return c < 0;
        }
        return false;
    });
    Batcher batcher(projection.schema, request.batchSize, sink);
    for (const Row &row : std::as_const(rows)) {
        if (!batcher.add(projection.apply(row)))
            return;
    }
    batcher.flush();
}

void FileConnector::beginEntity(const QString &entity, SchemaPtr schema, const QStringList &)
{
    if (!schema)
        throw Error(Error::Kind::Internal, QStringLiteral("beginEntity('%1') without a schema").arg(entity));
    const QString path = filePath(entity);
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        throw Error(Error::Kind::Unavailable, QStringLiteral("cannot create folder %1").arg(QFileInfo(path).absolutePath()));
    m_writers.remove(entity); // a writer left over from a run that never ended is dropped
    auto writer = std::make_shared<Writer>();
    writer->file = std::make_unique<files::FileTargetFile>(path);
    writer->schema = schema;
    writer->file->write(header(*schema));
    m_writers.insert(entity, writer);
}

void FileConnector::apply(const ChangeBatch &batch)
{
    const std::shared_ptr<Writer> writer = m_writers.value(batch.entity);
    if (!writer)
        throw Error(Error::Kind::Internal, QStringLiteral("apply() to '%1' before beginEntity()").arg(batch.entity));
    if (batch.upserts.isEmpty())
        return; // deletes need nothing: rows not written are gone from the new file
    if (batch.schema && batch.schema->names() != writer->schema->names()) {
        throw Error(Error::Kind::Validation, QStringLiteral("rows for '%1' have columns (%2), the file was begun with (%3)")
                                                 .arg(batch.entity, batch.schema->names().join(QStringLiteral(", ")),
                                                      writer->schema->names().join(QStringLiteral(", "))));
    }
    QByteArray bytes;
    for (const Row &row : batch.upserts) {
        if (row.size() != writer->schema->size()) {
            throw Error(Error::Kind::Validation, QStringLiteral("a row for '%1' has %2 values for %3 columns")
                                                     .arg(batch.entity).arg(row.size()).arg(writer->schema->size()));
        }
        appendRow(&bytes, row, *writer->schema);
    }
    writer->file->write(bytes);
}

void FileConnector::endEntity(const QString &entity, bool success)
{
    const std::shared_ptr<Writer> writer = m_writers.take(entity);
    if (!writer)
        return;
    if (success)
        writer->file->commit();
    else
        writer->file->cancel();
}

StateStore &FileConnector::stateStore()
{
    if (!m_stateStore) {
        throw Error(Error::Kind::Internal,
                    QStringLiteral("file target %1 has no state store: the engine must call setStateStore()").arg(m_settings.path));
    }
    return *m_stateStore;
}

QSet<QString> FileConnector::existingValues(const QString &entity, const QString &column, ValueType type,
                                            const QList<QVariant> &values)
{
    const Schema schema = describe(entity).schema;
    const int index = schema.indexesOf({ column }).constFirst();
    QSet<QString> wanted;
    for (const QVariant &value : values) {
        if (!value.isNull() && value.isValid())
            wanted.insert(QString::fromUtf8(canonicalValue(value, type)));
    }
    QSet<QString> found;
    if (wanted.isEmpty())
        return found;
    scan(entity, schema, [&](const Row &row) {
        QVariant value;
        QString error;
        if (!row.at(index).isNull() && !unreadableOf(row.at(index)) && coerceValue(row.at(index), type, &value, &error)) {
            const QString text = QString::fromUtf8(canonicalValue(value, type));
            if (wanted.contains(text))
                found.insert(text);
        }
        return found.size() < wanted.size();
    });
    return found;
}

} // namespace tf::sync
