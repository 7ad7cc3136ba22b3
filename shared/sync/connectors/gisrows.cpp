#include "gisrows.h"

#include "core/errors.h"
#include "filevalues.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace tf::sync::gis {

QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

Emitter::Emitter(const Schema &full, const ReadRequest &request, const BatchSink &sink)
    : m_limit(qMax(1, request.batchSize))
    , m_sink(sink)
{
    m_indexes = full.indexesOf(request.columns.isEmpty() ? full.names() : request.columns);
    QList<Column> selected;
    for (int index : std::as_const(m_indexes))
        selected << full.at(index);
    m_batch.schema = std::make_shared<const Schema>(selected);
}

bool Emitter::add(const QList<Row> &rows)
{
    for (const Row &row : rows) {
        Row out;
        out.reserve(m_indexes.size());
        for (int index : std::as_const(m_indexes))
            out << row.at(index);
        m_batch.rows << std::move(out);
        if (m_batch.rows.size() >= m_limit && !flush())
            return false;
    }
    return true;
}

bool Emitter::flush()
{
    if (m_batch.rows.isEmpty())
        return true;
    const bool more = m_sink(m_batch);
    m_batch.rows.clear();
    return more;
}

KeyFilter::KeyFilter(const Schema &schema, const QStringList &keyColumns, const QList<KeyValues> &keys)
    : m_indexes(schema.indexesOf(keyColumns))
{
    for (int index : std::as_const(m_indexes))
        m_types << schema.at(index).type;
    for (const KeyValues &key : keys)
        m_wanted.insert(keyText(key, m_types));
}

QList<Row> KeyFilter::keep(const QList<Row> &rows) const
{
    QList<Row> kept;
    for (const Row &row : rows) {
        KeyValues key;
        for (int index : m_indexes)
            key << row.at(index);
        if (m_wanted.contains(keyText(key, m_types)))
            kept << row;
    }
    return kept;
}

SinceCollector::SinceCollector(const Schema &schema, const QString &entity, const QString &cursorColumn,
                               const QStringList &keyColumns, const std::optional<Checkpoint> &after)
    : m_schema(schema)
    , m_entity(entity)
{
    if (schema.indexOf(cursorColumn) < 0) {
        throw Error(Error::Kind::Validation, QStringLiteral("'%1' is not a column of %2").arg(cursorColumn, entity),
                    QJsonObject { { QStringLiteral("field"), QStringLiteral("cursor_column") } });
    }
    m_position = schema.indexesOf({ cursorColumn });
    m_position << schema.indexesOf(keyColumns);
    for (int index : std::as_const(m_position))
        m_types << schema.at(index).type;
    if (after) {
        m_hasCheckpoint = true;
        m_checkpoint = QList<QVariant> { after->cursor } + after->key;
    }
}

int SinceCollector::compare(const Row &row, const QList<QVariant> &than) const
{
    for (int i = 0; i < m_position.size() && i < than.size(); ++i) {
        if (const int c = files::compareValues(row.at(m_position.at(i)), than.at(i), m_types.at(i)))
            return c;
    }
    return 0;
}

bool SinceCollector::add(const QList<Row> &rows)
{
    for (const Row &row : rows) {
        const QVariant &cursor = row.at(m_position.first());
        if (const UnreadableValue *bad = unreadableOf(cursor)) {
            throw Error(Error::Kind::Validation,
                        QStringLiteral("entity '%1', column '%2': %3").arg(m_entity, m_schema.at(m_position.first()).name, bad->reason),
                        QJsonObject { { QStringLiteral("entity"), m_entity } });
        }
        if (!cursor.isNull() && cursor.isValid() && (!m_hasCheckpoint || compare(row, m_checkpoint) > 0))
            m_rows << row;
    }
    return true;
}

void SinceCollector::emitSorted(const ReadRequest &request, const BatchSink &sink)
{
    std::stable_sort(m_rows.begin(), m_rows.end(), [this](const Row &a, const Row &b) {
        for (int i = 0; i < m_position.size(); ++i) {
            if (const int c = files::compareValues(a.at(m_position.at(i)), b.at(m_position.at(i)), m_types.at(i)))
                return c < 0;
        }
        return false;
    });
    Emitter emitter(m_schema, request, sink);
    if (emitter.add(m_rows))
        emitter.flush();
}

} // namespace tf::sync::gis
