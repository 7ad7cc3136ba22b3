#pragma once

#include "sync/connector.h"

#include <QJsonValue>
#include <QSet>

namespace tf::sync::gis {

// A JSON value's compact text ("1.5", "\"a\"", "{...}"); a negative-zero marker (below), also
// inside objects and arrays, is written back as the number the service sent ("-0.0").
QString jsonText(const QJsonValue &value);

// Qt's JSON parser reads a negative zero (-0, -0.0, -0e2) as 0, and a QJsonValue cannot even hold
// one. So before parsing, markNegativeZeros rewrites every such number outside strings into a
// marker string carrying its text; the readers turn a marker into the double -0.0 (negativeZero),
// jsonText writes it back as the number, and anything else refuses it as an unreadable value.
QByteArray markNegativeZeros(const QByteArray &json);
bool isNegativeZero(const QJsonValue &value);
// For a marker: -0.0 for a double column, else an unreadable value naming the problem.
// For anything else: nullopt.
std::optional<QVariant> negativeZero(const QJsonValue &value, bool doubleColumn);

// Cuts rows of the full schema into the request's batches of the requested columns.
class Emitter
{
public:
    Emitter(const Schema &full, const ReadRequest &request, const BatchSink &sink);
    bool add(const QList<Row> &rows); // false when the sink asked to stop
    bool flush();

private:
    int m_limit;
    const BatchSink &m_sink;
    QList<int> m_indexes;
    RowBatch m_batch;
};

// readByKeys for services that cannot look keys up: keeps the rows whose key is wanted.
class KeyFilter
{
public:
    KeyFilter(const Schema &schema, const QStringList &keyColumns, const QList<KeyValues> &keys);
    QList<Row> keep(const QList<Row> &rows) const;

private:
    QList<int> m_indexes;
    QList<ValueType> m_types;
    QSet<QString> m_wanted;
};

// readSince for services that cannot order by cursor: keeps the rows past the checkpoint
// (cursor, then key columns), then emits them sorted. Memory grows with the changed rows.
class SinceCollector
{
public:
    SinceCollector(const Schema &schema, const QString &entity, const QString &cursorColumn,
                   const QStringList &keyColumns, const std::optional<Checkpoint> &after);
    bool add(const QList<Row> &rows); // throws tf::Error(Validation) for an unreadable cursor
    void emitSorted(const ReadRequest &request, const BatchSink &sink);

private:
    int compare(const Row &row, const QList<QVariant> &than) const;

    const Schema &m_schema;
    QString m_entity;
    QList<int> m_position;
    QList<ValueType> m_types;
    bool m_hasCheckpoint = false;
    QList<QVariant> m_checkpoint;
    QList<Row> m_rows;
};

} // namespace tf::sync::gis
